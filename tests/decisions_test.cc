// The decision index on its own (core/consent/decisions.h), fed through its write path and asked directly, without
// a server or a store: one test per rule of DESIGN.md's "Rules the code enforces" and per edge of it, each naming the
// rule it checks and the exact answer (allow, rule, basis); the export audience (Allowed), the renewals list and
// HasConsentFacts.
//
// Imported opt-out register copies reach the index only through ReloadRegisters(Store&), so here every declared
// register is without a copy: `opt_out_register_stale` and the exemptions before it are covered, a fresh or aged copy
// is left to the integration tests.
#include "core/consent/decisions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "config/loader.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/status.h"

namespace tillit::core {
namespace {

using std::chrono::days;

// A shop in Norway with a purpose of every legal basis; `marketing_section` is its [marketing] table.
std::string Shop(std::string_view marketing_section) {
  return std::string(R"(languages = ["en"]
categories = ["identity.name", "contact.email", "contact.phone", "contact.address", "customer.order", "activity.web",
              "marketing.consent"]

[controller]
name = "Butikken AS"
address = "Storgata 1, 0155 Oslo"
country = "NO"
email = "personvern@butikken.no"

[[purpose]]
id = "contract"
legal_basis = "contract"
categories = ["identity.name", "contact.email", "contact.address", "customer.order"]
name.en = "Orders"
description.en = "We deliver what you order."

[[purpose]]
id = "accounting"
legal_basis = "legal_obligation"
categories = ["identity.name", "customer.order"]
name.en = "Bookkeeping"
description.en = "The bookkeeping law makes us keep orders."

[[purpose]]
id = "emergency_contact"
legal_basis = "vital_interest"
categories = ["identity.name", "contact.phone"]
name.en = "Emergencies"
description.en = "We call you when your life is at stake."

[[purpose]]
id = "public_register"
legal_basis = "public_task"
categories = ["identity.name"]
name.en = "Public register"
description.en = "We report to a public register."

[[purpose]]
id = "newsletter"
legal_basis = "consent"
revision = 2
consent_validity = "1 year"
channels = ["email", "sms"]
withdraw = ["email", "link"]
categories = ["contact.email", "contact.phone", "marketing.consent"]
name.en = "Newsletter"
description.en = "News by e-mail and SMS when you have asked for it."

[[purpose]]
id = "personalisation"
legal_basis = "consent"
withdraw = ["link"]
categories = ["activity.web"]
name.en = "Personalisation"
description.en = "We tailor the shop to you when you have asked for it."

[[purpose]]
id = "marketing"
legal_basis = "legitimate_interest"
channels = ["email", "sms", "phone", "post"]
own_similar_products = true
objection = ["email", "link"]
categories = ["identity.name", "contact.email", "contact.phone", "contact.address"]
name.en = "Marketing of our own products"
description.en = "We tell our customers about products like the ones they bought."

[[purpose]]
id = "partner_offers"
legal_basis = "legitimate_interest"
channels = ["email", "phone"]
objection = ["email"]
categories = ["identity.name", "contact.email", "contact.phone"]
name.en = "Partners' offers"
description.en = "We pass on our partners' offers."

[[purpose]]
id = "analytics"
legal_basis = "legitimate_interest"
objection = ["email"]
categories = ["customer.order", "activity.web"]
name.en = "Analytics"
description.en = "We study how the shop is used."

[[purpose]]
id = "profiling"
legal_basis = "legitimate_interest"
objection = ["email"]
categories = ["customer.order", "activity.web"]
name.en = "Targeting"
description.en = "We choose which offers to show you."

[[purpose]]
id = "market_research"
legal_basis = "legitimate_interest"
objection = ["email"]
categories = ["identity.name", "contact.email"]
name.en = "Market research"
description.en = "We ask customers what they think."

)") + std::string(marketing_section) +
         R"(
[policy.en]
intro = "This is how we handle your data."
)";
}

// Reservasjonsregisteret and NIX-Telefon with their defaults; a custom post register that spares no customer.
constexpr std::string_view kMarketing = R"([marketing]
prohibition_codes = true

[[marketing.opt_out_register]]
id = "reservasjonsregisteret"

[[marketing.opt_out_register]]
id = "nix_telefon"

[[marketing.opt_out_register]]
id = "robinson"
country = "DK"
channels = ["post"]
max_age = "1 month"
existing_customers_exempt = false
)";

std::shared_ptr<const config::Config> LoadShop(std::string_view marketing_section) {
  const config::LoadResult loaded = config::LoadConfigString(Shop(marketing_section), "shop.toml");
  for (const auto& d : loaded.diagnostics) ADD_FAILURE() << d.ToString();
  return loaded.config;
}

// The time the tests ask at.
TimePoint Now() { return *ParseRfc3339("2026-03-01T12:00:00Z"); }
int64_t DaysAgo(int n) { return ToMicros(Now() - days(n)); }

// An id of the form Random::NewId("sub_") makes, ending in `tag` (a–z, 2–7): the ids sort as their tags do.
std::string SubjectId(char tag) { return "sub_" + std::string(25, 'a') + tag; }

// A decision as the tests compare it; an error as rule "error:<reason>".
struct Answer {
  bool allow = false;
  std::string rule;
  std::string basis;

  bool operator==(const Answer&) const = default;
  friend std::ostream& operator<<(std::ostream& out, const Answer& a) {
    return out << (a.allow ? "allow" : "deny") << " rule=" << a.rule << " basis=" << a.basis;
  }
};
Answer Allow(std::string rule, std::string basis) { return {true, std::move(rule), std::move(basis)}; }
Answer Deny(std::string rule, std::string basis) { return {false, std::move(rule), std::move(basis)}; }

class DecisionIndexTest : public ::testing::Test {
 protected:
  DecisionIndexTest() : config_(LoadShop(kMarketing)), index_(config_) {}

  void SetUp() override { ASSERT_NE(config_, nullptr); }

  // A new subject, of `country` when one is given (else the controller's counts).
  std::string NewSubject(char tag, std::string country = "") {
    const std::string id = SubjectId(tag);
    index_.AddSubject(id);
    if (!country.empty()) index_.SetMarketingFacts(id, std::move(country), {});
    return id;
  }

  void Consent(const std::string& subject, std::string purpose, std::string channel, std::string action, int64_t at,
               int64_t revision = 2, bool unproven = false) {
    store::ConsentEventRow e;
    e.subject_id = subject;
    e.event_id = "ce_" + std::to_string(++events_);
    e.purpose = std::move(purpose);
    e.channel = std::move(channel);
    e.action = std::move(action);
    e.method = unproven ? "import" : "web_form";
    e.revision = revision;
    e.unproven = unproven;
    e.at = at;
    index_.ApplyConsent(e);
  }

  // Records the objection `id`, or its new status.
  void Object(const std::string& subject, std::string id, std::string purpose, std::string channel,
              std::string status) {
    store::ObjectionRow o;
    o.subject_id = subject;
    o.objection_id = std::move(id);
    o.purpose = std::move(purpose);
    o.channel = std::move(channel);
    o.status = std::move(status);
    o.method = "email";
    o.at = DaysAgo(3);
    index_.ApplyObjection(o);
  }

  void Prohibit(const std::string& subject, std::string id, std::string code, std::string purpose = "",
                std::string channel = "", bool lifted = false) {
    store::ProhibitionRow p;
    p.subject_id = subject;
    p.prohibition_id = std::move(id);
    p.code = std::move(code);
    p.purpose = std::move(purpose);
    p.channel = std::move(channel);
    p.method = "staff";
    p.set_at = DaysAgo(4);
    if (lifted) p.lifted_at = DaysAgo(1);
    index_.ApplyProhibition(p);
  }

  Answer Ask(const DecisionIndex& index, std::string_view subject, std::string_view purpose, std::string_view channel,
             TimePoint at = Now()) const {
    const Result<Decision> d = index.Decide(subject, purpose, channel, at);
    if (!d.ok()) return {false, "error:" + d.status().reason(), ""};
    return {d->allow, std::string(d->rule), std::string(d->basis)};
  }
  Answer Ask(std::string_view subject, std::string_view purpose, std::string_view channel, TimePoint at = Now()) const {
    return Ask(index_, subject, purpose, channel, at);
  }

  // Subjects whose newsletter or personalisation consents need renewing, and some whose do not; the renewals the
  // index must list for them, in key order, at Now() with a 30-day horizon.
  std::vector<Renewal> SeedRenewals() {
    // Entered out of key order, so the order comes from the index.
    const std::string unproven = NewSubject('d');
    Consent(unproven, "personalisation", "", "given", DaysAgo(20), 1, /*unproven=*/true);
    Consent(unproven, "newsletter", "", "given", DaysAgo(10), 2, /*unproven=*/true);
    const std::string outdated = NewSubject('a');
    Consent(outdated, "newsletter", "", "given", DaysAgo(100), 1);
    const std::string expired = NewSubject('b');
    const int64_t year_and_a_day = ToMicros(Now() - days(366));
    Consent(expired, "newsletter", "", "given", year_and_a_day);
    // A consent for every channel, outdated (and expired: outdated comes first), and an expiring one for e-mail,
    // given later.
    const std::string two = NewSubject('c');
    Consent(two, "newsletter", "", "given", DaysAgo(400), 1);
    const int64_t given_a_year_less_10_days = ToMicros(*ParseRfc3339("2025-03-11T12:00:00Z"));
    Consent(two, "newsletter", "email", "given", given_a_year_less_10_days);
    // Not listed: current and proven; withdrawn since; restricted; erased; objected to over its channel; a
    // legitimate-interest purpose.
    Consent(NewSubject('e'), "newsletter", "", "given", DaysAgo(10));
    const std::string withdrawn = NewSubject('f');
    Consent(withdrawn, "newsletter", "", "given", DaysAgo(100), 1);
    Consent(withdrawn, "newsletter", "", "withdrawn", DaysAgo(50));
    const std::string restricted = NewSubject('g');
    Consent(restricted, "newsletter", "", "given", DaysAgo(100), 1);
    index_.SetRestricted(restricted, DaysAgo(5));
    const std::string erased = NewSubject('h');
    Consent(erased, "newsletter", "", "given", DaysAgo(100), 1);
    index_.SetErased(erased);
    const std::string objected = NewSubject('i');
    Consent(objected, "newsletter", "email", "given", DaysAgo(100), 1);
    Object(objected, "ob_1", "", "email", "active");
    Consent(NewSubject('j'), "marketing", "email", "given", DaysAgo(100), 1, /*unproven=*/true);

    const auto year_after = [](int64_t at) { return ToMicros(config::AddDuration(FromMicros(at), {12, 0})); };
    return {
        {outdated, "newsletter", "", "consent_outdated", DaysAgo(100), year_after(DaysAgo(100))},
        {expired, "newsletter", "", "consent_expired", year_and_a_day, year_after(year_and_a_day)},
        {two, "newsletter", "", "consent_outdated", DaysAgo(400), year_after(DaysAgo(400))},
        {two, "newsletter", "email", "expiring", given_a_year_less_10_days, year_after(given_a_year_less_10_days)},
        {unproven, "newsletter", "", "unproven", DaysAgo(10), year_after(DaysAgo(10))},
        {unproven, "personalisation", "", "unproven", DaysAgo(20), std::nullopt},
    };
  }

  std::vector<Renewal> Renewals(const std::optional<RenewalKey>& after, size_t limit) const {
    return index_.Renewals(after, limit, Now(), config::Duration{0, 30});
  }

  std::shared_ptr<const config::Config> config_;
  DecisionIndex index_;
  int events_ = 0;
};

// One line per renewal, for comparing lists.
std::string Str(const Renewal& r) {
  return r.subject_id + " " + r.purpose + " [" + r.channel + "] " + std::string(r.reason) + " given " +
         FormatRfc3339(FromMicros(r.given_at)) + " expires " +
         (r.expires_at ? FormatRfc3339(FromMicros(*r.expires_at)) : "never");
}
std::vector<std::string> Str(const std::vector<Renewal>& renewals) {
  std::vector<std::string> out;
  for (const auto& r : renewals) out.push_back(Str(r));
  return out;
}

// ---- 1. erasure ----

// Rule 1: an erased subject is denied everything but the legal-hold purposes, before any other rule.
TEST_F(DecisionIndexTest, ErasedSubjectKeepsOnlyLegalHoldPurposes) {
  const std::string s = NewSubject('a');
  Consent(s, "newsletter", "", "given", DaysAgo(10));
  index_.SetErased(s);
  index_.SetRestricted(s, DaysAgo(1));
  EXPECT_EQ(Ask(s, "accounting", ""), Allow("legal_hold", "legal_obligation"));
  EXPECT_EQ(Ask(s, "legal_claims", ""), Allow("legal_hold", "legitimate_interest"));
  EXPECT_EQ(Ask(s, "contract", ""), Deny("erased", "contract"));
  EXPECT_EQ(Ask(s, "rights_fulfilment", ""), Deny("erased", "legal_obligation"));
  EXPECT_EQ(Ask(s, "public_register", ""), Deny("erased", "public_task"));
  EXPECT_EQ(Ask(s, "newsletter", "email"), Deny("erased", "consent"));
}

// ---- 2. restriction ----

// Rule 2: a restricted subject keeps only legal_claims, rights_fulfilment and public tasks (Art. 18(2)).
TEST_F(DecisionIndexTest, RestrictedSubjectKeepsOnlyArt18Purposes) {
  const std::string s = NewSubject('a');
  Consent(s, "newsletter", "", "given", DaysAgo(30));
  index_.SetRestricted(s, DaysAgo(5));
  EXPECT_EQ(Ask(s, "legal_claims", ""), Allow("legitimate_interest", "legitimate_interest"));
  EXPECT_EQ(Ask(s, "rights_fulfilment", ""), Allow("legal_obligation", "legal_obligation"));
  EXPECT_EQ(Ask(s, "public_register", ""), Allow("public_task", "public_task"));
  EXPECT_EQ(Ask(s, "contract", ""), Deny("restricted", "contract"));
  EXPECT_EQ(Ask(s, "accounting", ""), Deny("restricted", "legal_obligation"));
  EXPECT_EQ(Ask(s, "emergency_contact", ""), Deny("restricted", "vital_interest"));
  EXPECT_EQ(Ask(s, "analytics", ""), Deny("restricted", "legitimate_interest"));
  EXPECT_EQ(Ask(s, "newsletter", "email"), Deny("restricted", "consent"));
}

// Rule 2: lifting the restriction gives back what it held.
TEST_F(DecisionIndexTest, LiftedRestrictionNoLongerDenies) {
  const std::string s = NewSubject('a');
  Consent(s, "newsletter", "", "given", DaysAgo(30));
  index_.SetRestricted(s, DaysAgo(5));
  index_.SetRestricted(s, std::nullopt);
  EXPECT_EQ(Ask(s, "contract", ""), Allow("contract", "contract"));
  EXPECT_EQ(Ask(s, "newsletter", "email"), Allow("consent", "consent"));
}

// Rule 2: a consent given during the restriction is honoured, for the purpose and channel it names only.
TEST_F(DecisionIndexTest, ConsentGivenDuringRestrictionIsHonoured) {
  const std::string s = NewSubject('a');
  Consent(s, "newsletter", "", "given", DaysAgo(30));
  index_.SetRestricted(s, DaysAgo(5));
  Consent(s, "newsletter", "email", "given", DaysAgo(2));
  EXPECT_EQ(Ask(s, "newsletter", "email"), Allow("consent", "consent"));
  EXPECT_EQ(Ask(s, "newsletter", "sms"), Deny("restricted", "consent"));
  EXPECT_EQ(Ask(s, "contract", ""), Deny("restricted", "contract"));
}

// ---- 3. objection to a channel ----

// Rule 3: an objection to a channel denies every purpose over that channel, and only over it.
TEST_F(DecisionIndexTest, ObjectionToChannelDeniesEveryPurposeOverIt) {
  const std::string s = NewSubject('a', "DE");
  Consent(s, "newsletter", "", "given", DaysAgo(10));
  Object(s, "ob_1", "", "email", "active");
  EXPECT_EQ(Ask(s, "newsletter", "email"), Deny("objected", "consent"));
  EXPECT_EQ(Ask(s, "marketing", "email"), Deny("objected", "legitimate_interest"));
  EXPECT_EQ(Ask(s, "contract", "email"), Deny("objected", "contract"));
  EXPECT_EQ(Ask(s, "newsletter", "sms"), Allow("consent", "consent"));
  EXPECT_EQ(Ask(s, "contract", ""), Allow("contract", "contract"));
}

// A purpose that declares its channels is denied over any other channel.
TEST_F(DecisionIndexTest, ChannelThePurposeDoesNotDeclareIsDenied) {
  const std::string s = NewSubject('a');
  Consent(s, "newsletter", "", "given", DaysAgo(10));
  EXPECT_EQ(Ask(s, "newsletter", "post"), Deny("channel_not_declared", "consent"));
  EXPECT_EQ(Ask(s, "newsletter", "email"), Allow("consent", "consent"));
}

// ---- 4. consent ----

// Rule 4: the latest event for (purpose, channel) or (purpose, any channel) decides; the other channels keep theirs.
TEST_F(DecisionIndexTest, LatestConsentEventWinsPerPurposeAndChannel) {
  const std::string s = NewSubject('a');
  Consent(s, "newsletter", "", "given", DaysAgo(10));
  Consent(s, "newsletter", "email", "withdrawn", DaysAgo(5));
  EXPECT_EQ(Ask(s, "newsletter", "email"), Deny("consent_withdrawn", "consent"));
  EXPECT_EQ(Ask(s, "newsletter", "sms"), Allow("consent", "consent"));
  EXPECT_EQ(Ask(s, "newsletter", ""), Allow("consent", "consent"));
  // A later consent for every channel replaces the e-mail withdrawal.
  Consent(s, "newsletter", "", "given", DaysAgo(1));
  EXPECT_EQ(Ask(s, "newsletter", "email"), Allow("consent", "consent"));
}

// Rule 4: "latest" is by the event's time, not by the order events reach the index.
TEST_F(DecisionIndexTest, OlderConsentEventArrivingLateDoesNotOverride) {
  const std::string s = NewSubject('a');
  Consent(s, "newsletter", "", "withdrawn", DaysAgo(1));
  Consent(s, "newsletter", "", "given", DaysAgo(5));
  EXPECT_EQ(Ask(s, "newsletter", "email"), Deny("consent_withdrawn", "consent"));
}

// Rule 4: silence is no consent, and neither is being an existing customer.
TEST_F(DecisionIndexTest, NoConsentEventOrExistingCustomerFactIsNoConsent) {
  const std::string s = NewSubject('a');
  EXPECT_EQ(Ask(s, "newsletter", "email"), Deny("no_consent", "consent"));
  Consent(s, "newsletter", "", "existing_customer", DaysAgo(3));
  EXPECT_EQ(Ask(s, "newsletter", "email"), Deny("no_consent", "consent"));
}

// Rule 4: a withdrawal after the consent denies.
TEST_F(DecisionIndexTest, WithdrawnConsentDenies) {
  const std::string s = NewSubject('a');
  Consent(s, "newsletter", "", "given", DaysAgo(10));
  Consent(s, "newsletter", "", "withdrawn", DaysAgo(2));
  EXPECT_EQ(Ask(s, "newsletter", "email"), Deny("consent_withdrawn", "consent"));
}

// Rule 4: a refusal denies.
TEST_F(DecisionIndexTest, RefusedConsentDenies) {
  const std::string s = NewSubject('a');
  Consent(s, "newsletter", "", "refused", DaysAgo(2));
  EXPECT_EQ(Ask(s, "newsletter", "email"), Deny("consent_refused", "consent"));
}

// Rule 4: a consent given under an older revision of the purpose no longer counts; one under the current does.
TEST_F(DecisionIndexTest, ConsentUnderOlderRevisionIsOutdated) {
  const std::string s = NewSubject('a');
  Consent(s, "newsletter", "", "given", DaysAgo(10), /*revision=*/1);
  EXPECT_EQ(Ask(s, "newsletter", "email"), Deny("consent_outdated", "consent"));
  Consent(s, "newsletter", "", "given", DaysAgo(1), /*revision=*/2);
  EXPECT_EQ(Ask(s, "newsletter", "email"), Allow("consent", "consent"));
}

// Rule 4: a consent expires at the end of the purpose's consent_validity, to the microsecond.
TEST_F(DecisionIndexTest, ConsentExpiresAtTheEndOfItsValidity) {
  const std::string s = NewSubject('a');
  Consent(s, "newsletter", "", "given", ToMicros(*ParseRfc3339("2025-03-01T12:00:00Z")));
  EXPECT_EQ(Ask(s, "newsletter", "email", Now() - std::chrono::microseconds(1)), Allow("consent", "consent"));
  EXPECT_EQ(Ask(s, "newsletter", "email", Now()), Deny("consent_expired", "consent"));
}

// Rule 4: a question that names no channel is answered by a consent for every channel, not by one for a channel.
TEST_F(DecisionIndexTest, QuestionWithoutChannelNeedsConsentForEveryChannel) {
  const std::string s = NewSubject('a');
  Consent(s, "newsletter", "email", "given", DaysAgo(2));
  EXPECT_EQ(Ask(s, "newsletter", ""), Deny("no_consent", "consent"));
  EXPECT_EQ(Ask(s, "newsletter", "email"), Allow("consent", "consent"));
}

// ---- 5. legitimate interest ----

// Rule 5: a legitimate-interest purpose is allowed while nobody objected.
TEST_F(DecisionIndexTest, LegitimateInterestAllowsWithoutObjection) {
  const std::string s = NewSubject('a', "DE");
  EXPECT_EQ(Ask(s, "analytics", ""), Allow("legitimate_interest", "legitimate_interest"));
  EXPECT_EQ(Ask(s, "profiling", ""), Allow("legitimate_interest", "legitimate_interest"));
  EXPECT_EQ(Ask(s, "legal_claims", ""), Allow("legitimate_interest", "legitimate_interest"));
  EXPECT_EQ(Ask(s, "marketing", "phone"), Allow("legitimate_interest", "legitimate_interest"));
  EXPECT_EQ(Ask(s, "marketing", "post"), Allow("legitimate_interest", "legitimate_interest"));
}

// Rule 5: an objection to a purpose other than direct marketing holds until staff record compelling grounds.
TEST_F(DecisionIndexTest, ObjectionHoldsUntilOverriddenByCompellingGrounds) {
  const std::string s = NewSubject('a');
  Object(s, "ob_1", "analytics", "", "active");
  EXPECT_EQ(Ask(s, "analytics", ""), Deny("objected", "legitimate_interest"));
  Object(s, "ob_1", "analytics", "", "overridden");
  EXPECT_EQ(Ask(s, "analytics", ""), Allow("legitimate_interest", "legitimate_interest"));
  Object(s, "ob_2", "analytics", "", "upheld");
  EXPECT_EQ(Ask(s, "analytics", ""), Deny("objected", "legitimate_interest"));
}

// Rule 5: an objection to direct marketing is absolute: recorded grounds do not lift it (Art. 21(3)).
TEST_F(DecisionIndexTest, ObjectionToDirectMarketingIsAbsolute) {
  const std::string s = NewSubject('a', "DE");
  Object(s, "ob_1", "marketing", "", "active");
  EXPECT_EQ(Ask(s, "marketing", "post"), Deny("objected", "legitimate_interest"));
  Object(s, "ob_1", "marketing", "", "overridden");
  EXPECT_EQ(Ask(s, "marketing", "post"), Deny("objected", "legitimate_interest"));
  EXPECT_EQ(Ask(s, "marketing", ""), Deny("objected", "legitimate_interest"));
}

// Rule 5: an objection to direct marketing stops profiling too, absolutely, and no other purpose.
TEST_F(DecisionIndexTest, ObjectionToDirectMarketingStopsProfiling) {
  const std::string s = NewSubject('a');
  Object(s, "ob_1", "marketing", "", "active");
  EXPECT_EQ(Ask(s, "profiling", ""), Deny("objected", "legitimate_interest"));
  EXPECT_EQ(Ask(s, "analytics", ""), Allow("legitimate_interest", "legitimate_interest"));
  Object(s, "ob_1", "marketing", "", "overridden");
  EXPECT_EQ(Ask(s, "profiling", ""), Deny("objected", "legitimate_interest"));
}

// Rule 5: an objection narrowed to one channel denies the purpose over that channel only.
TEST_F(DecisionIndexTest, ObjectionNarrowedToChannelDeniesOnlyThatChannel) {
  const std::string s = NewSubject('a', "DE");
  Object(s, "ob_1", "marketing", "email", "active");
  EXPECT_EQ(Ask(s, "marketing", "email"), Deny("objected", "legitimate_interest"));
  EXPECT_EQ(Ask(s, "marketing", "post"), Allow("legitimate_interest", "legitimate_interest"));
}

// Rule 5 (DESIGN rule 6): e-mail and SMS marketing need consent, per channel; a refusal or withdrawal stands.
TEST_F(DecisionIndexTest, EmailAndSmsMarketingNeedConsent) {
  const std::string s = NewSubject('a', "US");
  EXPECT_EQ(Ask(s, "marketing", "email"), Deny("not_existing_customer", "legitimate_interest"));
  Consent(s, "marketing", "email", "given", DaysAgo(10));
  EXPECT_EQ(Ask(s, "marketing", "email"), Allow("consent", "legitimate_interest"));
  EXPECT_EQ(Ask(s, "marketing", "sms"), Deny("not_existing_customer", "legitimate_interest"));
  Consent(s, "marketing", "sms", "refused", DaysAgo(5));
  EXPECT_EQ(Ask(s, "marketing", "sms"), Deny("consent_refused", "legitimate_interest"));
  Consent(s, "marketing", "email", "withdrawn", DaysAgo(2));
  EXPECT_EQ(Ask(s, "marketing", "email"), Deny("consent_withdrawn", "legitimate_interest"));
}

// Rule 5 (DESIGN rule 6): the existing-customer exception holds where the subject's country allows it; a subject of
// no known country counts as the controller's (NO).
TEST_F(DecisionIndexTest, ExistingCustomerExceptionFollowsTheSubjectsCountry) {
  const std::string home = NewSubject('a');
  const std::string sweden = NewSubject('b', "SE");
  const std::string us = NewSubject('c', "US");
  for (const auto& s : {home, sweden, us}) Consent(s, "marketing", "", "existing_customer", DaysAgo(30));
  EXPECT_EQ(Ask(home, "marketing", "email"), Allow("existing_customer", "legitimate_interest"));
  EXPECT_EQ(Ask(home, "marketing", "sms"), Allow("existing_customer", "legitimate_interest"));
  EXPECT_EQ(Ask(sweden, "marketing", "email"), Allow("existing_customer", "legitimate_interest"));
  EXPECT_EQ(Ask(us, "marketing", "email"), Deny("not_existing_customer", "legitimate_interest"));
}

// Rule 5 (DESIGN rule 6): the exception covers only the controller's own similar products.
TEST_F(DecisionIndexTest, ExistingCustomerExceptionNeedsOwnSimilarProducts) {
  const std::string s = NewSubject('a');
  Consent(s, "partner_offers", "", "existing_customer", DaysAgo(30));
  EXPECT_EQ(Ask(s, "partner_offers", "email"), Deny("not_existing_customer", "legitimate_interest"));
}

// Rule 5 (DESIGN rule 6): [marketing] existing_customer_exception = false turns the exception off.
TEST_F(DecisionIndexTest, ExistingCustomerExceptionCanBeSwitchedOff) {
  const auto config = LoadShop("[marketing]\nexisting_customer_exception = false\n");
  ASSERT_NE(config, nullptr);
  DecisionIndex index(config);
  const std::string s = SubjectId('a');
  index.AddSubject(s);
  store::ConsentEventRow e;
  e.subject_id = s;
  e.event_id = "ce_1";
  e.purpose = "marketing";
  e.action = "existing_customer";
  e.at = DaysAgo(30);
  index.ApplyConsent(e);
  EXPECT_EQ(Ask(index, s, "marketing", "email"), Deny("not_existing_customer", "legitimate_interest"));
}

// ---- 6. contract, legal obligation, vital interest, public task ----

// Rule 6: the other legal bases are allowed, with the basis as the rule.
TEST_F(DecisionIndexTest, ContractAndLegalObligationAreAllowed) {
  const std::string s = NewSubject('a');
  EXPECT_EQ(Ask(s, "contract", ""), Allow("contract", "contract"));
  EXPECT_EQ(Ask(s, "accounting", ""), Allow("legal_obligation", "legal_obligation"));
  EXPECT_EQ(Ask(s, "rights_fulfilment", ""), Allow("legal_obligation", "legal_obligation"));
  EXPECT_EQ(Ask(s, "emergency_contact", "phone"), Allow("vital_interest", "vital_interest"));
  EXPECT_EQ(Ask(s, "public_register", ""), Allow("public_task", "public_task"));
}

// ---- 6a. prohibition codes ----

// Rule 6a: a prohibition code denies direct marketing over its channels, until lifted; other purposes go on.
TEST_F(DecisionIndexTest, ProhibitionCodeDeniesTheChannelsItCovers) {
  const std::string s = NewSubject('a', "DE");
  Prohibit(s, "pr_1", "no_phone_marketing");
  EXPECT_EQ(Ask(s, "marketing", "phone"), Deny("prohibition_code", "legitimate_interest"));
  EXPECT_EQ(Ask(s, "marketing", "post"), Allow("legitimate_interest", "legitimate_interest"));
  EXPECT_EQ(Ask(s, "contract", "phone"), Allow("contract", "contract"));
  Prohibit(s, "pr_1", "no_phone_marketing", "", "", /*lifted=*/true);
  EXPECT_EQ(Ask(s, "marketing", "phone"), Allow("legitimate_interest", "legitimate_interest"));
}

// Rule 6a: a code holds back consented marketing too.
TEST_F(DecisionIndexTest, ProhibitionCodeOverridesConsent) {
  const std::string s = NewSubject('a');
  Consent(s, "newsletter", "", "given", DaysAgo(10));
  Prohibit(s, "pr_1", "no_electronic_marketing");
  EXPECT_EQ(Ask(s, "newsletter", "email"), Deny("prohibition_code", "consent"));
  EXPECT_EQ(Ask(s, "newsletter", "sms"), Deny("prohibition_code", "consent"));
}

// Rule 6a: a code narrowed to one purpose covers that purpose only.
TEST_F(DecisionIndexTest, ProhibitionCodeNarrowedToOnePurpose) {
  const std::string s = NewSubject('a', "DE");
  Prohibit(s, "pr_1", "no_direct_marketing", "partner_offers");
  EXPECT_EQ(Ask(s, "partner_offers", "phone"), Deny("prohibition_code", "legitimate_interest"));
  EXPECT_EQ(Ask(s, "marketing", "phone"), Allow("legitimate_interest", "legitimate_interest"));
}

// Rule 6a: no_market_research covers market research, not direct marketing.
TEST_F(DecisionIndexTest, MarketResearchCodeCoversResearchOnly) {
  const std::string s = NewSubject('a', "DE");
  Prohibit(s, "pr_1", "no_market_research");
  EXPECT_EQ(Ask(s, "market_research", ""), Deny("prohibition_code", "legitimate_interest"));
  EXPECT_EQ(Ask(s, "marketing", "post"), Allow("legitimate_interest", "legitimate_interest"));
}

// ---- 6b. opt-out registers ----

// Rule 6b: phone and post marketing to a subject of a country whose register is declared, with no copy imported,
// is stale; the register's channels only, and direct marketing only.
TEST_F(DecisionIndexTest, OptOutRegisterWithoutCopyIsStale) {
  const std::string norway = NewSubject('a');  // the controller's country
  const std::string sweden = NewSubject('b', "SE");
  const std::string germany = NewSubject('c', "DE");
  EXPECT_EQ(Ask(norway, "marketing", "phone"), Deny("opt_out_register_stale", "legitimate_interest"));
  EXPECT_EQ(Ask(norway, "marketing", "post"), Deny("opt_out_register_stale", "legitimate_interest"));
  EXPECT_EQ(Ask(norway, "contract", "phone"), Allow("contract", "contract"));
  EXPECT_EQ(Ask(sweden, "marketing", "phone"), Deny("opt_out_register_stale", "legitimate_interest"));
  EXPECT_EQ(Ask(sweden, "marketing", "post"), Allow("legitimate_interest", "legitimate_interest"));
  EXPECT_EQ(Ask(germany, "marketing", "phone"), Allow("legitimate_interest", "legitimate_interest"));
}

// Rule 6b: a subject who consented to the marketing over that channel is not held back by a register.
TEST_F(DecisionIndexTest, OptOutRegisterSparesSubjectWhoConsented) {
  const std::string s = NewSubject('a');
  Consent(s, "marketing", "phone", "given", DaysAgo(10));
  EXPECT_EQ(Ask(s, "marketing", "phone"), Allow("legitimate_interest", "legitimate_interest"));
  EXPECT_EQ(Ask(s, "marketing", "post"), Deny("opt_out_register_stale", "legitimate_interest"));
}

// Rule 6b: an existing customer is spared by a register that exempts existing customers, and only by such a one.
TEST_F(DecisionIndexTest, OptOutRegisterExemptsExistingCustomersWhereItSaysSo) {
  const std::string norway = NewSubject('a');
  const std::string denmark = NewSubject('b', "DK");
  Consent(norway, "marketing", "", "existing_customer", DaysAgo(30));
  Consent(denmark, "marketing", "", "existing_customer", DaysAgo(30));
  EXPECT_EQ(Ask(norway, "marketing", "phone"), Allow("legitimate_interest", "legitimate_interest"));
  EXPECT_EQ(Ask(norway, "marketing", "post"), Allow("legitimate_interest", "legitimate_interest"));
  EXPECT_EQ(Ask(denmark, "marketing", "post"), Deny("opt_out_register_stale", "legitimate_interest"));
  EXPECT_EQ(Ask(denmark, "marketing", "phone"), Allow("legitimate_interest", "legitimate_interest"));
}

// Rule 6b: a register that lists the subject's phone holds it back over the phone, whatever its country; a phone
// listing says nothing about post.
TEST_F(DecisionIndexTest, OptOutRegisterListingHoldsBackByTheListedValue) {
  const std::string s = SubjectId('a');
  index_.AddSubject(s);
  index_.SetMarketingFacts(s, "DE", {{"reservasjonsregisteret", store::IndexKind::kPhone}});
  EXPECT_EQ(Ask(s, "marketing", "phone"), Deny("opt_out_register_stale", "legitimate_interest"));
  EXPECT_EQ(Ask(s, "marketing", "post"), Allow("legitimate_interest", "legitimate_interest"));
}

// ---- errors ----

// Decide: an unknown subject, purpose or channel is an error, not a denial; Allowed checks the same.
TEST_F(DecisionIndexTest, UnknownSubjectPurposeOrChannelIsAnError) {
  const std::string s = NewSubject('a');
  const Result<Decision> subject = index_.Decide(SubjectId('z'), "contract", "", Now());
  ASSERT_FALSE(subject.ok());
  EXPECT_EQ(subject.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(subject.status().reason(), "subject_not_found");
  const Result<Decision> purpose = index_.Decide(s, "newsleter", "email", Now());
  ASSERT_FALSE(purpose.ok());
  EXPECT_EQ(purpose.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(purpose.status().reason(), "unknown_purpose");
  const Result<Decision> channel = index_.Decide(s, "newsletter", "fax", Now());
  ASSERT_FALSE(channel.ok());
  EXPECT_EQ(channel.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(channel.status().reason(), "unknown_channel");
  EXPECT_EQ(index_.Allowed("newsleter", "email", Now()).status().reason(), "unknown_purpose");
  EXPECT_EQ(index_.Allowed("newsletter", "fax", Now()).status().reason(), "unknown_channel");
}

// ---- Allowed ----

// Allowed: the audience of (purpose, channel) is exactly the subjects Decide allows.
TEST_F(DecisionIndexTest, AllowedIsTheAudienceDecideAllows) {
  std::vector<std::string> subjects;
  const auto add = [&](std::string id) {
    index_.AddSubject(id);
    subjects.push_back(std::move(id));
    return subjects.back();
  };
  const std::string given = add(SubjectId('a'));
  Consent(given, "newsletter", "", "given", DaysAgo(10));
  const std::string email_only = add(SubjectId('b'));
  Consent(email_only, "newsletter", "email", "given", DaysAgo(10));
  const std::string withdrawn = add(SubjectId('c'));
  Consent(withdrawn, "newsletter", "", "given", DaysAgo(10));
  Consent(withdrawn, "newsletter", "", "withdrawn", DaysAgo(5));
  const std::string outdated = add(SubjectId('d'));
  Consent(outdated, "newsletter", "", "given", DaysAgo(10), 1);
  const std::string customer = add(SubjectId('e'));
  Consent(customer, "marketing", "", "existing_customer", DaysAgo(10));
  const std::string objected = add(SubjectId('f'));
  Object(objected, "ob_1", "marketing", "", "active");
  const std::string restricted = add(SubjectId('g'));
  index_.SetRestricted(restricted, DaysAgo(1));
  const std::string erased = add(SubjectId('h'));
  index_.SetErased(erased);
  const std::string german = add(SubjectId('i'));
  index_.SetMarketingFacts(german, "DE", {});
  // An id of another form than the generated ones.
  const std::string legacy = add("legacy-7");
  Consent(legacy, "newsletter", "sms", "given", DaysAgo(10));

  const auto sorted = [](std::vector<std::string> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  const std::pair<std::string_view, std::string_view> questions[] = {
      {"newsletter", "email"}, {"newsletter", "sms"}, {"newsletter", ""}, {"marketing", "email"},
      {"marketing", "phone"},  {"marketing", "post"}, {"profiling", ""},  {"contract", ""},
      {"accounting", ""},      {"legal_claims", ""}};
  for (const auto& [purpose, channel] : questions) {
    auto allowed = index_.Allowed(purpose, channel, Now());
    ASSERT_TRUE(allowed.ok()) << purpose << " " << channel;
    std::vector<std::string> decided;
    for (const auto& s : subjects) {
      if (Ask(s, purpose, channel).allow) decided.push_back(s);
    }
    EXPECT_EQ(sorted(*allowed), sorted(decided)) << purpose << " over [" << channel << "]";
  }
  EXPECT_EQ(sorted(*index_.Allowed("newsletter", "email", Now())), sorted({given, email_only}));
  EXPECT_EQ(sorted(*index_.Allowed("newsletter", "sms", Now())), sorted({given, legacy}));
  EXPECT_EQ(sorted(*index_.Allowed("marketing", "email", Now())), sorted({customer}));
}

// ---- Renewals ----

// Renewals: the latest given consents that are outdated, expired, expiring within the horizon or unproven, in
// (subject, purpose, channel) order; not those current and proven, withdrawn since, or denied for another reason.
TEST_F(DecisionIndexTest, RenewalsListConsentsToRenewInKeyOrder) {
  const std::vector<Renewal> expected = SeedRenewals();
  EXPECT_EQ(Str(Renewals(std::nullopt, 100)), Str(expected));
}

// Renewals: the first reason that applies, in the order outdated, expired, expiring, unproven.
TEST_F(DecisionIndexTest, RenewalReasonIsTheFirstThatApplies) {
  const std::string outdated = NewSubject('a');
  Consent(outdated, "newsletter", "", "given", DaysAgo(10), 1, /*unproven=*/true);
  const std::string expiring = NewSubject('b');
  Consent(expiring, "newsletter", "", "given", DaysAgo(360), 2, /*unproven=*/true);
  const std::vector<Renewal> page = Renewals(std::nullopt, 10);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].reason, "consent_outdated");
  EXPECT_EQ(page[1].reason, "expiring");
}

// Renewals: pages of `limit` after the previous page's last key add up to the whole list; limit 0 is empty.
TEST_F(DecisionIndexTest, RenewalsPageByKey) {
  const std::vector<std::string> all = Str(SeedRenewals());
  std::vector<std::string> paged;
  std::optional<RenewalKey> after;
  for (int pages = 0; pages < 10; ++pages) {
    const std::vector<Renewal> page = Renewals(after, 4);
    EXPECT_LE(page.size(), 4u);
    for (const auto& r : page) paged.push_back(Str(r));
    if (page.size() < 4) break;
    after = RenewalKey{page.back().subject_id, page.back().purpose, page.back().channel};
  }
  EXPECT_EQ(paged, all);
  const std::vector<Renewal> second = Renewals(RenewalKey{SubjectId('c'), "newsletter", ""}, 2);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(Str(second[0]), all[3]);
  EXPECT_EQ(Str(second[1]), all[4]);
  EXPECT_TRUE(Renewals(std::nullopt, 0).empty());
}

// Renewals: a consent for one channel replaced by a later event for every channel is not listed.
TEST_F(DecisionIndexTest, RenewalsSkipChannelConsentReplacedForEveryChannel) {
  const std::string s = NewSubject('a');
  Consent(s, "newsletter", "email", "given", DaysAgo(100), 2, /*unproven=*/true);
  Consent(s, "newsletter", "", "given", DaysAgo(10));
  EXPECT_EQ(Str(Renewals(std::nullopt, 10)), std::vector<std::string>{});
}

// ---- HasConsentFacts ----

// HasConsentFacts: any event for the purpose (given, withdrawn, refused, existing customer, on any channel) counts.
TEST_F(DecisionIndexTest, HasConsentFactsCountsEveryRecordedChoice) {
  char tag = 'a';
  for (const char* action : {"given", "withdrawn", "refused", "existing_customer"}) {
    const std::string s = NewSubject(tag++);
    Consent(s, "newsletter", "sms", action, DaysAgo(3));
    EXPECT_TRUE(index_.HasConsentFacts(s, "newsletter")) << action;
    EXPECT_FALSE(index_.HasConsentFacts(s, "personalisation")) << action;
    EXPECT_FALSE(index_.HasConsentFacts(s, "newsleter")) << action;
  }
  EXPECT_FALSE(index_.HasConsentFacts(NewSubject(tag), "newsletter"));
  EXPECT_FALSE(index_.HasConsentFacts(SubjectId('z'), "newsletter"));
}

// ---- a purpose the configuration no longer has ----

// A consent event for a purpose the configuration lacks is not kept: no facts, no renewal, no decision.
TEST_F(DecisionIndexTest, ConsentForPurposeNoLongerConfiguredIsIgnored) {
  const std::string s = NewSubject('a');
  Consent(s, "old_newsletter", "", "given", DaysAgo(10), 1, /*unproven=*/true);
  EXPECT_TRUE(index_.Contains(s));
  for (const auto& p : config_->purposes) EXPECT_FALSE(index_.HasConsentFacts(s, p.id)) << p.id;
  EXPECT_FALSE(index_.HasConsentFacts(s, "old_newsletter"));
  EXPECT_TRUE(Renewals(std::nullopt, 10).empty());
  EXPECT_EQ(Ask(s, "old_newsletter", ""), Deny("error:unknown_purpose", ""));
  EXPECT_EQ(Ask(s, "contract", ""), Allow("contract", "contract"));
}

}  // namespace
}  // namespace tillit::core
