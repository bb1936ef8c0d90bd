// Two `tillit serve` processes on one PostgreSQL database give the same decisions: a change written through one
// reaches the other's decision index within a second, `decide` with consistent=true reads through at once, and the
// audit chain written by both keeps one order. Runs in the PostgreSQL pass of the suite.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/server.h"

namespace tillit::testing {
namespace {

using nlohmann::json;

class MultiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!UsingPostgres()) GTEST_SKIP() << "needs the PostgreSQL pass of the suite";
    a_ = std::make_unique<TestServer>(data(), ServeOptions{.config = ExampleConfig("minimagi")});
    b_ = std::make_unique<TestServer>(data(), ServeOptions{.config = ExampleConfig("minimagi"), .init = false});
    auth_ = {"Authorization: Bearer " + CreateKey(data(), "shop", "profiling")};
  }

  std::string data() const { return dir_ / "data"; }

  std::string Rule(TestServer& s, const std::string& id, bool consistent = false) {
    HttpResult r =
        Http("GET", s.url("/v1/decide?subject=" + id + "&purpose=profiling" + (consistent ? "&consistent=true" : "")),
             "", auth_);
    if (r.status == 404) return "unknown";
    return json::parse(r.body, nullptr, false).value("rule", "?");
  }

  // How long until `s` answers `want` for `id`, polling every 20 ms for up to 5 s.
  std::chrono::milliseconds Until(TestServer& s, const std::string& id, const std::string& want) {
    const auto start = std::chrono::steady_clock::now();
    while (Rule(s, id) != want && std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  }

  TempDir dir_;
  std::unique_ptr<TestServer> a_, b_;
  std::vector<std::string> auth_;
};

TEST_F(MultiServerTest, AChangeThroughOneServerReachesTheOtherWithinASecond) {
  HttpResult created = Http("POST", a_->url("/v1/subjects"), R"({"identifiers":{"email":"two@example.no"}})", auth_);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = json::parse(created.body)["id"];
  EXPECT_LE(Until(*b_, id, "no_consent").count(), 1000);
  EXPECT_EQ(Rule(*b_, id), "no_consent");

  ASSERT_EQ(Http("POST", a_->url("/v1/subjects/" + id + "/consents"),
                 R"({"purpose":"profiling","action":"given","method":"web_form"})", auth_)
                .status,
            201);
  EXPECT_LE(Until(*b_, id, "consent").count(), 1000);
  EXPECT_EQ(Rule(*b_, id), "consent");

  // Withdrawn through B: A sees it at once when it reads through, and by itself within a second.
  ASSERT_EQ(Http("POST", b_->url("/v1/subjects/" + id + "/consents"),
                 R"({"purpose":"profiling","action":"withdrawn","method":"portal"})", auth_)
                .status,
            201);
  EXPECT_EQ(Rule(*a_, id, /*consistent=*/true), "consent_withdrawn");
  EXPECT_LE(Until(*a_, id, "consent_withdrawn").count(), 1000);
}

TEST_F(MultiServerTest, TheAuditChainKeepsOneOrderWithTwoWriters) {
  std::vector<std::thread> writers;
  for (TestServer* s : {a_.get(), b_.get()}) {
    writers.emplace_back([this, s] {
      for (int i = 0; i < 15; ++i) {
        Http("POST", s->url("/v1/subjects"),
             json{{"identifiers", {{"email", std::to_string(s->port()) + "-" + std::to_string(i) + "@example.no"}}}}
                 .dump(),
             auth_);
      }
    });
  }
  for (auto& t : writers) t.join();
  ASSERT_EQ(a_->Stop(), 0);
  ASSERT_EQ(b_->Stop(), 0);
  RunResult v = RunTillit({"audit", "verify", "--data", data()});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST_F(MultiServerTest, ConsistentMustBeTrueOrFalse) {
  HttpResult r = Http("GET", a_->url("/v1/decide?subject=sub_x&purpose=profiling&consistent=maybe"), "", auth_);
  EXPECT_EQ(r.status, 400) << r.body;
}

}  // namespace
}  // namespace tillit::testing
