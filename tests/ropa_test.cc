// The record of processing activities (GDPR Art. 30) of the seed shops in JSON, CSV and HTML, checked for concrete
// content: Minimagi (Norway, no recipients, profiling on consent) and Lillemini (Norway, processors in the EEA, in
// Israel on adequacy and in the US under the Data Privacy Framework).
#include "policy/ropa.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/loader.h"

namespace tillit::policy {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

fs::path SourceDir() { return fs::path(__FILE__).parent_path().parent_path(); }

std::string ReadExample(const std::string& shop) {
  std::ifstream in(SourceDir() / "examples" / (shop + ".toml"));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::shared_ptr<const config::Config> Load(const std::string& toml, const std::string& name) {
  config::LoadResult loaded = config::LoadConfigString(toml, name);
  EXPECT_TRUE(loaded.ok()) << name << ": " << (loaded.diagnostics.empty() ? "" : loaded.diagnostics[0].ToString());
  return loaded.config;
}

const json* Activity(const json& ropa, const std::string& purpose) {
  for (const auto& a : ropa["activities"]) {
    if (a["purpose"]["id"] == purpose) return &a;
  }
  return nullptr;
}

TEST(Ropa, JsonOfMinimagiCarriesDpvAndGdprTerms) {
  auto config = Load(ReadExample("minimagi"), "minimagi.toml");
  ASSERT_TRUE(config);
  json j = RopaJson(BuildRopa(*config, "pv-test"));
  EXPECT_EQ(j["@context"]["eu-gdpr"], "https://w3id.org/dpv/legal/eu/gdpr#");
  EXPECT_EQ(j["policy_version"], "pv-test");
  EXPECT_EQ(j["controller"]["name"], "Minimagi");
  EXPECT_EQ(j["controller"]["country"], "NO");
  EXPECT_FALSE(j["controller"].contains("representative"));

  const json* profiling = Activity(j, "profiling");
  ASSERT_NE(profiling, nullptr);
  EXPECT_EQ((*profiling)["legal_basis"]["dpv"], "dpv:Consent");
  EXPECT_EQ((*profiling)["legal_basis"]["eu-gdpr"], "eu-gdpr:A6-1-a");
  EXPECT_EQ((*profiling)["purpose"]["dpv"], "dpv:PersonalisedAdvertising");
  EXPECT_EQ((*profiling)["purpose"]["name"], "Profiling for more relevant marketing");
  bool birth_date = false;
  for (const auto& pd : (*profiling)["personal_data"]) {
    if (pd["id"] == "identity.date_of_birth") birth_date = pd["dpv"] == "pd:BirthDate";
  }
  EXPECT_TRUE(birth_date) << (*profiling)["personal_data"].dump();

  const json* accounting = Activity(j, "accounting");
  ASSERT_NE(accounting, nullptr);
  EXPECT_EQ((*accounting)["legal_basis"]["eu-gdpr"], "eu-gdpr:A6-1-c");
  const json* analytics = Activity(j, "analytics");
  ASSERT_NE(analytics, nullptr);
  EXPECT_EQ((*analytics)["legal_basis"]["eu-gdpr"], "eu-gdpr:A6-1-f");
  const json* marketing = Activity(j, "marketing");
  ASSERT_NE(marketing, nullptr);
  EXPECT_EQ((*marketing)["data_subjects"].size(), 2u) << "customers and subscribers";
  EXPECT_EQ((*marketing)["data_subjects"][1]["dpv"], "dpv:Subscriber");
  EXPECT_THAT((*marketing)["retention"].dump(), HasSubstr("contact.email: 3 years from last_activity"));

  EXPECT_TRUE(j["transfers"].empty());
  EXPECT_TRUE(j["recipients"].empty());
  bool order_retention = false;
  for (const auto& r : j["retention"]) {
    if (r["id"] == "record_kind order") {
      order_retention = true;
      EXPECT_THAT(std::string(r["detail"]), HasSubstr("5 years from fiscal_year_end"));
    }
  }
  EXPECT_TRUE(order_retention);
  std::string measures = j["security_measures"].dump();
  EXPECT_THAT(measures, HasSubstr("dpv:EncryptionAtRest"));
  EXPECT_THAT(measures, HasSubstr("dpv:AccessControlMethod"));
}

TEST(Ropa, JsonOfLilleminiListsTransfersWithSafeguards) {
  auto config = Load(ReadExample("lillemini"), "lillemini.toml");
  ASSERT_TRUE(config);
  json j = RopaJson(BuildRopa(*config, "pv-test", "nb"));
  EXPECT_EQ(j["language"], "nb");
  std::map<std::string, json> transfers;
  for (const auto& t : j["transfers"]) transfers[t["recipient"]] = t;
  ASSERT_EQ(transfers.count("aws"), 1u) << j["transfers"].dump();
  EXPECT_EQ(transfers["aws"]["country"], "US");
  EXPECT_EQ(transfers["aws"]["safeguard"]["id"], "eu_us_dpf");
  EXPECT_EQ(transfers["aws"]["safeguard"]["eu-gdpr"], "eu-gdpr:A45-3");
  ASSERT_EQ(transfers.count("wix"), 1u);
  EXPECT_EQ(transfers["wix"]["country"], "IL");
  EXPECT_EQ(transfers.count("vipps"), 0u) << "Norway is in the EEA";
  bool paypal = false;
  for (const auto& r : j["recipients"]) {
    if (r["id"] != "paypal") continue;
    paypal = true;
    EXPECT_EQ(r["dpv"], "dpv:DataProcessor");
    EXPECT_EQ(r["country"], "LU");
  }
  EXPECT_TRUE(paypal);
  const json* contract = Activity(j, "contract");
  ASSERT_NE(contract, nullptr);
  EXPECT_THAT((*contract)["transfers"].dump(), HasSubstr("wix"));
  EXPECT_THAT((*contract)["recipients"].dump(), HasSubstr("vipps"));
  // The controller's own description of its measures, in the record's language.
  EXPECT_THAT(j["security_measures"].dump(), HasSubstr("risikovurderinger"));
}

TEST(Ropa, RepresentativeAndDpoAreListedWhenConfigured) {
  std::string toml = ReadExample("minimagi");
  const std::string anchor = "website = \"https://www.minimagi.net\"\n";
  toml.insert(toml.find(anchor) + anchor.size(),
              "dpo = { name = \"Dana Protector\", email = \"dpo@minimagi.net\" }\n"
              "representative = { name = \"Rep GmbH\", address = \"Hauptstr. 1, Berlin\", email = \"rep@example.de\" "
              "}\n");
  auto config = Load(toml, "minimagi.toml");
  ASSERT_TRUE(config);
  json j = RopaJson(BuildRopa(*config, "pv-test"));
  EXPECT_EQ(j["controller"]["representative"]["name"], "Rep GmbH");
  EXPECT_EQ(j["controller"]["representative"]["dpv"], "dpv:Representative");
  EXPECT_EQ(j["controller"]["dpo"]["email"], "dpo@minimagi.net");
  std::string html = RopaHtml(BuildRopa(*config, "pv-test"));
  EXPECT_THAT(html, HasSubstr("Rep GmbH, Hauptstr. 1, Berlin, rep@example.de"));
  EXPECT_THAT(RopaCsv(BuildRopa(*config, "pv-test")), HasSubstr("\"Rep GmbH; Hauptstr. 1, Berlin; rep@example.de\""));
}

TEST(Ropa, CsvHasOneQuotedRowPerActivity) {
  std::string toml = ReadExample("minimagi");
  // A name with a comma and quotes must survive as one field.
  const std::string old_name = "name.en = \"Profiling for more relevant marketing\"";
  ASSERT_NE(toml.find(old_name), std::string::npos);
  toml.replace(toml.find(old_name), old_name.size(), R"(name.en = "Profiling, \"targeted\" offers")");
  auto config = Load(toml, "minimagi.toml");
  ASSERT_TRUE(config);
  const std::string csv = RopaCsv(BuildRopa(*config, "pv-test"));
  std::vector<std::string> lines;
  std::stringstream in(csv);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), config->purposes.size() + 1) << "a header and one row per purpose";
  EXPECT_EQ(lines[0].rfind("\"controller\",\"controller_contact\",\"representative\",\"dpo\",", 0), 0u) << lines[0];
  EXPECT_EQ(lines[0].back(), '\r') << "RFC 4180 line ends";
  EXPECT_THAT(csv, HasSubstr(R"("profiling","Profiling, ""targeted"" offers","dpv:PersonalisedAdvertising")"));
  EXPECT_THAT(csv, HasSubstr(R"("consent","dpv:Consent","eu-gdpr:A6-1-a")"));
  EXPECT_THAT(csv, HasSubstr(R"("accounting",)"));
}

TEST(Ropa, CsvOfLilleminiNamesTransfersPerActivity) {
  auto config = Load(ReadExample("lillemini"), "lillemini.toml");
  ASSERT_TRUE(config);
  const std::string csv = RopaCsv(BuildRopa(*config, "pv-test"));
  EXPECT_THAT(csv, HasSubstr("aws → US (eu_us_dpf, eu-gdpr:A45-3)"));
  EXPECT_THAT(csv, HasSubstr("wix → IL (adequacy, eu-gdpr:A45-3)"));
}

TEST(Ropa, HtmlIsSelfContainedAndAccessible) {
  for (const auto& [shop, lang] : {std::pair{"minimagi", "en"}, std::pair{"lillemini", "nb"}}) {
    auto config = Load(ReadExample(shop), std::string(shop) + ".toml");
    ASSERT_TRUE(config);
    const std::string html = RopaHtml(BuildRopa(*config, "pv-test", lang));
    EXPECT_THAT(html, HasSubstr(std::string("<html lang=\"") + lang + "\">")) << shop;
    EXPECT_THAT(html, HasSubstr("<main>"));
    EXPECT_THAT(html, HasSubstr("<caption>"));
    EXPECT_THAT(html, HasSubstr("<th scope=\"col\">Legal basis</th>"));
    EXPECT_THAT(html, HasSubstr("Consent <code>dpv:Consent</code> <code>eu-gdpr:A6-1-a</code>"));
    EXPECT_THAT(html, HasSubstr("pv-test"));
    // Nothing fetched from elsewhere.
    EXPECT_THAT(html, Not(HasSubstr("<script")));
    EXPECT_THAT(html, Not(HasSubstr("<link")));
    EXPECT_THAT(html, Not(HasSubstr(" src=")));
    EXPECT_THAT(html, Not(HasSubstr("url(")));
  }
  auto lillemini = Load(ReadExample("lillemini"), "lillemini.toml");
  ASSERT_TRUE(lillemini);
  const std::string html = RopaHtml(BuildRopa(*lillemini, "pv-test"));
  EXPECT_THAT(html, HasSubstr("<th scope=\"row\">aws</th><td>US</td>"));
}

TEST(Ropa, FormatsParse) {
  EXPECT_EQ(ParseRopaFormat("csv"), RopaFormat::kCsv);
  EXPECT_EQ(ParseRopaFormat("json"), RopaFormat::kJson);
  EXPECT_EQ(ParseRopaFormat("html"), RopaFormat::kHtml);
  EXPECT_FALSE(ParseRopaFormat("xlsx"));
}

}  // namespace
}  // namespace tillit::policy
