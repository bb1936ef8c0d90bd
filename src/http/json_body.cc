#include "http/json_body.h"

#include <algorithm>

#include "util/clock.h"
#include "util/json.h"

namespace tillit::http {

using nlohmann::json;

Result<json> ParseObject(const HttpRequest& req, bool allow_empty) {
  if (req.body.empty()) {
    if (allow_empty) return json::object();
    return Status::InvalidArgument("the request needs a JSON body", "invalid_json");
  }
  TILLIT_ASSIGN_OR_RETURN(json body, ParseUntrustedJson(req.body));
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object", "invalid_type");
  return body;
}

Status ReadString(const json& body, const char* key, std::string& out) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return Status::InvalidArgument(std::string(key) + " must be a string", "invalid_type");
  out = it->get<std::string>();
  return Status::Ok();
}

Status OnlyKeys(const json& body, std::initializer_list<std::string_view> keys) {
  for (const auto& [key, value] : body.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      std::string known;
      for (auto k : keys) known += (known.empty() ? "" : ", ") + std::string(k);
      return Status::InvalidArgument("unknown key '" + key + "'; use " + known, "unknown_key");
    }
  }
  return Status::Ok();
}

json Time(int64_t micros) { return FormatRfc3339(FromMicros(micros)); }

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace tillit::http
