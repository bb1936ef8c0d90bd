#include "core/access/access.h"

#include <algorithm>
#include <array>

#include "util/text.h"

namespace tillit::core {
namespace {

constexpr std::array kActionTable = {
    ActionInfo{"subjects.read", "read a subject's data, history, records, consents and states (names a purpose)"},
    ActionInfo{"subjects.write", "create subjects and correct their data"},
    ActionInfo{"subjects.erase", "erase a subject (Art. 17) and read erasure receipts"},
    ActionInfo{"records.write", "store orders, payments and other records; end agreements"},
    ActionInfo{"consents.record", "record consent events and cookie-banner choices"},
    ActionInfo{"consents.read", "read consent state, receipts, renewals and banner choices"},
    ActionInfo{"objections.record", "record a subject's objection (Art. 21)"},
    ActionInfo{"objections.decide", "uphold or override an objection"},
    ActionInfo{"restrictions.manage", "restrict processing of a subject and lift it (Art. 18)"},
    ActionInfo{"prohibitions.manage", "set and lift marketing prohibition codes"},
    ActionInfo{"decide", "ask whether a subject's data may be used for a purpose"},
    ActionInfo{"audiences.read", "export marketing audiences"},
    ActionInfo{"disclosures.record", "log a disclosure to a recipient"},
    ActionInfo{"requests.create", "file a rights request on a subject's behalf, send and check its code"},
    ActionInfo{"requests.read", "read rights requests and their texts"},
    ActionInfo{"requests.manage", "approve, reject, extend and complete rights requests"},
    ActionInfo{"reports.create", "create access reports and portability archives, download and revoke them"},
    ActionInfo{"webhooks.manage", "list and retry webhook deliveries"},
    ActionInfo{"audit.read", "read a subject's audit trail"},
    ActionInfo{"config.check", "validate a configuration"},
};

const std::vector<Preset>& PresetTable() {
  static const std::vector<Preset> table = [] {
    std::vector<std::string_view> all;
    for (const auto& a : kActionTable) all.push_back(a.id);
    return std::vector<Preset>{
        {"shop",
         "the web shop's backend: customers, orders, consents from its forms, decisions, requests on a customer's "
         "behalf",
         {"subjects.read", "subjects.write", "records.write", "consents.record", "consents.read", "objections.record",
          "decide", "disclosures.record", "requests.create"}},
        {"newsletter",
         "a mail or SMS tool: decisions, audiences, consent and unsubscribe events",
         {"decide", "audiences.read", "consents.record", "consents.read", "objections.record"}},
        {"analytics", "an analytics tool: decisions and activity records", {"decide", "records.write"}},
        {"privacy-desk",
         "whoever answers privacy requests: every action",
         all},
    };
  }();
  return table;
}

std::string Listed(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// "unknown action 'x' (did you mean 'y'?); actions: a, b, c"
Status Unknown(std::string_view what, std::string_view word, const std::vector<std::string>& known,
               std::string reason) {
  std::string msg = "unknown " + std::string(what) + " '" + std::string(word) + "'";
  if (std::string near = ClosestMatch(word, known); !near.empty()) msg += " (did you mean '" + near + "'?)";
  return Status::InvalidArgument(msg + "; " + std::string(what) + "s: " + Listed(known), std::move(reason));
}

}  // namespace

std::span<const ActionInfo> Actions() { return kActionTable; }

bool IsAction(std::string_view id) {
  return std::any_of(kActionTable.begin(), kActionTable.end(), [id](const ActionInfo& a) { return a.id == id; });
}

std::span<const Preset> Presets() { return PresetTable(); }

const Preset* FindPreset(std::string_view name) {
  for (const auto& p : PresetTable()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

Result<std::vector<std::string>> ResolveActions(std::string_view preset, const std::vector<std::string>& actions) {
  std::vector<std::string> out;
  if (!preset.empty()) {
    const Preset* p = FindPreset(preset);
    if (p == nullptr) {
      std::vector<std::string> names;
      for (const auto& known : PresetTable()) names.emplace_back(known.name);
      return Unknown("preset", preset, names, "unknown_preset");
    }
    out.assign(p->actions.begin(), p->actions.end());
  }
  for (const auto& a : actions) {
    if (!IsAction(a)) {
      std::vector<std::string> ids;
      for (const auto& known : kActionTable) ids.emplace_back(known.id);
      return Unknown("action", a, ids, "unknown_action");
    }
    out.push_back(a);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool Principal::AllowsAction(std::string_view action) const {
  return std::find(actions.begin(), actions.end(), action) != actions.end();
}

bool Principal::AllowsPurpose(std::string_view purpose) const {
  return std::find(purposes.begin(), purposes.end(), purpose) != purposes.end();
}

}  // namespace tillit::core
