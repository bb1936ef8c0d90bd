// Authentication and purpose binding of API requests. Integrations send `Authorization: Bearer <key>`; a read of
// personal data names its purpose in `Tillit-Purpose`, which must be a purpose of the configuration and one the
// key was created for.
#ifndef TILLIT_HTTP_AUTH_H_
#define TILLIT_HTTP_AUTH_H_

#include <string>

#include "config/config.h"
#include "core/api_keys.h"
#include "http/http_types.h"
#include "util/status.h"

namespace tillit::http {

// Unauthenticated (401) without a bearer key or with an invalid or revoked one.
Result<core::Principal> Authenticate(const HttpRequest& request, core::ApiKeys& keys);

// The purpose the request names. InvalidArgument (400) if the header is missing or names no configured purpose;
// PermissionDenied (403) if the key may not use it.
Result<std::string> RequirePurpose(const HttpRequest& request, const core::Principal& principal,
                                   const config::Config& config);

}  // namespace tillit::http

#endif  // TILLIT_HTTP_AUTH_H_
