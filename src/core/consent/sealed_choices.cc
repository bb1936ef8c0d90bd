#include "core/consent/sealed_choices.h"

#include <nlohmann/json.hpp>
#include <string>

#include "crypto/sealing.h"
#include "util/hex.h"

namespace tillit::core {
namespace {

using nlohmann::json;

std::vector<uint8_t> SealText(const crypto::SecretKey& key, std::string_view subject_id, const std::string& slot,
                              std::string_view text, Random& random) {
  if (text.empty()) return {};
  return crypto::Seal(key, crypto::SealAad(subject_id, slot), text, random);
}

Result<std::string> OpenText(const crypto::SecretKey& key, std::string_view subject_id, const std::string& slot,
                             const std::vector<uint8_t>& sealed) {
  if (sealed.empty()) return std::string();
  return crypto::Open(key, crypto::SealAad(subject_id, slot), sealed);
}

template <typename Row>
Status OpenRows(const crypto::SecretKey& key, std::vector<Row>& rows, Status (*open)(const crypto::SecretKey&, Row&)) {
  for (auto& row : rows) TILLIT_RETURN_IF_ERROR(open(key, row));
  return Status::Ok();
}

}  // namespace

Result<crypto::SecretKey> SubjectDataKey(store::Store& store, const crypto::Keyring& keyring,
                                         std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto row, store.FindDataKey(subject_id));
  if (!row) return Status::NotFound("no subject with this id", "subject_not_found");
  // Erasure destroys the data key; a legal-hold key may keep the row.
  if (row->wrapped.empty()) return Status::NotFound("the subject was erased", "subject_erased");
  return keyring.Unwrap(subject_id, crypto::KeyKind::kData, crypto::WrappedKey{row->kek_version, row->wrapped});
}

void SealEvidence(const crypto::SecretKey& key, store::ConsentEventRow& row, Random& random) {
  row.evidence.clear();
  if (row.user_agent.empty() && row.ip_hash.empty()) return;
  json evidence = json::object();
  if (!row.user_agent.empty()) evidence["user_agent"] = row.user_agent;
  if (!row.ip_hash.empty()) evidence["ip_hash"] = HexEncode(row.ip_hash);
  row.evidence = SealText(key, row.subject_id, row.event_id + "#evidence", evidence.dump(), random);
}

void SealObjectionReason(const crypto::SecretKey& key, store::ObjectionRow& row, Random& random) {
  row.sealed_reason = SealDecisionReason(key, row.subject_id, row.objection_id, row.reason, random);
}

void SealRestrictionTexts(const crypto::SecretKey& key, store::RestrictionRow& row, Random& random) {
  row.sealed_reason = SealText(key, row.subject_id, row.restriction_id + "#reason", row.reason, random);
  row.sealed_notice = SealLiftNotice(key, row.subject_id, row.restriction_id, row.lift_notice, random);
}

std::vector<uint8_t> SealLiftNotice(const crypto::SecretKey& key, std::string_view subject_id,
                                    std::string_view restriction_id, std::string_view notice, Random& random) {
  return SealText(key, subject_id, std::string(restriction_id) + "#notice", notice, random);
}

std::vector<uint8_t> SealDecisionReason(const crypto::SecretKey& key, std::string_view subject_id,
                                        std::string_view objection_id, std::string_view reason, Random& random) {
  return SealText(key, subject_id, std::string(objection_id) + "#reason", reason, random);
}

Status OpenEvidence(const crypto::SecretKey& key, store::ConsentEventRow& row) {
  if (row.evidence.empty()) return Status::Ok();
  TILLIT_ASSIGN_OR_RETURN(std::string plain, OpenText(key, row.subject_id, row.event_id + "#evidence", row.evidence));
  json evidence = json::parse(plain, nullptr, false);
  if (!evidence.is_object()) return Status::Internal("a consent event's sealed evidence is not a JSON object");
  row.user_agent = evidence.value("user_agent", "");
  row.ip_hash.clear();
  if (auto hex = evidence.value("ip_hash", ""); !hex.empty()) {
    auto bytes = HexDecode(hex);
    if (!bytes) return Status::Internal("a consent event's sealed address hash is not hex");
    row.ip_hash = std::move(*bytes);
  }
  return Status::Ok();
}

Status OpenObjection(const crypto::SecretKey& key, store::ObjectionRow& row) {
  TILLIT_ASSIGN_OR_RETURN(row.reason, OpenText(key, row.subject_id, row.objection_id + "#reason", row.sealed_reason));
  return Status::Ok();
}

Status OpenRestriction(const crypto::SecretKey& key, store::RestrictionRow& row) {
  TILLIT_ASSIGN_OR_RETURN(row.reason,
                          OpenText(key, row.subject_id, row.restriction_id + "#reason", row.sealed_reason));
  TILLIT_ASSIGN_OR_RETURN(row.lift_notice,
                          OpenText(key, row.subject_id, row.restriction_id + "#notice", row.sealed_notice));
  return Status::Ok();
}

Status OpenAll(const crypto::SecretKey& key, std::vector<store::ConsentEventRow>& rows) {
  return OpenRows(key, rows, &OpenEvidence);
}
Status OpenAll(const crypto::SecretKey& key, std::vector<store::ObjectionRow>& rows) {
  return OpenRows(key, rows, &OpenObjection);
}
Status OpenAll(const crypto::SecretKey& key, std::vector<store::RestrictionRow>& rows) {
  return OpenRows(key, rows, &OpenRestriction);
}

}  // namespace tillit::core
