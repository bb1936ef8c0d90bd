// Routes and laws a configuration promises: a withdrawal or objection route must be one the installation carries out
// ("portal" needs customer pages, which tillit does not serve yet), and an accounting retention rule names the law
// that keeps the data (`law`, or the bookkeeping law tillit knows for the controller's country; a warning otherwise).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "config/loader.h"
#include "core/install/operations.h"

namespace tillit::config {
namespace {

using ::testing::HasSubstr;

std::string Base(const std::string& country, const std::string& purpose_lines, const std::string& retention = "") {
  return "languages = [\"en\"]\n"
         "categories = [\"contact.email\", \"customer.order\"]\n"
         "[controller]\n"
         "name = \"Shop\"\n"
         "address = \"Street 1\"\n"
         "country = \"" + country + "\"\n"
         "email = \"privacy@shop.test\"\n"
         "supervisory_authority = { name = \"Authority\" }\n"
         "[[purpose]]\n"
         "id = \"newsletter\"\n"
         "legal_basis = \"consent\"\n"
         "categories = [\"contact.email\"]\n"
         "name.en = \"Newsletter\"\n"
         "description.en = \"News by e-mail.\"\n" +
         purpose_lines + retention + "[policy.en]\n";
}

std::string AllDiagnostics(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += d.ToString() + "\n";
  return out;
}

TEST(ConfigRoutes, PortalIsRefusedNamingFileLineKeyAndFix) {
  static_assert(!kCustomerPagesAvailable, "flip the expectations below when customer pages land");
  auto r = LoadConfigString(Base("NO", "withdraw = [\"email\",\n  \"portal\"]\n"), "shop.toml");
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(AllDiagnostics(r), HasSubstr("shop.toml:16:3: purpose.newsletter.withdraw: route 'portal' needs "
                                           "customer pages, which this installation does not have yet — offer a "
                                           "route that works: \"email\""));
  auto objection = LoadConfigString(
      Base("NO", "withdraw = [\"link\"]\n") +
          "[[purpose]]\nid = \"analytics\"\nlegal_basis = \"legitimate_interest\"\ncategories = [\"customer.order\"]\n"
          "name.en = \"A\"\ndescription.en = \"B\"\nobjection = [\"portal\"]\n",
      "shop.toml");
  EXPECT_FALSE(objection.ok());
  EXPECT_THAT(AllDiagnostics(objection), HasSubstr("purpose.analytics.objection: route 'portal'"));
  for (const char* routes : {"[\"email\"]", "[\"link\"]", "[\"phone\", \"staff\"]"}) {
    auto ok = LoadConfigString(Base("NO", std::string("withdraw = ") + routes + "\n"), "shop.toml");
    EXPECT_TRUE(ok.ok()) << routes << "\n" << AllDiagnostics(ok);
  }
}

TEST(ConfigRoutes, AccountingRulesNameTheirLaw) {
  const std::string rule =
      "[[retention]]\nrecord_kind = \"order\"\nduration = \"10 years\"\nanchor = \"fiscal_year_end\"\n"
      "accounting = true\n";
  // A country tillit knows: its bookkeeping law, no warning.
  auto known = LoadConfigString(Base("FI", "withdraw = [\"email\"]\n", rule), "shop.toml");
  ASSERT_TRUE(known.ok()) << AllDiagnostics(known);
  EXPECT_THAT(AllDiagnostics(known), ::testing::Not(HasSubstr(".law")));
  EXPECT_EQ(RetentionLaw(*known.config, known.config->retention[0], "en"), "kirjanpitolaki");
  // A country it does not know: a warning asking for the law.
  auto unknown = LoadConfigString(Base("DE", "withdraw = [\"email\"]\n", rule), "shop.toml");
  ASSERT_TRUE(unknown.ok()) << AllDiagnostics(unknown);
  EXPECT_THAT(AllDiagnostics(unknown), HasSubstr("retention[0].law: warning: no law is named for this accounting rule"));
  EXPECT_EQ(RetentionLaw(*unknown.config, unknown.config->retention[0], "en"), "");
  // Named by the rule, per language.
  auto named = LoadConfigString(
      Base("DE", "withdraw = [\"email\"]\n", rule + "law.en = \"Handelsgesetzbuch § 257\"\n"), "shop.toml");
  ASSERT_TRUE(named.ok()) << AllDiagnostics(named);
  EXPECT_THAT(AllDiagnostics(named), ::testing::Not(HasSubstr("warning")));
  EXPECT_EQ(RetentionLaw(*named.config, named.config->retention[0], "sv"), "Handelsgesetzbuch § 257");
  auto wrong = LoadConfigString(Base("DE", "withdraw = [\"email\"]\n", rule + "law = 7\n"), "shop.toml");
  EXPECT_FALSE(wrong.ok());
  EXPECT_THAT(AllDiagnostics(wrong), HasSubstr("retention[0].law"));
}

TEST(ConfigRoutes, MailThatCannotLeaveIsAWarningWhileIdentityIsChecked) {
  auto loaded = LoadConfigString(Base("NO", "withdraw = [\"email\"]\n"), "shop.toml");
  ASSERT_TRUE(loaded.ok());
  const auto warnings = core::OperationalWarnings(*loaded.config);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("shop.toml: [mail] smtp_url: warning:"));
  EXPECT_THAT(warnings[0], HasSubstr("identity_check"));
  auto unchecked =
      LoadConfigString(Base("NO", "withdraw = [\"email\"]\n") + "[rights]\nidentity_check = false\n", "shop.toml");
  ASSERT_TRUE(unchecked.ok()) << AllDiagnostics(unchecked);
  EXPECT_TRUE(core::OperationalWarnings(*unchecked.config).empty());
  auto mailed =
      LoadConfigString(Base("NO", "withdraw = [\"email\"]\n") + "[mail]\nsmtp_url = \"smtp://127.0.0.1:25\"\n",
                       "shop.toml");
  ASSERT_TRUE(mailed.ok()) << AllDiagnostics(mailed);
  EXPECT_TRUE(core::OperationalWarnings(*mailed.config).empty());
}

}  // namespace
}  // namespace tillit::config
