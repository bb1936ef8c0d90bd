// A real `tillit serve` on a free loopback port, spoken to over HTTP.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/server.h"

namespace tillit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

// Configuration files go to the server as TOML.
const Caller kToml = {.type = "application/toml"};

class HttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>(data_dir_ / "data");
    server_->CreateKey("shop", "customer_service,marketing");
  }

  static json ErrorOf(const HttpResult& r) {
    json j = json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.body;
    EXPECT_TRUE(j.contains("error")) << r.body;
    return j.is_discarded() ? json() : j["error"];
  }

  TempDir data_dir_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(HttpTest, HealthzReportsThePolicyVersionAndSchema) {
  HttpResult r = Http("GET", server_->url("/healthz"));
  ASSERT_EQ(r.status, 200);
  json j = json::parse(r.body);
  EXPECT_EQ(j["status"], "ok");
  // 1: snapshots and keys; 2: the register; 3: consents; 4: visitors' cookie choices
  EXPECT_EQ(j["schema_version"], 13);  // 2: register; 3: consents; 4: visitors; 5: decision changes; 6: rule 6; 7:
                                       // disclosures; 10: reports; 11: outbox age; 12: key actions; 13: sealed texts
  RunResult check = RunTillit({"check", ExampleConfig("minime")});
  EXPECT_THAT(check.out, HasSubstr(j["policy_version"].get<std::string>()));
  EXPECT_FALSE(r.headers["x-request-id"].empty());
}

TEST_F(HttpTest, ConfigIsThePublicViewOfTheController) {
  HttpResult r = Http("GET", server_->url("/v1/config"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "application/json");
  json j = json::parse(r.body);
  EXPECT_EQ(j["controller"]["name"], "Nisuva Oy");
  EXPECT_EQ(j["controller"]["country"], "FI");
  EXPECT_EQ(j["controller"]["supervisory_authority"]["name"], "Tietosuojavaltuutetun toimisto");
  EXPECT_EQ(j["languages"][0], "fi");
  std::vector<std::string> purposes;
  for (const auto& p : j["purposes"]) purposes.push_back(p["id"]);
  EXPECT_THAT(purposes,
              ::testing::IsSupersetOf({"contract", "marketing", "accounting", "rights_fulfilment", "legal_claims"}));
  std::vector<std::string> recipients;
  for (const auto& p : j["recipients"]) recipients.push_back(p["name"]);
  EXPECT_THAT(json(recipients).dump(), HasSubstr("Klarna"));
  EXPECT_THAT(json(recipients).dump(), HasSubstr("Posti"));
  EXPECT_TRUE(j.contains("cookies"));
  EXPECT_EQ(j["policy_version"], json::parse(Http("GET", server_->url("/healthz")).body)["policy_version"]);
}

TEST_F(HttpTest, ApiKeyRequired) {
  HttpResult r = Http("GET", server_->url("/v1/auth/check"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(ErrorOf(r)["code"], "api_key_required");
  EXPECT_EQ(r.headers["www-authenticate"], "Bearer");

  HttpResult wrong =
      Http("GET", server_->url("/v1/auth/check"), "", {"Authorization: Bearer tillit_" + std::string(64, '0')});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(ErrorOf(wrong)["code"], "invalid_api_key");

  HttpResult garbage = Http("GET", server_->url("/v1/auth/check"), "", {"Authorization: Basic abc"});
  EXPECT_EQ(garbage.status, 401);
}

TEST_F(HttpTest, KeyIsLimitedToItsPurposes) {
  HttpResult ok = server_->Get("/v1/auth/check", {.purpose = "marketing"});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json::parse(ok.body)["key"], "shop");

  HttpResult denied = server_->Get("/v1/auth/check", {.purpose = "accounting"});
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(ErrorOf(denied)["code"], "purpose_not_allowed");

  HttpResult unknown = server_->Get("/v1/auth/check", {.purpose = "espionage"});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(ErrorOf(unknown)["code"], "unknown_purpose");
  EXPECT_NE(ErrorOf(unknown)["message"].get<std::string>().find("purposes: "), std::string::npos) << unknown.body;
  // A typo is answered with the nearest purpose, wherever a purpose is named.
  HttpResult typo = server_->Get("/v1/decide?subject=sub_x&purpose=marketng");
  EXPECT_EQ(typo.status, 400) << typo.body;
  EXPECT_NE(ErrorOf(typo)["message"].get<std::string>().find("did you mean 'marketing'?"), std::string::npos)
      << typo.body;
}

// A key revoked by `tillit key revoke` beside the running server is refused within the server's key cache time
// (core::kKeyCacheTtl, one second), and from then on.
TEST_F(HttpTest, RevokedKeyStopsWorkingWithinASecond) {
  ASSERT_EQ(server_->Get("/v1/auth/check").status, 200);
  ASSERT_EQ(RunTillit({"key", "revoke", "shop", "--data", data_dir_ / "data"}).exit_code, 0);
  const auto revoked = std::chrono::steady_clock::now();
  HttpResult r;
  while (true) {
    r = server_->Get("/v1/auth/check", {.type = "application/toml"});
    if (r.status != 200 || std::chrono::steady_clock::now() - revoked > std::chrono::seconds(3)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(ErrorOf(r)["code"], "api_key_revoked");
  EXPECT_EQ(server_->Get("/v1/auth/check").status, 401);
}

TEST_F(HttpTest, UnknownRouteIsJson404) {
  HttpResult r = Http("GET", server_->url("/v1/nothing-here"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(ErrorOf(r)["code"], "route_not_found");
}

TEST_F(HttpTest, ConfigCheckReturnsDiagnostics) {
  HttpResult good = server_->Send("POST", "/v1/config/check", ReadFile(ExampleConfig("smarti")), kToml);
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_TRUE(json::parse(good.body)["ok"].get<bool>());

  HttpResult bad = server_->Send("POST", "/v1/config/check", "[controller]\nname = 5\n", kToml);
  ASSERT_EQ(bad.status, 200);
  json j = json::parse(bad.body);
  EXPECT_FALSE(j["ok"].get<bool>());
  bool found = false;
  for (const auto& d : j["diagnostics"]) {
    if (d["key"] == "controller.name") {
      found = true;
      EXPECT_EQ(d["line"], 2);
      EXPECT_EQ(d["severity"], "error");
      EXPECT_THAT(d["message"].get<std::string>(), HasSubstr("expected a string"));
    }
  }
  EXPECT_TRUE(found) << bad.body;

  EXPECT_EQ(Http("POST", server_->url("/v1/config/check"), "x = 1", {"Content-Type: application/toml"}).status, 401);
}

TEST_F(HttpTest, OversizedBodyIs413) {
  const std::string big(1024 * 1024 + 1, 'a');
  HttpResult r = server_->Send("POST", "/v1/config/check", big, kToml);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(ErrorOf(r)["code"], "body_too_large");
}

TEST_F(HttpTest, InvalidUtf8Is400) {
  HttpResult body = server_->Send("POST", "/v1/config/check", "name = \"\xc3\x28\"", kToml);
  EXPECT_EQ(body.status, 400);
  EXPECT_EQ(ErrorOf(body)["code"], "invalid_utf8");
  // Percent-encoded bytes that are not UTF-8 fail decoding of the query string itself.
  HttpResult query = server_->Get("/v1/auth/check?q=%FF%FE", kToml);
  EXPECT_EQ(query.status, 400);
  EXPECT_EQ(ErrorOf(query)["code"], "invalid_query");
  HttpResult broken = server_->Get("/v1/auth/check?q=%G1", kToml);
  EXPECT_EQ(broken.status, 400);
}

TEST_F(HttpTest, MetricsArePrometheusTextWithTillitPrefix) {
  Http("GET", server_->url("/healthz"));
  Http("GET", server_->url("/v1/auth/check"));
  HttpResult r = Http("GET", server_->url("/metrics"));
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.headers["content-type"], HasSubstr("text/plain"));
  EXPECT_THAT(r.body, HasSubstr("tillit_http_requests_total{route=\"GET /healthz\",status=\"200\"} 1"));
  EXPECT_THAT(r.body, HasSubstr("tillit_http_requests_total{route=\"GET /v1/auth/check\",status=\"401\"} 1"));
  EXPECT_THAT(r.body, HasSubstr("tillit_http_request_duration_seconds_bucket{route=\"GET /healthz\",le=\"+Inf\"} 1"));
  for (size_t pos = 0; (pos = r.body.find('\n', pos)) != std::string::npos; ++pos) {
    const std::string rest = r.body.substr(pos + 1, 7);
    if (rest.empty() || rest[0] == '#') continue;
    EXPECT_EQ(rest, "tillit_") << "every metric name starts with tillit_";
  }
}

TEST_F(HttpTest, AccessLogIsJsonWithoutPersonalData) {
  server_->Get("/v1/auth/check?email=canary.person%40example.com", kToml);
  server_->Send("POST", "/v1/config/check", "name = \"Canary Person\"", kToml);
  ASSERT_EQ(server_->Stop(), 0);
  const std::string log = server_->err();
  EXPECT_THAT(log, HasSubstr("\"route\":\"GET /v1/auth/check\""));
  EXPECT_THAT(log, Not(HasSubstr("canary"))) << log;
  EXPECT_THAT(log, Not(HasSubstr("Canary"))) << log;
  EXPECT_THAT(log, Not(HasSubstr(server_->key())));
  size_t lines = 0;
  size_t start = 0;
  for (size_t end; (end = log.find('\n', start)) != std::string::npos; start = end + 1) {
    json line = json::parse(log.substr(start, end - start), nullptr, false);
    EXPECT_FALSE(line.is_discarded()) << log.substr(start, end - start);
    ++lines;
  }
  EXPECT_GE(lines, 3u);
}

TEST_F(HttpTest, SigtermShutsDownCleanly) {
  ASSERT_EQ(Http("GET", server_->url("/healthz")).status, 200);
  EXPECT_EQ(server_->Stop(), 0);
  EXPECT_THAT(server_->err(), HasSubstr("\"event\":\"stopped\""));
  // A clean close checkpoints the WAL into the database file.
  struct stat st {};
  const std::string wal = data_dir_ / "data/tillit.db-wal";
  EXPECT_TRUE(stat(wal.c_str(), &st) != 0 || st.st_size == 0);
}

}  // namespace
}  // namespace tillit::testing
