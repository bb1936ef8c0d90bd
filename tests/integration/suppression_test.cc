// DESIGN.md rule 6 through the CLI and the HTTP API: national opt-out registers imported with `tillit suppress
// import` (stored as blind indexes only, replaced atomically, bad lines reported and skipped) deny phone and post
// marketing to the subjects they list, a copy older than its country allows denies that channel to the country's
// subjects, existing customers are exempt where the register exempts them; marketing prohibition codes are set and
// lifted with history; and the e-mail/SMS existing-customer exception follows the subject's own country.
// Configuration: Minime (a Finnish shop) with a legitimate-interest direct-marketing purpose over every channel, a
// market-research purpose, and the four Nordic registers declared.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/server.h"

namespace tillit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kExtra[] = R"toml(

[[purpose]]
id = "direct_marketing"
legal_basis = "legitimate_interest"
categories = ["identity.name", "contact.email", "contact.phone", "contact.address"]
channels = ["email", "sms", "phone", "post"]
own_similar_products = true
objection = ["email"]
name.fi = "Suoramarkkinointi"
name.en = "Direct marketing"
description.fi = "Markkinoimme omia vastaavia tuotteitamme asiakkaillemme."
description.en = "We market our own similar products to our customers."

[[purpose]]
id = "market_research"
legal_basis = "legitimate_interest"
categories = ["identity.name", "contact.email"]
objection = ["email"]
name.fi = "Markkinatutkimus"
name.en = "Market research"
description.fi = "Kysymme mielipidettäsi tuotteistamme."
description.en = "We ask for your opinion of our products."

[[marketing.opt_out_register]]
id = "asml"

[[marketing.opt_out_register]]
id = "nix_telefon"

[[marketing.opt_out_register]]
id = "nix_adresserat"

[[marketing.opt_out_register]]
id = "reservasjonsregisteret"
)toml";

class MarketingRulesTestBase : public ::testing::Test {
 protected:
  void StartShop(bool with_registers) {
    std::string text = ReadFile(ExampleConfig("minime")) + kExtra;
    if (!with_registers) text = text.substr(0, text.find("[[marketing.opt_out_register]]"));
    WriteFile(config(), text);
    RunResult check = RunTillit({"check", config()});
    ASSERT_EQ(check.exit_code, 0) << check.out << check.err;
    server_ = std::make_unique<TestServer>(data(), ServeOptions{.config = config()});
    server_->CreateKey("shop", "customer_service,direct_marketing,market_research");
  }

  std::string config() const { return dir_ / "tillit.toml"; }
  std::string data() const { return dir_ / "data"; }

  std::string NewSubject(const json& identifiers, const json& fields = json::object()) {
    json body = {{"identifiers", identifiers}};
    if (!fields.empty()) body["fields"] = fields;
    return server_->CreateSubject(body);
  }

  void Consent(const std::string& id, const std::string& action, const std::string& channel = "") {
    json body = {{"purpose", "direct_marketing"}, {"action", action}};
    if (!channel.empty()) body["channel"] = channel;
    HttpResult r = server_->Post("/v1/subjects/" + id + "/consents", body);
    EXPECT_EQ(r.status, 201) << r.body;
  }

  // "allow:<rule>" or "deny:<rule>".
  std::string Decide(const std::string& id, const std::string& channel,
                     const std::string& purpose = "direct_marketing") {
    const json j = server_->Decide(id, purpose, channel);
    if (j.is_discarded()) return "?";
    return std::string(j.value("allow", false) ? "allow:" : "deny:") + j.value("rule", "?");
  }

  // Polls until the decision is `want` (a change the server learns through the decision-change feed), at most 5 s.
  std::string Until(const std::string& id, const std::string& channel, const std::string& want) {
    const auto start = std::chrono::steady_clock::now();
    std::string got = Decide(id, channel);
    while (got != want && std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      got = Decide(id, channel);
    }
    return got;
  }

  RunResult Import(const std::string& register_id, const std::string& name, const std::string& content) {
    WriteFile(dir_ / name, content);
    return RunTillit(
        {"suppress", "import", "--register", register_id, dir_ / name, "--data", data(), "--config", config()});
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
};

class OptOutRegisterTest : public MarketingRulesTestBase {
 protected:
  void SetUp() override {
    clock_ = std::make_unique<TestClock>(dir_, "2026-01-10T12:00:00Z");
    StartShop(/*with_registers=*/true);
  }
  std::unique_ptr<TestClock> clock_;
};

TEST_F(OptOutRegisterTest, RegistersDenyListedSubjectsAndStaleCopiesTheirCountry) {
  // Before any copy is imported, phone and post marketing to a register's country is denied: no copy is the
  // stalest copy. E-mail is not a register channel.
  const std::string listed = NewSubject({{"phone", "+46 70 123 45 67"}});
  EXPECT_EQ(Decide(listed, "phone"), "deny:opt_out_register_stale");
  EXPECT_EQ(Decide(listed, "post"), "deny:opt_out_register_stale");
  const std::string finn = NewSubject({{"phone", "040 123 4567"}});  // national: the controller's country, FI
  EXPECT_EQ(Decide(finn, "phone"), "deny:opt_out_register_stale");

  // NIX-Telefon: a plain list, one number a line; a bad line is reported by file and line and skipped.
  RunResult nix = Import("nix_telefon", "nix.txt", "+46701234567\n\n070-765 43 21\nnot a number\n+46 8 123 456 78\n");
  EXPECT_EQ(nix.exit_code, 1) << nix.out << nix.err;
  EXPECT_THAT(nix.out, HasSubstr("phone numbers     3"));
  EXPECT_THAT(nix.out, HasSubstr("lines skipped     1"));
  EXPECT_THAT(nix.err, HasSubstr(dir_ / "nix.txt:4: not a valid phone number for SE"));
  EXPECT_THAT(nix.err, Not(HasSubstr("not a number")));  // the line itself is never repeated

  // The running server reloads the registers from the feed: the listed subject is denied by the register, a
  // subject whose number is not listed is allowed.
  EXPECT_EQ(Until(listed, "phone", "deny:opt_out_register"), "deny:opt_out_register");
  const std::string unlisted = NewSubject({{"phone", "+46 70 111 22 33"}});
  EXPECT_EQ(Decide(unlisted, "phone"), "allow:legitimate_interest");
  // A subject created after the import is matched at once (a national number read in the register's format).
  const std::string later = NewSubject({{"phone", "+46707654321"}});
  EXPECT_EQ(Decide(later, "phone"), "deny:opt_out_register");
  // NIX-Telefon covers phone only; NIX-Adresserat has no copy yet.
  EXPECT_EQ(Decide(listed, "post"), "deny:opt_out_register_stale");
  EXPECT_EQ(Decide(listed, "email"), "deny:not_existing_customer");

  // Existing customers are exempt from NIX; a subject who asked for phone marketing is not held back either.
  Consent(listed, "existing_customer");
  EXPECT_EQ(Decide(listed, "phone"), "allow:legitimate_interest");
  EXPECT_EQ(Decide(listed, "email"), "allow:existing_customer");
  Consent(later, "given", "phone");
  EXPECT_EQ(Decide(later, "phone"), "allow:legitimate_interest");

  // The subject's phone changes to a listed number: the index follows.
  HttpResult patch = server_->Patch("/v1/subjects/" + unlisted, {{"identifiers", {{"phone", "+46 8 12345678"}}}});
  ASSERT_EQ(patch.status, 200) << patch.body;
  EXPECT_EQ(Decide(unlisted, "phone"), "deny:opt_out_register");

  // NIX-Adresserat and Reservasjonsregisteret as CSV with a header; addresses match whatever their case, spacing
  // and punctuation, and whether they come with a name.
  RunResult adr = Import("nix_adresserat", "adr.csv",
                         "name,street,postal_code,city\n\"Svensson, Anna\",\"STORGATAN  12 B,\",114 55,Stockholm\n"
                         "Bo,,,\n\"broken,\"quote\n");
  EXPECT_EQ(adr.exit_code, 1) << adr.out << adr.err;
  EXPECT_THAT(adr.out, HasSubstr("postal addresses  1"));
  EXPECT_THAT(adr.out, HasSubstr("lines skipped     2"));
  EXPECT_THAT(adr.err, HasSubstr("adr.csv:3: neither a phone number nor a street and postal code"));
  EXPECT_THAT(adr.err, HasSubstr("adr.csv:4: broken CSV quoting"));
  const std::string swede_at_home = NewSubject(
      {{"email", "anna@example.se"}},
      {{"contact.address",
        {{"street", "Storgatan 12 b"}, {"postal_code", "11455"}, {"city", "Stockholm"}, {"country", "SE"}}}});
  // (The server reloads the registers from the feed within about 200 ms.)
  EXPECT_EQ(Until(swede_at_home, "post", "deny:opt_out_register"), "deny:opt_out_register");
  EXPECT_EQ(Decide(unlisted, "post"), "allow:legitimate_interest");

  RunResult rr =
      Import("reservasjonsregisteret", "rr.csv", "phone,street,postal_code\n+47 912 34 567,,\n,Storgata 1,0155\n");
  EXPECT_EQ(rr.exit_code, 0) << rr.out << rr.err;
  EXPECT_THAT(rr.out, HasSubstr("phone numbers     1"));
  EXPECT_THAT(rr.out, HasSubstr("postal addresses  1"));
  const std::string norwegian =
      NewSubject({{"phone", "+4791234567"}},
                 {{"contact.address", {{"street", "STORGATA 1"}, {"postal_code", "0155"}, {"country", "NO"}}}});
  EXPECT_EQ(Until(norwegian, "phone", "deny:opt_out_register"), "deny:opt_out_register");
  EXPECT_EQ(Decide(norwegian, "post"), "deny:opt_out_register");

  // Only blind indexes are stored: neither the numbers nor the streets are in the database files.
  if (!UsingPostgres()) {
    const std::string db = ReadFile(data() + "/tillit.db") + ReadFile(data() + "/tillit.db-wal");
    for (const char* raw : {"46701234567", "4791234567", "STORGATAN", "Storgatan", "Storgata 1", "storgata"}) {
      EXPECT_THAT(db, Not(HasSubstr(raw))) << raw;
    }
  }

  // Five weeks later Reservasjonsregisteret (one month) is stale for Norwegians; NIX (two and three months) and
  // ASML (never imported) are as they were.
  clock_->Set("2026-02-15T12:00:00Z");
  EXPECT_EQ(Decide(norwegian, "phone"), "deny:opt_out_register_stale");
  EXPECT_EQ(Decide(unlisted, "phone"), "deny:opt_out_register");
  EXPECT_EQ(Decide(swede_at_home, "post"), "deny:opt_out_register");
  // Ten weeks later NIX-Telefon is stale too, for every Swede, listed or not; NIX-Adresserat is still fresh.
  clock_->Set("2026-03-21T12:00:00Z");
  const std::string swede2 = NewSubject({{"phone", "+46 70 999 88 77"}});
  EXPECT_EQ(Decide(swede2, "phone"), "deny:opt_out_register_stale");
  EXPECT_EQ(Decide(unlisted, "post"), "allow:legitimate_interest");
  // …but not for the existing customer, whom NIX exempts.
  EXPECT_EQ(Decide(listed, "phone"), "allow:legitimate_interest");

  // A fresh copy replaces the old one as a whole: a number no longer listed is free again.
  RunResult again = Import("nix_telefon", "nix2.txt", "+46 8 123 456 78\n");
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(Until(swede2, "phone", "allow:legitimate_interest"), "allow:legitimate_interest");
  EXPECT_EQ(Decide(later, "phone"), "allow:legitimate_interest");
  EXPECT_EQ(Decide(unlisted, "phone"), "deny:opt_out_register");

  // A restart rebuilds the same answers from the store.
  ASSERT_TRUE(server_->Restart());
  EXPECT_EQ(Decide(unlisted, "phone"), "deny:opt_out_register");
  EXPECT_EQ(Decide(swede2, "phone"), "allow:legitimate_interest");
  EXPECT_EQ(Decide(swede_at_home, "post"), "deny:opt_out_register");
  EXPECT_EQ(Decide(norwegian, "post"), "deny:opt_out_register_stale");
  EXPECT_EQ(Decide(finn, "phone"), "deny:opt_out_register_stale");

  RunResult verify = RunTillit({"audit", "verify", "--data", data()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(OptOutRegisterTest, ImportRefusesWhatItCannotUse) {
  RunResult unknown = Import("robinson", "r.txt", "+46701234567\n");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("--register robinson is not a register tillit knows"));

  RunResult missing = RunTillit({"suppress", "import", "--register", "asml", dir_ / "nope.txt", "--data", data()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("nope.txt: cannot read the file"));

  ASSERT_EQ(Import("asml", "asml.txt", "040 123 4567\n").exit_code, 0);
  const std::string finn = NewSubject({{"phone", "+358 40 123 4567"}});
  // The server learns of the import through the decision-change feed.
  EXPECT_EQ(Until(finn, "phone", "deny:opt_out_register"), "deny:opt_out_register");

  // Nothing usable: the previous copy is kept.
  RunResult empty = Import("asml", "bad.txt", "abc\ndef\n");
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_THAT(empty.err, HasSubstr("bad.txt:1: not a valid phone number for FI"));
  EXPECT_THAT(empty.err, HasSubstr("nothing was imported and the previous copy"));
  // A postal address for a phone-only register is reported, not silently dropped.
  RunResult wrong = Import("nix_telefon", "wrong.csv", "street,postal_code\nStorgatan 1,11455\n");
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_THAT(wrong.err, HasSubstr("wrong.csv:2: a postal address, but NIX-Telefon lists phone numbers only"));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(Decide(finn, "phone"), "deny:opt_out_register");

  RunResult usage = RunTillit({"suppress", "import", dir_ / "asml.txt", "--data", data()});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_THAT(usage.err, HasSubstr("--register"));
}

class ProhibitionTest : public MarketingRulesTestBase {
 protected:
  void SetUp() override { StartShop(/*with_registers=*/false); }
};

TEST_F(ProhibitionTest, CodesDenyTheirChannelsUntilLiftedWithHistory) {
  const std::string id = NewSubject({{"email", "p@example.fi"}, {"phone", "+358 40 765 4321"}});
  Consent(id, "existing_customer");
  EXPECT_EQ(Decide(id, "phone"), "allow:legitimate_interest");
  EXPECT_EQ(Decide(id, "email"), "allow:existing_customer");

  HttpResult phone = server_->Post("/v1/subjects/" + id + "/prohibitions", {{"code", "no_phone_marketing"}});
  ASSERT_EQ(phone.status, 201) << phone.body;
  const json p = json::parse(phone.body);
  EXPECT_EQ(p["code"], "no_phone_marketing");
  EXPECT_EQ(p["active"], true);
  EXPECT_EQ(Decide(id, "phone"), "deny:prohibition_code");
  EXPECT_EQ(Decide(id, "post"), "allow:legitimate_interest");
  EXPECT_EQ(Decide(id, "email"), "allow:existing_customer");

  // "All direct marketing" covers e-mail and SMS too, and a decision that names no channel; not market research.
  HttpResult all = server_->Post("/v1/subjects/" + id + "/prohibitions", {{"code", "no_direct_marketing"}});
  ASSERT_EQ(all.status, 201) << all.body;
  EXPECT_EQ(Decide(id, "email"), "deny:prohibition_code");
  EXPECT_EQ(Decide(id, ""), "deny:prohibition_code");
  EXPECT_EQ(Decide(id, "", "market_research"), "allow:legitimate_interest");
  HttpResult research = server_->Post("/v1/subjects/" + id + "/prohibitions", {{"code", "no_market_research"}});
  ASSERT_EQ(research.status, 201) << research.body;
  EXPECT_EQ(Decide(id, "", "market_research"), "deny:prohibition_code");

  // Lifting one leaves the others in force.
  const std::string all_id = json::parse(all.body)["id"];
  HttpResult lift = server_->Delete("/v1/subjects/" + id + "/prohibitions/" + all_id);
  ASSERT_EQ(lift.status, 200) << lift.body;
  EXPECT_EQ(json::parse(lift.body)["active"], false);
  EXPECT_EQ(Decide(id, "email"), "allow:existing_customer");
  EXPECT_EQ(Decide(id, "phone"), "deny:prohibition_code");
  HttpResult twice = server_->Delete("/v1/subjects/" + id + "/prohibitions/" + all_id);
  EXPECT_EQ(twice.status, 422) << twice.body;
  EXPECT_EQ(json::parse(twice.body)["error"]["code"], "prohibition_lifted") << twice.body;

  // The history keeps the lifted one.
  HttpResult list = server_->Get("/v1/subjects/" + id + "/prohibitions", {.purpose = "customer_service"});
  ASSERT_EQ(list.status, 200) << list.body;
  const json history = json::parse(list.body)["prohibitions"];
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[1]["code"], "no_direct_marketing");
  EXPECT_EQ(history[1]["active"], false);
  EXPECT_TRUE(history[1].contains("lifted_at"));
  EXPECT_EQ(history[0]["active"], true);

  // A restart agrees.
  ASSERT_TRUE(server_->Restart());
  EXPECT_EQ(Decide(id, "phone"), "deny:prohibition_code");
  EXPECT_EQ(Decide(id, "email"), "allow:existing_customer");

  RunResult verify = RunTillit({"audit", "verify", "--data", data()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(ProhibitionTest, BadInputIsRefusedWithItsReason) {
  const std::string id = NewSubject({{"email", "q@example.fi"}});
  struct Case {
    json body;
    long status;
    const char* code;
  };
  const Case cases[] = {
      {{{"code", "no_spam"}}, 400, "unknown_prohibition_code"},
      {{{"code", "no_phone_marketing"}, {"channel", "email"}}, 400, "channel_not_covered"},
      {{{"code", "no_direct_marketing"}, {"channel", "fax"}}, 400, "unknown_channel"},
      {{{"code", "no_direct_marketing"}, {"purpose", "nope"}}, 400, "unknown_purpose"},
      {{{"code", 7}}, 400, "invalid_type"},
      {{{"code", "no_direct_marketing"}, {"why", "x"}}, 400, "unknown_key"},
  };
  for (const Case& c : cases) {
    HttpResult r = server_->Post("/v1/subjects/" + id + "/prohibitions", c.body);
    EXPECT_EQ(r.status, c.status) << c.body.dump() << " " << r.body;
    EXPECT_EQ(json::parse(r.body, nullptr, false)["error"]["code"], c.code) << r.body;
  }
  HttpResult nobody = server_->Post("/v1/subjects/sub_nobody/prohibitions", {{"code", "no_direct_marketing"}});
  EXPECT_EQ(nobody.status, 404) << nobody.body;
  HttpResult no_such = server_->Delete("/v1/subjects/" + id + "/prohibitions/pro_nothing");
  EXPECT_EQ(no_such.status, 404) << no_such.body;
  EXPECT_EQ(json::parse(no_such.body, nullptr, false)["error"]["code"], "prohibition_not_found");
}

// Two servers on one PostgreSQL database agree on a prohibition through the decision-change feed.
TEST_F(ProhibitionTest, TwoServersAgree) {
  if (!UsingPostgres()) GTEST_SKIP() << "needs the PostgreSQL pass of the suite";
  TestServer other(data(), {.config = config(), .init = false});
  ASSERT_TRUE(other.started());
  const std::string id = NewSubject({{"phone", "+358 40 111 2222"}});
  auto rule_at = [&](TestServer& s) {
    HttpResult r =
        s.Get("/v1/decide?subject=" + id + "&purpose=direct_marketing&channel=phone", {.key = server_->key()});
    return json::parse(r.body, nullptr, false).value("rule", "?");
  };
  ASSERT_EQ(server_->Post("/v1/subjects/" + id + "/prohibitions", {{"code", "no_phone_marketing"}}).status, 201);
  const auto start = std::chrono::steady_clock::now();
  while (rule_at(other) != "prohibition_code" && std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(rule_at(other), "prohibition_code");
  EXPECT_EQ(rule_at(*server_), "prohibition_code");
}

// The existing-customer exception for e-mail and SMS follows the subject's own country: its address's, else its
// phone number's, else the controller's (Finland). Outside the EEA tillit knows no exception and asks for consent.
class CountryRulesTest : public MarketingRulesTestBase {
 protected:
  void SetUp() override { StartShop(/*with_registers=*/false); }
};

TEST_F(CountryRulesTest, ExistingCustomerExceptionByTheSubjectsCountry) {
  struct Case {
    const char* what;
    json identifiers;
    json fields;
    const char* email;  // the decision for e-mail marketing as an existing customer
  };
  const json us_address = {{"street", "1600 Pennsylvania Ave NW"}, {"postal_code", "20500"}, {"country", "US"}};
  const json no_address = {{"street", "Storgata 1"}, {"postal_code", "0155"}, {"country", "NO"}};
  const Case cases[] = {
      {"Swedish phone, Finnish shop", {{"phone", "+46 70 123 45 67"}}, json::object(), "allow:existing_customer"},
      {"Finnish national number", {{"phone", "040 123 4567"}}, json::object(), "allow:existing_customer"},
      {"no phone, no address: the controller's country",
       {{"email", "x@example.fi"}},
       json::object(),
       "allow:existing_customer"},
      {"US phone", {{"phone", "+1 202 555 0123"}}, json::object(), "deny:not_existing_customer"},
      {"US address", {{"email", "y@example.fi"}}, {{"contact.address", us_address}}, "deny:not_existing_customer"},
      {"the address wins over the phone",
       {{"phone", "+1 202 555 0199"}},
       {{"contact.address", no_address}},
       "allow:existing_customer"},
      {"an address without a country does not decide",
       {{"phone", "+1 202 555 0188"}},
       {{"contact.address", {{"street", "Kauppakatu 1"}, {"postal_code", "00100"}}}},
       "deny:not_existing_customer"},
  };
  for (const Case& c : cases) {
    const std::string id = NewSubject(c.identifiers, c.fields);
    Consent(id, "existing_customer");
    EXPECT_EQ(Decide(id, "email"), c.email) << c.what;
    EXPECT_EQ(Decide(id, "sms"), c.email) << c.what;
  }
  // A US subject who moves to Sweden: the index follows the address.
  const std::string mover = NewSubject({{"phone", "+1 202 555 0177"}});
  Consent(mover, "existing_customer");
  EXPECT_EQ(Decide(mover, "email"), "deny:not_existing_customer");
  HttpResult moved = server_->Patch(
      "/v1/subjects/" + mover,
      {{"fields", {{"contact.address", {{"street", "Storgatan 1"}, {"postal_code", "11455"}, {"country", "SE"}}}}}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(Decide(mover, "email"), "allow:existing_customer");
  // A restart reads the countries back from their blind indexes.
  ASSERT_TRUE(server_->Restart());
  EXPECT_EQ(Decide(mover, "email"), "allow:existing_customer");
  const std::string us = NewSubject({{"phone", "+1 202 555 0166"}});
  Consent(us, "existing_customer");
  EXPECT_EQ(Decide(us, "email"), "deny:not_existing_customer");
}

}  // namespace
}  // namespace tillit::testing
