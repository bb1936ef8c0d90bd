// The data directory: master.key (mode 0600), tillit.db (the register) and keys.db (the key store). `Init` creates
// what is missing and never replaces what exists; `Open` opens an initialised directory for serving.
//
// Thread safety: functions are reentrant; the returned objects follow their own rules.
#ifndef TILLIT_CORE_INSTALL_DATA_DIR_H_
#define TILLIT_CORE_INSTALL_DATA_DIR_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit/audit.h"
#include "crypto/blind_index.h"
#include "crypto/keyring.h"
#include "crypto/master_key.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/random.h"
#include "util/status.h"

namespace tillit::core {

std::string MasterKeyPath(const std::string& data_dir);

struct InitReport {
  bool created_dir = false;
  bool created_key = false;
  int schema_version = 0;
};

// Creates the directory (mode 0700), the master key if absent, and the databases, and applies migrations.
// Idempotent. PermissionDenied if an existing key file is readable by group or others.
// `store_url` selects the store: empty for SQLite in the data directory, "postgres://…" for PostgreSQL (the master
// key stays in the data directory either way).
Result<InitReport> InitDataDir(const std::string& data_dir, Random& random, const std::string& store_url = "");

// The installation-wide secrets, kept wrapped by the master key in the key store.
inline constexpr std::string_view kBlindIndexSecret = "blind-index-root";
inline constexpr std::string_view kAuditSigningSecret = "audit-signing";
// Seals rights requests and mail about addresses that match no subject (those have no data key).
inline constexpr std::string_view kRequestSealSecret = "request-seal";
// Keys the hashes of one-time verification codes.
inline constexpr std::string_view kCodeHashSecret = "code-hash";

// An open data directory. Members are declared so that the store closes first: its commit hook uses the signer.
struct OpenDataDir {
  std::unique_ptr<crypto::MasterKey> master_key;
  std::unique_ptr<crypto::Keyring> keyring;
  std::unique_ptr<crypto::BlindIndexer> indexer;
  std::unique_ptr<AuditSigner> audit_signer;
  std::unique_ptr<crypto::SecretKey> request_seal_key;
  std::unique_ptr<crypto::SecretKey> code_hash_key;
  std::unique_ptr<store::Store> store;
};

// Opens an initialised data directory: loads and checks the master key, opens the store, applies migrations,
// unwraps the installation's secrets (creating any that are missing), installs the audit chain's commit hook and
// seals what an older version kept in the clear (core/install/legacy_plaintext.h).
// `clock` and `random` must outlive the returned store.
Result<OpenDataDir> Open(const std::string& data_dir, Clock& clock, Random& random, const std::string& store_url = "");

}  // namespace tillit::core

#endif  // TILLIT_CORE_INSTALL_DATA_DIR_H_
