#include "core/data_dir.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace tillit::core {

std::string MasterKeyPath(const std::string& data_dir) { return data_dir + "/master.key"; }

Result<InitReport> InitDataDir(const std::string& data_dir, Random& random) {
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
  options.create_if_missing = true;
  options.readers = 1;
  TILLIT_ASSIGN_OR_RETURN(auto store, store::Store::Open(options));
  TILLIT_ASSIGN_OR_RETURN(report.schema_version, store->SchemaVersion());
  store->Close();
  return report;
}

Result<OpenDataDir> Open(const std::string& data_dir) {
  OpenDataDir out;
  TILLIT_ASSIGN_OR_RETURN(out.master_key, crypto::MasterKey::Load(MasterKeyPath(data_dir)));
  store::StoreOptions options;
  options.data_dir = data_dir;
  TILLIT_ASSIGN_OR_RETURN(out.store, store::Store::Open(options));
  return out;
}

}  // namespace tillit::core
