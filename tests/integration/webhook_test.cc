// Webhooks and disclosures through the HTTP API, with a real receiver on loopback (python3's http.server started by
// the test): a consent change and a restriction reach a subscribed recipient as signed JSON with ids only; a
// receiver that fails is retried with backoff until it answers 2xx, or given up after the configured attempts and
// listed as failed; disclosures are checked against the configuration, logged with a sealed reference, audited, and
// summarised per recipient for the access report and Art. 19.
// Configuration: Minimagi plus a delivery recipient with a webhook.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/disclosure/disclosures.h"
#include "core/disclosure/webhooks.h"
#include "core/install/data_dir.h"
#include "support/server.h"
#include "support/webhook_receiver.h"
#include "util/clock.h"
#include "util/random.h"

namespace tillit::testing {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr const char* kSecret = "whsec-0123456789abcdef";

// A processor recipient with a webhook at `url`; `webhook_extra` goes into the webhook table (events, scope).
std::string RecipientToml(const std::string& id, const std::string& name, const std::string& country,
                          const std::string& categories, const std::string& service, const std::string& url,
                          const std::string& webhook_extra) {
  return "\n[[recipient]]\nid = \"" + id + "\"\nname = \"" + name + "\"\nrole = \"processor\"\ncountry = \"" + country +
         "\"\ncategories = [" + categories + "]\npurposes = [\"contract\"]\nservice = \"" + service +
         "\"\nwebhook = { url = \"" + url + "\", secret = \"" + kSecret + "\", " + webhook_extra + " }\n";
}

constexpr const char* kPostiCategories = R"("identity.name", "contact.address", "customer.order")";

std::string ConfigWith(const std::string& url, const std::string& events, const std::string& server) {
  return ReadFile(ExampleConfig("minimagi")) +
         RecipientToml("posti", "Posti Oy", "FI", kPostiCategories, "delivery", url, "events = [" + events + "]") +
         "\n[server]\n" + server;
}

class WebhookTest : public ::testing::Test {
 protected:
  void Start(const std::string& statuses, const std::string& events, const std::string& server) {
    receiver_ = std::make_unique<WebhookReceiver>(dir_ / "receiver", statuses);
    ASSERT_NE(receiver_->port(), 0) << "the receiver did not start";
    StartWith(ConfigWith(receiver_->url(), events, server));
  }
  void StartWith(const std::string& text) {
    WriteFile(config(), text);
    RunResult check = RunTillit({"check", config()});
    ASSERT_EQ(check.exit_code, 0) << check.err;
    server_ = std::make_unique<TestServer>(data(), ServeOptions{.config = config()});
    server_->CreateKey("shop", "contract,customer_service,profiling,rights_fulfilment");
  }

  std::string config() const { return dir_ / "tillit.toml"; }
  std::string data() const { return dir_ / "data"; }
  std::string NewSubject(const std::string& email = "kari.nordmann@example.no") {
    return server_->CreateSubject(
        {{"identifiers", {{"email", email}}}, {"fields", {{"identity.name", "Kari Nordmann"}}}});
  }
  // The delivery list for `status`, waiting up to 15 s until `ready` holds.
  json Deliveries(const std::string& status, const std::function<bool(const json&)>& ready) {
    json list;
    for (int i = 0; i < 300; ++i) {
      HttpResult r = server_->Get("/v1/webhooks/deliveries?status=" + status);
      EXPECT_EQ(r.status, 200) << r.body;
      list = json::parse(r.body, nullptr, false)["deliveries"];
      if (ready(list)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return list;
  }

  TempDir dir_;
  std::unique_ptr<WebhookReceiver> receiver_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(WebhookTest, ConsentChangeIsPostedSignedWithIdsOnly) {
  Start("", R"("consent.changed", "subject.restricted")", "webhook_retry_ms = 100\n");
  const std::string id = NewSubject();
  HttpResult consent = server_->Post("/v1/subjects/" + id + "/consents",
                                     {{"purpose", "profiling"}, {"action", "given"}, {"method", "web_form"}});
  ASSERT_EQ(consent.status, 201) << consent.body;
  const std::string event_id = json::parse(consent.body)["id"];

  auto requests = receiver_->WaitFor(1);
  ASSERT_EQ(requests.size(), 1u);
  const json& req = requests[0];
  const std::string body = req["body"];
  const std::string signature = req["headers"].value("tillit-signature", "");
  EXPECT_TRUE(core::VerifyWebhookSignature(kSecret, signature, body)) << signature;
  EXPECT_FALSE(core::VerifyWebhookSignature("another-secret-0123456789", signature, body));
  EXPECT_FALSE(core::VerifyWebhookSignature(kSecret, signature, body + " "));
  EXPECT_THAT(signature, ::testing::MatchesRegex("t=[0-9]+,v1=[0-9a-f]{64}"));
  EXPECT_EQ(req["headers"].value("tillit-event", ""), "consent.changed");
  EXPECT_EQ(req["headers"].value("content-type", ""), "application/json");

  json j = json::parse(body);
  EXPECT_EQ(j["type"], "consent.changed");
  EXPECT_EQ(j["subject_id"], id);
  EXPECT_EQ(j["data"]["event_id"], event_id);
  EXPECT_EQ(j["data"]["purpose"], "profiling");
  EXPECT_EQ(req["headers"].value("tillit-delivery", ""), j["id"]);
  // Ids and the event type, never personal data.
  EXPECT_THAT(body, Not(HasSubstr("kari")));
  EXPECT_THAT(body, Not(HasSubstr("Nordmann")));
  EXPECT_THAT(body, Not(HasSubstr("example.no")));

  json delivered = Deliveries("delivered", [](const json& l) { return l.size() == 1; });
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0]["attempts"], 1);
  EXPECT_EQ(delivered[0]["recipient"], "posti");
  EXPECT_EQ(delivered[0]["last_status"], 200);
}

TEST_F(WebhookTest, RestrictionIsPostedAndUnsubscribedEventsAreNot) {
  Start("", R"("subject.restricted")", "webhook_retry_ms = 100\n");
  const std::string id = NewSubject();
  ASSERT_EQ(server_->Post("/v1/subjects/" + id + "/consents", {{"purpose", "profiling"}, {"action", "given"}}).status,
            201);
  // Posti received the subject's address, so it must hear of the restriction (Art. 19).
  ASSERT_EQ(server_
                ->Post("/v1/subjects/" + id + "/disclosures",
                       {{"recipient", "posti"}, {"categories", {"contact.address"}}, {"purpose", "contract"}})
                .status,
            201);
  HttpResult restrict = server_->Post("/v1/subjects/" + id + "/restriction", {{"reason", "accuracy contested"}});
  ASSERT_EQ(restrict.status, 201) << restrict.body;
  auto requests = receiver_->WaitFor(1);
  ASSERT_EQ(requests.size(), 1u);
  json j = json::parse(std::string(requests[0]["body"]));
  EXPECT_EQ(j["type"], "subject.restricted");
  EXPECT_EQ(j["data"]["restriction_id"], json::parse(restrict.body)["id"]);
  EXPECT_THAT(std::string(requests[0]["body"]), Not(HasSubstr("accuracy")));  // the reason stays home
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(receiver_->Requests().size(), 1u) << "consent.changed was not subscribed to";
}

// Art. 19: a rectification, restriction or erasure is told to the recipients the disclosure log says received the
// subject's data (for a rectification, data of a changed category), to recipients that hold every subject (scope
// "all"), and to nobody else — whichever way the change was made (PATCH, rights request, restriction, erasure).
TEST_F(WebhookTest, Art19EventsReachOnlyTheRecipientsThatReceivedTheData) {
  receiver_ = std::make_unique<WebhookReceiver>(dir_ / "receiver");
  ASSERT_NE(receiver_->port(), 0) << "the receiver did not start";
  const std::string base = "http://127.0.0.1:" + std::to_string(receiver_->port());
  const std::string events = R"(events = ["subject.rectified", "subject.restricted", "subject.erased"])";
  const std::string text =
      ReadFile(ExampleConfig("minimagi")) +
      RecipientToml("posti", "Posti Oy", "FI", kPostiCategories, "delivery", base + "/posti", events) +
      RecipientToml("mailer", "Mailer Ab", "SE", R"("contact.email")", "email", base + "/mailer", events) +
      RecipientToml("platform", "Shop platform", "FI", R"("identity.name", "contact.email", "contact.address")",
                    "website", base + "/platform", "scope = \"all\", " + events) +
      "\n[server]\nwebhook_retry_ms = 100\n";
  StartWith(text);
  const std::string a = NewSubject("anna@example.fi");
  const std::string b = NewSubject("bertil@example.se");
  auto disclose = [&](const std::string& id, const std::string& recipient, const json& categories) {
    ASSERT_EQ(server_
                  ->Post("/v1/subjects/" + id + "/disclosures",
                         {{"recipient", recipient}, {"categories", categories}, {"purpose", "contract"}})
                  .status,
              201);
  };
  disclose(a, "posti", {"identity.name", "contact.address"});
  disclose(b, "mailer", {"contact.email"});

  // A's name changes: Posti received it; the mailer received nothing of A's.
  HttpResult name = server_->Send("PATCH", "/v1/subjects/" + a, R"({"fields":{"identity.name":"Anna Virtanen"}})");
  ASSERT_EQ(name.status, 200) << name.body;
  // A's e-mail changes: Posti never received it.
  HttpResult email =
      server_->Send("PATCH", "/v1/subjects/" + a, R"({"identifiers":{"email":"anna.virtanen@example.fi"}})");
  ASSERT_EQ(email.status, 200) << email.body;
  // B is restricted: the mailer received B's address.
  ASSERT_EQ(server_->Post("/v1/subjects/" + b + "/restriction", {{"reason", "accuracy contested"}}).status, 201);
  // A is erased: Posti received A's data.
  HttpResult erased = server_->Post("/v1/subjects/" + a + "/erase", {{"reason", "request"}});
  ASSERT_EQ(erased.status, 200) << erased.body;

  auto requests = receiver_->WaitFor(7);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // anything more would arrive now
  requests = receiver_->Requests();
  std::map<std::string, std::vector<std::string>> got;  // path → "type subject [categories]"
  for (const auto& r : requests) {
    json body = json::parse(std::string(r["body"]));
    std::string line = std::string(body["type"]) + " " + (body["subject_id"] == a ? "A" : "B");
    if (body["data"].contains("categories")) line += " " + std::string(body["data"]["categories"]);
    got[r["path"]].push_back(line);
    EXPECT_TRUE(
        core::VerifyWebhookSignature(kSecret, r["headers"].value("tillit-signature", ""), std::string(r["body"])));
  }
  EXPECT_THAT(got["/posti"], UnorderedElementsAre("subject.rectified A identity.name", "subject.erased A"));
  EXPECT_THAT(got["/mailer"], ElementsAre("subject.restricted B"));
  EXPECT_THAT(got["/platform"],
              UnorderedElementsAre("subject.rectified A identity.name", "subject.rectified A contact.email",
                                   "subject.restricted B", "subject.erased A"));
  EXPECT_EQ(requests.size(), 7u);
}

TEST_F(WebhookTest, FailingReceiverIsRetriedWithBackoffUntilItAccepts) {
  Start("500,500", R"("consent.changed")", "webhook_retry_ms = 150\n");
  const std::string id = NewSubject();
  ASSERT_EQ(
      server_->Post("/v1/subjects/" + id + "/consents", {{"purpose", "profiling"}, {"action", "withdrawn"}}).status,
      201);
  const auto started = std::chrono::steady_clock::now();
  auto requests = receiver_->WaitFor(3);
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0]["status"], 500);
  EXPECT_EQ(requests[1]["status"], 500);
  EXPECT_EQ(requests[2]["status"], 200);
  // The same delivery each time, and waits of 150 ms and then 300 ms between the attempts.
  EXPECT_EQ(requests[0]["body"], requests[2]["body"]);
  EXPECT_GE(took, std::chrono::milliseconds(400));
  json delivered = Deliveries("delivered", [](const json& l) { return l.size() == 1; });
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0]["attempts"], 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(receiver_->Requests().size(), 3u) << "a delivered webhook is not sent again";
}

TEST_F(WebhookTest, GivesUpAfterMaxAttemptsListsItAndRetriesOnRequest) {
  Start("500,503", R"("consent.changed")", "webhook_retry_ms = 50\nwebhook_max_attempts = 2\n");
  const std::string id = NewSubject();
  ASSERT_EQ(server_->Post("/v1/subjects/" + id + "/consents", {{"purpose", "profiling"}, {"action", "given"}}).status,
            201);
  json failed = Deliveries("failed", [](const json& l) { return l.size() == 1 && l[0]["status"] == "dead"; });
  ASSERT_EQ(failed.size(), 1u) << failed.dump();
  EXPECT_EQ(failed[0]["status"], "dead");
  EXPECT_EQ(failed[0]["attempts"], 2);
  EXPECT_EQ(failed[0]["last_status"], 503);
  EXPECT_EQ(failed[0]["event"], "consent.changed");
  EXPECT_EQ(receiver_->Requests().size(), 2u);

  EXPECT_EQ(server_->Get("/v1/webhooks/deliveries?status=nonsense").status, 400);
  EXPECT_EQ(Http("GET", server_->url("/v1/webhooks/deliveries")).status, 401);
  EXPECT_EQ(server_->Post("/v1/webhooks/deliveries/whd_nope/retry", json::object()).status, 404);

  HttpResult retry =
      server_->Post("/v1/webhooks/deliveries/" + std::string(failed[0]["id"]) + "/retry", json::object());
  ASSERT_EQ(retry.status, 200) << retry.body;
  json delivered = Deliveries("delivered", [](const json& l) { return l.size() == 1; });
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(receiver_->Requests().size(), 3u);
  EXPECT_EQ(server_->Post("/v1/webhooks/deliveries/" + std::string(failed[0]["id"]) + "/retry", json::object()).status,
            409);
}

TEST_F(WebhookTest, DisclosuresFollowTheConfigurationAndAreSealedAndAudited) {
  Start("", R"("subject.erased")", "");
  const std::string id = NewSubject();
  const std::string path = "/v1/subjects/" + id + "/disclosures";
  HttpResult ok = server_->Post(path, {{"recipient", "posti"},
                                       {"categories", {"contact.address", "identity.name"}},
                                       {"purpose", "contract"},
                                       {"reference", "order ORD-98765"},
                                       {"at", "2026-01-02T10:00:00Z"}});
  ASSERT_EQ(ok.status, 201) << ok.body;
  json d = json::parse(ok.body);
  EXPECT_EQ(d["recipient"], "posti");
  EXPECT_EQ(d["categories"], json({"contact.address", "identity.name"}));
  EXPECT_EQ(d["at"], "2026-01-02T10:00:00Z");
  ASSERT_EQ(
      server_->Post(path, {{"recipient", "posti"}, {"categories", {"customer.order"}}, {"purpose", "contract"}}).status,
      201);

  // The rules: only what the configuration declares.
  auto rejected = [&](const json& body, long status, const std::string& code) {
    HttpResult r = server_->Post(path, body);
    EXPECT_EQ(r.status, status) << body.dump() << " → " << r.body;
    json e = json::parse(r.body, nullptr, false);
    EXPECT_EQ(e["error"]["code"], code) << r.body;
  };
  rejected({{"recipient", "dhl"}, {"categories", {"contact.address"}}, {"purpose", "contract"}}, 422,
           "unknown_recipient");
  rejected({{"recipient", "posti"}, {"categories", {"contact.email"}}, {"purpose", "contract"}}, 422,
           "category_not_declared_for_recipient");
  rejected({{"recipient", "posti"}, {"categories", {"contact.address"}}, {"purpose", "customer_service"}}, 422,
           "purpose_not_declared_for_recipient");
  rejected({{"recipient", "posti"}, {"categories", json::array()}, {"purpose", "contract"}}, 400,
           "categories_required");
  rejected({{"recipient", "posti"}, {"categories", "contact.address"}, {"purpose", "contract"}}, 400, "invalid_type");
  rejected({{"recipient", "posti"}, {"categories", {"contact.address"}}, {"purpose", "contract"}, {"colour", 1}}, 400,
           "unknown_key");
  rejected({{"recipient", "posti"}, {"categories", {"contact.address"}}, {"purpose", "contract"}, {"at", "soon"}}, 400,
           "invalid_time");
  rejected({{"recipient", "posti"}, {"categories", {"contact.address"}}, {"purpose", "analytics"}}, 403,
           "purpose_not_allowed");
  EXPECT_EQ(server_->Send("POST", path, "{").status, 400);
  EXPECT_EQ(server_
                ->Post("/v1/subjects/sub_nobody/disclosures",
                       {{"recipient", "posti"}, {"categories", {"contact.address"}}, {"purpose", "contract"}})
                .status,
            404);

  // Listing opens the references and names its purpose.
  EXPECT_EQ(server_->Get(path).status, 400);
  HttpResult list = server_->Get(path, {.purpose = "customer_service"});
  ASSERT_EQ(list.status, 200) << list.body;
  json items = json::parse(list.body)["disclosures"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["reference"], "order ORD-98765");
  EXPECT_TRUE(items[1]["reference"].is_null());

  HttpResult audit = server_->Get("/v1/subjects/" + id + "/audit", {.purpose = "customer_service"});
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_THAT(audit.body, HasSubstr("disclosure.record"));
  EXPECT_THAT(audit.body, HasSubstr("disclosure.read"));
  EXPECT_THAT(audit.body, Not(HasSubstr("ORD-98765")));

  // The reference is sealed: not in the database in the clear.
  ASSERT_EQ(server_->Stop(), 0);
  if (!UsingPostgres()) {
    for (const char* file : {"tillit.db", "tillit.db-wal"}) {
      EXPECT_THAT(ReadFile(data() + "/" + file), Not(HasSubstr("ORD-98765"))) << file;
    }
  }

  // The summary other services read, and erasure's delete.
  auto opened = core::Open(data(), Clock::System(), Random::Secure(), StoreUrlFor(data()));
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  auto summary = core::DisclosedTo(*opened->store, id);
  ASSERT_TRUE(summary.ok());
  ASSERT_EQ(summary->size(), 1u);
  EXPECT_EQ((*summary)[0].recipient, "posti");
  EXPECT_THAT((*summary)[0].categories, ElementsAre("contact.address", "customer.order", "identity.name"));
  EXPECT_THAT((*summary)[0].purposes, ElementsAre("contract"));
  EXPECT_EQ((*summary)[0].count, 2u);
  int64_t deleted = 0;
  ASSERT_TRUE(
      opened->store->WriteAndWait([&](store::WriteTxn& txn) { return core::EraseDisclosures(txn, id, &deleted); })
          .ok());
  EXPECT_EQ(deleted, 2);
  EXPECT_TRUE(core::DisclosedTo(*opened->store, id)->empty());
  opened->store->Close();
}

}  // namespace
}  // namespace tillit::testing
