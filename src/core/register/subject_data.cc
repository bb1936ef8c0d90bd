#include "core/register/subject_data.h"

#include <algorithm>

#include "core/register/register.h"
#include "core/consent/sealed_choices.h"
#include "crypto/sealing.h"

namespace tillit::core {
namespace {

using nlohmann::json;

constexpr size_t kPage = 500;

// The stored text as JSON; a value that is not JSON (none should be) is kept as a string rather than lost.
json ParseStored(const std::string& text) {
  json value = json::parse(text, nullptr, false);
  return value.is_discarded() ? json(text) : value;
}

}  // namespace

std::vector<std::string> SubjectData::HeldCategories() const {
  std::vector<std::string> out;
  for (const auto& f : identifiers) out.push_back(f.category);
  for (const auto& f : fields) out.push_back(f.category);
  for (const auto& r : records) out.insert(out.end(), r.categories.begin(), r.categories.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<SubjectData> CollectSubjectData(store::Store& store, const crypto::Keyring& keyring,
                                       std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto subject, store.FindSubject(subject_id));
  if (!subject || subject->erased_at) return Status::NotFound("no subject with this id", "subject_not_found");
  TILLIT_ASSIGN_OR_RETURN(auto key_row, store.FindDataKey(subject_id));
  if (!key_row) return Status::NotFound("no subject with this id", "subject_not_found");
  TILLIT_ASSIGN_OR_RETURN(
      crypto::SecretKey key,
      keyring.Unwrap(subject_id, crypto::KeyKind::kData, crypto::WrappedKey{key_row->kek_version, key_row->wrapped}));
  // Records a law requires to be kept are sealed under the legal-hold key, when the subject has one.
  std::optional<crypto::SecretKey> hold_key;
  if (key_row->hold_kek_version && !key_row->hold_wrapped.empty()) {
    TILLIT_ASSIGN_OR_RETURN(crypto::SecretKey hold,
                            keyring.Unwrap(subject_id, crypto::KeyKind::kLegalHold,
                                           crypto::WrappedKey{*key_row->hold_kek_version, key_row->hold_wrapped}));
    hold_key.emplace(std::move(hold));
  }
  auto open = [&](std::string_view aad, const std::vector<uint8_t>& sealed) -> Result<std::string> {
    auto plain = crypto::Open(key, aad, sealed);
    if (plain.ok() || !hold_key) return plain;
    return crypto::Open(*hold_key, aad, sealed);
  };

  SubjectData data;
  data.subject = std::move(*subject);
  const std::string id(subject_id);

  TILLIT_ASSIGN_OR_RETURN(auto fields, store.ListFields(id));
  for (const auto& row : fields) {
    TILLIT_ASSIGN_OR_RETURN(std::string plain, open(crypto::SealAad(id, row.field), row.sealed));
    OpenedField field{row.field, "", ParseStored(plain), row.source, row.collected_at, row.updated_at};
    const auto& specs = Identifiers();
    auto spec =
        std::find_if(specs.begin(), specs.end(), [&](const IdentifierSpec& s) { return s.category == row.field; });
    if (spec != specs.end()) {
      field.identifier = std::string(spec->name);
      data.identifiers.push_back(std::move(field));
    } else {
      data.fields.push_back(std::move(field));
    }
  }
  auto identifier_rank = [](const OpenedField& f) {
    const auto& specs = Identifiers();
    return std::find_if(specs.begin(), specs.end(), [&](const IdentifierSpec& s) { return s.name == f.identifier; }) -
           specs.begin();
  };
  std::stable_sort(data.identifiers.begin(), data.identifiers.end(),
                   [&](const OpenedField& a, const OpenedField& b) { return identifier_rank(a) < identifier_rank(b); });
  std::sort(data.fields.begin(), data.fields.end(),
            [](const OpenedField& a, const OpenedField& b) { return a.category < b.category; });

  TILLIT_ASSIGN_OR_RETURN(auto changes, store.ListFieldChanges(id));
  for (const auto& row : changes) {
    OpenedChange change{row.change_id, row.field, row.action, std::nullopt, row.at, row.actor, row.source};
    if (!row.previous.empty()) {
      TILLIT_ASSIGN_OR_RETURN(std::string plain, open(crypto::SealAad(id, row.change_id), row.previous));
      change.previous = ParseStored(plain);
    }
    data.changes.push_back(std::move(change));
  }

  // Records come newest first, a page at a time.
  store::RecordQuery query;
  query.limit = kPage;
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto rows, store.ListRecords(id, query));
    for (const auto& row : rows) {
      OpenedRecord record{row.record_id,  row.kind,       row.categories, row.occurred_at,
                          row.created_at, row.expires_at, nullptr,        std::nullopt};
      // A record whose payload's time is up keeps only its accounting fields.
      if (!row.payload.empty()) {
        TILLIT_ASSIGN_OR_RETURN(std::string payload, open(crypto::SealAad(id, row.record_id), row.payload));
        record.payload = ParseStored(payload);
      }
      if (!row.hold.empty()) {
        if (!hold_key) return Status::Internal("a record holds accounting fields but its subject has no legal-hold key");
        TILLIT_ASSIGN_OR_RETURN(std::string accounting,
                                crypto::Open(*hold_key, crypto::SealAad(id, row.record_id + "#hold"), row.hold));
        record.accounting = ParseStored(accounting);
        record.hold_expires_at = row.hold_expires_at;
      }
      if (!row.reference.empty()) {
        TILLIT_ASSIGN_OR_RETURN(std::string reference,
                                open(crypto::SealAad(id, row.record_id + "#ref"), row.reference));
        record.reference = std::move(reference);
      }
      data.records.push_back(std::move(record));
    }
    if (rows.size() < query.limit) break;
    query.before_occurred_at = rows.back().occurred_at;
    query.before_record_id = rows.back().record_id;
  }
  std::reverse(data.records.begin(), data.records.end());

  TILLIT_ASSIGN_OR_RETURN(data.consents, store.ListConsentEvents(id));
  TILLIT_ASSIGN_OR_RETURN(data.objections, store.ListObjections(id));
  TILLIT_ASSIGN_OR_RETURN(data.restrictions, store.ListRestrictions(id));
  TILLIT_RETURN_IF_ERROR(OpenAll(key, data.consents));
  TILLIT_RETURN_IF_ERROR(OpenAll(key, data.objections));
  TILLIT_RETURN_IF_ERROR(OpenAll(key, data.restrictions));
  int64_t after = 0;
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto rows, store.ReadSubjectAudit(id, after, kPage));
    if (rows.empty()) break;
    after = rows.back().seq;
    const bool last = rows.size() < kPage;
    data.audit.insert(data.audit.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
    if (last) break;
  }
  return data;
}

}  // namespace tillit::core
