// Marketing audiences: GET /v1/audiences?purpose=…&channel=…[&ids_only=true][&limit=N] answers NDJSON, one member
// per line and a summary line last. Decode and validate, call Audiences, answer once the export's audit entry has
// committed.
#include <string>

#include "core/consent/audience.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/route_support.h"
#include "http/routes.h"

namespace tillit::http {
namespace {

constexpr size_t kMaxAudience = 100000000;

// The purpose the export is for: the `purpose` query parameter, with the checks RequirePurpose makes of the
// Tillit-Purpose header, which — when sent as well — must name the same purpose.
Result<std::string> AudiencePurpose(const HttpRequest& req, const config::Config& config) {
  auto purpose = req.Query("purpose");
  if (!purpose || purpose->empty()) {
    return Status::InvalidArgument("ask as /v1/audiences?purpose=PURPOSE[&channel=CHANNEL]", "purpose_required");
  }
  if (auto header = req.Header("tillit-purpose"); header && *header != *purpose) {
    return Status::InvalidArgument("the Tillit-Purpose header names '" + std::string(*header) +
                                       "' but the query asks for '" + std::string(*purpose) +
                                       "'; send one purpose, or the same in both",
                                   "purpose_mismatch");
  }
  return NamedPurpose(req, config, *purpose);
}

Result<bool> BoolOf(const HttpRequest& req, std::string_view name) {
  auto raw = req.Query(name);
  if (!raw || *raw == "false") return false;
  if (*raw == "true") return true;
  return Status::InvalidArgument(std::string(name) + " must be true or false", "invalid_query");
}

}  // namespace

void AddAudienceRoutes(Router& router, const AppContext& app) {
  router.Add("GET", "/v1/audiences", Access::Key("audiences.read"), [app](const HttpRequest& req, Responder respond) {
    auto purpose = AudiencePurpose(req, *app.config);
    if (!purpose.ok()) return respond(ErrorResponse(purpose.status()));
    auto ids_only = BoolOf(req, "ids_only");
    if (!ids_only.ok()) return respond(ErrorResponse(ids_only.status()));
    auto limit = LimitOf(req, 0, kMaxAudience);  // 0: everyone
    if (!limit.ok()) return respond(ErrorResponse(limit.status()));
    core::AudienceQuery query{std::move(*purpose), std::string(req.Query("channel").value_or("")), *ids_only, *limit};
    app.audiences.Export(std::move(query), ActorOf(req),
                          [respond = std::move(respond)](Result<core::AudienceExport> audience) {
                            if (!audience.ok()) return respond(ErrorResponse(audience.status()));
                            HttpResponse r;
                            r.content_type = "application/x-ndjson";
                            r.body = std::move(audience->ndjson);
                            respond(std::move(r));
                          });
  });
}

}  // namespace tillit::http
