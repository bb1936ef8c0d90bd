// What route handlers share besides JSON decoding (http/json_body.h): page sizes, answering a service result, and
// the purpose of a read. Header-only templates plus a few functions.
#ifndef TILLIT_HTTP_ROUTE_SUPPORT_H_
#define TILLIT_HTTP_ROUTE_SUPPORT_H_

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "http/errors.h"
#include "http/http_types.h"
#include "http/json_body.h"
#include "util/status.h"

namespace tillit::http {

// The page size of `?limit=`, `fallback` when absent. InvalidArgument "invalid_limit" unless 1 to `max`.
Result<size_t> LimitOf(const HttpRequest& req, size_t fallback, size_t max = 1000);

// The callback for a service result: `encode(value)` as a JSON answer with `status` on success, the error body
// otherwise.
template <typename T, typename Encode>
std::function<void(Result<T>)> Answer(Responder respond, int status, Encode encode) {
  return [respond = std::move(respond), status, encode = std::move(encode)](Result<T> result) {
    if (!result.ok()) return respond(ErrorResponse(result.status()));
    respond(JsonResponse(status, Dump(encode(*result))));
  };
}

}  // namespace tillit::http

#endif  // TILLIT_HTTP_ROUTE_SUPPORT_H_
