// JSON helpers the route handlers share: decoding a request body strictly, and encoding times and bodies the same
// way on every route.
#ifndef TILLIT_HTTP_JSON_BODY_H_
#define TILLIT_HTTP_JSON_BODY_H_

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "http/http_types.h"
#include "util/status.h"

namespace tillit::http {

// The body as a JSON object. An empty body is {} when `allow_empty`, else InvalidArgument "invalid_json"; a body that
// is not JSON is "invalid_json", one that is not an object "invalid_type".
Result<nlohmann::json> ParseObject(const HttpRequest& req, bool allow_empty);

// Reads the string member `key` into `out` (left as it is when absent or null); InvalidArgument "invalid_type" when
// present and not a string.
Status ReadString(const nlohmann::json& body, const char* key, std::string& out);

// InvalidArgument "unknown_key", naming the allowed keys, when `body` has a member not in `keys`.
Status OnlyKeys(const nlohmann::json& body, std::initializer_list<std::string_view> keys);

// A stored time (microseconds since the epoch) as RFC 3339.
nlohmann::json Time(int64_t micros);

// The body text of a JSON answer; invalid UTF-8 in stored text is replaced, never thrown on.
std::string Dump(const nlohmann::json& j);

}  // namespace tillit::http

#endif  // TILLIT_HTTP_JSON_BODY_H_
