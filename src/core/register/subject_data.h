// SubjectData: everything the register holds about one subject, opened — identifiers and profile fields with their
// sources, the change history with previous values, every record with its payload, consent events, objections,
// restrictions and the subject's audit entries. It is what the rights that hand a subject their own data (access,
// Art. 15; portability, Art. 20) are built from, so both read the same data the same way. Collecting it is not
// audited here: the caller writes one audit entry for the whole answer.
//
// Thread safety: CollectSubjectData may be called from any thread; it only reads.
#ifndef TILLIT_CORE_REGISTER_SUBJECT_DATA_H_
#define TILLIT_CORE_REGISTER_SUBJECT_DATA_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/keyring.h"
#include "store/store.h"
#include "util/status.h"

namespace tillit::core {

// One identifier or profile field.
struct OpenedField {
  std::string category;    // "contact.email", "identity.name" …
  std::string identifier;  // "email" when the field is an identifier (see Identifiers()); "" for profile fields
  nlohmann::json value;
  std::string source;
  int64_t collected_at = 0;
  int64_t updated_at = 0;
};

struct OpenedChange {
  std::string change_id;
  std::string category;
  std::string action;  // "collected" | "changed" | "removed"
  std::optional<nlohmann::json> previous;
  int64_t at = 0;
  std::string actor;
  std::string source;
};

struct OpenedRecord {
  std::string record_id;
  std::string kind;
  std::vector<std::string> categories;
  int64_t occurred_at = 0;
  int64_t created_at = 0;
  std::optional<int64_t> expires_at;
  nlohmann::json payload;  // null once the payload's time is up (the record keeps only its accounting fields)
  std::optional<std::string> reference;
  // The accounting fields kept under legal hold (amounts, VAT, invoice number …), when the record has them, and
  // when they go.
  std::optional<nlohmann::json> accounting;
  std::optional<int64_t> hold_expires_at;
};

struct SubjectData {
  store::SubjectRow subject;
  std::vector<OpenedField> identifiers;  // in the order of Identifiers()
  std::vector<OpenedField> fields;       // by category id
  std::vector<OpenedChange> changes;     // oldest first
  std::vector<OpenedRecord> records;     // oldest first
  std::vector<store::ConsentEventRow> consents;  // evidence, reasons and notices opened (core/consent/sealed_choices.h)
  std::vector<store::ObjectionRow> objections;
  std::vector<store::RestrictionRow> restrictions;
  std::vector<store::AuditRow> audit;  // oldest first

  // The categories held in fields, identifiers and records, sorted, without repeats.
  std::vector<std::string> HeldCategories() const;
};

// Opens all of the subject's data with its data key, and the records' accounting fields with its legal-hold key.
// NotFound "subject_not_found" for an unknown or erased subject; Internal when a sealed value does not open.
Result<SubjectData> CollectSubjectData(store::Store& store, const crypto::Keyring& keyring,
                                       std::string_view subject_id);

}  // namespace tillit::core

#endif  // TILLIT_CORE_REGISTER_SUBJECT_DATA_H_
