#include "http/routes.h"

#include <nlohmann/json.hpp>

#include "config/loader.h"
#include "config/public_view.h"
#include "core/consent/snapshots.h"
#include "http/auth.h"
#include "http/errors.h"
#include "version.h"

namespace tillit::http {
namespace {

using nlohmann::json;

void AddHealth(Router& router, const AppContext& app) {
  router.Add("GET", "/healthz", Access::Public(), [app](const HttpRequest&, Responder respond) {
    auto version = app.store.SchemaVersion();
    if (!version.ok()) {
      respond(ErrorResponse(Status::Unavailable("the database does not answer", "storage_unavailable")));
      return;
    }
    respond(JsonResponse(200, json{{"status", "ok"},
                                   {"version", TILLIT_VERSION},
                                   {"policy_version", app.policy_version},
                                   {"schema_version", *version}}
                                  .dump()));
  });
  router.Add("GET", "/metrics", Access::Public(), [app](const HttpRequest&, Responder respond) {
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = app.metrics.Render();
    respond(std::move(r));
  });
}

void AddConfig(Router& router, const AppContext& app) {
  // The public view changes only with the configuration, so it is rendered once.
  auto view = std::make_shared<const std::string>(config::PublicViewJson(*app.config, app.policy_version));
  router.Add("GET", "/v1/config", Access::Public(), [view](const HttpRequest&, Responder respond) { respond(JsonResponse(200, *view)); });
}

void AddAuthCheck(Router& router, const AppContext& app) {
  // Lets an integration check its key, and a purpose it means to use, before it reads anything.
  router.Add("GET", "/v1/auth/check", Access::AnyKey(), [app](const HttpRequest& req, Responder respond) {
    json body = {{"key", req.principal->name},
                 {"purposes", req.principal->purposes},
                 {"actions", req.principal->actions}};
    if (req.Header("tillit-purpose")) {
      auto purpose = RequirePurpose(req, *app.config);
      if (!purpose.ok()) return respond(ErrorResponse(purpose.status()));
      body["purpose"] = *purpose;
    }
    respond(JsonResponse(200, body.dump()));
  });
}

void AddConfigCheck(Router& router, const AppContext& app) {
  // Validates a configuration sent as the body, as `tillit check` does, so an admin page can check an edit before
  // it is deployed. Answers 200 with the diagnostics either way: a bad configuration is the answer, not an error.
  router.Add("POST", "/v1/config/check", Access::Key("config.check"), MediaTypes{"application/toml", "text/plain"},
             [app](const HttpRequest& req, Responder respond) {
    config::LoadResult result = config::LoadConfigString(req.body, "tillit.toml");
    json diagnostics = json::array();
    for (const auto& d : result.diagnostics) {
      diagnostics.push_back({{"severity", d.severity == config::Diagnostic::Severity::kError ? "error" : "warning"},
                             {"line", d.line},
                             {"column", d.column},
                             {"key", d.key},
                             {"message", d.what},
                             {"fix", d.fix},
                             {"text", d.ToString()}});
    }
    json body = {{"ok", result.ok()}, {"diagnostics", diagnostics}};
    if (result.ok()) body["policy_version"] = core::PolicyVersionOf(*result.config);
    respond(JsonResponse(200, body.dump(-1, ' ', false, json::error_handler_t::replace)));
  });
}

}  // namespace

Router BuildRouter(const AppContext& app) {
  Router router;
  AddHealth(router, app);
  AddConfig(router, app);
  AddAuthCheck(router, app);
  AddConfigCheck(router, app);
  AddPolicyRoutes(router, app);
  AddRegisterRoutes(router, app);
  AddConsentAndDecisionRoutes(router, app);
  AddAudienceRoutes(router, app);
  AddDisclosureRoutes(router, app);
  AddWebhookRoutes(router, app);
  AddReportRoutes(router, app);
  AddRequestRoutes(router, app);
  return router;
}

}  // namespace tillit::http
