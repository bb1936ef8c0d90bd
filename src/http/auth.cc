#include "http/auth.h"

namespace tillit::http {

Result<core::Principal> Authenticate(const HttpRequest& request, core::ApiKeys& keys) {
  auto header = request.Header("authorization");
  if (!header) {
    return Status::Unauthenticated("this route needs an API key: send `Authorization: Bearer <key>`",
                                   "api_key_required");
  }
  constexpr std::string_view kBearer = "Bearer ";
  if (header->size() <= kBearer.size() || header->substr(0, kBearer.size()) != kBearer) {
    return Status::Unauthenticated("the Authorization header must be `Bearer <key>`", "api_key_required");
  }
  return keys.Authenticate(header->substr(kBearer.size()));
}

Result<std::string> RequirePurpose(const HttpRequest& request, const core::Principal& principal,
                                   const config::Config& config) {
  auto purpose = request.Header("tillit-purpose");
  if (!purpose || purpose->empty()) {
    return Status::InvalidArgument("a read of personal data must name its purpose in the Tillit-Purpose header",
                                   "purpose_required");
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

}  // namespace tillit::http
