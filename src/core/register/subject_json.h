// The JSON form of a new subject — the body of POST /v1/subjects and one line of an NDJSON import — decoded once
// for both: {"identifiers":{name:string}, "fields":{category:value}, "source":string, "sources":{name:string},
// "collected_at":RFC 3339}. An unknown top-level key is named in the error only when it is a plain name.
//
// Thread safety: a pure function.
#ifndef TILLIT_CORE_REGISTER_SUBJECT_JSON_H_
#define TILLIT_CORE_REGISTER_SUBJECT_JSON_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/register/register.h"
#include "util/status.h"

namespace tillit::core {

// InvalidArgument "invalid_type", "invalid_time" or "unknown_key" naming the key at fault.
Result<SubjectInput> DecodeSubjectJson(const nlohmann::json& body, std::string_view what = "the body");

// For an import, whose rejects must never repeat personal data: the keys inside identifiers, fields and sources
// must be plain names (lower-case letters, digits, '_' and '.'), so that a message may repeat them. InvalidArgument
// "invalid_key" otherwise.
Status CheckSubjectJsonKeys(const nlohmann::json& body);

// True iff `key` reads like an identifier name or category id.
bool IsPlainKey(std::string_view key);

}  // namespace tillit::core

#endif  // TILLIT_CORE_REGISTER_SUBJECT_JSON_H_
