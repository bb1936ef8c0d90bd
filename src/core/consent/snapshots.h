// Published configuration snapshots. The id of a snapshot is the policy version: consents record it, the
// rendered policy names it, and `tillit policy diff` compares two of them.
#ifndef TILLIT_CORE_CONSENT_SNAPSHOTS_H_
#define TILLIT_CORE_CONSENT_SNAPSHOTS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/status.h"

namespace tillit::core {

// "pv-" and the first 16 bytes of BLAKE2b-256 over the canonical configuration, in hex.
std::string PolicyVersionOf(const config::Config& config);

struct Published {
  std::string policy_version;
  bool new_version = false;  // false when this configuration had been published before
};

// Stores the configuration as a published snapshot (a no-op when it exists) and returns its id.
Result<Published> PublishConfig(store::Store& store, const config::Config& config, Clock& clock);

// The canonical configuration of a published version, parsed. NotFound "policy_version_not_found".
Result<nlohmann::json> PublishedConfig(store::Store& store, std::string_view policy_version);

// The purpose ids of the most recently published configuration; empty when none was published.
Result<std::vector<std::string>> LatestPurposeIds(store::Store& store);

}  // namespace tillit::core

#endif  // TILLIT_CORE_CONSENT_SNAPSHOTS_H_
