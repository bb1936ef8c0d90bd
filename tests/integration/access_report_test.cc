// The access report (GDPR Art. 15) and the portability archive (Art. 20) through the HTTP API. A subject with
// identifiers, profile fields (one derived, one in a non-portable category), an order, a payment and a device
// record, a consent, an objection, a field change and an audited read: the report's JSON holds every section with
// the concrete values; its HTML in Swedish and Finnish shows them escaped; the ZIP holds JSON, CSV and a README and
// leaves out inferred data and data processed only on legitimate interest; a report expires (410) when the test
// clock passes its expiry; bad input gets 4xx answers.
// Configuration: Minimagi, with a payment processor, a `derived` source and derived interests added.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zip.h>

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "core/install/data_dir.h"
#include "store/store.h"
#include "support/server.h"
#include "util/clock.h"
#include "util/random.h"

namespace tillit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

// Minimagi publishes in English only, and a report is written only in a language the shop offers. The reports here
// are read in Swedish and Finnish too, so this configuration offers them, with the shop's English texts standing in.
std::string OfferSwedishAndFinnish(const std::string& text) {
  std::string out;
  std::stringstream lines(text);
  std::string line, policy;
  bool in_policy = false;
  while (std::getline(lines, line)) {
    if (line == "languages = [\"en\"]") line = "languages = [\"en\", \"sv\", \"fi\"]";
    out += line + "\n";
    if (!line.empty() && line[0] == '[') in_policy = line == "[policy.en]";
    if (in_policy && line != "[policy.en]") policy += line + "\n";
    std::smatch m;
    if (std::regex_match(line, m, std::regex(R"(^([\w.]+)\.en = (.*)$)"))) {
      for (const char* lang : {"sv", "fi"}) out += std::string(m[1]) + "." + lang + " = " + std::string(m[2]) + "\n";
    }
  }
  for (const char* lang : {"sv", "fi"}) out += "\n[policy." + std::string(lang) + "]\n" + policy;
  return out;
}

std::string TestConfig() {
  std::string text = ReadFile(ExampleConfig("minimagi"));
  auto insert_after = [&text](const std::string& anchor, const std::string& what) {
    const size_t at = text.find(anchor);
    EXPECT_NE(at, std::string::npos) << anchor;
    if (at != std::string::npos) text.insert(at + anchor.size(), what);
  };
  insert_after("  \"device.technical\",\n", "  \"profiling.interests\",\n");
  // Derived interests belong to profiling (a consent purpose), but the category is not portable.
  insert_after("id = \"profiling\"\nlegal_basis = \"consent\"\ncategories = [\n", "  \"profiling.interests\",\n");
  text += R"(
[[source]]
id = "derived"
name = "Derived by us"
categories = ["profiling.interests", "account.preferences"]
description.en = "Interests and settings we derive from your purchases."

[[recipient]]
id = "klarna"
name = "Klarna Bank AB"
role = "processor"
country = "SE"
categories = ["payment.transaction", "payment.method"]
purposes = ["contract"]
service = "payment"
description.en = "Payment provider."
)";
  return OfferSwedishAndFinnish(text);
}

// The entries of a ZIP archive by name; empty when it does not open.
std::map<std::string, std::string> Unzip(const std::string& bytes) {
  std::map<std::string, std::string> out;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) return out;
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (archive == nullptr) {
    zip_source_free(source);
    zip_error_fini(&error);
    return out;
  }
  const zip_int64_t n = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t stat;
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &stat) != 0) continue;
    zip_file_t* file = zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0);
    if (file == nullptr) continue;
    std::string content(stat.size, '\0');
    const zip_int64_t read = zip_fread(file, content.data(), stat.size);
    zip_fclose(file);
    if (read == static_cast<zip_int64_t>(stat.size)) out[stat.name] = std::move(content);
  }
  zip_close(archive);
  zip_error_fini(&error);
  return out;
}

class AccessReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(config(), TestConfig());
    clock_ = std::make_unique<TestClock>(dir_, "2031-03-01T09:00:00Z");
    server_ = std::make_unique<TestServer>(data(), ServeOptions{.config = config()});
    server_->CreateKey("staff", "customer_service,profiling,rights_fulfilment");
  }

  std::string config() const { return dir_ / "tillit.toml"; }
  std::string data() const { return dir_ / "data"; }

  // The subject of every test: what Art. 15 and Art. 20 must show.
  std::string NewSubject() {
    const std::string id = server_->CreateSubject(
        {{"identifiers",
          {{"email", "asa.oberg@example.no"}, {"phone", "+47 912 34 567"}, {"customer_number", "K-1001"}}},
         {"fields",
          {{"identity.name", "Åsa <b>Öberg</b> & Co"},
           {"contact.address", "Storgata 1, 0155 Oslo"},
           {"account.preferences", "prefers-express"},
           {"profiling.interests", "cats & dogs lover"}}},
         {"sources", {{"account.preferences", "derived"}, {"profiling.interests", "derived"}}}});
    auto record = [&](const json& body) {
      HttpResult rec = server_->Post("/v1/subjects/" + id + "/records", body);
      EXPECT_EQ(rec.status, 201) << rec.body;
    };
    record({{"kind", "order"},
            {"categories", {"customer.order"}},
            {"occurred_at", "2031-02-01T10:00:00Z"},
            {"reference", "ORD-1"},
            {"payload", {{"total", "499.00"}, {"note", "gift, \"wrapped\""}}}});
    record({{"kind", "payment"},
            {"categories", {"payment.transaction", "payment.method"}},
            {"occurred_at", "2031-02-01T10:01:00Z"},
            {"payload", {{"amount", "499.00"}, {"method", "card"}, {"last4", "4242"}}}});
    record({{"kind", "device"},
            {"categories", {"device.technical"}},
            {"occurred_at", "2031-02-01T10:02:00Z"},
            {"payload", {{"browser", "Firefox-Nightly-7"}}}});
    EXPECT_EQ(server_->Post("/v1/subjects/" + id + "/consents", {{"purpose", "profiling"}, {"action", "given"}}).status,
              201);
    EXPECT_EQ(server_->Post("/v1/subjects/" + id + "/objections", {{"purpose", "analytics"}}).status, 201);
    HttpResult patch = server_->Patch("/v1/subjects/" + id, {{"fields", {{"identity.name", "Åsa Öberg-Lind"}}}});
    EXPECT_EQ(patch.status, 200) << patch.body;
    HttpResult read = server_->Get("/v1/subjects/" + id, {.purpose = "customer_service"});
    EXPECT_EQ(read.status, 200) << read.body;
    return id;
  }

  json CreateReport(const std::string& id, const std::string& language, long expect = 201) {
    HttpResult r = server_->Post("/v1/subjects/" + id + "/access-report", {{"language", language}});
    EXPECT_EQ(r.status, expect) << r.body;
    return json::parse(r.body, nullptr, false);
  }

  // Finds the element of `items` whose `key` is `value`; null when none.
  static json FindBy(const json& items, const std::string& key, const std::string& value) {
    for (const auto& item : items) {
      if (item.value(key, "") == value) return item;
    }
    return nullptr;
  }

  TempDir dir_;
  std::unique_ptr<TestClock> clock_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(AccessReportTest, TheJsonHoldsEverySectionWithTheValues) {
  const std::string id = NewSubject();
  const json created = CreateReport(id, "sv");
  ASSERT_TRUE(created.contains("token")) << created.dump();
  EXPECT_EQ(created["expires_at"], "2031-03-31T09:00:00Z");  // 30 days by default
  EXPECT_THAT(created.value("json_url", ""), HasSubstr("/v1/reports/" + created.value("token", "")));
  EXPECT_THAT(created.value("html_url", ""), HasSubstr("format=html"));

  HttpResult r = Http("GET", server_->url("/v1/reports/" + created.value("token", "") + "?format=json"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["cache-control"], "no-store");
  const json report = json::parse(r.body, nullptr, false);
  ASSERT_FALSE(report.is_discarded());
  EXPECT_EQ(report["schema"], "tillit.access_report/1");
  EXPECT_EQ(report["language"], "sv");
  EXPECT_EQ(report["subject"]["id"], id);
  EXPECT_EQ(report["report_id"], created["report_id"]);

  // The data, every category.
  EXPECT_EQ(FindBy(report["identifiers"], "name", "email")["value"], "asa.oberg@example.no");
  EXPECT_EQ(FindBy(report["identifiers"], "name", "phone")["value"], "+4791234567");
  EXPECT_EQ(FindBy(report["identifiers"], "name", "customer_number")["value"], "K-1001");
  const json name = FindBy(report["profile"], "category", "identity.name");
  EXPECT_EQ(name["value"], "Åsa Öberg-Lind");
  EXPECT_EQ(name["source"], "subject");
  EXPECT_EQ(FindBy(report["profile"], "category", "profiling.interests")["source"], "derived");
  const json payment = FindBy(report["records"], "kind", "payment");
  EXPECT_EQ(payment["payload"]["last4"], "4242");
  EXPECT_EQ(FindBy(report["records"], "kind", "order")["reference"], "ORD-1");
  EXPECT_FALSE(FindBy(report["records"], "kind", "device").is_null());

  // Purposes and legal bases, recipients, retention, sources.
  EXPECT_EQ(FindBy(report["purposes"], "id", "contract")["legal_basis"], "contract");
  EXPECT_EQ(FindBy(report["purposes"], "id", "profiling")["legal_basis"], "consent");
  EXPECT_EQ(FindBy(report["purposes"], "id", "security")["legal_basis"], "legitimate_interest");
  const json klarna = FindBy(report["recipients"], "id", "klarna");
  EXPECT_EQ(klarna["country"], "SE");
  EXPECT_THAT(klarna["categories"].dump(), HasSubstr("payment.method"));
  EXPECT_TRUE(report["recipients_disclosed_to"].is_array());
  const json payment_retention = FindBy(report["retention"], "record_kind", "payment");
  EXPECT_EQ(payment_retention["duration"], "5 years");
  EXPECT_EQ(payment_retention["anchor"], "fiscal_year_end");
  EXPECT_EQ(FindBy(report["retention"], "category", "identity.name")["anchor"], "last_activity");
  const json payment_category = FindBy(report["categories"], "id", "payment.method");
  EXPECT_THAT(payment_category["retention"].dump(), HasSubstr("fiscal_year_end"));
  EXPECT_THAT(payment_category["recipients"].dump(), HasSubstr("klarna"));
  EXPECT_FALSE(FindBy(report["sources"], "id", "derived").is_null());
  EXPECT_EQ(FindBy(report["sources"], "id", "derived")["name"], "Derived by us");

  // Histories: consent, objection, change, and the audited read.
  const json consent = FindBy(report["consents"], "purpose", "profiling");
  EXPECT_EQ(consent["action"], "given");
  EXPECT_EQ(consent["at"], "2031-03-01T09:00:00Z");
  EXPECT_EQ(FindBy(report["objections"], "purpose", "analytics")["status"], "active");
  bool changed = false;
  for (const auto& c : report["changes"]) {
    if (c["category"] == "identity.name" && c["action"] == "changed") {
      changed = true;
      EXPECT_EQ(c["previous"], "Åsa <b>Öberg</b> & Co");
    }
  }
  EXPECT_TRUE(changed) << report["changes"].dump();
  bool consulted = false;
  for (const auto& a : report["access_log"]) {
    if (a["action"] == "subject.read" && a["purpose"] == "customer_service") {
      consulted = true;
      EXPECT_EQ(a["by"]["kind"], "api_key");
      EXPECT_EQ(a["by"]["name"], "staff");
      EXPECT_EQ(a["at"], "2031-03-01T09:00:00Z");
    }
  }
  EXPECT_TRUE(consulted) << report["access_log"].dump();

  // Rights and the supervisory authority of the controller's country (Norway).
  EXPECT_THAT(report["rights"]["rights"].dump(), HasSubstr("portability"));
  EXPECT_EQ(report["rights"]["email"], "info@pivoto.no");
  EXPECT_THAT(report["supervisory_authority"]["name"].get<std::string>(), HasSubstr("Datatilsynet"));

  // Reading the report is itself an audited access for rights_fulfilment.
  HttpResult audit = server_->Get("/v1/subjects/" + id + "/audit", {.purpose = "rights_fulfilment"});
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_THAT(audit.body, HasSubstr("report.create"));
  EXPECT_THAT(audit.body, HasSubstr("report.read"));
}

TEST_F(AccessReportTest, TheHtmlIsInTheSubjectsLanguageWithEverythingEscaped) {
  const std::string id = NewSubject();
  for (const std::string lang : {"sv", "fi"}) {
    const json created = CreateReport(id, lang);
    HttpResult r = Http("GET", server_->url("/v1/reports/" + created.value("token", "") + "?format=html"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_THAT(r.headers["content-type"], HasSubstr("text/html"));
    EXPECT_EQ(r.headers["content-language"], lang);
    EXPECT_THAT(r.headers["content-security-policy"], HasSubstr("default-src 'none'"));
    const std::string& html = r.body;
    EXPECT_THAT(html, HasSubstr("<html lang=\"" + lang + "\""));
    EXPECT_THAT(html, HasSubstr(lang == "sv" ? "Dina personuppgifter hos Minimagi" : "Henkilötietosi – Minimagi"));
    EXPECT_THAT(html, HasSubstr(lang == "sv" ? "Kundhistorik" : "Asiakashistoria"));
    EXPECT_THAT(html, HasSubstr("asa.oberg@example.no"));
    EXPECT_THAT(html, HasSubstr("Åsa Öberg-Lind"));
    EXPECT_THAT(html, HasSubstr("4242"));
    EXPECT_THAT(html, HasSubstr("Klarna Bank AB"));
    EXPECT_THAT(html, HasSubstr("Datatilsynet"));
    // The previous name holds markup: it is shown, escaped, never as markup.
    EXPECT_THAT(html, HasSubstr("Åsa &lt;b&gt;Öberg&lt;/b&gt; &amp; Co"));
    EXPECT_THAT(html, Not(HasSubstr("<b>Öberg</b>")));
    // Self-contained: no scripts, no fetched resources.
    EXPECT_THAT(html, Not(HasSubstr("<script")));
    EXPECT_THAT(html, Not(HasSubstr("<link")));
    EXPECT_THAT(html, Not(HasSubstr("<img")));
  }
}

TEST_F(AccessReportTest, ThePortabilityArchiveHoldsProvidedAndObservedDataOnly) {
  const std::string id = NewSubject();
  HttpResult r = server_->Get("/v1/subjects/" + id + "/portability?language=sv");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "application/zip");
  EXPECT_THAT(r.headers["content-disposition"], HasSubstr("attachment"));
  const auto files = Unzip(r.body);
  ASSERT_FALSE(files.empty()) << "the archive does not open";
  for (const std::string name :
       {"README.txt", "identifiers.json", "identifiers.csv", "profile.json", "profile.csv", "records-order.json",
        "records-order.csv", "records-payment.json", "records-payment.csv", "consents.json", "consents.csv"}) {
    EXPECT_TRUE(files.contains(name)) << name;
  }
  EXPECT_THAT(files.at("README.txt"), HasSubstr("Dina personuppgifter från Minimagi"));
  EXPECT_THAT(files.at("README.txt"), HasSubstr("records-payment.csv"));

  // Provided and observed data, as JSON and as CSV.
  EXPECT_THAT(files.at("identifiers.csv"), HasSubstr("\"asa.oberg@example.no\""));
  EXPECT_THAT(files.at("profile.csv"), HasSubstr("\"Åsa Öberg-Lind\""));
  EXPECT_EQ(json::parse(files.at("records-payment.json"))[0]["payload"]["last4"], "4242");
  EXPECT_THAT(files.at("records-payment.csv"), HasSubstr("payload.last4"));
  // RFC 4180: a field with a comma or quotes is quoted, its quotes doubled; lines end in CRLF.
  EXPECT_THAT(files.at("records-order.csv"), HasSubstr("\"gift, \"\"wrapped\"\"\""));
  EXPECT_THAT(files.at("records-order.csv"), HasSubstr("\r\n"));
  // The profiling consent given; the order also made the subject an existing customer for marketing.
  const json consents = json::parse(files.at("consents.json"));
  EXPECT_TRUE(std::any_of(consents.begin(), consents.end(), [](const json& e) {
    return e["purpose"] == "profiling" && e["action"] == "given";
  })) << consents.dump();

  // Not inferred data (derived source, non-portable category), not data processed only on legitimate interest.
  std::string all;
  for (const auto& [name, content] : files) all += content;
  EXPECT_THAT(all, Not(HasSubstr("cats & dogs lover")));
  EXPECT_THAT(all, Not(HasSubstr("prefers-express")));
  EXPECT_THAT(all, Not(HasSubstr("Firefox-Nightly-7")));
  EXPECT_FALSE(files.contains("records-device.csv"));

  HttpResult unknown = server_->Get("/v1/subjects/sub_nobody/portability");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  HttpResult bad = server_->Get("/v1/subjects/" + id + "/portability?language=de");
  EXPECT_EQ(bad.status, 400) << bad.body;
}

TEST_F(AccessReportTest, AReportExpiresAfterItsValidity) {
  const std::string id = NewSubject();
  const json created = CreateReport(id, "en");
  const std::string url = server_->url("/v1/reports/" + created.value("token", ""));
  EXPECT_EQ(Http("GET", url).status, 200);
  clock_->Set("2031-03-31T08:59:59Z");
  EXPECT_EQ(Http("GET", url + "?format=html").status, 200);
  clock_->Set("2031-03-31T09:00:00Z");
  HttpResult gone = Http("GET", url);
  EXPECT_EQ(gone.status, 410) << gone.body;
  EXPECT_EQ(json::parse(gone.body, nullptr, false)["error"]["code"], "report_expired");
}

TEST_F(AccessReportTest, BadRequestsGetClearErrors) {
  const std::string id = NewSubject();
  HttpResult unknown = server_->Post("/v1/subjects/sub_nobody/access-report", {{"language", "sv"}});
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(json::parse(unknown.body, nullptr, false)["error"]["code"], "subject_not_found");

  HttpResult language = server_->Post("/v1/subjects/" + id + "/access-report", {{"language", "de"}});
  EXPECT_EQ(language.status, 400) << language.body;
  EXPECT_EQ(json::parse(language.body, nullptr, false)["error"]["code"], "language_not_offered");
  // Norwegian is a language tillit writes, but not one this shop offers: no report mixing languages.
  HttpResult unoffered = server_->Post("/v1/subjects/" + id + "/access-report", {{"language", "nb"}});
  EXPECT_EQ(unoffered.status, 400) << unoffered.body;
  EXPECT_EQ(json::parse(unoffered.body, nullptr, false)["error"]["code"], "language_not_offered");
  EXPECT_THAT(unoffered.body, HasSubstr("en, sv, fi"));
  HttpResult archive = server_->Get("/v1/subjects/" + id + "/portability?language=nb");
  EXPECT_EQ(archive.status, 400) << archive.body;
  EXPECT_EQ(server_->Post("/v1/subjects/" + id + "/access-report", {{"lang", "sv"}}).status, 400);
  EXPECT_EQ(server_->Post("/v1/subjects/" + id + "/access-report", {{"language", 7}}).status, 400);
  EXPECT_EQ(server_->Send("POST", "/v1/subjects/" + id + "/access-report", "{not json").status, 400);

  // An empty body asks for the controller's default language.
  const json fallback = CreateReport(id, "en");
  HttpResult empty = server_->Send("POST", "/v1/subjects/" + id + "/access-report");
  EXPECT_EQ(empty.status, 201) << empty.body;

  // A key without the action reports.create (the shop preset) may not create reports; no key at all is 401.
  const std::string shop = server_->CreateKey("shop", "customer_service,rights_fulfilment", {"--preset", "shop"});
  HttpResult denied = server_->Send("POST", "/v1/subjects/" + id + "/access-report", "{}", {.key = shop});
  EXPECT_EQ(denied.status, 403) << denied.body;
  EXPECT_EQ(json::parse(denied.body)["error"]["code"], "action_not_allowed") << denied.body;
  EXPECT_EQ(json::parse(denied.body)["error"]["details"]["action"], "reports.create") << denied.body;
  EXPECT_EQ(Http("POST", server_->url("/v1/subjects/" + id + "/access-report"), "{}").status, 401);

  // Unknown tokens and formats.
  EXPECT_EQ(Http("GET", server_->url("/v1/reports/rpt_0000")).status, 404);
  HttpResult format = Http("GET", server_->url("/v1/reports/" + fallback.value("token", "") + "?format=pdf"));
  EXPECT_EQ(format.status, 400) << format.body;
}

TEST_F(AccessReportTest, TheCommandLineWritesTheSameAnswers) {
  const std::string id = NewSubject();
  ASSERT_EQ(server_->Stop(), 0);
  const std::string out = dir_ / "report.json";
  RunResult json_run = RunTillit(
      {"access-report", "--config", config(), "--data", data(), "--subject", id, "--language", "sv", "--out", out});
  ASSERT_EQ(json_run.exit_code, 0) << json_run.err;
  const json report = json::parse(ReadFile(out), nullptr, false);
  EXPECT_EQ(report["language"], "sv");
  EXPECT_EQ(FindBy(report["identifiers"], "name", "email")["value"], "asa.oberg@example.no");

  const std::string html = dir_ / "report.html";
  RunResult html_run = RunTillit({"access-report", "--config", config(), "--data", data(), "--subject", id, "--format",
                                  "html", "--language", "sv", "--out", html});
  ASSERT_EQ(html_run.exit_code, 0) << html_run.err;
  EXPECT_THAT(ReadFile(html), HasSubstr("Dina personuppgifter hos Minimagi"));
  // A language the shop does not offer is a bad argument, on the command line as over HTTP.
  RunResult norwegian = RunTillit({"access-report", "--config", config(), "--data", data(), "--subject", id,
                                   "--language", "nb", "--out", html});
  EXPECT_EQ(norwegian.exit_code, 2) << norwegian.err;
  EXPECT_THAT(norwegian.err, HasSubstr("not one this shop offers"));

  const std::string zip = dir_ / "export.zip";
  RunResult zip_run = RunTillit(
      {"access-report", "--config", config(), "--data", data(), "--subject", id, "--format", "zip", "--out", zip});
  ASSERT_EQ(zip_run.exit_code, 0) << zip_run.err;
  const auto files = Unzip(ReadFile(zip));
  EXPECT_TRUE(files.contains("records-payment.csv"));
  EXPECT_FALSE(files.contains("records-device.csv"));

  RunResult unknown = RunTillit({"access-report", "--config", config(), "--data", data(), "--subject", "sub_nobody"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("no subject"));
  RunResult format =
      RunTillit({"access-report", "--config", config(), "--data", data(), "--subject", id, "--format", "pdf"});
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_THAT(format.err, HasSubstr("--format must be json, html or zip"));
}

// The store's report operations on the suite's backend: found by token hash, one subject's reports deleted for
// erasure (and no other subject's), expired ones swept by expiry.
TEST(StoredReportsTest, FindDeleteForErasureAndSweep) {
  TempDir dir;
  const std::string data = dir / "data";
  SeededRandom random(11);
  ASSERT_TRUE(core::InitDataDir(data, random, StoreUrlFor(data)).ok());
  auto opened = core::Open(data, Clock::System(), Random::Secure(), StoreUrlFor(data));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  store::Store& store = *opened->store;
  auto report = [](std::string subject, std::string id, uint8_t token, int64_t expires_at) {
    return store::ReportRow{std::move(subject), std::move(id), std::vector<uint8_t>(32, token), "sv", {1, 2, 3}, 10,
                            expires_at};
  };
  ASSERT_TRUE(store
                  .WriteAndWait([&](store::WriteTxn& txn) -> Status {
                    TILLIT_RETURN_IF_ERROR(txn.InsertReport(report("sub_a", "rpt_1", 1, 100)));
                    TILLIT_RETURN_IF_ERROR(txn.InsertReport(report("sub_a", "rpt_2", 2, 200)));
                    return txn.InsertReport(report("sub_b", "rpt_3", 3, 100));
                  })
                  .ok());
  // The same token hash twice is a conflict, and leaves the rest of the write alone.
  Status taken =
      store.WriteAndWait([&](store::WriteTxn& txn) { return txn.InsertReport(report("sub_c", "rpt_4", 1, 5)); });
  EXPECT_EQ(taken.code(), StatusCode::kConflict);

  auto found = store.FindReportByToken(std::vector<uint8_t>(32, 2));
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->report_id, "rpt_2");
  EXPECT_EQ((*found)->sealed, (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_EQ((*found)->expires_at, 200);
  EXPECT_FALSE(store.FindReportByToken(std::vector<uint8_t>(32, 9))->has_value());

  int64_t erased = 0;
  ASSERT_TRUE(store
                  .WriteAndWait([&](store::WriteTxn& txn) -> Status {
                    TILLIT_ASSIGN_OR_RETURN(erased, txn.DeleteReportsOfSubject("sub_a"));
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(erased, 2);
  EXPECT_TRUE(store.ListReports("sub_a")->empty());
  EXPECT_EQ(store.ListReports("sub_b")->size(), 1u);

  int64_t swept = 0;
  ASSERT_TRUE(store
                  .WriteAndWait([&](store::WriteTxn& txn) -> Status {
                    TILLIT_ASSIGN_OR_RETURN(swept, txn.DeleteExpiredReports(99, 10));
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(swept, 0);
  ASSERT_TRUE(store
                  .WriteAndWait([&](store::WriteTxn& txn) -> Status {
                    TILLIT_ASSIGN_OR_RETURN(swept, txn.DeleteExpiredReports(100, 10));
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(swept, 1);
  EXPECT_TRUE(store.ListReports("sub_b")->empty());
  store.Close();
}

}  // namespace
}  // namespace tillit::testing
