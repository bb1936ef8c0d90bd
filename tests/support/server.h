// Test support: one `tillit serve` for a test, and what the integration tests do with it — API keys made on the
// command line, subjects made over HTTP, and calls that carry a key and a purpose. Starting, restarting and
// authenticating are written here once, so that a test states only what is particular to it: its configuration, its
// keys' purposes and actions, its bodies and what it expects back.
// Thread safety: one thread starts, restarts and stops a TestServer; its HTTP calls may come from several at once.
#ifndef TILLIT_TESTS_SUPPORT_SERVER_H_
#define TILLIT_TESTS_SUPPORT_SERVER_H_

#include <sys/types.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/process.h"

namespace tillit::testing {

// What a key may do when a test does not say: every action (the privacy-desk preset).
inline const std::vector<std::string> kEveryAction = {"--preset", "privacy-desk"};

// Creates an API key in `data_dir` with `tillit key create` (a server may be running on it) and answers its secret.
// `access` is the command's `--preset NAME` and/or `--actions LIST` (none: the command's own default, the shop
// preset); `extra` is added to the command line (e.g. {"--store", "sqlite"}). When the command fails: a fatal
// failure of the running test with the command's message, and "".
std::string CreateKey(const std::string& data_dir, const std::string& name, const std::string& purposes,
                      const std::vector<std::string>& access = kEveryAction,
                      const std::vector<std::string>& extra = {});

// Minimagi's configuration (examples/minimagi.toml) with `lines` added to its profiling purpose: the purpose on
// consent whose validity and revision the decision, consent and policy tests vary. A test failure if it is missing.
std::string MinimagiWithProfiling(const std::string& lines);

// How a TestServer starts.
struct ServeOptions {
  std::string config = ExampleConfig("minime");  // the configuration most tests use
  bool init = true;                              // run `tillit init` on the data directory first
  std::vector<std::string> extra;                // added to every tillit command line (e.g. {"--store", "sqlite"})
};

// Who makes an HTTP call, and with which body type.
struct Caller {
  std::optional<std::string> key;  // the API key's secret, sent as a bearer token; unset: the server's key(); "": none
  std::string purpose;             // sent as Tillit-Purpose unless empty
  std::string type;                // sent as Content-Type unless empty; a body is sent as JSON otherwise
};

// A `tillit serve` on a free loopback port (it listens on port 0 and the port is read from its first output line),
// with its output kept in files; stopped (SIGTERM, then waited for) when the object dies. Starting is checked:
// a server that does not come up is a fatal failure of the running test, with what it wrote to stderr.
class TestServer {
 public:
  explicit TestServer(std::string data_dir, ServeOptions options = {});
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  bool started() const { return port_ != 0; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& data() const { return data_dir_; }
  const std::string& config() const { return options_.config; }
  std::string url(const std::string& path) const;
  // Sends SIGTERM and waits up to `timeout`; returns the exit code, or -1 if it did not exit (or was not running).
  int Stop(std::chrono::seconds timeout = std::chrono::seconds(20));
  // Stops the server if it runs and starts it again on the same data directory and configuration file (which the
  // test may have changed meanwhile), without `tillit init`. Answers started(); out() and err() start afresh.
  bool Restart();
  std::string out() const;
  std::string err() const;

  // A key made as the free CreateKey makes it, with the `extra` flags this server was started with. The first key
  // made becomes key(), the one calls send unless their Caller names another.
  std::string CreateKey(const std::string& name, const std::string& purposes,
                        const std::vector<std::string>& access = kEveryAction);
  const std::string& key() const { return key_; }

  // HTTP calls to `path` as `caller`. Send takes the body as it goes on the wire; the others take JSON, and a null
  // body is none. Answers what came back (status 0 when nothing did).
  HttpResult Send(const std::string& method, const std::string& path, const std::string& body = "",
                  const Caller& caller = {}) const;
  HttpResult Get(const std::string& path, const Caller& caller = {}) const;
  HttpResult Post(const std::string& path, const nlohmann::json& body, const Caller& caller = {}) const;
  HttpResult Patch(const std::string& path, const nlohmann::json& body, const Caller& caller = {}) const;
  HttpResult Delete(const std::string& path, const nlohmann::json& body = nullptr, const Caller& caller = {}) const;

  // POST /v1/subjects with `body`; answers the new subject's id. Anything but 201 is a test failure (naming the
  // answer and the server's log), and then the answer is "".
  std::string CreateSubject(const nlohmann::json& body, const Caller& caller = {}) const;
  // GET /v1/decide for `subject` and `purpose`, and `channel` unless empty; answers the decision. Anything but 200
  // is a test failure.
  nlohmann::json Decide(const std::string& subject, const std::string& purpose, const std::string& channel = "") const;

 private:
  // Runs `tillit init` when `init`, then `tillit serve`, and waits for it to listen.
  bool Launch(bool init);

  const std::string data_dir_;
  const ServeOptions options_;
  std::string key_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string out_path_;
  std::string err_path_;
};

}  // namespace tillit::testing

#endif  // TILLIT_TESTS_SUPPORT_SERVER_H_
