// Policy diff: what changed between two published versions of the policy, read from their canonical configurations
// (the snapshot text whose hash is the policy version, config::CanonicalConfigJson). It names the changes a reader of
// the policy, or a supervisory authority, cares about: purposes added or removed, a purpose's legal basis, revision,
// categories or consent validity; categories in use; recipients, their countries and transfer safeguards; retention
// periods; the controller's identity and contacts; languages and cookies. Wording changes of free texts are reported
// by language, not quoted. Warnings point at changes that need a decision, such as new categories for a consent
// purpose whose revision was not raised (the consents given before still count).
//
// Thread safety: pure functions.
#ifndef TILLIT_POLICY_DIFF_H_
#define TILLIT_POLICY_DIFF_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tillit::policy {

struct PolicyChange {
  std::string section;  // "controller" | "languages" | "categories" | "purposes" | "recipients" | "transfers" |
                        // "retention" | "cookies" | "rights" | "marketing"
  std::string item;     // the id the change is about (purpose id, recipient id, "record_kind order" …); "" for a
                        // section-wide value
  std::string kind;     // "added" | "removed" | "changed"
  std::string field;    // what changed for kind "changed": "legal_basis", "revision", "categories" …
  nlohmann::json from;  // null when added
  nlohmann::json to;    // null when removed
  std::string text;     // one line for a person to read
};

struct PolicyDiff {
  std::string from_version;
  std::string to_version;
  std::vector<PolicyChange> changes;
  std::vector<std::string> warnings;
};

// The differences from `from` to `to`, two canonical configurations. Sections that are missing count as empty.
PolicyDiff DiffPolicies(const nlohmann::json& from, const nlohmann::json& to);

// Readable text, one change per line, grouped by section; "no changes" when there are none.
std::string DiffText(const PolicyDiff& diff);
nlohmann::json DiffJson(const PolicyDiff& diff);

}  // namespace tillit::policy

#endif  // TILLIT_POLICY_DIFF_H_
