// Who may do what. Every caller — an integration's API key today, a staff session or a signed-in subject later —
// holds *actions* (what it may do: `subjects.write`, `requests.manage` …) and *purposes* (why it may read personal
// data). Every route declares the one action it performs; a caller without it is refused with 403
// `action_not_allowed`, naming the action. Reads of personal data also name a purpose the caller holds.
//
// Actions are a fixed vocabulary (kActions); presets are named sets of them for the common kinds of integration
// (`tillit key create --preset shop`).
//
// Thread safety: values and immutable tables.
#ifndef TILLIT_CORE_ACCESS_ACCESS_H_
#define TILLIT_CORE_ACCESS_ACCESS_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace tillit::core {

// One action: its id and what it lets the caller do, for `tillit key create --help` and the docs.
struct ActionInfo {
  std::string_view id;
  std::string_view description;
};

// Every action, in a stable order.
std::span<const ActionInfo> Actions();
bool IsAction(std::string_view id);

// A named set of actions.
struct Preset {
  std::string_view name;
  std::string_view description;
  std::vector<std::string_view> actions;
};

std::span<const Preset> Presets();
const Preset* FindPreset(std::string_view name);

// The actions of `preset` (when not empty) together with `actions`, sorted and without duplicates.
// InvalidArgument naming the unknown preset or action, with the nearest known one when there is one.
Result<std::vector<std::string>> ResolveActions(std::string_view preset, const std::vector<std::string>& actions);

// The caller of a request, once authenticated.
struct Principal {
  std::string kind = "api_key";  // "api_key"; later "staff" and "subject"
  std::string name;              // the key's name
  std::vector<std::string> actions;
  std::vector<std::string> purposes;

  bool AllowsAction(std::string_view action) const;
  bool AllowsPurpose(std::string_view purpose) const;
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_ACCESS_ACCESS_H_
