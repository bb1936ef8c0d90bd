// The master key (key-encryption key, KEK): 256-bit keys in one file in the data directory, mode 0600, one line
// per version ("tillit-kek <version> <hex>"); the highest version wraps new data keys, older versions stay until
// rotation has re-wrapped everything under the new one. tillit refuses a key file that group or others may read.
//
// Thread safety: a loaded MasterKey is immutable; its key material is wiped when it is destroyed.
#ifndef TILLIT_CRYPTO_MASTER_KEY_H_
#define TILLIT_CRYPTO_MASTER_KEY_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "util/random.h"
#include "util/status.h"

namespace tillit::crypto {

using Key256 = std::array<uint8_t, 32>;

class MasterKey {
 public:
  MasterKey(const MasterKey&) = delete;
  MasterKey& operator=(const MasterKey&) = delete;
  ~MasterKey();

  // Creates the key file with one fresh version-1 key. FailedPrecondition if the file exists: a key is never
  // overwritten.
  static Status Create(const std::string& path, Random& random);
  // Loads the file. PermissionDenied if group or others may read it; InvalidArgument naming the line if malformed.
  static Result<std::unique_ptr<MasterKey>> Load(const std::string& path);

  // Adds a fresh key as version current_version() + 1, for rotation. The file is replaced atomically (written
  // beside it, synced, renamed), so a crash leaves either the old file or the new one.
  static Status AddVersion(const std::string& path, Random& random);
  // Removes every version below `oldest_kept` from the file, atomically. FailedPrecondition if none would remain.
  static Status RetireBelow(const std::string& path, uint32_t oldest_kept);

  uint32_t current_version() const { return versions_.rbegin()->first; }
  uint32_t oldest_version() const { return versions_.begin()->first; }
  size_t version_count() const { return versions_.size(); }
  // nullptr when the version is not in the file.
  const Key256* Find(uint32_t version) const;

 private:
  MasterKey() = default;
  // Writes every version to `path` through a temporary file and a rename.
  Status Save(const std::string& path) const;

  std::map<uint32_t, Key256> versions_;
};

}  // namespace tillit::crypto

#endif  // TILLIT_CRYPTO_MASTER_KEY_H_
