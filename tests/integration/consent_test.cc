// Consent receipts, the cookie banner's visitor consents and the renewals list, through the HTTP API: a receipt
// carries every mandatory field of a Kantara Consent Receipt v1.1 with its JSON type and the ISO/IEC TS 27560 record
// in DPV terms, and says when the consent was withdrawn; a visitor's cookie choices are kept with Global Privacy
// Control applied, link to a subject, and never count as consent for a purpose; consents that are outdated,
// expired, expiring or unproven are listed for renewal page by page.
// Configuration: Minimagi (profiling on consent, here with a consent validity of 24 months).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/server.h"

namespace tillit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

// RFC 3339 (UTC, whole seconds) of now minus `days`.
std::string DaysAgo(int days) {
  const std::time_t t =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() - std::chrono::hours(24) * days);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class ConsentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(config(), MinimagiWithProfiling("consent_validity = \"24 months\"\n"));
    server_ = std::make_unique<TestServer>(data(), ServeOptions{.config = config()});
    server_->CreateKey("shop", "customer_service,marketing,profiling,analytics");
  }

  std::string config() const { return dir_ / "tillit.toml"; }
  std::string data() const { return dir_ / "data"; }

  std::string NewSubject() {
    static int n = 0;
    return server_->CreateSubject({{"identifiers", {{"email", "c" + std::to_string(++n) + "@example.no"}}}});
  }

  // Records a consent event; returns it.
  json Consent(const std::string& id, const json& body) {
    HttpResult r = server_->Post("/v1/subjects/" + id + "/consents", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return json::parse(r.body, nullptr, false);
  }

  json Receipt(const std::string& id, const std::string& event, long expect = 200) {
    HttpResult r =
        server_->Get("/v1/subjects/" + id + "/consents/" + event + "/receipt", {.purpose = "customer_service"});
    EXPECT_EQ(r.status, expect) << r.body;
    return json::parse(r.body, nullptr, false);
  }

  // Every renewal, following next_cursor with pages of `limit`.
  std::vector<json> AllRenewals(int limit) {
    std::vector<json> out;
    std::string cursor;
    for (int pages = 0; pages < 100; ++pages) {
      std::string path = "/v1/consents/renewals?limit=" + std::to_string(limit);
      if (!cursor.empty()) path += "&cursor=" + cursor;
      HttpResult r = server_->Get(path);
      EXPECT_EQ(r.status, 200) << r.body;
      const json page = json::parse(r.body, nullptr, false);
      if (page.is_discarded()) break;
      EXPECT_LE(page["renewals"].size(), static_cast<size_t>(limit));
      for (const auto& item : page["renewals"]) out.push_back(item);
      if (page["next_cursor"].is_null()) break;
      cursor = page["next_cursor"].get<std::string>();
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
};

json Given(const std::string& purpose) {
  return {{"purpose", purpose},
          {"action", "given"},
          {"method", "web_form"},
          {"evidence", {{"user_agent", "Mozilla/5.0 (test)"}, {"ip", "192.0.2.7"}}}};
}

json Imported(const std::string& given_at, bool with_evidence) {
  json j = {{"purpose", "profiling"}, {"action", "given"}, {"method", "import"}, {"given_at", given_at}};
  if (with_evidence) j["evidence"] = {{"user_agent", "imported from the old shop"}};
  return j;
}

// The mandatory fields of a Kantara Initiative Consent Receipt v1.1 (section 5 of the specification) and their JSON
// types, as the test checks them.
TEST_F(ConsentTest, AReceiptHasEveryKantaraFieldAndTheIso27560Record) {
  const std::string id = NewSubject();
  const int64_t before = NowSeconds();
  const json event = Consent(id, Given("profiling"));
  const std::string event_id = event.value("id", "");
  ASSERT_FALSE(event_id.empty()) << event;

  const json receipt = Receipt(id, event_id);
  ASSERT_TRUE(receipt.is_object()) << receipt;
  ASSERT_TRUE(receipt.contains("kantara")) << receipt;
  ASSERT_TRUE(receipt.contains("iso27560")) << receipt;
  const json& k = receipt["kantara"];

  const std::vector<std::pair<std::string, json::value_t>> mandatory = {
      {"version", json::value_t::string},
      {"jurisdiction", json::value_t::string},
      {"consentTimestamp", json::value_t::number_integer},
      {"collectionMethod", json::value_t::string},
      {"consentReceiptID", json::value_t::string},
      {"language", json::value_t::string},
      {"piiPrincipalId", json::value_t::string},
      {"piiControllers", json::value_t::array},
      {"policyUrl", json::value_t::string},
      {"services", json::value_t::array},
      {"sensitive", json::value_t::boolean},
      {"spiCat", json::value_t::array},
  };
  for (const auto& [field, type] : mandatory) {
    SCOPED_TRACE(field);
    ASSERT_TRUE(k.contains(field)) << k;
    // nlohmann stores non-negative integers as unsigned.
    const bool integer = k[field].is_number_integer();
    EXPECT_TRUE(k[field].type() == type || (type == json::value_t::number_integer && integer)) << k[field];
  }
  EXPECT_EQ(k["version"], "KI-CR-v1.1.0");
  EXPECT_EQ(k["jurisdiction"], "NO");
  EXPECT_FALSE(k.contains("publicKey"));
  EXPECT_GE(k["consentTimestamp"].get<int64_t>(), before - 5);
  EXPECT_LE(k["consentTimestamp"].get<int64_t>(), NowSeconds() + 5);
  EXPECT_EQ(k["collectionMethod"], "web_form");
  EXPECT_EQ(k["consentReceiptID"], event_id);
  EXPECT_EQ(k["language"], "en");
  EXPECT_EQ(k["piiPrincipalId"], id);
  EXPECT_THAT(k["piiPrincipalId"].get<std::string>(), Not(HasSubstr("@")));
  EXPECT_EQ(k["policyUrl"], "https://www.minimagi.net");
  EXPECT_EQ(k["sensitive"], false);
  EXPECT_TRUE(k["spiCat"].empty());

  ASSERT_EQ(k["piiControllers"].size(), 1u);
  const json& controller = k["piiControllers"][0];
  EXPECT_EQ(controller.value("piiController", ""), "Minimagi");
  EXPECT_TRUE(controller["contact"].is_string()) << controller;
  EXPECT_TRUE(controller["address"].is_object()) << controller;
  EXPECT_EQ(controller.value("email", ""), "info@pivoto.no");

  ASSERT_EQ(k["services"].size(), 1u);
  EXPECT_TRUE(k["services"][0]["service"].is_string());
  ASSERT_EQ(k["services"][0]["purposes"].size(), 1u);
  const json& purpose = k["services"][0]["purposes"][0];
  EXPECT_EQ(purpose.value("purpose", ""), "Profiling for more relevant marketing");
  EXPECT_TRUE(purpose["purposeCategory"].is_array() && !purpose["purposeCategory"].empty()) << purpose;
  EXPECT_EQ(purpose.value("consentType", ""), "EXPLICIT");
  EXPECT_TRUE(purpose["piiCategory"].is_array() && !purpose["piiCategory"].empty()) << purpose;
  EXPECT_TRUE(purpose["termination"].is_string()) << purpose;
  EXPECT_THAT(purpose.value("termination", ""), HasSubstr("expires 2 years after"));
  EXPECT_TRUE(purpose["thirdPartyDisclosure"].is_boolean()) << purpose;
  EXPECT_EQ(purpose["primaryPurpose"], false);

  // The ISO/IEC TS 27560 record, in DPV terms.
  const json& r = receipt["iso27560"];
  EXPECT_EQ(r["@type"], "dpv:ConsentRecord");
  EXPECT_EQ(r["dct:identifier"], event_id);
  EXPECT_THAT(r.value("dct:conformsTo", ""), HasSubstr("27560"));
  EXPECT_EQ(r["dpv:hasDataSubject"]["dct:identifier"], id);
  EXPECT_EQ(r["dpv:hasDataController"]["dpv:hasName"], "Minimagi");
  EXPECT_EQ(r["dpv:hasDataController"]["dpv:hasCountry"], "NO");
  EXPECT_EQ(r["dpv:hasDataController"]["dpv:hasContact"]["email"], "info@pivoto.no");
  EXPECT_EQ(r["dpv:hasNotice"]["dct:identifier"], event["policy_version"]);
  EXPECT_EQ(r["dpv:hasNotice"]["dct:language"], "en");
  const json& process = r["dpv:hasProcess"];
  EXPECT_EQ(process["dpv:hasLegalBasis"], "dpv:Consent");
  EXPECT_EQ(process["dpv:hasPurpose"]["dct:identifier"], "profiling");
  EXPECT_EQ(process["dpv:hasPurpose"]["dct:title"], "Profiling for more relevant marketing");
  EXPECT_THAT(process["dpv:hasPurpose"].value("dct:description", ""), HasSubstr("profiling"));
  EXPECT_EQ(process["dpv:hasPurpose"]["revision"], 1);
  ASSERT_FALSE(process["dpv:hasPersonalData"].empty());
  for (const auto& pd : process["dpv:hasPersonalData"]) {
    EXPECT_THAT(pd.value("@type", ""), ::testing::StartsWith("pd:")) << pd;
  }
  const json& status = r["dpv:hasConsentStatus"];
  EXPECT_EQ(status["@type"], "dpv:ConsentGiven");
  EXPECT_EQ(status["dct:date"], event["at"]);
  EXPECT_EQ(status["method"], "web_form");
  // Given now with a validity of 24 months: it expires two years on.
  ASSERT_TRUE(status["dct:valid"].is_string()) << status;
  const std::string given = event["at"].get<std::string>();
  const std::string valid = status["dct:valid"].get<std::string>();
  EXPECT_EQ(std::stoi(valid.substr(0, 4)), std::stoi(given.substr(0, 4)) + 2) << valid;
  EXPECT_EQ(valid.substr(4), given.substr(4));
  EXPECT_EQ(r["evidence"]["user_agent"], true);
  EXPECT_EQ(r["evidence"]["ip_hash"], true);
  EXPECT_EQ(r["evidence"]["unproven"], false);
  // Ids only: no e-mail address, no IP address.
  EXPECT_THAT(receipt.dump(), Not(HasSubstr("@example.no")));
  EXPECT_THAT(receipt.dump(), Not(HasSubstr("192.0.2.7")));
}

TEST_F(ConsentTest, TheReceiptOfAWithdrawalSaysSo) {
  const std::string id = NewSubject();
  Consent(id, Given("profiling"));
  const json withdrawn = Consent(id, {{"purpose", "profiling"}, {"action", "withdrawn"}, {"method", "portal"}});
  const json receipt = Receipt(id, withdrawn.value("id", ""));
  EXPECT_EQ(receipt["iso27560"]["dpv:hasConsentStatus"]["@type"], "dpv:ConsentWithdrawn") << receipt;
  EXPECT_TRUE(receipt["iso27560"]["dpv:hasConsentStatus"]["dct:valid"].is_null()) << receipt;
  EXPECT_EQ(receipt["kantara"]["consentReceiptID"], withdrawn["id"]);
  EXPECT_EQ(receipt["kantara"]["collectionMethod"], "portal");

  const json refused = Consent(id, {{"purpose", "profiling"}, {"action", "refused"}, {"method", "banner"}});
  EXPECT_EQ(Receipt(id, refused.value("id", ""))["iso27560"]["dpv:hasConsentStatus"]["@type"], "dpv:ConsentRefused");
}

// A purpose's withdrawal routes and the methods a consent event may name are one vocabulary: every route the
// configuration may promise (here all of them, on profiling) is accepted as the method of the event that records a
// subject taking it, and a method outside the vocabulary is refused with the whole list.
TEST_F(ConsentTest, EveryWithdrawalRouteIsAMethodAConsentEventMayName) {
  std::string text = MinimagiWithProfiling("consent_validity = \"24 months\"\n");
  const std::string routes_line = "withdraw = [\"email\"]\n";
  const size_t at = text.find(routes_line);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, routes_line.size(), "withdraw = [\"link\", \"email\", \"phone\", \"staff\"]\n");
  WriteFile(config(), text);
  ASSERT_EQ(server_->Stop(), 0);
  ASSERT_TRUE(server_->Restart());

  HttpResult published = server_->Get("/v1/config");
  ASSERT_EQ(published.status, 200) << published.body;
  std::vector<std::string> routes;
  const json view = json::parse(published.body);
  for (const auto& p : view["purposes"]) {
    if (p["id"] == "profiling") routes = p["withdraw"].get<std::vector<std::string>>();
  }
  ASSERT_EQ(routes, (std::vector<std::string>{"link", "email", "phone", "staff"}));

  const std::string id = NewSubject();
  ASSERT_EQ(server_->Post("/v1/subjects/" + id + "/consents", Given("profiling")).status, 201);
  for (const auto& route : routes) {
    HttpResult r = server_->Post("/v1/subjects/" + id + "/consents",
                                 {{"purpose", "profiling"}, {"action", "withdrawn"}, {"method", route}});
    EXPECT_EQ(r.status, 201) << route << ": " << r.body;
    EXPECT_EQ(json::parse(r.body, nullptr, false).value("method", ""), route);
  }
  HttpResult bad = server_->Post("/v1/subjects/" + id + "/consents",
                                 {{"purpose", "profiling"}, {"action", "withdrawn"}, {"method", "pigeon"}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  const json error = json::parse(bad.body, nullptr, false)["error"];
  EXPECT_EQ(error.value("code", ""), "invalid_method");
  for (const auto& method : {"web_form", "portal", "banner", "email", "link", "phone", "letter", "staff", "api",
                             "import", "checkout"}) {
    EXPECT_THAT(error.value("message", ""), HasSubstr(method));
  }
  // The same vocabulary for objections.
  HttpResult objected = server_->Post("/v1/subjects/" + id + "/objections",
                                      {{"purpose", "profiling"}, {"channel", "email"}, {"method", "link"}});
  EXPECT_EQ(objected.status, 201) << objected.body;
}

TEST_F(ConsentTest, ReceiptBadInput) {
  const std::string id = NewSubject();
  const json event = Consent(id, Given("profiling"));
  const std::string event_id = event.value("id", "");
  EXPECT_EQ(Receipt(id, "con_nosuchevent", 404)["error"]["code"], "consent_event_not_found");
  EXPECT_EQ(Receipt("sub_nobody", event_id, 404)["error"]["code"], "subject_not_found");
  // Another subject's event is not this subject's.
  EXPECT_EQ(Receipt(NewSubject(), event_id, 404)["error"]["code"], "consent_event_not_found");
  // A read of consent data names its purpose.
  HttpResult no_purpose = server_->Get("/v1/subjects/" + id + "/consents/" + event_id + "/receipt");
  EXPECT_EQ(no_purpose.status, 400) << no_purpose.body;
  EXPECT_THAT(no_purpose.body, HasSubstr("purpose_required"));
  EXPECT_EQ(Http("GET", server_->url("/v1/subjects/" + id + "/consents/" + event_id + "/receipt")).status, 401);
  // The existing-customer exception is not a consent.
  const json exception = Consent(
      id, {{"purpose", "marketing"}, {"channel", "email"}, {"action", "existing_customer"}, {"method", "checkout"}});
  EXPECT_EQ(Receipt(id, exception.value("id", ""), 422)["error"]["code"], "not_a_consent");
}

TEST_F(ConsentTest, VisitorChoicesAreKeptWithGlobalPrivacyControlAndLinkToASubject) {
  const std::string visitor = "v_3f9a-Kq81ZZ";
  HttpResult first = server_->Post(
      "/v1/visitors/" + visitor + "/consents",
      {{"categories", {{"necessary", true}, {"preferences", false}, {"statistics", true}, {"marketing", false}}},
       {"banner_version", "2024-05-01"},
       {"gpc", false},
       {"language", "en"}});
  ASSERT_EQ(first.status, 201) << first.body;
  const json a = json::parse(first.body);
  EXPECT_THAT(a.value("id", ""), ::testing::StartsWith("vcn_"));
  EXPECT_EQ(a["categories"]["statistics"], true);
  EXPECT_EQ(a["categories"]["preferences"], false);

  // With Global Privacy Control on, statistics and marketing are refused whatever the banner sends.
  HttpResult second = server_->Post(
      "/v1/visitors/" + visitor + "/consents",
      {{"categories", {{"necessary", true}, {"preferences", true}, {"statistics", true}, {"marketing", true}}},
       {"banner_version", "2024-06-01"},
       {"gpc", true}});
  ASSERT_EQ(second.status, 201) << second.body;
  const json b = json::parse(second.body);
  EXPECT_EQ(b["categories"]["preferences"], true);
  EXPECT_EQ(b["categories"]["statistics"], false);
  EXPECT_EQ(b["categories"]["marketing"], false);
  EXPECT_EQ(b["gpc"], true);

  HttpResult state = server_->Get("/v1/visitors/" + visitor + "/consents");
  ASSERT_EQ(state.status, 200) << state.body;
  json s = json::parse(state.body);
  EXPECT_EQ(s["current"]["id"], b["id"]);
  EXPECT_EQ(s["current"]["banner_version"], "2024-06-01");
  EXPECT_EQ(s["current"]["categories"]["marketing"], false);
  ASSERT_EQ(s["history"].size(), 2u);
  EXPECT_EQ(s["history"][0]["id"], a["id"]);
  EXPECT_TRUE(s["linked_subjects"].empty());

  const std::string id = NewSubject();
  HttpResult link = server_->Post("/v1/visitors/" + visitor + "/link", {{"subject_id", id}});
  ASSERT_EQ(link.status, 200) << link.body;
  EXPECT_EQ(json::parse(link.body)["subject_id"], id);
  // Linking again changes nothing.
  EXPECT_EQ(server_->Post("/v1/visitors/" + visitor + "/link", {{"subject_id", id}}).status, 200);
  s = json::parse(server_->Get("/v1/visitors/" + visitor + "/consents").body);
  EXPECT_EQ(s["linked_subjects"], json::array({id}));

  // The link is audited for the subject, with ids only: the visitor id stays out of the audit chain.
  HttpResult audit = server_->Get("/v1/subjects/" + id + "/audit", {.purpose = "customer_service"});
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_THAT(audit.body, HasSubstr("visitor.link"));
  EXPECT_THAT(audit.body, HasSubstr(b["id"].get<std::string>()));
  EXPECT_THAT(audit.body, Not(HasSubstr(visitor)));
}

TEST_F(ConsentTest, VisitorBadInput) {
  const json ok = {{"categories", {{"necessary", true}, {"statistics", false}}}, {"banner_version", "v1"}};
  auto code = [](const HttpResult& r) { return json::parse(r.body, nullptr, false)["error"].value("code", ""); };
  for (const std::string& bad :
       std::vector<std::string>{"short", "has.dots.in.it", std::string(129, 'a'), "spaces%20in%20it"}) {
    SCOPED_TRACE(bad);
    HttpResult r = server_->Post("/v1/visitors/" + bad + "/consents", ok);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(code(r), "invalid_visitor_id");
  }
  const std::string path = "/v1/visitors/visitor-0001/consents";
  HttpResult malformed = server_->Send("POST", path, "{\"categories\":");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(code(malformed), "invalid_json");
  HttpResult unknown = server_->Post(path, {{"categories", {{"analytics", true}}}, {"banner_version", "v1"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(code(unknown), "unknown_cookie_category");
  EXPECT_EQ(server_->Post(path, {{"categories", {{"marketing", "yes"}}}, {"banner_version", "v1"}}).status, 400);
  EXPECT_EQ(server_->Post(path, {{"banner_version", "v1"}}).status, 400);
  EXPECT_EQ(code(server_->Post(path, {{"categories", json::object()}})), "banner_version_required");
  EXPECT_EQ(server_->Post(path, {{"categories", json::object()}, {"banner_version", "v1"}, {"gpc", "on"}}).status, 400);
  EXPECT_EQ(code(server_->Post(path, {{"categories", json::object()}, {"banner_version", "v1"}, {"language", "fi"}})),
            "language_not_offered");
  EXPECT_EQ(server_->Post(path, {{"categories", json::object()}, {"banner_version", "v1"}, {"extra", 1}}).status, 400);
  EXPECT_EQ(Http("POST", server_->url(path), ok.dump()).status, 401);

  // Nothing was stored by any of these.
  HttpResult none = server_->Get(path);
  EXPECT_EQ(none.status, 404) << none.body;
  EXPECT_EQ(code(none), "visitor_not_found");
  EXPECT_EQ(code(server_->Post("/v1/visitors/visitor-0001/link", {{"subject_id", NewSubject()}})), "visitor_not_found");
  EXPECT_EQ(server_->Get("/v1/visitors/bad/consents").status, 400);

  ASSERT_EQ(server_->Post(path, ok).status, 201);
  HttpResult nobody = server_->Post("/v1/visitors/visitor-0001/link", {{"subject_id", "sub_nobody"}});
  EXPECT_EQ(nobody.status, 404);
  EXPECT_EQ(code(nobody), "subject_not_found");
  EXPECT_EQ(server_->Post("/v1/visitors/visitor-0001/link", json::object()).status, 400);
  EXPECT_EQ(server_->Send("POST", "/v1/visitors/visitor-0001/link", "[1]").status, 400);
}

// DESIGN.md rule 3: cookie-banner choices never count as consent for a purpose, even once linked to the subject.
TEST_F(ConsentTest, ACookieChoiceNeverCountsAsConsent) {
  const std::string id = NewSubject();
  const std::string visitor = "visitor_accepts_everything";
  ASSERT_EQ(server_
                ->Post("/v1/visitors/" + visitor + "/consents",
                       {{"categories",
                         {{"necessary", true}, {"preferences", true}, {"statistics", true}, {"marketing", true}}},
                        {"banner_version", "v7"},
                        {"gpc", false}})
                .status,
            201);
  ASSERT_EQ(server_->Post("/v1/visitors/" + visitor + "/link", {{"subject_id", id}}).status, 200);
  json d = server_->Decide(id, "profiling");
  EXPECT_EQ(d["allow"], false) << d;
  EXPECT_EQ(d["rule"], "no_consent") << d;
  EXPECT_EQ(server_->Decide(id, "marketing", "email")["rule"], "not_existing_customer");
  // Nor after a restart rebuilds the decision index from the store.
  ASSERT_EQ(server_->Stop(), 0);
  ASSERT_TRUE(server_->Restart());
  EXPECT_EQ(server_->Decide(id, "profiling")["rule"], "no_consent");
  EXPECT_EQ(json::parse(server_->Get("/v1/visitors/" + visitor + "/consents").body)["linked_subjects"],
            json::array({id}));
}

TEST_F(ConsentTest, RenewalsListExpiredExpiringUnprovenAndOutdatedConsents) {
  const std::string fresh = NewSubject();
  Consent(fresh, Given("profiling"));
  const std::string expired = NewSubject();
  Consent(expired, Imported("2020-01-15T12:00:00Z", true));
  const std::string expiring = NewSubject();  // 24 months run out in about two weeks
  Consent(expiring, Imported(DaysAgo(715), true));
  const std::string unproven = NewSubject();
  Consent(unproven, Imported(DaysAgo(1), false));
  const std::string withdrawn = NewSubject();
  Consent(withdrawn, Imported("2020-01-15T12:00:00Z", true));
  Consent(withdrawn, {{"purpose", "profiling"}, {"action", "withdrawn"}, {"method", "portal"}});
  const std::string legitimate = NewSubject();  // not consent-based: analytics is a legitimate interest
  Consent(legitimate,
          {{"purpose", "analytics"}, {"action", "given"}, {"method", "import"}, {"given_at", "2020-01-15T12:00:00Z"}});

  std::vector<json> all = AllRenewals(100);
  std::map<std::string, json> by_subject;
  for (const auto& item : all) by_subject[item.value("subject_id", "")] = item;
  EXPECT_EQ(all.size(), 3u);
  EXPECT_EQ(by_subject.size(), 3u);
  EXPECT_FALSE(by_subject.contains(fresh));
  EXPECT_FALSE(by_subject.contains(withdrawn));
  EXPECT_FALSE(by_subject.contains(legitimate));
  EXPECT_EQ(by_subject[expired]["reason"], "consent_expired");
  EXPECT_EQ(by_subject[expired]["given_at"], "2020-01-15T12:00:00Z");
  EXPECT_EQ(by_subject[expired]["expires_at"], "2022-01-15T12:00:00Z");
  EXPECT_EQ(by_subject[expiring]["reason"], "expiring");
  EXPECT_TRUE(by_subject[expiring]["expires_at"].is_string());
  EXPECT_EQ(by_subject[unproven]["reason"], "unproven");
  for (const auto& [subject, item] : by_subject) {
    EXPECT_EQ(item["purpose"], "profiling") << item;
    EXPECT_TRUE(item["channel"].is_null()) << item;
  }

  // A raised revision outdates every consent given under the old one, whatever else is true of it.
  ASSERT_EQ(server_->Stop(), 0);
  WriteFile(config(), MinimagiWithProfiling("consent_validity = \"24 months\"\nrevision = 2\n"));
  ASSERT_TRUE(server_->Restart());
  all = AllRenewals(100);
  ASSERT_EQ(all.size(), 4u);
  for (const auto& item : all) {
    EXPECT_EQ(item["reason"], "consent_outdated") << item;
    EXPECT_NE(item["subject_id"], withdrawn);
  }
  // Renewing removes the subject from the list.
  Consent(fresh, Given("profiling"));
  all = AllRenewals(100);
  EXPECT_EQ(all.size(), 3u);
  for (const auto& item : all) EXPECT_NE(item["subject_id"], fresh);
}

TEST_F(ConsentTest, RenewalsPageByKeysetCursor) {
  std::set<std::string> expected;
  for (int i = 0; i < 7; ++i) {
    const std::string id = NewSubject();
    Consent(id, Imported(DaysAgo(2 + i), false));
    expected.insert(id);
  }
  const std::vector<json> whole = AllRenewals(100);
  const std::vector<json> paged = AllRenewals(2);
  ASSERT_EQ(whole.size(), 7u);
  ASSERT_EQ(paged.size(), 7u);
  std::set<std::string> seen;
  for (size_t i = 0; i < paged.size(); ++i) {
    EXPECT_EQ(paged[i], whole[i]);
    seen.insert(paged[i].value("subject_id", ""));
    if (i > 0) {
      EXPECT_LT(paged[i - 1]["subject_id"], paged[i]["subject_id"]);
    }
  }
  EXPECT_EQ(seen, expected);

  EXPECT_EQ(server_->Get("/v1/consents/renewals?limit=0").status, 400);
  EXPECT_EQ(server_->Get("/v1/consents/renewals?limit=abc").status, 400);
  EXPECT_EQ(server_->Get("/v1/consents/renewals?limit=1001").status, 400);
  HttpResult bad_cursor = server_->Get("/v1/consents/renewals?cursor=zz");
  EXPECT_EQ(bad_cursor.status, 400) << bad_cursor.body;
  EXPECT_THAT(bad_cursor.body, HasSubstr("invalid_cursor"));
  EXPECT_EQ(server_->Get("/v1/consents/renewals?cursor=6869").status, 400);  // "hi": not three parts
  EXPECT_EQ(Http("GET", server_->url("/v1/consents/renewals")).status, 401);
}

}  // namespace
// The test clock moves a running server's time: a consent given "now" carries the clock's time, and rewriting the
// clock two years on expires it (24-month validity) without a restart.
TEST_F(ConsentTest, ARunningServerFollowsTheTestClock) {
  server_->Stop();
  TestClock clock(dir_, "2031-03-01T09:00:00Z");
  ASSERT_TRUE(server_->Restart());
  const std::string id = NewSubject();
  const json given = Consent(id, {{"purpose", "profiling"}, {"action", "given"}, {"method", "web_form"}});
  EXPECT_EQ(given.value("at", ""), "2031-03-01T09:00:00Z") << given.dump();
  EXPECT_EQ(server_->Decide(id, "profiling")["allow"], true);
  clock.Set("2033-03-02T09:00:00Z");
  const json later = server_->Decide(id, "profiling");
  EXPECT_EQ(later["allow"], false);
  EXPECT_EQ(later["rule"], "consent_expired") << later.dump();
}

}  // namespace tillit::testing
