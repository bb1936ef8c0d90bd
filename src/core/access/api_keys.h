// ApiKeys: the credentials the shop's software uses (`Authorization: Bearer <key>`). A key is shown once when
// created; only its BLAKE2b hash is stored. Each key holds the actions it may perform and the purposes its reads
// may name (core/access/access.h): a route whose action the key lacks, or a read that names another purpose, is refused.
//
// A key that authenticated is remembered for kKeyCacheTtl, so the hot path (a decision per page view) does not read
// the store on every request: a key revoked through this object is refused at once, one revoked by another process
// (`tillit key revoke` beside a running server, or another server) within kKeyCacheTtl.
//
// Thread safety: all methods may be called from any thread.
#ifndef TILLIT_CORE_ACCESS_API_KEYS_H_
#define TILLIT_CORE_ACCESS_API_KEYS_H_

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/access/access.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/mutex.h"
#include "util/random.h"
#include "util/status.h"

namespace tillit::core {

inline constexpr std::chrono::milliseconds kKeyCacheTtl{1000};

class ApiKeys {
 public:
  ApiKeys(store::Store& store, Clock& clock, Random& random) : store_(store), clock_(clock), random_(random) {}

  // Creates a key and returns its secret, which is never shown again. `actions` are action ids (core/access/access.h),
  // at least one. `known_purposes`, when not empty, is the configuration's purpose list: a purpose outside it is
  // InvalidArgument. Conflict if the name is taken.
  Result<std::string> Create(const std::string& name, const std::vector<std::string>& actions,
                             const std::vector<std::string>& purposes,
                             const std::vector<std::string>& known_purposes);
  Status Revoke(const std::string& name);
  Result<std::vector<store::ApiKeyRow>> List();
  // Unauthenticated for an unknown, malformed or revoked key.
  Result<Principal> Authenticate(std::string_view secret);

 private:
  struct Cached {
    Principal principal;
    std::chrono::steady_clock::time_point until;
  };

  store::Store& store_;
  Clock& clock_;
  Random& random_;
  SharedMutex mu_;
  std::map<std::vector<uint8_t>, Cached> cache_ TILLIT_GUARDED_BY(mu_);  // by key hash
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_ACCESS_API_KEYS_H_
