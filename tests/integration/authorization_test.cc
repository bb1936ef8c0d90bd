// The authorization matrix (tests/authz/matrix.tsv) walked against a real server: every served route is in the
// matrix and every matrix row is served; every route is called by each preset's key, by a key holding each single
// action, and without a key; an unexpected allow or deny fails the test, naming the route and the caller.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "support/server.h"

namespace tillit::testing {
namespace {

using nlohmann::json;

struct Row {
  std::string method;
  std::string path;
  std::string access;                          // public | key | key:ACTION | public|key:ACTION
  std::map<std::string, std::string> expect;  // caller → "allow" | "deny"
};

const std::vector<std::string> kPresets = {"shop", "newsletter", "analytics", "privacy-desk"};

std::vector<Row> ReadMatrix() {
  std::ifstream in(SourceDir() + "/tests/authz/matrix.tsv");
  EXPECT_TRUE(in) << "tests/authz/matrix.tsv is missing";
  std::vector<Row> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    EXPECT_EQ(cols.size(), 3 + kPresets.size() + 1) << line;
    if (cols.size() != 3 + kPresets.size() + 1) continue;
    Row r{cols[0], cols[1], cols[2], {}};
    for (size_t i = 0; i < kPresets.size(); ++i) r.expect[kPresets[i]] = cols[3 + i];
    r.expect["no-key"] = cols.back();
    rows.push_back(std::move(r));
  }
  return rows;
}

// The action a row's access names, "" for public and any-key routes.
std::string ActionOf(const std::string& access) {
  const size_t colon = access.find("key:");
  return colon == std::string::npos ? "" : access.substr(colon + 4);
}

// A concrete path for a pattern: parameters become ids nothing has.
std::string Concrete(const std::string& pattern) {
  static const std::map<std::string, std::string> kValues = {
      {":lang", "en"}, {":token", "rpt_0000000000000000000000000000000000000000000000000000000000000000"}};
  std::string out;
  std::stringstream ss(pattern);
  std::string seg;
  while (std::getline(ss, seg, '/')) {
    if (seg.empty()) continue;
    out += "/";
    if (seg[0] == ':') {
      auto it = kValues.find(seg);
      out += it != kValues.end() ? it->second : "x_nobody";
    } else {
      out += seg;
    }
  }
  return out;
}

// A body of the type the route reads, so that what is checked is authorization, not the media type.
std::pair<std::string, std::string> BodyFor(const Row& r) {
  if (r.method == "GET" || r.method == "DELETE") return {"", ""};
  if (r.path == "/v1/records/bulk") return {"{}\n", "Content-Type: application/x-ndjson"};
  if (r.path == "/v1/mail/inbound") return {"Subject: hello\r\n\r\nhi\r\n", "Content-Type: message/rfc822"};
  if (r.path == "/v1/config/check") return {"x = 1\n", "Content-Type: application/toml"};
  if (r.method == "PATCH") return {"{}", "Content-Type: application/merge-patch+json"};
  return {"{}", "Content-Type: application/json"};
}

// Every action the matrix names, once.
std::vector<std::string> MatrixActions() {
  std::set<std::string> actions;
  for (const auto& r : ReadMatrix()) {
    if (!ActionOf(r.access).empty()) actions.insert(ActionOf(r.access));
  }
  return {actions.begin(), actions.end()};
}

class AuthorizationTest : public ::testing::Test {
 protected:
  void SetUp() override { server_ = std::make_unique<TestServer>(data()); }

  std::string data() const { return dir_ / "data"; }

  std::string NewKey(const std::string& name, const std::vector<std::string>& flags) {
    return server_->CreateKey(name, kPurposes, flags);
  }

  // True iff the request passed authorization; `why` says what came back.
  bool Allowed(const Row& r, const std::string& key, std::string* why) {
    auto [body, type] = BodyFor(r);
    std::vector<std::string> headers = {"Tillit-Purpose: customer_service"};
    if (!type.empty()) headers.push_back(type);
    if (!key.empty()) headers.push_back("Authorization: Bearer " + key);
    std::string url = server_->url(Concrete(r.path));
    if (r.path == "/v1/decide") url += "?subject=x_nobody&purpose=marketing";
    if (r.path == "/v1/audiences") url += "?purpose=customer_service&ids_only=true";
    HttpResult res = Http(r.method, url, body, headers);
    const json j = json::parse(res.body, nullptr, false);
    const std::string code = j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
    *why = std::to_string(res.status) + " " + (code.empty() ? res.body.substr(0, 80) : code);
    EXPECT_NE(res.status, 0) << r.method << " " << r.path << ": no answer";
    EXPECT_LT(res.status, 500) << r.method << " " << r.path << ": " << res.body;
    if (res.status == 401) return false;
    if (res.status == 403 && code == "action_not_allowed") return false;
    return true;
  }

  static constexpr const char* kPurposes =
      "contract,customer_service,marketing,analytics,accounting,rights_fulfilment,legal_claims";

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(AuthorizationTest, EveryServedRouteIsInTheMatrixWithItsAccess) {
  const std::vector<Row> rows = ReadMatrix();
  ASSERT_GT(rows.size(), 50u);
  RunResult routes = RunTillit({"serve", "--config", ExampleConfig("minime"), "--data", data(), "--print-routes"});
  ASSERT_EQ(routes.exit_code, 0) << routes.err;
  std::set<std::string> served, listed;
  std::stringstream ss(routes.out);
  std::string line;
  while (std::getline(ss, line)) {
    if (!line.empty()) served.insert(line);
  }
  for (const auto& r : rows) listed.insert(r.method + " " + r.path + " " + r.access);
  for (const auto& s : served) EXPECT_TRUE(listed.count(s)) << "served but not in the matrix (or other access): " << s;
  for (const auto& l : listed) EXPECT_TRUE(served.count(l)) << "in the matrix but not served: " << l;
}

TEST_F(AuthorizationTest, PresetsAndAnonymousCallersGetExactlyWhatTheMatrixSays) {
  const std::vector<Row> rows = ReadMatrix();
  EXPECT_GE(MatrixActions().size(), 15u);
  std::map<std::string, std::string> keys = {{"no-key", ""}};
  for (const auto& p : kPresets) keys[p] = NewKey("preset-" + p, {"--preset", p});
  for (const auto& r : rows) {
    for (const auto& [caller, key] : keys) {
      std::string why;
      const bool allowed = Allowed(r, key, &why);
      EXPECT_EQ(allowed ? "allow" : "deny", r.expect.at(caller))
          << r.method << " " << r.path << " called by " << caller << " answered " << why;
    }
  }
}

class SingleActionTest : public AuthorizationTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(SingleActionTest, ReachesOnlyTheRoutesOfItsAction) {
  const std::string action = GetParam();
  RunResult listed = RunTillit({"key", "actions"});
  ASSERT_EQ(listed.exit_code, 0);
  EXPECT_NE(listed.out.find("  " + action + " "), std::string::npos) << action << " is not listed by key actions";
  const std::string key = NewKey("only-" + action, {"--actions", action});
  for (const auto& r : ReadMatrix()) {
    const std::string needed = ActionOf(r.access);
    const bool expect = needed.empty() || needed == action;
    std::string why;
    EXPECT_EQ(Allowed(r, key, &why), expect)
        << r.method << " " << r.path << " called with only " << action << " answered " << why;
  }
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (c == '.') c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(EveryAction, SingleActionTest, ::testing::ValuesIn(MatrixActions()), TestName);

TEST_F(AuthorizationTest, ADeniedActionIsNamedInTheAnswer) {
  const std::string key = NewKey("newsletter", {"--preset", "newsletter"});
  HttpResult r = Http("POST", server_->url("/v1/requests/req_x/approve"), "{}", {"Authorization: Bearer " + key});
  ASSERT_EQ(r.status, 403) << r.body;
  const json j = json::parse(r.body);
  EXPECT_EQ(j["error"]["code"], "action_not_allowed");
  EXPECT_EQ(j["error"]["details"]["action"], "requests.manage");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("requests.manage"), std::string::npos);
}

TEST_F(AuthorizationTest, KeysAreCreatedWithPresetsOrActionsAndListedWithThem) {
  RunResult bad = RunTillit({"key", "create", "--data", data(), "--name", "x", "--purposes", "contract", "--preset",
                             "shopp"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("did you mean 'shop'"), std::string::npos) << bad.err;
  RunResult unknown = RunTillit({"key", "create", "--data", data(), "--name", "y", "--purposes", "contract",
                                 "--actions", "subjects.delete"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown action 'subjects.delete'"), std::string::npos) << unknown.err;
  NewKey("default-key", {});
  NewKey("mixed", {"--preset", "analytics", "--actions", "audit.read"});
  RunResult list = RunTillit({"key", "list", "--data", data()});
  ASSERT_EQ(list.exit_code, 0);
  std::stringstream ss(list.out);
  std::string line;
  std::map<std::string, std::string> by_name;
  while (std::getline(ss, line)) by_name[line.substr(0, line.find(' '))] = line;
  EXPECT_NE(by_name["default-key"].find("preset:shop"), std::string::npos) << list.out;
  EXPECT_NE(by_name["mixed"].find("audit.read,decide,records.write"), std::string::npos) << list.out;
}

}  // namespace
}  // namespace tillit::testing
