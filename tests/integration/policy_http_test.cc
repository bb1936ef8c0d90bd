// The published privacy policy through a real `tillit serve` and the real `tillit policy render`: /privacy redirects
// to the default language, /privacy/{lang} and /privacy/{lang}/processors serve the configured languages without a
// key, other languages are a 404, and the command line writes the very page the server publishes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "support/server.h"

namespace tillit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Today's date in UTC, YYYY-MM-DD: the date a freshly published configuration's policy states.
std::string TodayUtc() {
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

class PolicyHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Lillemini publishes in nb (default) and en, and offers its processor overview.
    server_ = std::make_unique<TestServer>(dir_ / "data", ServeOptions{.config = ExampleConfig("lillemini")});
    version_ = json::parse(Http("GET", server_->url("/healthz")).body)["policy_version"];
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
  std::string version_;
};

TEST_F(PolicyHttpTest, PrivacyRedirectsToTheDefaultLanguage) {
  HttpResult r = Http("GET", server_->url("/privacy"));
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.headers["location"], "/privacy/nb");
}

TEST_F(PolicyHttpTest, ServesThePolicyInEveryConfiguredLanguageWithoutAKey) {
  for (const std::string lang : {"nb", "en"}) {
    HttpResult r = Http("GET", server_->url("/privacy/" + lang));
    ASSERT_EQ(r.status, 200) << lang << ": " << r.body;
    EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
    EXPECT_EQ(r.headers["content-language"], lang);
    EXPECT_THAT(r.headers["content-security-policy"], StartsWith("default-src 'none'"));
    EXPECT_THAT(r.body, StartsWith("<!DOCTYPE html>"));
    EXPECT_THAT(r.body, HasSubstr("<html lang=\"" + lang + "\">"));
    EXPECT_THAT(r.body, HasSubstr(version_)) << "the page names the policy version consents record";
    EXPECT_THAT(r.body, HasSubstr("Lillemini AS"));
    EXPECT_THAT(r.body, HasSubstr("href=\"/privacy/" + lang + "/processors\""));
    EXPECT_THAT(r.body, Not(HasSubstr("<script")));
  }
  EXPECT_THAT(Http("GET", server_->url("/privacy/nb")).body, HasSubstr("Personvernerklæring"));
  EXPECT_THAT(Http("GET", server_->url("/privacy/en")).body, HasSubstr("Privacy policy"));
}

TEST_F(PolicyHttpTest, ServesTheProcessorOverview) {
  HttpResult r = Http("GET", server_->url("/privacy/nb/processors"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
  for (const char* name :
       {"Wix.com Ltd.", "Stripe Payments Europe, Ltd.", "Vipps MobilePay AS", "Amazon Web Services"}) {
    EXPECT_THAT(r.body, HasSubstr(name));
  }
  EXPECT_THAT(r.body, HasSubstr("href=\"/privacy/nb\""));
  EXPECT_THAT(r.body, HasSubstr(version_));
}

TEST_F(PolicyHttpTest, ALanguageTheConfigurationDoesNotOfferIsNotFound) {
  for (const std::string path : {"/privacy/fi", "/privacy/sv/processors", "/privacy/de", "/privacy/xx%2F..%2Fen"}) {
    HttpResult r = Http("GET", server_->url(path));
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.headers["content-type"], "application/json") << path;
    json j = json::parse(r.body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.body;
    EXPECT_EQ(j["error"]["code"], "language_not_offered") << path;
    EXPECT_EQ(j["error"]["details"]["languages"], json::array({"nb", "en"})) << path;
  }
  EXPECT_EQ(Http("GET", server_->url("/privacy/nb/other")).status, 404);
}

TEST_F(PolicyHttpTest, TheCommandLineWritesThePageTheServerPublishes) {
  const std::string out = dir_ / "policy.html";
  RunResult r = RunTillit({"policy", "render", "--config", ExampleConfig("lillemini"), "--lang", "nb", "--format",
                           "html", "--date", TodayUtc(), "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(out), Http("GET", server_->url("/privacy/nb")).body);

  RunResult md = RunTillit(
      {"policy", "render", "--config", ExampleConfig("lillemini"), "--lang", "en", "--format", "md", "--processors"});
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_THAT(md.out, StartsWith("# Processors and other recipients – Lillemini AS\n"));
  EXPECT_THAT(md.out, HasSubstr(version_));
}

TEST(PolicyCli, RefusesLanguagesFormatsAndDatesItCannotServe) {
  RunResult unlisted = RunTillit({"policy", "render", "--config", ExampleConfig("lillemini"), "--lang", "fi"});
  EXPECT_EQ(unlisted.exit_code, 2);
  EXPECT_THAT(unlisted.err, HasSubstr("publishes its policy in nb, en, not in 'fi'"));
  EXPECT_TRUE(unlisted.out.empty());

  RunResult unsupported = RunTillit({"policy", "render", "--config", ExampleConfig("minime"), "--lang", "de"});
  EXPECT_EQ(unsupported.exit_code, 2);
  EXPECT_THAT(unsupported.err, HasSubstr("tillit writes policies in en, sv, nb and fi; 'de' is not one of them"));

  RunResult format =
      RunTillit({"policy", "render", "--config", ExampleConfig("minime"), "--lang", "fi", "--format", "pdf"});
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_THAT(format.err, HasSubstr("--format must be html or md"));

  RunResult date =
      RunTillit({"policy", "render", "--config", ExampleConfig("minime"), "--lang", "fi", "--date", "2026-02-30"});
  EXPECT_EQ(date.exit_code, 2);

  RunResult missing = RunTillit({"policy", "render", "--lang", "fi"});
  EXPECT_EQ(missing.exit_code, 2);

  RunResult ok = RunTillit({"policy", "render", "--config", ExampleConfig("minime"), "--lang", "fi", "--format", "md",
                            "--date", "2026-05-04"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(ok.out, StartsWith("# Tietosuojaseloste – Nisuva Oy\n"));
  EXPECT_THAT(ok.out, HasSubstr("päivätty 4.5.2026"));
}

}  // namespace
}  // namespace tillit::testing
