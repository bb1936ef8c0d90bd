#include "core/install/legacy_plaintext.h"

#include <map>
#include <optional>
#include <vector>

#include "core/audit/audit.h"
#include "core/rights/requests.h"
#include "core/consent/sealed_choices.h"

namespace tillit::core {
namespace {

constexpr size_t kBatch = 500;

// The data keys of the subjects of one batch, read once each; nullopt for a subject without one.
class KeyCache {
 public:
  KeyCache(store::Store& store, const crypto::Keyring& keyring) : store_(store), keyring_(keyring) {}

  Result<const crypto::SecretKey*> For(const std::string& subject_id) {
    auto it = keys_.find(subject_id);
    if (it == keys_.end()) {
      auto key = SubjectDataKey(store_, keyring_, subject_id);
      if (!key.ok() && key.status().code() != StatusCode::kNotFound) return key.status();
      std::optional<crypto::SecretKey> slot;
      if (key.ok()) slot.emplace(std::move(*key));
      it = keys_.emplace(subject_id, std::move(slot)).first;
    }
    return it->second ? &*it->second : nullptr;
  }

 private:
  store::Store& store_;
  const crypto::Keyring& keyring_;
  std::map<std::string, std::optional<crypto::SecretKey>> keys_;
};

// Seals the batch's rows in place; a row whose subject has no key gets nothing sealed (its text goes).
Status SealBatch(store::LegacyPlaintext& batch, KeyCache& keys, Random& random) {
  for (auto& e : batch.consent_events) {
    TILLIT_ASSIGN_OR_RETURN(const crypto::SecretKey* key, keys.For(e.subject_id));
    e.evidence.clear();
    if (key != nullptr) SealEvidence(*key, e, random);
  }
  for (auto& o : batch.objections) {
    TILLIT_ASSIGN_OR_RETURN(const crypto::SecretKey* key, keys.For(o.subject_id));
    o.sealed_reason.clear();
    if (key != nullptr) SealObjectionReason(*key, o, random);
  }
  for (auto& r : batch.restrictions) {
    TILLIT_ASSIGN_OR_RETURN(const crypto::SecretKey* key, keys.For(r.subject_id));
    r.sealed_reason.clear();
    r.sealed_notice.clear();
    if (key != nullptr) SealRestrictionTexts(*key, r, random);
  }
  return Status::Ok();
}

}  // namespace

Result<LegacySealReport> SealLegacyPlaintext(store::Store& store, const crypto::Keyring& keyring, Clock& clock,
                                             Random& random) {
  LegacySealReport report;
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(store::LegacyPlaintext batch, store.ListLegacyPlaintext(kBatch));
    if (batch.empty()) break;
    KeyCache keys(store, keyring);
    TILLIT_RETURN_IF_ERROR(SealBatch(batch, keys, random));
    const int64_t now = ToMicros(clock.Now());
    const std::string detail = "consent_events=" + std::to_string(batch.consent_events.size()) +
                               " objections=" + std::to_string(batch.objections.size()) +
                               " restrictions=" + std::to_string(batch.restrictions.size());
    TILLIT_RETURN_IF_ERROR(store.WriteAndWait([&](store::WriteTxn& txn) -> Status {
      TILLIT_RETURN_IF_ERROR(txn.SealLegacyPlaintext(batch));
      return AppendAudit(txn, AuditEvent{Actor::System(), "", "data.seal_legacy", "", detail}, now);
    }));
    report.consent_events += static_cast<int64_t>(batch.consent_events.size());
    report.objections += static_cast<int64_t>(batch.objections.size());
    report.restrictions += static_cast<int64_t>(batch.restrictions.size());
  }

  // Codes the limits no longer count keep no address hashes (Requests::SendCode forgets them as it goes, too). Only
  // a step with something to do writes: a write lets the audit chain sign its head again, which `tillit audit
  // verify`, opening the data the same way, must not cause.
  const int64_t before = ToMicros(clock.Now()) - kCodeLimitWindowMicros;
  TILLIT_ASSIGN_OR_RETURN(bool stale, store.HasCodeAddressesBefore(before));
  while (stale) {
    int64_t forgotten = 0;
    TILLIT_RETURN_IF_ERROR(store.WriteAndWait([&](store::WriteTxn& txn) -> Status {
      TILLIT_ASSIGN_OR_RETURN(forgotten, txn.ForgetCodeAddresses(before, kBatch));
      return Status::Ok();
    }));
    report.code_addresses += forgotten;
    stale = forgotten == static_cast<int64_t>(kBatch);
  }

  if (report.consent_events + report.objections + report.restrictions + report.code_addresses > 0) {
    // The updates left the texts' previous row versions behind (PostgreSQL) and in the WAL's frames: both go now.
    TILLIT_RETURN_IF_ERROR(
        store.Compact({"consent_events", "objections", "restrictions", "verification_codes"}, &report.compacted));
    std::string note;
    TILLIT_RETURN_IF_ERROR(store.Checkpoint(&note));
  }
  return report;
}

}  // namespace tillit::core
