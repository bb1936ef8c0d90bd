// Personal data at rest, input by input: through a real `tillit serve`, every free-text input of every route that
// takes one is filled with its own canary string — the subject's identifiers and fields, a change of them, record
// payloads, references and accounting fields (one by one and in bulk), consent evidence (user agent and IP), an
// objection's decision reason, a restriction's reason and lift notice, a disclosure's reference, the cookie banner's
// inputs, an agreement's reference, rights requests' texts, patch and unknown address, staff's reject, extend and
// complete texts, and an incoming mail — and the services read them back to callers who may see them (consents,
// objections, restrictions, the request and the access report). Then every data file (the SQLite register and key
// store with their WALs, or the PostgreSQL cluster's files) and the server's logs are scanned: no canary may appear
// in plaintext while the subject exists, except the inputs listed in kInTheClearByDesign; none after its erasure.
// Route inputs that take no free text (prohibition codes, purposes, channels, methods, request types, verification
// codes, erasure reasons) are vocabularies checked on input. Runs on both backends; Minime's configuration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "support/server.h"

namespace tillit::testing {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// Inputs kept in the clear on purpose, with the reason. They are exempt from the scan while the subject exists.
//  - visitor_id: the cookie banner's opaque id of a browser, chosen by the banner, not a description of anyone; it is
//    the key the visitor's choices are found by, and visitors have no data key. Like a subject id.
//  - banner_version: names the controller's own banner text that was shown, the same for every visitor.
//  - agreement: the shop's reference of a subscription (POST /v1/subjects/{id}/agreements/{ref}/end), kept as the
//    key that makes ending it idempotent; deleted by erasure.
const std::vector<std::string> kInTheClearByDesign = {"visitor_id", "banner_version", "agreement"};

json Parse(const std::string& body) { return json::parse(body, nullptr, false); }

class CanaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device device;
    token_ = std::to_string(std::uniform_int_distribution<int>(100000, 999999)(device));
    server_ = std::make_unique<TestServer>(data());
    // The one key of the test: every route below, erasure included.
    server_->CreateKey("privacy-desk", "customer_service,contract,accounting,marketing,analytics,rights_fulfilment");
  }

  // A canary for the input `name`: lower case (e-mail addresses are normalised), and no canary contains another.
  std::string Canary(const std::string& name) {
    std::string value = "cnry" + token_ + "x" + name + "q";
    for (char& c : value) c = c == '_' ? 'x' : c;
    canaries_[name] = value;
    return value;
  }

  std::string data() const { return dir_ / "data"; }
  json Expect(long status, const std::string& method, const std::string& path, const json& body) {
    HttpResult r = server_->Send(method, path, body.is_null() ? "" : body.dump());
    EXPECT_EQ(r.status, status) << method << " " << path << ": " << r.body;
    return Parse(r.body);
  }
  json Read(const std::string& path, const std::string& purpose = "customer_service") {
    HttpResult r = server_->Get(path, {.purpose = purpose});
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return Parse(r.body);
  }

  // Where the data lives: the data directory (SQLite) or the PostgreSQL cluster; "" when it cannot be scanned.
  std::string DataFiles() const { return UsingPostgres() ? PostgresClusterDir() : data(); }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
  std::string token_;
  std::map<std::string, std::string> canaries_;  // input name → canary
};

TEST_F(CanaryTest, NoInputOfAnyRouteIsStoredInPlaintextAndNoneOutlivesErasure) {
  // The subject: identifiers and profile fields, then a change of a field (its previous value goes to the history).
  const std::string phone_digits = "40" + token_.substr(0, 3) + "7" + token_.substr(3);  // nine digits
  canaries_["phone"] = phone_digits;
  const std::string email = Canary("email") + "@example.fi";
  const json subject = Expect(201, "POST", "/v1/subjects",
                              {{"identifiers",
                                {{"email", email},
                                 {"phone", "+358" + phone_digits},
                                 {"customer_number", Canary("customer_number")},
                                 {"login", Canary("login")}}},
                               {"fields", {{"identity.name", Canary("name")}, {"contact.address", Canary("address")}}}});
  const std::string id = subject.value("id", "");
  ASSERT_FALSE(id.empty());
  const std::string base = "/v1/subjects/" + id;
  Expect(200, "PATCH", base, {{"fields", {{"identity.name", Canary("name_changed")}}}});

  // Records: payload, reference and the accounting fields kept under legal hold; one more through the bulk route.
  Expect(201, "POST", base + "/records",
         {{"kind", "order"},
          {"categories", {"customer.order", "payment.transaction"}},
          {"payload", {{"deliver_to", Canary("record_payload")}}},
          {"reference", Canary("record_reference")},
          {"accounting", {{"invoice", Canary("accounting")}, {"total", "49.90"}}}});
  HttpResult bulk = server_->Send("POST", "/v1/records/bulk",
                                  json{{"subject_id", id},
                                       {"kind", "message"},
                                       {"categories", {"communication.chat"}},
                                       {"payload", {{"text", Canary("bulk_payload")}}},
                                       {"reference", Canary("bulk_reference")}}
                                          .dump() +
                                      "\n",
                                  {.type = "application/x-ndjson"});
  EXPECT_LT(bulk.status, 300) << bulk.body;

  // Consent evidence, an objection decided with a reason, a prohibition code, a restriction and its lifting.
  const std::string ip = "2001:db8::" + token_.substr(0, 4) + ":" + token_.substr(2, 4);
  canaries_["ip"] = ip;
  const json consent =
      Expect(201, "POST", base + "/consents",
             {{"purpose", "marketing"},
              {"action", "given"},
              {"method", "web_form"},
              {"evidence", {{"user_agent", Canary("user_agent")}, {"ip", ip}}}});
  EXPECT_EQ(consent["evidence"].value("user_agent", ""), canaries_["user_agent"]) << consent.dump();
  const json objection = Expect(201, "POST", base + "/objections", {{"purpose", "analytics"}, {"method", "portal"}});
  const json decided =
      Expect(200, "POST", base + "/objections/" + objection.value("id", "") + "/decision",
             {{"outcome", "overridden"}, {"reason", Canary("objection_reason")}});
  EXPECT_EQ(decided.value("reason", ""), canaries_["objection_reason"]) << decided.dump();
  Expect(201, "POST", base + "/prohibitions", {{"code", "no_phone_marketing"}, {"method", "phone"}});
  const json restricted = Expect(201, "POST", base + "/restriction", {{"reason", Canary("restriction_reason")}});
  EXPECT_EQ(restricted.value("reason", ""), canaries_["restriction_reason"]) << restricted.dump();
  Expect(200, "DELETE", base + "/restriction", {{"notice", Canary("lift_notice")}});

  // A disclosure, the cookie banner (linked to the subject), an agreement's end.
  Expect(201, "POST", base + "/disclosures",
         {{"recipient", "posti"},
          {"categories", {"contact.address"}},
          {"purpose", "contract"},
          {"reference", Canary("disclosure_reference")}});
  const std::string visitor = Canary("visitor_id");
  Expect(201, "POST", "/v1/visitors/" + visitor + "/consents",
         {{"categories", {{"statistics", true}, {"marketing", false}}}, {"banner_version", Canary("banner_version")}});
  Expect(200, "POST", "/v1/visitors/" + visitor + "/link", {{"subject_id", id}});
  Expect(200, "POST", base + "/agreements/" + Canary("agreement") + "/end", json::object());

  // Rights requests: texts, a rectification's patch, an unknown address, and staff's texts told to the subject.
  const json inquiry = Expect(201, "POST", "/v1/requests",
                              {{"type", "inquiry"}, {"subject", id}, {"text", Canary("request_text")}});
  const std::string inquiry_path = "/v1/requests/" + inquiry.value("id", "");
  Expect(200, "POST", inquiry_path + "/extend", {{"reason", Canary("extend_reason")}, {"months", 1}});
  Expect(200, "POST", inquiry_path + "/complete", {{"note", Canary("complete_note")}});
  const json second = Expect(201, "POST", "/v1/requests",
                             {{"type", "inquiry"}, {"subject", id}, {"text", Canary("second_request_text")}});
  Expect(200, "POST", "/v1/requests/" + second.value("id", "") + "/reject", {{"reason", Canary("reject_reason")}});
  Expect(201, "POST", "/v1/requests",
         {{"type", "rectification"},
          {"subject", id},
          {"text", Canary("rectification_text")},
          {"patch", {{"fields", {{"identity.name", Canary("patch_value")}}}}}});
  Expect(201, "POST", "/v1/requests", {{"type", "access"}, {"email", Canary("unknown_email") + "@example.fi"}});
  HttpResult mail =
      server_->Send("POST", "/v1/mail/inbound",
                    "From: " + email + "\r\nTo: asiakaspalvelu@minime.fi\r\nSubject: " + Canary("mail_subject") +
                        "\r\n\r\n" + Canary("mail_body") + "\r\n",
                    {.type = "message/rfc822"});
  EXPECT_EQ(mail.status, 202) << mail.body;

  // What was sealed is read back, opened, by the services that may show it.
  const std::string consents = Read(base + "/consents").dump();
  EXPECT_THAT(consents, HasSubstr(canaries_["user_agent"]));
  EXPECT_THAT(Read(base + "/objections").dump(), HasSubstr(canaries_["objection_reason"]));
  const std::string restriction = Read(base + "/restriction").dump();
  EXPECT_THAT(restriction, HasSubstr(canaries_["restriction_reason"]));
  EXPECT_THAT(restriction, HasSubstr(canaries_["lift_notice"]));
  const std::string request = Read(inquiry_path).dump();
  EXPECT_THAT(request, HasSubstr(canaries_["request_text"]));
  EXPECT_THAT(request, HasSubstr(canaries_["extend_reason"]));
  EXPECT_THAT(request, HasSubstr(canaries_["complete_note"]));
  const json report = Expect(201, "POST", base + "/access-report", json::object());
  HttpResult answer = Http("GET", server_->url("/v1/reports/" + report.value("token", "") + "?format=json"));
  ASSERT_EQ(answer.status, 200) << answer.body;
  for (const char* name :
       {"user_agent", "objection_reason", "restriction_reason", "lift_notice", "name_changed", "record_payload"}) {
    EXPECT_THAT(answer.body, HasSubstr(canaries_[name])) << name << " missing from the access report";
  }

  // While the subject exists: no canary in the logs, nor in the data files but those kept in the clear by design.
  const std::string logs_before = server_->out() + server_->err();
  for (const auto& [name, canary] : canaries_) {
    EXPECT_THAT(logs_before, Not(HasSubstr(canary))) << name << " in the logs";
  }
  const std::string where = DataFiles();
  if (!where.empty()) {
    const std::string bytes = AllBytesBelow(where);
    ASSERT_NE(bytes.find("consent_events"), std::string::npos) << "the scan does not read the databases";
    for (const auto& [name, canary] : canaries_) {
      const bool by_design =
          std::find(kInTheClearByDesign.begin(), kInTheClearByDesign.end(), name) != kInTheClearByDesign.end();
      // What is in the clear by design is found: the scan sees the stored inputs.
      if (by_design) {
        EXPECT_NE(bytes.find(canary), std::string::npos) << name << " was expected in the clear in " << where;
        continue;
      }
      EXPECT_EQ(bytes.find(canary), std::string::npos) << name << " in plaintext in " << where;
    }
  }

  // Erasure: afterwards no canary anywhere. PostgreSQL keeps what was in the clear in its WAL segments until they
  // are recycled, so there the inputs kept in the clear by design are not looked for.
  Expect(200, "POST", base + "/erase", {{"reason", "request"}});
  const std::string logs = server_->out() + server_->err();
  for (const auto& [name, canary] : canaries_) EXPECT_THAT(logs, Not(HasSubstr(canary))) << name << " in the logs";
  ASSERT_EQ(server_->Stop(), 0);
  if (where.empty()) GTEST_SKIP() << "set TILLIT_TEST_POSTGRES_DIR to scan the cluster's files";
  const std::string after = AllBytesBelow(where);
  ASSERT_NE(after.find("erasures"), std::string::npos) << "the scan does not read the databases";
  for (const auto& [name, canary] : canaries_) {
    const bool by_design =
        std::find(kInTheClearByDesign.begin(), kInTheClearByDesign.end(), name) != kInTheClearByDesign.end();
    if (by_design && UsingPostgres()) continue;
    EXPECT_EQ(after.find(canary), std::string::npos) << name << " in plaintext in " << where << " after the erasure";
  }
}

// A register written before schema version 13 kept consent evidence, objections' decision reasons and restrictions'
// reasons and lift notices in the clear. Such rows (made here by writing the old columns directly, as the older
// version did) are sealed when tillit next opens the data: the API shows the same texts, the columns in the clear are
// empty, and the texts are gone from the table files.
TEST_F(CanaryTest, TextsAnOlderVersionKeptInTheClearAreSealedAtStart) {
  const json subject = Expect(201, "POST", "/v1/subjects", {{"identifiers", {{"email", "old@example.fi"}}}});
  const std::string base = "/v1/subjects/" + subject.value("id", "");
  Expect(201, "POST", base + "/consents",
         {{"purpose", "marketing"}, {"action", "given"}, {"evidence", {{"user_agent", "sealed now"}}}});
  const json objection = Expect(201, "POST", base + "/objections", {{"purpose", "analytics"}});
  Expect(200, "POST", base + "/objections/" + objection.value("id", "") + "/decision",
         {{"outcome", "overridden"}, {"reason", "sealed now"}});
  Expect(201, "POST", base + "/restriction", {{"reason", "sealed now"}});
  Expect(200, "DELETE", base + "/restriction", {{"notice", "sealed now"}});
  ASSERT_EQ(server_->Stop(), 0);

  const std::string hash = UsingPostgres() ? "'\\x0a0b'::bytea" : "X'0A0B'";
  RunSql(data(), "UPDATE consent_events SET evidence = NULL, ip_hash = " + hash + ", user_agent = '" +
                     Canary("legacy_user_agent") + "'");
  RunSql(data(), "UPDATE objections SET sealed_reason = NULL, reason = '" + Canary("legacy_reason") + "'");
  RunSql(data(), "UPDATE restrictions SET sealed_reason = NULL, sealed_notice = NULL, reason = '" +
                     Canary("legacy_restriction") + "', lift_notice = '" + Canary("legacy_notice") + "'");
  ASSERT_THAT(RunSql(data(), "SELECT COUNT(*) FROM consent_events WHERE user_agent <> ''"), ElementsAre("1"));

  ASSERT_TRUE(server_->Restart());
  const json consents = Read(base + "/consents");
  ASSERT_EQ(consents["history"].size(), 1u) << consents.dump();
  EXPECT_EQ(consents["history"][0]["evidence"].value("user_agent", ""), canaries_["legacy_user_agent"]);
  EXPECT_EQ(consents["history"][0]["evidence"].value("ip_hash", ""), "0a0b");
  EXPECT_EQ(Read(base + "/objections")["objections"][0].value("reason", ""), canaries_["legacy_reason"]);
  const json restriction = Read(base + "/restriction");
  EXPECT_EQ(restriction["history"][0].value("reason", ""), canaries_["legacy_restriction"]) << restriction.dump();
  EXPECT_EQ(restriction["history"][0].value("notice", ""), canaries_["legacy_notice"]) << restriction.dump();
  ASSERT_EQ(server_->Stop(), 0);

  for (const char* sql : {"SELECT COUNT(*) FROM consent_events WHERE user_agent <> '' OR length(ip_hash) > 0",
                          "SELECT COUNT(*) FROM consent_events WHERE evidence IS NULL",
                          "SELECT COUNT(*) FROM objections WHERE reason <> '' OR sealed_reason IS NULL",
                          "SELECT COUNT(*) FROM restrictions WHERE reason <> '' OR lift_notice <> '' OR "
                          "sealed_reason IS NULL OR sealed_notice IS NULL"}) {
    EXPECT_THAT(RunSql(data(), sql), ElementsAre("0")) << sql;
  }
  RunResult audit = RunTillit({"audit", "verify", "--data", data()});
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
  EXPECT_THAT(RunSql(data(), "SELECT COUNT(*) FROM audit_log WHERE action = 'data.seal_legacy'"), ElementsAre("1"));
  // The table files (PostgreSQL: rewritten by VACUUM FULL; its WAL keeps the old versions until recycled).
  const std::string where = UsingPostgres() ? PostgresClusterDir() : data();
  if (where.empty()) GTEST_SKIP() << "set TILLIT_TEST_POSTGRES_DIR to scan the cluster's files";
  // The cluster's table files are in base/ of its data directory (the test cluster keeps that in data/).
  std::string tables = where;
  if (UsingPostgres()) {
    tables = std::filesystem::exists(where + "/data/base") ? where + "/data/base" : where + "/base";
  }
  const std::string bytes = AllBytesBelow(tables);
  ASSERT_NE(bytes.find("consent_events"), std::string::npos) << "the scan does not read the tables in " << tables;
  for (const auto& [name, canary] : canaries_) {
    EXPECT_EQ(bytes.find(canary), std::string::npos) << name << " in " << tables;
  }
}

}  // namespace
}  // namespace tillit::testing
