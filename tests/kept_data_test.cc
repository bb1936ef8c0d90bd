// Data kept under legal hold, as the subject is told of it: the access report lists the accounting fields held with
// why and until when (JSON and the page in every language), and an erasure's holds name the law — the rule's own
// words, else the bookkeeping law of the controller's country.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "config/loader.h"
#include "core/rights/access_report.h"
#include "core/register/erasure.h"
#include "policy/report.h"

namespace tillit::core {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

std::string ExampleText(const std::string& name) {
  fs::path dir = fs::path(__FILE__).parent_path().parent_path() / "examples";
  for (fs::path d = fs::current_path(); !fs::exists(dir / "minime.toml") && !d.empty() && d != d.parent_path();
       d = d.parent_path()) {
    if (fs::exists(d / "examples" / "minime.toml")) dir = d / "examples";
  }
  std::ifstream in(dir / (name + ".toml"));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::shared_ptr<const config::Config> Parse(const std::string& text) {
  auto result = config::LoadConfigString(text, "t.toml");
  std::string problems;
  for (const auto& d : result.diagnostics) problems += d.ToString() + "\n";
  EXPECT_TRUE(result.ok()) << problems;
  return result.config;
}

SubjectData WithHeldOrder() {
  SubjectData data;
  data.subject.id = "sub_1";
  data.subject.created_at = ToMicros(FromMicros(0) + std::chrono::hours(24 * 365 * 57));
  OpenedRecord order;
  order.record_id = "rec_1";
  order.kind = "order";
  order.categories = {"customer.order"};
  order.occurred_at = data.subject.created_at;
  order.created_at = data.subject.created_at;
  order.payload = nullptr;  // its own time is up: only the accounting fields remain
  order.accounting = json{{"invoice", "F-2027-17"}, {"amount_nok", "297.00"}, {"vat_nok", "59.40"}};
  order.hold_expires_at = int64_t{1988150400} * 1000000;  // 2033-01-01T00:00:00Z
  data.records.push_back(order);
  return data;
}

TEST(KeptData, TheAccessReportListsAccountingFieldsWithWhyAndUntilWhen) {
  auto config = Parse(ExampleText("lillemini"));
  ASSERT_TRUE(config);
  const json report = BuildAccessReport(*config, "pv-test", WithHeldOrder(), {}, "nb", FromMicros(0));
  const json accounting = report["records"][0]["accounting"];
  ASSERT_TRUE(accounting.is_object()) << report["records"].dump();
  EXPECT_EQ(accounting["fields"]["invoice"], "F-2027-17");
  EXPECT_EQ(accounting["kept_for"], json({"accounting", "legal_claims"}));
  EXPECT_EQ(accounting["legal_basis"], "legal_obligation");
  EXPECT_EQ(accounting["kept_until"], "2033-01-01T00:00:00Z");
  EXPECT_EQ(accounting["law"], "bokføringsloven § 13");
  EXPECT_TRUE(report["records"][0]["payload"].is_null());
  EXPECT_EQ(BuildAccessReport(*config, "pv-test", WithHeldOrder(), {}, "en", FromMicros(0))["records"][0]
                ["accounting"]["law"],
            "the Norwegian Bookkeeping Act (bokføringsloven) § 13");

  const std::map<std::string, std::string> headings = {{"en", "Kept for accounting"},
                                                       {"sv", "Sparas för bokföringen"},
                                                       {"nb", "Oppbevares for regnskapet"},
                                                       {"fi", "Säilytetään kirjanpitoa varten"}};
  for (const auto& [lang, heading] : headings) {
    auto html = policy::RenderAccessReport(*config, report, lang);
    ASSERT_TRUE(html.ok()) << lang << ": " << html.status().message();
    EXPECT_THAT(*html, HasSubstr(heading)) << lang;
    EXPECT_THAT(*html, HasSubstr("F-2027-17")) << lang;
    EXPECT_THAT(*html, HasSubstr("bokføringsloven § 13")) << lang;
  }
  // Without accounting fields there is no such section.
  SubjectData plain = WithHeldOrder();
  plain.records[0].accounting.reset();
  plain.records[0].payload = json{{"items", 1}};
  const json without = BuildAccessReport(*config, "pv-test", plain, {}, "en", FromMicros(0));
  EXPECT_TRUE(without["records"][0]["accounting"].is_null());
  auto html = policy::RenderAccessReport(*config, without, "en");
  ASSERT_TRUE(html.ok());
  EXPECT_THAT(*html, ::testing::Not(HasSubstr("Kept for accounting")));
}

TEST(KeptData, TheLawIsTheRulesElseTheCountrysBookkeepingLaw) {
  // Lillemini with the rules' `law` taken out: the bookkeeping law tillit knows for Norway.
  const std::string text = std::regex_replace(ExampleText("lillemini"), std::regex("\nlaw\\.[a-z]+ = \"[^\"]*\""), "");
  auto config = Parse(text);
  ASSERT_TRUE(config);
  const config::RetentionRule* order = nullptr;
  for (const auto& r : config->retention) {
    if (r.record_kind == "order" && r.accounting) order = &r;
  }
  ASSERT_NE(order, nullptr);
  EXPECT_TRUE(order->law.empty());
  EXPECT_EQ(config::RetentionLaw(*config, *order, "en"), "bokføringsloven");
  LegalHold hold{"order", 3, {"customer.order"}, int64_t{1988150400} * 1000000, order};
  const auto kept = KeptDataOf(*config, {hold}, "en");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].law, "bokføringsloven");
  EXPECT_EQ(kept[0].records, 3);
  EXPECT_THAT(KeptDataNote(*config, "en", kept), HasSubstr("Orders (3): kept until 2032-12-31, because bokføringsloven requires it."));

  // With the rules' own words, in each language they give.
  auto named = Parse(ExampleText("lillemini"));
  ASSERT_TRUE(named);
  for (const auto& r : named->retention) {
    if (r.record_kind == "order" && r.accounting) order = &r;
  }
  EXPECT_EQ(config::RetentionLaw(*named, *order, "nb"), "bokføringsloven § 13");
  EXPECT_EQ(config::RetentionLaw(*named, *order, "en"), "the Norwegian Bookkeeping Act (bokføringsloven) § 13");
  EXPECT_EQ(config::RetentionLaw(*named, *order, "fi"), "bokføringsloven § 13") << "the default language's";
}

}  // namespace
}  // namespace tillit::core
