#include "util/json.h"

#include <cmath>
#include <set>
#include <string>
#include <vector>

namespace tillit {
namespace {

using nlohmann::json;

// What the parser callback refuses; thrown out of json::parse and turned into a Status below.
struct Refusal {
  Status status;
};

}  // namespace

Result<json> ParseUntrustedJson(std::string_view text, size_t max_depth) {
  // One set of seen keys per open object, innermost last; arrays push an empty marker so depths line up.
  std::vector<std::set<std::string>> keys;
  std::vector<bool> is_object;
  auto check = [&](int depth, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (static_cast<size_t>(depth) >= max_depth) {
          throw Refusal{Status::InvalidArgument(
              "the JSON nests deeper than " + std::to_string(max_depth) + " levels", "json_too_deep")};
        }
        keys.emplace_back();
        is_object.push_back(event == json::parse_event_t::object_start);
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!keys.empty()) {
          keys.pop_back();
          is_object.pop_back();
        }
        break;
      case json::parse_event_t::key:
        if (!keys.empty() && is_object.back() && !keys.back().insert(parsed.get<std::string>()).second) {
          throw Refusal{Status::InvalidArgument("the JSON object has the key '" + parsed.get<std::string>() +
                                                    "' twice; send each key once",
                                                "duplicate_key")};
        }
        break;
      case json::parse_event_t::value:
        if (parsed.is_number_float() && !std::isfinite(parsed.get<double>())) {
          throw Refusal{Status::InvalidArgument("a number in the JSON is out of range", "number_out_of_range")};
        }
        break;
    }
    return true;
  };
  try {
    json value = json::parse(text.begin(), text.end(), check, /*allow_exceptions=*/true);
    return value;
  } catch (const Refusal& r) {
    return r.status;
  } catch (const json::out_of_range&) {  // 406: a number too large for a double, such as 1e999
    return Status::InvalidArgument("a number in the JSON is out of range", "number_out_of_range");
  } catch (const json::parse_error& e) {
    return Status::InvalidArgument("the body is not valid JSON (at byte " + std::to_string(e.byte) + ")",
                                   "invalid_json");
  } catch (const json::exception&) {
    return Status::InvalidArgument("the body is not valid JSON", "invalid_json");
  }
}

}  // namespace tillit
