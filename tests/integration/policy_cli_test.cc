// `tillit policy diff`, `tillit ropa` and the published versions over HTTP, as an operator uses them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "support/server.h"

namespace tillit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

std::string VersionOf(const std::string& config) {
  RunResult r = RunTillit({"check", config});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  std::regex_search(r.out, m, std::regex("pv-[0-9a-f]+"));
  return m.empty() ? "" : m.str();
}

// Minimagi, and Minimagi with profiling's revision raised and a new retention period for cart events.
class PolicyVersions : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string text = ReadFile(ExampleConfig("minimagi"));
    WriteFile(before(), text);
    const std::string anchor = "id = \"profiling\"\nlegal_basis = \"consent\"\n";
    text.insert(text.find(anchor) + anchor.size(), "revision = 2\n");
    const std::string cart = "record_kind = \"cart_event\"\nduration = \"90 days\"";
    text.replace(text.find(cart), cart.size(), "record_kind = \"cart_event\"\nduration = \"60 days\"");
    WriteFile(after(), text);
  }
  std::string before() const { return dir_ / "before.toml"; }
  std::string after() const { return dir_ / "after.toml"; }
  std::string data() const { return dir_ / "data"; }
  TempDir dir_;
};

TEST_F(PolicyVersions, DiffOfTwoFilesAsTextAndJson) {
  RunResult r = RunTillit({"policy", "diff", "--from", before(), "--to", after()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(VersionOf(before()) + " → " + VersionOf(after())));
  EXPECT_THAT(r.out, HasSubstr("profiling: revision raised 1 → 2"));
  EXPECT_THAT(r.out, HasSubstr("record_kind cart_event: kept for: 90 days → 60 days"));
  EXPECT_THAT(r.out, Not(HasSubstr("controller")));

  RunResult j = RunTillit({"policy", "diff", "--from", before(), "--to", after(), "--format", "json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  json diff = json::parse(j.out);
  ASSERT_EQ(diff["changes"].size(), 2u) << j.out;
  EXPECT_EQ(diff["changes"][0]["section"], "purposes");
  EXPECT_EQ(diff["changes"][0]["field"], "revision");
  EXPECT_EQ(diff["changes"][0]["from"], 1);
  EXPECT_EQ(diff["changes"][0]["to"], 2);
}

TEST_F(PolicyVersions, DiffBadUsage) {
  EXPECT_EQ(RunTillit({"policy", "diff"}).exit_code, 2);
  EXPECT_EQ(RunTillit({"policy", "diff", "--from", before()}).exit_code, 2);
  EXPECT_EQ(RunTillit({"policy", "diff", "pv-a", "pv-b"}).exit_code, 2) << "versions need --data";
  EXPECT_EQ(RunTillit({"policy", "diff", "--from", before(), "--to", after(), "--format", "xml"}).exit_code, 2);
  WriteFile(dir_ / "broken.toml", "languages = [\"en\"]\n[controller]\nname = 1\n");
  RunResult broken = RunTillit({"policy", "diff", "--from", before(), "--to", dir_ / "broken.toml"});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_THAT(broken.err, HasSubstr("broken.toml:3"));
}

TEST_F(PolicyVersions, PublishedVersionsAreListedAndCompared) {
  const std::string v1 = VersionOf(before()), v2 = VersionOf(after());
  ASSERT_EQ(RunTillit({"init", "--config", before(), "--data", data()}).exit_code, 0);
  RunResult unknown = RunTillit({"policy", "diff", v1, "pv-0000", "--data", data()});
  EXPECT_EQ(unknown.exit_code, 2);  // an id that names nothing: bad argument
  EXPECT_THAT(unknown.err, HasSubstr("no published policy version 'pv-0000'"));

  TestServer server(data(), {.config = after(), .init = false});
  ASSERT_TRUE(server.started());
  HttpResult versions = Http("GET", server.url("/v1/policy/versions"));
  ASSERT_EQ(versions.status, 200) << versions.body;
  json v = json::parse(versions.body);
  EXPECT_EQ(v["current"], v2);
  ASSERT_EQ(v["versions"].size(), 2u);
  EXPECT_EQ(v["versions"][0]["policy_version"], v2) << "newest first";
  EXPECT_EQ(v["versions"][0]["current"], true);
  EXPECT_EQ(v["versions"][1]["policy_version"], v1);
  EXPECT_THAT(std::string(v["versions"][1]["published_at"]), ::testing::MatchesRegex("[0-9]{4}-.*Z"));

  HttpResult diff = Http("GET", server.url("/v1/policy/diff?from=" + v1));
  ASSERT_EQ(diff.status, 200) << diff.body;
  json d = json::parse(diff.body);
  EXPECT_EQ(d["from"], v1);
  EXPECT_EQ(d["to"], v2);
  EXPECT_EQ(d["changes"].size(), 2u);
  HttpResult missing = Http("GET", server.url("/v1/policy/diff?from=pv-nope"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json::parse(missing.body)["error"]["code"], "policy_version_not_found");
  EXPECT_EQ(Http("GET", server.url("/v1/policy/diff")).status, 400);
  ASSERT_EQ(server.Stop(), 0);

  RunResult cli = RunTillit({"policy", "diff", v1, v2, "--data", data()});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_THAT(cli.out, HasSubstr("profiling: revision raised 1 → 2"));
}

TEST(RopaCommand, WritesEachFormatForTwoShops) {
  TempDir dir;
  for (const char* shop : {"minimagi", "lillemini"}) {
    RunResult j = RunTillit({"ropa", "--config", ExampleConfig(shop), "--format", "json"});
    ASSERT_EQ(j.exit_code, 0) << shop << j.err;
    json ropa = json::parse(j.out);
    EXPECT_EQ(ropa["policy_version"], VersionOf(ExampleConfig(shop)));
    EXPECT_FALSE(ropa["activities"].empty());
    RunResult csv = RunTillit({"ropa", "--config", ExampleConfig(shop), "--format", "csv", "--out", dir / "r.csv"});
    ASSERT_EQ(csv.exit_code, 0) << csv.err;
    EXPECT_THAT(ReadFile(dir / "r.csv"), HasSubstr("\"contract\""));
    RunResult html = RunTillit({"ropa", "--config", ExampleConfig(shop)});
    ASSERT_EQ(html.exit_code, 0);
    EXPECT_THAT(html.out, HasSubstr("<h1>Record of processing activities</h1>"));
  }
  RunResult nb = RunTillit({"ropa", "--config", ExampleConfig("lillemini"), "--format", "json", "--lang", "nb"});
  ASSERT_EQ(nb.exit_code, 0);
  EXPECT_EQ(json::parse(nb.out)["language"], "nb");
  EXPECT_EQ(RunTillit({"ropa", "--config", ExampleConfig("minimagi"), "--format", "xlsx"}).exit_code, 2);
  EXPECT_EQ(RunTillit({"ropa", "--config", ExampleConfig("minimagi"), "--lang", "sv"}).exit_code, 2);
  EXPECT_EQ(RunTillit({"ropa", "--config", dir / "missing.toml"}).exit_code, 1);
}

}  // namespace
}  // namespace tillit::testing
