#include "util/random.h"

#include <sodium.h>

#include <array>
#include <cstring>

namespace tillit {
namespace {

class SecureRandom final : public Random {
 public:
  SecureRandom() {
    // sodium_init is idempotent and thread-safe; it returns -1 only when the system has no entropy source.
    if (sodium_init() < 0) std::abort();
  }
  void Fill(std::span<uint8_t> out) override { randombytes_buf(out.data(), out.size()); }

 protected:
  // One system call per 4 KiB instead of one per id (a request id per HTTP request, ids for every row written).
  void FillId(std::span<uint8_t> out) override {
    thread_local std::array<uint8_t, 4096> buffer;
    thread_local size_t used = buffer.size();
    if (out.size() > buffer.size()) return Fill(out);
    if (buffer.size() - used < out.size()) {
      randombytes_buf(buffer.data(), buffer.size());
      used = 0;
    }
    std::memcpy(out.data(), buffer.data() + used, out.size());
    sodium_memzero(buffer.data() + used, out.size());  // handed out once only
    used += out.size();
  }
};

}  // namespace

Random& Random::Secure() {
  static SecureRandom random;
  return random;
}

std::string Random::NewId(std::string_view prefix) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::array<uint8_t, 17> bytes{};  // 130 bits read, 128 used
  FillId(bytes);
  std::string id(prefix);
  uint32_t buffer = 0;
  int bits = 0;
  size_t used = 0;
  for (int i = 0; i < 26; ++i) {
    while (bits < 5) {
      buffer = (buffer << 8) | bytes[used++];
      bits += 8;
    }
    id += kAlphabet[(buffer >> (bits - 5)) & 31];
    bits -= 5;
  }
  return id;
}

void SeededRandom::Fill(std::span<uint8_t> out) {
  MutexLock lock(mu_);
  for (auto& b : out) {
    // splitmix64
    state_ += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    b = static_cast<uint8_t>(z ^ (z >> 31));
  }
}

}  // namespace tillit
