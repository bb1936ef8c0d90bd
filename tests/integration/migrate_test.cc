// `tillit migrate`: a shop's register on SQLite moved to PostgreSQL keeps every subject readable, every decision the
// same and the audit chain intact. Runs in the PostgreSQL pass of the suite (it needs a server to migrate to).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/server.h"

namespace tillit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

TEST(MigrateTest, SqliteToPostgresKeepsDataDecisionsAndTheAuditChain) {
  if (!UsingPostgres()) GTEST_SKIP() << "needs the PostgreSQL pass of the suite";
  TempDir dir;
  const std::string data = dir / "data";
  const std::string config = ExampleConfig("minimagi");
  auto server = std::make_unique<TestServer>(data, ServeOptions{.config = config, .extra = {"--store", "sqlite"}});
  ASSERT_TRUE(server->started());
  const std::string key = server->CreateKey("shop", "customer_service,profiling");
  ASSERT_FALSE(key.empty());
  const std::vector<std::string> auth = {"Authorization: Bearer " + key, "Tillit-Purpose: customer_service"};
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    HttpResult r = Http("POST", server->url("/v1/subjects"),
                        json{{"identifiers",
                              {{"email", "m" + std::to_string(i) + "@example.no"},
                               {"phone", "+47 912 34 5" + std::to_string(i) + "0"}}},
                             {"fields", {{"identity.name", "Migrant " + std::to_string(i)}}}}
                            .dump(),
                        auth);
    ASSERT_EQ(r.status, 201) << r.body;
    ids.push_back(json::parse(r.body)["id"]);
  }
  ASSERT_EQ(
      Http("POST", server->url("/v1/subjects/" + ids[0] + "/records"),
           R"({"kind":"order","categories":["customer.order"],"payload":{"total":"10.00"},"reference":"O-1"})", auth)
          .status,
      201);
  ASSERT_EQ(Http("POST", server->url("/v1/subjects/" + ids[1] + "/consents"),
                 R"({"purpose":"profiling","action":"given","method":"web_form"})", auth)
                .status,
            201);
  ASSERT_EQ(
      Http("PATCH", server->url("/v1/subjects/" + ids[2]), R"({"fields":{"identity.name":"Renamed"}})", auth).status,
      200);
  ASSERT_EQ(
      Http("POST", server->url("/v1/subjects/" + ids[3] + "/objections"), R"({"purpose":"analytics"})", auth).status,
      201);
  ASSERT_EQ(Http("POST", server->url("/v1/visitors/visitor-0001/consents"),
                 R"({"categories":{"necessary":true,"statistics":true,"marketing":false},"banner_version":"b1",)"
                 R"("gpc":false,"language":"en"})",
                 auth)
                .status,
            201);
  ASSERT_EQ(server->Stop(), 0);

  const std::string target = StoreUrlFor(data);  // the suite's fresh database for this directory
  RunResult migrated = RunTillit({"migrate", "--from", "sqlite:" + data, "--to", target});
  ASSERT_EQ(migrated.exit_code, 0) << migrated.out << migrated.err;
  EXPECT_THAT(migrated.out, HasSubstr("migrated 5 subjects, 1 records"));
  // A second migration into the same database is refused: it is not empty any more.
  RunResult again = RunTillit({"migrate", "--from", "sqlite:" + data, "--to", target});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("not empty"));

  // The PostgreSQL store now answers as SQLite did (the suite points the server at it).
  server = std::make_unique<TestServer>(data, ServeOptions{.config = config, .init = false});
  ASSERT_TRUE(server->started());
  HttpResult found = Http("GET", server->url("/v1/subjects?email=m4@example.no"), "", auth);
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(json::parse(found.body)["fields"]["identity.name"], "Migrant 4");
  HttpResult history = Http("GET", server->url("/v1/subjects/" + ids[2] + "/history"), "", auth);
  EXPECT_THAT(history.body, HasSubstr("Migrant 2"));  // the previous value, sealed, came along
  HttpResult records = Http("GET", server->url("/v1/subjects/" + ids[0] + "/records"), "", auth);
  EXPECT_THAT(records.body, HasSubstr("O-1"));
  auto decide = [&](const std::string& id, const std::string& purpose) {
    HttpResult r = Http("GET", server->url("/v1/decide?subject=" + id + "&purpose=" + purpose), "", auth);
    return json::parse(r.body, nullptr, false).value("rule", "");
  };
  EXPECT_EQ(decide(ids[1], "profiling"), "consent");
  EXPECT_EQ(decide(ids[0], "profiling"), "no_consent");
  EXPECT_EQ(decide(ids[3], "analytics"), "objected");
  HttpResult visitor = Http("GET", server->url("/v1/visitors/visitor-0001/consents"), "", auth);
  EXPECT_EQ(visitor.status, 200) << visitor.body;
  EXPECT_THAT(visitor.body, HasSubstr("b1"));
  ASSERT_EQ(server->Stop(), 0);
  RunResult verify = RunTillit({"audit", "verify", "--data", data});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST(MigrateTest, BadSidesAreAUsageError) {
  RunResult r = RunTillit({"migrate", "--from", "mysql://x", "--to", "postgresql://127.0.0.1/x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("sqlite:DIR"));
}

}  // namespace
}  // namespace tillit::testing
