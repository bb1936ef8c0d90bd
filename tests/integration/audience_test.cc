// Marketing audiences through the HTTP API and the CLI: the audience for (marketing, email) holds exactly the subjects
// whose decision allows, each with the right e-mail; ids_only opens no e-mail; each export is one audit entry and a
// refused one none; `tillit audience` gives the same export from the store without a server; bad input is refused.
// Configuration: Minimagi (marketing by e-mail on legitimate interest with the existing-customer exception,
// profiling on consent).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "support/server.h"

namespace tillit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// The lines of an NDJSON body, parsed; a line that is not JSON becomes a discarded value.
std::vector<json> Lines(const std::string& body) {
  std::vector<json> lines;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line, nullptr, false));
  return lines;
}

class AudienceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>(data(), ServeOptions{.config = config()});
    server_->CreateKey("shop", "customer_service,marketing,profiling");
    analyst_key_ = server_->CreateKey("analyst", "analytics");
  }

  std::string config() const { return ExampleConfig("minimagi"); }
  std::string data() const { return dir_ / "data"; }

  std::string NewSubject(const json& identifiers) { return server_->CreateSubject({{"identifiers", identifiers}}); }

  void Expect201(const std::string& path, const json& body) {
    HttpResult r = server_->Post(path, body);
    EXPECT_EQ(r.status, 201) << path << " " << r.body;
  }

  bool Allows(const std::string& id, const std::string& purpose, const std::string& channel) {
    return server_->Decide(id, purpose, channel).value("allow", false);
  }

  HttpResult Audience(const std::string& query, const Caller& caller = {}) {
    return server_->Get("/v1/audiences?" + query, caller);
  }

  // The number of entries `tillit audit verify` counts; the server must be stopped.
  int64_t AuditEntries() {
    RunResult verify = RunTillit({"audit", "verify", "--data", data()});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    std::smatch m;
    const std::regex entries(R"(intact: (\d+) entries)");
    if (!std::regex_search(verify.out, m, entries)) {
      ADD_FAILURE() << verify.out;
      return -1;
    }
    return std::stoll(m[1]);
  }

  // ~30 subjects in varied states; returns each subject's e-mail ("" for one without).
  std::map<std::string, std::string> Populate() {
    const json existing_customer = {
        {"purpose", "marketing"}, {"channel", "email"}, {"action", "existing_customer"}, {"method", "checkout"}};
    const json given = {{"purpose", "marketing"}, {"action", "given"}, {"method", "web_form"}};
    const json given_email = {{"purpose", "marketing"}, {"channel", "email"}, {"action", "given"}, {"method", "api"}};
    const json withdrawn = {{"purpose", "marketing"}, {"action", "withdrawn"}, {"method", "portal"}};
    const std::vector<std::function<void(const std::string&)>> states = {
        [&](const std::string& id) { Expect201("/v1/subjects/" + id + "/consents", given); },
        [&](const std::string& id) { Expect201("/v1/subjects/" + id + "/consents", given_email); },
        [&](const std::string& id) { Expect201("/v1/subjects/" + id + "/consents", existing_customer); },
        [&](const std::string& id) {
          Expect201("/v1/subjects/" + id + "/consents", existing_customer);
          Expect201("/v1/subjects/" + id + "/objections", {{"purpose", "marketing"}});
        },
        [&](const std::string& id) {
          Expect201("/v1/subjects/" + id + "/consents", given);
          Expect201("/v1/subjects/" + id + "/consents", withdrawn);
        },
        [](const std::string&) {},  // no purchase, no consent
        [&](const std::string& id) {
          Expect201("/v1/subjects/" + id + "/consents", existing_customer);
          Expect201("/v1/subjects/" + id + "/restriction", {{"reason", "accuracy contested"}});
        },
        [&](const std::string& id) {
          Expect201("/v1/subjects/" + id + "/consents", given);
          Expect201("/v1/subjects/" + id + "/objections", {{"channel", "email"}});
        },
        [&](const std::string& id) {
          Expect201("/v1/subjects/" + id + "/consents", existing_customer);
          Expect201("/v1/subjects/" + id + "/restriction", {{"reason", "objection pending"}});
          HttpResult lift =
              server_->Delete("/v1/subjects/" + id + "/restriction", {{"notice", "Your objection was decided."}});
          EXPECT_EQ(lift.status, 200) << lift.body;
        },
    };
    std::map<std::string, std::string> emails;
    for (int i = 0; i < 30; ++i) {
      std::string id;
      if (i % 10 == 9) {  // no e-mail: allowed by consent, but nothing to send to
        char phone[32];
        std::snprintf(phone, sizeof phone, "+47 912 34 %03d", i);
        id = NewSubject({{"phone", phone}});
        emails[id] = "";
        Expect201("/v1/subjects/" + id + "/consents", given);
        continue;
      }
      const std::string email = "a" + std::to_string(i) + "@example.no";
      // One address given in mixed case: the register keeps it normalised.
      id = NewSubject({{"email", i == 0 ? "  A0@Example.NO " : email}});
      emails[id] = email;
      states[static_cast<size_t>(i % 10)](id);
    }
    return emails;
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
  std::string analyst_key_;
};

TEST_F(AudienceTest, MatchesTheDecisionsSubjectBySubject) {
  const std::map<std::string, std::string> emails = Populate();
  HttpResult r = Audience("purpose=marketing&channel=email");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.headers["content-type"], HasSubstr("application/x-ndjson"));
  std::vector<json> lines = Lines(r.body);
  ASSERT_FALSE(lines.empty());
  const json summary = lines.back();
  lines.pop_back();

  std::map<std::string, std::string> members;
  for (const json& line : lines) {
    ASSERT_TRUE(line.is_object()) << r.body;
    EXPECT_EQ(line.size(), 2u) << line;  // the id and the e-mail, nothing else
    members[line.value("id", "")] = line.value("email", "");
  }
  size_t allowed = 0, skipped = 0;
  for (const auto& [id, email] : emails) {
    SCOPED_TRACE(id);
    const bool allow = Allows(id, "marketing", "email");
    allowed += allow ? 1 : 0;
    if (allow && email.empty()) {
      ++skipped;
      EXPECT_FALSE(members.contains(id));
    } else if (allow) {
      ASSERT_TRUE(members.contains(id));
      EXPECT_EQ(members[id], email);
    } else {
      EXPECT_FALSE(members.contains(id));
    }
  }
  EXPECT_EQ(members.size(), allowed - skipped);
  // States 0, 1, 2 and 8 of every ten are allowed with an e-mail; state 9 is allowed without one.
  EXPECT_EQ(members.size(), 12u);
  EXPECT_EQ(skipped, 3u);
  EXPECT_EQ(summary["count"], members.size());
  EXPECT_EQ(summary["skipped"], skipped);
  EXPECT_EQ(summary["purpose"], "marketing");
  EXPECT_EQ(summary["channel"], "email");
  HttpResult health = Http("GET", server_->url("/healthz"));
  EXPECT_EQ(summary["policy_version"], json::parse(health.body)["policy_version"]);

  // ids_only: the same subjects, and no e-mail at all.
  HttpResult ids = Audience("purpose=marketing&channel=email&ids_only=true");
  ASSERT_EQ(ids.status, 200) << ids.body;
  EXPECT_THAT(ids.body, ::testing::Not(HasSubstr("@")));
  std::vector<json> id_lines = Lines(ids.body);
  EXPECT_EQ(id_lines.back()["count"], members.size());
  id_lines.pop_back();
  std::set<std::string> id_set;
  for (const json& line : id_lines) {
    EXPECT_EQ(line.size(), 1u) << line;
    id_set.insert(line.value("id", ""));
  }
  std::set<std::string> member_ids;
  for (const auto& [id, _] : members) member_ids.insert(id);
  EXPECT_EQ(id_set, member_ids);

  // Without a channel: ids only, for everyone the purpose allows without naming a channel.
  HttpResult any = Audience("purpose=marketing");
  ASSERT_EQ(any.status, 200) << any.body;
  std::vector<json> any_lines = Lines(any.body);
  EXPECT_EQ(any_lines.back()["skipped"], 0);
  any_lines.pop_back();
  std::set<std::string> any_ids;
  for (const json& line : any_lines) {
    EXPECT_EQ(line.size(), 1u) << line;
    any_ids.insert(line.value("id", ""));
  }
  for (const auto& [id, _] : emails) EXPECT_EQ(any_ids.contains(id), Allows(id, "marketing", "")) << id;

  // The Tillit-Purpose header may repeat the purpose; limit cuts the list.
  HttpResult limited = Audience("purpose=marketing&channel=email&limit=5", {.purpose = "marketing"});
  ASSERT_EQ(limited.status, 200) << limited.body;
  EXPECT_EQ(Lines(limited.body).size(), 6u);
  EXPECT_EQ(Lines(limited.body).back()["count"], 5);
}

TEST_F(AudienceTest, EachExportIsOneAuditEntryAndTheCliGivesTheSameExport) {
  Populate();
  ASSERT_EQ(server_->Stop(), 0);
  const int64_t before = AuditEntries();

  ASSERT_TRUE(server_->Restart());  // loading the configuration is one entry
  EXPECT_EQ(Audience("purpose=astrology&channel=email").status, 400);
  EXPECT_EQ(Audience("purpose=marketing&channel=sms").status, 400);
  EXPECT_EQ(Audience("purpose=marketing&channel=email", {.key = analyst_key_}).status, 403);
  HttpResult http = Audience("purpose=marketing&channel=email");
  ASSERT_EQ(http.status, 200) << http.body;
  ASSERT_EQ(server_->Stop(), 0);
  EXPECT_EQ(AuditEntries(), before + 2) << "one for the start, one for the export, none for the refused ones";

  // The CLI rebuilds the decisions from the store and writes the same export.
  const std::string out = dir_ / "audience.ndjson";
  RunResult cli = RunTillit({"audience", "--config", config(), "--data", data(), "--purpose", "marketing", "--channel",
                             "email", "--out", out});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(ReadFile(out), http.body);
  EXPECT_THAT(cli.err, HasSubstr("12 subjects"));
  EXPECT_EQ(AuditEntries(), before + 4) << "the CLI loads the configuration and exports: two entries";

  RunResult ids = RunTillit({"audience", "--config", config(), "--data", data(), "--purpose", "marketing", "--channel",
                             "email", "--ids-only"});
  ASSERT_EQ(ids.exit_code, 0) << ids.err;
  std::vector<json> cli_lines = Lines(ids.out), http_lines = Lines(http.body);
  ASSERT_EQ(cli_lines.size(), http_lines.size());
  for (size_t i = 0; i + 1 < cli_lines.size(); ++i) {
    EXPECT_EQ(cli_lines[i], json({{"id", http_lines[i]["id"]}}));
  }
  EXPECT_THAT(ids.out, ::testing::Not(HasSubstr("@")));

  RunResult bad =
      RunTillit({"audience", "--config", config(), "--data", data(), "--purpose", "marketing", "--channel", "post"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr("post"));
  EXPECT_TRUE(bad.out.empty()) << bad.out;
}

TEST_F(AudienceTest, BadInput) {
  NewSubject({{"email", "b@example.no"}});
  auto code = [](const HttpResult& r) { return json::parse(r.body, nullptr, false)["error"].value("code", ""); };

  HttpResult unknown = Audience("purpose=astrology&channel=email");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(code(unknown), "unknown_purpose");
  HttpResult undeclared = Audience("purpose=marketing&channel=sms");
  EXPECT_EQ(undeclared.status, 400);
  EXPECT_EQ(code(undeclared), "channel_not_declared");
  HttpResult no_channels = Audience("purpose=profiling&channel=email");
  EXPECT_EQ(no_channels.status, 400);
  EXPECT_EQ(code(no_channels), "channel_not_declared");
  HttpResult unknown_channel = Audience("purpose=marketing&channel=pigeon");
  EXPECT_EQ(unknown_channel.status, 400);
  EXPECT_EQ(code(unknown_channel), "unknown_channel");
  EXPECT_EQ(Audience("channel=email").status, 400);
  EXPECT_EQ(Audience("purpose=marketing&channel=email&ids_only=maybe").status, 400);
  EXPECT_EQ(Audience("purpose=marketing&channel=email&limit=0").status, 400);
  HttpResult mismatch = Audience("purpose=marketing&channel=email", {.purpose = "profiling"});
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_EQ(code(mismatch), "purpose_mismatch");

  HttpResult no_key = Http("GET", server_->url("/v1/audiences?purpose=marketing&channel=email"));
  EXPECT_EQ(no_key.status, 401);
  HttpResult not_allowed = Audience("purpose=marketing&channel=email", {.key = analyst_key_});
  EXPECT_EQ(not_allowed.status, 403);
  EXPECT_EQ(code(not_allowed), "purpose_not_allowed");
}

}  // namespace
}  // namespace tillit::testing
