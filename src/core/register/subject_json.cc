#include "core/register/subject_json.h"

#include <algorithm>
#include <cctype>

#include "util/clock.h"

namespace tillit::core {
namespace {

using nlohmann::json;

Status WrongType(std::string_view name, std::string_view want) {
  return Status::InvalidArgument(std::string(name) + " must be " + std::string(want), "invalid_type");
}

// The object's keys must be plain names; `what` says what they name.
Status CheckKeys(const json& object, std::string_view name, std::string_view what) {
  for (const auto& [key, _] : object.items()) {
    if (!IsPlainKey(key)) {
      return Status::InvalidArgument(std::string(name) + " holds a key that is not " + std::string(what),
                                     "invalid_key");
    }
  }
  return Status::Ok();
}

// An object of strings, each put into `out` by key.
Status ReadStrings(const json& value, std::string_view name, std::map<std::string, std::string>& out) {
  if (!value.is_object()) return WrongType(name, "an object of strings");
  for (const auto& [key, v] : value.items()) {
    if (!v.is_string()) return WrongType(std::string(name) + "." + key, "a string");
    out[key] = v.get<std::string>();
  }
  return Status::Ok();
}

}  // namespace

Status CheckSubjectJsonKeys(const json& body) {
  if (!body.is_object()) return Status::Ok();
  for (const auto& [key, what] : {std::pair<std::string_view, std::string_view>{"identifiers", "an identifier name"},
                                  {"fields", "a category id"},
                                  {"sources", "an identifier name or category id"}}) {
    auto it = body.find(key);
    if (it != body.end() && it->is_object()) TILLIT_RETURN_IF_ERROR(CheckKeys(*it, key, what));
  }
  return Status::Ok();
}

bool IsPlainKey(std::string_view key) {
  return !key.empty() && key.size() <= 64 && std::all_of(key.begin(), key.end(), [](unsigned char c) {
    return std::islower(c) || std::isdigit(c) || c == '_' || c == '.';
  });
}

Result<SubjectInput> DecodeSubjectJson(const json& body, std::string_view what) {
  if (!body.is_object()) return WrongType(what, "a JSON object");
  SubjectInput in;
  for (const auto& [key, value] : body.items()) {
    if (key == "identifiers") {
      TILLIT_RETURN_IF_ERROR(ReadStrings(value, "identifiers", in.identifiers));
    } else if (key == "fields") {
      if (!value.is_object()) return WrongType("fields", "an object keyed by category id");
      for (const auto& [category, v] : value.items()) in.fields[category] = v;
    } else if (key == "source") {
      if (!value.is_string()) return WrongType("source", "a string");
      in.source = value.get<std::string>();
    } else if (key == "sources") {
      TILLIT_RETURN_IF_ERROR(ReadStrings(value, "sources", in.sources));
    } else if (key == "collected_at") {
      auto t = value.is_string() ? ParseRfc3339(value.get<std::string>()) : Result<TimePoint>(Status::Internal(""));
      if (!t.ok()) {
        return Status::InvalidArgument("collected_at must be an RFC 3339 time, e.g. \"2026-11-23T10:00:00Z\"",
                                       "invalid_time");
      }
      in.collected_at = ToMicros(*t);
    } else {
      return Status::InvalidArgument((IsPlainKey(key) ? "unknown key '" + key + "'" : std::string("an unknown key")) +
                                         "; a subject has identifiers, fields, source, sources and collected_at",
                                     "unknown_key");
    }
  }
  return in;
}

}  // namespace tillit::core
