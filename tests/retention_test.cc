// Retention expiry: anchors on the fiscal year and the calendar year after it, earliest non-accounting rule, latest
// accounting rule, pending anchors.
#include "core/register/retention.h"

#include <gtest/gtest.h>

#include "config/config.h"
#include "util/clock.h"

namespace tillit::core {
namespace {

int64_t At(const std::string& rfc3339) { return ToMicros(*ParseRfc3339(rfc3339)); }
std::string Str(std::optional<int64_t> at) { return at ? FormatRfc3339(FromMicros(*at)) : "pending"; }

config::RetentionRule Rule(std::string kind, std::string category, int months, config::Anchor anchor, bool accounting) {
  config::RetentionRule r;
  r.record_kind = std::move(kind);
  r.category = std::move(category);
  r.duration.months = months;
  r.anchor = anchor;
  r.accounting = accounting;
  return r;
}

TEST(RetentionTest, FiscalYearAnchors) {
  config::Config c;
  EXPECT_EQ(Str(FiscalYearEndAfter(c, At("2027-03-10T10:00:00Z"))), "2028-01-01T00:00:00Z");
  EXPECT_EQ(Str(FiscalYearEndAfter(c, At("2027-12-31T23:59:59Z"))), "2028-01-01T00:00:00Z");
  c.controller.fiscal_year_end_month = 6;
  c.controller.fiscal_year_end_day = 30;
  EXPECT_EQ(Str(FiscalYearEndAfter(c, At("2027-03-10T10:00:00Z"))), "2027-07-01T00:00:00Z");
  EXPECT_EQ(Str(FiscalYearEndAfter(c, At("2027-08-10T10:00:00Z"))), "2028-07-01T00:00:00Z");
  // SE: 7 years after the end of the calendar year in which the fiscal year (ending 30 June 2027) ended.
  auto se = Rule("order", "", 7 * 12, config::Anchor::kCalendarYearEndAfterFy, true);
  EXPECT_EQ(Str(RuleExpiry(c, se, {At("2027-03-10T10:00:00Z"), {}, {}, {}})), "2035-01-01T00:00:00Z");
}

TEST(RetentionTest, RecordExpiryTakesTheEarliestPlainRuleAndTheLatestAccountingRule) {
  config::Config c;
  c.retention.push_back(Rule("order", "", 60, config::Anchor::kFiscalYearEnd, true));
  c.retention.push_back(Rule("", "payment.transaction", 120, config::Anchor::kFiscalYearEnd, true));
  c.retention.push_back(Rule("", "contact.address", 6, config::Anchor::kAgreementEnd, false));
  c.retention.push_back(Rule("", "customer.order", 24, config::Anchor::kCollected, false));
  const std::vector<std::string> categories = {"customer.order", "payment.transaction", "contact.address"};
  Anchors running{At("2027-03-10T10:00:00Z"), {}, {}, {}};
  RecordExpiry e = ExpiryOfRecord(c, "order", categories, true, running);
  EXPECT_EQ(Str(e.expires_at), "2029-03-10T10:00:00Z");  // 24 months; the agreement is still running
  EXPECT_EQ(Str(e.hold_expires_at), "2038-01-01T00:00:00Z");
  Anchors ended = running;
  ended.agreement_end = At("2027-06-30T00:00:00Z");
  EXPECT_EQ(Str(ExpiryOfRecord(c, "order", categories, true, ended).expires_at), "2027-12-30T00:00:00Z");
  EXPECT_TRUE(HasAccountingRule(c, "order", {}));
  EXPECT_FALSE(HasAccountingRule(c, "message", {"communication.chat"}));
  // Nothing covers a message: no expiry, kept until the subject goes.
  EXPECT_EQ(Str(ExpiryOfRecord(c, "message", {"communication.chat"}, false, running).expires_at), "pending");
}

}  // namespace
}  // namespace tillit::core
