// The HTTP request and response as route handlers see them: plain values, free of the server library, so
// handlers compile fast and can be called directly from tests and pages.
//
// A handler answers through its Responder exactly once, from any thread, possibly after it has returned (an
// audited write answers when its commit completes). The HttpRequest is valid only while the handler runs: a
// handler that answers later copies what it needs.
#ifndef TILLIT_HTTP_HTTP_TYPES_H_
#define TILLIT_HTTP_HTTP_TYPES_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/access/access.h"

namespace tillit::http {

struct HttpRequest {
  std::string method;                                        // "GET"
  std::string path;                                          // "/v1/subjects/abc"
  std::vector<std::pair<std::string, std::string>> params;   // route parameters, e.g. {"id", "abc"}
  std::vector<std::pair<std::string, std::string>> query;    // decoded
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::string request_id;
  std::string remote_ip;  // the peer's address, for rate limits; never logged with personal data
  // The end client's address as a trusted proxy in front names it ([server] trusted_proxy_header); "" when unknown.
  std::string client_ip;
  // The authenticated caller, set by the server before the handler runs on a route that reads a key.
  std::optional<core::Principal> principal;

  // nullopt when absent. `name` in lower case.
  std::optional<std::string_view> Header(std::string_view name) const;
  std::optional<std::string_view> Query(std::string_view name) const;
  std::string_view Param(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

using Responder = std::function<void(HttpResponse)>;
using Handler = std::function<void(const HttpRequest&, Responder)>;

}  // namespace tillit::http

#endif  // TILLIT_HTTP_HTTP_TYPES_H_
