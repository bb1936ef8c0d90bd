#include "core/access/api_keys.h"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "core/audit/audit.h"
#include "crypto/hashing.h"
#include "util/hex.h"

namespace tillit::core {
namespace {

constexpr std::string_view kKeyPrefix = "tillit_";
constexpr size_t kShownPrefix = 15;  // "tillit_" and 8 hex digits: enough to recognise, useless to guess

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace

Result<std::string> ApiKeys::Create(const std::string& name, const std::vector<std::string>& actions,
                                    const std::vector<std::string>& purposes,
                                    const std::vector<std::string>& known_purposes) {
  if (!ValidName(name)) {
    return Status::InvalidArgument("key name '" + name + "' must be 1–64 characters of a-z, 0-9, '-', '_' or '.'");
  }
  if (purposes.empty()) return Status::InvalidArgument("a key needs at least one purpose (--purposes p1,p2)");
  if (actions.empty()) {
    return Status::InvalidArgument("a key needs at least one action (--preset shop, or --actions a,b)");
  }
  for (const auto& a : actions) {
    if (!IsAction(a)) return Status::InvalidArgument("unknown action '" + a + "'", "unknown_action");
  }
  for (const auto& p : purposes) {
    if (!known_purposes.empty() && std::find(known_purposes.begin(), known_purposes.end(), p) == known_purposes.end()) {
      std::string list;
      for (const auto& k : known_purposes) list += (list.empty() ? "" : ", ") + k;
      return Status::InvalidArgument("unknown purpose '" + p + "'; the configuration has: " + list);
    }
  }
  std::array<uint8_t, 32> secret_bytes;
  random_.Fill(secret_bytes);
  std::string secret = std::string(kKeyPrefix) + HexEncode(secret_bytes);
  sodium_memzero(secret_bytes.data(), secret_bytes.size());

  store::ApiKeyRow row;
  row.name = name;
  row.key_hash = crypto::Hash256(secret);
  row.prefix = secret.substr(0, kShownPrefix);
  row.purposes = purposes;
  row.actions = actions;
  row.created_at = ToMicros(clock_.Now());
  Status s = store_.WriteAndWait([&row](store::WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.InsertApiKey(row));
    return AppendAudit(txn, {Actor::Cli(), "", "api_key.create", "", "name=" + row.name + " actions=" + [&row] {
      std::string list;
      for (const auto& a : row.actions) list += (list.empty() ? "" : ",") + a;
      return list;
    }()}, row.created_at);
  });
  if (!s.ok()) {
    sodium_memzero(secret.data(), secret.size());
    return s;
  }
  return secret;
}

Status ApiKeys::Revoke(const std::string& name) {
  const int64_t now = ToMicros(clock_.Now());
  Status s = store_.WriteAndWait([&name, now](store::WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.RevokeApiKey(name, now));
    return AppendAudit(txn, {Actor::Cli(), "", "api_key.revoke", "", "name=" + name}, now);
  });
  WriterLock lock(mu_);
  std::erase_if(cache_, [&name](const auto& entry) { return entry.second.principal.name == name; });
  return s;
}

Result<std::vector<store::ApiKeyRow>> ApiKeys::List() { return store_.ListApiKeys(); }

Result<Principal> ApiKeys::Authenticate(std::string_view secret) {
  if (secret.size() != kKeyPrefix.size() + 64 || secret.substr(0, kKeyPrefix.size()) != kKeyPrefix) {
    return Status::Unauthenticated("the API key is not valid", "invalid_api_key");
  }
  const std::vector<uint8_t> hash = crypto::Hash256(secret);
  const auto now = std::chrono::steady_clock::now();
  {
    ReaderLock lock(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && it->second.until > now) return it->second.principal;
  }
  TILLIT_ASSIGN_OR_RETURN(auto row, store_.FindApiKeyByHash(hash));
  // The lookup is by hash, so it leaks nothing about the secret; the comparison guards against a hash index
  // returning a near match.
  if (!row || !crypto::ConstantTimeEquals(row->key_hash, hash)) {
    return Status::Unauthenticated("the API key is not valid", "invalid_api_key");
  }
  if (row->revoked_at) return Status::Unauthenticated("the API key has been revoked", "api_key_revoked");
  Principal principal{"api_key", row->name, row->actions, row->purposes};
  WriterLock lock(mu_);
  // Keys are few; a store that keeps growing is pruned of what has expired.
  if (cache_.size() >= 1024) std::erase_if(cache_, [now](const auto& entry) { return entry.second.until <= now; });
  cache_[hash] = Cached{principal, now + kKeyCacheTtl};
  return principal;
}

}  // namespace tillit::core
