// The data directory: master.key (mode 0600), tillit.db (the register) and keys.db (the key store). `Init` creates
// what is missing and never replaces what exists; `Open` opens an initialised directory for serving.
//
// Thread safety: functions are reentrant; the returned objects follow their own rules.
#ifndef TILLIT_CORE_DATA_DIR_H_
#define TILLIT_CORE_DATA_DIR_H_

#include <memory>
#include <string>
#include <vector>

#include "crypto/master_key.h"
#include "store/store.h"
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
Result<InitReport> InitDataDir(const std::string& data_dir, Random& random);

struct OpenDataDir {
  std::unique_ptr<crypto::MasterKey> master_key;
  std::unique_ptr<store::Store> store;
};

// Opens an initialised data directory: loads and checks the master key, opens the store, applies migrations.
Result<OpenDataDir> Open(const std::string& data_dir);

}  // namespace tillit::core

#endif  // TILLIT_CORE_DATA_DIR_H_
