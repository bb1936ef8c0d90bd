#include "support/process.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <spawn.h>
#include <sqlite3.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace tillit::testing {
namespace {

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

// The value after `--data` in `args`, or "".
std::string DataDirOf(const std::vector<std::string>& args) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--data") return args[i + 1];
  }
  return "";
}

// The environment for a child: ours, plus TILLIT_STORE for the data directory's database on PostgreSQL.
std::vector<std::string> ChildEnvironment(const std::vector<std::string>& args) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).substr(0, 13) != "TILLIT_STORE=") env.emplace_back(*e);
  }
  const std::string data_dir = DataDirOf(args);
  if (UsingPostgres() && !data_dir.empty()) env.push_back("TILLIT_STORE=" + StoreUrlFor(data_dir));
  return env;
}

int WaitExit(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

size_t CollectBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// With TILLIT_RECORD_ANSWERS naming a directory, every JSON answer a test receives is appended there, one NDJSON file
// per test process, as {"method","path","status","body"}: tests/openapi/check_answers.py checks each against the
// response schema docs/openapi.yaml gives for it (ctest openapi.live_answers).
void RecordAnswer(const std::string& method, const std::string& url, const HttpResult& r) {
  const char* dir = std::getenv("TILLIT_RECORD_ANSWERS");
  if (dir == nullptr || *dir == '\0' || r.status == 0) return;
  auto type = r.headers.find("content-type");
  if (type == r.headers.end() || type->second.rfind("application/json", 0) != 0) return;
  const size_t scheme = url.find("://");
  const size_t path_at = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path_at == std::string::npos) return;
  std::string path = url.substr(path_at);
  if (const size_t query = path.find('?'); query != std::string::npos) path.resize(query);
  const nlohmann::json line = {{"method", method}, {"path", path}, {"status", r.status}, {"body", r.body}};
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::ofstream out(std::string(dir) + "/answers-" + std::to_string(getpid()) + ".ndjson", std::ios::app);
  out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

size_t CollectHeader(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  const size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * n;
}

}  // namespace

std::string PostgresServerUrl() {
  static const std::string url = [] {
    if (const char* env = std::getenv("TILLIT_TEST_POSTGRES"); env != nullptr && *env != '\0') {
      return std::string(env);
    }
    if (const char* file = std::getenv("TILLIT_TEST_POSTGRES_FILE"); file != nullptr && *file != '\0') {
      // The URL on the first line; the cluster's directory, if known, on the second.
      std::istringstream lines(ReadFile(file));
      std::string url;
      std::getline(lines, url);
      if (url.empty()) throw std::runtime_error(std::string("no PostgreSQL URL in ") + file);
      return url;
    }
    return std::string();
  }();
  return url;
}

bool UsingPostgres() { return !PostgresServerUrl().empty(); }

std::string PostgresClusterDir() {
  if (const char* dir = std::getenv("TILLIT_TEST_POSTGRES_DIR"); dir != nullptr) return dir;
  if (const char* file = std::getenv("TILLIT_TEST_POSTGRES_FILE"); file != nullptr && *file != '\0') {
    std::istringstream lines(ReadFile(file));
    std::string url, dir;
    std::getline(lines, url);
    std::getline(lines, dir);
    return dir;
  }
  return "";
}

std::string StoreUrlFor(const std::string& data_dir) {
  if (!UsingPostgres()) return "";
  static std::mutex mu;
  static std::set<std::string> created;
  const std::string absolute = std::filesystem::absolute(data_dir).lexically_normal().string();
  // A database name from the directory's path: stable for the directory, distinct between directories.
  const std::string name =
      "t_" + std::to_string(std::hash<std::string>{}(absolute) % 1000000000000ULL) + "_" + std::to_string(::getpid());
  const std::string server = PostgresServerUrl();
  const size_t slash = server.rfind('/');
  const std::string url = server.substr(0, slash + 1) + name;
  std::lock_guard lock(mu);
  if (created.insert(name).second) {
    PGconn* conn = PQconnectdb(server.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
      const std::string error = PQerrorMessage(conn);
      PQfinish(conn);
      throw std::runtime_error("cannot reach the test PostgreSQL server: " + error);
    }
    PGresult* res = PQexec(conn, ("CREATE DATABASE " + name).c_str());
    const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    const std::string error = PQerrorMessage(conn);
    PQclear(res);
    PQfinish(conn);
    if (!ok) throw std::runtime_error("cannot create the test database " + name + ": " + error);
  }
  return url;
}

std::vector<std::string> RunSql(const std::string& data_dir, const std::string& sql) {
  std::vector<std::string> row;
  if (UsingPostgres()) {
    PGconn* conn = PQconnectdb(StoreUrlFor(data_dir).c_str());
    EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
    PGresult* res = PQexec(conn, sql.c_str());
    const ExecStatusType status = PQresultStatus(res);
    EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) << sql << ": " << PQerrorMessage(conn);
    if (status == PGRES_TUPLES_OK && PQntuples(res) > 0) {
      for (int c = 0; c < PQnfields(res); ++c) row.emplace_back(PQgetvalue(res, 0, c));
    }
    PQclear(res);
    PQfinish(conn);
    return row;
  }
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open((data_dir + "/tillit.db").c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  const std::string attach = "ATTACH DATABASE '" + data_dir + "/keys.db' AS keystore";
  EXPECT_EQ(sqlite3_exec(db, attach.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  auto collect = [](void* out, int n, char** values, char**) {
    auto* r = static_cast<std::vector<std::string>*>(out);
    if (r->empty()) {
      for (int c = 0; c < n; ++c) r->emplace_back(values[c] != nullptr ? values[c] : "");
    }
    return 0;
  };
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), collect, &row, &err);
  EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (err != nullptr ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
  return row;
}

std::string TillitBinary() { return TILLIT_BINARY; }
std::string SourceDir() { return TILLIT_SOURCE_DIR; }
std::string ExampleConfig(const std::string& name) { return SourceDir() + "/examples/" + name + ".toml"; }

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "tillit-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

TestClock::TestClock(const TempDir& dir, const std::string& start) : path_(dir / "test-clock") {
  Set(start);
  ::setenv("TILLIT_TEST_CLOCK_FILE", path_.c_str(), 1);
}

TestClock::~TestClock() { ::unsetenv("TILLIT_TEST_CLOCK_FILE"); }

void TestClock::Set(const std::string& rfc3339) {
  // Written aside and renamed, so a server never reads a half-written time.
  WriteFile(path_ + ".new", rfc3339 + "\n");
  std::rename((path_ + ".new").c_str(), path_.c_str());
  now_ = rfc3339;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string AllBytesBelow(const std::string& dir) {
  std::string all;
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(dir, std::filesystem::directory_options::skip_permission_denied, ec);
  for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_error;
    if (it->is_regular_file(type_error)) all += ReadFile(it->path().string());
  }
  return all;
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

pid_t Spawn(const std::vector<std::string>& args, const std::string& out_path, const std::string& err_path) {
  std::vector<std::string> full = {TillitBinary()};
  full.insert(full.end(), args.begin(), args.end());
  auto argv = Argv(full);
  std::vector<std::string> env_strings = ChildEnvironment(args);
  auto envp = Argv(env_strings);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + full[0]);
  return pid;
}

RunResult RunTillit(const std::vector<std::string>& args) {
  TempDir io;
  RunResult r;
  const pid_t pid = Spawn(args, io / "out", io / "err");
  r.exit_code = WaitExit(pid);
  r.out = ReadFile(io / "out");
  r.err = ReadFile(io / "err");
  return r;
}

HttpResult Http(const std::string& method, const std::string& url, const std::string& body,
                const std::vector<std::string>& headers) {
  HttpResult r;
  CURL* curl = curl_easy_init();
  curl_slist* list = nullptr;
  bool content_type = false;
  for (const auto& h : headers) {
    list = curl_slist_append(list, h.c_str());
    content_type = content_type || strncasecmp(h.c_str(), "content-type:", 13) == 0;
  }
  // A body is JSON unless the caller names its type; curl would call it a form otherwise.
  if (!content_type) list = curl_slist_append(list, body.empty() ? "Content-Type:" : "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  // Generous: an erasure on PostgreSQL waits for a CHECKPOINT of the shared test cluster, slow on a loaded machine.
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 90L);
  if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r.headers);
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  RecordAnswer(method, url, r);
  return r;
}

}  // namespace tillit::testing
