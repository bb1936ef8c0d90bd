#include "core/install/rotation.h"

#include "core/audit/audit.h"
#include "core/install/data_dir.h"

namespace tillit::core {
namespace {

// True when some stored key is wrapped by a master key version older than the current one.
Result<bool> Unfinished(OpenDataDir& dir) {
  const uint32_t current = dir.master_key->current_version();
  TILLIT_ASSIGN_OR_RETURN(int64_t below, dir.store->CountDataKeysBelow(current));
  if (below > 0) return true;
  TILLIT_ASSIGN_OR_RETURN(auto secrets, dir.store->ListSecrets());
  for (const auto& s : secrets) {
    if (s.kek_version < current) return true;
  }
  return false;
}

}  // namespace

Result<RotationReport> RotateKeys(const std::string& data_dir, const RotationOptions& options, Clock& clock,
                                  Random& random) {
  RotationReport report;
  TILLIT_ASSIGN_OR_RETURN(OpenDataDir dir, Open(data_dir, clock, random, options.store_url));
  TILLIT_ASSIGN_OR_RETURN(report.resumed, Unfinished(dir));
  if (!report.resumed) {
    dir.store->Close();
    TILLIT_RETURN_IF_ERROR(crypto::MasterKey::AddVersion(MasterKeyPath(data_dir), random));
    TILLIT_ASSIGN_OR_RETURN(dir, Open(data_dir, clock, random, options.store_url));
  }
  const uint32_t current = dir.master_key->current_version();
  report.version = current;
  store::Store& store = *dir.store;
  const crypto::Keyring& keyring = *dir.keyring;
  TILLIT_ASSIGN_OR_RETURN(const int64_t total, store.CountDataKeysBelow(current));
  if (options.progress) options.progress(0, total);

  std::string after;
  size_t batches = 0;
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto rows, store.ListDataKeysBelow(current, after, options.batch));
    if (rows.empty()) break;
    for (auto& row : rows) {
      if (row.wrapped.empty()) {
        row.kek_version = current;  // an erased subject: only its legal-hold key is left to rewrap
      } else if (row.kek_version < current) {
        TILLIT_ASSIGN_OR_RETURN(auto wrapped, keyring.Rewrap(row.subject_id, crypto::KeyKind::kData,
                                                             {row.kek_version, row.wrapped}, random));
        row.kek_version = wrapped.kek_version;
        row.wrapped = std::move(wrapped.wrapped);
      }
      if (row.hold_kek_version && *row.hold_kek_version < current) {
        TILLIT_ASSIGN_OR_RETURN(auto wrapped, keyring.Rewrap(row.subject_id, crypto::KeyKind::kLegalHold,
                                                             {*row.hold_kek_version, row.hold_wrapped}, random));
        row.hold_kek_version = wrapped.kek_version;
        row.hold_wrapped = std::move(wrapped.wrapped);
      }
    }
    TILLIT_RETURN_IF_ERROR(store.WriteAndWait([&rows](store::WriteTxn& txn) -> Status {
      for (const auto& row : rows) TILLIT_RETURN_IF_ERROR(txn.UpdateDataKey(row));
      return Status::Ok();
    }));
    report.data_keys += static_cast<int64_t>(rows.size());
    after = rows.back().subject_id;
    if (options.progress) options.progress(report.data_keys, total);
    if (options.stop_after_batches != 0 && ++batches >= options.stop_after_batches) {
      store.Close();
      return Status::Unavailable("rotation stopped after " + std::to_string(batches) + " batches, as asked",
                                 "rotation_stopped");
    }
  }

  TILLIT_ASSIGN_OR_RETURN(auto secrets, store.ListSecrets());
  for (auto& secret : secrets) {
    if (secret.kek_version >= current) continue;
    TILLIT_ASSIGN_OR_RETURN(auto wrapped,
                            keyring.RewrapSecret(secret.label, {secret.kek_version, secret.wrapped}, random));
    secret.kek_version = wrapped.kek_version;
    secret.wrapped = std::move(wrapped.wrapped);
    TILLIT_RETURN_IF_ERROR(store.WriteAndWait([&secret](store::WriteTxn& txn) { return txn.UpdateSecret(secret); }));
    ++report.secrets;
  }
  const std::string detail = "kek_version=" + std::to_string(current) +
                             " data_keys=" + std::to_string(report.data_keys) +
                             " secrets=" + std::to_string(report.secrets);
  TILLIT_RETURN_IF_ERROR(store.WriteAndWait([&](store::WriteTxn& txn) {
    return AppendAudit(txn, {Actor::Cli(), "", "keys.rotate", "", detail}, ToMicros(clock.Now()));
  }));
  store.Close();
  return report;
}

Result<int> RetireOldKeys(const std::string& data_dir, Clock& clock, Random& random, const std::string& store_url) {
  TILLIT_ASSIGN_OR_RETURN(OpenDataDir dir, Open(data_dir, clock, random, store_url));
  TILLIT_ASSIGN_OR_RETURN(bool unfinished, Unfinished(dir));
  if (unfinished) {
    dir.store->Close();
    return Status::FailedPrecondition(
        "some keys are still wrapped by an older master key version; run `tillit keys rotate --data " + data_dir +
            "` to finish the rotation first",
        "rotation_unfinished");
  }
  const uint32_t current = dir.master_key->current_version();
  const int removed = static_cast<int>(dir.master_key->version_count()) - 1;
  const std::string detail = "kept_version=" + std::to_string(current) + " removed=" + std::to_string(removed);
  TILLIT_RETURN_IF_ERROR(dir.store->WriteAndWait([&](store::WriteTxn& txn) {
    return AppendAudit(txn, {Actor::Cli(), "", "keys.retire", "", detail}, ToMicros(clock.Now()));
  }));
  dir.store->Close();
  if (removed > 0) TILLIT_RETURN_IF_ERROR(crypto::MasterKey::RetireBelow(MasterKeyPath(data_dir), current));
  return removed;
}

}  // namespace tillit::core
