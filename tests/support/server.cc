#include "support/server.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>
#include <thread>
#include <utility>

namespace tillit::testing {
namespace {

using nlohmann::json;

// A fatal failure of the running test, for functions that answer a value (where ASSERT cannot stand).
void FailTest(const std::string& why) { FAIL() << why; }

}  // namespace

std::string CreateKey(const std::string& data_dir, const std::string& name, const std::string& purposes,
                      const std::vector<std::string>& access, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"key", "create", "--data", data_dir, "--name", name, "--purposes", purposes};
  args.insert(args.end(), access.begin(), access.end());
  args.insert(args.end(), extra.begin(), extra.end());
  const RunResult r = RunTillit(args);
  if (r.exit_code != 0) {
    FailTest("tillit key create --name " + name + " exited " + std::to_string(r.exit_code) + ": " + r.err);
    return "";
  }
  return r.out.substr(0, r.out.size() - 1);  // the secret, without its newline
}

std::string MinimagiWithProfiling(const std::string& lines) {
  std::string text = ReadFile(ExampleConfig("minimagi"));
  const std::string anchor = "id = \"profiling\"\nlegal_basis = \"consent\"\n";
  const size_t at = text.find(anchor);
  EXPECT_NE(at, std::string::npos) << "examples/minimagi.toml has no profiling purpose on consent";
  if (at != std::string::npos) text.insert(at + anchor.size(), lines);
  return text;
}

TestServer::TestServer(std::string data_dir, ServeOptions options)
    : data_dir_(std::move(data_dir)), options_(std::move(options)) {
  Launch(options_.init);
}

TestServer::~TestServer() {
  Stop();
  unlink(out_path_.c_str());
  unlink(err_path_.c_str());
}

bool TestServer::Launch(bool init) {
  if (init) {
    std::vector<std::string> args = {"init", "--config", options_.config, "--data", data_dir_};
    args.insert(args.end(), options_.extra.begin(), options_.extra.end());
    const RunResult r = RunTillit(args);
    if (r.exit_code != 0) {
      FailTest("tillit init failed: " + r.err);
      return false;
    }
  }
  char name[] = "/tmp/tillit-serve-XXXXXX";
  const int fd = mkstemp(name);
  if (fd >= 0) close(fd);
  out_path_ = std::string(name) + ".out";
  err_path_ = std::string(name) + ".err";
  unlink(name);
  std::vector<std::string> args = {"serve",   "--config", options_.config, "--data",
                                   data_dir_, "--listen", "127.0.0.1:0"};
  args.insert(args.end(), options_.extra.begin(), options_.extra.end());
  pid_ = Spawn(args, out_path_, err_path_);
  const std::regex listening(R"(listening on https?://127\.0\.0\.1:(\d+))");
  for (int i = 0; i < 300 && port_ == 0; ++i) {  // up to 30 s: sanitizer builds start slowly
    std::smatch m;
    const std::string out = ReadFile(out_path_);
    if (std::regex_search(out, m, listening)) {
      port_ = std::stoi(m[1]);
      break;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!started()) FailTest("tillit serve did not start: " + err());
  return started();
}

bool TestServer::Restart() {
  Stop();
  unlink(out_path_.c_str());
  unlink(err_path_.c_str());
  port_ = 0;
  return Launch(/*init=*/false);
}

std::string TestServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

int TestServer::Stop(std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  return -1;
}

std::string TestServer::out() const { return ReadFile(out_path_); }
std::string TestServer::err() const { return ReadFile(err_path_); }

std::string TestServer::CreateKey(const std::string& name, const std::string& purposes,
                                  const std::vector<std::string>& access) {
  std::string secret = testing::CreateKey(data_dir_, name, purposes, access, options_.extra);
  if (key_.empty()) key_ = secret;
  return secret;
}

HttpResult TestServer::Send(const std::string& method, const std::string& path, const std::string& body,
                            const Caller& caller) const {
  std::vector<std::string> headers;
  const std::string& key = caller.key.value_or(key_);
  if (!key.empty()) headers.push_back("Authorization: Bearer " + key);
  if (!caller.purpose.empty()) headers.push_back("Tillit-Purpose: " + caller.purpose);
  if (!caller.type.empty()) headers.push_back("Content-Type: " + caller.type);
  return Http(method, url(path), body, headers);
}

HttpResult TestServer::Get(const std::string& path, const Caller& caller) const {
  return Send("GET", path, "", caller);
}

HttpResult TestServer::Post(const std::string& path, const json& body, const Caller& caller) const {
  return Send("POST", path, body.is_null() ? "" : body.dump(), caller);
}

HttpResult TestServer::Patch(const std::string& path, const json& body, const Caller& caller) const {
  return Send("PATCH", path, body.is_null() ? "" : body.dump(), caller);
}

HttpResult TestServer::Delete(const std::string& path, const json& body, const Caller& caller) const {
  return Send("DELETE", path, body.is_null() ? "" : body.dump(), caller);
}

std::string TestServer::CreateSubject(const json& body, const Caller& caller) const {
  const HttpResult r = Post("/v1/subjects", body, caller);
  EXPECT_EQ(r.status, 201) << r.body << err();
  return r.status == 201 ? json::parse(r.body, nullptr, false).value("id", "") : "";
}

json TestServer::Decide(const std::string& subject, const std::string& purpose, const std::string& channel) const {
  std::string path = "/v1/decide?subject=" + subject + "&purpose=" + purpose;
  if (!channel.empty()) path += "&channel=" + channel;
  const HttpResult r = Get(path);
  EXPECT_EQ(r.status, 200) << r.body;
  return json::parse(r.body, nullptr, false);
}

}  // namespace tillit::testing
