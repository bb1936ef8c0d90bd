// The hostile-input suite: what an attacker holding a valid key (or none) sends to every route — values nested
// thousands of levels deep, duplicate keys, numbers out of range, bodies of the wrong type or over the limit,
// invalid UTF-8, paths with bad percent-encoding, URIs and headers far too long, methods a path does not answer —
// must each get a 4xx answer with the JSON error body, and the server must go on answering. Routes come from the
// authorization matrix (tests/authz/matrix.tsv), so a new route is covered as soon as it is listed there.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/server.h"

namespace tillit::testing {
namespace {

using nlohmann::json;

struct RouteRow {
  std::string method;
  std::string path;
};

std::vector<RouteRow> Routes() {
  std::ifstream in(SourceDir() + "/tests/authz/matrix.tsv");
  std::vector<RouteRow> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream ss(line);
    RouteRow r;
    std::getline(ss, r.method, '\t');
    std::getline(ss, r.path, '\t');
    rows.push_back(r);
  }
  return rows;
}

std::string Concrete(const std::string& pattern, const std::string& param = "x_nobody") {
  std::string out;
  std::stringstream ss(pattern);
  std::string seg;
  while (std::getline(ss, seg, '/')) {
    if (seg.empty()) continue;
    out += "/" + (seg[0] == ':' ? (seg == ":lang" && param == "x_nobody" ? std::string("en") : param) : seg);
  }
  return out;
}

bool HasBody(const RouteRow& r) { return r.method == "POST" || r.method == "PATCH" || r.method == "PUT"; }

// Routes whose body is JSON (every body route but the NDJSON, mail and TOML ones).
bool JsonBody(const RouteRow& r) {
  return HasBody(r) && r.path != "/v1/records/bulk" && r.path != "/v1/mail/inbound" && r.path != "/v1/config/check";
}

std::string Nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// One request sent as raw bytes over TCP, for what curl will not send (a 1 MiB header, a raw bad path). Answers
// the status line's code and the body, or 0 when the connection closed without an answer.
std::pair<int, std::string> Raw(int port, const std::string& request) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return {0, ""};
  }
  timeval timeout{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string answer;
  char buffer[65536];
  for (;;) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    answer.append(buffer, static_cast<size_t>(n));
    const size_t head = answer.find("\r\n\r\n");
    if (head != std::string::npos) {
      const size_t cl = answer.find("Content-Length: ");
      if (cl != std::string::npos && cl < head) {
        const size_t length = std::stoul(answer.substr(cl + 16));
        if (answer.size() >= head + 4 + length) break;
      }
    }
  }
  close(fd);
  if (answer.rfind("HTTP/1.1 ", 0) != 0) return {0, answer};
  const size_t head = answer.find("\r\n\r\n");
  return {std::stoi(answer.substr(9, 3)), head == std::string::npos ? "" : answer.substr(head + 4)};
}

class HostileInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>(dir_ / "data");
    key_ = server_->CreateKey("desk", "customer_service,contract,marketing,rights_fulfilment");
  }

  std::vector<std::string> Auth(const std::string& type = "") const {
    std::vector<std::string> h = {"Authorization: Bearer " + key_, "Tillit-Purpose: customer_service"};
    if (!type.empty()) h.push_back("Content-Type: " + type);
    return h;
  }

  // Expects a 4xx JSON error (with `code` when given) and a server that still answers.
  void Expect4xx(const std::string& what, long status, const std::string& body, const std::string& code = "") {
    ++cases_;
    EXPECT_GE(status, 400) << what << ": " << body.substr(0, 200);
    EXPECT_LT(status, 500) << what << ": " << body.substr(0, 200);
    const json j = json::parse(body, nullptr, false);
    EXPECT_TRUE(j.is_object() && j.contains("error") && j["error"].contains("code")) << what << ": " << body;
    if (!code.empty() && j.is_object() && j.contains("error")) {
      EXPECT_EQ(j["error"].value("code", ""), code) << what << ": " << body.substr(0, 200);
    }
    if (cases_ % 25 == 0) {
      ASSERT_EQ(Http("GET", server_->url("/healthz")).status, 200) << "after " << what;
    }
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
  std::string key_;
  int cases_ = 0;
};

TEST_F(HostileInputTest, EveryBodyRouteRefusesHostileBodies) {
  for (const auto& r : Routes()) {
    if (!HasBody(r)) continue;
    const std::string url = server_->url(Concrete(r.path));
    const std::string name = r.method + " " + r.path;
    if (JsonBody(r)) {
      // 59 000 levels in 118 KB once crashed the server.
      HttpResult deep = Http(r.method, url, "{\"a\":" + Nested(59000) + "}", Auth("application/json"));
      Expect4xx(name + " nested 59000 deep", deep.status, deep.body);
      HttpResult deep65 = Http(r.method, url, "{\"a\":" + Nested(65) + "}", Auth("application/json"));
      Expect4xx(name + " nested 66 deep", deep65.status, deep65.body);
      HttpResult dup = Http(r.method, url, R"({"reason":"a","reason":"b"})", Auth("application/json"));
      Expect4xx(name + " duplicate key", dup.status, dup.body);
      HttpResult big_number = Http(r.method, url, R"({"x":1e999})", Auth("application/json"));
      Expect4xx(name + " 1e999", big_number.status, big_number.body);
      HttpResult text = Http(r.method, url, R"({"reason":"x"})", Auth("text/plain"));
      Expect4xx(name + " text/plain", text.status, text.body, "unsupported_media_type");
      HttpResult form = Http(r.method, url, "a=b", Auth("application/x-www-form-urlencoded"));
      Expect4xx(name + " form", form.status, form.body, "unsupported_media_type");
      HttpResult latin1 = Http(r.method, url, R"({"x":"a"})", Auth("application/json; charset=iso-8859-1"));
      Expect4xx(name + " latin-1 charset", latin1.status, latin1.body, "unsupported_media_type");
      HttpResult array = Http(r.method, url, "[1,2,3]", Auth("application/json"));
      Expect4xx(name + " array body", array.status, array.body);
      HttpResult broken = Http(r.method, url, "{\"a\":", Auth("application/json"));
      Expect4xx(name + " truncated JSON", broken.status, broken.body);
    }
    HttpResult bad_utf8 = Http(r.method, url, "{\"x\":\"\xC3\x28\"}", Auth("application/json"));
    Expect4xx(name + " invalid UTF-8", bad_utf8.status, bad_utf8.body);
    HttpResult over = Http(r.method, url, std::string((1 << 20) + 1, ' '), Auth("application/json"));
    Expect4xx(name + " over the body limit", over.status, over.body, "body_too_large");
  }
}

TEST_F(HostileInputTest, EveryRouteRefusesBadPathsLongUrisBigHeadersAndOtherMethods) {
  for (const auto& r : Routes()) {
    const std::string name = r.method + " " + r.path;
    const bool has_param = r.path.find(':') != std::string::npos;
    if (has_param) {
      auto [status, body] =
          Raw(server_->port(), r.method + " " + Concrete(r.path, "%zz") + " HTTP/1.1\r\nHost: x\r\n" +
                                   "Authorization: Bearer " + key_ + "\r\nContent-Length: 0\r\n\r\n");
      Expect4xx(name + " bad percent-encoding", status, body, "invalid_path");
    }
    HttpResult long_uri = Http(r.method, server_->url(Concrete(r.path) + "?q=" + std::string(10000, 'a')), "", Auth());
    Expect4xx(name + " 10 KB URI", long_uri.status, long_uri.body, "uri_too_long");
    std::vector<std::string> headers = Auth();
    headers.push_back("X-Junk: " + std::string(70000, 'h'));
    HttpResult big_header = Http(r.method, server_->url(Concrete(r.path)), "", headers);
    Expect4xx(name + " 70 KB header", big_header.status, big_header.body, "headers_too_large");
    const std::string other = r.method == "PUT" ? "GET" : "PUT";
    HttpResult wrong = Http(other, server_->url(Concrete(r.path)), "", Auth());
    Expect4xx(name + " as " + other, wrong.status, wrong.body, "method_not_allowed");
    EXPECT_FALSE(wrong.headers["allow"].empty()) << name;
    EXPECT_NE(wrong.headers["allow"].find(r.method), std::string::npos) << name << ": " << wrong.headers["allow"];
    HttpResult bad_query = Http(r.method, server_->url(Concrete(r.path) + "?limit=%zz"), "", Auth());
    Expect4xx(name + " bad query encoding", bad_query.status, bad_query.body);
  }
  EXPECT_GE(cases_, 200);
}

TEST_F(HostileInputTest, OversizedRequestsAreAnsweredNotDropped) {
  // Bodies over 4 MiB, a header of 1 MiB and a URI of 100 KB once dropped the connection without an answer.
  auto [body_status, body_answer] =
      Raw(server_->port(), "POST /v1/subjects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           "Content-Length: 5242880\r\n\r\n" +
                               std::string(5 << 20, ' '));
  Expect4xx("5 MiB body", body_status, body_answer, "body_too_large");
  EXPECT_EQ(body_status, 413);
  auto [header_status, header_answer] =
      Raw(server_->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(1 << 20, 'h') + "\r\n\r\n");
  Expect4xx("1 MiB header", header_status, header_answer, "headers_too_large");
  EXPECT_EQ(header_status, 431);
  auto [uri_status, uri_answer] =
      Raw(server_->port(), "GET /healthz?" + std::string(100000, 'u') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  Expect4xx("100 KB URI", uri_status, uri_answer, "uri_too_long");
  EXPECT_EQ(uri_status, 414);
  EXPECT_EQ(Http("GET", server_->url("/healthz")).status, 200);
}

TEST_F(HostileInputTest, JsonLimitsNameTheirCause) {
  const std::string url = server_->url("/v1/subjects");
  auto code = [](const HttpResult& r) { return json::parse(r.body, nullptr, false)["error"].value("code", ""); };
  EXPECT_EQ(code(Http("POST", url, "{\"fields\":{\"x\":" + Nested(100) + "}}", Auth())), "json_too_deep");
  EXPECT_EQ(code(Http("POST", url, R"({"source":"a","source":"b"})", Auth())), "duplicate_key");
  EXPECT_EQ(code(Http("POST", url, R"({"fields":{"x":-1e999}})", Auth())), "number_out_of_range");
  // 64 levels are fine: the limit refuses only what is deeper.
  HttpResult ok = Http("POST", url, "{\"source\":\"api\",\"fields\":{\"identity.name\":" + Nested(62) + "}}", Auth());
  EXPECT_NE(code(ok), "json_too_deep") << ok.body;
  // NDJSON lines get the same limits, reported per line.
  HttpResult bulk = Http("POST", server_->url("/v1/records/bulk"), "{\"a\":" + Nested(10000) + "}\n",
                         Auth("application/x-ndjson"));
  ASSERT_LT(bulk.status, 500) << bulk.body;
  EXPECT_EQ(json::parse(bulk.body, nullptr, false)["errors"][0].value("code", ""), "json_too_deep") << bulk.body;
  EXPECT_EQ(Http("GET", server_->url("/healthz")).status, 200);
}

TEST_F(HostileInputTest, HostileMailAndConfigurationBodies) {
  std::string mime = "Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n";
  for (int i = 0; i < 2000; ++i) {
    mime += "--b" + std::to_string(i) + "\r\nContent-Type: multipart/mixed; boundary=b" + std::to_string(i + 1) +
            "\r\n\r\n";
  }
  HttpResult mail = Http("POST", server_->url("/v1/mail/inbound"), mime, Auth("message/rfc822"));
  EXPECT_LT(mail.status, 500) << mail.body;
  EXPECT_GT(mail.status, 0);
  HttpResult toml = Http("POST", server_->url("/v1/config/check"), "a = " + std::string(5000, '[') + "\n",
                         Auth("application/toml"));
  EXPECT_EQ(toml.status, 200) << toml.body;  // diagnostics are the answer
  EXPECT_EQ(json::parse(toml.body, nullptr, false).value("ok", true), false);
  EXPECT_EQ(Http("GET", server_->url("/healthz")).status, 200);
}

}  // namespace
}  // namespace tillit::testing
