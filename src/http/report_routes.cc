// The routes of the rights that hand subjects their own data: the access report (Art. 15), stored for download
// for a limited time, and the portability archive (Art. 20). Staff and the request workflow create them with an
// API key allowed the purpose `rights_fulfilment`; a stored report is then fetched with its download token alone,
// which is what the subject receives. Decode and validate, call the service, encode.
#include <nlohmann/json.hpp>

#include "core/access_report.h"
#include "core/portability.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/json_body.h"
#include "http/routes.h"

namespace tillit::http {
namespace {

using nlohmann::json;

constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

// Authenticates a staff or workflow caller and checks that its key may act for `rights_fulfilment`.
Result<core::Actor> AdmitRightsCaller(const HttpRequest& req, const AppContext& app) {
  TILLIT_ASSIGN_OR_RETURN(core::Principal principal, Authenticate(req, *app.api_keys));
  if (!principal.AllowsPurpose(config::kRightsFulfilment)) {
    return Status::PermissionDenied("the API key '" + principal.key_name +
                                        "' may not be used for purpose 'rights_fulfilment'; create a key with it",
                                    "purpose_not_allowed");
  }
  return core::Actor{"api_key", principal.key_name};
}

// {"language": "sv"} or an empty body; "" means the controller's default language.
Result<std::string> DecodeLanguage(const HttpRequest& req) {
  if (req.body.empty()) return std::string();
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Status::InvalidArgument("the body must be a JSON object such as {\"language\": \"sv\"}", "invalid_json");
  }
  std::string language;
  for (const auto& [key, value] : body.items()) {
    if (key != "language") {
      return Status::InvalidArgument("unknown key '" + key + "'; the body has only `language`", "unknown_key");
    }
    if (!value.is_string()) {
      return Status::InvalidArgument("language must be a string: en, sv, nb or fi", "invalid_type");
    }
    language = value.get<std::string>();
    if (language.empty())
      return Status::InvalidArgument("language is empty; use en, sv, nb or fi", "unsupported_language");
  }
  return language;
}

std::string PublicPrefix(const config::Config& config) {
  std::string base = config.server.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

}  // namespace

void AddReportRoutes(Router& router, const AppContext& app) {
  router.Add("POST", "/v1/subjects/:id/access-report", [app](const HttpRequest& req, Responder respond) {
    auto actor = AdmitRightsCaller(req, app);
    if (!actor.ok()) return respond(ErrorResponse(actor.status()));
    auto language = DecodeLanguage(req);
    if (!language.ok()) return respond(ErrorResponse(language.status()));
    const std::string prefix = PublicPrefix(*app.config);
    app.reports->Create(std::string(req.Param("id")), std::move(*language), std::move(*actor),
                        [respond = std::move(respond), prefix](Result<core::StoredReport> stored) {
                          if (!stored.ok()) return respond(ErrorResponse(stored.status()));
                          const std::string path = prefix + "/v1/reports/" + stored->token;
                          HttpResponse r =
                              JsonResponse(201, Dump({{"report_id", stored->report_id},
                                                      {"token", stored->token},
                                                      {"language", stored->language},
                                                      {"created_at", FormatRfc3339(FromMicros(stored->created_at))},
                                                      {"expires_at", FormatRfc3339(FromMicros(stored->expires_at))},
                                                      {"json_url", path + "?format=json"},
                                                      {"html_url", path + "?format=html"}}));
                          r.headers.emplace_back("Location", path);
                          r.headers.emplace_back("Cache-Control", "no-store");
                          respond(std::move(r));
                        });
  });

  // The download link: the token is the credential, so no key is needed; the read is audited all the same.
  router.Add("GET", "/v1/reports/:token", [app](const HttpRequest& req, Responder respond) {
    const std::string format(req.Query("format").value_or("json"));
    if (format != "json" && format != "html") {
      return respond(ErrorResponse(Status::InvalidArgument("format must be json or html", "invalid_format")));
    }
    core::Actor actor{"subject", "download link"};
    if (req.Header("authorization")) {
      auto principal = Authenticate(req, *app.api_keys);
      if (!principal.ok()) return respond(ErrorResponse(principal.status()));
      actor = {"api_key", principal->key_name};
    }
    core::AccessReports* reports = app.reports;
    reports->Download(std::string(req.Param("token")), std::move(actor),
                      [respond = std::move(respond), format, reports](Result<core::ReportDownload> download) {
                        if (!download.ok()) return respond(ErrorResponse(download.status()));
                        HttpResponse r;
                        if (format == "json") {
                          r = JsonResponse(200, Dump(download->report));
                        } else {
                          auto html = reports->RenderHtml(download->report, download->language);
                          if (!html.ok()) return respond(ErrorResponse(html.status()));
                          r.content_type = "text/html; charset=utf-8";
                          r.body = std::move(*html);
                          r.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
                        }
                        r.headers.emplace_back("Content-Language", download->language);
                        r.headers.emplace_back("Cache-Control", "no-store");
                        r.headers.emplace_back("X-Content-Type-Options", "nosniff");
                        r.headers.emplace_back("Referrer-Policy", "no-referrer");
                        respond(std::move(r));
                      });
  });

  router.Add("GET", "/v1/subjects/:id/portability", [app](const HttpRequest& req, Responder respond) {
    auto actor = AdmitRightsCaller(req, app);
    if (!actor.ok()) return respond(ErrorResponse(actor.status()));
    const std::string id(req.Param("id"));
    app.portability->Export(id, std::string(req.Query("language").value_or("")), std::move(*actor),
                            [respond = std::move(respond), id](Result<std::string> zip) {
                              if (!zip.ok()) return respond(ErrorResponse(zip.status()));
                              HttpResponse r;
                              r.content_type = "application/zip";
                              r.body = std::move(*zip);
                              r.headers.emplace_back("Content-Disposition",
                                                     "attachment; filename=\"" + id + "-portability.zip\"");
                              r.headers.emplace_back("Cache-Control", "no-store");
                              r.headers.emplace_back("X-Content-Type-Options", "nosniff");
                              respond(std::move(r));
                            });
  });
}

}  // namespace tillit::http
