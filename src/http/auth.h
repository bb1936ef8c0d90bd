// Authentication and authorization of API requests. Integrations send `Authorization: Bearer <key>`. Every route
// declares its Access (http/router.h); the server calls Admit() before a route's handler runs, so that the caller
// is authenticated (401), holds the route's action (403 `action_not_allowed`) and sent a body of a media type the
// route accepts (415). A read of personal data also names its purpose in `Tillit-Purpose`, which must be a purpose of the
// configuration and one the caller holds (RequirePurpose).
#ifndef TILLIT_HTTP_AUTH_H_
#define TILLIT_HTTP_AUTH_H_

#include <string>

#include "config/config.h"
#include "core/access/api_keys.h"
#include "core/audit/audit.h"
#include "http/http_types.h"
#include "http/router.h"
#include "util/status.h"

namespace tillit::http {

// Unauthenticated (401) without a bearer key or with an invalid or revoked one.
Result<core::Principal> Authenticate(const HttpRequest& request, core::ApiKeys& keys);

// Checks `request` against `route`'s access and media types. Returns the refusal to send, or nullopt after setting
// `request.principal` to the authenticated caller (when the route reads a key).
std::optional<HttpResponse> Admit(const Route& route, HttpRequest& request, core::ApiKeys& keys);

// The purpose the request names, for the authenticated `request.principal`. InvalidArgument (400) if the header is
// missing or names no configured purpose; PermissionDenied (403) if the caller may not use it.
Result<std::string> RequirePurpose(const HttpRequest& request, const config::Config& config);

// `purpose`, named some other way (a query parameter), with the checks RequirePurpose makes of the header.
Result<std::string> NamedPurpose(const HttpRequest& request, const config::Config& config, std::string_view purpose);

// The audit's actor for the request's caller ({"api_key", name}).
core::Actor ActorOf(const HttpRequest& request);

}  // namespace tillit::http

#endif  // TILLIT_HTTP_AUTH_H_
