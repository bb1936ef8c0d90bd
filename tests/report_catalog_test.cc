// The access report's catalog: every language says what the English says (the same variables) and expands.
#include "policy/report_catalog.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "policy/policy.h"
#include "policy/template.h"

namespace tillit::policy {
namespace {

TEST(ReportCatalogTest, EveryLanguageUsesTheSameVariablesAsEnglishAndExpands) {
  const auto en = ReportMessages("en");
  ASSERT_EQ(en.size(), kReportMessageCount);
  for (std::string_view lang : SupportedLanguages()) {
    const auto messages = ReportMessages(lang);
    ASSERT_EQ(messages.size(), kReportMessageCount) << lang;
    for (size_t i = 0; i < kReportMessageCount; ++i) {
      const auto vars = TemplateVariables(messages[i].text);
      const auto english = TemplateVariables(en[i].text);
      EXPECT_EQ(std::set<std::string>(vars.begin(), vars.end()), std::set<std::string>(english.begin(), english.end()))
          << lang << " " << ReportMessageName(messages[i].id) << " must say what the English says";
      Vars given;
      for (const auto& v : vars) given.Text(v, "x");
      auto text = Expand(messages[i].text, given);
      EXPECT_TRUE(text.ok()) << lang << " " << ReportMessageName(messages[i].id) << ": " << text.status().message();
    }
  }
  EXPECT_TRUE(ReportMessages("de").empty());
}

}  // namespace
}  // namespace tillit::policy
