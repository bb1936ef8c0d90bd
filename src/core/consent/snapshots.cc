#include "core/consent/snapshots.h"

#include <nlohmann/json.hpp>

#include "config/public_view.h"
#include "core/audit/audit.h"
#include "crypto/hashing.h"
#include "util/hex.h"

namespace tillit::core {

namespace {

std::string VersionOfCanonical(const std::string& canonical_json) {
  const auto hash = crypto::Hash256(canonical_json);
  return "pv-" + HexEncode(std::span(hash).first(16));
}

}  // namespace

std::string PolicyVersionOf(const config::Config& config) {
  return VersionOfCanonical(config::CanonicalConfigJson(config));
}

Result<Published> PublishConfig(store::Store& store, const config::Config& config, Clock& clock) {
  store::ConfigSnapshotRow row;
  row.config_json = config::CanonicalConfigJson(config);
  row.id = VersionOfCanonical(row.config_json);
  row.published_at = ToMicros(clock.Now());
  bool inserted = false;
  TILLIT_RETURN_IF_ERROR(store.WriteAndWait([&row, &inserted](store::WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.PutConfigSnapshot(row, &inserted));
    // Every load of a configuration is audited, a new version or not.
    return AppendAudit(txn, {Actor::System(), "", "config.load", "", "policy_version=" + row.id}, row.published_at);
  }));
  return Published{row.id, inserted};
}

Result<nlohmann::json> PublishedConfig(store::Store& store, std::string_view policy_version) {
  TILLIT_ASSIGN_OR_RETURN(auto snapshot, store.FindConfigSnapshot(policy_version));
  if (!snapshot) {
    return Status::NotFound("no published policy version '" + std::string(policy_version) + "'",
                            "policy_version_not_found");
  }
  auto json = nlohmann::json::parse(snapshot->config_json, nullptr, false);
  if (json.is_discarded()) {
    return Status::Internal("stored configuration snapshot " + snapshot->id + " is not readable");
  }
  return json;
}

Result<std::vector<std::string>> LatestPurposeIds(store::Store& store) {
  TILLIT_ASSIGN_OR_RETURN(auto snapshots, store.ListConfigSnapshots());
  std::vector<std::string> ids;
  if (snapshots.empty()) return ids;
  TILLIT_ASSIGN_OR_RETURN(auto latest, store.FindConfigSnapshot(snapshots.back().id));
  if (!latest) return ids;
  auto json = nlohmann::json::parse(latest->config_json, nullptr, false);
  if (json.is_discarded() || !json.contains("purposes")) {
    return Status::Internal("stored configuration snapshot " + latest->id + " is not readable");
  }
  for (const auto& p : json["purposes"]) ids.push_back(p.value("id", ""));
  return ids;
}

}  // namespace tillit::core
