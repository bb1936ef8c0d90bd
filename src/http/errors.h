// The one mapping from Status to HTTP, and the JSON error body of the API:
// {"error":{"code":"snake_case","message":"…","details":{…}}}.
#ifndef TILLIT_HTTP_ERRORS_H_
#define TILLIT_HTTP_ERRORS_H_

#include <string>

#include "http/http_types.h"
#include "util/status.h"

namespace tillit::http {

int HttpStatusOf(StatusCode code);

// `details_json` is a JSON object text or empty.
HttpResponse ErrorResponse(const Status& status, const std::string& details_json = "");

// The JSON error body with an HTTP status that has no Status code of its own (405, 414, 415, 431).
HttpResponse HttpError(int http_status, const std::string& code, const std::string& message,
                       const std::string& details_json = "");

// A JSON response with `body` as is.
HttpResponse JsonResponse(int status, std::string body);

}  // namespace tillit::http

#endif  // TILLIT_HTTP_ERRORS_H_
