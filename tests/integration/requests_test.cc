// Rights requests end to end over HTTP, with the test clock and a real SMTP peer on loopback (aiosmtpd): receipt
// and due dates, the one-time code read from the delivered mail, verification and its limits, execution of
// rectification, restriction, objection, withdrawal of consent and inquiries, extension, rejection, the overdue
// list, and a request about an unknown address answered by a "no data held" mail without revealing anything.
// Configuration: Minimagi (Norway, Europe/Oslo; no type needs staff approval).
#include "core/rights/requests.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "config/loader.h"
#include "core/consent/consents.h"
#include "core/consent/decisions.h"
#include "core/consent/snapshots.h"
#include "core/install/data_dir.h"
#include "core/mail/outbox.h"
#include "core/register/register.h"
#include "core/rights/deadlines.h"
#include "support/server.h"
#include "support/smtp_peer.h"
#include "util/clock.h"
#include "util/random.h"

namespace tillit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

using Mail = ReceivedMail;

const Caller kCustomerService = {.purpose = "customer_service"};
const Caller kMail = {.type = "message/rfc822"};

class RequestsTest : public ::testing::Test {
 protected:
  // Extra lines for Minimagi's [rights] section.
  virtual std::string RightsExtra() const { return ""; }

  void SetUp() override {
    smtp_ = std::make_unique<SmtpPeer>(dir_ / "maildir");
    clock_ = std::make_unique<TestClock>(dir_, "2025-01-31T10:00:00Z");
    std::string config = ReadFile(ExampleConfig("minimagi"));
    const size_t rights = config.find("[rights]\n");
    ASSERT_NE(rights, std::string::npos);
    config.insert(rights + 9, RightsExtra());
    WriteFile(dir_ / "tillit.toml",
              config + "\n[mail]\nsmtp_url = \"" + smtp_->url() + "\"\nfrom = \"privacy@minimagi.test\"\n");
    server_ = std::make_unique<TestServer>(dir_ / "data", ServeOptions{.config = dir_ / "tillit.toml"});
    server_->CreateKey("privacy", "customer_service,marketing,profiling,rights_fulfilment");
  }

  json Get(const std::string& path) {
    HttpResult r = server_->Get(path);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
  }
  std::string NewSubject(const std::string& email) {
    return server_->CreateSubject({{"identifiers", {{"email", email}}}, {"fields", {{"identity.name", "Kari"}}}});
  }
  json NewRequest(const json& body, long expect = 201) {
    HttpResult r = server_->Post("/v1/requests", body);
    EXPECT_EQ(r.status, expect) << r.body;
    return json::parse(r.body, nullptr, false);
  }
  std::string ErrorCode(const HttpResult& r) { return json::parse(r.body, nullptr, false)["error"].value("code", ""); }

  TempDir dir_;
  std::unique_ptr<SmtpPeer> smtp_;
  std::unique_ptr<TestClock> clock_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(RequestsTest, RectificationIsVerifiedByAMailedCodeAndCompletes) {
  const std::string id = NewSubject("kari@example.no");
  json req = NewRequest({{"type", "rectification"},
                         {"subject", id},
                         {"channel", "web"},
                         {"text", "my name is misspelt"},
                         {"patch", {{"fields", {{"identity.name", "Kari Nordmann"}}}}}});
  EXPECT_EQ(req["status"], "received");
  EXPECT_EQ(req["received_at"], "2025-01-31T10:00:00Z");
  EXPECT_EQ(req["due_at"], "2025-02-28T22:59:59Z");  // 31 January + one month: 28 February, end of day in Oslo

  Mail code_mail = smtp_->WaitFor(1);
  EXPECT_EQ(code_mail.to, "kari@example.no");
  const std::string code = CodeIn(code_mail);
  ASSERT_EQ(code.size(), 6u) << code_mail.body;
  const std::string wrong = code == "000000" ? "111111" : "000000";
  HttpResult bad = server_->Post("/v1/requests/" + req["id"].get<std::string>() + "/verify", {{"code", wrong}});
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(ErrorCode(bad), "wrong_code");
  EXPECT_THAT(bad.body, HasSubstr("4 attempts left"));

  HttpResult ok = server_->Post("/v1/requests/" + req["id"].get<std::string>() + "/verify", {{"code", code}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json::parse(ok.body)["status"], "completed");
  Mail confirmation = smtp_->WaitFor(2);
  EXPECT_EQ(confirmation.to, "kari@example.no");
  EXPECT_THAT(confirmation.subject, HasSubstr("correction of your data"));

  json view = Get("/v1/requests/" + req["id"].get<std::string>());
  EXPECT_EQ(view["status"], "completed");
  EXPECT_EQ(view["text"], "my name is misspelt");
  std::vector<std::string> statuses;
  for (const auto& e : view["history"]) statuses.push_back(e["status"]);
  EXPECT_EQ(statuses, (std::vector<std::string>{"received", "verified", "completed"}));
  HttpResult subject = server_->Get("/v1/subjects/" + id, kCustomerService);
  EXPECT_THAT(subject.body, HasSubstr("Kari Nordmann"));

  // The code was single use.
  HttpResult again = server_->Post("/v1/requests/" + req["id"].get<std::string>() + "/verify", {{"code", code}});
  EXPECT_EQ(again.status, 422) << again.body;
  // Everything is audited, and neither the request's text nor the mail's recipient is stored in plaintext.
  RunResult audit = RunTillit({"audit", "verify", "--data", dir_ / "data"});
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
  if (!UsingPostgres()) {
    for (const char* file : {"tillit.db", "tillit.db-wal"}) {
      const std::string bytes = ReadFile(dir_ / ("data/" + std::string(file)));
      EXPECT_EQ(bytes.find("my name is misspelt"), std::string::npos) << file;
      EXPECT_EQ(bytes.find("kari@example.no"), std::string::npos) << file;
    }
  }
}

TEST_F(RequestsTest, ErasureAndAccessRequestsAreCarriedOutOnceVerified) {
  // Access: the answer is a stored report whose download link is mailed.
  const std::string kari = NewSubject("kari@example.no");
  json access = NewRequest({{"type", "access"}, {"subject", kari}, {"channel", "web"}});
  const std::string code = CodeIn(smtp_->WaitFor(1));
  ASSERT_EQ(code.size(), 6u);
  HttpResult verified = server_->Post("/v1/requests/" + access["id"].get<std::string>() + "/verify", {{"code", code}});
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(json::parse(verified.body)["status"], "completed");
  Mail ready = smtp_->WaitFor(2);
  EXPECT_EQ(ready.to, "kari@example.no");
  std::smatch link;
  ASSERT_TRUE(std::regex_search(ready.body, link, std::regex(R"((/v1/reports/[A-Za-z0-9_\-]+)\?format=json)")))
      << ready.body;
  HttpResult report = Http("GET", server_->url(std::string(link[1]) + "?format=json"), "", {});
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_THAT(report.body, HasSubstr("kari@example.no"));

  // Erasure: completed, confirmed by mail, and the subject is gone.
  const std::string ola = NewSubject("ola@example.no");
  json erasure = NewRequest({{"type", "erasure"}, {"subject", ola}, {"channel", "web"}});
  const std::string erasure_code = CodeIn(smtp_->WaitFor(3));
  ASSERT_EQ(erasure_code.size(), 6u);
  HttpResult erased =
      server_->Post("/v1/requests/" + erasure["id"].get<std::string>() + "/verify", {{"code", erasure_code}});
  ASSERT_EQ(erased.status, 200) << erased.body;
  EXPECT_EQ(json::parse(erased.body)["status"], "completed");
  Mail confirmation = smtp_->WaitFor(4);
  EXPECT_EQ(confirmation.to, "ola@example.no");
  HttpResult subject = server_->Get("/v1/subjects/" + ola, kCustomerService);
  EXPECT_EQ(subject.status, 404) << subject.body;
  EXPECT_EQ(ErrorCode(subject), "subject_erased");
  // A second erasure request for the erased subject is refused, not completed.
  HttpResult again = server_->Post("/v1/requests", {{"type", "erasure"}, {"subject", ola}, {"channel", "web"}});
  EXPECT_EQ(again.status, 404) << again.body;
  // The erasure request stays readable as the record that it was handled; what it said went with the key.
  const json handled = Get("/v1/requests/" + erasure["id"].get<std::string>());
  EXPECT_EQ(handled.value("status", ""), "completed") << handled.dump();
  EXPECT_EQ(handled.value("text", "?"), "") << handled.dump();
  EXPECT_FALSE(handled["history"].empty()) << handled.dump();
  RunResult audit = RunTillit({"audit", "verify", "--data", dir_ / "data"});
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;

  // Sent mail, the erasure's confirmation with its sealed address included, leaves the outbox [mail] keep_days
  // (30 by default) after it was queued: Kari's code and answer, and Ola's confirmation (Ola's code went with the
  // erasure).
  const std::vector<std::string> sweep = {"retention",          "run",    "--config",
                                          dir_ / "tillit.toml", "--data", dir_ / "data"};
  clock_->Set("2025-02-28T10:00:00Z");
  RunResult early = RunTillit(sweep);
  ASSERT_EQ(early.exit_code, 0) << early.err;
  EXPECT_THAT(early.out, HasSubstr(" 0 finished mails"));
  clock_->Set("2025-03-03T10:00:00Z");
  RunResult late = RunTillit(sweep);
  ASSERT_EQ(late.exit_code, 0) << late.err;
  EXPECT_THAT(late.out, HasSubstr(" 3 finished mails"));
}

TEST_F(RequestsTest, CodesExpireAndTheSixthAttemptInvalidatesTheCode) {
  NewSubject("ola@example.no");
  json req = NewRequest({{"type", "access"}, {"email", "ola@example.no"}, {"channel", "email"}});
  const std::string path = "/v1/requests/" + req["id"].get<std::string>();
  EXPECT_EQ(req.count("subject"), 0u);  // an answer by address does not say whose it is
  const std::string code = CodeIn(smtp_->WaitFor(1));
  ASSERT_EQ(code.size(), 6u);

  clock_->Set("2025-01-31T10:11:00Z");  // eleven minutes later
  HttpResult expired = server_->Post(path + "/verify", {{"code", code}});
  EXPECT_EQ(expired.status, 422);
  EXPECT_EQ(ErrorCode(expired), "code_expired");

  ASSERT_EQ(server_->Post(path + "/code", json::object()).status, 202);
  const std::string fresh = CodeIn(smtp_->WaitFor(2));
  const std::string wrong = fresh == "000000" ? "111111" : "000000";
  for (int i = 0; i < 5; ++i) {
    HttpResult r = server_->Post(path + "/verify", {{"code", wrong}});
    EXPECT_EQ(r.status, 422) << i;
    EXPECT_EQ(ErrorCode(r), "wrong_code");
  }
  HttpResult sixth = server_->Post(path + "/verify", {{"code", fresh}});
  EXPECT_EQ(sixth.status, 429) << sixth.body;
  EXPECT_EQ(ErrorCode(sixth), "too_many_attempts");
  HttpResult after = server_->Post(path + "/verify", {{"code", fresh}});
  EXPECT_EQ(after.status, 429);

  HttpResult junk = server_->Post(path + "/verify", {{"code", "12ab"}});
  EXPECT_EQ(junk.status, 400);
  EXPECT_EQ(ErrorCode(junk), "invalid_code");

  // A fresh code still verifies; access is then answered with a report.
  ASSERT_EQ(server_->Post(path + "/code", json::object()).status, 202);
  const std::string third = CodeIn(smtp_->WaitFor(3));
  HttpResult verified = server_->Post(path + "/verify", {{"code", third}});
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(json::parse(verified.body)["status"], "completed");
}

TEST_F(RequestsTest, RestrictionObjectionWithdrawalAndInquiry) {
  const std::string id = NewSubject("per@example.no");
  json restriction = NewRequest({{"type", "restriction"}, {"email", "per@example.no"}, {"channel", "email"}});
  EXPECT_EQ(restriction["status"], "received");
  EXPECT_EQ(Get("/v1/requests/" + restriction["id"].get<std::string>())["status"], "completed");
  EXPECT_EQ(Get("/v1/subjects/" + id + "/restriction")["restricted"], true);
  EXPECT_EQ(smtp_->WaitFor(1).to, "per@example.no");

  json objection =
      NewRequest({{"type", "objection"}, {"subject", id}, {"channel", "phone"}, {"channels", {"phone", "post"}}});
  EXPECT_EQ(objection["status"], "completed");
  HttpResult objections = server_->Get("/v1/subjects/" + id + "/objections", kCustomerService);
  EXPECT_THAT(objections.body, HasSubstr("\"phone\""));
  EXPECT_THAT(objections.body, HasSubstr("\"post\""));

  json withdrawal = NewRequest({{"type", "withdraw_consent"}, {"subject", id}, {"purpose", "profiling"}});
  EXPECT_EQ(withdrawal["status"], "completed");

  json inquiry = NewRequest({{"type", "inquiry"}, {"subject", id}, {"text", "which cookies do you set?"}});
  EXPECT_EQ(inquiry["status"], "received");
  HttpResult done =
      server_->Post("/v1/requests/" + inquiry["id"].get<std::string>() + "/complete", {{"note", "answered"}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(json::parse(done.body)["status"], "completed");
  HttpResult twice = server_->Post("/v1/requests/" + inquiry["id"].get<std::string>() + "/complete", json::object());
  EXPECT_EQ(twice.status, 422);
}

TEST_F(RequestsTest, AnUnknownAddressGetsANoDataMailAndTheSameAnswer) {
  NewSubject("known@example.no");
  json known = NewRequest({{"type", "erasure"}, {"email", "known@example.no"}});
  json unknown = NewRequest({{"type", "erasure"}, {"email", "stranger@example.no"}});
  for (const char* key : {"status", "due_at", "received_at", "type"}) EXPECT_EQ(known[key], unknown[key]) << key;
  std::set<std::string> known_keys, unknown_keys;
  for (auto& [k, v] : known.items()) known_keys.insert(k);
  for (auto& [k, v] : unknown.items()) unknown_keys.insert(k);
  EXPECT_EQ(known_keys, unknown_keys);
  bool no_data = false;
  for (int i = 1; i <= 2; ++i) {
    Mail m = smtp_->WaitFor(i);
    if (m.to == "stranger@example.no") no_data = m.body.find("hold no personal data") != std::string::npos;
  }
  EXPECT_TRUE(no_data);
  EXPECT_EQ(Get("/v1/requests/" + unknown["id"].get<std::string>())["status"], "completed");
}

TEST_F(RequestsTest, ExtensionRejectionOverdueAndBadInput) {
  const std::string id = NewSubject("lise@example.no");
  json a = NewRequest({{"type", "inquiry"}, {"subject", id}});
  json b = NewRequest({{"type", "inquiry"}, {"subject", id}});
  const std::string pa = "/v1/requests/" + a["id"].get<std::string>();
  const std::string pb = "/v1/requests/" + b["id"].get<std::string>();

  HttpResult no_reason = server_->Post(pa + "/extend", json::object());
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(ErrorCode(no_reason), "reason_required");
  HttpResult extended = server_->Post(pa + "/extend", {{"reason", "many requests at once"}, {"months", 2}});
  ASSERT_EQ(extended.status, 200) << extended.body;
  EXPECT_EQ(json::parse(extended.body)["status"], "extended");
  EXPECT_EQ(json::parse(extended.body)["due_at"], "2025-04-30T21:59:59Z");  // 31 Jan + 3 months, summer time
  EXPECT_EQ(server_->Post(pa + "/extend", {{"reason", "again"}}).status, 409);
  bool told = false;
  for (const auto& m : smtp_->Messages()) told = told || m.body.find("2025-04-30") != std::string::npos;
  for (int i = 0; i < 50 && !told; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (const auto& m : smtp_->Messages()) told = told || m.body.find("2025-04-30") != std::string::npos;
  }
  EXPECT_TRUE(told);

  clock_->Set("2025-03-03T08:00:00Z");  // past 28 February: b is overdue, a is extended
  HttpResult late = server_->Post(pb + "/extend", {{"reason", "too late"}});
  EXPECT_EQ(late.status, 422) << late.body;
  EXPECT_EQ(ErrorCode(late), "extension_too_late");
  json overdue = Get("/v1/requests?overdue=true");
  ASSERT_EQ(overdue["requests"].size(), 1u) << overdue.dump();
  EXPECT_EQ(overdue["requests"][0]["id"], b["id"]);
  EXPECT_EQ(Get("/v1/requests?due_before=2025-05-01T00:00:00Z")["requests"].size(), 2u);

  EXPECT_EQ(ErrorCode(server_->Post(pb + "/reject", json::object())), "reason_required");
  HttpResult rejected =
      server_->Post(pb + "/reject", {{"reason", "kept because bookkeeping law requires it until 2031"}});
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(json::parse(rejected.body)["status"], "rejected");
  bool complaint = false;
  for (int i = 0; i < 50 && !complaint; ++i) {
    for (const auto& m : smtp_->Messages()) {
      complaint = complaint || (m.body.find("bookkeeping law") != std::string::npos &&
                                m.body.find("Datatilsynet") != std::string::npos &&
                                m.body.find("judicial remedy") != std::string::npos);
    }
    if (!complaint) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(complaint);
  EXPECT_EQ(Get("/v1/requests?status=rejected")["requests"].size(), 1u);

  HttpResult unknown_type = server_->Post("/v1/requests", {{"type", "teleport"}, {"subject", id}});
  EXPECT_EQ(unknown_type.status, 400);
  EXPECT_EQ(ErrorCode(unknown_type), "unknown_request_type");
  EXPECT_EQ(ErrorCode(server_->Post("/v1/requests", {{"type", "access"}})), "subject_or_email_required");
  EXPECT_EQ(ErrorCode(server_->Post("/v1/requests", {{"type", "rectification"}, {"subject", id}})), "patch_required");
  EXPECT_EQ(ErrorCode(server_->Post("/v1/requests", {{"type", "access"}, {"subject", id}, {"channel", "pigeon"}})),
            "invalid_channel");
  // Minimagi writes to its customers in English only: a request in Finnish would be answered in mixed languages.
  HttpResult finnish = server_->Post("/v1/requests", {{"type", "access"}, {"subject", id}, {"language", "fi"}});
  EXPECT_EQ(finnish.status, 400) << finnish.body;
  EXPECT_EQ(ErrorCode(finnish), "language_not_offered");
  EXPECT_THAT(finnish.body, HasSubstr("use one of: en"));
  EXPECT_EQ(server_->Post("/v1/requests", {{"type", "access"}, {"subject", "no-such-subject"}}).status, 404);
  EXPECT_EQ(server_->Post("/v1/requests/rq_missing/approve", json::object()).status, 404);
  EXPECT_EQ(server_->Send("POST", "/v1/requests", "{not json").status, 400);
  EXPECT_EQ(server_->Get("/v1/requests?status=bogus").status, 400);
  EXPECT_EQ(server_->Get("/v1/requests?cursor=zz").status, 400);
}

TEST_F(RequestsTest, IncomingMailOptOutBecomesAnObjectionAndAnythingElseAnInquiry) {
  const std::string id = NewSubject("nils@example.no");
  const std::string opt_out =
      "From: Nils <NILS@example.no>\r\nTo: privacy@minimagi.test\r\n"
      "Subject: =?UTF-8?Q?OPT-OUT_of_telemarketing_and_addressed_advertising?=\r\n"
      "Message-ID: <1@example.no>\r\n\r\nPlease stop calling.\r\n";
  HttpResult r = server_->Send("POST", "/v1/mail/inbound", opt_out, kMail);
  ASSERT_EQ(r.status, 202) << r.body;
  json req = json::parse(r.body);
  EXPECT_EQ(req["type"], "objection");
  EXPECT_EQ(req.count("subject"), 0u);
  EXPECT_EQ(Get("/v1/requests/" + req["id"].get<std::string>())["status"], "completed");
  HttpResult objections = server_->Get("/v1/subjects/" + id + "/objections", kCustomerService);
  EXPECT_THAT(objections.body, HasSubstr("\"phone\""));
  EXPECT_THAT(objections.body, HasSubstr("\"post\""));
  EXPECT_EQ(smtp_->WaitFor(1).to, "nils@example.no");

  const std::string stranger =
      "From: someone@elsewhere.example\r\nSubject: opt-out of telemarketing and addressed advertising\r\n\r\nx\r\n";
  HttpResult s = server_->Send("POST", "/v1/mail/inbound", stranger, kMail);
  ASSERT_EQ(s.status, 202) << s.body;
  EXPECT_EQ(json::parse(s.body)["status"], json::parse(r.body)["status"]);  // the same answer as for a customer
  Mail no_data = smtp_->WaitFor(2);
  EXPECT_EQ(no_data.to, "someone@elsewhere.example");
  EXPECT_THAT(no_data.body, HasSubstr("hold no personal data"));

  WriteFile(dir_ / "question.eml",
            "From: nils@example.no\r\nSubject: =?UTF-8?Q?Hvor_lagrer_dere_dataene_mine=3F?=\r\n\r\nTakk.\r\n");
  RunResult ingest =
      RunTillit({"mail", "ingest", dir_ / "question.eml", "--config", dir_ / "tillit.toml", "--data", dir_ / "data"});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  EXPECT_THAT(ingest.out, HasSubstr("(inquiry) received"));
  RunResult list = RunTillit({"requests", "--data", dir_ / "data", "--status", "received"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("inquiry"));
  EXPECT_THAT(list.out, HasSubstr("STATUS"));
  RunResult bad_status = RunTillit({"requests", "--data", dir_ / "data", "--status", "bogus"});
  EXPECT_EQ(bad_status.exit_code, 2);
  RunResult missing =
      RunTillit({"mail", "ingest", dir_ / "nothing.eml", "--config", dir_ / "tillit.toml", "--data", dir_ / "data"});
  EXPECT_EQ(missing.exit_code, 2);  // an input file that cannot be read: bad argument
  EXPECT_THAT(missing.err, HasSubstr("nothing.eml"));

  HttpResult garbage = server_->Send("POST", "/v1/mail/inbound", "no headers at all", kMail);
  EXPECT_EQ(garbage.status, 400) << garbage.body;
  EXPECT_EQ(ErrorCode(garbage), "invalid_mail");
}

class ApprovalTest : public RequestsTest {
 protected:
  std::string RightsExtra() const override { return "approval_required = [\"objection\", \"rectification\"]\n"; }
};

TEST_F(ApprovalTest, ConfiguredTypesWaitForStaffApproval) {
  const std::string id = NewSubject("anna@example.no");
  json objection = NewRequest({{"type", "objection"}, {"subject", id}, {"purpose", "marketing"}});
  EXPECT_EQ(objection["status"], "received");
  const std::string path = "/v1/requests/" + objection["id"].get<std::string>();
  HttpResult approved = server_->Post(path + "/approve", json::object());
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(json::parse(approved.body)["status"], "completed");
  EXPECT_EQ(server_->Post(path + "/approve", json::object()).status, 422);  // closed

  // Verified but not approved: it waits; approval then carries it out.
  json rect =
      NewRequest({{"type", "rectification"}, {"subject", id}, {"patch", {{"fields", {{"identity.name", "A"}}}}}});
  const std::string rpath = "/v1/requests/" + rect["id"].get<std::string>();
  HttpResult verified = server_->Post(rpath + "/verify", {{"code", CodeIn(smtp_->WaitFor(2))}});
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(json::parse(verified.body)["status"], "verified");
  HttpResult done = server_->Post(rpath + "/approve", json::object());
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(json::parse(done.body)["status"], "completed");
  EXPECT_EQ(server_->Post(rpath + "/approve", {{"why", "x"}}).status, 400);
}

// A shop's backend asks for the codes of all its customers from one address: the limits count per subject and per
// address the code goes to, not per caller, so a burst of 25 customers all get their code; a subject asking for a
// sixth code within the hour is refused, and may ask again an hour later.
TEST_F(RequestsTest, ABurstOfCustomersFromOneBackendAllGetTheirCodes) {
  std::set<std::string> addresses;
  for (int i = 0; i < 25; ++i) {
    const std::string email = "burst" + std::to_string(i) + "@example.no";
    addresses.insert(email);
    const std::string id = NewSubject(email);
    NewRequest({{"type", "access"}, {"subject", id}, {"channel", "web"}});
  }
  smtp_->WaitFor(25);
  std::set<std::string> coded;
  for (const auto& m : smtp_->Messages()) {
    if (CodeIn(m).size() == 6) coded.insert(m.to);
  }
  EXPECT_EQ(coded, addresses);
}

TEST_F(RequestsTest, ASixthCodeForOneSubjectWithinTheHourIsRefused) {
  const std::string id = NewSubject("often@example.no");
  json req = NewRequest({{"type", "access"}, {"subject", id}, {"channel", "web"}});
  const std::string path = "/v1/requests/" + req["id"].get<std::string>();
  smtp_->WaitFor(1);
  for (int i = 2; i <= 5; ++i) {
    HttpResult again = server_->Post(path + "/code", json::object());
    EXPECT_EQ(again.status, 202) << i << ": " << again.body;
  }
  HttpResult sixth = server_->Post(path + "/code", json::object());
  EXPECT_EQ(sixth.status, 429) << sixth.body;
  EXPECT_EQ(ErrorCode(sixth), "rate_limited");
  EXPECT_THAT(sixth.body, HasSubstr("this subject"));
  // The other customers of the same backend are not held back by it.
  const std::string other = NewSubject("other@example.no");
  NewRequest({{"type", "access"}, {"subject", other}, {"channel", "web"}});
  EXPECT_EQ(smtp_->WaitFor(6).to, "other@example.no");
  // An hour later the subject may ask again.
  clock_->Set("2025-01-31T11:00:01Z");
  HttpResult later = server_->Post(path + "/code", json::object());
  EXPECT_EQ(later.status, 202) << later.body;
}

// Staff cannot approve or complete a request the subject has not verified; the answer says what is missing.
TEST_F(RequestsTest, ApproveAndCompleteWaitForTheSubjectsCode) {
  const std::string id = NewSubject("unverified@example.no");
  json req = NewRequest({{"type", "access"}, {"subject", id}, {"channel", "web"}});
  const std::string path = "/v1/requests/" + req["id"].get<std::string>();
  HttpResult approve = server_->Post(path + "/approve", json::object());
  EXPECT_EQ(approve.status, 409) << approve.body;
  EXPECT_EQ(ErrorCode(approve), "not_verified");
  HttpResult complete = server_->Post(path + "/complete", {{"note", "here you are"}});
  EXPECT_EQ(complete.status, 409) << complete.body;
  EXPECT_EQ(ErrorCode(complete), "not_verified");
  EXPECT_THAT(complete.body, HasSubstr("must enter the one-time code mailed"));
  EXPECT_THAT(complete.body, HasSubstr(path + "/verify"));
  EXPECT_EQ(Get(path)["status"], "received");
  // A type that needs no code is approved as before (here: nothing to approve, the restriction is carried out).
  json restriction = NewRequest({{"type", "restriction"}, {"subject", id}});
  EXPECT_EQ(restriction["status"], "completed");
}

// Who asked: a key without requests.manage files a change of the subject's rights state on the subject's behalf,
// and it waits for the subject's code; a key with requests.manage acts at once. The request, the audit and the
// subject's access report say which.
TEST_F(RequestsTest, ARightsChangeFromAKeyWithoutRequestsManageWaitsForTheSubjectsCode) {
  const std::string shop_key = server_->CreateKey("webshop", "customer_service,marketing", {"--preset", "shop"});
  ASSERT_FALSE(shop_key.empty());
  const Caller shop = {.key = shop_key};
  const std::string id = NewSubject("asked@example.no");
  auto from_shop = [&](const json& body) {
    HttpResult r = server_->Post("/v1/requests", body, shop);
    EXPECT_EQ(r.status, 201) << r.body;
    return json::parse(r.body, nullptr, false);
  };

  for (const json& body : {json{{"type", "restriction"}, {"subject", id}},
                           json{{"type", "objection"}, {"subject", id}, {"channels", {"email"}}},
                           json{{"type", "withdraw_consent"}, {"subject", id}, {"purpose", "profiling"}}}) {
    json req = from_shop(body);
    EXPECT_EQ(req.value("status", ""), "received") << body.dump();
    const std::string path = "/v1/requests/" + req.value("id", "");
    EXPECT_EQ(Get(path).value("authority", ""), "code");
    // Staff cannot wave it through either: the subject's code is what stands for the subject.
    HttpResult approve = server_->Post(path + "/approve", json::object());
    EXPECT_EQ(approve.status, 409) << approve.body;
    EXPECT_EQ(ErrorCode(approve), "not_verified");
  }
  EXPECT_EQ(Get("/v1/subjects/" + id + "/restriction")["restricted"], false);

  // The subject's code (the first mail) carries the restriction out.
  json listed = Get("/v1/requests?status=received");
  std::string restriction_id;
  for (const auto& r : listed["requests"]) {
    if (r["type"] == "restriction") restriction_id = r["id"];
  }
  ASSERT_FALSE(restriction_id.empty()) << listed.dump();
  const std::string code = CodeIn(smtp_->WaitFor(1));
  ASSERT_EQ(code.size(), 6u);
  HttpResult verified = server_->Post("/v1/requests/" + restriction_id + "/verify", {{"code", code}}, shop);
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(json::parse(verified.body)["status"], "completed");
  EXPECT_EQ(Get("/v1/subjects/" + id + "/restriction")["restricted"], true);

  // Erasure from the shop's key waits for the code too.
  json erasure = from_shop({{"type", "erasure"}, {"subject", id}});
  EXPECT_EQ(erasure.value("status", ""), "received");
  // A question is not a change of rights: it waits for staff as from anyone.
  json inquiry = from_shop({{"type", "inquiry"}, {"subject", id}, {"text", "what do you hold?"}});
  EXPECT_EQ(Get("/v1/requests/" + inquiry.value("id", "")).value("authority", ""), "requests.create");

  // The privacy desk's key holds requests.manage: it acts on the subject's behalf at once.
  json desk = NewRequest({{"type", "objection"}, {"subject", id}, {"channels", {"post"}}});
  EXPECT_EQ(desk.value("status", ""), "completed");
  EXPECT_EQ(Get("/v1/requests/" + desk.value("id", "")).value("authority", ""), "requests.manage");

  // The subject's access report names both ways a key asked on their behalf.
  HttpResult created = server_->Post("/v1/subjects/" + id + "/access-report", {{"language", "en"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const json made_report = json::parse(created.body);
  HttpResult report = Http("GET", server_->url("/v1/reports/" + made_report.value("token", "") + "?format=json"));
  ASSERT_EQ(report.status, 200) << report.body;
  std::multiset<std::string> on_behalf;
  const json access_log = json::parse(report.body)["access_log"];
  for (const auto& a : access_log) {
    if (a.value("action", "") == "request.create") on_behalf.insert(a.value("on_behalf", "") + "/" + a["by"].value("name", ""));
  }
  // The restriction was confirmed by the code; the objection, the withdrawal and the erasure still wait for it.
  EXPECT_EQ(on_behalf.count("code/webshop"), 1u) << report.body;
  EXPECT_EQ(on_behalf.count("code_pending/webshop"), 3u) << report.body;
  EXPECT_EQ(on_behalf.count("requests.manage/privacy"), 1u) << report.body;
  HttpResult html = Http("GET", server_->url("/v1/reports/" + made_report.value("token", "") + "?format=html"));
  EXPECT_THAT(html.body, HasSubstr("on your behalf; you confirmed it with the code we mailed you"));
  EXPECT_THAT(html.body, HasSubstr("on your behalf; it waits for the code we mailed you"));

  // An opt-out mailed from the subject's own address acts at once, through the shop's mail gateway key too; a
  // restriction by mail waits for the code.
  HttpResult opt_out = server_->Send("POST", "/v1/mail/inbound",
                                     "From: asked@example.no\r\nSubject: opt-out of telemarketing and addressed "
                                     "advertising\r\n\r\nPlease stop calling.\r\n",
                                     {.key = shop_key, .type = "message/rfc822"});
  ASSERT_EQ(opt_out.status, 202) << opt_out.body;
  const json by_mail = Get("/v1/requests/" + json::parse(opt_out.body).value("id", ""));
  EXPECT_EQ(by_mail.value("status", ""), "completed") << by_mail.dump();
  EXPECT_EQ(by_mail.value("authority", ""), "mail");

  // A subject without an address to send the code to cannot have a change filed by the shop's key.
  HttpResult no_address_subject = server_->Post("/v1/subjects", {{"identifiers", {{"customer_number", "K-77"}}}});
  ASSERT_EQ(no_address_subject.status, 201) << no_address_subject.body;
  HttpResult no_address =
      server_->Post("/v1/requests",
                    {{"type", "restriction"}, {"subject", json::parse(no_address_subject.body).value("id", "")}}, shop);
  EXPECT_EQ(no_address.status, 422) << no_address.body;
  EXPECT_EQ(ErrorCode(no_address), "no_registered_email");

  // The shop's key may correct a subject's address; it cannot then confirm a change of rights with a code sent to the
  // new address while the replacement is recent.
  const std::string moved = NewSubject("moved@example.no");
  HttpResult patched =
      server_->Patch("/v1/subjects/" + moved, {{"identifiers", {{"email", "attacker@example.net"}}}}, shop);
  ASSERT_EQ(patched.status, 200) << patched.body;
  HttpResult hijack = server_->Post("/v1/requests", {{"type", "erasure"}, {"subject", moved}}, shop);
  EXPECT_EQ(hijack.status, 409) << hijack.body;
  EXPECT_EQ(ErrorCode(hijack), "email_recently_changed");
  // Thirty-one days later the address has settled.
  clock_->Set("2025-03-04T10:00:00Z");
  HttpResult later = server_->Post("/v1/requests", {{"type", "restriction"}, {"subject", moved}}, shop);
  EXPECT_EQ(later.status, 201) << later.body;
}

TEST_F(ApprovalTest, ApprovalBeforeVerificationIsRefused) {
  const std::string id = NewSubject("early@example.no");
  json rect =
      NewRequest({{"type", "rectification"}, {"subject", id}, {"patch", {{"fields", {{"identity.name", "B"}}}}}});
  const std::string path = "/v1/requests/" + rect["id"].get<std::string>();
  HttpResult early = server_->Post(path + "/approve", json::object());
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(ErrorCode(early), "not_verified");
  HttpResult verified = server_->Post(path + "/verify", {{"code", CodeIn(smtp_->WaitFor(1))}});
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(json::parse(verified.body)["status"], "verified");
  HttpResult approved = server_->Post(path + "/approve", json::object());
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(json::parse(approved.body)["status"], "completed");
}

// The limit per client address, in-process (the HTTP routes pass the end client's address only behind a trusted
// proxy): it counts the codes asked for from one client address when the caller knows it, and nothing when not.
TEST(CodeLimitsTest, TheClientAddressLimitAppliesOnlyWhenTheClientIsKnown) {
  TempDir dir;
  std::string text = ReadFile(ExampleConfig("minimagi"));
  text += "\n[requests]\ncodes_per_ip_hour = 3\n";
  auto loaded = config::LoadConfigString(text, dir / "tillit.toml");
  ASSERT_TRUE(loaded.ok());
  auto config = loaded.config;
  const std::string data = dir / "data";
  Random& random = Random::Secure();
  ASSERT_TRUE(core::InitDataDir(data, random, StoreUrlFor(data)).ok());
  auto opened = core::Open(data, Clock::System(), random, StoreUrlFor(data));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  store::Store& store = *opened->store;
  auto published = core::PublishConfig(store, *config, Clock::System());
  ASSERT_TRUE(published.ok());
  auto deadlines = core::Deadlines::Create(config->controller.country, config->controller.time_zone);
  ASSERT_TRUE(deadlines.ok());
  core::DecisionIndex decisions(config);
  ASSERT_TRUE(decisions.Rebuild(store).ok());
  core::Register reg(config, store, *opened->keyring, *opened->indexer, Clock::System(), random, &decisions);
  core::Consents consents(config, published->policy_version, store, decisions, *opened->keyring, *opened->indexer,
                          Clock::System(), random);
  core::Outbox outbox(config, store, *opened->keyring, *opened->request_seal_key, Clock::System(), random);
  core::Requests requests(config, store, *opened->keyring, *opened->indexer, *opened->request_seal_key,
                          *opened->code_hash_key, std::move(*deadlines), outbox, reg, consents, Clock::System(),
                          random);
  auto subject = [&](int i) {
    core::SubjectInput in;
    in.identifiers["email"] = "client" + std::to_string(i) + "@example.no";
    std::promise<Result<std::string>> done;
    reg.Create(in, core::Actor::Cli(), [&done](Result<std::string> id) { done.set_value(std::move(id)); });
    auto id = done.get_future().get();
    EXPECT_TRUE(id.ok());
    return id.ok() ? *id : "";
  };
  // An access request (its first code goes out at once), then one more code asked for from `client`.
  auto code_from = [&](const std::string& subject_id, const std::string& client) {
    core::RequestInput in;
    in.type = "access";
    in.subject_id = subject_id;
    std::promise<Result<store::RightsRequestRow>> created;
    requests.Create(in, core::Actor::Cli(), [&](Result<store::RightsRequestRow> r) { created.set_value(std::move(r)); });
    auto row = created.get_future().get();
    EXPECT_TRUE(row.ok());
    std::promise<Status> sent;
    requests.SendCode(
        row.ok() ? row->request_id : "", core::Actor::Cli(),
        [&](Result<store::RightsRequestRow> r) { sent.set_value(r.status()); }, client);
    return sent.get_future().get();
  };
  for (int i = 0; i < 3; ++i) {
    Status s = code_from(subject(i), "198.51.100.7");
    EXPECT_TRUE(s.ok()) << i << ": " << s.ToString();
  }
  Status fourth = code_from(subject(3), "198.51.100.7");
  EXPECT_EQ(fourth.code(), StatusCode::kResourceExhausted) << fourth.ToString();
  EXPECT_EQ(fourth.reason(), "rate_limited");
  EXPECT_THAT(fourth.message(), HasSubstr("client address"));
  EXPECT_TRUE(code_from(subject(4), "198.51.100.8").ok());  // another client
  EXPECT_TRUE(code_from(subject(5), "").ok());              // an unknown client is not limited as one
  store.Close();
}

TEST_F(RequestsTest, OverdueListOnTheCommandLine) {
  const std::string id = NewSubject("eva@example.no");
  json req = NewRequest({{"type", "inquiry"}, {"subject", id}});
  clock_->Set("2025-03-10T12:00:00Z");
  RunResult overdue = RunTillit({"requests", "--data", dir_ / "data", "--overdue"});
  ASSERT_EQ(overdue.exit_code, 0) << overdue.err;
  EXPECT_THAT(overdue.out, HasSubstr(req["id"].get<std::string>()));
  EXPECT_THAT(overdue.out, HasSubstr("yes"));
}

}  // namespace
}  // namespace tillit::testing
