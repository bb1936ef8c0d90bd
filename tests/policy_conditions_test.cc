// The policy's sentences that depend on the configuration are said iff their condition holds: each is checked with
// the condition on and off, so a policy can neither promise what the configuration does not do (identity checks,
// prohibition codes, a processor overview, an exemption from opt-out registers) nor keep quiet about what it does
// (consent validity, e-mail marketing to existing customers, transfers outside the EU/EEA, accounting records kept
// after erasure). The sentences are taken from the English catalog, so rewording one does not break its test.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <regex>
#include <string>

#include "config/loader.h"
#include "core/consent/snapshots.h"
#include "policy/catalog.h"
#include "policy/policy.h"
#include "util/clock.h"

namespace tillit::policy {
namespace {

namespace fs = std::filesystem;

fs::path SourceDir() { return fs::path(__FILE__).parent_path().parent_path(); }

config::Config Example(const std::string& shop) {
  config::LoadResult loaded = config::LoadConfigFile((SourceDir() / "examples" / (shop + ".toml")).string());
  EXPECT_TRUE(loaded.ok()) << shop;
  return loaded.ok() ? *loaded.config : config::Config{};
}

// Text without Markdown links, backslash escapes and line breaks, with runs of white space as one space.
std::string Plain(std::string text) {
  text = std::regex_replace(text, std::regex(R"(\[((?:[^\]\\]|\\.)*)\]\([^)]*\))"), "$1");
  std::string out;
  bool space = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size() && std::ispunct(static_cast<unsigned char>(text[i + 1]))) c = text[++i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string English(const config::Config& config) {
  RenderOptions options;
  options.date = *ParseRfc3339("2026-03-01T00:00:00Z");
  auto page = RenderPolicy(config, core::PolicyVersionOf(config), "en", Format::kMarkdown, options);
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  return page.ok() ? Plain(*page) : "";
}

// The longest run of literal text in the English template of `id` (between its mustache tags), or the text of the
// conditional part `{{#flag}}…{{/flag}}` when `flag` is given.
std::string Sentence(Msg id, const std::string& flag = "") {
  std::string text(FindCatalog("en")->Get(id));
  if (!flag.empty()) {
    const std::string open = "{{#" + flag + "}}";
    const size_t begin = text.find(open);
    const size_t end = text.find("{{/" + flag + "}}");
    EXPECT_NE(begin, std::string::npos) << MessageName(id) << " has no part " << open;
    if (begin == std::string::npos || end == std::string::npos) return "";
    text = text.substr(begin + open.size(), end - begin - open.size());
  }
  std::string longest;
  for (const std::string& piece : [&] {
         std::vector<std::string> pieces;
         std::string rest = std::regex_replace(text, std::regex(R"(\{\{[^}]*\}\})"), "\x1f");
         size_t at = 0;
         while (at <= rest.size()) {
           const size_t next = rest.find('\x1f', at);
           pieces.push_back(rest.substr(at, next == std::string::npos ? std::string::npos : next - at));
           if (next == std::string::npos) break;
           at = next + 1;
         }
         return pieces;
       }()) {
    const std::string trimmed = Plain(piece);
    if (trimmed.size() > longest.size()) longest = trimmed;
  }
  EXPECT_GE(longest.size(), 20u) << MessageName(id) << ": too little literal text to look for";
  return longest;
}

struct Condition {
  std::string name;
  std::string shop;
  std::function<void(config::Config&)> on;
  std::function<void(config::Config&)> off;
  Msg message;
  std::string flag;  // the conditional part of the message, or "" for the whole sentence
};

TEST(PolicyConditions, EachConditionalSentenceIsSaidIffItsConditionHolds) {
  config::Duration two_years;
  two_years.months = 24;
  const std::vector<Condition> conditions = {
      {"identity check", "minimagi", [](config::Config& c) { c.rights.identity_check = true; },
       [](config::Config& c) { c.rights.identity_check = false; }, Msg::kRightsIdentity, ""},
      {"prohibition codes", "minimagi", [](config::Config& c) { c.marketing.prohibition_codes = true; },
       [](config::Config& c) { c.marketing.prohibition_codes = false; }, Msg::kMarketingProhibition, ""},
      {"processor overview", "lillemini", [](config::Config& c) { c.rights.processor_overview_on_request = true; },
       [](config::Config& c) { c.rights.processor_overview_on_request = false; }, Msg::kRecipientsOverview, ""},
      {"existing-customer exception", "minimagi",
       [](config::Config& c) { c.marketing.existing_customer_exception = true; },
       [](config::Config& c) { c.marketing.existing_customer_exception = false; }, Msg::kMarketingExistingCustomers,
       ""},
      {"consent validity", "minimagi",
       [&two_years](config::Config& c) {
         for (auto& p : c.purposes) {
           if (p.legal_basis == config::LegalBasis::kConsent) p.consent_validity = two_years;
         }
       },
       [](config::Config& c) {
         for (auto& p : c.purposes) p.consent_validity.reset();
       },
       Msg::kPurposeConsentValidity, ""},
      {"a recipient outside the EU/EEA", "lillemini",
       [](config::Config& c) {
         ASSERT_FALSE(c.recipients.empty());
         c.recipients[0].country = "US";
         c.recipients[0].safeguard = "scc";
       },
       [](config::Config& c) {
         for (auto& r : c.recipients) {
           r.country = "NO";
           r.safeguard.clear();
         }
       },
       Msg::kRecipientsTransfers, ""},
      {"accounting records kept after erasure", "minimagi",
       [](config::Config& c) { ASSERT_TRUE(c.retention.at(0).accounting); },
       [](config::Config& c) {
         for (auto& r : c.retention) r.accounting = false;
       },
       Msg::kRightErasureAccounting, ""},
      {"existing customers exempt from every opt-out register", "smarti",
       [](config::Config& c) {
         ASSERT_FALSE(c.marketing.opt_out_registers.empty());
         for (auto& r : c.marketing.opt_out_registers) r.existing_customers_exempt = true;
       },
       [](config::Config& c) {
         for (auto& r : c.marketing.opt_out_registers) r.existing_customers_exempt = false;
       },
       Msg::kMarketingRegisters, "exempt"},
  };
  for (const Condition& condition : conditions) {
    SCOPED_TRACE(condition.name);
    const std::string sentence = Sentence(condition.message, condition.flag);
    config::Config on = Example(condition.shop);
    condition.on(on);
    EXPECT_NE(English(on).find(sentence), std::string::npos) << "not said when the condition holds: " << sentence;
    config::Config off = Example(condition.shop);
    condition.off(off);
    EXPECT_EQ(English(off).find(sentence), std::string::npos) << "said when the condition does not hold: " << sentence;
  }
}

}  // namespace
}  // namespace tillit::policy
