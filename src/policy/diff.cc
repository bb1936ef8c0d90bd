#include "policy/diff.h"

#include <algorithm>
#include <map>
#include <set>

#include "config/countries.h"

namespace tillit::policy {
namespace {

using nlohmann::json;

const json kEmptyArray = json::array();
const json kEmptyObject = json::object();

const json& Member(const json& j, const char* key, const json& fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? fallback : *it;
}

// The elements of an array of objects by their key (`id`, or what `key_of` makes of an element).
template <typename KeyFn>
std::map<std::string, json> ByKey(const json& array, KeyFn key_of) {
  std::map<std::string, json> out;
  if (!array.is_array()) return out;
  for (const auto& e : array) out.emplace(key_of(e), e);
  return out;
}

std::map<std::string, json> ById(const json& array) {
  return ByKey(array, [](const json& e) { return e.value("id", ""); });
}

std::string Show(const json& v) {
  if (v.is_null()) return "none";
  if (v.is_string()) return v.get<std::string>().empty() ? "none" : v.get<std::string>();
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) out += (out.empty() ? "" : ", ") + Show(e);
    return out.empty() ? "none" : out;
  }
  return v.dump();
}

std::set<std::string> StringSet(const json& v) {
  std::set<std::string> out;
  if (!v.is_array()) return out;
  for (const auto& e : v) {
    if (e.is_string()) out.insert(e.get<std::string>());
  }
  return out;
}

std::string JoinSet(const std::set<std::string>& items, const char* sign) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + std::string(sign) + i;
  return out;
}

class Differ {
 public:
  explicit Differ(PolicyDiff& diff) : diff_(diff) {}

  void Add(std::string section, std::string item, std::string kind, std::string field, json from, json to,
           std::string text) {
    diff_.changes.push_back({std::move(section), std::move(item), std::move(kind), std::move(field), std::move(from),
                             std::move(to), std::move(text)});
  }

  // A scalar (or any value compared as a whole).
  bool Value(const std::string& section, const std::string& item, const std::string& field, const json& from,
             const json& to, const std::string& label) {
    if (from == to) return false;
    Add(section, item, "changed", field, from, to, label + ": " + Show(from) + " → " + Show(to));
    return true;
  }

  // A set of ids: reports what was added and removed.
  bool Set(const std::string& section, const std::string& item, const std::string& field, const json& from,
           const json& to, const std::string& label) {
    const auto a = StringSet(from), b = StringSet(to);
    std::set<std::string> added, removed;
    std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::inserter(added, added.end()));
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(removed, removed.end()));
    if (added.empty() && removed.empty()) return false;
    std::string text = label + ": ";
    text += JoinSet(added, "+");
    if (!removed.empty()) text += (added.empty() ? "" : ", ") + JoinSet(removed, "-");
    Add(section, item, "changed", field, from, to, text);
    return true;
  }

  // Texts by language: says in which languages the wording changed, without quoting it.
  bool Texts(const std::string& section, const std::string& item, const std::string& field, const json& from,
             const json& to, const std::string& label) {
    std::set<std::string> langs;
    for (const json* side : {&from, &to}) {
      if (!side->is_object()) continue;
      for (const auto& [lang, text] : side->items()) {
        if (Member(from, lang.c_str(), json()) != Member(to, lang.c_str(), json())) langs.insert(lang);
      }
    }
    if (langs.empty()) return false;
    std::string list;
    for (const auto& l : langs) list += (list.empty() ? "" : ", ") + l;
    Add(section, item, "changed", field, from, to, label + ": wording changed (" + list + ")");
    return true;
  }

 private:
  PolicyDiff& diff_;
};

void DiffController(Differ& d, const json& from, const json& to) {
  const json& a = Member(from, "controller", kEmptyObject);
  const json& b = Member(to, "controller", kEmptyObject);
  for (const char* field : {"name", "trade_name", "org_number", "address", "country", "email", "phone", "website",
                            "time_zone", "fiscal_year_end"}) {
    d.Value("controller", "", field, Member(a, field, json()), Member(b, field, json()), field);
  }
  d.Texts("controller", "", "register_name", Member(a, "register_name", kEmptyObject),
          Member(b, "register_name", kEmptyObject), "register_name");
  for (const char* group : {"dpo", "representative", "supervisory_authority"}) {
    const json& ga = Member(a, group, kEmptyObject);
    const json& gb = Member(b, group, kEmptyObject);
    for (const char* field : {"name", "address", "email", "website"}) {
      d.Value("controller", "", std::string(group) + "." + field, Member(ga, field, json()), Member(gb, field, json()),
              std::string(group) + "." + field);
    }
  }
}

void DiffPurposes(Differ& d, PolicyDiff& diff, const json& from, const json& to) {
  auto a = ById(Member(from, "purposes", kEmptyArray));
  auto b = ById(Member(to, "purposes", kEmptyArray));
  for (const auto& [id, p] : b) {
    if (a.count(id) != 0) continue;
    d.Add("purposes", id, "added", "", nullptr, p,
          "+ " + id + " (legal basis " + p.value("legal_basis", "") + ", revision " +
              std::to_string(p.value("revision", int64_t{1})) + "; categories " + Show(p.value("categories", json())) +
              ")");
  }
  for (const auto& [id, p] : a) {
    if (b.count(id) != 0) continue;
    d.Add("purposes", id, "removed", "", p, nullptr, "- " + id + " (legal basis " + p.value("legal_basis", "") + ")");
    if (p.value("legal_basis", "") == "consent") {
      diff.warnings.push_back("purpose " + id +
                              " was removed: consents recorded for it stay in the register but allow nothing");
    }
  }
  for (const auto& [id, pa] : a) {
    auto it = b.find(id);
    if (it == b.end()) continue;
    const json& pb = it->second;
    const std::string label = id;
    bool material = false;
    if (d.Value("purposes", id, "legal_basis", pa.value("legal_basis", ""), pb.value("legal_basis", ""),
                label + ": legal basis")) {
      material = true;
    }
    const int64_t ra = pa.value("revision", int64_t{1}), rb = pb.value("revision", int64_t{1});
    if (ra != rb) {
      d.Add("purposes", id, "changed", "revision", ra, rb,
            label + ": revision " + (rb > ra ? "raised " : "lowered ") + std::to_string(ra) + " → " +
                std::to_string(rb) +
                (rb > ra && pb.value("legal_basis", "") == "consent"
                     ? " (consents given under an earlier revision no longer count)"
                     : ""));
    }
    material |= d.Set("purposes", id, "categories", pa.value("categories", json::array()),
                      pb.value("categories", json::array()), label + ": categories");
    material |= d.Set("purposes", id, "channels", pa.value("channels", json::array()),
                      pb.value("channels", json::array()), label + ": channels");
    d.Value("purposes", id, "consent_validity", pa.value("consent_validity", json()),
            pb.value("consent_validity", json()), label + ": consent valid for");
    d.Set("purposes", id, "withdraw", pa.value("withdraw", json::array()), pb.value("withdraw", json::array()),
          label + ": ways to withdraw");
    d.Set("purposes", id, "objection", pa.value("objection", json::array()), pb.value("objection", json::array()),
          label + ": ways to object");
    d.Value("purposes", id, "own_similar_products", pa.value("own_similar_products", false),
            pb.value("own_similar_products", false), label + ": own similar products");
    d.Texts("purposes", id, "name", pa.value("name", json::object()), pb.value("name", json::object()),
            label + ": name");
    material |= d.Texts("purposes", id, "description", pa.value("description", json::object()),
                        pb.value("description", json::object()), label + ": description");
    if (material && ra == rb && pb.value("legal_basis", "") == "consent") {
      diff.warnings.push_back("purpose " + id + " changed but its revision stayed " + std::to_string(rb) +
                              ": consents given before still count; raise `revision` if the change is material");
    }
  }
}

void DiffRecipients(Differ& d, const json& from, const json& to) {
  auto a = ById(Member(from, "recipients", kEmptyArray));
  auto b = ById(Member(to, "recipients", kEmptyArray));
  auto outside = [](const json& r) {
    const std::string country = r.value("country", "");
    return !country.empty() && !config::IsEea(country);
  };
  for (const auto& [id, r] : b) {
    if (a.count(id) != 0) continue;
    d.Add("recipients", id, "added", "", nullptr, r,
          "+ " + id + " (" + r.value("name", "") + ", " + r.value("role", "") + ", " + r.value("country", "") +
              "; categories " + Show(r.value("categories", json())) + ")");
    if (outside(r)) {
      d.Add("transfers", id, "added", "", nullptr, r,
            "+ transfer to " + r.value("country", "") + " (" + id + ", safeguard " + r.value("safeguard", "") + ")");
    }
  }
  for (const auto& [id, r] : a) {
    if (b.count(id) != 0) continue;
    d.Add("recipients", id, "removed", "", r, nullptr, "- " + id + " (" + r.value("name", "") + ")");
    if (outside(r)) {
      d.Add("transfers", id, "removed", "", r, nullptr,
            "- transfer to " + r.value("country", "") + " (" + id + ", safeguard " + r.value("safeguard", "") + ")");
    }
  }
  for (const auto& [id, ra] : a) {
    auto it = b.find(id);
    if (it == b.end()) continue;
    const json& rb = it->second;
    for (const char* field : {"name", "role", "service"}) {
      d.Value("recipients", id, field, ra.value(field, ""), rb.value(field, ""), id + ": " + field);
    }
    d.Set("recipients", id, "categories", ra.value("categories", json::array()), rb.value("categories", json::array()),
          id + ": categories");
    d.Set("recipients", id, "purposes", ra.value("purposes", json::array()), rb.value("purposes", json::array()),
          id + ": purposes");
    d.Texts("recipients", id, "description", ra.value("description", json::object()),
            rb.value("description", json::object()), id + ": description");
    d.Value("transfers", id, "country", ra.value("country", ""), rb.value("country", ""), id + ": country");
    d.Value("transfers", id, "safeguard", ra.value("safeguard", ""), rb.value("safeguard", ""),
            id + ": transfer safeguard");
  }
}

std::string RetentionKey(const json& r) {
  if (r.contains("category")) return "category " + r.value("category", "");
  return "record_kind " + r.value("record_kind", "");
}

void DiffRetention(Differ& d, const json& from, const json& to) {
  auto a = ByKey(Member(from, "retention", kEmptyArray), RetentionKey);
  auto b = ByKey(Member(to, "retention", kEmptyArray), RetentionKey);
  auto describe = [](const json& r) {
    return r.value("duration", "") + " from " + r.value("anchor", "") +
           (r.value("accounting", false) ? ", accounting" : "");
  };
  for (const auto& [key, r] : b) {
    if (a.count(key) == 0) d.Add("retention", key, "added", "", nullptr, r, "+ " + key + ": " + describe(r));
  }
  for (const auto& [key, r] : a) {
    if (b.count(key) == 0)
      d.Add("retention", key, "removed", "", r, nullptr, "- " + key + " (was " + describe(r) + ")");
  }
  for (const auto& [key, ra] : a) {
    auto it = b.find(key);
    if (it == b.end()) continue;
    const json& rb = it->second;
    d.Value("retention", key, "duration", ra.value("duration", ""), rb.value("duration", ""), key + ": kept for");
    d.Value("retention", key, "anchor", ra.value("anchor", ""), rb.value("anchor", ""), key + ": counted from");
    d.Value("retention", key, "accounting", ra.value("accounting", false), rb.value("accounting", false),
            key + ": accounting");
    d.Texts("retention", key, "reason", ra.value("reason", json::object()), rb.value("reason", json::object()),
            key + ": reason");
  }
}

void DiffIdList(Differ& d, const char* section, const json& from, const json& to) {
  auto a = ById(Member(from, section, kEmptyArray));
  auto b = ById(Member(to, section, kEmptyArray));
  for (const auto& [id, e] : b) {
    if (a.count(id) == 0) d.Add(section, id, "added", "", nullptr, e, "+ " + id);
  }
  for (const auto& [id, e] : a) {
    if (b.count(id) == 0) d.Add(section, id, "removed", "", e, nullptr, "- " + id);
  }
}

void DiffCookies(Differ& d, const json& from, const json& to) {
  DiffIdList(d, "cookies", from, to);
  auto a = ById(Member(from, "cookies", kEmptyArray));
  auto b = ById(Member(to, "cookies", kEmptyArray));
  for (const auto& [id, ca] : a) {
    auto it = b.find(id);
    if (it == b.end()) continue;
    for (const char* field : {"category", "recipient", "purpose", "duration", "country", "without_consent"}) {
      d.Value("cookies", id, field, ca.value(field, json()), it->second.value(field, json()), id + ": " + field);
    }
  }
}

void DiffTexts(Differ& d, const json& from, const json& to) {
  const json& a = Member(from, "policy", kEmptyObject);
  const json& b = Member(to, "policy", kEmptyObject);
  // By text key, across languages: {"intro": {"en": …, "sv": …}}.
  std::map<std::string, std::pair<json, json>> by_key;
  for (const auto& [lang, texts] : a.items()) {
    for (const auto& [key, text] : texts.items()) by_key[key].first[lang] = text;
  }
  for (const auto& [lang, texts] : b.items()) {
    for (const auto& [key, text] : texts.items()) by_key[key].second[lang] = text;
  }
  for (const auto& [key, sides] : by_key) {
    d.Texts("texts", key, "text", sides.first.is_null() ? kEmptyObject : sides.first,
            sides.second.is_null() ? kEmptyObject : sides.second, key);
  }
}

}  // namespace

PolicyDiff DiffPolicies(const json& from, const json& to) {
  PolicyDiff diff;
  Differ d(diff);
  DiffController(d, from, to);
  d.Set("languages", "", "languages", Member(from, "languages", kEmptyArray), Member(to, "languages", kEmptyArray),
        "languages");
  DiffIdList(d, "categories", from, to);
  DiffPurposes(d, diff, from, to);
  DiffRecipients(d, from, to);
  DiffRetention(d, from, to);
  DiffCookies(d, from, to);
  const json& ra = Member(from, "rights", kEmptyObject);
  const json& rb = Member(to, "rights", kEmptyObject);
  for (const char* field : {"email", "portal_url", "identity_check"}) {
    d.Value("rights", "", field, Member(ra, field, json()), Member(rb, field, json()), field);
  }
  d.Set("rights", "", "approval_required", Member(ra, "approval_required", kEmptyArray),
        Member(rb, "approval_required", kEmptyArray), "approval required for");
  const json& ma = Member(from, "marketing", kEmptyObject);
  const json& mb = Member(to, "marketing", kEmptyObject);
  for (const char* field :
       {"existing_customer_exception", "opt_out_subject", "opt_out_email", "prohibition_codes", "opt_out_registers"}) {
    d.Value("marketing", "", field, Member(ma, field, json()), Member(mb, field, json()), field);
  }
  DiffTexts(d, from, to);
  return diff;
}

std::string DiffText(const PolicyDiff& diff) {
  std::string out = "policy " + (diff.from_version.empty() ? std::string("(from)") : diff.from_version) + " → " +
                    (diff.to_version.empty() ? std::string("(to)") : diff.to_version) + "\n";
  if (diff.changes.empty()) return out + "no changes\n";
  static const char* kOrder[] = {"controller", "languages", "purposes", "categories", "recipients", "transfers",
                                 "retention",  "cookies",   "rights",   "marketing",  "texts"};
  for (const char* section : kOrder) {
    bool header = false;
    for (const auto& c : diff.changes) {
      if (c.section != section) continue;
      if (!header) {
        out += std::string("\n") + section + "\n";
        header = true;
      }
      out += "  " + c.text + "\n";
    }
  }
  if (!diff.warnings.empty()) {
    out += "\nwarnings\n";
    for (const auto& w : diff.warnings) out += "  ! " + w + "\n";
  }
  return out;
}

json DiffJson(const PolicyDiff& diff) {
  json changes = json::array();
  for (const auto& c : diff.changes) {
    json j = {{"section", c.section}, {"kind", c.kind}, {"text", c.text}};
    j["item"] = c.item.empty() ? json(nullptr) : json(c.item);
    if (!c.field.empty()) j["field"] = c.field;
    if (c.kind == "changed") {
      j["from"] = c.from;
      j["to"] = c.to;
    }
    changes.push_back(std::move(j));
  }
  return {{"from", diff.from_version.empty() ? json(nullptr) : json(diff.from_version)},
          {"to", diff.to_version.empty() ? json(nullptr) : json(diff.to_version)},
          {"changes", changes},
          {"warnings", diff.warnings}};
}

}  // namespace tillit::policy
