// Erasure and retention against a real `tillit serve`: an erased subject's canary e-mail, name and address appear
// nowhere afterwards (database files, WAL, key store, logs); reads answer that the subject was erased; decisions deny
// with rule `erased`; the accounting fields of orders stay readable for `accounting` only until bookkeeping law lets
// them go; an import cannot bring the person back. Retention runs on the test clock: Lillemini (NO) keeps customer
// data while the subscription runs and for 6 months after it ends, and invoice accounting fields for 5 years after
// the fiscal year; Minime (FI) keeps orders under legal hold for 10 years after an erasure request.
#include "core/register/erasure.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "config/loader.h"
#include "core/install/data_dir.h"
#include "support/server.h"
#include "util/clock.h"
#include "util/random.h"

namespace tillit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

json Parse(const std::string& body) { return json::parse(body, nullptr, false); }

class ErasureTest : public ::testing::Test {
 protected:
  void Start(const std::string& shop, const std::string& purposes) {
    server_ = std::make_unique<TestServer>(data(), ServeOptions{.config = ExampleConfig(shop)});
    shop_ = shop;
    server_->CreateKey("staff", purposes);
  }

  std::string data() const { return dir_ / "data"; }

  std::string AddRecord(const std::string& id, const json& body) {
    HttpResult r = server_->Post("/v1/subjects/" + id + "/records", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return Parse(r.body).value("id", "");
  }

  HttpResult Records(const std::string& id, const std::string& purpose) {
    return server_->Get("/v1/subjects/" + id + "/records", {.purpose = purpose});
  }

  RunResult Sweep(bool dry_run = false) {
    std::vector<std::string> args{"retention", "run", "--config", ExampleConfig(shop_), "--data", data()};
    if (dry_run) args.push_back("--dry-run");
    return RunTillit(args);
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
  std::string shop_;
};

TEST_F(ErasureTest, AfterAnErasureNoCanaryIsFoundAnywhereAndOnlyAccountingStays) {
  Start("minime", "customer_service,contract,accounting,marketing,rights_fulfilment");
  const std::string mail = "canary.qwpzx@example.fi";
  const std::string name = "Canaryname Qwpzx";
  const std::string address = "Kanariankatu 77 QWPZX";
  const std::string id = server_->CreateSubject(
      {{"identifiers", {{"email", mail}}}, {"fields", {{"identity.name", name}, {"contact.address", address}}}});
  HttpResult consent = server_->Post("/v1/subjects/" + id + "/consents",
                                     {{"purpose", "marketing"}, {"action", "given"}, {"method", "web_form"}});
  ASSERT_EQ(consent.status, 201) << consent.body;
  const std::string order = AddRecord(id, {{"kind", "order"},
                                           {"categories", {"customer.order", "payment.transaction"}},
                                           {"payload", {{"deliver_to", address}, {"items", 2}}},
                                           {"reference", "ORDER-QWPZX-1"},
                                           {"accounting", {{"invoice", "INV-1001"}, {"total", "49.90"}}}});
  AddRecord(id, {{"kind", "message"}, {"categories", {"communication.chat"}}, {"payload", {{"text", name}}}});
  ASSERT_EQ(server_->Get("/v1/subjects/" + id, {.purpose = "customer_service"}).status, 200);
  // A disclosure with a canary reference and a stored access report go with the subject.
  HttpResult disclosed = server_->Post("/v1/subjects/" + id + "/disclosures", {{"recipient", "posti"},
                                                                               {"categories", {"contact.address"}},
                                                                               {"purpose", "contract"},
                                                                               {"reference", "parcel QWPZX-77"}});
  ASSERT_EQ(disclosed.status, 201) << disclosed.body;
  HttpResult report = server_->Post("/v1/subjects/" + id + "/access-report", json::object());
  ASSERT_EQ(report.status, 201) << report.body;
  const std::string report_path = "/v1/reports/" + Parse(report.body)["token"].get<std::string>();
  ASSERT_EQ(Http("GET", server_->url(report_path), "", {}).status, 200);

  HttpResult erased = server_->Post("/v1/subjects/" + id + "/erase", {{"reason", "request"}});
  ASSERT_EQ(erased.status, 200) << erased.body;
  const json receipt = Parse(erased.body);
  EXPECT_EQ(receipt["subject_id"], id);
  EXPECT_EQ(receipt["complete"], true);
  EXPECT_EQ(receipt["deleted"]["data_key"], "destroyed");
  EXPECT_EQ(receipt["deleted"]["records"]["message"], 1) << receipt.dump();
  EXPECT_EQ(receipt["suppression_list"], true);
  ASSERT_EQ(receipt["legal_hold"].size(), 1u) << receipt.dump();
  EXPECT_EQ(receipt["legal_hold"][0]["record_kind"], "order");
  EXPECT_FALSE(receipt["legal_hold"][0]["kept_until"].is_null());
  EXPECT_THAT(receipt.dump(), Not(HasSubstr("qwpzx")));

  // Reads answer that the subject was erased; decisions deny with rule `erased`.
  HttpResult get = server_->Get("/v1/subjects/" + id, {.purpose = "customer_service"});
  EXPECT_EQ(get.status, 404);
  EXPECT_EQ(Parse(get.body)["error"]["code"], "subject_erased") << get.body;
  EXPECT_EQ(Http("GET", server_->url(report_path), "", {}).status, 404);
  HttpResult disclosures = server_->Get("/v1/subjects/" + id + "/disclosures");
  EXPECT_THAT(disclosures.body, Not(HasSubstr("QWPZX"))) << disclosures.body;
  EXPECT_EQ(server_->Decide(id, "marketing")["rule"], "erased");
  EXPECT_EQ(server_->Decide(id, "contract")["allow"], false);
  EXPECT_EQ(server_->Decide(id, "accounting")["allow"], true);
  EXPECT_EQ(Records(id, "customer_service").status, 404);
  // The accounting fields stay for `accounting`, nothing else of the order does.
  HttpResult books = Records(id, "accounting");
  ASSERT_EQ(books.status, 200) << books.body;
  const json records = Parse(books.body)["records"];
  ASSERT_EQ(records.size(), 1u) << books.body;
  EXPECT_EQ(records[0]["id"], order);
  EXPECT_EQ(records[0]["accounting"]["invoice"], "INV-1001");
  EXPECT_TRUE(records[0]["payload"].is_null()) << books.body;
  EXPECT_FALSE(records[0].contains("reference"));
  HttpResult stored = server_->Get("/v1/subjects/" + id + "/erasure");
  ASSERT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(Parse(stored.body)["legal_hold"], receipt["legal_hold"]);

  // Erasing again, an unknown subject, a reason that is no code, a key without the action subjects.erase: clear 4xx.
  HttpResult again = server_->Post("/v1/subjects/" + id + "/erase", {{"reason", "request"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(Parse(again.body)["error"]["code"], "already_erased");
  EXPECT_EQ(server_->Post("/v1/subjects/sub_nobody/erase", json::object()).status, 404);
  const std::string other = server_->CreateSubject({{"identifiers", {{"email", "other@example.fi"}}}});
  HttpResult bad_reason = server_->Post("/v1/subjects/" + other + "/erase", {{"reason", "because Anna asked"}});
  EXPECT_EQ(bad_reason.status, 400);
  EXPECT_EQ(Parse(bad_reason.body)["error"]["code"], "unknown_reason");
  EXPECT_EQ(server_->Send("POST", "/v1/subjects/" + other + "/erase", "{").status, 400);
  const std::string shop_key = server_->CreateKey("shop", "customer_service,rights_fulfilment", {"--preset", "shop"});
  ASSERT_FALSE(shop_key.empty());
  HttpResult forbidden = server_->Post("/v1/subjects/" + other + "/erase", nullptr, {.key = shop_key});
  EXPECT_EQ(forbidden.status, 403) << forbidden.body;
  EXPECT_EQ(Parse(forbidden.body)["error"]["code"], "action_not_allowed") << forbidden.body;
  // Accounting fields only where an accounting rule covers the record.
  HttpResult no_rule = server_->Post("/v1/subjects/" + other + "/records", {{"kind", "message"},
                                                                            {"categories", {"communication.chat"}},
                                                                            {"payload", {{"text", "hi"}}},
                                                                            {"accounting", {{"total", "1"}}}});
  EXPECT_EQ(no_rule.status, 400);
  EXPECT_EQ(Parse(no_rule.body)["error"]["code"], "no_accounting_rule") << no_rule.body;

  // A later import of the same address is refused: it is on the suppression list.
  const std::string file = dir_ / "again.ndjson";
  WriteFile(file, json{{"identifiers", {{"email", "CANARY.qwpzx@example.fi"}}}}.dump() + "\n");
  RunResult imported = RunTillit({"import", "subjects", file, "--config", ExampleConfig("minime"), "--data", data()});
  EXPECT_EQ(imported.exit_code, 1) << imported.out << imported.err;
  EXPECT_THAT(ReadFile(file + ".rejects.ndjson"), HasSubstr("suppressed"));
  std::filesystem::remove(file);
  std::filesystem::remove(file + ".rejects.ndjson");

  // No canary anywhere: database files, WAL, key store, and the server's logs.
  const std::vector<std::string> canaries = {mail, name, address, "ORDER-QWPZX-1", "qwpzx", "QWPZX"};
  const std::string logs = server_->out() + server_->err();
  for (const auto& canary : canaries) EXPECT_THAT(logs, Not(HasSubstr(canary))) << canary << " in the logs";
  ASSERT_EQ(server_->Stop(), 0);
  if (UsingPostgres() && PostgresClusterDir().empty()) GTEST_SKIP() << "set TILLIT_TEST_POSTGRES_DIR to scan";
  const std::string where = UsingPostgres() ? PostgresClusterDir() : data();
  const std::string bytes = AllBytesBelow(where);
  ASSERT_THAT(bytes, HasSubstr("erasures"));  // the scan reads the databases
  for (const auto& canary : canaries) EXPECT_THAT(bytes, Not(HasSubstr(canary))) << canary << " found in " << where;
}

// Lillemini (NO): customer data is kept while the subscription runs and up to 6 months after it ends; the invoice's
// accounting fields stay for 5 years after the end of the fiscal year (bokføringsloven § 13).
TEST_F(ErasureTest, LilleminiKeepsCustomerDataSixMonthsAfterTheSubscriptionAndInvoicesFiveYears) {
  TestClock clock(dir_, "2027-03-01T10:00:00Z");
  Start("lillemini", "contract,accounting,rights_fulfilment");
  const std::string id = server_->CreateSubject(
      {{"identifiers", {{"email", "kari@example.no"}}},
       {"fields", {{"identity.name", "Kari Nordmann"}, {"contact.address", "Storgata 1, Trondheim"}}}});
  const std::string agreement =
      AddRecord(id, {{"kind", "agreement"}, {"categories", {"customer.agreement"}}, {"payload", {{"plan", "family"}}}});
  AddRecord(id, {{"kind", "order"},
                 {"categories", {"customer.order", "payment.transaction"}},
                 {"payload", {{"plan", "family"}, {"months", 3}}},
                 {"accounting", {{"invoice", "F-2027-17"}, {"amount_nok", "297.00"}}}});

  // The subscription runs: nothing expires, however long.
  clock.Set("2027-06-30T12:00:00Z");
  RunResult idle = Sweep();
  ASSERT_EQ(idle.exit_code, 0) << idle.err;
  EXPECT_THAT(idle.out, HasSubstr("erased 0 subjects"));
  EXPECT_THAT(idle.out, ::testing::ContainsRegex("the sweep took [0-9]+ ms"));
  HttpResult end = server_->Post("/v1/subjects/" + id + "/agreements/SUB-17/end", json::object());
  ASSERT_EQ(end.status, 200) << end.body;
  EXPECT_EQ(Parse(end.body)["ended_at"], "2027-06-30T12:00:00Z");
  EXPECT_EQ(server_->Post("/v1/subjects/" + id + "/agreements/SUB-17/end", {{"ended_at", "yesterday"}}).status, 400);
  EXPECT_EQ(server_->Post("/v1/subjects/sub_nobody/agreements/SUB-17/end", json::object()).status, 404);

  // Five months after the end: still kept.
  clock.Set("2027-11-30T12:00:00Z");
  RunResult five = Sweep();
  ASSERT_EQ(five.exit_code, 0) << five.err;
  EXPECT_THAT(five.out, HasSubstr("erased 0 subjects"));
  EXPECT_EQ(server_->Get("/v1/subjects/" + id, {.purpose = "accounting"}).status, 200);

  // Six months and a day after: a dry run lists what would go, the real run erases the subject.
  clock.Set("2028-01-01T12:00:00Z");
  RunResult dry = Sweep(/*dry_run=*/true);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("would erase 1 subjects"));
  EXPECT_THAT(dry.out, HasSubstr("identity.name  1"));
  EXPECT_EQ(server_->Get("/v1/subjects/" + id, {.purpose = "accounting"}).status, 200);
  RunResult six = Sweep();
  ASSERT_EQ(six.exit_code, 0) << six.err;
  EXPECT_THAT(six.out, HasSubstr("erased 1 subjects"));
  HttpResult gone = server_->Get("/v1/subjects/" + id, {.purpose = "contract"});
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(Parse(gone.body)["error"]["code"], "subject_erased");
  // The command erased through the database; the server's decision index follows the change feed within moments.
  json decided;
  for (int i = 0; i < 50; ++i) {
    decided = server_->Decide(id, "contract");
    if (decided["rule"] == "erased") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(decided["rule"], "erased") << decided.dump();
  HttpResult books = Records(id, "accounting");
  ASSERT_EQ(books.status, 200) << books.body;
  ASSERT_EQ(Parse(books.body)["records"].size(), 1u) << books.body;
  EXPECT_EQ(Parse(books.body)["records"][0]["accounting"]["invoice"], "F-2027-17");
  EXPECT_EQ(Parse(books.body)["records"][0]["accounting_expires_at"], "2033-01-01T00:00:00Z") << books.body;
  (void)agreement;

  // The Norwegian bookkeeping period: five years after the fiscal year 2027 ended.
  clock.Set("2032-12-31T12:00:00Z");
  ASSERT_EQ(Sweep().exit_code, 0);
  EXPECT_EQ(Parse(Records(id, "accounting").body)["records"].size(), 1u);
  clock.Set("2033-01-02T12:00:00Z");
  RunResult last = Sweep();
  ASSERT_EQ(last.exit_code, 0) << last.err;
  EXPECT_THAT(last.out, HasSubstr("deleted 1 records"));
  EXPECT_EQ(Records(id, "accounting").status, 404);
  EXPECT_EQ(RunTillit({"audit", "verify", "--data", data()}).exit_code, 0);
}

// The sweeper inside `tillit serve` runs on its schedule (here every 200 ms of real time, on the test clock): a
// subject whose time is up is erased without anyone running a command.
TEST_F(ErasureTest, TheServersOwnSweeperErasesWhatIsDue) {
  TestClock clock(dir_, "2027-03-01T10:00:00Z");
  ::setenv("TILLIT_TEST_SWEEP_MS", "200", 1);
  Start("lillemini", "contract,accounting,rights_fulfilment");
  ::unsetenv("TILLIT_TEST_SWEEP_MS");
  const std::string id = server_->CreateSubject(
      {{"identifiers", {{"email", "sweep@example.no"}}}, {"fields", {{"identity.name", "Siri Sweep"}}}});
  const std::string other = server_->CreateSubject(
      {{"identifiers", {{"email", "stays@example.no"}}}, {"fields", {{"identity.name", "Stine Stay"}}}});
  AddRecord(id, {{"kind", "agreement"}, {"categories", {"customer.agreement"}}, {"payload", {{"plan", "solo"}}}});
  AddRecord(other, {{"kind", "agreement"}, {"categories", {"customer.agreement"}}, {"payload", {{"plan", "solo"}}}});
  ASSERT_EQ(server_->Post("/v1/subjects/" + id + "/agreements/SUB-1/end", json::object()).status, 200);

  auto status_of = [&](const std::string& subject) {
    return server_->Get("/v1/subjects/" + subject, {.purpose = "accounting"});
  };
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // a few sweeps: nothing is due yet
  EXPECT_EQ(status_of(id).status, 200);
  clock.Set("2028-01-01T12:00:00Z");  // six months after the end, and more
  HttpResult gone;
  for (int i = 0; i < 100; ++i) {
    gone = status_of(id);
    if (gone.status == 404) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(gone.status, 404) << gone.body;
  EXPECT_EQ(Parse(gone.body)["error"]["code"], "subject_erased");
  EXPECT_EQ(status_of(other).status, 200) << "the subscription of the other subject still runs";
  HttpResult receipt = server_->Get("/v1/subjects/" + id + "/erasure", {.purpose = "rights_fulfilment"});
  ASSERT_EQ(receipt.status, 200) << receipt.body;
  EXPECT_EQ(Parse(receipt.body)["reason"], "retention") << receipt.body;
}

// A step written with the erasure (the completion of the request that asked for it) commits with it or not at all:
// when the step fails, the subject, its key and its data are all still there.
TEST_F(ErasureTest, AStepThatFailsInsideTheErasureUndoesIt) {
  Start("minimagi", "customer_service,rights_fulfilment");
  const std::string id = server_->CreateSubject(
      {{"identifiers", {{"email", "undo@example.no"}}}, {"fields", {{"identity.name", "Ulla Undo"}}}});
  ASSERT_EQ(server_->Stop(), 0);

  auto loaded = config::LoadConfigFile(ExampleConfig("minimagi"));
  ASSERT_TRUE(loaded.ok());
  auto opened = core::Open(data(), Clock::System(), Random::Secure(), StoreUrlFor(data()));
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  store::Store& store = *opened->store;
  {
    core::Erasure erasure(loaded.config, store, *opened->keyring, *opened->indexer, Clock::System(), Random::Secure());
    auto failed = erasure.Erase(id, "request", core::Actor::System(), [](store::WriteTxn&) {
      return Status::Conflict("the request changed meanwhile; read it again", "request_changed");
    });
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.status().reason(), "request_changed");
    auto subject = store.FindSubject(id);
    ASSERT_TRUE(subject.ok() && subject->has_value());
    EXPECT_FALSE((*subject)->erased_at.has_value());
    auto key = store.FindDataKey(id);
    ASSERT_TRUE(key.ok() && key->has_value());
    EXPECT_FALSE((*key)->wrapped.empty()) << "the data key survived";
    EXPECT_EQ(store.ListFields(id)->size(), 2u);
    EXPECT_FALSE(erasure.Receipt(id).ok()) << "no tombstone was left";

    bool ran = false;
    auto erased = erasure.Erase(id, "request", core::Actor::System(), [&ran](store::WriteTxn&) {
      ran = true;
      return Status::Ok();
    });
    ASSERT_TRUE(erased.ok()) << erased.status().message();
    EXPECT_TRUE(ran);
    EXPECT_TRUE(store.FindSubject(id)->value().erased_at.has_value());
    EXPECT_TRUE(store.ListFields(id)->empty());
    erasure.Stop();
  }
  store.Close();
}

// `tillit erase --ids FILE`: many subjects in batches with one checkpoint; unknown ids named by file and line, ids
// listed twice or erased before are skipped, and the others are erased as an erasure request would.
TEST_F(ErasureTest, ManySubjectsAreErasedFromAFileOfIds) {
  Start("minimagi", "customer_service,rights_fulfilment");
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    ids.push_back(server_->CreateSubject({{"identifiers", {{"email", "bulk" + std::to_string(i) + "@example.no"}}},
                                          {"fields", {{"identity.name", "Bulk Person " + std::to_string(i)}}}}));
  }
  const std::string kept = server_->CreateSubject({{"identifiers", {{"email", "kept@example.no"}}}});
  ASSERT_EQ(server_->Post("/v1/subjects/" + ids[3] + "/erase", json::object()).status, 200);
  const std::string file = dir_ / "ids.txt";
  WriteFile(file, "# subjects to erase\n" + ids[0] + "\n\n  " + ids[1] + "  \n" + ids[2] + "\n" + ids[0] + "\n" +
                      ids[3] + "\nsub_nobody\n");
  const std::vector<std::string> args = {"erase", "--config", ExampleConfig("minimagi"), "--data", data(),
                                         "--ids", file};
  RunResult run = RunTillit(args);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;  // one id was unknown
  EXPECT_THAT(run.out, HasSubstr("erased 3 subjects"));
  EXPECT_THAT(run.out, HasSubstr("1 were erased already, 1 not found"));
  EXPECT_THAT(run.err, HasSubstr("ids.txt:8: sub_nobody: no subject with this id"));
  for (int i = 0; i < 3; ++i) {
    HttpResult gone = server_->Get("/v1/subjects/" + ids[i], {.purpose = "customer_service"});
    EXPECT_EQ(gone.status, 404) << i;
    HttpResult receipt = server_->Get("/v1/subjects/" + ids[i] + "/erasure");
    ASSERT_EQ(receipt.status, 200) << receipt.body;
    EXPECT_EQ(Parse(receipt.body)["reason"], "request");
  }
  EXPECT_EQ(server_->Get("/v1/subjects/" + kept, {.purpose = "customer_service"}).status, 200);
  // Erased through the database: the server's decisions follow the change feed.
  json decided;
  for (int i = 0; i < 50; ++i) {
    decided = server_->Decide(ids[1], "customer_service");
    if (decided["rule"] == "erased") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(decided["rule"], "erased") << decided.dump();
  EXPECT_EQ(RunTillit({"audit", "verify", "--data", data()}).exit_code, 0);

  // Again: nothing left to erase, and that is not an error.
  WriteFile(file, ids[0] + "\n" + ids[1] + "\n");
  RunResult again = RunTillit(args);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("erased 0 subjects"));
  EXPECT_THAT(again.out, HasSubstr("2 were erased already"));
  // Mistakes: a subject and a file at once, a missing file, an unknown reason.
  EXPECT_NE(
      RunTillit({"erase", ids[0], "--config", ExampleConfig("minimagi"), "--data", data(), "--ids", file}).exit_code,
      0);
  RunResult missing =
      RunTillit({"erase", "--config", ExampleConfig("minimagi"), "--data", data(), "--ids", dir_ / "nope.txt"});
  EXPECT_EQ(missing.exit_code, 2);  // an input file that cannot be read: bad argument
  EXPECT_THAT(missing.err, HasSubstr("nope.txt"));
  RunResult reason = RunTillit(
      {"erase", "--config", ExampleConfig("minimagi"), "--data", data(), "--ids", file, "--reason", "boredom"});
  EXPECT_EQ(reason.exit_code, 2);  // a value outside those allowed: bad argument
  EXPECT_THAT(reason.err, HasSubstr("unknown erasure reason 'boredom'"));
}

// Records written in bulk count as the subject's activity, as one record does: Minimagi keeps customer data three
// years after the last activity.
TEST_F(ErasureTest, BulkRecordsKeepTheirSubjectActive) {
  TestClock clock(dir_, "2027-01-10T10:00:00Z");
  Start("minimagi", "contract,customer_service,rights_fulfilment");
  const std::string active = server_->CreateSubject(
      {{"identifiers", {{"email", "active@example.no"}}}, {"fields", {{"identity.name", "Aktiv Kunde"}}}});
  const std::string idle = server_->CreateSubject(
      {{"identifiers", {{"email", "idle@example.no"}}}, {"fields", {{"identity.name", "Passiv Kunde"}}}});
  clock.Set("2029-01-10T10:00:00Z");
  const json order = {{"subject_id", active},
                      {"kind", "order"},
                      {"categories", {"customer.order"}},
                      {"occurred_at", "2029-01-10T09:00:00Z"},
                      {"payload", {{"total", "99.00"}}}};
  HttpResult bulk = server_->Send("POST", "/v1/records/bulk", order.dump() + "\n" + order.dump() + "\n",
                                  {.type = "application/x-ndjson"});
  ASSERT_EQ(bulk.status, 200) << bulk.body;
  ASSERT_EQ(Parse(bulk.body)["stored"], 2) << bulk.body;
  clock.Set("2030-02-01T10:00:00Z");  // three years after the idle subject's last activity, not the active one's
  RunResult swept = Sweep();
  ASSERT_EQ(swept.exit_code, 0) << swept.err;
  EXPECT_THAT(swept.out, HasSubstr("erased 1 subjects"));
  EXPECT_EQ(server_->Get("/v1/subjects/" + idle, {.purpose = "customer_service"}).status, 404);
  EXPECT_EQ(server_->Get("/v1/subjects/" + active, {.purpose = "customer_service"}).status, 200);
}

// Minime (FI): after an erasure request, orders are kept under legal hold for 10 years (kirjanpitolaki 2:10),
// invisible to every purpose but accounting, then deleted.
TEST_F(ErasureTest, MinimeKeepsOrdersTenYearsAfterAnErasureForAccountingOnly) {
  TestClock clock(dir_, "2027-05-01T09:00:00Z");
  Start("minime", "customer_service,contract,marketing,accounting,rights_fulfilment");
  const std::string id = server_->CreateSubject(
      {{"identifiers", {{"email", "maija@example.fi"}}}, {"fields", {{"identity.name", "Maija Meikäläinen"}}}});
  AddRecord(id, {{"kind", "order"},
                 {"categories", {"customer.order", "payment.transaction"}},
                 {"payload", {{"items", 1}}},
                 {"accounting", {{"invoice", "M-88"}, {"total_eur", "19.00"}}}});
  HttpResult erased = server_->Post("/v1/subjects/" + id + "/erase", json::object());
  ASSERT_EQ(erased.status, 200) << erased.body;
  EXPECT_EQ(Parse(erased.body)["legal_hold"][0]["kept_until"], "2038-01-01T00:00:00Z") << erased.body;

  for (const std::string purpose : {"contract", "customer_service", "marketing"}) {
    EXPECT_EQ(Records(id, purpose).status, 404) << purpose;
    EXPECT_EQ(server_->Decide(id, purpose)["rule"], "erased") << purpose;
  }
  clock.Set("2037-12-31T09:00:00Z");
  ASSERT_EQ(Sweep().exit_code, 0);
  HttpResult books = Records(id, "accounting");
  ASSERT_EQ(books.status, 200) << books.body;
  EXPECT_EQ(Parse(books.body)["records"][0]["accounting"]["invoice"], "M-88");
  clock.Set("2038-01-02T09:00:00Z");
  // The server's own sweeper would do the same on its schedule; the command does it now.
  RunResult swept = Sweep();
  ASSERT_EQ(swept.exit_code, 0) << swept.err;
  EXPECT_THAT(swept.out, HasSubstr("deleted 1 records"));
  EXPECT_EQ(Records(id, "accounting").status, 404);
}

}  // namespace
}  // namespace tillit::testing
