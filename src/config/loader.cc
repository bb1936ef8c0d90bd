#include "config/loader.h"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "config/countries.h"
#include "config/taxonomy.h"
#include "util/text.h"

namespace tillit::config {

std::string Diagnostic::ToString() const {
  std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  if (!key.empty()) out += key + ": ";
  if (severity == Severity::kWarning) out += "warning: ";
  out += what;
  if (!fix.empty()) out += " — " + fix;
  return out;
}

size_t LoadResult::error_count() const {
  return std::count_if(diagnostics.begin(), diagnostics.end(),
                       [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::kError; });
}

namespace {

const std::vector<std::string> kLanguages = {"en", "sv", "nb", "fi"};
const std::vector<std::string> kRequestTypes = {"access",      "portability", "rectification",    "erasure",
                                                "restriction", "objection",   "withdraw_consent", "inquiry"};
const std::vector<std::string> kSafeguards = {"adequacy", "eu_us_dpf", "scc", "bcr", "derogation"};
const std::vector<std::string> kPolicyTextKeys = {"intro",   "security", "sources", "disclosure",
                                                  "cookies", "contact",  "changes"};
const std::vector<std::string> kWithoutConsent = {"not_loaded", "anonymised", "essential"};
const std::vector<std::string> kServices = {"payment",  "delivery", "hosting",   "analytics", "advertising",
                                            "chat",     "email",    "reviews",   "website",   "accounting",
                                            "identity", "support",  "marketing", "other"};

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

// "90 seconds", "5 minutes", "1 hour", "30s", "5min", "2h" → seconds; nullopt for anything else.
std::optional<int64_t> ParseSeconds(std::string_view text) {
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end == text.data() || n < 0) return std::nullopt;
  std::string_view unit = text.substr(static_cast<size_t>(end - text.data()));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  static const std::pair<std::string_view, int64_t> kUnits[] = {
      {"s", 1},       {"sec", 1},      {"second", 1}, {"seconds", 1}, {"min", 60},
      {"minute", 60}, {"minutes", 60}, {"h", 3600},   {"hour", 3600}, {"hours", 3600}};
  for (const auto& [name, factor] : kUnits) {
    if (unit == name)
      return n > std::numeric_limits<int64_t>::max() / factor ? std::nullopt : std::optional<int64_t>(n * factor);
  }
  return std::nullopt;
}

std::string JoinQuoted(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ", ";
    out += Quote(i);
  }
  return out;
}

// "did you mean 'x'?" when `value` looks like a typo of an allowed value, else the list of allowed values.
std::string FixFor(const std::string& value, const std::vector<std::string>& allowed) {
  const std::string s = ClosestMatch(value, allowed);
  return s.empty() ? "use one of " + JoinQuoted(allowed) : "did you mean " + Quote(s) + "?";
}

// Walks the parsed TOML document and builds a Config, collecting diagnostics.
class Loader {
 public:
  explicit Loader(std::string path) : path_(std::move(path)) {}

  LoadResult Load(const toml::table& root) {
    auto config = std::make_shared<Config>();
    config->source_path = path_;
    cfg_ = config.get();
    root_ = &root;

    CheckKeys(
        root, "",
        {"controller", "languages", "categories", "custom_category", "source", "purpose", "retention", "record_kinds",
         "recipient", "cookie", "marketing", "rights", "policy", "server", "mail", "requests", "audit"});
    ReadController();
    ReadLanguages();
    ReadCategories();
    ReadSources();
    ReadPurposes();
    ReadRecordKinds();
    ReadRetention();
    ReadRecipients();
    ReadCookies();
    ReadMarketing();
    ReadRights();
    ReadPolicy();
    ReadServer();
    ReadMail();
    ReadRequests();
    ReadAudit();

    LoadResult result;
    std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    result.diagnostics = std::move(diagnostics_);
    if (result.error_count() == 0) result.config = std::move(config);
    return result;
  }

 private:
  // ---- diagnostics ----
  void Report(Diagnostic::Severity severity, const toml::source_region& where, std::string key, std::string what,
              std::string fix) {
    Diagnostic d;
    d.severity = severity;
    d.file = path_;
    d.line = static_cast<int>(where.begin.line);
    d.column = static_cast<int>(where.begin.column);
    d.key = std::move(key);
    d.what = std::move(what);
    d.fix = std::move(fix);
    diagnostics_.push_back(std::move(d));
  }
  void Error(const toml::source_region& where, std::string key, std::string what, std::string fix) {
    Report(Diagnostic::Severity::kError, where, std::move(key), std::move(what), std::move(fix));
  }
  void Warn(const toml::source_region& where, std::string key, std::string what, std::string fix) {
    Report(Diagnostic::Severity::kWarning, where, std::move(key), std::move(what), std::move(fix));
  }
  // Where a node is, or the start of the file for a missing one.
  static toml::source_region Where(const toml::node* node) {
    if (node != nullptr && node->source().begin.line != 0) return node->source();
    toml::source_region r;
    r.begin = {1, 1};
    r.end = {1, 1};
    return r;
  }

  static std::string Join(std::string_view prefix, std::string_view key) {
    if (prefix.empty()) return std::string(key);
    return std::string(prefix) + "." + std::string(key);
  }

  // Reports every key of `table` not in `allowed`, suggesting the closest allowed key.
  void CheckKeys(const toml::table& table, std::string_view prefix, const std::vector<std::string>& allowed) {
    for (auto&& [k, v] : table) {
      const std::string name(k.str());
      if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
      const std::string suggestion = ClosestMatch(name, allowed);
      toml::source_region where = k.source().begin.line != 0 ? k.source() : v.source();
      Error(where, Join(prefix, name), "unknown key",
            suggestion.empty() ? "remove it; allowed keys here are " + JoinQuoted(allowed)
                               : "did you mean " + Quote(suggestion) + "?");
    }
  }

  // ---- typed getters: each reports a missing required key or a wrong type and returns nullopt ----
  const toml::node* Get(const toml::table& t, std::string_view key) { return t.get(key); }

  std::optional<std::string> String(const toml::table& t, std::string_view prefix, std::string_view key, bool required,
                                    std::string_view fix_missing = {}) {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      if (required) {
        Error(t.source(), Join(prefix, key), "missing required key",
              fix_missing.empty() ? "add " + std::string(key) + " = \"…\"" : std::string(fix_missing));
      }
      return std::nullopt;
    }
    if (!n->is_string()) {
      Error(n->source(), Join(prefix, key), "expected a string, found " + TypeName(*n),
            "write the value in double quotes");
      return std::nullopt;
    }
    return n->as_string()->get();
  }

  std::optional<bool> Bool(const toml::table& t, std::string_view prefix, std::string_view key) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return std::nullopt;
    if (!n->is_boolean()) {
      Error(n->source(), Join(prefix, key), "expected true or false, found " + TypeName(*n),
            "write true or false without quotes");
      return std::nullopt;
    }
    return n->as_boolean()->get();
  }

  std::optional<int64_t> Integer(const toml::table& t, std::string_view prefix, std::string_view key) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return std::nullopt;
    if (!n->is_integer()) {
      Error(n->source(), Join(prefix, key), "expected an integer, found " + TypeName(*n),
            "write a whole number without quotes");
      return std::nullopt;
    }
    return n->as_integer()->get();
  }

  // An array of strings; each string is checked against `allowed` when given.
  std::vector<std::string> Strings(const toml::table& t, std::string_view prefix, std::string_view key, bool required,
                                   const std::vector<std::string>* allowed = nullptr) {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      if (required) {
        Error(t.source(), Join(prefix, key), "missing required key", "add " + std::string(key) + " = [\"…\"]");
      }
      return out;
    }
    const toml::array* arr = n->as_array();
    if (arr == nullptr) {
      Error(n->source(), Join(prefix, key), "expected an array of strings, found " + TypeName(*n),
            "write it as [\"a\", \"b\"]");
      return out;
    }
    for (const auto& item : *arr) {
      if (!item.is_string()) {
        Error(item.source(), Join(prefix, key), "expected a string in the array, found " + TypeName(item),
              "write each element in double quotes");
        continue;
      }
      std::string value = item.as_string()->get();
      if (allowed != nullptr && std::find(allowed->begin(), allowed->end(), value) == allowed->end()) {
        Error(item.source(), Join(prefix, key), "unknown value " + Quote(value), FixFor(value, *allowed));
        continue;
      }
      out.push_back(std::move(value));
    }
    return out;
  }

  // A table of language → text.
  Localised Texts(const toml::table& t, std::string_view prefix, std::string_view key) {
    Localised out;
    const toml::node* n = t.get(key);
    if (n == nullptr) return out;
    const toml::table* tt = n->as_table();
    if (tt == nullptr) {
      Error(n->source(), Join(prefix, key), "expected a table of texts per language, found " + TypeName(*n),
            "write " + std::string(key) + " = { en = \"…\", sv = \"…\" } or " + std::string(key) + ".en = \"…\"");
      return out;
    }
    const std::string p = Join(prefix, key);
    CheckKeys(*tt, p, kLanguages);
    for (auto&& [lang, v] : *tt) {
      if (std::find(kLanguages.begin(), kLanguages.end(), lang.str()) == kLanguages.end()) continue;
      if (!v.is_string()) {
        Error(v.source(), Join(p, lang.str()), "expected a string, found " + TypeName(v),
              "write the text in double quotes");
        continue;
      }
      out.emplace(std::string(lang.str()), v.as_string()->get());
    }
    return out;
  }

  // Requires a text in every configured language.
  void RequireTexts(const Localised& texts, const toml::table& t, std::string_view prefix, std::string_view key) {
    for (const auto& lang : cfg_->languages) {
      if (texts.count(lang) == 0) {
        const toml::node* n = t.get(key);
        Error(Where(n != nullptr ? n : &t), Join(prefix, key), "no text in language " + Quote(lang),
              "add " + std::string(key) + "." + lang + " = \"…\" (every language in `languages` needs its texts)");
      }
    }
  }

  std::optional<Duration> DurationValue(const toml::table& t, std::string_view prefix, std::string_view key,
                                        bool required) {
    auto text = String(t, prefix, key, required, "add " + std::string(key) + " = \"6 months\"");
    if (!text) return std::nullopt;
    auto d = ParseDuration(*text);
    if (!d) {
      Error(t.get(key)->source(), Join(prefix, key), "cannot read duration " + Quote(*text),
            "write a number and a unit: \"30 days\", \"6 months\", \"10 years\"");
    }
    return d;
  }

  std::string Country(const toml::table& t, std::string_view prefix, std::string_view key, bool required) {
    auto code = String(t, prefix, key, required, "add " + std::string(key) + " = \"NO\" (ISO 3166-1 code)");
    if (!code) return {};
    if (!IsKnownCountryCode(*code)) {
      Error(t.get(key)->source(), Join(prefix, key), "unknown country code " + Quote(*code),
            "use an upper-case ISO 3166-1 alpha-2 code such as \"NO\", \"SE\", \"FI\", \"US\"");
      return {};
    }
    return *code;
  }

  static std::string TypeName(const toml::node& n) {
    switch (n.type()) {
      case toml::node_type::string:
        return "a string";
      case toml::node_type::integer:
        return "an integer";
      case toml::node_type::floating_point:
        return "a number";
      case toml::node_type::boolean:
        return "a boolean";
      case toml::node_type::array:
        return "an array";
      case toml::node_type::table:
        return "a table";
      default:
        return "a date or time";
    }
  }

  // Iterates an array of tables [[name]]; reports elements that are not tables.
  template <typename Fn>
  void EachTable(std::string_view name, Fn&& fn) {
    const toml::node* n = root_->get(name);
    if (n == nullptr) return;
    const toml::array* arr = n->as_array();
    if (arr == nullptr) {
      Error(n->source(), std::string(name), "expected an array of tables",
            "write each entry as a [[" + std::string(name) + "]] section");
      return;
    }
    size_t index = 0;
    for (const auto& item : *arr) {
      const toml::table* t = item.as_table();
      if (t == nullptr) {
        Error(item.source(), std::string(name), "expected a table",
              "write each entry as a [[" + std::string(name) + "]] section");
        continue;
      }
      fn(*t, index++);
    }
  }

  // "purpose.marketing" when the entry has a readable id, else "purpose[2]".
  static std::string EntryKey(std::string_view section, const toml::table& t, size_t index) {
    if (const toml::node* id = t.get("id"); id != nullptr && id->is_string()) {
      return std::string(section) + "." + id->as_string()->get();
    }
    return std::string(section) + "[" + std::to_string(index) + "]";
  }

  // Reports a second use of `id` within one section.
  void CheckUnique(std::set<std::string>& seen, const std::string& id, const toml::table& t, std::string_view key) {
    if (!seen.insert(id).second) {
      Error(t.get("id") ? t.get("id")->source() : t.source(), std::string(key), "duplicate id " + Quote(id),
            "give each entry its own id");
    }
  }

  // The element of the array `array` whose string value is `value` (its `nth` occurrence), else the array itself:
  // so a diagnostic points at the offending line of a multi-line array.
  static const toml::node* Element(const toml::node* array, std::string_view value, int nth = 0) {
    if (array == nullptr || !array->is_array()) return array;
    for (const auto& item : *array->as_array()) {
      if (item.is_string() && item.as_string()->get() == value && nth-- == 0) return &item;
    }
    return array;
  }

  // Reports every category in `ids` that the configuration does not declare.
  void CheckCategoriesDeclared(const std::vector<std::string>& ids, const toml::table& t, const std::string& key) {
    const toml::node* node = t.get("categories");
    for (const auto& id : ids) {
      if (cfg_->FindCategory(id) != nullptr) continue;
      std::string fix;
      if (FindBuiltinCategory(id) != nullptr) {
        fix = "add " + Quote(id) + " to the top-level `categories` list";
      } else {
        std::vector<std::string> known;
        for (const auto& c : cfg_->categories) known.push_back(c.id);
        const std::string s = ClosestMatch(id, known);
        fix = s.empty() ? "declare it in `categories` or as a [[custom_category]]" : "did you mean " + Quote(s) + "?";
      }
      Error(Where(Element(node, id)), key + ".categories", "category " + Quote(id) + " is not declared", fix);
    }
  }

  void CheckPurposesKnown(const std::vector<std::string>& ids, const toml::table& t, const std::string& key) {
    for (const auto& id : ids) {
      if (cfg_->FindPurpose(id) != nullptr) continue;
      std::vector<std::string> known;
      for (const auto& p : cfg_->purposes) known.push_back(p.id);
      const std::string s = ClosestMatch(id, known);
      Error(Where(t.get("purposes") ? Element(t.get("purposes"), id) : t.get("purpose")), key,
            "unknown purpose " + Quote(id),
            s.empty() ? "declare it as a [[purpose]] or use one of " + JoinQuoted(known)
                      : "did you mean " + Quote(s) + "?");
    }
  }

  // ---- sections ----
  void ReadController() {
    const toml::node* n = root_->get("controller");
    if (n == nullptr || !n->is_table()) {
      Error(Where(n), "controller", n == nullptr ? "missing [controller] section" : "expected a table",
            "add a [controller] section with name, address, country and email");
      return;
    }
    const toml::table& t = *n->as_table();
    const std::string p = "controller";
    CheckKeys(t, p,
              {"name", "trade_name", "org_number", "address", "country", "email", "phone", "website", "register_name",
               "time_zone", "fiscal_year_end", "dpo", "representative", "supervisory_authority"});
    Controller& c = cfg_->controller;
    c.name = String(t, p, "name", true).value_or("");
    c.trade_name = String(t, p, "trade_name", false).value_or("");
    c.org_number = String(t, p, "org_number", false).value_or("");
    c.address = String(t, p, "address", true).value_or("");
    c.country = Country(t, p, "country", true);
    c.email = String(t, p, "email", true).value_or("");
    if (!c.email.empty() && c.email.find('@') == std::string::npos) {
      Error(t.get("email")->source(), p + ".email", "not an e-mail address", "write an address like privacy@shop.no");
    }
    c.phone = String(t, p, "phone", false).value_or("");
    c.website = String(t, p, "website", false).value_or("");
    c.register_name = Texts(t, p, "register_name");
    const CountryInfo* country = FindCountry(c.country);
    c.time_zone = String(t, p, "time_zone", false).value_or(country ? std::string(country->time_zone) : "UTC");
    if (auto fye = String(t, p, "fiscal_year_end", false)) {
      int month = 0, day = 0;
      if (std::sscanf(fye->c_str(), "%2d-%2d", &month, &day) != 2 || fye->size() != 5 || month < 1 || month > 12 ||
          day < 1 || day > 31) {
        Error(t.get("fiscal_year_end")->source(), p + ".fiscal_year_end", "cannot read date " + Quote(*fye),
              "write the last day of the fiscal year as \"MM-DD\", e.g. \"12-31\"");
      } else {
        c.fiscal_year_end_month = month;
        c.fiscal_year_end_day = day;
      }
    }
    if (const toml::node* dpo = t.get("dpo")) {
      if (const toml::table* dt = dpo->as_table()) {
        CheckKeys(*dt, p + ".dpo", {"name", "email"});
        c.dpo_name = String(*dt, p + ".dpo", "name", false).value_or("");
        c.dpo_email = String(*dt, p + ".dpo", "email", true).value_or("");
      } else {
        Error(dpo->source(), p + ".dpo", "expected a table", "write dpo = { name = \"…\", email = \"…\" }");
      }
    }
    if (const toml::node* rep = t.get("representative")) {
      if (const toml::table* rt = rep->as_table()) {
        const std::string rp = p + ".representative";
        CheckKeys(*rt, rp, {"name", "address", "email"});
        c.representative.name = String(*rt, rp, "name", true).value_or("");
        c.representative.address = String(*rt, rp, "address", true).value_or("");
        c.representative.email = String(*rt, rp, "email", false).value_or("");
      } else {
        Error(rep->source(), p + ".representative", "expected a table",
              "write representative = { name = \"…\", address = \"…\", email = \"…\" }");
      }
    }
    if (country != nullptr) {
      c.authority = {std::string(country->authority_name), std::string(country->authority_address),
                     std::string(country->authority_website), std::string(country->authority_email)};
    }
    if (const toml::node* sa = t.get("supervisory_authority")) {
      if (const toml::table* st = sa->as_table()) {
        const std::string sp = p + ".supervisory_authority";
        CheckKeys(*st, sp, {"name", "address", "website", "email"});
        c.authority.name = String(*st, sp, "name", true).value_or(c.authority.name);
        c.authority.address = String(*st, sp, "address", false).value_or(c.authority.address);
        c.authority.website = String(*st, sp, "website", false).value_or(c.authority.website);
        c.authority.email = String(*st, sp, "email", false).value_or(c.authority.email);
      } else {
        Error(sa->source(), p + ".supervisory_authority", "expected a table",
              "write supervisory_authority = { name = \"…\", address = \"…\" }");
      }
    } else if (country == nullptr && !c.country.empty()) {
      Error(t.get("country")->source(), p + ".country", "tillit knows no supervisory authority for " + Quote(c.country),
            "add supervisory_authority = { name = \"…\", address = \"…\", website = \"…\" }");
    }
  }

  void ReadLanguages() {
    cfg_->languages = Strings(*root_, "", "languages", true, &kLanguages);
    std::set<std::string> seen;
    for (const auto& l : cfg_->languages) {
      if (!seen.insert(l).second) {
        Error(root_->get("languages")->source(), "languages", "language " + Quote(l) + " listed twice",
              "list each language once");
      }
    }
    if (cfg_->languages.empty()) {
      if (root_->get("languages") != nullptr) {
        Error(root_->get("languages")->source(), "languages", "no supported language",
              "list at least one of 'en', 'sv', 'nb', 'fi'; the first is the default");
      }
      cfg_->languages.push_back("en");  // keep validating the rest
      languages_missing_ = true;
    }
  }

  void ReadCategories() {
    std::set<std::string> seen;
    EachTable("custom_category", [&](const toml::table& t, size_t i) {
      const std::string key = EntryKey("custom_category", t, i);
      CheckKeys(t, key, {"id", "name", "dpv", "fideslang", "portable"});
      Category c;
      c.custom = true;
      c.id = String(t, key, "id", true).value_or("");
      if (!c.id.empty() && c.id.rfind("custom.", 0) != 0) {
        Error(t.get("id")->source(), key + ".id", "custom category id " + Quote(c.id) + " must start with 'custom.'",
              "rename it to " + Quote("custom." + c.id));
      }
      c.name = Texts(t, key, "name");
      RequireTexts(c.name, t, key, "name");
      c.dpv = String(t, key, "dpv", false).value_or("");
      c.fideslang = String(t, key, "fideslang", false).value_or("user");
      c.portable = Bool(t, key, "portable").value_or(true);
      CheckUnique(seen, c.id, t, key);
      custom_.push_back(std::move(c));
    });
    const std::vector<std::string> ids = Strings(*root_, "", "categories", true);
    const toml::node* node = root_->get("categories");
    std::set<std::string> used;
    std::vector<std::string> all_known;
    for (const auto& b : BuiltinCategories()) all_known.emplace_back(b.id);
    for (const auto& c : custom_) all_known.push_back(c.id);
    for (const auto& id : ids) {
      if (!used.insert(id).second) {
        Error(Where(Element(node, id, 1)), "categories", "category " + Quote(id) + " listed twice",
              "list each category once");
        continue;
      }
      if (const CategoryInfo* b = FindBuiltinCategory(id)) {
        Category c;
        c.id = id;
        c.dpv = std::string(b->dpv);
        c.fideslang = std::string(b->fideslang);
        c.name = {{"en", std::string(b->name_en)},
                  {"sv", std::string(b->name_sv)},
                  {"nb", std::string(b->name_nb)},
                  {"fi", std::string(b->name_fi)}};
        c.portable = b->portable;
        cfg_->categories.push_back(std::move(c));
        continue;
      }
      auto custom = std::find_if(custom_.begin(), custom_.end(), [&](const Category& c) { return c.id == id; });
      if (custom != custom_.end()) {
        cfg_->categories.push_back(*custom);
        continue;
      }
      const std::string s = ClosestMatch(id, all_known);
      Error(Where(Element(node, id)), "categories", "unknown category " + Quote(id),
            s.empty() ? "use an id from the built-in taxonomy (tillit check --list-categories) or declare a "
                        "[[custom_category]]"
                      : "did you mean " + Quote(s) + "?");
    }
  }

  void ReadSources() {
    std::set<std::string> seen = {"subject", "staff", "import"};
    EachTable("source", [&](const toml::table& t, size_t i) {
      const std::string key = EntryKey("source", t, i);
      CheckKeys(t, key, {"id", "name", "categories", "description"});
      Source s;
      s.id = String(t, key, "id", true).value_or("");
      s.name = String(t, key, "name", true).value_or("");
      s.categories = Strings(t, key, "categories", false);
      s.description = Texts(t, key, "description");
      CheckUnique(seen, s.id, t, key);
      CheckCategoriesDeclared(s.categories, t, key);
      cfg_->sources.push_back(std::move(s));
    });
  }

  void ReadPurposes() {
    std::set<std::string> seen;
    const std::vector<std::string> bases = {"consent",        "contract",   "legal_obligation", "legitimate_interest",
                                            "vital_interest", "public_task"};
    const std::vector<std::string> channels = {"email", "sms", "phone", "post"};
    EachTable("purpose", [&](const toml::table& t, size_t i) {
      const std::string key = EntryKey("purpose", t, i);
      CheckKeys(t, key,
                {"id", "legal_basis", "categories", "name", "description", "revision", "consent_validity", "withdraw",
                 "channels", "own_similar_products", "objection"});
      Purpose p;
      p.id = String(t, key, "id", true).value_or("");
      CheckUnique(seen, p.id, t, key);
      if (auto basis = String(t, key, "legal_basis", true,
                              "add legal_basis = \"contract\" (or consent, legal_obligation, legitimate_interest, "
                              "vital_interest, public_task); every purpose needs exactly one")) {
        if (auto parsed = ParseLegalBasis(*basis)) {
          p.legal_basis = *parsed;
        } else {
          Error(t.get("legal_basis")->source(), key + ".legal_basis", "unknown legal basis " + Quote(*basis),
                FixFor(*basis, bases));
        }
      }
      p.categories = Strings(t, key, "categories", true);
      CheckCategoriesDeclared(p.categories, t, key);
      p.name = Texts(t, key, "name");
      p.description = Texts(t, key, "description");
      RequireTexts(p.name, t, key, "name");
      RequireTexts(p.description, t, key, "description");
      if (auto rev = Integer(t, key, "revision")) {
        if (*rev < 1) {
          Error(t.get("revision")->source(), key + ".revision", "revision must be 1 or more",
                "start at 1 and raise it only for a material change");
        } else {
          p.revision = *rev;
        }
      }
      p.consent_validity = DurationValue(t, key, "consent_validity", false);
      p.withdraw = Strings(t, key, "withdraw", false, &WithdrawalRoutes());
      for (const auto& c : Strings(t, key, "channels", false, &channels)) p.channels.push_back(*ParseChannel(c));
      p.own_similar_products = Bool(t, key, "own_similar_products").value_or(false);
      p.objection = Strings(t, key, "objection", false, &WithdrawalRoutes());
      CheckRoutesWork(p.withdraw, t, key, "withdraw");
      CheckRoutesWork(p.objection, t, key, "objection");
      const toml::node* withdraw = t.get("withdraw");
      const bool withdraw_empty = withdraw == nullptr || (withdraw->is_array() && withdraw->as_array()->empty());
      if (p.legal_basis == LegalBasis::kConsent && t.get("legal_basis") != nullptr && withdraw_empty) {
        Error(t.get("legal_basis")->source(), key + ".withdraw",
              "a consent-based purpose needs a way to withdraw consent",
              "add withdraw = [\"email\", \"link\"] (Art. 7(3): withdrawing must be as easy as giving)");
      }
      if (p.consent_validity && p.legal_basis != LegalBasis::kConsent) {
        Error(t.get("consent_validity")->source(), key + ".consent_validity",
              "consent_validity on a purpose that is not consent-based", "remove it or set legal_basis = \"consent\"");
      }
      cfg_->purposes.push_back(std::move(p));
    });
    AddBuiltinPurposes();
  }

  // A withdrawal or objection route must be one this installation carries out: "portal" needs customer pages,
  // which tillit does not serve yet (config::kCustomerPagesAvailable).
  void CheckRoutesWork(const std::vector<std::string>& routes, const toml::table& t, const std::string& key,
                       std::string_view field) {
    if (kCustomerPagesAvailable) return;
    for (const auto& route : routes) {
      if (route != "portal") continue;
      Error(Where(Element(t.get(field), route)), key + "." + std::string(field),
            "route 'portal' needs customer pages, which this installation does not have yet",
            "offer a route that works: \"email\" (a request by mail, carried out through the rights workflow) or "
            "\"link\" (the unsubscribe link in every message)");
    }
  }

  void AddBuiltinPurposes() {
    std::vector<std::string> all;
    for (const auto& c : cfg_->categories) all.push_back(c.id);
    if (cfg_->FindPurpose(kRightsFulfilment) == nullptr) {
      Purpose p;
      p.id = std::string(kRightsFulfilment);
      p.legal_basis = LegalBasis::kLegalObligation;
      p.categories = all;
      p.builtin = true;
      p.name = {{"en", "Answering your requests"},
                {"sv", "Hantering av dina begäranden"},
                {"nb", "Behandling av dine henvendelser"},
                {"fi", "Pyyntöjesi käsittely"}};
      p.description = {
          {"en",
           "We use your data to answer the requests you make under data protection law, such as access, "
           "correction or erasure."},
          {"sv",
           "Vi använder dina uppgifter för att besvara de begäranden du gör enligt dataskyddslagstiftningen, "
           "till exempel om tillgång, rättelse eller radering."},
          {"nb",
           "Vi bruker opplysningene dine for å besvare henvendelser du sender etter personvernregelverket, for "
           "eksempel om innsyn, retting eller sletting."},
          {"fi",
           "Käytämme tietojasi vastataksemme tietosuojalainsäädännön mukaisiin pyyntöihisi, kuten tarkastus-, "
           "oikaisu- tai poistopyyntöihin."}};
      cfg_->purposes.push_back(std::move(p));
    }
    if (cfg_->FindPurpose(kLegalClaims) == nullptr) {
      Purpose p;
      p.id = std::string(kLegalClaims);
      p.legal_basis = LegalBasis::kLegitimateInterest;
      p.categories = all;
      p.builtin = true;
      p.name = {{"en", "Legal claims"}, {"sv", "Rättsliga anspråk"}, {"nb", "Rettskrav"}, {"fi", "Oikeusvaateet"}};
      p.description = {
          {"en", "Where a legal claim is made, we may use the data needed to establish, exercise or defend it."},
          {"sv",
           "Om ett rättsligt anspråk framställs kan vi använda de uppgifter som behövs för att fastställa, "
           "göra gällande eller försvara det."},
          {"nb",
           "Dersom et rettskrav fremmes, kan vi bruke opplysningene som trengs for å fastsette, gjøre "
           "gjeldende eller forsvare det."},
          {"fi",
           "Jos oikeusvaade esitetään, voimme käyttää tietoja, joita tarvitaan sen laatimiseen, esittämiseen "
           "tai puolustamiseen."}};
      cfg_->purposes.push_back(std::move(p));
    }
  }

  void ReadRecordKinds() {
    cfg_->record_kinds = BuiltinRecordKinds();
    for (auto& k : Strings(*root_, "", "record_kinds", false)) {
      if (cfg_->HasRecordKind(k)) {
        Error(root_->get("record_kinds")->source(), "record_kinds", "record kind " + Quote(k) + " already exists",
              "remove it; built-in kinds need no declaration");
        continue;
      }
      cfg_->record_kinds.push_back(std::move(k));
    }
  }

  void ReadRetention() {
    const std::vector<std::string> anchors = {
        "collected", "last_activity", "agreement_end", "fiscal_year_end", "calendar_year_end_after_fy", "erased"};
    EachTable("retention", [&](const toml::table& t, size_t i) {
      const std::string key = "retention[" + std::to_string(i) + "]";
      CheckKeys(t, key, {"category", "record_kind", "duration", "anchor", "accounting", "reason", "law"});
      RetentionRule r;
      r.category = String(t, key, "category", false).value_or("");
      r.record_kind = String(t, key, "record_kind", false).value_or("");
      if (r.category.empty() == r.record_kind.empty()) {
        Error(t.source(), key, "a retention rule needs exactly one of `category` and `record_kind`",
              "name the category (category = \"contact.email\") or the record kind (record_kind = \"order\")");
      } else if (!r.category.empty() && cfg_->FindCategory(r.category) == nullptr) {
        std::vector<std::string> known;
        for (const auto& c : cfg_->categories) known.push_back(c.id);
        const std::string s = ClosestMatch(r.category, known);
        Error(t.get("category")->source(), key + ".category", "unknown category " + Quote(r.category),
              s.empty() ? "use a category listed in `categories`" : "did you mean " + Quote(s) + "?");
      } else if (!r.record_kind.empty() && !cfg_->HasRecordKind(r.record_kind)) {
        const std::string s = ClosestMatch(r.record_kind, cfg_->record_kinds);
        Error(t.get("record_kind")->source(), key + ".record_kind", "unknown record kind " + Quote(r.record_kind),
              s.empty() ? "use one of " + JoinQuoted(cfg_->record_kinds) + " or add it to `record_kinds`"
                        : "did you mean " + Quote(s) + "?");
      }
      auto duration = DurationValue(t, key, "duration", true);
      if (duration) r.duration = *duration;
      if (auto anchor = String(t, key, "anchor", true, "add anchor = \"collected\" (or another anchor event)")) {
        if (auto a = ParseAnchor(*anchor)) {
          r.anchor = *a;
        } else {
          Error(t.get("anchor")->source(), key + ".anchor", "unknown anchor " + Quote(*anchor),
                FixFor(*anchor, anchors));
        }
      }
      r.accounting = Bool(t, key, "accounting").value_or(false);
      r.reason = Texts(t, key, "reason");
      r.law = Texts(t, key, "law");
      if (r.accounting && duration) CheckStatutoryMinimum(r, t, key);
      if (r.accounting && RetentionLaw(*cfg_, r, cfg_->default_language()).empty()) {
        // Erasure receipts and confirmations tell the subject which law keeps their accounting data.
        Warn(t.get("accounting")->source(), key + ".law", "no law is named for this accounting rule",
             "add law.<lang> = \"…\" naming the bookkeeping law that requires the data to be kept; tillit knows "
             "no bookkeeping law for " + Quote(cfg_->controller.country));
      }
      cfg_->retention.push_back(std::move(r));
    });
  }

  // Bookkeeping law sets a floor under accounting retention; shorter is allowed to load but almost surely wrong.
  void CheckStatutoryMinimum(const RetentionRule& r, const toml::table& t, const std::string& key) {
    const CountryInfo* country = FindCountry(cfg_->controller.country);
    if (country == nullptr || country->accounting_books_years == 0) return;
    static const std::vector<std::string> kVoucherKinds = {"order", "payment", "delivery", "discount_use"};
    const bool voucher = std::find(kVoucherKinds.begin(), kVoucherKinds.end(), r.record_kind) != kVoucherKinds.end();
    const int years = voucher ? country->accounting_vouchers_years : country->accounting_books_years;
    if (r.duration.ApproxMonths() >= years * 12) return;
    std::string law = std::string(country->bookkeeping_law) + " (" + std::string(country->code) + ")";
    std::string rule = std::to_string(years) + " years";
    if (country->accounting_books_years != country->accounting_vouchers_years) {
      rule = std::to_string(country->accounting_books_years) + " years for books and " +
             std::to_string(country->accounting_vouchers_years) + " years for vouchers";
    }
    Warn(t.get("duration")->source(), key + ".duration",
         "accounting retention of " + r.duration.ToString() + " is shorter than the statutory minimum of " +
             std::to_string(years) + " years under " + law,
         "keep accounting material at least " + rule);
  }

  void ReadRecipients() {
    std::set<std::string> seen;
    const std::vector<std::string> roles = {"processor", "controller", "third_party"};
    EachTable("recipient", [&](const toml::table& t, size_t i) {
      const std::string key = EntryKey("recipient", t, i);
      CheckKeys(t, key,
                {"id", "name", "role", "country", "safeguard", "categories", "purposes", "description", "service",
                 "webhook"});
      Recipient r;
      r.id = String(t, key, "id", true).value_or("");
      CheckUnique(seen, r.id, t, key);
      r.name = String(t, key, "name", true).value_or("");
      if (auto role = String(t, key, "role", true, "add role = \"processor\" (or controller, third_party)")) {
        auto it = std::find(roles.begin(), roles.end(), *role);
        if (it == roles.end()) {
          Error(t.get("role")->source(), key + ".role", "unknown role " + Quote(*role), FixFor(*role, roles));
        } else {
          r.role = static_cast<RecipientRole>(it - roles.begin());
        }
      }
      r.country = Country(t, key, "country", true);
      r.safeguard = String(t, key, "safeguard", false).value_or("");
      if (!r.safeguard.empty() && std::find(kSafeguards.begin(), kSafeguards.end(), r.safeguard) == kSafeguards.end()) {
        Error(t.get("safeguard")->source(), key + ".safeguard", "unknown safeguard " + Quote(r.safeguard),
              FixFor(r.safeguard, kSafeguards));
      }
      if (!r.country.empty() && !IsEea(r.country) && r.safeguard.empty()) {
        Error(t.get("country")->source(), key + ".safeguard",
              "recipient in " + r.country + ", outside the EEA, has no transfer safeguard",
              "add safeguard = \"scc\" (or adequacy, eu_us_dpf, bcr, derogation) as GDPR chapter V requires");
      }
      r.categories = Strings(t, key, "categories", true);
      CheckCategoriesDeclared(r.categories, t, key);
      r.purposes = Strings(t, key, "purposes", true);
      CheckPurposesKnown(r.purposes, t, key + ".purposes");
      r.description = Texts(t, key, "description");
      r.service = String(t, key, "service", false).value_or("");
      if (!r.service.empty() && std::find(kServices.begin(), kServices.end(), r.service) == kServices.end()) {
        Error(t.get("service")->source(), key + ".service", "unknown service " + Quote(r.service),
              FixFor(r.service, kServices));
      }
      if (const toml::node* w = t.get("webhook")) r.webhook = ReadWebhook(*w, key + ".webhook");
      cfg_->recipients.push_back(std::move(r));
    });
  }

  std::optional<Webhook> ReadWebhook(const toml::node& node, const std::string& key) {
    const toml::table* t = node.as_table();
    if (t == nullptr) {
      Error(node.source(), key, "expected a table",
            "write webhook = { url = \"https://…\", secret = \"…\", events = [\"subject.erased\"] }");
      return std::nullopt;
    }
    CheckKeys(*t, key, {"url", "secret", "events", "scope"});
    Webhook w;
    w.url = String(*t, key, "url", true).value_or("");
    if (!w.url.empty() && w.url.rfind("http://", 0) != 0 && w.url.rfind("https://", 0) != 0) {
      Error(t->get("url")->source(), key + ".url", "not an http:// or https:// URL",
            "write the recipient's endpoint, e.g. \"https://hooks.example.com/tillit\"");
    }
    w.secret = String(*t, key, "secret", true, "add secret = \"…\" (at least 16 characters, shared with the recipient)")
                   .value_or("");
    if (t->get("secret") != nullptr && w.secret.size() < 16) {
      Error(t->get("secret")->source(), key + ".secret", "the secret is shorter than 16 characters",
            "use a long random secret, e.g. the output of `openssl rand -hex 32`");
    }
    const std::vector<std::string> known(std::begin(kWebhookEvents), std::end(kWebhookEvents));
    w.events = Strings(*t, key, "events", true, &known);
    w.scope = String(*t, key, "scope", false).value_or("disclosed");
    if (w.scope != "disclosed" && w.scope != "all") {
      Error(t->get("scope")->source(), key + ".scope", "unknown scope '" + w.scope + "'",
            "write scope = \"disclosed\" (subjects the disclosure log names, the default) or scope = \"all\"");
    }
    return w;
  }

  void ReadCookies() {
    std::set<std::string> seen;
    const std::vector<std::string> categories = {"necessary", "preferences", "statistics", "marketing"};
    EachTable("cookie", [&](const toml::table& t, size_t i) {
      const std::string key = EntryKey("cookie", t, i);
      CheckKeys(t, key,
                {"id", "name", "provider", "recipient", "category", "purpose", "duration", "country", "without_consent",
                 "description"});
      Cookie c;
      c.id = String(t, key, "id", true).value_or("");
      CheckUnique(seen, c.id, t, key);
      c.name = String(t, key, "name", true).value_or("");
      c.provider = String(t, key, "provider", true).value_or("");
      c.recipient = String(t, key, "recipient", false).value_or("");
      if (!c.recipient.empty() && cfg_->FindRecipient(c.recipient) == nullptr) {
        Error(t.get("recipient")->source(), key + ".recipient", "unknown recipient " + Quote(c.recipient),
              "declare it as a [[recipient]] or remove the key");
      }
      if (auto cat = String(t, key, "category", true,
                            "add category = \"necessary\" (or preferences, statistics, "
                            "marketing)")) {
        auto it = std::find(categories.begin(), categories.end(), *cat);
        if (it == categories.end()) {
          Error(t.get("category")->source(), key + ".category", "unknown cookie category " + Quote(*cat),
                FixFor(*cat, categories));
        } else {
          c.category = static_cast<CookieCategory>(it - categories.begin());
        }
      }
      c.purpose = String(t, key, "purpose", false).value_or("");
      if (c.category != CookieCategory::kNecessary) {
        const Purpose* p = cfg_->FindPurpose(c.purpose);
        if (c.purpose.empty()) {
          Error(t.get("category") ? t.get("category")->source() : t.source(), key + ".purpose",
                "a " + std::string(CookieCategoryId(c.category)) + " cookie has no consent purpose",
                "add purpose = \"<a consent-based purpose>\"; only necessary cookies may be set without consent");
        } else if (p == nullptr) {
          CheckPurposesKnown({c.purpose}, t, key + ".purpose");
        } else if (p->legal_basis != LegalBasis::kConsent) {
          Error(t.get("purpose")->source(), key + ".purpose",
                "purpose " + Quote(c.purpose) + " is not consent-based, but " +
                    std::string(CookieCategoryId(c.category)) + " cookies need consent",
                "point it at a purpose with legal_basis = \"consent\" (ePrivacy Art. 5(3))");
        }
      } else if (!c.purpose.empty()) {
        CheckPurposesKnown({c.purpose}, t, key + ".purpose");
      }
      c.duration = DurationValue(t, key, "duration", false);
      c.country = Country(t, key, "country", false);
      if (auto wc = String(t, key, "without_consent", false)) {
        if (std::find(kWithoutConsent.begin(), kWithoutConsent.end(), *wc) == kWithoutConsent.end()) {
          Error(t.get("without_consent")->source(), key + ".without_consent", "unknown value " + Quote(*wc),
                "use one of " + JoinQuoted(kWithoutConsent));
        } else {
          c.without_consent = *wc;
        }
      }
      c.description = Texts(t, key, "description");
      cfg_->cookies.push_back(std::move(c));
    });
  }

  void ReadMarketing() {
    const toml::node* n = root_->get("marketing");
    if (n == nullptr) return;
    const toml::table* t = n->as_table();
    if (t == nullptr) {
      Error(n->source(), "marketing", "expected a table", "write a [marketing] section");
      return;
    }
    const std::string p = "marketing";
    CheckKeys(
        *t, p,
        {"existing_customer_exception", "opt_out_subject", "opt_out_email", "prohibition_codes", "opt_out_register"});
    Marketing& m = cfg_->marketing;
    m.existing_customer_exception = Bool(*t, p, "existing_customer_exception").value_or(true);
    m.opt_out_subject = String(*t, p, "opt_out_subject", false).value_or("");
    m.opt_out_email = String(*t, p, "opt_out_email", false).value_or("");
    m.prohibition_codes = Bool(*t, p, "prohibition_codes").value_or(false);
    const toml::node* regs = t->get("opt_out_register");
    if (regs == nullptr) return;
    const toml::array* arr = regs->as_array();
    if (arr == nullptr) {
      Error(regs->source(), p + ".opt_out_register", "expected an array of tables",
            "write each register as a [[marketing.opt_out_register]] section");
      return;
    }
    const std::vector<std::string> channels = {"phone", "post"};
    size_t i = 0;
    for (const auto& item : *arr) {
      const toml::table* rt = item.as_table();
      const std::string key = p + ".opt_out_register[" + std::to_string(i++) + "]";
      if (rt == nullptr) {
        Error(item.source(), key, "expected a table", "write a [[marketing.opt_out_register]] section");
        continue;
      }
      CheckKeys(*rt, key, {"id", "country", "channels", "max_age", "existing_customers_exempt"});
      OptOutRegister r;
      r.id = String(*rt, key, "id", true).value_or("");
      const RegisterDefaults* defaults = FindRegister(r.id);
      r.country = Country(*rt, key, "country", defaults == nullptr);
      if (r.country.empty() && defaults != nullptr) {
        for (const char* code : {"NO", "SE", "FI", "DK"}) {
          const CountryInfo* ci = FindCountry(code);
          for (const auto& reg : ci->registers) {
            if (&reg == defaults) r.country = code;
          }
        }
      }
      auto chans = Strings(*rt, key, "channels", defaults == nullptr, &channels);
      if (chans.empty() && defaults != nullptr) chans = SplitList(defaults->channels);
      for (const auto& c : chans) r.channels.push_back(*ParseChannel(c));
      auto max_age = DurationValue(*rt, key, "max_age", defaults == nullptr);
      r.max_age = max_age ? *max_age : Duration{defaults ? defaults->max_age_months : 1, 0};
      r.existing_customers_exempt =
          Bool(*rt, key, "existing_customers_exempt").value_or(defaults ? defaults->existing_customers_exempt : false);
      m.opt_out_registers.push_back(std::move(r));
    }
  }

  void ReadRights() {
    const toml::node* n = root_->get("rights");
    cfg_->rights.email = cfg_->controller.email;
    if (n == nullptr) return;
    const toml::table* t = n->as_table();
    if (t == nullptr) {
      Error(n->source(), "rights", "expected a table", "write a [rights] section");
      return;
    }
    const std::string p = "rights";
    CheckKeys(*t, p,
              {"approval_required", "email", "portal_url", "identity_check", "processor_overview_on_request",
               "report_validity"});
    Rights& r = cfg_->rights;
    r.approval_required = Strings(*t, p, "approval_required", false, &kRequestTypes);
    r.email = String(*t, p, "email", false).value_or(cfg_->controller.email);
    r.portal_url = String(*t, p, "portal_url", false).value_or("");
    r.identity_check = Bool(*t, p, "identity_check").value_or(true);
    r.processor_overview_on_request = Bool(*t, p, "processor_overview_on_request").value_or(false);
    if (auto validity = DurationValue(*t, p, "report_validity", false)) {
      if (validity->months == 0 && validity->days == 0) {
        Error(t->get("report_validity")->source(), "rights.report_validity",
              "a report must be downloadable for a while", "write a period such as \"30 days\" or leave the key out");
      } else {
        r.report_validity = *validity;
      }
    }
  }

  void ReadPolicy() {
    const toml::node* n = root_->get("policy");
    const toml::table* t = n != nullptr ? n->as_table() : nullptr;
    if (n != nullptr && t == nullptr) {
      Error(n->source(), "policy", "expected a table", "write one [policy.<lang>] section per language");
      return;
    }
    if (t != nullptr) {
      CheckKeys(*t, "policy", kLanguages);
      for (auto&& [lang, v] : *t) {
        const std::string key = "policy." + std::string(lang.str());
        const toml::table* lt = v.as_table();
        if (lt == nullptr) {
          Error(v.source(), key, "expected a table", "write a [" + key + "] section");
          continue;
        }
        CheckKeys(*lt, key, kPolicyTextKeys);
        PolicyTexts texts;
        for (const auto& k : kPolicyTextKeys) {
          if (auto s = String(*lt, key, k, false)) texts.texts.emplace(k, *s);
        }
        cfg_->policy.emplace(std::string(lang.str()), std::move(texts));
      }
    }
    if (languages_missing_) return;
    for (const auto& lang : cfg_->languages) {
      if (cfg_->policy.count(lang) == 0) {
        Error(Where(root_->get("languages")), "policy." + lang, "language " + Quote(lang) + " has no texts",
              "add a [policy." + lang + "] section with its texts, or remove " + Quote(lang) + " from `languages`");
      }
    }
  }

  void ReadMail() {
    cfg_->mail.from = cfg_->controller.email;
    const toml::node* n = root_->get("mail");
    if (n == nullptr) return;
    const toml::table* t = n->as_table();
    if (t == nullptr) {
      Error(n->source(), "mail", "expected a table", "write a [mail] section");
      return;
    }
    CheckKeys(*t, "mail", {"smtp_url", "from", "max_attempts", "keep_days", "tls"});
    Mail& m = cfg_->mail;
    m.tls = String(*t, "mail", "tls", false).value_or("starttls");
    if (m.tls != "starttls" && m.tls != "none") {
      Error(t->get("tls")->source(), "mail.tls", "unknown value '" + m.tls + "'",
            "write \"starttls\" (the default: STARTTLS required, certificate checked) or \"none\"");
    } else if (m.tls == "none") {
      Warn(t->get("tls")->source(), "mail.tls", "mail goes to the relay in plain text, personal data included",
           "use a relay that offers STARTTLS, or smtps://, and remove tls = \"none\"");
    }
    m.smtp_url = String(*t, "mail", "smtp_url", false).value_or("");
    m.from = String(*t, "mail", "from", false).value_or(cfg_->controller.email);
    if (!m.smtp_url.empty() && m.smtp_url.rfind("smtp://", 0) != 0 && m.smtp_url.rfind("smtps://", 0) != 0) {
      Error(t->get("smtp_url")->source(), "mail.smtp_url", "not an SMTP URL",
            "write smtp://host:port or smtps://host:port");
    }
    if (auto v = Integer(*t, "mail", "max_attempts")) {
      if (*v < 1 || *v > 100) {
        Error(t->get("max_attempts")->source(), "mail.max_attempts", "out of range", "use 1 to 100");
      } else {
        m.max_attempts = static_cast<int>(*v);
      }
    }
    if (auto v = Integer(*t, "mail", "keep_days")) {
      if (*v < 1 || *v > 3650) {
        Error(t->get("keep_days")->source(), "mail.keep_days", "out of range", "use 1 to 3650 days");
      } else {
        m.keep_days = static_cast<int>(*v);
      }
    }
  }

  void ReadRequests() {
    const toml::node* n = root_->get("requests");
    if (n == nullptr) return;
    const toml::table* t = n->as_table();
    if (t == nullptr) {
      Error(n->source(), "requests", "expected a table", "write a [requests] section");
      return;
    }
    CheckKeys(*t, "requests", {"code_minutes", "code_attempts", "codes_per_subject_hour", "codes_per_ip_hour"});
    Requests& r = cfg_->requests;
    for (auto [key, out, max] :
         {std::tuple{"code_minutes", &r.code_minutes, 60}, std::tuple{"code_attempts", &r.code_attempts, 10},
          std::tuple{"codes_per_subject_hour", &r.codes_per_subject_hour, 100},
          std::tuple{"codes_per_ip_hour", &r.codes_per_ip_hour, 10000}}) {
      auto v = Integer(*t, "requests", key);
      if (!v) continue;
      if (*v < 1 || *v > max) {
        Error(t->get(key)->source(), std::string("requests.") + key, "out of range", "use 1 to " + std::to_string(max));
      } else {
        *out = static_cast<int>(*v);
      }
    }
  }

  void ReadAudit() {
    const toml::node* n = root_->get("audit");
    if (n == nullptr) return;
    const toml::table* t = n->as_table();
    if (t == nullptr) {
      Error(n->source(), "audit", "expected a table", "write an [audit] section");
      return;
    }
    CheckKeys(*t, "audit", {"witness_file", "witness_interval"});
    Audit& a = cfg_->audit;
    a.witness_file = String(*t, "audit", "witness_file", false).value_or("");
    if (t->get("witness_file") != nullptr && (a.witness_file.empty() || a.witness_file.front() != '/')) {
      Error(t->get("witness_file")->source(), "audit.witness_file", "not an absolute path",
            "write the full path of the file, e.g. \"/var/lib/tillit-witness/audit-heads.txt\"");
      a.witness_file.clear();
    }
    const toml::node* interval = t->get("witness_interval");
    if (interval == nullptr) return;
    std::optional<int64_t> seconds;
    if (interval->is_integer()) {
      seconds = interval->as_integer()->get();
    } else if (interval->is_string()) {
      seconds = ParseSeconds(interval->as_string()->get());
      if (!seconds) {
        Error(interval->source(), "audit.witness_interval",
              "cannot read interval " + Quote(interval->as_string()->get()),
              "write a number of seconds (60) or a number and a unit: \"90 seconds\", \"5 minutes\", \"1 hour\"");
        return;
      }
    } else {
      Error(interval->source(), "audit.witness_interval", "expected a number of seconds, found " + TypeName(*interval),
            "write a number of seconds (60) or a text such as \"5 minutes\"");
      return;
    }
    if (*seconds < 1 || *seconds > 86400) {
      Error(interval->source(), "audit.witness_interval", "out of range",
            "use 1 second to 1 day (86400 seconds); the default is 60 seconds");
      return;
    }
    a.witness_interval_seconds = *seconds;
  }

  void ReadServer() {
    const toml::node* n = root_->get("server");
    if (n == nullptr) return;
    const toml::table* t = n->as_table();
    if (t == nullptr) {
      Error(n->source(), "server", "expected a table", "write a [server] section");
      return;
    }
    CheckKeys(*t, "server",
              {"listen", "max_body_bytes", "public_url", "store", "webhook_retry_ms", "webhook_max_attempts",
               "retention_sweep_minutes", "tls_certificate", "tls_key", "behind_tls_proxy", "trusted_proxy_header"});
    cfg_->server.tls_certificate = String(*t, "server", "tls_certificate", false).value_or("");
    cfg_->server.tls_key = String(*t, "server", "tls_key", false).value_or("");
    if (cfg_->server.tls_certificate.empty() != cfg_->server.tls_key.empty()) {
      Error(Where(t->get(cfg_->server.tls_key.empty() ? "tls_certificate" : "tls_key")),
            cfg_->server.tls_key.empty() ? "server.tls_key" : "server.tls_certificate", "TLS needs both files",
            "name the certificate (PEM, with its chain) in tls_certificate and its private key in tls_key");
    }
    cfg_->server.behind_tls_proxy = Bool(*t, "server", "behind_tls_proxy").value_or(false);
    cfg_->server.trusted_proxy_header = String(*t, "server", "trusted_proxy_header", false).value_or("");
    for (char& c : cfg_->server.trusted_proxy_header) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (auto retry = Integer(*t, "server", "webhook_retry_ms")) {
      if (*retry < 10 || *retry > 86400000) {
        Error(t->get("webhook_retry_ms")->source(), "server.webhook_retry_ms", "out of range",
              "use a value from 10 to 86400000 milliseconds (default 30000)");
      } else {
        cfg_->server.webhook_retry_ms = *retry;
      }
    }
    if (auto attempts = Integer(*t, "server", "webhook_max_attempts")) {
      if (*attempts < 1 || *attempts > 30) {
        Error(t->get("webhook_max_attempts")->source(), "server.webhook_max_attempts", "out of range",
              "use a value from 1 to 30 (default 8)");
      } else {
        cfg_->server.webhook_max_attempts = static_cast<int>(*attempts);
      }
    }
    if (auto minutes = Integer(*t, "server", "retention_sweep_minutes")) {
      if (*minutes < 0 || *minutes > 7 * 24 * 60) {
        Error(t->get("retention_sweep_minutes")->source(), "server.retention_sweep_minutes", "out of range",
              "use a number of minutes from 1 to 10080 (one week), or 0 to sweep only with `tillit retention run`");
      } else {
        cfg_->server.retention_sweep_minutes = static_cast<int>(*minutes);
      }
    }
    cfg_->server.listen = String(*t, "server", "listen", false).value_or(cfg_->server.listen);
    if (auto max = Integer(*t, "server", "max_body_bytes")) {
      if (*max < 1024 || *max > (64 << 20)) {
        Error(t->get("max_body_bytes")->source(), "server.max_body_bytes", "out of range",
              "use a value from 1024 to 67108864 bytes");
      } else {
        cfg_->server.max_body_bytes = static_cast<uint64_t>(*max);
      }
    }
    cfg_->server.public_url = String(*t, "server", "public_url", false).value_or("");
    cfg_->server.store = String(*t, "server", "store", false).value_or("");
    const std::string& store = cfg_->server.store;
    if (!store.empty() && store != "sqlite" && store.rfind("postgres://", 0) != 0 &&
        store.rfind("postgresql://", 0) != 0) {
      Error(t->get("store")->source(), "server.store", "not a store tillit knows",
            "write \"sqlite\" (the default) or a PostgreSQL URL such as \"postgresql://tillit@db/tillit\"");
    }
  }

  std::string path_;
  Config* cfg_ = nullptr;
  const toml::table* root_ = nullptr;
  std::vector<Category> custom_;
  std::vector<Diagnostic> diagnostics_;
  bool languages_missing_ = false;
};

}  // namespace

LoadResult LoadConfigString(std::string_view toml_text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(toml_text, path);
  } catch (const toml::parse_error& e) {
    Diagnostic d;
    d.file = path;
    d.line = static_cast<int>(e.source().begin.line);
    d.column = static_cast<int>(e.source().begin.column);
    d.what = "TOML syntax error: " + std::string(e.description());
    d.fix = "correct the syntax at this position";
    LoadResult result;
    result.diagnostics.push_back(std::move(d));
    return result;
  }
  return Loader(path).Load(root);
}

LoadResult LoadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult result;
    Diagnostic d;
    d.file = path;
    d.line = 0;
    d.column = 0;
    d.what = "cannot open the file";
    d.fix = "check the path and that tillit may read it";
    result.diagnostics.push_back(std::move(d));
    return result;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return LoadConfigString(buffer.str(), path);
}

}  // namespace tillit::config
