#include "http/auth.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "http/errors.h"

namespace tillit::http {
namespace {

// The media type of a Content-Type value, lower case and without parameters; "" when the value is unusable. A
// charset parameter other than UTF-8 makes it unusable too: tillit reads UTF-8 only.
std::string MediaTypeOf(std::string_view value) {
  std::string type;
  const size_t semi = value.find(';');
  for (char c : value.substr(0, semi)) {
    if (c != ' ' && c != '\t') type += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (semi == std::string_view::npos) return type;
  std::string params;
  for (char c : value.substr(semi + 1)) {
    if (c != ' ' && c != '\t' && c != '"') params += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  const size_t at = params.find("charset=");
  if (at != std::string::npos) {
    std::string charset = params.substr(at + 8);
    charset = charset.substr(0, charset.find(';'));
    if (charset != "utf-8" && charset != "utf8") return "";
  }
  return type;
}

std::string Listed(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// 415 unless the body is empty or of a type `accepts` names.
std::optional<HttpResponse> CheckMediaType(const Route& route, const HttpRequest& req) {
  if (req.body.empty()) return std::nullopt;
  if (route.accepts.empty()) {
    return HttpError(415, "body_not_expected", route.name() + " takes no request body");
  }
  auto header = req.Header("content-type");
  const std::string type = header ? MediaTypeOf(*header) : "";
  if (std::find(route.accepts.begin(), route.accepts.end(), type) != route.accepts.end()) return std::nullopt;
  return HttpError(415, "unsupported_media_type",
                   (header ? "Content-Type '" + std::string(*header) + "' is not accepted" : "Content-Type is missing") +
                       "; send the body as " + Listed(route.accepts) + " (UTF-8)",
                   nlohmann::json{{"accepted", route.accepts}}.dump());
}

}  // namespace

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

std::optional<HttpResponse> Admit(const Route& route, HttpRequest& request, core::ApiKeys& keys) {
  const Access& access = route.access;
  const bool wants_key = access.kind == Access::Kind::kKey || access.kind == Access::Kind::kAnyKey ||
                         (access.kind == Access::Kind::kOptionalKey && request.Header("authorization"));
  if (wants_key) {
    auto principal = Authenticate(request, keys);
    if (!principal.ok()) return ErrorResponse(principal.status());
    if (!access.action.empty() && !principal->AllowsAction(access.action)) {
      return ErrorResponse(Status::PermissionDenied("the API key '" + principal->name + "' may not perform '" +
                                                        access.action + "', which " + route.name() + " needs",
                                                    "action_not_allowed"),
                           nlohmann::json{{"action", access.action}}.dump());
    }
    request.principal = std::move(*principal);
  }
  return CheckMediaType(route, request);
}

Result<std::string> NamedPurpose(const HttpRequest& request, const config::Config& config, std::string_view purpose) {
  if (config.FindPurpose(purpose) == nullptr) return config.UnknownPurpose(purpose);
  if (!request.principal) {
    return Status::Unauthenticated("this route needs an API key: send `Authorization: Bearer <key>`",
                                   "api_key_required");
  }
  if (!request.principal->AllowsPurpose(purpose)) {
    return Status::PermissionDenied("the API key '" + request.principal->name + "' may not be used for purpose '" +
                                        std::string(purpose) + "'",
                                    "purpose_not_allowed");
  }
  return std::string(purpose);
}

Result<std::string> RequirePurpose(const HttpRequest& request, const config::Config& config) {
  auto purpose = request.Header("tillit-purpose");
  if (!purpose || purpose->empty()) {
    return Status::InvalidArgument("a read of personal data must name its purpose in the Tillit-Purpose header",
                                   "purpose_required");
  }
  return NamedPurpose(request, config, *purpose);
}

core::Actor ActorOf(const HttpRequest& request) {
  if (!request.principal) return {"subject", "download link"};
  return {request.principal->kind, request.principal->name};
}

}  // namespace tillit::http
