// Tests of loading and validating tillit.toml (src/config/loader.h): every rejection the configuration reference
// (docs/CONFIGURATION.md, "What validation rejects") lists names the right key, points at the offending line and
// says what is wrong and how to fix it; the shipped examples load; the policy version ignores formatting.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/loader.h"
#include "config/public_view.h"

namespace tillit::config {
namespace {

using ::testing::HasSubstr;

// A small valid configuration. Top-level keys come before the first [table] header, as TOML requires.
// Line numbers (1-based) are noted because the tests compute expected lines from the text.
constexpr std::string_view kBase =
    "# tillit test configuration\n"                                                                     // 1
    "languages = [\"en\"]\n"                                                                            // 2
    "categories = [\"identity.name\", \"contact.email\", \"customer.order\", \"marketing.consent\"]\n"  // 3
    "\n"                                                                                                // 4
    "[controller]\n"                                                                                    // 5
    "name = \"Butikken AS\"\n"                                                                          // 6
    "address = \"Storgata 1, 0155 Oslo\"\n"                                                             // 7
    "country = \"NO\"\n"                                                                                // 8
    "email = \"personvern@butikken.no\"\n"                                                              // 9
    "\n"                                                                                                // 10
    "[[purpose]]\n"                                                                                     // 11
    "id = \"contract\"\n"                                                                               // 12
    "legal_basis = \"contract\"\n"                                                                      // 13
    "categories = [\"identity.name\", \"contact.email\", \"customer.order\"]\n"                         // 14
    "name.en = \"Orders\"\n"                                                                            // 15
    "description.en = \"We use your data to deliver what you order.\"\n"                                // 16
    "\n"                                                                                                // 17
    "[policy.en]\n"                                                                                     // 18
    "intro = \"This is how we handle your data.\"\n";                                                   // 19

constexpr int kBaseLines = 19;

// A consent-based purpose that cookies may point at.
constexpr std::string_view kNewsletter = R"(
[[purpose]]
id = "newsletter"
legal_basis = "consent"
withdraw = ["email", "link"]
categories = ["contact.email", "marketing.consent"]
name.en = "Newsletter"
description.en = "We send you news when you have asked for it."
)";

// `base` with the one occurrence of `from` replaced by `to`.
std::string Replace(std::string_view base, std::string_view from, std::string_view to) {
  std::string out(base);
  const size_t at = out.find(from);
  EXPECT_NE(at, std::string::npos) << "not in the text: " << from;
  if (at == std::string::npos) return out;
  EXPECT_EQ(out.find(from, at + 1), std::string::npos) << "more than once in the text: " << from;
  out.replace(at, from.size(), to);
  return out;
}

// 1-based line of the `occurrence`-th appearance of `needle` in `text`; 0 if absent.
int LineOf(std::string_view text, std::string_view needle, int occurrence = 1) {
  size_t at = std::string_view::npos;
  size_t from = 0;
  for (int i = 0; i < occurrence; ++i) {
    at = text.find(needle, from);
    if (at == std::string_view::npos) {
      ADD_FAILURE() << "not in the text: " << needle;
      return 0;
    }
    from = at + 1;
  }
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

// 1-based column of `needle` within its line.
int ColumnOf(std::string_view text, std::string_view needle) {
  const size_t at = text.find(needle);
  if (at == std::string_view::npos) {
    ADD_FAILURE() << "not in the text: " << needle;
    return 0;
  }
  const size_t line_start = text.rfind('\n', at);
  return static_cast<int>(line_start == std::string_view::npos ? at + 1 : at - line_start);
}

std::string WithExtra(std::string_view extra, std::string_view base = kBase) {
  return std::string(base) + std::string(extra);
}

LoadResult Load(std::string_view text) { return LoadConfigString(text, "t.toml"); }

std::string Dump(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += "  " + d.ToString() + "\n";
  return out;
}

// The only diagnostic of the result, which must have exactly one.
const Diagnostic& Only(const LoadResult& r) {
  static const Diagnostic kNone;
  EXPECT_EQ(r.diagnostics.size(), 1u) << Dump(r);
  return r.diagnostics.empty() ? kNone : r.diagnostics.front();
}

// The first diagnostic with `key`; a dummy (failing the test) when there is none.
const Diagnostic& WithKey(const LoadResult& r, std::string_view key) {
  static const Diagnostic kNone;
  for (const auto& d : r.diagnostics) {
    if (d.key == key) return d;
  }
  ADD_FAILURE() << "no diagnostic for key " << key << "; got:\n" << Dump(r);
  return kNone;
}

void ExpectError(const Diagnostic& d) {
  EXPECT_EQ(d.severity, Diagnostic::Severity::kError);
  EXPECT_EQ(d.file, "t.toml");
}

// ---- positive ----

TEST(ConfigLoader, BaseConfigLoads) {
  const LoadResult r = Load(kBase);
  ASSERT_TRUE(r.ok()) << Dump(r);
  EXPECT_TRUE(r.diagnostics.empty()) << Dump(r);
  EXPECT_EQ(LineOf(kBase, "intro ="), kBaseLines);
  const Config& c = *r.config;
  EXPECT_EQ(c.source_path, "t.toml");
  EXPECT_EQ(c.controller.name, "Butikken AS");
  EXPECT_EQ(c.controller.country, "NO");
  EXPECT_EQ(c.controller.email, "personvern@butikken.no");
  EXPECT_EQ(c.languages, std::vector<std::string>{"en"});
  EXPECT_EQ(c.default_language(), "en");
  ASSERT_EQ(c.categories.size(), 4u);
  EXPECT_EQ(c.categories[1].id, "contact.email");
  EXPECT_EQ(c.categories[1].dpv, "pd:EmailAddress");
  ASSERT_NE(c.FindPurpose("contract"), nullptr);
  EXPECT_EQ(c.FindPurpose("contract")->legal_basis, LegalBasis::kContract);
  EXPECT_EQ(Pick(c.FindPurpose("contract")->description, "en"), "We use your data to deliver what you order.");
  EXPECT_EQ(c.policy.at("en").texts.at("intro"), "This is how we handle your data.");
  EXPECT_EQ(c.rights.email, "personvern@butikken.no");  // defaults to the controller's address
}

TEST(ConfigLoader, BuiltinPurposesAlwaysExist) {
  const LoadResult r = Load(kBase);
  ASSERT_TRUE(r.ok()) << Dump(r);
  const Config& c = *r.config;
  ASSERT_EQ(c.purposes.size(), 3u);
  EXPECT_EQ(c.purposes[0].id, "contract");  // declared ones first
  const Purpose* rights = c.FindPurpose(kRightsFulfilment);
  ASSERT_NE(rights, nullptr);
  EXPECT_TRUE(rights->builtin);
  EXPECT_EQ(rights->legal_basis, LegalBasis::kLegalObligation);
  EXPECT_EQ(rights->categories.size(), 4u);  // every category in use
  EXPECT_FALSE(Pick(rights->name, "en").empty());
  const Purpose* claims = c.FindPurpose(kLegalClaims);
  ASSERT_NE(claims, nullptr);
  EXPECT_TRUE(claims->builtin);
  EXPECT_EQ(claims->legal_basis, LegalBasis::kLegitimateInterest);
  EXPECT_EQ(claims->categories, rights->categories);

  // Declaring a built-in purpose overrides its texts; it is not added a second time.
  const LoadResult over = Load(WithExtra(R"(
[[purpose]]
id = "legal_claims"
legal_basis = "legitimate_interest"
categories = ["identity.name"]
name.en = "Disputes"
description.en = "We keep what we need to settle disputes."
)"));
  ASSERT_TRUE(over.ok()) << Dump(over);
  EXPECT_EQ(over.config->purposes.size(), 3u);
  ASSERT_NE(over.config->FindPurpose(kLegalClaims), nullptr);
  EXPECT_FALSE(over.config->FindPurpose(kLegalClaims)->builtin);
  EXPECT_EQ(Pick(over.config->FindPurpose(kLegalClaims)->name, "en"), "Disputes");
}

TEST(ConfigLoader, SupervisoryAuthorityDefaultsFromCountry) {
  const LoadResult r = Load(kBase);
  ASSERT_TRUE(r.ok()) << Dump(r);
  const Controller& c = r.config->controller;
  EXPECT_EQ(c.authority.name, "Datatilsynet");
  EXPECT_EQ(c.authority.website, "https://www.datatilsynet.no");
  EXPECT_EQ(c.time_zone, "Europe/Oslo");

  const LoadResult se = Load(Replace(kBase, "country = \"NO\"", "country = \"SE\""));
  ASSERT_TRUE(se.ok()) << Dump(se);
  EXPECT_EQ(se.config->controller.authority.name, "Integritetsskyddsmyndigheten (IMY)");
  EXPECT_EQ(se.config->controller.time_zone, "Europe/Stockholm");
}

TEST(ConfigLoader, PolicyVersionIsStableUnderReformatting) {
  // Same content as kBase: other key order, inline tables instead of dotted keys, comments and whitespace.
  constexpr std::string_view kReformatted = R"(# the same policy, written differently
categories = [
  "identity.name",      # who you are
  "contact.email",
  "customer.order",
  "marketing.consent",
]
languages   =   [ "en" ]

[policy.en]
intro = "This is how we handle your data."

[[purpose]]
description = { en = "We use your data to deliver what you order." }
name = { en = "Orders" }
categories = [ "identity.name", "contact.email", "customer.order" ]
legal_basis = "contract"   # art. 6(1)(b)
id = "contract"

[controller]
email = "personvern@butikken.no"
country = "NO"
address = "Storgata 1, 0155 Oslo"
name = "Butikken AS"
)";
  const LoadResult a = LoadConfigString(kBase, "a.toml");
  const LoadResult b = LoadConfigString(kReformatted, "b.toml");
  ASSERT_TRUE(a.ok()) << Dump(a);
  ASSERT_TRUE(b.ok()) << Dump(b);
  const std::string json_a = CanonicalConfigJson(*a.config);
  EXPECT_EQ(json_a, CanonicalConfigJson(*b.config));
  EXPECT_THAT(json_a, HasSubstr("We use your data to deliver what you order."));
  EXPECT_EQ(json_a.find('\n'), std::string::npos);

  const LoadResult changed = Load(Replace(kBase, "deliver what you order.", "deliver and to advertise."));
  ASSERT_TRUE(changed.ok()) << Dump(changed);
  EXPECT_NE(json_a, CanonicalConfigJson(*changed.config));
}

TEST(ConfigLoader, DiagnosticToStringFormat) {
  const std::string text = WithExtra(R"(
[[purpose]]
id = "news"
legal_basis = "concent"
withdraw = ["email"]
categories = ["contact.email"]
name.en = "News"
description.en = "News from us."
)");
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  EXPECT_EQ(d.ToString(), "t.toml:" + std::to_string(LineOf(text, "\"concent\"")) + ":" +
                              std::to_string(ColumnOf(text, "\"concent\"")) +
                              ": purpose.news.legal_basis: unknown legal basis 'concent' — did you mean 'consent'?");
}

// ---- rejections, one per case ----

// 1
TEST(ConfigLoader, TomlSyntaxErrorHasItsLine) {
  const std::string text = WithExtra(R"(
[[purpose]]
id = "news"
legal_basis = consent
)");
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.line, LineOf(text, "legal_basis = consent"));
  EXPECT_EQ(d.line, kBaseLines + 4);
  EXPECT_EQ(d.column, ColumnOf(text, "consent\n"));
  EXPECT_EQ(d.key, "");
  EXPECT_THAT(d.what, HasSubstr("TOML syntax error"));
  EXPECT_THAT(d.fix, HasSubstr("syntax"));
}

// 2
TEST(ConfigLoader, UnknownKeySuggestsTheClosest) {
  const std::string text = WithExtra(R"(
[[purpose]]
id = "profiling"
legal_bases = "legitimate_interest"
categories = ["customer.order"]
name.en = "Profiling"
description.en = "We study what you buy."
)");
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = WithKey(r, "purpose.profiling.legal_bases");
  ExpectError(d);
  EXPECT_EQ(d.line, LineOf(text, "legal_bases ="));
  EXPECT_EQ(d.column, 1);
  EXPECT_EQ(d.what, "unknown key");
  EXPECT_THAT(d.fix, HasSubstr("did you mean 'legal_basis'"));
  // The misspelt key also leaves the purpose without its legal basis; nothing else is reported.
  EXPECT_EQ(r.error_count(), 2u) << Dump(r);
  EXPECT_EQ(WithKey(r, "purpose.profiling.legal_basis").what, "missing required key");
}

// 3
TEST(ConfigLoader, WrongTypeIsReported) {
  const std::string text = WithExtra(R"(
[[purpose]]
id = "profiling"
legal_basis = "legitimate_interest"
categories = ["customer.order"]
name.en = "Profiling"
description.en = "We study what you buy."
revision = "two"
)");
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "purpose.profiling.revision");
  EXPECT_EQ(d.line, LineOf(text, "revision = \"two\""));
  EXPECT_EQ(d.what, "expected an integer, found a string");
  EXPECT_THAT(d.fix, HasSubstr("whole number"));

  const std::string text2 = Replace(kBase, "name = \"Butikken AS\"", "name = 5");
  const LoadResult r2 = Load(text2);
  ASSERT_FALSE(r2.ok());
  const Diagnostic& d2 = Only(r2);
  EXPECT_EQ(d2.key, "controller.name");
  EXPECT_EQ(d2.line, 6);
  EXPECT_EQ(d2.line, LineOf(text2, "name = 5"));
  EXPECT_EQ(d2.what, "expected a string, found an integer");
  EXPECT_THAT(d2.fix, HasSubstr("double quotes"));
}

// 4
TEST(ConfigLoader, MissingRequiredKey) {
  const std::string text = Replace(kBase, "email = \"personvern@butikken.no\"\n", "");
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "controller.email");
  EXPECT_EQ(d.line, LineOf(text, "[controller]"));  // the section that lacks it
  EXPECT_EQ(d.what, "missing required key");
  EXPECT_THAT(d.fix, HasSubstr("add email ="));
}

// 5
TEST(ConfigLoader, DuplicatePurposeId) {
  const std::string text = WithExtra(R"(
[[purpose]]
id = "contract"
legal_basis = "contract"
categories = ["identity.name"]
name.en = "Orders again"
description.en = "Once more."
)");
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "purpose.contract");
  EXPECT_EQ(d.line, LineOf(text, "id = \"contract\"", 2));
  EXPECT_GT(d.line, kBaseLines);
  EXPECT_EQ(d.what, "duplicate id 'contract'");
  EXPECT_THAT(d.fix, HasSubstr("its own id"));
}

// 6
TEST(ConfigLoader, PurposeWithoutLegalBasis) {
  const std::string text = WithExtra(R"(
[[purpose]]
id = "analytics"
categories = ["customer.order"]
name.en = "Analytics"
description.en = "We count what sells."
)");
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "purpose.analytics.legal_basis");
  EXPECT_EQ(d.line, LineOf(text, "[[purpose]]", 2));  // the entry that lacks it
  EXPECT_EQ(d.what, "missing required key");
  EXPECT_THAT(d.fix, HasSubstr("legal_basis = \"contract\""));
  EXPECT_THAT(d.fix, HasSubstr("consent"));
}

// 7
TEST(ConfigLoader, UnknownLegalBasisSuggestsTheClosest) {
  const std::string text = WithExtra(R"(
[[purpose]]
id = "news"
legal_basis = "concent"
withdraw = ["email"]
categories = ["contact.email"]
name.en = "News"
description.en = "News from us."
)");
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "purpose.news.legal_basis");
  EXPECT_EQ(d.line, LineOf(text, "legal_basis = \"concent\""));
  EXPECT_EQ(d.what, "unknown legal basis 'concent'");
  EXPECT_EQ(d.fix, "did you mean 'consent'?");
}

// 8
TEST(ConfigLoader, ConsentPurposeWithoutWithdraw) {
  const std::string text = WithExtra(R"(
[[purpose]]
id = "news"
legal_basis = "consent"
categories = ["contact.email", "marketing.consent"]
name.en = "News"
description.en = "News from us."
)");
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "purpose.news.withdraw");
  EXPECT_EQ(d.line, LineOf(text, "legal_basis = \"consent\""));
  EXPECT_THAT(d.what, HasSubstr("withdraw consent"));
  EXPECT_THAT(d.fix, HasSubstr("withdraw = ["));

  // With a way to withdraw it loads.
  const LoadResult ok = Load(WithExtra(kNewsletter));
  EXPECT_TRUE(ok.ok()) << Dump(ok);
}

// 9
TEST(ConfigLoader, PurposeUsingUndeclaredBuiltinCategory) {
  const std::string text = WithExtra(R"(
[[purpose]]
id = "calls"
legal_basis = "contract"
categories = ["identity.name", "contact.phone"]
name.en = "Calls"
description.en = "We call you about your order."
)");
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "purpose.calls.categories");
  EXPECT_EQ(d.line, LineOf(text, "\"contact.phone\"]"));
  EXPECT_EQ(d.what, "category 'contact.phone' is not declared");
  EXPECT_EQ(d.fix, "add 'contact.phone' to the top-level `categories` list");
}

// 10
TEST(ConfigLoader, UnknownCategoryIdInCategories) {
  const std::string text = Replace(kBase, "\"marketing.consent\"]", "\"marketing.consent\", \"contact.emial\"]");
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "categories");
  EXPECT_EQ(d.line, 3);
  EXPECT_EQ(d.line, LineOf(text, "contact.emial"));
  EXPECT_EQ(d.what, "unknown category 'contact.emial'");
  EXPECT_EQ(d.fix, "did you mean 'contact.email'?");
}

// 11
TEST(ConfigLoader, RetentionForUnknownCategory) {
  const std::string text = WithExtra(R"(
[[retention]]
category = "contact.phone"
duration = "3 years"
anchor = "last_activity"
)");
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "retention[0].category");
  EXPECT_EQ(d.line, LineOf(text, "category = \"contact.phone\""));
  EXPECT_EQ(d.what, "unknown category 'contact.phone'");
  EXPECT_THAT(d.fix, HasSubstr("`categories`"));
}

TEST(ConfigLoader, ReportValidityDefaultsToThirtyDaysAndRefusesZero) {
  const LoadResult base = Load(kBase);
  ASSERT_TRUE(base.ok()) << Dump(base);
  EXPECT_EQ(base.config->rights.report_validity, (Duration{0, 30}));
  const LoadResult week = Load(WithExtra("\n[rights]\nreport_validity = \"2 weeks\"\n"));
  ASSERT_TRUE(week.ok()) << Dump(week);
  EXPECT_EQ(week.config->rights.report_validity, (Duration{0, 14}));
  const std::string text = WithExtra("\n[rights]\nreport_validity = \"0 days\"\n");
  const LoadResult zero = Load(text);
  ASSERT_FALSE(zero.ok());
  const Diagnostic& d = Only(zero);
  ExpectError(d);
  EXPECT_EQ(d.key, "rights.report_validity");
  EXPECT_EQ(d.line, LineOf(text, "report_validity ="));
  EXPECT_THAT(d.fix, HasSubstr("30 days"));
}

// 12
TEST(ConfigLoader, RetentionForUnknownRecordKind) {
  const std::string text = WithExtra(R"(
[[retention]]
record_kind = "order"
duration = "5 years"
anchor = "fiscal_year_end"

[[retention]]
record_kind = "orders"
duration = "3 years"
anchor = "collected"
)");
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "retention[1].record_kind");
  EXPECT_EQ(d.line, LineOf(text, "record_kind = \"orders\""));
  EXPECT_EQ(d.what, "unknown record kind 'orders'");
  EXPECT_EQ(d.fix, "did you mean 'order'?");
}

// 13
TEST(ConfigLoader, RetentionWithUnparsableDuration) {
  const std::string text = WithExtra(R"(
[[retention]]
category = "contact.email"
duration = "6 moons"
anchor = "last_activity"
)");
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "retention[0].duration");
  EXPECT_EQ(d.line, LineOf(text, "duration = \"6 moons\""));
  EXPECT_EQ(d.what, "cannot read duration '6 moons'");
  EXPECT_THAT(d.fix, HasSubstr("\"6 months\""));
}

// 14
TEST(ConfigLoader, RetentionWithUnknownAnchor) {
  const std::string text = WithExtra(R"(
[[retention]]
category = "contact.email"
duration = "3 years"
anchor = "last_activty"
)");
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "retention[0].anchor");
  EXPECT_EQ(d.line, LineOf(text, "anchor = \"last_activty\""));
  EXPECT_EQ(d.what, "unknown anchor 'last_activty'");
  EXPECT_EQ(d.fix, "did you mean 'last_activity'?");
}

constexpr std::string_view kRecipient = R"(
[[recipient]]
id = "cloudco"
name = "CloudCo Inc."
role = "processor"
country = "US"
categories = ["identity.name", "contact.email"]
purposes = ["contract"]
)";

// 15
TEST(ConfigLoader, RecipientOutsideEeaWithoutSafeguard) {
  const std::string text = WithExtra(kRecipient);
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "recipient.cloudco.safeguard");
  EXPECT_EQ(d.line, LineOf(text, "country = \"US\""));
  EXPECT_THAT(d.what, HasSubstr("outside the EEA"));
  EXPECT_THAT(d.what, HasSubstr("US"));
  EXPECT_THAT(d.fix, HasSubstr("safeguard = \"scc\""));

  // With a safeguard, or inside the EEA, it loads.
  const LoadResult scc =
      Load(WithExtra(Replace(kRecipient, "country = \"US\"", "country = \"US\"\nsafeguard = \"scc\"")));
  ASSERT_TRUE(scc.ok()) << Dump(scc);
  EXPECT_EQ(scc.config->FindRecipient("cloudco")->safeguard, "scc");
  EXPECT_TRUE(Load(WithExtra(Replace(kRecipient, "\"US\"", "\"SE\""))).ok());
}

constexpr std::string_view kCookie = R"(
[[cookie]]
id = "ga"
name = "Google Analytics"
provider = "Google"
category = "statistics"
)";

// 16
TEST(ConfigLoader, NonNecessaryCookieWithoutPurpose) {
  const std::string text = WithExtra(kCookie, WithExtra(kNewsletter));
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "cookie.ga.purpose");
  EXPECT_EQ(d.line, LineOf(text, "category = \"statistics\""));
  EXPECT_EQ(d.what, "a statistics cookie has no consent purpose");
  EXPECT_THAT(d.fix, HasSubstr("only necessary cookies"));

  // A necessary cookie needs no purpose; a statistics cookie with a consent purpose loads.
  EXPECT_TRUE(Load(WithExtra(Replace(kCookie, "statistics", "necessary"), WithExtra(kNewsletter))).ok());
  const LoadResult ok = Load(WithExtra(std::string(kCookie) + "purpose = \"newsletter\"\n", WithExtra(kNewsletter)));
  ASSERT_TRUE(ok.ok()) << Dump(ok);
  ASSERT_EQ(ok.config->cookies.size(), 1u);
  EXPECT_EQ(ok.config->cookies[0].category, CookieCategory::kStatistics);
  EXPECT_EQ(ok.config->cookies[0].purpose, "newsletter");
}

// 17
TEST(ConfigLoader, CookiePurposeNotConsentBased) {
  const std::string text = WithExtra(std::string(kCookie) + "purpose = \"contract\"\n", WithExtra(kNewsletter));
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "cookie.ga.purpose");
  EXPECT_EQ(d.line, LineOf(text, "purpose = \"contract\""));
  EXPECT_EQ(d.what, "purpose 'contract' is not consent-based, but statistics cookies need consent");
  EXPECT_THAT(d.fix, HasSubstr("legal_basis = \"consent\""));
}

// The base with a second language: the purpose has its texts in it, but (unless added) there is no [policy.LANG].
std::string TwoLanguages(std::string_view lang, bool purpose_description) {
  const std::string l(lang);
  std::string text = Replace(kBase, "languages = [\"en\"]", "languages = [\"en\", \"" + l + "\"]");
  text = Replace(text, "name.en = \"Orders\"\n", "name.en = \"Orders\"\nname." + l + " = \"Ordrer\"\n");
  if (purpose_description) {
    text = Replace(text, "description.en = \"We use your data to deliver what you order.\"\n",
                   "description.en = \"We use your data to deliver what you order.\"\ndescription." + l +
                       " = \"Vi leverer det du bestiller.\"\n");
  }
  return text;
}

// 18
TEST(ConfigLoader, LanguageWithoutPolicyTable) {
  const std::string text = TwoLanguages("nb", true);
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "policy.nb");
  EXPECT_EQ(d.line, LineOf(text, "languages ="));
  EXPECT_EQ(d.what, "language 'nb' has no texts");
  EXPECT_THAT(d.fix, HasSubstr("[policy.nb]"));

  const LoadResult ok = Load(WithExtra("\n[policy.nb]\nintro = \"Slik behandler vi dataene dine.\"\n", text));
  ASSERT_TRUE(ok.ok()) << Dump(ok);
  EXPECT_EQ(ok.config->languages, (std::vector<std::string>{"en", "nb"}));
}

// 19
TEST(ConfigLoader, PurposeMissingDescriptionInSecondLanguage) {
  const std::string text =
      WithExtra("\n[policy.sv]\nintro = \"Så hanterar vi dina uppgifter.\"\n", TwoLanguages("sv", false));
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "purpose.contract.description");
  EXPECT_EQ(d.line, LineOf(text, "description.en ="));
  EXPECT_EQ(d.what, "no text in language 'sv'");
  EXPECT_THAT(d.fix, HasSubstr("description.sv = "));
}

// 20
TEST(ConfigLoader, ShortAccountingRetentionWarnsNorway) {
  const std::string text = WithExtra(R"(
[[retention]]
record_kind = "payment"
duration = "3 years"
anchor = "fiscal_year_end"
accounting = true

[[retention]]
record_kind = "order"
duration = "5 years"
anchor = "fiscal_year_end"
accounting = true
)");
  const LoadResult r = Load(text);
  ASSERT_TRUE(r.ok()) << Dump(r);  // a warning does not stop loading
  EXPECT_EQ(r.error_count(), 0u);
  const Diagnostic& d = Only(r);  // the 5-year rule meets the minimum
  EXPECT_EQ(d.severity, Diagnostic::Severity::kWarning);
  EXPECT_EQ(d.key, "retention[0].duration");
  EXPECT_EQ(d.line, LineOf(text, "duration = \"3 years\""));
  EXPECT_EQ(d.what,
            "accounting retention of 3 years is shorter than the statutory minimum of 5 years under "
            "bokføringsloven (NO)");
  EXPECT_EQ(d.fix, "keep accounting material at least 5 years");
  EXPECT_THAT(d.ToString(), HasSubstr("retention[0].duration: warning: accounting retention"));
  ASSERT_EQ(r.config->retention.size(), 2u);
  EXPECT_TRUE(r.config->retention[0].accounting);
}

TEST(ConfigLoader, ShortAccountingRetentionWarnsFinlandVouchersAndBooks) {
  const std::string text = WithExtra(R"(
[[retention]]
record_kind = "order"
duration = "5 years"
anchor = "fiscal_year_end"
accounting = true

[[retention]]
category = "customer.order"
duration = "8 years"
anchor = "fiscal_year_end"
accounting = true

[[retention]]
record_kind = "payment"
duration = "6 years"
anchor = "fiscal_year_end"
accounting = true
)",
                                     Replace(kBase, "country = \"NO\"", "country = \"FI\""));
  const LoadResult r = Load(text);
  ASSERT_TRUE(r.ok()) << Dump(r);
  ASSERT_EQ(r.diagnostics.size(), 2u) << Dump(r);  // payment (a voucher) at 6 years is enough
  const Diagnostic& vouchers = r.diagnostics[0];
  EXPECT_EQ(vouchers.severity, Diagnostic::Severity::kWarning);
  EXPECT_EQ(vouchers.key, "retention[0].duration");
  EXPECT_EQ(vouchers.line, LineOf(text, "duration = \"5 years\""));
  EXPECT_THAT(vouchers.what, HasSubstr("statutory minimum of 6 years under kirjanpitolaki (FI)"));
  EXPECT_EQ(vouchers.fix, "keep accounting material at least 10 years for books and 6 years for vouchers");
  const Diagnostic& books = r.diagnostics[1];
  EXPECT_EQ(books.severity, Diagnostic::Severity::kWarning);
  EXPECT_EQ(books.key, "retention[1].duration");
  EXPECT_EQ(books.line, LineOf(text, "duration = \"8 years\""));
  EXPECT_THAT(books.what, HasSubstr("accounting retention of 8 years"));
  EXPECT_THAT(books.what, HasSubstr("statutory minimum of 10 years"));
}

// 21
TEST(ConfigLoader, InvalidCountryCode) {
  const std::string text = Replace(kBase, "country = \"NO\"", "country = \"XX\"");
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "controller.country");
  EXPECT_EQ(d.line, 8);
  EXPECT_EQ(d.line, LineOf(text, "country = \"XX\""));
  EXPECT_EQ(d.what, "unknown country code 'XX'");
  EXPECT_THAT(d.fix, HasSubstr("ISO 3166-1 alpha-2"));
}

// 22
TEST(ConfigLoader, UnsupportedLanguage) {
  const std::string text = Replace(kBase, "languages = [\"en\"]", "languages = [\"en\", \"de\"]");
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "languages");
  EXPECT_EQ(d.line, 2);
  EXPECT_EQ(d.column, ColumnOf(text, "\"de\""));  // points at the element
  EXPECT_EQ(d.what, "unknown value 'de'");
  EXPECT_FALSE(d.fix.empty());
}

// 23
TEST(ConfigLoader, RecipientNamingUnknownPurpose) {
  const std::string text = WithExtra(
      Replace(Replace(kRecipient, "\"US\"", "\"SE\""), "purposes = [\"contract\"]", "purposes = [\"contrakt\"]"));
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = Only(r);
  ExpectError(d);
  EXPECT_EQ(d.key, "recipient.cloudco.purposes");
  EXPECT_EQ(d.line, LineOf(text, "purposes = [\"contrakt\"]"));
  EXPECT_EQ(d.what, "unknown purpose 'contrakt'");
  EXPECT_EQ(d.fix, "did you mean 'contract'?");
}

// 24
TEST(ConfigLoader, ReportsAllErrorsInOneRunSortedByLine) {
  // Read order is controller, purposes, recipients; file order is controller, recipient, purpose.
  const std::string text = WithExtra(std::string(kRecipient) + R"(
[[purpose]]
id = "news"
legal_basis = "concent"
withdraw = ["email"]
categories = ["contact.email"]
name.en = "News"
description.en = "News from us."
)",
                                     Replace(kBase, "name = \"Butikken AS\"", "name = 5"));
  const LoadResult r = Load(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error_count(), 3u);
  ASSERT_EQ(r.diagnostics.size(), 3u) << Dump(r);
  EXPECT_EQ(r.diagnostics[0].key, "controller.name");
  EXPECT_EQ(r.diagnostics[0].line, LineOf(text, "name = 5"));
  EXPECT_EQ(r.diagnostics[1].key, "recipient.cloudco.safeguard");
  EXPECT_EQ(r.diagnostics[1].line, LineOf(text, "country = \"US\""));
  EXPECT_EQ(r.diagnostics[2].key, "purpose.news.legal_basis");
  EXPECT_EQ(r.diagnostics[2].line, LineOf(text, "legal_basis = \"concent\""));
  EXPECT_LT(r.diagnostics[0].line, r.diagnostics[1].line);
  EXPECT_LT(r.diagnostics[1].line, r.diagnostics[2].line);
}

// ---- the shipped examples ----

std::filesystem::path ExamplesDir() {
  namespace fs = std::filesystem;
  const fs::path from_source = fs::path(__FILE__).parent_path().parent_path() / "examples";
  if (fs::exists(from_source / "minime.toml")) return from_source;
  for (fs::path dir = fs::current_path(); !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / "examples" / "minime.toml")) return dir / "examples";
    if (dir == dir.parent_path()) break;
  }
  return from_source;
}

LoadResult LoadExample(const std::string& name) { return LoadConfigFile((ExamplesDir() / name).string()); }

// Regression: an empty `withdraw = []` on a consent purpose passed validation.
TEST(ConfigLoader, ConsentPurposeWithEmptyWithdrawIsRejected) {
  std::string text = Replace(WithExtra(kNewsletter), "withdraw = [\"email\", \"link\"]", "withdraw = []");
  LoadResult r = Load(text);
  EXPECT_FALSE(r.ok());
  const Diagnostic& d = WithKey(r, "purpose.newsletter.withdraw");
  ExpectError(d);
  EXPECT_THAT(d.what, HasSubstr("needs a way to withdraw"));
}

// Regression: the statutory-minimum check ignored days, warning about 1830 days (over five years).
TEST(ConfigLoader, AccountingRetentionInDaysCountsTowardTheMinimum) {
  const std::string rule =
      "\n[[retention]]\nrecord_kind = \"order\"\nduration = \"1830 days\"\nanchor = \"fiscal_year_end\"\n"
      "accounting = true\n";
  LoadResult r = Load(WithExtra(rule));
  ASSERT_TRUE(r.ok()) << Dump(r);
  EXPECT_TRUE(r.diagnostics.empty()) << Dump(r);
  LoadResult short_rule = Load(WithExtra(Replace(rule, "1830 days", "1500 days")));
  ASSERT_TRUE(short_rule.ok());
  EXPECT_EQ(Only(short_rule).severity, Diagnostic::Severity::kWarning);
}

// Regression: a bad id inside a multi-line array was reported at the array's first line.
TEST(ConfigLoader, DiagnosticPointsAtTheElementOfAMultiLineArray) {
  const std::string text = Replace(kBase,
                                   "categories = [\"identity.name\", \"contact.email\", \"customer.order\", "
                                   "\"marketing.consent\"]",
                                   "categories = [\n  \"identity.name\",\n  \"contact.emial\",\n  \"contact.email\",\n"
                                   "  \"customer.order\",\n  \"marketing.consent\",\n]");
  LoadResult r = Load(text);
  EXPECT_FALSE(r.ok());
  const Diagnostic& d = WithKey(r, "categories");
  EXPECT_EQ(d.line, LineOf(text, "\"contact.emial\""));
  EXPECT_THAT(d.fix, HasSubstr("contact.email"));
}

TEST(ConfigExamples, AllLoadWithoutErrors) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(ExamplesDir())) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 5u) << "examples not found in " << ExamplesDir();
  for (const auto& f : files) {
    const LoadResult r = LoadConfigFile(f.string());
    EXPECT_TRUE(r.ok()) << f << "\n" << Dump(r);
    EXPECT_EQ(r.error_count(), 0u) << f << "\n" << Dump(r);
  }
}

TEST(ConfigExamples, MinimeIsFinnishWithTenYearAccounting) {
  const LoadResult r = LoadExample("minime.toml");
  ASSERT_TRUE(r.ok()) << Dump(r);
  EXPECT_EQ(r.config->controller.country, "FI");
  EXPECT_EQ(r.config->controller.authority.name, "Tietosuojavaltuutetun toimisto");
  const auto& rules = r.config->retention;
  auto it = std::find_if(rules.begin(), rules.end(),
                         [](const RetentionRule& rule) { return rule.accounting && rule.record_kind == "order"; });
  ASSERT_NE(it, rules.end());
  EXPECT_EQ(it->duration, (Duration{120, 0}));
  EXPECT_EQ(it->duration.ToString(), "10 years");
  EXPECT_EQ(it->anchor, Anchor::kFiscalYearEnd);
}

TEST(ConfigExamples, SmartiHasOptOutSubject) {
  const LoadResult r = LoadExample("smarti.toml");
  ASSERT_TRUE(r.ok()) << Dump(r);
  EXPECT_EQ(r.config->marketing.opt_out_subject, "Opt-out of telemarketing and addressed advertising");
}

TEST(ConfigExamples, LilleminiKeepsSixMonthsAfterAgreementEnd) {
  const LoadResult r = LoadExample("lillemini.toml");
  ASSERT_TRUE(r.ok()) << Dump(r);
  EXPECT_EQ(r.config->controller.country, "NO");
  EXPECT_EQ(r.config->controller.authority.name, "Datatilsynet");
  const auto& rules = r.config->retention;
  auto it = std::find_if(rules.begin(), rules.end(), [](const RetentionRule& rule) {
    return rule.anchor == Anchor::kAgreementEnd && rule.duration == Duration{6, 0};
  });
  ASSERT_NE(it, rules.end());
  EXPECT_EQ(it->category, "identity.name");
}

}  // namespace
}  // namespace tillit::config

namespace tillit::config {
namespace {

TEST(ConfigLoaderStore, TheStoreIsSqliteOrAPostgresUrl) {
  const LoadResult good = Load(WithExtra("\n[server]\nstore = \"postgresql://tillit@db/tillit\"\n"));
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good.config->server.store, "postgresql://tillit@db/tillit");
  const LoadResult bad = Load(WithExtra("\n[server]\nstore = \"mysql://db\"\n"));
  ASSERT_FALSE(bad.ok());
  bool found = false;
  for (const auto& d : bad.diagnostics)
    found = found || (d.key == "server.store" && d.fix.find("postgresql://") != std::string::npos);
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace tillit::config
