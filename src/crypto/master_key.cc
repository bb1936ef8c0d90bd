#include "crypto/master_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "util/hex.h"

namespace tillit::crypto {

MasterKey::~MasterKey() {
  for (auto& [version, key] : versions_) sodium_memzero(key.data(), key.size());
}

Status MasterKey::Create(const std::string& path, Random& random) {
  // O_EXCL: never replace a key that exists, even when two inits race.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::FailedPrecondition("master key file exists: " + path, "key_exists");
    return Status::Unavailable("cannot create " + path + ": " + std::strerror(errno));
  }
  Key256 key;
  random.Fill(key);
  std::string line = "tillit-kek 1 " + HexEncode(key) + "\n";
  sodium_memzero(key.data(), key.size());
  const ssize_t written = ::write(fd, line.data(), line.size());
  const bool synced = ::fsync(fd) == 0;
  sodium_memzero(line.data(), line.size());
  ::close(fd);
  if (written != static_cast<ssize_t>(line.size()) || !synced) {
    ::unlink(path.c_str());
    return Status::Unavailable("cannot write " + path);
  }
  return Status::Ok();
}

Result<std::unique_ptr<MasterKey>> MasterKey::Load(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return Status::NotFound("no master key at " + path + " — run `tillit init` to create one", "key_missing");
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::PermissionDenied(
        "master key " + path + " has mode " + mode + ", readable by group or others — run `chmod 600 " + path + "`",
        "key_file_too_open");
  }
  std::ifstream in(path);
  if (!in) return Status::Unavailable("cannot read " + path);
  std::unique_ptr<MasterKey> key(new MasterKey());
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string tag, hex;
    uint32_t version = 0;
    fields >> tag >> version >> hex;
    auto bytes = HexDecode(hex);
    sodium_memzero(line.data(), line.size());
    if (tag != "tillit-kek" || version == 0 || !bytes || bytes->size() != 32) {
      if (bytes) sodium_memzero(bytes->data(), bytes->size());
      return Status::InvalidArgument(path + ":" + std::to_string(line_no) +
                                     ": not a master key line (expected `tillit-kek <version> <64 hex digits>`)");
    }
    Key256& slot = key->versions_[version];
    std::memcpy(slot.data(), bytes->data(), 32);
    sodium_memzero(bytes->data(), bytes->size());
  }
  if (key->versions_.empty()) return Status::InvalidArgument(path + ": the master key file holds no key");
  return key;
}

Status MasterKey::Save(const std::string& path) const {
  const std::string tmp = path + ".new";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Unavailable("cannot create " + tmp + ": " + std::strerror(errno));
  std::string text;
  for (const auto& [version, key] : versions_) {
    text += "tillit-kek " + std::to_string(version) + " " + HexEncode(key) + "\n";
  }
  const ssize_t written = ::write(fd, text.data(), text.size());
  const bool synced = ::fsync(fd) == 0;
  sodium_memzero(text.data(), text.size());
  ::close(fd);
  if (written != static_cast<ssize_t>(text.size()) || !synced) {
    ::unlink(tmp.c_str());
    return Status::Unavailable("cannot write " + tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::Unavailable("cannot replace " + path + ": " + std::strerror(errno));
  }
  // Make the rename itself durable.
  const std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/'));
  const int dir_fd = ::open(dir.empty() ? "/" : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

Status MasterKey::AddVersion(const std::string& path, Random& random) {
  TILLIT_ASSIGN_OR_RETURN(auto key, Load(path));
  Key256& slot = key->versions_[key->current_version() + 1];
  random.Fill(slot);
  return key->Save(path);
}

Status MasterKey::RetireBelow(const std::string& path, uint32_t oldest_kept) {
  TILLIT_ASSIGN_OR_RETURN(auto key, Load(path));
  if (key->current_version() < oldest_kept) {
    return Status::FailedPrecondition("retiring every version below " + std::to_string(oldest_kept) +
                                      " would leave no master key");
  }
  for (auto it = key->versions_.begin(); it != key->versions_.end() && it->first < oldest_kept;) {
    sodium_memzero(it->second.data(), it->second.size());
    it = key->versions_.erase(it);
  }
  return key->Save(path);
}

const Key256* MasterKey::Find(uint32_t version) const {
  auto it = versions_.find(version);
  return it == versions_.end() ? nullptr : &it->second;
}

}  // namespace tillit::crypto
