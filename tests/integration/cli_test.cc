// The tillit command line as an operator uses it: exit codes, messages, files created.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "support/process.h"

namespace tillit::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  stat(path.c_str(), &st);
  return st.st_mode & 07777;
}

TEST(Cli, VersionPrintsTheVersion) {
  RunResult r = RunTillit({"version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, MatchesRegex("tillit [0-9]+\\.[0-9]+\\.[0-9]+\n"));
}

TEST(Cli, UnknownSubcommandIsUsageError) {
  RunResult r = RunTillit({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(Cli, CheckAcceptsEverySeedShop) {
  for (const char* shop : {"minimagi", "znorky", "lillemini", "minime", "smarti"}) {
    RunResult r = RunTillit({"check", ExampleConfig(shop)});
    EXPECT_EQ(r.exit_code, 0) << shop << ": " << r.err;
    EXPECT_THAT(r.out, HasSubstr("ok")) << shop;
    EXPECT_THAT(r.out, HasSubstr("policy version pv-")) << shop;
  }
}

TEST(Cli, CheckReportsEveryProblemWithFileLineColumnKeyAndFix) {
  TempDir dir;
  const std::string path = dir / "bad.toml";
  WriteFile(path,
            "languages = [\"en\"]\n"                          // 1
            "categories = [\"contact.email\"]\n"              // 2
            "[controller]\n"                                  // 3
            "name = \"Shop\"\n"                               // 4
            "address = \"Street 1, 0150 Oslo\"\n"             // 5
            "country = \"NO\"\n"                              // 6
            "email = \"privacy@shop.no\"\n"                   // 7
            "[[purpose]]\n"                                   // 8
            "id = \"newsletter\"\n"                           // 9
            "legal_basis = \"concent\"\n"                     // 10
            "categories = [\"contact.email\"]\n"              // 11
            "name.en = \"Newsletter\"\n"                      // 12
            "description.en = \"News by e-mail.\"\n"          // 13
            "[[recipient]]\n"                                 // 14
            "id = \"mailer\"\n"                               // 15
            "name = \"Mailer Inc\"\n"                         // 16
            "role = \"processor\"\n"                          // 17
            "country = \"US\"\n"                              // 18
            "categories = [\"contact.email\"]\n"              // 19
            "purposes = [\"newsletter\"]\n"                   // 20
            "[policy.en]\n");                                 // 21
  RunResult r = RunTillit({"check", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(path + ":10:15: purpose.newsletter.legal_basis: unknown legal basis 'concent' — "
                                      "did you mean 'consent'?"));
  EXPECT_THAT(r.err, HasSubstr(path + ":18:11: recipient.mailer.safeguard: recipient in US, outside the EEA, has "
                                      "no transfer safeguard — add safeguard"));
  EXPECT_THAT(r.err, HasSubstr("2 errors"));
}

TEST(Cli, CheckNamesAMissingFile) {
  RunResult r = RunTillit({"check", "/nonexistent/tillit.toml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("/nonexistent/tillit.toml:0:0: cannot open the file"));
}

TEST(Cli, CheckWithoutFileIsUsageError) {
  RunResult r = RunTillit({"check"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("name the configuration file"));
}

TEST(Cli, InitCreatesPrivateKeyAndIsIdempotent) {
  TempDir dir;
  const std::string data = dir / "data";
  RunResult first = RunTillit({"init", "--config", ExampleConfig("minime"), "--data", data});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("master key"));
  EXPECT_THAT(first.out, HasSubstr("created"));
  EXPECT_EQ(ModeOf(data + "/master.key"), 0600u);
  EXPECT_EQ(ModeOf(data), 0700u);
  EXPECT_EQ(ModeOf(data + "/tillit.db") & 077, 0u);
  const std::string key = ReadFile(data + "/master.key");
  ASSERT_THAT(key, MatchesRegex("tillit-kek 1 [0-9a-f]{64}\n"));

  RunResult second = RunTillit({"init", "--config", ExampleConfig("minime"), "--data", data});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.out, HasSubstr("kept"));
  EXPECT_THAT(second.out, HasSubstr("(unchanged)"));
  EXPECT_EQ(ReadFile(data + "/master.key"), key) << "init must never overwrite a key";
}

TEST(Cli, InitAndServeRefuseAKeyOthersCanRead) {
  TempDir dir;
  const std::string data = dir / "data";
  ASSERT_EQ(RunTillit({"init", "--config", ExampleConfig("minimagi"), "--data", data}).exit_code, 0);
  chmod((data + "/master.key").c_str(), 0644);
  RunResult init = RunTillit({"init", "--config", ExampleConfig("minimagi"), "--data", data});
  EXPECT_EQ(init.exit_code, 1);
  EXPECT_THAT(init.err, HasSubstr("readable by group or others"));
  EXPECT_THAT(init.err, HasSubstr("chmod 600"));
  RunResult serve = RunTillit({"serve", "--config", ExampleConfig("minimagi"), "--data", data, "--listen",
                               "127.0.0.1:0"});
  EXPECT_EQ(serve.exit_code, 1);
  EXPECT_THAT(serve.err, HasSubstr("readable by group or others"));
}

TEST(Cli, InitRefusesAnInvalidConfigAndCreatesNothing) {
  TempDir dir;
  const std::string config = dir / "bad.toml";
  WriteFile(config, "[controller]\nname = 5\n");
  RunResult r = RunTillit({"init", "--config", config, "--data", dir / "data"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("controller.name: expected a string"));
  struct stat st {};
  EXPECT_NE(stat((dir / "data").c_str(), &st), 0);
}

TEST(Cli, ServeWithoutInitSaysWhatToDo) {
  TempDir dir;
  RunResult r = RunTillit({"serve", "--config", ExampleConfig("minimagi"), "--data", dir / "none", "--listen",
                           "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("run `tillit init"));
}

TEST(Cli, ServeRejectsABadListenAddress) {
  TempDir dir;
  ASSERT_EQ(RunTillit({"init", "--config", ExampleConfig("minimagi"), "--data", dir / "d"}).exit_code, 0);
  RunResult r = RunTillit({"serve", "--config", ExampleConfig("minimagi"), "--data", dir / "d", "--listen",
                           "127.0.0.1:99999"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("port from 0 to 65535"));
}

TEST(Cli, KeyLifecycle) {
  TempDir dir;
  const std::string data = dir / "data";
  ASSERT_EQ(RunTillit({"init", "--config", ExampleConfig("minimagi"), "--data", data}).exit_code, 0);

  RunResult created = RunTillit({"key", "create", "--preset", "privacy-desk", "--data", data, "--name", "webshop", "--purposes",
                                 "contract,customer_service"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  ASSERT_THAT(created.out, MatchesRegex("tillit_[0-9a-f]{64}\n"));
  const std::string secret = created.out.substr(0, created.out.size() - 1);

  RunResult list = RunTillit({"key", "list", "--data", data});
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_THAT(list.out, HasSubstr("webshop"));
  EXPECT_THAT(list.out, HasSubstr("active"));
  EXPECT_THAT(list.out, HasSubstr("contract,customer_service"));
  EXPECT_THAT(list.out, Not(HasSubstr(secret))) << "the secret is shown once only";
  EXPECT_THAT(ReadFile(data + "/tillit.db"), Not(HasSubstr(secret))) << "only the hash is stored";

  RunResult duplicate = RunTillit({"key", "create", "--preset", "privacy-desk", "--data", data, "--name", "webshop", "--purposes", "contract"});
  EXPECT_EQ(duplicate.exit_code, 1);
  EXPECT_THAT(duplicate.err, HasSubstr("exists already"));

  RunResult unknown = RunTillit({"key", "create", "--preset", "privacy-desk", "--data", data, "--name", "x", "--purposes", "telepathy"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("unknown purpose 'telepathy'"));

  RunResult badname = RunTillit({"key", "create", "--preset", "privacy-desk", "--data", data, "--name", "Web Shop!", "--purposes", "contract"});
  EXPECT_EQ(badname.exit_code, 1);

  RunResult revoked = RunTillit({"key", "revoke", "webshop", "--data", data});
  EXPECT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_THAT(RunTillit({"key", "list", "--data", data}).out, HasSubstr("revoked"));
  RunResult again = RunTillit({"key", "revoke", "webshop", "--data", data});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("no active API key named 'webshop'"));
}

}  // namespace
}  // namespace tillit::testing
