// The decision engine through the HTTP API: one row per rule and its edge cases, a restart that must not change any
// answer, a raised purpose revision that outdates consents, and decisions read right after concurrent writes.
// Configuration: Minimagi (marketing by e-mail on legitimate interest with the existing-customer exception,
// profiling on consent), with a consent validity of 24 months for profiling.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/server.h"

namespace tillit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class DecideTest : public ::testing::Test {
 public:  // the table rows' setup functions use the helpers
  void SetUp() override {
    WriteFile(config(), MinimagiWithProfiling("consent_validity = \"24 months\"\n"));
    server_ = std::make_unique<TestServer>(data(), ServeOptions{.config = config()});
    server_->CreateKey("shop", "customer_service,marketing,profiling,analytics");
  }

  std::string config() const { return dir_ / "tillit.toml"; }
  std::string data() const { return dir_ / "data"; }

  std::string NewSubject() {
    static int n = 0;
    return server_->CreateSubject({{"identifiers", {{"email", "d" + std::to_string(++n) + "@example.no"}}}});
  }

  void Consent(const std::string& id, const json& body) {
    HttpResult r = server_->Post("/v1/subjects/" + id + "/consents", body);
    EXPECT_EQ(r.status, 201) << r.body;
  }

  void Object(const std::string& id, const json& body) {
    HttpResult r = server_->Post("/v1/subjects/" + id + "/objections", body);
    EXPECT_EQ(r.status, 201) << r.body;
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
};

struct Row {
  std::string name;
  std::function<void(DecideTest&, const std::string&)> setup;
  std::string purpose;
  std::string channel;
  bool allow;
  std::string rule;
};

json Given(const std::string& purpose, const std::string& channel = "") {
  json j = {{"purpose", purpose}, {"action", "given"}, {"method", "web_form"}};
  if (!channel.empty()) j["channel"] = channel;
  return j;
}
json Act(const std::string& purpose, const std::string& action, const std::string& channel = "") {
  json j = {{"purpose", purpose}, {"action", action}, {"method", "portal"}};
  if (!channel.empty()) j["channel"] = channel;
  return j;
}

TEST_F(DecideTest, EveryRuleThroughTheApi) {
  const std::vector<Row> rows = {
      {"contract needs nothing", nullptr, "contract", "", true, "contract"},
      {"legal obligation needs nothing", nullptr, "accounting", "", true, "legal_obligation"},
      {"consent purpose without consent", nullptr, "profiling", "", false, "no_consent"},
      {"consent given", [](DecideTest& t, const std::string& id) { t.Consent(id, Given("profiling")); }, "profiling",
       "", true, "consent"},
      {"consent withdrawn",
       [](DecideTest& t, const std::string& id) {
         t.Consent(id, Given("profiling"));
         t.Consent(id, Act("profiling", "withdrawn"));
       },
       "profiling", "", false, "consent_withdrawn"},
      {"withdrawn then given again",
       [](DecideTest& t, const std::string& id) {
         t.Consent(id, Given("profiling"));
         t.Consent(id, Act("profiling", "withdrawn"));
         t.Consent(id, Given("profiling"));
       },
       "profiling", "", true, "consent"},
      {"consent refused", [](DecideTest& t, const std::string& id) { t.Consent(id, Act("profiling", "refused")); },
       "profiling", "", false, "consent_refused"},
      {"consent expired after its validity",
       [](DecideTest& t, const std::string& id) {
         t.Consent(id, {{"purpose", "profiling"},
                        {"action", "given"},
                        {"method", "import"},
                        {"given_at", "2020-01-15T12:00:00Z"},
                        {"evidence", {{"user_agent", "imported"}}}});
       },
       "profiling", "", false, "consent_expired"},
      {"existing-customer exception never counts as consent",
       [](DecideTest& t, const std::string& id) {
         t.Consent(
             id,
             {{"purpose", "marketing"}, {"channel", "email"}, {"action", "existing_customer"}, {"method", "checkout"}});
       },
       "profiling", "", false, "no_consent"},
      {"legitimate interest without objection", nullptr, "analytics", "", true, "legitimate_interest"},
      {"objection to a legitimate-interest purpose",
       [](DecideTest& t, const std::string& id) {
         t.Object(id, {{"purpose", "analytics"}});
       },
       "analytics", "", false, "objected"},
      {"objection after consent: marketing objection stops profiling too",
       [](DecideTest& t, const std::string& id) {
         t.Consent(id, Given("profiling"));
         t.Object(id, {{"purpose", "marketing"}});
       },
       "profiling", "", false, "objected"},
      {"e-mail marketing without purchase or consent", nullptr, "marketing", "email", false, "not_existing_customer"},
      {"e-mail marketing with the existing-customer exception",
       [](DecideTest& t, const std::string& id) {
         t.Consent(
             id,
             {{"purpose", "marketing"}, {"channel", "email"}, {"action", "existing_customer"}, {"method", "checkout"}});
       },
       "marketing", "email", true, "existing_customer"},
      {"e-mail marketing with consent for every channel",
       [](DecideTest& t, const std::string& id) { t.Consent(id, Given("marketing")); }, "marketing", "email", true,
       "consent"},
      {"existing customer who then unsubscribed",
       [](DecideTest& t, const std::string& id) {
         t.Consent(
             id,
             {{"purpose", "marketing"}, {"channel", "email"}, {"action", "existing_customer"}, {"method", "checkout"}});
         t.Consent(id, Act("marketing", "withdrawn", "email"));
       },
       "marketing", "email", false, "consent_withdrawn"},
      {"objection to direct marketing is absolute",
       [](DecideTest& t, const std::string& id) {
         t.Consent(id, Given("marketing"));
         t.Object(id, {{"purpose", "marketing"}});
       },
       "marketing", "email", false, "objected"},
      {"objection to a channel",
       [](DecideTest& t, const std::string& id) {
         t.Object(id, {{"channel", "email"}});
       },
       "marketing", "email", false, "objected"},
      {"a channel the purpose does not declare", nullptr, "marketing", "sms", false, "channel_not_declared"},
      {"restricted subject",
       [](DecideTest& t, const std::string& id) {
         EXPECT_EQ(t.server_->Post("/v1/subjects/" + id + "/restriction", {{"reason", "accuracy contested"}}).status,
                   201);
       },
       "contract", "", false, "restricted"},
      {"restriction still allows answering the subject's requests",
       [](DecideTest& t, const std::string& id) {
         EXPECT_EQ(t.server_->Post("/v1/subjects/" + id + "/restriction", {{"reason", "accuracy contested"}}).status,
                   201);
       },
       "rights_fulfilment", "", true, "legal_obligation"},
      {"consent given during the restriction",
       [](DecideTest& t, const std::string& id) {
         EXPECT_EQ(t.server_->Post("/v1/subjects/" + id + "/restriction", {{"reason", "objection pending"}}).status,
                   201);
         t.Consent(id, Given("profiling"));
       },
       "profiling", "", true, "consent"},
      {"restriction lifted",
       [](DecideTest& t, const std::string& id) {
         EXPECT_EQ(t.server_->Post("/v1/subjects/" + id + "/restriction", {{"reason", "accuracy contested"}}).status,
                   201);
         HttpResult lift =
             t.server_->Delete("/v1/subjects/" + id + "/restriction", {{"notice", "Your address was verified."}});
         EXPECT_EQ(lift.status, 200) << lift.body;
       },
       "contract", "", true, "contract"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    const std::string id = NewSubject();
    if (row.setup) row.setup(*this, id);
    json d = server_->Decide(id, row.purpose, row.channel);
    EXPECT_EQ(d.value("allow", !row.allow), row.allow) << d;
    EXPECT_EQ(d.value("rule", ""), row.rule) << d;
    EXPECT_FALSE(d.value("basis", "").empty()) << d;
  }
}

TEST_F(DecideTest, CompellingGroundsLiftAnObjectionExceptToMarketing) {
  const std::string id = NewSubject();
  HttpResult o = server_->Post("/v1/subjects/" + id + "/objections", {{"purpose", "analytics"}});
  ASSERT_EQ(o.status, 201) << o.body;
  const std::string oid = json::parse(o.body)["id"];
  EXPECT_EQ(server_->Decide(id, "analytics")["rule"], "objected");
  // Grounds without a reason are refused.
  EXPECT_EQ(
      server_->Post("/v1/subjects/" + id + "/objections/" + oid + "/decision", {{"outcome", "overridden"}}).status,
      400);
  HttpResult decided =
      server_->Post("/v1/subjects/" + id + "/objections/" + oid + "/decision",
                    {{"outcome", "overridden"}, {"reason", "fraud investigation needs the activity data"}});
  ASSERT_EQ(decided.status, 200) << decided.body;
  EXPECT_EQ(json::parse(decided.body)["status"], "overridden");
  EXPECT_EQ(server_->Decide(id, "analytics")["allow"], true);
  // Deciding twice is refused.
  EXPECT_EQ(server_->Post("/v1/subjects/" + id + "/objections/" + oid + "/decision", {{"outcome", "upheld"}}).status,
            422);

  HttpResult m = server_->Post("/v1/subjects/" + id + "/objections", {{"purpose", "marketing"}});
  ASSERT_EQ(m.status, 201);
  const std::string mid = json::parse(m.body)["id"];
  HttpResult absolute = server_->Post("/v1/subjects/" + id + "/objections/" + mid + "/decision",
                                      {{"outcome", "overridden"}, {"reason", "we want to"}});
  EXPECT_EQ(absolute.status, 422) << absolute.body;
  EXPECT_THAT(absolute.body, HasSubstr("objection_absolute"));
}

TEST_F(DecideTest, ARestartChangesNoAnswerAndARaisedRevisionOutdatesConsent) {
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(NewSubject());
  Consent(ids[0], Given("profiling"));
  Object(ids[1], {{"purpose", "analytics"}});
  EXPECT_EQ(server_->Post("/v1/subjects/" + ids[2] + "/restriction", {{"reason", "r"}}).status, 201);
  Consent(ids[3],
          {{"purpose", "marketing"}, {"channel", "email"}, {"action", "existing_customer"}, {"method", "checkout"}});
  const std::vector<std::pair<std::string, std::string>> asks = {
      {"profiling", ""}, {"analytics", ""}, {"contract", ""}, {"marketing", "email"}};
  std::vector<json> before;
  for (const auto& id : ids) {
    for (const auto& [purpose, channel] : asks) before.push_back(server_->Decide(id, purpose, channel));
  }
  ASSERT_EQ(server_->Stop(), 0);
  ASSERT_TRUE(server_->Restart());
  size_t k = 0;
  for (const auto& id : ids) {
    for (const auto& [purpose, channel] : asks) EXPECT_EQ(server_->Decide(id, purpose, channel), before[k++]) << id;
  }
  EXPECT_EQ(server_->Decide(ids[0], "profiling")["rule"], "consent");

  // A material change of the profiling text: consents given under revision 1 no longer count.
  ASSERT_EQ(server_->Stop(), 0);
  WriteFile(config(), MinimagiWithProfiling("consent_validity = \"24 months\"\nrevision = 2\n"));
  ASSERT_TRUE(server_->Restart());
  EXPECT_EQ(server_->Decide(ids[0], "profiling")["rule"], "consent_outdated");
  Consent(ids[0], Given("profiling"));
  EXPECT_EQ(server_->Decide(ids[0], "profiling")["rule"], "consent");
}

TEST_F(DecideTest, ADecisionAfterAWriteSeesItUnderConcurrentWrites) {
  std::vector<std::string> ids;
  for (int i = 0; i < 16; ++i) ids.push_back(NewSubject());
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (const auto& id : ids) {
    threads.emplace_back([&, id] {
      for (const std::string action : {"given", "withdrawn", "given"}) {
        HttpResult r = server_->Post("/v1/subjects/" + id + "/consents",
                                     {{"purpose", "profiling"}, {"action", action}, {"method", "api"}});
        if (r.status != 201) ++mismatches;
        HttpResult d = server_->Get("/v1/decide?subject=" + id + "&purpose=profiling");
        const json j = json::parse(d.body, nullptr, false);
        const bool expect = std::string(action) == "given";
        if (j.is_discarded() || j.value("allow", !expect) != expect) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST_F(DecideTest, BatchAndBadInput) {
  const std::string id = NewSubject();
  Consent(id, Given("profiling"));
  HttpResult batch =
      server_->Post("/v1/decide/batch", {{"checks",
                                          {{{"subject", id}, {"purpose", "profiling"}},
                                           {{"subject", id}, {"purpose", "marketing"}, {"channel", "email"}},
                                           {{"subject", "sub_nobody"}, {"purpose", "contract"}},
                                           {{"subject", id}, {"purpose", "astrology"}}}}});
  ASSERT_EQ(batch.status, 200) << batch.body;
  const json results = json::parse(batch.body)["results"];
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0]["allow"], true);
  EXPECT_EQ(results[1]["rule"], "not_existing_customer");
  EXPECT_EQ(results[2]["error"]["code"], "subject_not_found");
  EXPECT_EQ(results[3]["error"]["code"], "unknown_purpose");

  EXPECT_EQ(server_->Get("/v1/decide?subject=" + id).status, 400);
  EXPECT_EQ(server_->Get("/v1/decide?subject=" + id + "&purpose=astrology").status, 400);
  EXPECT_EQ(server_->Get("/v1/decide?subject=" + id + "&purpose=marketing&channel=pigeon").status, 400);
  EXPECT_EQ(server_->Get("/v1/decide?subject=sub_nobody&purpose=contract").status, 404);
  EXPECT_EQ(Http("GET", server_->url("/v1/decide?subject=" + id + "&purpose=contract")).status, 401);
  EXPECT_EQ(server_->Post("/v1/subjects/" + id + "/consents", {{"purpose", "profiling"}, {"action", "maybe"}}).status,
            400);
  EXPECT_EQ(server_->Post("/v1/subjects/" + id + "/consents", {{"purpose", "profiling"}}).status, 400);
  EXPECT_EQ(server_->Post("/v1/subjects/" + id + "/consents", {{"purpose", "profiling"}, {"action", "given"}, {"x", 1}})
                .status,
            400);
  EXPECT_EQ(server_->Send("POST", "/v1/subjects/" + id + "/consents", "{not json").status, 400);
  EXPECT_EQ(server_->Post("/v1/subjects/sub_nobody/consents", Given("profiling")).status, 404);
  EXPECT_EQ(server_->Post("/v1/subjects/" + id + "/objections", json::object()).status, 400);
  EXPECT_EQ(server_->Post("/v1/subjects/" + id + "/restriction", json::object()).status, 400);
  EXPECT_EQ(server_->Delete("/v1/subjects/" + id + "/restriction").status, 404);
}

TEST_F(DecideTest, ReadsOfPersonalDataPassTheDecision) {
  const std::string id = NewSubject();
  const Caller read = {.purpose = "profiling"};
  HttpResult denied = server_->Get("/v1/subjects/" + id, read);
  EXPECT_EQ(denied.status, 422) << denied.body;
  EXPECT_THAT(denied.body, HasSubstr("no_consent"));
  Consent(id, Given("profiling"));
  EXPECT_EQ(server_->Get("/v1/subjects/" + id, read).status, 200);
  HttpResult history = server_->Get("/v1/subjects/" + id + "/consents", read);
  ASSERT_EQ(history.status, 200) << history.body;
  const json h = json::parse(history.body);
  ASSERT_EQ(h["history"].size(), 1u);
  EXPECT_EQ(h["history"][0]["revision"], 1);
  EXPECT_THAT(h["history"][0]["policy_version"].get<std::string>(), HasSubstr("pv-"));
}

}  // namespace
}  // namespace tillit::testing
