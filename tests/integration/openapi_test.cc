// docs/openapi.yaml and the server agree: every route `tillit serve` registers for a fully configured shop is in
// the spec, every operation of the spec is served, and each operation has an id, a summary, responses and its path
// parameters declared (tests/openapi/check_routes.py). The checker itself is shown to fail on a disagreement.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "support/process.h"

namespace tillit::testing {
namespace {

using ::testing::HasSubstr;

struct CheckResult {
  int exit_code = -1;
  std::string out;
};

// Runs the checker on `routes` (one "METHOD /pattern" per line) against the repository's spec.
CheckResult CheckRoutes(const TempDir& dir, const std::string& routes) {
  const std::string routes_file = dir / "routes.txt";
  WriteFile(routes_file, routes);
  const std::string command = "/usr/bin/python3 " + SourceDir() + "/tests/openapi/check_routes.py " + SourceDir() +
                              "/docs/openapi.yaml " + routes_file + " 2>&1";
  CheckResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) result.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string ServedRoutes(const TempDir& dir) {
  const std::string config = ExampleConfig("minimagi");
  RunResult init = RunTillit({"init", "--config", config, "--data", dir / "data"});
  EXPECT_EQ(init.exit_code, 0) << init.err;
  RunResult routes = RunTillit({"serve", "--config", config, "--data", dir / "data", "--print-routes"});
  EXPECT_EQ(routes.exit_code, 0) << routes.err;
  return routes.out;
}

TEST(OpenApiTest, EveryServedRouteIsInTheSpecAndEveryOperationIsServed) {
  TempDir dir;
  const std::string routes = ServedRoutes(dir);
  EXPECT_THAT(routes, HasSubstr("GET /v1/decide key:decide\n"));
  EXPECT_THAT(routes, HasSubstr("POST /v1/subjects key:subjects.write\n"));
  const CheckResult check = CheckRoutes(dir, routes);
  EXPECT_EQ(check.exit_code, 0) << check.out;
  EXPECT_THAT(check.out, HasSubstr(" 0 disagreements"));
}

TEST(OpenApiTest, TheCheckNamesARouteMissingFromTheSpecAndAnOperationNotServed) {
  TempDir dir;
  std::string routes = ServedRoutes(dir);
  routes += "POST /v1/not-in-the-spec/:id\n";
  const size_t decide = routes.find("GET /v1/decide key:decide\n");
  ASSERT_NE(decide, std::string::npos);
  routes.erase(decide, std::string("GET /v1/decide key:decide\n").size());
  // A route whose access differs from the spec's is named too.
  const size_t erase = routes.find("POST /v1/subjects/:id/erase key:subjects.erase\n");
  ASSERT_NE(erase, std::string::npos);
  routes.replace(erase, std::string("POST /v1/subjects/:id/erase key:subjects.erase").size(),
                 "POST /v1/subjects/:id/erase key:decide");
  const CheckResult check = CheckRoutes(dir, routes);
  EXPECT_EQ(check.exit_code, 1) << check.out;
  EXPECT_THAT(check.out, HasSubstr("POST /v1/not-in-the-spec/{id}: served but not in"));
  EXPECT_THAT(check.out, HasSubstr("GET /v1/decide: in"));
  EXPECT_THAT(check.out, HasSubstr("POST /v1/subjects/{id}/erase: x-tillit-access is 'key:subjects.erase', the server "
                                   "says 'key:decide'"));
}

}  // namespace
}  // namespace tillit::testing
