// What customers and shop staff are told must be true (issue #15), through the real interfaces — `tillit serve` over
// HTTP, the command line, and mail as a real SMTP peer on loopback receives it:
//   - an erasure that keeps accounting data under legal hold says which data, under which law and until when, in the
//     subject's language, and the receipt stored is the one the erasure answered;
//   - the access report shows the accounting fields held, marked as kept for accounting;
//   - `tillit check` refuses a withdrawal or objection route the installation cannot carry out ("portal");
//   - an order makes its subject an existing customer for the soft opt-in;
//   - opt-out mail is recognised behind reply and forward prefixes, and an unknown sender's opt-out is kept for a
//     later sign-up;
//   - operations: warnings for mail that cannot leave, gauges on /metrics;
//   - the command line: --version, did-you-mean, TILLIT_STORE=sqlite, exit codes, what a retention run deleted;
//   - the demo configuration; a category typo is answered with the nearest category.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/server.h"
#include "support/smtp_peer.h"

namespace tillit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

json Parse(const std::string& body) { return json::parse(body, nullptr, false); }

// A shop from examples/ served on loopback, optionally with mail to an SMTP peer and extra configuration lines.
class PromisesTest : public ::testing::Test {
 protected:
  void Start(const std::string& shop, const std::string& purposes, bool with_mail, const std::string& extra = "") {
    std::string config = ReadFile(ExampleConfig(shop)) + extra;
    if (with_mail) {
      smtp_ = std::make_unique<SmtpPeer>(dir_ / "maildir");
      config += "\n[mail]\nsmtp_url = \"" + smtp_->url() + "\"\nfrom = \"privacy@shop.test\"\n";
    }
    WriteFile(config_path(), config);
    server_ = std::make_unique<TestServer>(data(), ServeOptions{.config = config_path()});
    server_->CreateKey("desk", purposes);
  }

  std::string config_path() const { return dir_ / "tillit.toml"; }
  std::string data() const { return dir_ / "data"; }
  std::string AddOrder(const std::string& id, const json& accounting = nullptr) {
    json body = {{"kind", "order"}, {"categories", {"customer.order"}}, {"payload", {{"items", 2}}}};
    if (!accounting.is_null()) body["accounting"] = accounting;
    HttpResult r = server_->Post("/v1/subjects/" + id + "/records", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return Parse(r.body).value("id", "");
  }

  TempDir dir_;
  std::unique_ptr<SmtpPeer> smtp_;
  std::unique_ptr<TestServer> server_;
};

// ---- 1. Erasure with a legal hold: which data was kept, why and until when, in the subject's language ----

struct KeptCase {
  const char* shop;
  const char* lang;
  const char* opening;  // the note's first words
  const char* kind;     // the record kind as named in that language, with the count
  const char* law;      // the law as the configuration names it in that language
  const char* last_day;
  const char* receipt_law;  // the law in the configuration's default language
  const char* kept_until;
};

class ErasureConfirmationTest : public PromisesTest, public ::testing::WithParamInterface<KeptCase> {};

TEST_P(ErasureConfirmationTest, SaysWhichDataWasKeptWhyAndUntilWhen) {
  const KeptCase& c = GetParam();
  TestClock clock(dir_, "2027-03-01T10:00:00Z");
  Start(c.shop, "contract,rights_fulfilment", /*with_mail=*/true);
  const std::string email = std::string("kept.") + c.lang + "@example.test";
  const std::string id = server_->CreateSubject({{"identifiers", {{"email", email}}}});
  AddOrder(id, {{"invoice", "INV-7"}, {"amount", "120.00"}, {"vat", "24.00"}});

  HttpResult created =
      server_->Post("/v1/requests", {{"type", "erasure"}, {"subject", id}, {"channel", "web"}, {"language", c.lang}});
  ASSERT_EQ(created.status, 201) << created.body;
  const json request = Parse(created.body);
  size_t confirmation_index = 1;
  if (request["status"] != "completed") {
    const std::string code = CodeIn(smtp_->WaitFor(1));
    ASSERT_EQ(code.size(), 6u);
    HttpResult verified =
        server_->Post("/v1/requests/" + request["id"].get<std::string>() + "/verify", {{"code", code}});
    ASSERT_EQ(verified.status, 200) << verified.body;
    ASSERT_EQ(Parse(verified.body)["status"], "completed") << verified.body;
    confirmation_index = 2;
  }
  const ReceivedMail confirmation = smtp_->WaitFor(confirmation_index);
  EXPECT_EQ(confirmation.to, email);
  EXPECT_THAT(confirmation.body, HasSubstr(c.opening));
  EXPECT_THAT(confirmation.body, HasSubstr(c.kind));
  EXPECT_THAT(confirmation.body, HasSubstr(c.law));
  EXPECT_THAT(confirmation.body, HasSubstr(c.last_day));
  EXPECT_THAT(confirmation.body, Not(HasSubstr("INV-7"))) << "the mail names the kind of data, not its content";

  // The receipt the subject can be given states the same facts.
  HttpResult stored = server_->Get("/v1/subjects/" + id + "/erasure");
  ASSERT_EQ(stored.status, 200) << stored.body;
  const json hold = Parse(stored.body)["legal_hold"];
  ASSERT_EQ(hold.size(), 1u) << stored.body;
  EXPECT_EQ(hold[0]["record_kind"], "order");
  EXPECT_EQ(hold[0]["records"], 1);
  EXPECT_EQ(hold[0]["law"], c.receipt_law) << stored.body;
  EXPECT_EQ(hold[0]["kept_until"], c.kept_until) << stored.body;
  EXPECT_EQ(hold[0]["legal_basis"], "legal_obligation");
}

INSTANTIATE_TEST_SUITE_P(
    EveryLanguage, ErasureConfirmationTest,
    ::testing::Values(
        KeptCase{"minimagi", "en", "We have not erased all of your data", "Orders (1)",
                 "the Norwegian Bookkeeping Act (bokføringsloven) § 13", "2032-12-31",
                 "the Norwegian Bookkeeping Act (bokføringsloven) § 13", "2033-01-01T00:00:00Z"},
        KeptCase{"lillemini", "nb", "Vi har ikke slettet alle opplysningene dine", "Bestillinger (1)",
                 "bokføringsloven § 13", "2032-12-31", "bokføringsloven § 13", "2033-01-01T00:00:00Z"},
        KeptCase{"znorky", "sv", "Vi har inte raderat alla dina uppgifter", "Beställningar (1)",
                 "norska bokföringslagen (bokføringsloven) § 13", "2032-12-31",
                 "norska bokföringslagen (bokføringsloven) § 13", "2033-01-01T00:00:00Z"},
        KeptCase{"minime", "fi", "Emme ole poistaneet kaikkia tietojasi", "Tilaukset (1)", "kirjanpitolaki 2:10 §",
                 "2037-12-31", "kirjanpitolaki 2:10 §", "2038-01-01T00:00:00Z"}),
    [](const ::testing::TestParamInfo<KeptCase>& info) { return std::string(info.param.lang); });

TEST_F(PromisesTest, TheStoredErasureReceiptIsTheOneTheErasureAnswered) {
  TestClock clock(dir_, "2027-03-01T10:00:00Z");
  Start("minimagi", "contract,customer_service,rights_fulfilment", /*with_mail=*/false);
  const std::string id = server_->CreateSubject({{"identifiers", {{"email", "receipt@example.no"}}}});
  AddOrder(id, {{"invoice", "R-1"}, {"amount", "10.00"}});
  HttpResult erased = server_->Post("/v1/subjects/" + id + "/erase", json::object());
  ASSERT_EQ(erased.status, 200) << erased.body;
  json answered = Parse(erased.body);
  EXPECT_EQ(answered["complete"], true);
  answered.erase("complete");
  answered.erase("checkpoint");
  HttpResult stored = server_->Get("/v1/subjects/" + id + "/erasure");
  ASSERT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(Parse(stored.body), answered);
  const json hold = answered["legal_hold"][0];
  EXPECT_EQ(hold["law"], "the Norwegian Bookkeeping Act (bokføringsloven) § 13") << answered.dump();
  EXPECT_EQ(hold["gdpr"], "Art. 17(3)(b)");
  EXPECT_THAT(hold["reason"].get<std::string>(), HasSubstr("five years after the end of the financial year"));
  EXPECT_EQ(hold["categories"], json({"customer.order"}));
}

// ---- 2. The access report includes the accounting fields held ----

TEST_F(PromisesTest, TheAccessReportShowsAccountingFieldsKeptForAccounting) {
  TestClock clock(dir_, "2027-05-01T09:00:00Z");
  Start("minime", "contract,customer_service,rights_fulfilment", /*with_mail=*/false);
  const std::string id = server_->CreateSubject({{"identifiers", {{"email", "raportti@example.fi"}}}});
  AddOrder(id, {{"invoice", "M-4471"}, {"total_eur", "19.00"}, {"vat_eur", "3.68"}});
  HttpResult created = server_->Post("/v1/subjects/" + id + "/access-report", {{"language", "fi"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string token = Parse(created.body)["token"];
  HttpResult report = Http("GET", server_->url("/v1/reports/" + token + "?format=json"));
  ASSERT_EQ(report.status, 200) << report.body;
  const json records = Parse(report.body)["records"];
  ASSERT_EQ(records.size(), 1u) << report.body;
  const json accounting = records[0]["accounting"];
  ASSERT_TRUE(accounting.is_object()) << report.body;
  EXPECT_EQ(accounting["fields"]["invoice"], "M-4471");
  EXPECT_EQ(accounting["fields"]["vat_eur"], "3.68");
  EXPECT_EQ(accounting["kept_for"], json({"accounting", "legal_claims"}));
  EXPECT_EQ(accounting["kept_until"], "2038-01-01T00:00:00Z");
  EXPECT_EQ(accounting["law"], "kirjanpitolaki 2:10 §");

  HttpResult html = Http("GET", server_->url("/v1/reports/" + token + "?format=html"));
  ASSERT_EQ(html.status, 200);
  EXPECT_THAT(html.body, HasSubstr("Säilytetään kirjanpitoa varten"));
  EXPECT_THAT(html.body, HasSubstr("M-4471"));
  EXPECT_THAT(html.body, HasSubstr("kirjanpitolaki 2:10 §"));
}

// ---- 3. `tillit check` refuses a route the installation cannot carry out ----

TEST(PromisesCheck, PortalIsRefusedUntilCustomerPagesExist) {
  TempDir dir;
  std::string config = ReadFile(ExampleConfig("minimagi"));
  const std::string withdraw = "withdraw = [\"email\"]";
  const size_t at = config.find(withdraw);
  ASSERT_NE(at, std::string::npos);
  config.replace(at, withdraw.size(), "withdraw = [\"email\", \"portal\"]");
  const std::string path = dir / "portal.toml";
  WriteFile(path, config);
  RunResult r = RunTillit({"check", path});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_THAT(r.err, ::testing::ContainsRegex(path + ":[0-9]+:[0-9]+: purpose\\.profiling\\.withdraw: route 'portal' "
                                                     "needs customer pages"));
  EXPECT_THAT(r.err, HasSubstr("offer a route that works"));

  // Every example passes, and no policy offers a customer account.
  for (const char* shop : {"minimagi", "znorky", "lillemini", "minime", "smarti", "demo"}) {
    RunResult ok = RunTillit({"check", ExampleConfig(shop)});
    EXPECT_EQ(ok.exit_code, 0) << shop << ": " << ok.err;
    RunResult policy = RunTillit({"policy", "render", "--config", ExampleConfig(shop), "--lang", "en", "--format", "md"});
    ASSERT_EQ(policy.exit_code, 0) << shop << ": " << policy.err;
    EXPECT_THAT(policy.out, Not(HasSubstr("in your customer account"))) << shop;
  }
}

// ---- 4. An order makes its subject an existing customer ----

TEST_F(PromisesTest, AnOrderMakesTheSubjectAnExistingCustomerForTheSoftOptIn) {
  Start("minimagi", "contract,customer_service,marketing,rights_fulfilment", /*with_mail=*/false);
  const std::string buyer = server_->CreateSubject({{"identifiers", {{"email", "buyer@example.no"}}}});
  EXPECT_EQ(server_->Decide(buyer, "marketing", "email")["rule"], "not_existing_customer");
  AddOrder(buyer);
  json decided = server_->Decide(buyer, "marketing", "email");
  EXPECT_EQ(decided["allow"], true) << decided.dump();
  EXPECT_EQ(decided["rule"], "existing_customer") << decided.dump();
  HttpResult consents = server_->Get("/v1/subjects/" + buyer + "/consents", {.purpose = "marketing"});
  ASSERT_EQ(consents.status, 200) << consents.body;
  EXPECT_THAT(consents.body, HasSubstr("\"existing_customer\""));
  EXPECT_THAT(consents.body, HasSubstr("\"checkout\""));

  // A refusal made before the order stands.
  const std::string refuser = server_->CreateSubject({{"identifiers", {{"email", "refuser@example.no"}}}});
  HttpResult withdrawn = server_->Post("/v1/subjects/" + refuser + "/consents",
                                       {{"purpose", "marketing"}, {"action", "withdrawn"}, {"method", "web_form"}});
  ASSERT_EQ(withdrawn.status, 201) << withdrawn.body;
  AddOrder(refuser);
  EXPECT_EQ(server_->Decide(refuser, "marketing", "email")["rule"], "consent_withdrawn");

  // A customer whose country has no such exception (known from the phone number) is asked for consent.
  const std::string abroad =
      server_->CreateSubject({{"identifiers", {{"email", "abroad@example.com"}, {"phone", "+1 212 555 0100"}}}});
  AddOrder(abroad);
  EXPECT_EQ(server_->Decide(abroad, "marketing", "email")["rule"], "not_existing_customer");

  // The fact is stored, not only held in memory: a restarted server still knows it.
  ASSERT_EQ(server_->Stop(), 0);
  ASSERT_TRUE(server_->Restart());
  EXPECT_EQ(server_->Decide(buyer, "marketing", "email")["rule"], "existing_customer");
}

// ---- 5. Opt-out mail behind reply prefixes; an unknown sender's opt-out is kept ----

TEST_F(PromisesTest, OptOutMailIsRecognisedBehindReplyAndForwardPrefixes) {
  Start("smarti", "contract,customer_service,marketing,rights_fulfilment", /*with_mail=*/false);
  server_->CreateSubject({{"identifiers", {{"email", "kunde@example.no"}}}});
  for (const std::string subject :
       {"SV: Re:  Opt-out of telemarketing  and addressed advertising", "AW: Fwd: opt-out of telemarketing and addressed advertising",
        "Vs: VS:\tOpt-out of telemarketing and addressed advertising", "RE[2]: FW:  OPT-OUT OF TELEMARKETING AND ADDRESSED ADVERTISING",
        "Antw: VB: Opt-out of telemarketing and addressed advertising"}) {
    const std::string raw = "From: kunde@example.no\r\nTo: contact@domotics.no\r\nSubject: " + subject + "\r\n\r\nStop.\r\n";
    HttpResult r = server_->Send("POST", "/v1/mail/inbound", raw, {.type = "message/rfc822"});
    ASSERT_EQ(r.status, 202) << r.body;
    EXPECT_EQ(Parse(r.body)["type"], "objection") << subject;
  }
  const std::string question = "From: kunde@example.no\r\nSubject: Re: my order\r\n\r\nWhere is it?\r\n";
  EXPECT_EQ(Parse(server_->Send("POST", "/v1/mail/inbound", question, {.type = "message/rfc822"}).body)["type"],
            "inquiry");
}

TEST_F(PromisesTest, AnUnknownSendersOptOutHoldsForALaterSignUp) {
  Start("smarti", "contract,customer_service,marketing,rights_fulfilment", /*with_mail=*/false);
  WriteFile(dir_ / "optout.eml",
            "From: Newcomer <newcomer@example.no>\r\nSubject: Fwd: Opt-out of telemarketing and addressed "
            "advertising\r\n\r\nPlease do not call me.\r\n");
  RunResult ingest = RunTillit({"mail", "ingest", dir_ / "optout.eml", "--config", config_path(), "--data", data()});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  EXPECT_THAT(ingest.out, HasSubstr("(objection) received"));
  // Only a keyed hash is kept: the address is nowhere in the database.
  if (!UsingPostgres()) {
    EXPECT_THAT(ReadFile(data() + "/tillit.db"), Not(HasSubstr("newcomer@example.no")));
  }

  // Months later the same person signs up: phone and post marketing start refused, e-mail is not affected.
  const std::string id = server_->CreateSubject({{"identifiers", {{"email", "NewComer@Example.no"}}}});
  const json phone = server_->Decide(id, "marketing", "phone");
  EXPECT_EQ(phone["allow"], false);
  EXPECT_EQ(phone["rule"], "objected") << phone.dump();
  EXPECT_EQ(server_->Decide(id, "marketing", "post")["rule"], "objected");
  EXPECT_NE(server_->Decide(id, "marketing", "email")["rule"], "objected");
  HttpResult objections = server_->Get("/v1/subjects/" + id + "/objections", {.purpose = "customer_service"});
  ASSERT_EQ(objections.status, 200) << objections.body;
  EXPECT_THAT(objections.body, HasSubstr("\"phone\""));
  EXPECT_THAT(objections.body, HasSubstr("\"post\""));

  // Someone else signing up is not affected.
  const std::string other = server_->CreateSubject({{"identifiers", {{"email", "someone.else@example.no"}}}});
  EXPECT_NE(server_->Decide(other, "marketing", "phone")["rule"], "objected");
}

// ---- 6. Operations: mail that cannot leave is warned about and measured ----

TEST_F(PromisesTest, MissingMailIsWarnedAboutAndTheOutboxIsMeasured) {
  TestClock clock(dir_, "2027-01-04T09:00:00Z");
  RunResult check = RunTillit({"check", ExampleConfig("minimagi")});
  EXPECT_EQ(check.exit_code, 0);
  EXPECT_THAT(check.err, HasSubstr("[mail] smtp_url: warning: no mail server is configured"));
  EXPECT_THAT(check.err, HasSubstr("identity_check"));

  Start("minimagi", "contract,customer_service,rights_fulfilment", /*with_mail=*/false);
  EXPECT_THAT(server_->err(), HasSubstr("\"event\":\"configuration_warning\""));
  HttpResult metrics = Http("GET", server_->url("/metrics"));
  ASSERT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.body, HasSubstr("tillit_mail_configured 0\n"));
  EXPECT_THAT(metrics.body, HasSubstr("tillit_outbox_mail_queued 0\n"));
  EXPECT_THAT(metrics.body, HasSubstr("# TYPE tillit_requests_overdue gauge\n"));

  const std::string id = server_->CreateSubject({{"identifiers", {{"email", "stalled@example.no"}}}});
  HttpResult request = server_->Post("/v1/requests", {{"type", "access"}, {"subject", id}, {"channel", "web"}});
  ASSERT_EQ(request.status, 201) << request.body;
  clock.Set("2027-03-10T09:00:00Z");  // past the one-month deadline, the code still unsent
  metrics = Http("GET", server_->url("/metrics"));
  EXPECT_THAT(metrics.body, HasSubstr("tillit_outbox_mail_queued 1\n"));
  EXPECT_THAT(metrics.body, HasSubstr("tillit_requests_overdue 1\n"));
  EXPECT_THAT(metrics.body, ::testing::ContainsRegex("tillit_outbox_oldest_queued_mail_age_seconds [1-9][0-9]+\n"));
  EXPECT_THAT(metrics.body, HasSubstr("tillit_outbox_mail_failed 0\n"));
  EXPECT_THAT(metrics.body, HasSubstr("tillit_webhook_deliveries_dead 0\n"));

  // With a mail server configured there is nothing to warn about.
  WriteFile(dir_ / "mail.toml",
            ReadFile(ExampleConfig("minimagi")) + "\n[mail]\nsmtp_url = \"smtp://127.0.0.1:2525\"\n");
  RunResult quiet = RunTillit({"check", dir_ / "mail.toml"});
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_THAT(quiet.err, Not(HasSubstr("warning")));
}

// ---- 7. The command line ----

TEST(PromisesCli, VersionFlagAndDidYouMean) {
  RunResult version = RunTillit({"--version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_THAT(version.out, ::testing::MatchesRegex("tillit [0-9]+\\.[0-9]+\\.[0-9]+\n"));

  RunResult typo = RunTillit({"chek", ExampleConfig("minimagi")});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_THAT(typo.err, HasSubstr("unknown command 'chek' — did you mean 'check'?"));
  RunResult nested = RunTillit({"retention", "rnu"});
  EXPECT_EQ(nested.exit_code, 2);
  EXPECT_THAT(nested.err, HasSubstr("tillit retention: unknown command 'rnu' — did you mean 'run'?"));
}

TEST(PromisesCli, TillitStoreSqliteWorksLikeTheFlag) {
  if (UsingPostgres()) GTEST_SKIP() << "about the SQLite store";
  TempDir dir;
  const std::string out = dir / "out", err = dir / "err";
  const std::string command = "TILLIT_STORE=sqlite '" + TillitBinary() + "' init --config '" +
                              ExampleConfig("minimagi") + "' --data '" + (dir / "data") + "' >'" + out + "' 2>'" +
                              err + "'";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << ReadFile(err);
  struct stat st {};
  EXPECT_EQ(stat((dir / "data/tillit.db").c_str(), &st), 0) << "SQLite in the data directory";
}

TEST(PromisesCli, OneExitCodeConvention) {
  TempDir dir;
  const std::string data = dir / "data";
  ASSERT_EQ(RunTillit({"init", "--config", ExampleConfig("minimagi"), "--data", data}).exit_code, 0);
  // An id that names nothing is a bad argument (2), as for access-report; an unknown reason too.
  RunResult unknown = RunTillit({"erase", "sub_nobody", "--config", ExampleConfig("minimagi"), "--data", data});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
  EXPECT_THAT(unknown.err, HasSubstr("no subject"));
  RunResult reason = RunTillit(
      {"erase", "sub_nobody", "--config", ExampleConfig("minimagi"), "--data", data, "--reason", "boredom"});
  EXPECT_EQ(reason.exit_code, 2);
  // A configuration with errors is a failed operation (1) whichever command reads it.
  WriteFile(dir / "bad.toml", "[controller]\nname = 5\n");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"audience", "--config", dir / "bad.toml", "--data", data, "--purpose", "marketing"},
        std::vector<std::string>{"access-report", "--config", dir / "bad.toml", "--data", data, "--subject", "sub_x"},
        std::vector<std::string>{"suppress", "import", dir / "bad.toml", "--register", "reservasjonsregisteret",
                                 "--config", dir / "bad.toml", "--data", data}}) {
    RunResult r = RunTillit(args);
    EXPECT_EQ(r.exit_code, 1) << args[0] << ": " << r.err;
  }
}

TEST_F(PromisesTest, TheRunAfterADryRunReportsWhatItDeleted) {
  TestClock clock(dir_, "2027-01-10T10:00:00Z");
  Start("minimagi", "contract,customer_service,rights_fulfilment", /*with_mail=*/false);
  const std::string id = server_->CreateSubject(
      {{"identifiers", {{"email", "idle@example.no"}}}, {"fields", {{"identity.name", "Idle"}}}});
  AddOrder(id, {{"invoice", "I-1"}, {"amount", "5.00"}});
  HttpResult cart =
      server_->Post("/v1/subjects/" + id + "/records",
                    {{"kind", "delivery"}, {"categories", {"customer.delivery"}}, {"payload", {{"to", "x"}}}});
  ASSERT_EQ(cart.status, 201) << cart.body;
  clock.Set("2030-02-01T10:00:00Z");  // three years after the last activity: the subject's time is up
  const std::vector<std::string> sweep = {"retention", "run", "--config", config_path(), "--data", data()};
  std::vector<std::string> dry_args = sweep;
  dry_args.push_back("--dry-run");
  RunResult dry = RunTillit(dry_args);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("would erase 1 subjects whose time was up (deleting 1 of their records; 1 kept only "
                                 "their accounting fields under legal hold)"));
  RunResult run = RunTillit(sweep);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("erased 1 subjects whose time was up (deleted 1 of their records; 1 kept only their "
                                 "accounting fields under legal hold)"));
  EXPECT_THAT(run.out, HasSubstr("  delivery  1\n"));
  for (const auto& out : {dry.out, run.out}) EXPECT_THAT(out, Not(HasSubstr("release")));
}

// ---- 8. The demo configuration ----

TEST(PromisesDemo, TheDemoConfigurationOffersEveryFeature) {
  RunResult check = RunTillit({"check", ExampleConfig("demo")});
  ASSERT_EQ(check.exit_code, 0) << check.err;
  EXPECT_THAT(check.err, Not(HasSubstr("warning"))) << "the demo sends its mail to a local sink";
  const std::string config = ReadFile(ExampleConfig("demo"));
  EXPECT_THAT(config, ::testing::ContainsRegex("languages = \\[\"[a-z]{2}\", \"[a-z]{2}\""));
  EXPECT_THAT(config, ::testing::ContainsRegex("id = \"newsletter\"\nlegal_basis = \"consent\""));
  RunResult policy = RunTillit({"policy", "render", "--config", ExampleConfig("demo"), "--lang", "nb", "--format", "md"});
  ASSERT_EQ(policy.exit_code, 0) << policy.err;
  const std::string script = ReadFile(SourceDir() + "/scripts/run-demo");
  EXPECT_THAT(script, HasSubstr("aiosmtpd"));
  EXPECT_THAT(ReadFile(SourceDir() + "/Makefile"), HasSubstr("examples/demo.toml"));
}

// ---- 9. A category typo is answered with the nearest category ----

TEST_F(PromisesTest, AnUnknownCategorySuggestsTheNearest) {
  Start("minimagi", "contract,customer_service", /*with_mail=*/false);
  HttpResult r = server_->Post("/v1/subjects", {{"fields", {{"identity.nmae", "Kari"}}}});
  ASSERT_EQ(r.status, 400) << r.body;
  const json error = Parse(r.body)["error"];
  EXPECT_EQ(error["code"], "unknown_category");
  EXPECT_THAT(error["message"].get<std::string>(), HasSubstr("did you mean 'identity.name'?"));
  const std::string id = server_->CreateSubject({{"identifiers", {{"email", "typo@example.no"}}}});
  HttpResult record = server_->Post("/v1/subjects/" + id + "/records",
                                    {{"kind", "order"}, {"categories", {"customer.ordr"}}, {"payload", {{"x", 1}}}});
  ASSERT_EQ(record.status, 400) << record.body;
  EXPECT_THAT(record.body, HasSubstr("did you mean 'customer.order'?"));
}

// ---- 10. Consent given per channel shows per channel in the consents summary ----

TEST_F(PromisesTest, TheConsentsSummaryShowsAConsentGivenForOneChannel) {
  Start("minime", "contract,customer_service,marketing", /*with_mail=*/false);
  const std::string id = server_->CreateSubject({{"identifiers", {{"email", "kanava@example.fi"}}}});
  HttpResult given =
      server_->Post("/v1/subjects/" + id + "/consents",
                    {{"purpose", "marketing"}, {"channel", "email"}, {"action", "given"}, {"method", "web_form"}});
  ASSERT_EQ(given.status, 201) << given.body;
  HttpResult summary = server_->Get("/v1/subjects/" + id + "/consents", {.purpose = "marketing"});
  ASSERT_EQ(summary.status, 200) << summary.body;
  json marketing;
  const json purposes = Parse(summary.body)["purposes"];
  for (const auto& p : purposes) {
    if (p.value("purpose", "") == "marketing") marketing = p;
  }
  ASSERT_TRUE(marketing.is_object()) << summary.body;
  // The e-mail box is ticked, the text-message box is not.
  EXPECT_EQ(marketing["channels"]["email"].value("allow", false), true) << marketing.dump();
  EXPECT_EQ(marketing["channels"]["sms"].value("allow", true), false) << marketing.dump();
  EXPECT_EQ(server_->Decide(id, "marketing", "email").value("allow", false), true);
}

}  // namespace
}  // namespace tillit::testing
