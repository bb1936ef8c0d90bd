// The tillit subcommands, callable without the command-line parser: main.cc parses arguments and calls these.
// Each returns the process exit code, one convention for every command (README, "Exit codes"):
//   0  done;
//   1  the command ran and could not do its work: the configuration cannot be read or has errors, the data
//      directory or store cannot be opened or written, what it checks is broken, or some of many items failed;
//   2  bad usage or argument: an unknown command or option, a missing or conflicting option, a value outside those
//      allowed, an input file that cannot be read or used, or an id that names nothing.
// The message is printed to stderr.
#ifndef TILLIT_CLI_COMMANDS_H_
#define TILLIT_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "util/status.h"

namespace tillit::cli {

// Sends log lines (spdlog's default logger) to stderr, so that they never mix with what a command prints on stdout
// (an API key, an export). `serve` replaces the logger with its JSON one.
void LogToStderr();

// The exit code of a failed operation: 2 for InvalidArgument and NotFound (the argument names nothing or is not
// allowed), 1 for everything else; 0 for Ok.
int ExitCodeOf(const Status& status);

// The store every command opens: the --store flag, else the TILLIT_STORE environment variable, else "" (SQLite in
// the data directory). "postgres://…" selects PostgreSQL.
void SetStoreUrl(std::string url);
std::string StoreUrl();
// Uses the configuration's [server] store when neither --store nor TILLIT_STORE names one.
void UseConfiguredStore(const std::string& configured);

int RunCheck(const std::string& config_path, bool list_categories);
int RunInit(const std::string& config_path, const std::string& data_dir);

struct ServeOptions {
  std::string config_path;
  std::string data_dir;
  std::string listen;  // empty: from the configuration
  size_t threads = 0;  // 0: one per core
  bool access_log = true;
  // Print the routes the server would serve ("METHOD /pattern" per line) and exit without listening: what the
  // check of docs/openapi.yaml compares with.
  bool print_routes = false;
};
int RunServe(const ServeOptions& options);

// `preset` and `actions` (comma-separated) give the key's actions; with neither, the preset `shop`.
int RunKeyCreate(const std::string& data_dir, const std::string& name, const std::string& purposes,
                 const std::string& preset, const std::string& actions);
// Prints every action and preset.
int RunKeyActions();
int RunKeyList(const std::string& data_dir);
int RunKeyRevoke(const std::string& data_dir, const std::string& name);
// `tillit audit verify`: the chain, its signed heads in the data database and the key store, and the witness file
// (`witness_file`, else the configuration's [audit] witness_file when `config_path` is given). Exit 1 when anything
// disagrees.
struct AuditVerifyOptions {
  std::string data_dir;
  std::string config_path;   // optional
  std::string witness_file;  // optional
};
int RunAuditVerify(const AuditVerifyOptions& options);
int RunKeysRotate(const std::string& data_dir, size_t batch, size_t stop_after_batches);
int RunKeysRetire(const std::string& data_dir);
// `tillit retention run`: one retention sweep (or a dry run listing what would go).
int RunRetention(const std::string& config_path, const std::string& data_dir, bool dry_run, size_t batch);
// `tillit erase`: erases one subject (as POST /v1/subjects/{id}/erase does) and prints the receipt.
int RunErase(const std::string& config_path, const std::string& data_dir, const std::string& subject_id,
             const std::string& reason);
// `tillit erase --ids FILE`: erases every subject listed (one id per line; blank lines and # comments skipped) in
// batches with one checkpoint; reports ids that are unknown as FILE:LINE. Exit 1 if any id could not be erased.
int RunEraseMany(const std::string& config_path, const std::string& data_dir, const std::string& ids_file,
                 const std::string& reason);
// `from` and `to` are "sqlite:DIR" or a postgres:// URL; `data_dir` is needed when neither names SQLite.
int RunMigrate(const std::string& from, const std::string& to, const std::string& data_dir);
int RunVersion();

}  // namespace tillit::cli

#endif  // TILLIT_CLI_COMMANDS_H_
