// Marketing audiences: GET /v1/audiences?purpose=…&channel=…[&ids_only=true][&limit=N] answers NDJSON, one member
// per line and a summary line last. Decode and validate, call Audiences, answer once the export's audit entry has
// committed.
#include <charconv>
#include <string>

#include "core/audience.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/routes.h"

namespace tillit::http {
namespace {

// The purpose the export is for: the `purpose` query parameter, with the checks RequirePurpose makes of the
// Tillit-Purpose header, which — when sent as well — must name the same purpose.
Result<std::string> AudiencePurpose(const HttpRequest& req, const core::Principal& principal,
                                    const config::Config& config) {
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
  if (config.FindPurpose(*purpose) == nullptr) {
    return Status::InvalidArgument("'" + std::string(*purpose) + "' is not a purpose of this configuration",
                                   "unknown_purpose");
  }
  if (!principal.AllowsPurpose(*purpose)) {
    return Status::PermissionDenied(
        "the API key '" + principal.key_name + "' may not be used for purpose '" + std::string(*purpose) + "'",
        "purpose_not_allowed");
  }
  return std::string(*purpose);
}

Result<bool> BoolOf(const HttpRequest& req, std::string_view name) {
  auto raw = req.Query(name);
  if (!raw || *raw == "false") return false;
  if (*raw == "true") return true;
  return Status::InvalidArgument(std::string(name) + " must be true or false", "invalid_query");
}

Result<size_t> LimitOf(const HttpRequest& req) {
  auto raw = req.Query("limit");
  if (!raw) return size_t{0};
  size_t limit = 0;
  auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), limit);
  if (ec != std::errc() || end != raw->data() + raw->size() || limit == 0) {
    return Status::InvalidArgument("limit must be a positive number", "invalid_limit");
  }
  return limit;
}

}  // namespace

void AddAudienceRoutes(Router& router, const AppContext& app) {
  router.Add("GET", "/v1/audiences", [app](const HttpRequest& req, Responder respond) {
    auto principal = Authenticate(req, *app.api_keys);
    if (!principal.ok()) return respond(ErrorResponse(principal.status()));
    auto purpose = AudiencePurpose(req, *principal, *app.config);
    if (!purpose.ok()) return respond(ErrorResponse(purpose.status()));
    auto ids_only = BoolOf(req, "ids_only");
    if (!ids_only.ok()) return respond(ErrorResponse(ids_only.status()));
    auto limit = LimitOf(req);
    if (!limit.ok()) return respond(ErrorResponse(limit.status()));
    core::AudienceQuery query{std::move(*purpose), std::string(req.Query("channel").value_or("")), *ids_only, *limit};
    app.audiences->Export(std::move(query), {"api_key", principal->key_name},
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
