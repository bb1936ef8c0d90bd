// SubjectIdMap: a hash map from subject ids to values, for indexes that hold every subject in memory (the decision
// index). An id made by Random::NewId("sub_") — "sub_" and 26 base32 characters — is kept as the 130 bits those
// characters encode, inline in the map's node, instead of as a 30-character string on the heap: a look-up hashes
// three words and compares them in the node it already loaded, and each subject costs about 40 bytes less. Any other
// id (none is made today) goes to a plain string-keyed map beside it, so every id still works.
//
// Thread safety: none; the owner locks.
#ifndef TILLIT_CORE_CONSENT_SUBJECT_ID_MAP_H_
#define TILLIT_CORE_CONSENT_SUBJECT_ID_MAP_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tillit::core {

template <typename V>
class SubjectIdMap {
 public:
  V* Find(std::string_view id) {
    if (auto key = Pack(id)) {
      auto it = packed_.find(*key);
      return it == packed_.end() ? nullptr : &it->second;
    }
    auto it = other_.find(id);
    return it == other_.end() ? nullptr : &it->second;
  }
  const V* Find(std::string_view id) const { return const_cast<SubjectIdMap*>(this)->Find(id); }

  // The value of `id`, default-constructed when new.
  V& operator[](std::string_view id) {
    if (auto key = Pack(id)) return packed_[*key];
    auto it = other_.find(id);
    if (it == other_.end()) it = other_.emplace(std::string(id), V{}).first;
    return it->second;
  }

  bool Erase(std::string_view id) {
    if (auto key = Pack(id)) return packed_.erase(*key) > 0;
    auto it = other_.find(id);
    if (it == other_.end()) return false;
    other_.erase(it);
    return true;
  }

  size_t size() const { return packed_.size() + other_.size(); }
  void reserve(size_t n) { packed_.reserve(n); }

  // Calls f(id, value) for every entry, in no particular order.
  template <typename F>
  void ForEach(F&& f) const {
    for (const auto& [key, value] : packed_) f(Unpack(key), value);
    for (const auto& [id, value] : other_) f(id, value);
  }
  // Calls f(value) for every entry, to change it.
  template <typename F>
  void ForEachValue(F&& f) {
    for (auto& [key, value] : packed_) f(value);
    for (auto& [id, value] : other_) f(value);
  }

 private:
  static constexpr std::string_view kPrefix = "sub_";
  static constexpr size_t kChars = 26;
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

  // Characters 0–11 in `a`, 12–23 in `b` (5 bits each), 24–25 in `c`.
  struct Key {
    uint64_t a = 0;
    uint64_t b = 0;
    uint16_t c = 0;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const noexcept {
      // The bits are random already; mixing the words keeps a structured id from clustering.
      uint64_t h = k.a * 0x9E3779B97F4A7C15ULL ^ k.b;
      h ^= (h >> 29) ^ (uint64_t{k.c} << 17);
      return static_cast<size_t>(h * 0xBF58476D1CE4E5B9ULL ^ (h >> 32));
    }
  };
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  static int Value(char ch) {
    if (ch >= 'a' && ch <= 'z') return ch - 'a';
    if (ch >= '2' && ch <= '7') return 26 + (ch - '2');
    return -1;
  }

  static std::optional<Key> Pack(std::string_view id) {
    if (id.size() != kPrefix.size() + kChars || id.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
    Key key;
    for (size_t i = 0; i < kChars; ++i) {
      const int v = Value(id[kPrefix.size() + i]);
      if (v < 0) return std::nullopt;
      uint64_t& word = i < 12 ? key.a : key.b;
      if (i < 24) {
        word = (word << 5) | static_cast<uint64_t>(v);
      } else {
        key.c = static_cast<uint16_t>((key.c << 5) | v);
      }
    }
    return key;
  }

  static std::string Unpack(const Key& key) {
    std::string id(kPrefix.size() + kChars, ' ');
    id.replace(0, kPrefix.size(), kPrefix);
    for (size_t i = 0; i < kChars; ++i) {
      uint64_t v;
      if (i < 12) {
        v = key.a >> (5 * (11 - i));
      } else if (i < 24) {
        v = key.b >> (5 * (23 - i));
      } else {
        v = key.c >> (5 * (25 - i));
      }
      id[kPrefix.size() + i] = kAlphabet[v & 31];
    }
    return id;
  }

  std::unordered_map<Key, V, KeyHash> packed_;
  std::unordered_map<std::string, V, StringHash, std::equal_to<>> other_;
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_CONSENT_SUBJECT_ID_MAP_H_
