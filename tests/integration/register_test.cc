// The customer register over HTTP: subjects, look-ups, patches, history, records and the audit trail, against a
// real `tillit serve` with examples/minime.toml.
//
// minime's purposes, as far as these tests rely on them:
//   contract         name, email, address, phone, customer number, login, customer.order, payment.*, …
//   customer_service name, email, address, phone, customer number, customer.order, communication.chat, … (no login,
//                    no payment, no marketing.*)
//   marketing        name, email, phone, marketing.consent, marketing.prohibition (no address, customer number, login)
//   rights_fulfilment (built in) every category
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "support/server.h"

namespace tillit::testing {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

class RegisterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>(data_dir_ / "data");
    server_->CreateKey("shop", "customer_service,marketing,contract,rights_fulfilment");
    marketing_key_ = server_->CreateKey("mailer", "marketing");
  }

  // Calls with the shop's key (or `key`); a read names `purpose` unless it is empty.
  HttpResult Post(const std::string& path, const std::string& body) { return server_->Send("POST", path, body); }
  HttpResult Bulk(const std::string& ndjson) {
    return server_->Send("POST", "/v1/records/bulk", ndjson, {.type = "application/x-ndjson"});
  }
  HttpResult Patch(const std::string& path, const json& body) { return server_->Patch(path, body); }
  HttpResult Get(const std::string& path, const std::string& purpose, const std::string& key = "") {
    return server_->Get(path, {.key = key.empty() ? server_->key() : key, .purpose = purpose});
  }

  // marketing's legal basis is consent: the decision engine lets a marketing read through only once the subject has
  // given it.
  void GiveMarketingConsent(const std::string& subject) {
    HttpResult r = Post("/v1/subjects/" + subject + "/consents", R"({"purpose":"marketing","action":"given"})");
    ASSERT_EQ(r.status, 201) << r.body;
  }

  std::string AddRecord(const std::string& subject, const json& record) {
    HttpResult r = Post("/v1/subjects/" + subject + "/records", record.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    json j = json::parse(r.body, nullptr, false);
    return r.status == 201 && j.contains("id") ? j["id"].get<std::string>() : "rec_missing";
  }

  static json Order(const std::string& occurred_at, const std::string& reference) {
    return {{"kind", "order"},
            {"categories", {"customer.order"}},
            {"occurred_at", occurred_at},
            {"payload", {{"total", "49.90"}, {"items", 2}}},
            {"reference", reference}};
  }

  static json Anna() {
    return {{"identifiers",
             {{"email", "  Anna.Virtanen@Example.COM "},
              {"phone", "040 123 4567"},
              {"customer_number", "C-1001"},
              {"login", "annav"}}},
            {"fields",
             {{"identity.name", "Anna Virtanen"},
              {"contact.address", {{"street", "Kauppakatu 3"}, {"city", "Tampere"}}},
              {"marketing.consent", {{"email", true}, {"sms", false}}}}},
            {"sources", {{"contact.address", "address_service"}}},
            {"collected_at", "2025-03-01T12:00:00Z"}};
  }

  static json Parse(const HttpResult& r) {
    json j = json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.body;
    return j.is_discarded() ? json::object() : j;
  }

  static std::string CodeOf(const HttpResult& r) {
    json j = json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.contains("error")) return "<no error body: " + r.body + ">";
    return j["error"]["code"];
  }

  static std::vector<std::string> Ids(const json& list) {
    std::vector<std::string> ids;
    for (const auto& item : list) ids.push_back(item["id"]);
    return ids;
  }

  size_t SubjectCount() {
    HttpResult r = Get("/v1/subjects?limit=1000", "");
    EXPECT_EQ(r.status, 200) << r.body;
    return Parse(r)["subjects"].size();
  }

  TempDir data_dir_;
  std::unique_ptr<TestServer> server_;
  std::string marketing_key_;
};

TEST_F(RegisterTest, CreateAnswers201WithLocationAndNormalisedIdentifiers) {
  HttpResult r = Post("/v1/subjects", Anna().dump());
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = Parse(r)["id"];
  EXPECT_THAT(id, StartsWith("sub_"));
  EXPECT_EQ(r.headers["location"], "/v1/subjects/" + id);

  HttpResult read = Get("/v1/subjects/" + id, "contract");
  ASSERT_EQ(read.status, 200) << read.body;
  json j = Parse(read);
  EXPECT_EQ(j["id"], id);
  EXPECT_EQ(j["identifiers"], json({{"email", "anna.virtanen@example.com"},
                                    {"phone", "+358401234567"},
                                    {"customer_number", "C-1001"},
                                    {"login", "annav"}}));
  EXPECT_EQ(j["fields"]["identity.name"], "Anna Virtanen");
  EXPECT_EQ(j["fields"]["contact.address"]["city"], "Tampere");
  EXPECT_FALSE(j["fields"].contains("marketing.consent"));  // contract does not use it
  EXPECT_EQ(j["withheld_categories"], json({"marketing.consent"}));
  EXPECT_EQ(j["provenance"]["contact.address"]["source"], "address_service");
  EXPECT_EQ(j["provenance"]["identity.name"]["source"], "subject");
  EXPECT_EQ(j["provenance"]["email"]["collected_at"], "2025-03-01T12:00:00Z");

  // rights_fulfilment uses every category: nothing is withheld.
  json all = Parse(Get("/v1/subjects/" + id, "rights_fulfilment"));
  EXPECT_EQ(all["fields"]["marketing.consent"], json({{"email", true}, {"sms", false}}));
  EXPECT_THAT(all["withheld_categories"], IsEmpty());

  EXPECT_EQ(Http("POST", server_->url("/v1/subjects"), Anna().dump()).status, 401);
}

TEST_F(RegisterTest, ReadHoldsOnlyTheCategoriesThePurposeUses) {
  const std::string id = server_->CreateSubject(Anna());
  GiveMarketingConsent(id);

  json marketing = Parse(Get("/v1/subjects/" + id, "marketing"));
  EXPECT_EQ(marketing["identifiers"], json({{"email", "anna.virtanen@example.com"}, {"phone", "+358401234567"}}));
  EXPECT_EQ(marketing["fields"],
            json({{"identity.name", "Anna Virtanen"}, {"marketing.consent", {{"email", true}, {"sms", false}}}}));
  EXPECT_THAT(marketing["withheld_categories"].get<std::vector<std::string>>(),
              UnorderedElementsAre("contact.address", "account.customer_number", "account.login"));
  EXPECT_FALSE(marketing["provenance"].contains("contact.address"));
  EXPECT_THAT(marketing.dump(), Not(HasSubstr("Kauppakatu")));
  EXPECT_THAT(marketing.dump(), Not(HasSubstr("C-1001")));

  json service = Parse(Get("/v1/subjects/" + id, "customer_service"));
  EXPECT_EQ(service["identifiers"]["customer_number"], "C-1001");
  EXPECT_FALSE(service["identifiers"].contains("login"));
  EXPECT_TRUE(service["fields"].contains("contact.address"));
  EXPECT_THAT(service["withheld_categories"].get<std::vector<std::string>>(),
              UnorderedElementsAre("account.login", "marketing.consent"));
}

TEST_F(RegisterTest, ReadNeedsAPurposeTheKeyWasCreatedFor) {
  const std::string id = server_->CreateSubject(Anna());
  GiveMarketingConsent(id);
  HttpResult none = Get("/v1/subjects/" + id, "");
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(CodeOf(none), "purpose_required");

  HttpResult denied = Get("/v1/subjects/" + id, "contract", marketing_key_);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(CodeOf(denied), "purpose_not_allowed");
  EXPECT_THAT(denied.body, Not(HasSubstr("anna")));

  HttpResult allowed = Get("/v1/subjects/" + id, "marketing", marketing_key_);
  ASSERT_EQ(allowed.status, 200) << allowed.body;
  EXPECT_EQ(Parse(allowed)["identifiers"]["email"], "anna.virtanen@example.com");

  HttpResult missing = Get("/v1/subjects/sub_doesnotexist", "contract");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(CodeOf(missing), "subject_not_found");
}

TEST_F(RegisterTest, DuplicateEmailOrCustomerNumberIs409) {
  const std::string anna =
      server_->CreateSubject({{"identifiers", {{"email", "anna@example.com"}, {"customer_number", "C-1"}}}});

  HttpResult email = Post("/v1/subjects", json({{"identifiers", {{"email", " ANNA@Example.com "}}}}).dump());
  EXPECT_EQ(email.status, 409);
  EXPECT_EQ(CodeOf(email), "email_taken");
  // Without a purpose the key learns only how to look it up; naming one it holds, whose the address is (an audited
  // lookup, as GET /v1/subjects?email= is).
  EXPECT_EQ(email.body.find(anna), std::string::npos) << email.body;
  HttpResult named = server_->Post("/v1/subjects", {{"identifiers", {{"email", "anna@example.com"}}}},
                                   {.purpose = "customer_service"});
  EXPECT_EQ(named.status, 409) << named.body;
  EXPECT_EQ(json::parse(named.body)["error"]["details"].value("subject_id", ""), anna) << named.body;
  HttpResult trail = Get("/v1/subjects/" + anna + "/audit", "rights_fulfilment");
  EXPECT_NE(trail.body.find("subject.find"), std::string::npos) << trail.body;

  // A key that may only write subjects learns only that the address is taken, and who can look it up.
  const std::string writer = server_->CreateKey("signup-form", "contract", {"--actions", "subjects.write"});
  ASSERT_FALSE(writer.empty());
  HttpResult blind = server_->Post("/v1/subjects", {{"identifiers", {{"email", "anna@example.com"}}}}, {.key = writer});
  EXPECT_EQ(blind.status, 409) << blind.body;
  EXPECT_EQ(CodeOf(blind), "email_taken");
  EXPECT_EQ(blind.body.find(anna), std::string::npos) << blind.body;
  EXPECT_THAT(blind.body, ::testing::HasSubstr("subjects.read can look it up"));

  HttpResult number =
      Post("/v1/subjects", json({{"identifiers", {{"email", "b@example.com"}, {"customer_number", "C-1"}}}}).dump());
  EXPECT_EQ(number.status, 409);
  EXPECT_EQ(CodeOf(number), "customer_number_taken");

  // A rejected create leaves nothing behind: not the subject and not the e-mail it would have claimed.
  EXPECT_EQ(SubjectCount(), 1u);
  EXPECT_EQ(Get("/v1/subjects?email=b%40example.com", "contract").status, 404);
  EXPECT_EQ(Post("/v1/subjects", json({{"identifiers", {{"email", "b@example.com"}}}}).dump()).status, 201);
}

TEST_F(RegisterTest, SharedPhoneFindsEverySubjectWithIt) {
  const std::string a =
      server_->CreateSubject({{"identifiers", {{"email", "a@example.com"}, {"phone", "040 123 4567"}}}});
  const std::string b =
      server_->CreateSubject({{"identifiers", {{"email", "b@example.com"}, {"phone", "+358401234567"}}}});
  server_->CreateSubject({{"identifiers", {{"email", "c@example.com"}, {"phone", "+358 40 765 4321"}}}});
  GiveMarketingConsent(a);
  GiveMarketingConsent(b);

  HttpResult e164 = Get("/v1/subjects?phone=%2B358401234567", "customer_service");
  ASSERT_EQ(e164.status, 200) << e164.body;
  EXPECT_THAT(Ids(Parse(e164)["subjects"]), UnorderedElementsAre(a, b));

  HttpResult national = Get("/v1/subjects?phone=040%20123%204567", "marketing");
  ASSERT_EQ(national.status, 200) << national.body;
  json found = Parse(national)["subjects"];
  EXPECT_THAT(Ids(found), UnorderedElementsAre(a, b));
  for (const auto& s : found) EXPECT_EQ(s["identifiers"]["phone"], "+358401234567");

  // A changed phone leaves the old number's subjects.
  ASSERT_EQ(Patch("/v1/subjects/" + a, {{"identifiers", {{"phone", "+358 40 765 4321"}}}}).status, 200);
  EXPECT_THAT(Ids(Parse(Get("/v1/subjects?phone=%2B358401234567", "contract"))["subjects"]), ElementsAre(b));
  EXPECT_EQ(Parse(Get("/v1/subjects?phone=%2B358407654321", "contract"))["subjects"].size(), 2u);

  EXPECT_EQ(Get("/v1/subjects?phone=%2B358501112222", "marketing").status, 404);
  HttpResult bad = Get("/v1/subjects?phone=12", "marketing");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(CodeOf(bad), "invalid_phone");
}

TEST_F(RegisterTest, FindByEmailCustomerNumberOrLogin) {
  const std::string id = server_->CreateSubject(Anna());
  GiveMarketingConsent(id);
  server_->CreateSubject(
      {{"identifiers", {{"email", "other@example.com"}, {"customer_number", "C-2002"}, {"login", "other"}}}});

  HttpResult email = Get("/v1/subjects?email=%20ANNA.virtanen%40example.com", "marketing");
  ASSERT_EQ(email.status, 200) << email.body;
  json j = Parse(email);
  EXPECT_EQ(j["id"], id);
  EXPECT_EQ(j["fields"]["identity.name"], "Anna Virtanen");
  EXPECT_THAT(j["withheld_categories"].get<std::vector<std::string>>(),
              UnorderedElementsAre("contact.address", "account.customer_number", "account.login"));

  HttpResult number = Get("/v1/subjects?customer_number=C-1001", "contract");
  ASSERT_EQ(number.status, 200) << number.body;
  EXPECT_EQ(Parse(number)["id"], id);

  HttpResult login = Get("/v1/subjects?login=annav", "contract");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(Parse(login)["id"], id);
  EXPECT_EQ(Parse(login)["identifiers"]["login"], "annav");

  HttpResult none = Get("/v1/subjects?email=nobody%40example.com", "contract");
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(CodeOf(none), "subject_not_found");
  EXPECT_EQ(Get("/v1/subjects?email=anna.virtanen%40example.com", "").status, 400);
  EXPECT_EQ(Get("/v1/subjects?email=anna.virtanen%40example.com", "contract", marketing_key_).status, 403);
  HttpResult two = Get("/v1/subjects?email=anna.virtanen%40example.com&login=annav", "contract");
  EXPECT_EQ(two.status, 400);
  EXPECT_EQ(CodeOf(two), "ambiguous_lookup");
}

TEST_F(RegisterTest, CreateRejectsBadInputWithItsCode) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"fields":{"identity.shoe_size":42}})", "unknown_category"},
      {R"({"fields":{"contact.email":"a@example.com"}})", "identifier_as_field"},
      {R"({"identifiers":{"email":"a@example.com"},"nickname":"A"})", "unknown_key"},
      {R"({"identifiers":{"email":5}})", "invalid_type"},
      {R"({"identifiers":["a@example.com"]})", "invalid_type"},
      {R"({"fields":[1,2]})", "invalid_type"},
      {R"({"identifiers":{"email":"a@example.com"},"source":7})", "invalid_type"},
      {R"([{"identifiers":{"email":"a@example.com"}}])", "invalid_type"},
      {R"({"identifiers":{"email":"a@example.com"})", "invalid_json"},
      {"", "invalid_json"},
      {R"({"identifiers":{"phone":"not a phone"}})", "invalid_phone"},
      {R"({"identifiers":{"email":"anna.example.com"}})", "invalid_email"},
      {R"({"identifiers":{"email":"anna@"}})", "invalid_email"},
      {R"({"identifiers":{"email":"a@example.com"},"source":"rumour"})", "unknown_source"},
      {R"({"fields":{"identity.name":"A"},"sources":{"identity.name":"rumour"}})", "unknown_source"},
  };
  for (const auto& [body, code] : cases) {
    HttpResult r = Post("/v1/subjects", body);
    EXPECT_EQ(r.status, 400) << body << " → " << r.body;
    EXPECT_EQ(CodeOf(r), code) << body;
    // The error names no personal data from the request.
    EXPECT_THAT(r.body, Not(HasSubstr("a@example.com"))) << body;
  }
  EXPECT_EQ(SubjectCount(), 0u);
}

TEST_F(RegisterTest, StaffListingPaginatesNewestFirst) {
  const std::string first = server_->CreateSubject({{"identifiers", {{"email", "first@example.com"}}}});
  const std::string second = server_->CreateSubject({{"identifiers", {{"email", "second@example.com"}}}});
  const std::string third = server_->CreateSubject({{"identifiers", {{"email", "third@example.com"}}}});

  HttpResult p1 = Get("/v1/subjects?limit=2", "");
  ASSERT_EQ(p1.status, 200) << p1.body;
  json page1 = Parse(p1);
  EXPECT_THAT(Ids(page1["subjects"]), ElementsAre(third, second));
  ASSERT_TRUE(page1["next_cursor"].is_string()) << p1.body;
  EXPECT_THAT(page1["subjects"][0]["created_at"].get<std::string>(), HasSubstr("T"));
  EXPECT_THAT(p1.body, Not(HasSubstr("@example.com")));  // ids and times only

  HttpResult p2 = Get("/v1/subjects?limit=2&cursor=" + page1["next_cursor"].get<std::string>(), "");
  ASSERT_EQ(p2.status, 200) << p2.body;
  json page2 = Parse(p2);
  EXPECT_THAT(Ids(page2["subjects"]), ElementsAre(first));
  EXPECT_TRUE(page2["next_cursor"].is_null()) << p2.body;

  EXPECT_EQ(Http("GET", server_->url("/v1/subjects")).status, 401);
  HttpResult bad_cursor = Get("/v1/subjects?cursor=garbage", "");
  EXPECT_EQ(bad_cursor.status, 400);
  EXPECT_EQ(CodeOf(bad_cursor), "invalid_cursor");
  EXPECT_EQ(CodeOf(Get("/v1/subjects?limit=0", "")), "invalid_limit");
}

TEST_F(RegisterTest, PatchChangesAndRemovesFields) {
  const std::string id = server_->CreateSubject(Anna());
  json patch = {{"identifiers", {{"email", "Anna.New@Example.com"}}},
                {"fields",
                 {{"contact.address", {{"street", "Hämeenkatu 9"}, {"city", "Tampere"}}},
                  {"marketing.consent", nullptr},
                  {"identity.name", "Anna Virtanen"}}},  // unchanged: not reported
                {"source", "staff"}};
  HttpResult r = Patch("/v1/subjects/" + id, patch);
  ASSERT_EQ(r.status, 200) << r.body;
  json j = Parse(r);
  EXPECT_EQ(j["id"], id);
  EXPECT_THAT(j["changed"].get<std::vector<std::string>>(),
              UnorderedElementsAre("email", "contact.address", "marketing.consent"));
  EXPECT_THAT(j["updated_at"].get<std::string>(), HasSubstr("T"));

  json now = Parse(Get("/v1/subjects/" + id, "rights_fulfilment"));
  EXPECT_EQ(now["identifiers"]["email"], "anna.new@example.com");
  EXPECT_EQ(now["fields"]["contact.address"]["street"], "Hämeenkatu 9");
  EXPECT_FALSE(now["fields"].contains("marketing.consent"));
  EXPECT_EQ(now["provenance"]["contact.address"]["source"], "staff");
  EXPECT_EQ(now["provenance"]["contact.address"]["collected_at"], "2025-03-01T12:00:00Z");  // first collected then

  EXPECT_EQ(Get("/v1/subjects?email=anna.virtanen%40example.com", "contract").status, 404);  // released
  EXPECT_EQ(Parse(Get("/v1/subjects?email=anna.new%40example.com", "contract"))["id"], id);

  HttpResult same = Patch("/v1/subjects/" + id, {{"fields", {{"identity.name", "Anna Virtanen"}}}});
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_THAT(Parse(same)["changed"], IsEmpty());

  EXPECT_EQ(CodeOf(Patch("/v1/subjects/sub_doesnotexist", {{"fields", {{"identity.name", "X"}}}})),
            "subject_not_found");
  EXPECT_EQ(CodeOf(Patch("/v1/subjects/" + id, {{"fields", {{"contact.email", "x@example.com"}}}})),
            "identifier_as_field");
  EXPECT_EQ(server_->Send("PATCH", "/v1/subjects/" + id, "{").status, 400);
}

TEST_F(RegisterTest, PatchTakingAnotherSubjectsEmailIs409) {
  const std::string a =
      server_->CreateSubject({{"identifiers", {{"email", "a@example.com"}, {"customer_number", "C-1"}}}});
  const std::string b =
      server_->CreateSubject({{"identifiers", {{"email", "b@example.com"}, {"customer_number", "C-2"}}}});

  HttpResult email = Patch("/v1/subjects/" + b, {{"identifiers", {{"email", "A@EXAMPLE.COM"}}}});
  EXPECT_EQ(email.status, 409);
  EXPECT_EQ(CodeOf(email), "email_taken");
  // The whole patch fails: the field change in it is not kept either.
  HttpResult with_field =
      Patch("/v1/subjects/" + b, {{"identifiers", {{"email", "a@example.com"}}}, {"fields", {{"identity.name", "B"}}}});
  EXPECT_EQ(with_field.status, 409);
  EXPECT_THAT(Parse(Get("/v1/subjects/" + b, "contract"))["fields"], IsEmpty());
  EXPECT_EQ(Parse(Get("/v1/subjects/" + b + "/history", "contract"))["changes"].size(), 2u);  // the two collected
  HttpResult number = Patch("/v1/subjects/" + b, {{"identifiers", {{"customer_number", "C-1"}}}});
  EXPECT_EQ(number.status, 409);
  EXPECT_EQ(CodeOf(number), "customer_number_taken");

  // Nothing changed on either side, and b still owns its own e-mail.
  EXPECT_EQ(Parse(Get("/v1/subjects/" + b, "contract"))["identifiers"]["email"], "b@example.com");
  EXPECT_EQ(Parse(Get("/v1/subjects?email=a%40example.com", "contract"))["id"], a);
  EXPECT_EQ(Parse(Get("/v1/subjects?email=b%40example.com", "contract"))["id"], b);
  // Patching a subject to its own e-mail (different case) is not a conflict, and changes nothing.
  HttpResult own = Patch("/v1/subjects/" + a, {{"identifiers", {{"email", "A@example.com"}}}});
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_THAT(Parse(own)["changed"], IsEmpty());
  // Once a removes its e-mail (null), b may take it.
  HttpResult removed = Patch("/v1/subjects/" + a, {{"identifiers", {{"email", nullptr}}}});
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_THAT(Parse(removed)["changed"], ElementsAre("email"));
  HttpResult taken = Patch("/v1/subjects/" + b, {{"identifiers", {{"email", "a@example.com"}}}});
  EXPECT_EQ(taken.status, 200) << taken.body;
  EXPECT_EQ(Parse(Get("/v1/subjects?email=a%40example.com", "contract"))["id"], b);
}

TEST_F(RegisterTest, HistoryKeepsPreviousValuesAcrossTwoPatches) {
  const std::string id =
      server_->CreateSubject({{"identifiers", {{"email", "anna@example.com"}}},
                              {"fields", {{"identity.name", "Anna"}, {"contact.address", "Kauppakatu 3"}}}});
  GiveMarketingConsent(id);
  ASSERT_EQ(Patch("/v1/subjects/" + id, {{"fields", {{"identity.name", "Anna Virtanen"}}}, {"source", "staff"}}).status,
            200);
  ASSERT_EQ(Patch("/v1/subjects/" + id,
                  {{"fields", {{"identity.name", nullptr}, {"contact.address", "Hämeenkatu 9"}}}, {"source", "staff"}})
                .status,
            200);

  HttpResult r = Get("/v1/subjects/" + id + "/history", "contract");
  ASSERT_EQ(r.status, 200) << r.body;
  json j = Parse(r);
  EXPECT_EQ(j["subject_id"], id);
  std::vector<json> name;
  std::vector<json> address;
  for (const auto& c : j["changes"]) {
    EXPECT_THAT(c["id"].get<std::string>(), StartsWith("chg_"));
    EXPECT_EQ(c["actor"], "shop");
    if (c["field"] == "identity.name") name.push_back(c);
    if (c["field"] == "contact.address") address.push_back(c);
  }
  ASSERT_EQ(name.size(), 3u) << r.body;
  EXPECT_EQ(name[0]["action"], "collected");
  EXPECT_EQ(name[0]["source"], "subject");
  EXPECT_FALSE(name[0].contains("previous"));
  EXPECT_EQ(name[1]["action"], "changed");
  EXPECT_EQ(name[1]["previous"], "Anna");
  EXPECT_EQ(name[1]["source"], "staff");
  EXPECT_EQ(name[2]["action"], "removed");
  EXPECT_EQ(name[2]["previous"], "Anna Virtanen");
  ASSERT_EQ(address.size(), 2u) << r.body;
  EXPECT_EQ(address[1]["action"], "changed");
  EXPECT_EQ(address[1]["previous"], "Kauppakatu 3");
  EXPECT_EQ(j["changes"].size(), 6u) << r.body;  // + the e-mail collected

  // marketing does not use the address: neither its changes nor its previous values are shown.
  json marketing = Parse(Get("/v1/subjects/" + id + "/history", "marketing"));
  EXPECT_THAT(marketing.dump(), Not(HasSubstr("contact.address")));
  EXPECT_THAT(marketing.dump(), Not(HasSubstr("Kauppakatu")));
  EXPECT_EQ(marketing["changes"].size(), 4u);

  EXPECT_EQ(Get("/v1/subjects/" + id + "/history", "").status, 400);
  EXPECT_EQ(Get("/v1/subjects/sub_doesnotexist/history", "contract").status, 404);
}

TEST_F(RegisterTest, RecordsAreStoredAndReadBack) {
  const std::string id = server_->CreateSubject(Anna());
  HttpResult r = Post("/v1/subjects/" + id + "/records", Order("2025-06-01T10:00:00Z", "ORD-1").dump());
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string rec = Parse(r)["id"];
  EXPECT_THAT(rec, StartsWith("rec_"));

  HttpResult list = Get("/v1/subjects/" + id + "/records", "contract");
  ASSERT_EQ(list.status, 200) << list.body;
  json j = Parse(list);
  ASSERT_EQ(j["records"].size(), 1u) << list.body;
  const json& got = j["records"][0];
  EXPECT_EQ(got["id"], rec);
  EXPECT_EQ(got["kind"], "order");
  EXPECT_EQ(got["categories"], json({"customer.order"}));
  EXPECT_EQ(got["occurred_at"], "2025-06-01T10:00:00Z");
  EXPECT_EQ(got["payload"], json({{"total", "49.90"}, {"items", 2}}));
  EXPECT_EQ(got["reference"], "ORD-1");
  EXPECT_EQ(j["withheld"], 0);
  EXPECT_TRUE(j["next_cursor"].is_null());

  json unknown_kind = Order("2025-06-01T10:00:00Z", "ORD-2");
  unknown_kind["kind"] = "horoscope";
  HttpResult kind = Post("/v1/subjects/" + id + "/records", unknown_kind.dump());
  EXPECT_EQ(kind.status, 400);
  EXPECT_EQ(CodeOf(kind), "unknown_record_kind");
  json no_categories = Order("2025-06-01T10:00:00Z", "ORD-3");
  no_categories.erase("categories");
  EXPECT_EQ(Post("/v1/subjects/" + id + "/records", no_categories.dump()).status, 400);
  no_categories["categories"] = json::array();
  EXPECT_EQ(Post("/v1/subjects/" + id + "/records", no_categories.dump()).status, 400);
  HttpResult nobody = Post("/v1/subjects/sub_doesnotexist/records", Order("2025-06-01T10:00:00Z", "ORD-4").dump());
  EXPECT_EQ(nobody.status, 404);
  EXPECT_EQ(CodeOf(nobody), "subject_not_found");
  EXPECT_EQ(Get("/v1/subjects/sub_doesnotexist/records", "contract").status, 404);
  EXPECT_EQ(Get("/v1/subjects/" + id + "/records", "").status, 400);
  EXPECT_EQ(Get("/v1/subjects/" + id + "/records", "contract", marketing_key_).status, 403);

  // The failed ones stored nothing.
  EXPECT_EQ(Parse(Get("/v1/subjects/" + id + "/records", "contract"))["records"].size(), 1u);
}

TEST_F(RegisterTest, RecordsPaginateNewestFirstAndFilter) {
  const std::string id = server_->CreateSubject(Anna());
  std::vector<std::string> recs;
  for (int day = 1; day <= 5; ++day) {
    const std::string n = std::to_string(day);
    recs.push_back(AddRecord(id, Order("2025-06-0" + n + "T10:00:00Z", "ORD-" + n)));
  }
  std::vector<std::string> seen;
  std::string cursor;
  std::vector<size_t> sizes;
  for (int page = 0; page < 5; ++page) {
    HttpResult r =
        Get("/v1/subjects/" + id + "/records?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), "contract");
    ASSERT_EQ(r.status, 200) << r.body;
    json j = Parse(r);
    sizes.push_back(j["records"].size());
    for (const auto& rec : j["records"]) seen.push_back(rec["id"]);
    if (j["next_cursor"].is_null()) break;
    cursor = j["next_cursor"];
  }
  EXPECT_THAT(sizes, ElementsAre(2u, 2u, 1u));
  EXPECT_THAT(seen, ElementsAre(recs[4], recs[3], recs[2], recs[1], recs[0]));

  // Records at the same moment are ordered by id, and the cursor neither skips nor repeats any of them.
  std::set<std::string> same;
  for (int i = 0; i < 3; ++i) same.insert(AddRecord(id, Order("2025-04-01T10:00:00Z", "SAME")));
  std::set<std::string> paged;
  cursor = "";
  for (int page = 0; page < 5; ++page) {
    json j = Parse(Get("/v1/subjects/" + id + "/records?limit=2&kind=order&since=2025-04-01T10:00:00Z" +
                           (cursor.empty() ? "" : "&cursor=" + cursor),
                       "contract"));
    for (const auto& rec : j["records"]) {
      if (rec["reference"] == "SAME") {
        EXPECT_TRUE(paged.insert(rec["id"]).second) << "repeated " << rec["id"];
      }
    }
    if (j["next_cursor"].is_null()) break;
    cursor = j["next_cursor"];
  }
  EXPECT_EQ(paged, same);

  const std::string payment = AddRecord(id, {{"kind", "payment"},
                                             {"categories", {"payment.transaction"}},
                                             {"occurred_at", "2025-05-01T10:00:00Z"},
                                             {"payload", {{"amount", "49.90"}}}});
  json by_kind = Parse(Get("/v1/subjects/" + id + "/records?kind=payment", "contract"));
  EXPECT_THAT(Ids(by_kind["records"]), ElementsAre(payment));
  json since = Parse(Get("/v1/subjects/" + id + "/records?since=2025-06-04T00:00:00Z", "contract"));
  EXPECT_THAT(Ids(since["records"]), ElementsAre(recs[4], recs[3]));
  EXPECT_EQ(CodeOf(Get("/v1/subjects/" + id + "/records?cursor=nonsense", "contract")), "invalid_cursor");
  EXPECT_EQ(CodeOf(Get("/v1/subjects/" + id + "/records?kind=horoscope", "contract")), "unknown_record_kind");
}

TEST_F(RegisterTest, RecordsArePurposeBound) {
  const std::string id = server_->CreateSubject(Anna());
  GiveMarketingConsent(id);
  const std::string order = AddRecord(id, Order("2025-06-01T10:00:00Z", "ORD-1"));
  const std::string payment = AddRecord(id, {{"kind", "payment"},
                                             {"categories", {"customer.order", "payment.transaction"}},
                                             {"occurred_at", "2025-06-02T10:00:00Z"},
                                             {"payload", {{"amount", "49.90"}, {"card", "VISA-4242"}}}});
  const std::string chat = AddRecord(id, {{"kind", "message"},
                                          {"categories", {"communication.chat"}},
                                          {"occurred_at", "2025-06-03T10:00:00Z"},
                                          {"payload", {{"text", "Missä tilaukseni on?"}}}});

  json marketing = Parse(Get("/v1/subjects/" + id + "/records", "marketing"));
  EXPECT_THAT(marketing["records"], IsEmpty());
  EXPECT_EQ(marketing["withheld"], 3);

  json service = Parse(Get("/v1/subjects/" + id + "/records", "customer_service"));
  EXPECT_THAT(Ids(service["records"]), ElementsAre(chat, order));  // payment.transaction is not customer_service's
  EXPECT_EQ(service["withheld"], 1);
  EXPECT_THAT(service.dump(), Not(HasSubstr("VISA-4242")));

  json contract = Parse(Get("/v1/subjects/" + id + "/records", "contract"));
  EXPECT_THAT(Ids(contract["records"]), ElementsAre(payment, order));
  EXPECT_EQ(contract["withheld"], 1);
}

TEST_F(RegisterTest, BulkRecordsStoreGoodLinesAndReportBadOnes) {
  const std::string a = server_->CreateSubject({{"identifiers", {{"email", "a@example.com"}}}});
  const std::string b = server_->CreateSubject({{"identifiers", {{"email", "b@example.com"}}}});
  auto line = [](const std::string& subject, const std::string& kind, const std::string& at) {
    return json({{"subject_id", subject},
                 {"kind", kind},
                 {"categories", {"customer.order"}},
                 {"occurred_at", at},
                 {"payload", {{"total", "10.00"}}}})
        .dump();
  };
  const std::string body = line(a, "order", "2025-06-01T10:00:00Z") + "\n" +                   // 1
                           "{not json\n" +                                                     // 2
                           line("sub_doesnotexist", "order", "2025-06-01T10:00:00Z") + "\n" +  // 3
                           "\n" +                                                              // 4 (blank)
                           line(b, "order", "2025-06-02T10:00:00Z") + "\r\n" +                 // 5
                           line(a, "horoscope", "2025-06-03T10:00:00Z") + "\n" +               // 6
                           line(a, "order", "2025-06-04T10:00:00Z");                           // 7, no newline
  HttpResult r = Bulk(body);
  ASSERT_EQ(r.status, 200) << r.body;
  json j = Parse(r);
  EXPECT_EQ(j["stored"], 3);
  EXPECT_EQ(j["rejected"], 3);
  std::vector<int> stored_lines;
  for (const auto& rec : j["records"]) stored_lines.push_back(rec["line"].get<int>());
  EXPECT_THAT(stored_lines, ElementsAre(1, 5, 7));
  std::vector<std::pair<int, std::string>> errors;
  for (const auto& e : j["errors"]) errors.emplace_back(e["line"].get<int>(), e["code"].get<std::string>());
  EXPECT_THAT(errors, ElementsAre(std::make_pair(2, std::string("invalid_json")),
                                  std::make_pair(3, std::string("subject_not_found")),
                                  std::make_pair(6, std::string("unknown_record_kind"))));

  ASSERT_EQ(j["records"].size(), 3u);
  const std::vector<std::string> ids = Ids(j["records"]);
  EXPECT_THAT(Ids(Parse(Get("/v1/subjects/" + a + "/records", "contract"))["records"]), ElementsAre(ids[2], ids[0]));
  EXPECT_THAT(Ids(Parse(Get("/v1/subjects/" + b + "/records", "contract"))["records"]), ElementsAre(ids[1]));

  EXPECT_EQ(CodeOf(Bulk("")), "empty_body");
}

TEST_F(RegisterTest, AuditTrailRecordsEveryAccessWithoutPersonalData) {
  const std::string id = server_->CreateSubject(Anna());
  GiveMarketingConsent(id);
  ASSERT_EQ(Get("/v1/subjects/" + id, "contract").status, 200);
  ASSERT_EQ(Get("/v1/subjects?email=anna.virtanen%40example.com", "marketing", marketing_key_).status, 200);
  ASSERT_EQ(Patch("/v1/subjects/" + id, {{"fields", {{"identity.name", "Anna Korhonen"}}}}).status, 200);
  ASSERT_EQ(Get("/v1/subjects/" + id + "/history", "contract").status, 200);
  AddRecord(id, Order("2025-06-01T10:00:00Z", "ORD-SECRET-77"));
  ASSERT_EQ(Get("/v1/subjects/" + id + "/records", "customer_service").status, 200);

  HttpResult r = Get("/v1/subjects/" + id + "/audit", "rights_fulfilment");
  ASSERT_EQ(r.status, 200) << r.body;
  json entries = Parse(r)["entries"];
  std::vector<std::string> actions;
  json register_entries = json::array();  // the register's own; the consent given above has its entry too
  int64_t last_seq = 0;
  for (const auto& e : entries) {
    EXPECT_GT(e["seq"].get<int64_t>(), last_seq);
    last_seq = e["seq"];
    EXPECT_EQ(e["actor_kind"], "api_key");
    const std::string action = e["action"];
    if (action.starts_with("subject.") || action.starts_with("record.")) {
      actions.push_back(action);
      register_entries.push_back(e);
    }
  }
  EXPECT_THAT(actions, ElementsAre("subject.create", "subject.read", "subject.find", "subject.update",
                                   "subject.history", "record.create", "record.read"));
  ASSERT_EQ(register_entries.size(), 7u) << r.body;
  EXPECT_EQ(register_entries[0]["actor"], "shop");
  EXPECT_EQ(register_entries[1]["purpose"], "contract");
  EXPECT_EQ(register_entries[2]["actor"], "mailer");
  EXPECT_EQ(register_entries[2]["purpose"], "marketing");
  EXPECT_EQ(register_entries[6]["purpose"], "customer_service");

  for (const char* personal : {"anna", "Anna", "Virtanen", "Korhonen", "358401234567", "4567", "C-1001", "Kauppakatu",
                               "Tampere", "ORD-SECRET-77", "49.90"}) {
    EXPECT_THAT(r.body, Not(HasSubstr(personal))) << r.body;
  }

  EXPECT_EQ(Get("/v1/subjects/" + id + "/audit", "").status, 400);
  EXPECT_EQ(Get("/v1/subjects/" + id + "/audit", "contract", marketing_key_).status, 403);
  EXPECT_EQ(CodeOf(Get("/v1/subjects/sub_doesnotexist/audit", "contract")), "subject_not_found");
}

TEST_F(RegisterTest, InvalidUtf8AndOversizedBodiesAreRejected) {
  const std::string id = server_->CreateSubject({{"identifiers", {{"email", "a@example.com"}}}});
  HttpResult create = Post("/v1/subjects", "{\"fields\":{\"identity.name\":\"\xc3\x28\"}}");
  EXPECT_EQ(create.status, 400);
  EXPECT_EQ(CodeOf(create), "invalid_utf8");
  HttpResult patch = server_->Send("PATCH", "/v1/subjects/" + id, "{\"fields\":{\"identity.name\":\"\xff\"}}");
  EXPECT_EQ(patch.status, 400);
  EXPECT_EQ(CodeOf(patch), "invalid_utf8");

  json big = {{"fields", {{"identity.name", std::string(1024 * 1024, 'a')}}}};
  HttpResult large = Post("/v1/subjects", big.dump());
  EXPECT_EQ(large.status, 413);
  EXPECT_EQ(CodeOf(large), "body_too_large");
  HttpResult bulk = Bulk(std::string(1024 * 1024 + 1, '\n'));
  EXPECT_EQ(bulk.status, 413);

  EXPECT_EQ(SubjectCount(), 1u);
  EXPECT_THAT(Parse(Get("/v1/subjects/" + id, "contract"))["fields"], IsEmpty());
}

}  // namespace
}  // namespace tillit::testing
