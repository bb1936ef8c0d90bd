#include "core/install/data_dir.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "core/install/legacy_plaintext.h"

namespace tillit::core {
namespace {

// The secret stored under `label`, created and stored wrapped when absent.
Result<crypto::SecretKey> LoadOrCreateSecret(store::Store& store, const crypto::Keyring& keyring,
                                             std::string_view label, Clock& clock, Random& random) {
  TILLIT_ASSIGN_OR_RETURN(auto row, store.FindSecret(label));
  if (!row) {
    crypto::SecretKey fresh = crypto::SecretKey::Random(random);
    TILLIT_ASSIGN_OR_RETURN(crypto::WrappedKey wrapped, keyring.WrapSecret(label, fresh, random));
    store::SecretRow insert{std::string(label), wrapped.kek_version, wrapped.wrapped, ToMicros(clock.Now())};
    Status s = store.WriteAndWait([&insert](store::WriteTxn& txn) { return txn.InsertSecret(insert); });
    if (!s.ok() && s.code() != StatusCode::kConflict) return s;
    TILLIT_ASSIGN_OR_RETURN(row, store.FindSecret(label));  // another process may have won the race
    if (!row) return Status::Internal("secret " + std::string(label) + " vanished after it was stored");
  }
  return keyring.UnwrapSecret(label, crypto::WrappedKey{row->kek_version, row->wrapped});
}

}  // namespace

std::string MasterKeyPath(const std::string& data_dir) { return data_dir + "/master.key"; }

Result<InitReport> InitDataDir(const std::string& data_dir, Random& random, const std::string& store_url) {
  InitReport report;
  struct stat st;
  if (::stat(data_dir.c_str(), &st) != 0) {
    if (::mkdir(data_dir.c_str(), 0700) != 0) {
      return Status::Unavailable("cannot create " + data_dir + ": " + std::strerror(errno));
    }
    report.created_dir = true;
  } else if (!S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument(data_dir + " exists and is not a directory");
  }
  const std::string key_path = MasterKeyPath(data_dir);
  if (::stat(key_path.c_str(), &st) != 0) {
    TILLIT_RETURN_IF_ERROR(crypto::MasterKey::Create(key_path, random));
    report.created_key = true;
  }
  TILLIT_ASSIGN_OR_RETURN(auto key, crypto::MasterKey::Load(key_path));  // refuses a key others may read
  store::StoreOptions options;
  options.data_dir = data_dir;
  options.url = store_url;
  options.create_if_missing = true;
  options.readers = 1;
  TILLIT_ASSIGN_OR_RETURN(auto store, store::Store::Open(options));
  TILLIT_ASSIGN_OR_RETURN(report.schema_version, store->SchemaVersion());
  crypto::Keyring keyring(*key);
  Clock& clock = Clock::System();
  for (std::string_view label : {kBlindIndexSecret, kAuditSigningSecret}) {
    TILLIT_ASSIGN_OR_RETURN(crypto::SecretKey secret, LoadOrCreateSecret(*store, keyring, label, clock, random));
    (void)secret;
  }
  store->Close();
  return report;
}

Result<OpenDataDir> Open(const std::string& data_dir, Clock& clock, Random& random, const std::string& store_url) {
  OpenDataDir out;
  TILLIT_ASSIGN_OR_RETURN(out.master_key, crypto::MasterKey::Load(MasterKeyPath(data_dir)));
  out.keyring = std::make_unique<crypto::Keyring>(*out.master_key);
  store::StoreOptions options;
  options.data_dir = data_dir;
  options.url = store_url;
  TILLIT_ASSIGN_OR_RETURN(out.store, store::Store::Open(options));
  {
    TILLIT_ASSIGN_OR_RETURN(crypto::SecretKey root,
                            LoadOrCreateSecret(*out.store, *out.keyring, kBlindIndexSecret, clock, random));
    out.indexer = std::make_unique<crypto::BlindIndexer>(root);
  }
  {
    TILLIT_ASSIGN_OR_RETURN(crypto::SecretKey seed,
                            LoadOrCreateSecret(*out.store, *out.keyring, kAuditSigningSecret, clock, random));
    out.audit_signer = std::make_unique<AuditSigner>(seed);
  }
  {
    TILLIT_ASSIGN_OR_RETURN(crypto::SecretKey seal,
                            LoadOrCreateSecret(*out.store, *out.keyring, kRequestSealSecret, clock, random));
    out.request_seal_key = std::make_unique<crypto::SecretKey>(std::move(seal));
    TILLIT_ASSIGN_OR_RETURN(crypto::SecretKey codes,
                            LoadOrCreateSecret(*out.store, *out.keyring, kCodeHashSecret, clock, random));
    out.code_hash_key = std::make_unique<crypto::SecretKey>(std::move(codes));
  }
  out.store->SetCommitHook(CheckpointHook(*out.audit_signer, clock));
  // Texts an older version kept in the clear are sealed before anything reads them (a no-op once done).
  TILLIT_RETURN_IF_ERROR(SealLegacyPlaintext(*out.store, *out.keyring, clock, random).status());
  return out;
}

}  // namespace tillit::core
