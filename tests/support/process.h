// Test support: run the tillit binary as a user would, and talk HTTP to a running `tillit serve`.
#ifndef TILLIT_TESTS_SUPPORT_PROCESS_H_
#define TILLIT_TESTS_SUPPORT_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace tillit::testing {

// The tillit binary under test and the source tree (compile definitions).
std::string TillitBinary();
std::string SourceDir();
std::string ExampleConfig(const std::string& name);  // "minimagi" → SOURCE/examples/minimagi.toml

// The backend the suite runs against. The same tests run twice under ctest: on SQLite, and on PostgreSQL when
// TILLIT_TEST_POSTGRES (a server URL where databases may be created) or TILLIT_TEST_POSTGRES_FILE (a file holding
// that URL) is set. Then every data directory a test uses gets its own fresh database, and every tillit the tests
// start is pointed at it through TILLIT_STORE.
std::string PostgresServerUrl();  // "" when the suite runs on SQLite
bool UsingPostgres();
// The store URL of `data_dir`'s database ("" on SQLite); the database is created on first use.
std::string StoreUrlFor(const std::string& data_dir);
// Runs `sql` on `data_dir`'s databases directly, as someone with access to them would: on SQLite tillit.db with
// keys.db attached as `keystore`, on PostgreSQL the directory's database (whose schema `keystore` is the key store).
// Answers the first row's columns as text (none without a row, "" for NULL); a statement that fails is a test failure.
std::vector<std::string> RunSql(const std::string& data_dir, const std::string& sql);
// The PostgreSQL cluster's own directory (TILLIT_TEST_POSTGRES_DIR, or the second line of the URL file), to look at
// its files; "" when unknown.
std::string PostgresClusterDir();

// A fresh directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Moves the time of every tillit started while it lives: writes `start` (RFC 3339) to a file in `dir` and points
// TILLIT_TEST_CLOCK_FILE at it; Set() rewrites the file, and running servers see the new time on their next call.
// Unsets the variable when it dies. One per test.
class TestClock {
 public:
  TestClock(const TempDir& dir, const std::string& start);
  ~TestClock();
  TestClock(const TestClock&) = delete;
  TestClock& operator=(const TestClock&) = delete;
  void Set(const std::string& rfc3339);
  const std::string& now() const { return now_; }

 private:
  std::string path_;
  std::string now_;
};

std::string ReadFile(const std::string& path);
// Every byte of every regular file below `dir`, for scans that look for plaintext. Files that vanish while the scan
// runs (a database server's temporary files and recycled WAL segments) are skipped.
std::string AllBytesBelow(const std::string& dir);
void WriteFile(const std::string& path, const std::string& content);

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs tillit with `args` to completion.
RunResult RunTillit(const std::vector<std::string>& args);

// Starts tillit with `args` in the background, its stdout and stderr written to the files named, and answers its pid
// (the caller waits for it). Throws std::runtime_error when it cannot be started.
pid_t Spawn(const std::vector<std::string>& args, const std::string& out_path, const std::string& err_path);

struct HttpResult {
  long status = 0;  // 0 when the request failed to complete
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

HttpResult Http(const std::string& method, const std::string& url, const std::string& body = "",
                const std::vector<std::string>& headers = {});

}  // namespace tillit::testing

#endif  // TILLIT_TESTS_SUPPORT_PROCESS_H_
