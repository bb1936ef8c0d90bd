// `tillit import subjects`: moves a shop's existing customer list into the register. Each row of a CSV file (header
// row of identifier names, category ids, `source` and `collected_at`) or each line of an NDJSON file (the body of
// POST /v1/subjects) becomes one subject, created through core::Register exactly as the HTTP API creates it, with
// the actor {"cli","import"}: the same validation, sealing, blind indexes and audit entries. Rows the register
// refuses are written to a rejects file together with the line they came from and a reason that never repeats the
// personal data, so the shop can fix them there and import that file again (a CSV file's `line` and `reason`
// columns are ignored on import).
//
// Thread safety: RunImportSubjects is meant to be called once, from main(); it opens the data directory itself, so
// no other process (such as `tillit serve`) may write to it meanwhile.
#ifndef TILLIT_CLI_IMPORT_H_
#define TILLIT_CLI_IMPORT_H_

#include <string>

namespace tillit::cli {

struct ImportOptions {
  std::string file;               // CSV (.csv) or NDJSON (.ndjson, .jsonl); else decided by whether it starts with '{'
  std::string config_path;        // the shop's tillit.toml: which categories and sources rows may use
  std::string data_dir;           // an initialised data directory (`tillit init`)
  std::string rejects_path;       // empty: `file` + ".rejects.csv"
  std::string source = "import";  // the source of rows that do not name their own
};

// Imports every row of `options.file`, keeping a bounded number of creates in flight so that they share group
// commits, draws a progress bar on stderr, and prints a summary (rows read, subjects created, rows rejected, the
// rejects file) on stdout. The rejects file is always written: for CSV the columns `line`, `reason` and then the
// row's own cells; for NDJSON one {"line":N,"reason":"…","input":"<the line>"} per line.
// Returns 0 when every row was imported, 1 when some row was rejected, 2 when nothing was imported because of a
// usage or file-level problem (unreadable file, unknown or duplicate column, broken CSV quoting, bad configuration,
// data directory not initialised); the message on stderr names the file and what to fix.
int RunImportSubjects(const ImportOptions& options);

}  // namespace tillit::cli

#endif  // TILLIT_CLI_IMPORT_H_
