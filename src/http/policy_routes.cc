// The published privacy policy, public and without authentication:
//   GET /privacy                       → 302 to the policy in the configuration's default language
//   GET /privacy/{lang}                → the policy as one self-contained HTML page
//   GET /privacy/{lang}/processors     → the overview of processors and other recipients
//   GET /v1/policy/versions            → every published version with the time it was published, newest first
//   GET /v1/policy/diff?from=…&to=…    → what changed between two published versions (to: the current one)
// The configuration cannot change while the server runs, so every page is rendered once, here, when the routes are
// built; a request only looks its page up. A language the configuration does not offer is a 404.
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/consent/snapshots.h"
#include "http/errors.h"
#include "http/routes.h"
#include "policy/diff.h"
#include "policy/policy.h"

namespace tillit::http {
namespace {

// What a browser may load for the page: nothing but its own inline style.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

using PageMap = std::map<std::string, Result<std::string>, std::less<>>;  // by language

struct Pages {
  PageMap policy;
  PageMap processors;
  std::vector<std::string> languages;
};

// The policy is dated by the day its configuration was first published; today if the store cannot say.
TimePoint PolicyDate(const AppContext& app) {
  auto snapshot = app.store.FindConfigSnapshot(app.policy_version);
  if (snapshot.ok() && snapshot->has_value()) return FromMicros((*snapshot)->published_at);
  return app.clock.Now();
}

std::shared_ptr<const Pages> RenderPages(const AppContext& app) {
  auto pages = std::make_shared<Pages>();
  policy::RenderOptions options;
  options.date = PolicyDate(app);
  for (const auto& lang : app.config->languages) {
    pages->languages.push_back(lang);
    pages->policy.emplace(lang,
                          policy::RenderPolicy(*app.config, app.policy_version, lang, policy::Format::kHtml, options));
    pages->processors.emplace(
        lang, policy::RenderProcessors(*app.config, app.policy_version, lang, policy::Format::kHtml, options));
  }
  return pages;
}

HttpResponse Page(const Result<std::string>& html, std::string_view lang) {
  if (!html.ok()) return ErrorResponse(html.status());
  HttpResponse r;
  r.content_type = "text/html; charset=utf-8";
  r.body = *html;
  r.headers.emplace_back("Content-Language", std::string(lang));
  r.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

HttpResponse LanguageNotOffered(const Pages& pages, std::string_view lang) {
  nlohmann::json details = {{"languages", pages.languages}};
  return ErrorResponse(Status::NotFound("the privacy policy is not published in '" + std::string(lang) +
                                            "'; it is available in the languages listed in details",
                                        "language_not_offered"),
                       details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void Serve(const Pages& pages, const PageMap& table, const HttpRequest& req, const Responder& respond) {
  const std::string_view lang = req.Param("lang");
  auto it = table.find(lang);
  if (it == table.end()) return respond(LanguageNotOffered(pages, lang));
  respond(Page(it->second, lang));
}

std::string Dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

void AddVersionRoutes(Router& router, const AppContext& app) {
  // Published versions are part of the public record of the policy: no key needed, as for /privacy.
  router.Add("GET", "/v1/policy/versions", Access::Public(), [app](const HttpRequest&, Responder respond) {
    auto snapshots = app.store.ListConfigSnapshots();
    if (!snapshots.ok()) return respond(ErrorResponse(snapshots.status()));
    nlohmann::json versions = nlohmann::json::array();
    for (auto it = snapshots->rbegin(); it != snapshots->rend(); ++it) {
      versions.push_back({{"policy_version", it->id},
                          {"published_at", FormatRfc3339(FromMicros(it->published_at))},
                          {"current", it->id == app.policy_version}});
    }
    respond(JsonResponse(200, Dump({{"current", app.policy_version}, {"versions", versions}})));
  });
  router.Add("GET", "/v1/policy/diff", Access::Public(), [app](const HttpRequest& req, Responder respond) {
    auto from = req.Query("from");
    if (!from || from->empty()) {
      return respond(ErrorResponse(Status::InvalidArgument(
          "name the earlier version as ?from=pv-…; GET /v1/policy/versions lists them", "from_required")));
    }
    const std::string to =
        req.Query("to") && !req.Query("to")->empty() ? std::string(*req.Query("to")) : app.policy_version;
    auto a = core::PublishedConfig(app.store, *from);
    if (!a.ok()) return respond(ErrorResponse(a.status()));
    auto b = core::PublishedConfig(app.store, to);
    if (!b.ok()) return respond(ErrorResponse(b.status()));
    policy::PolicyDiff diff = policy::DiffPolicies(*a, *b);
    diff.from_version = std::string(*from);
    diff.to_version = to;
    respond(JsonResponse(200, Dump(policy::DiffJson(diff))));
  });
}

}  // namespace

void AddPolicyRoutes(Router& router, const AppContext& app) {
  AddVersionRoutes(router, app);
  std::shared_ptr<const Pages> pages = RenderPages(app);
  const std::string default_path = "/privacy/" + app.config->default_language();
  router.Add("GET", "/privacy", Access::Public(), [default_path](const HttpRequest&, Responder respond) {
    HttpResponse r;
    r.status = 302;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "See " + default_path + "\n";
    r.headers.emplace_back("Location", default_path);
    respond(std::move(r));
  });
  router.Add("GET", "/privacy/:lang", Access::Public(), [pages](const HttpRequest& req, Responder respond) { Serve(*pages, pages->policy, req, respond); });
  router.Add("GET", "/privacy/:lang/processors", Access::Public(), [pages](const HttpRequest& req, Responder respond) { Serve(*pages, pages->processors, req, respond); });
}

}  // namespace tillit::http
