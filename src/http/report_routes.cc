// The routes of the rights that hand subjects their own data: the access report (Art. 15) and the portability
// archive (Art. 20), each kept for download for a limited time behind a secret link (core/rights/downloads.h). Staff and the
// request workflow create them with a key holding `reports.create`; the link's token is in the answer once and never
// stored. A download needs only the token — it is what the subject is sent — and a key, when sent, must hold
// `reports.create` too. Building an archive or a report runs on the background pool, off the I/O threads.
#include <nlohmann/json.hpp>

#include "core/rights/access_report.h"
#include "core/rights/downloads.h"
#include "core/rights/portability.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/json_body.h"
#include "http/route_support.h"
#include "http/routes.h"

namespace tillit::http {
namespace {

using nlohmann::json;

constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

// {"language": "sv"} or an empty body; "" means the controller's default language.
Result<std::string> DecodeLanguage(const HttpRequest& req) {
  TILLIT_ASSIGN_OR_RETURN(json body, ParseObject(req, true));
  TILLIT_RETURN_IF_ERROR(OnlyKeys(body, {"language"}));
  std::string language;
  TILLIT_RETURN_IF_ERROR(ReadString(body, "language", language));
  if (body.contains("language") && language.empty()) {
    return Status::InvalidArgument("language is empty; name one of the shop's languages", "language_not_offered");
  }
  return language;
}

std::string PublicPrefix(const config::Config& config) {
  std::string base = config.server.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

// The 201 answer for a stored download: its id, the link (with the token, shown only now) and its expiry.
HttpResponse Created(const std::string& prefix, std::string_view kind, const core::DownloadTicket& t,
                     const std::string& language) {
  const std::string path = prefix + "/v1/reports/" + t.token;
  json body = {{"report_id", t.report_id},
               {"kind", kind},
               {"token", t.token},
               {"language", language},
               {"created_at", Time(t.created_at)},
               {"expires_at", Time(t.expires_at)}};
  if (kind == core::kAccessDownload) {
    body["json_url"] = path + "?format=json";
    body["html_url"] = path + "?format=html";
  } else {
    body["zip_url"] = path;
  }
  HttpResponse r = JsonResponse(201, Dump(body));
  r.headers.emplace_back("Location", path);
  return r;
}

void AddDownloadHeaders(HttpResponse& r) {
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
}

}  // namespace

void AddReportRoutes(Router& router, const AppContext& app) {
  router.Add("POST", "/v1/subjects/:id/access-report", Access::Key("reports.create"),
             [app](const HttpRequest& req, Responder respond) {
               auto language = DecodeLanguage(req);
               if (!language.ok()) return respond(ErrorResponse(language.status()));
               app.background.Post([app, id = std::string(req.Param("id")), language = std::move(*language),
                                     actor = ActorOf(req), respond = std::move(respond)]() mutable {
                 const std::string prefix = PublicPrefix(*app.config);
                 app.reports.Create(id, std::move(language), std::move(actor),
                                     [respond = std::move(respond), prefix](Result<core::StoredReport> stored) {
                                       if (!stored.ok()) return respond(ErrorResponse(stored.status()));
                                       core::DownloadTicket t{stored->report_id, stored->token, stored->created_at,
                                                              stored->expires_at};
                                       respond(Created(prefix, core::kAccessDownload, t, stored->language));
                                     });
               });
             });

  router.Add("POST", "/v1/subjects/:id/portability", Access::Key("reports.create"),
             [app](const HttpRequest& req, Responder respond) {
               auto language = DecodeLanguage(req);
               if (!language.ok()) return respond(ErrorResponse(language.status()));
               app.background.Post([app, id = std::string(req.Param("id")), language = std::move(*language),
                                     actor = ActorOf(req), respond = std::move(respond)]() mutable {
                 const std::string prefix = PublicPrefix(*app.config);
                 const std::string lang = language.empty() ? app.config->default_language() : language;
                 app.portability.CreateArchive(
                     id, std::move(language), std::move(actor),
                     [respond = std::move(respond), prefix, lang](Result<core::DownloadTicket> t) {
                       if (!t.ok()) return respond(ErrorResponse(t.status()));
                       respond(Created(prefix, core::kPortabilityDownload, *t, lang));
                     });
               });
             });

  // The download link: the token is the credential, so no key is needed; the read is audited all the same.
  router.Add("GET", "/v1/reports/:token", Access::OptionalKey("reports.create"),
             [app](const HttpRequest& req, Responder respond) {
               const std::string format(req.Query("format").value_or("json"));
               if (format != "json" && format != "html") {
                 return respond(ErrorResponse(Status::InvalidArgument("format must be json or html", "invalid_format")));
               }
               app.background.Post([app, format, token = std::string(req.Param("token")), actor = ActorOf(req),
                                     respond = std::move(respond)]() mutable {
                 app.downloads.Fetch(std::move(token), std::move(actor), [app, format, respond = std::move(respond)](
                                                                              Result<core::Download> d) {
                   if (!d.ok()) return respond(ErrorResponse(d.status()));
                   HttpResponse r;
                   if (d->kind == core::kPortabilityDownload) {
                     r.content_type = "application/zip";
                     r.body = std::move(d->content);
                     r.headers.emplace_back("Content-Disposition", "attachment; filename=\"portability.zip\"");
                   } else if (format == "json") {
                     r = JsonResponse(200, std::move(d->content));
                   } else {
                     json report = json::parse(d->content, nullptr, false);
                     if (report.is_discarded()) {
                       return respond(ErrorResponse(Status::Internal("a stored report does not hold JSON")));
                     }
                     auto html = app.reports.RenderHtml(report, d->language);
                     if (!html.ok()) return respond(ErrorResponse(html.status()));
                     r.content_type = "text/html; charset=utf-8";
                     r.body = std::move(*html);
                     r.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
                   }
                   r.headers.emplace_back("Content-Language", d->language);
                   AddDownloadHeaders(r);
                   respond(std::move(r));
                 });
               });
             });

  // The subject's stored downloads (never their tokens), so staff can revoke one.
  router.Add("GET", "/v1/subjects/:id/reports", Access::Key("reports.create"),
             [app](const HttpRequest& req, Responder respond) {
               auto list = app.downloads.List(req.Param("id"));
               if (!list.ok()) return respond(ErrorResponse(list.status()));
               json items = json::array();
               for (const auto& d : *list) {
                 items.push_back({{"report_id", d.report_id},
                                  {"kind", d.kind},
                                  {"language", d.language},
                                  {"created_at", Time(d.created_at)},
                                  {"expires_at", Time(d.expires_at)}});
               }
               respond(JsonResponse(200, Dump({{"subject_id", req.Param("id")}, {"reports", items}})));
             });

  router.Add("DELETE", "/v1/subjects/:id/reports/:report_id", Access::Key("reports.create"),
             [app](const HttpRequest& req, Responder respond) {
               app.downloads.Revoke(std::string(req.Param("id")), std::string(req.Param("report_id")), ActorOf(req),
                                     [respond = std::move(respond)](Status s) {
                                       if (!s.ok()) return respond(ErrorResponse(s));
                                       respond(JsonResponse(200, Dump({{"revoked", true}})));
                                     });
             });

  // The archive straight away, for staff; the subject gets a link (POST above).
  router.Add("GET", "/v1/subjects/:id/portability", Access::Key("reports.create"),
             [app](const HttpRequest& req, Responder respond) {
               app.background.Post([app, id = std::string(req.Param("id")),
                                     language = std::string(req.Query("language").value_or("")), actor = ActorOf(req),
                                     respond = std::move(respond)]() mutable {
                 app.portability.Export(id, std::move(language), std::move(actor),
                                         [respond = std::move(respond), id](Result<std::string> zip) {
                                           if (!zip.ok()) return respond(ErrorResponse(zip.status()));
                                           HttpResponse r;
                                           r.content_type = "application/zip";
                                           r.body = std::move(*zip);
                                           r.headers.emplace_back("Content-Disposition",
                                                                  "attachment; filename=\"" + id + "-portability.zip\"");
                                           AddDownloadHeaders(r);
                                           respond(std::move(r));
                                         });
               });
             });
}

}  // namespace tillit::http
