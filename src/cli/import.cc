#include "cli/import.h"

#include <csv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "cli/progress.h"
#include "config/loader.h"
#include "config/taxonomy.h"
#include "core/install/data_dir.h"
#include "core/register/register.h"
#include "core/register/subject_json.h"
#include "core/consent/snapshots.h"
#include "util/mutex.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/random.h"
#include "util/status.h"
#include "util/text.h"

namespace tillit::cli {
namespace {

using nlohmann::json;

// Creates outstanding at once: enough to fill the store's group commits, few enough to bound memory.
constexpr size_t kMaxInFlight = 256;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

enum class Format { kCsv, kNdjson };

void Fail(const std::string& message) { std::cerr << "tillit: " << message << "\n"; }

bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

void StripBom(std::string& line) {
  if (std::string_view(line).starts_with(kUtf8Bom)) line.erase(0, kUtf8Bom.size());
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A row as it was read, kept so that a rejected row can be written back for the shop to fix.
struct Row {
  int64_t line = 0;                // the line of the file it starts on
  std::vector<std::string> cells;  // CSV
  std::string text;                // NDJSON
};

struct Rejected {
  Row row;
  std::string reason;
};

// ---------------------------------------------------------------------------------------------------------------
// Reading

// Feeds a stream to libcsv line by line, so that each record is known by the line it starts on.
class CsvReader {
 public:
  using OnRow = std::function<Status(Row)>;

  // Calls `on_row` for each record in file order (blank lines are skipped) and stops at its first error.
  // InvalidArgument naming the line when the quoting is not RFC 4180; Unavailable when the stream cannot be read.
  static Status Read(std::istream& in, const OnRow& on_row) {
    CsvReader reader;
    if (csv_init(&reader.parser_, CSV_STRICT | CSV_STRICT_FINI) != 0) return Status::Internal("out of memory");
    return reader.Run(in, on_row);
  }

  ~CsvReader() { csv_free(&parser_); }

 private:
  CsvReader() = default;

  static void OnCell(void* data, size_t size, void* self) {
    auto& r = *static_cast<CsvReader*>(self);
    if (r.row_.line == 0) r.row_.line = r.line_;
    r.row_.cells.emplace_back(data != nullptr ? static_cast<const char*>(data) : "", size);
  }

  static void OnRowEnd(int /*terminator*/, void* self) {
    auto& r = *static_cast<CsvReader*>(self);
    if (r.row_.line == 0) r.row_.line = r.line_;
    r.done_.push_back(std::move(r.row_));
    r.row_ = Row();
  }

  Status Flush(const OnRow& on_row) {
    std::vector<Row> done = std::move(done_);
    done_.clear();
    for (auto& row : done) TILLIT_RETURN_IF_ERROR(on_row(std::move(row)));
    return Status::Ok();
  }

  Status Run(std::istream& in, const OnRow& on_row) {
    std::string text;
    while (std::getline(in, text)) {
      ++line_;
      if (line_ == 1) StripBom(text);
      if (!in.eof()) text.push_back('\n');  // getline drops it; the last line may have none
      // A record that has not begun yet begins on the first line that is not blank.
      if (row_.line == 0 && row_.cells.empty() && !IsBlank(text)) row_.line = line_;
      if (csv_parse(&parser_, text.data(), text.size(), OnCell, OnRowEnd, this) != text.size()) {
        return Status::InvalidArgument(
            "line " + std::to_string(line_) +
                ": a quote inside a cell that is not quoted as a whole, or text after a closing quote; quote the "
                "whole cell and double every quote inside it (\"\"), as RFC 4180 says",
            "invalid_csv");
      }
      TILLIT_RETURN_IF_ERROR(Flush(on_row));
    }
    if (in.bad()) return Status::Unavailable("the file could not be read past line " + std::to_string(line_));
    if (csv_fini(&parser_, OnCell, OnRowEnd, this) != 0) {
      return Status::InvalidArgument("the row starting on line " + std::to_string(row_.line) +
                                         " opens a quoted cell that is never closed; add the closing quote",
                                     "invalid_csv");
    }
    return Flush(on_row);
  }

  csv_parser parser_{};
  int64_t line_ = 0;  // the line being parsed
  Row row_;           // the record being parsed
  std::vector<Row> done_;
};

// Calls `on_row` for each line that is not blank, without its line break, and stops at its first error.
Status ReadLines(std::istream& in, const std::function<Status(Row)>& on_row) {
  std::string text;
  int64_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (line == 1) StripBom(text);
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (IsBlank(text)) continue;
    TILLIT_RETURN_IF_ERROR(on_row(Row{line, {}, std::move(text)}));
  }
  if (in.bad()) return Status::Unavailable("the file could not be read past line " + std::to_string(line));
  return Status::Ok();
}

// CSV by extension .csv, NDJSON by .ndjson or .jsonl, else NDJSON iff the content starts with '{'.
Format DetectFormat(const std::string& path, std::istream& in) {
  const std::string extension = Lower(std::filesystem::path(path).extension().string());
  if (extension == ".csv") return Format::kCsv;
  if (extension == ".ndjson" || extension == ".jsonl") return Format::kNdjson;
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  in.clear();
  in.seekg(0);
  StripBom(head);
  const size_t first = head.find_first_not_of(" \t\r\n");
  return first != std::string::npos && head[first] == '{' ? Format::kNdjson : Format::kCsv;
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding rows

// What a CSV column holds.
struct Column {
  enum class Kind { kIdentifier, kField, kSource, kCollectedAt, kIgnored };
  Kind kind;
  std::string name;  // identifier name or category id
};

// The columns of a rejects file, which may be imported again once its rows are fixed.
constexpr std::string_view kLineColumn = "line";
constexpr std::string_view kReasonColumn = "reason";

// The header row's columns. InvalidArgument, saying what to change, for a column that is unnamed, repeated or not
// one tillit knows for this configuration.
Result<std::vector<Column>> ParseHeader(const std::vector<std::string>& names, const config::Config& config,
                                        const std::string& config_path) {
  std::vector<std::string> known;
  for (const auto& spec : core::Identifiers()) known.emplace_back(spec.name);
  known.insert(known.end(), {"source", "collected_at"});
  for (const auto& category : config.categories) {
    const bool is_identifier =
        std::any_of(core::Identifiers().begin(), core::Identifiers().end(),
                    [&](const core::IdentifierSpec& spec) { return spec.category == category.id; });
    if (!is_identifier) known.push_back(category.id);
  }

  std::vector<Column> columns;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    const std::string quoted = "column '" + name + "'";
    if (name.empty()) {
      return Status::InvalidArgument("column " + std::to_string(i + 1) +
                                     " of the header row has no name; name it or delete the column");
    }
    for (size_t j = 0; j < i; ++j) {
      if (names[j] == name) return Status::InvalidArgument(quoted + " appears twice in the header row; keep one");
    }
    if (const core::IdentifierSpec* spec = core::FindIdentifier(name)) {
      if (config.FindCategory(spec->category) == nullptr) {
        return Status::InvalidArgument(quoted + " holds '" + std::string(spec->category) + "', which " + config_path +
                                       " does not declare; add it to `categories` there or delete the column");
      }
      columns.push_back({Column::Kind::kIdentifier, name});
    } else if (name == "source") {
      columns.push_back({Column::Kind::kSource, name});
    } else if (name == "collected_at") {
      columns.push_back({Column::Kind::kCollectedAt, name});
    } else if (name == kLineColumn || name == kReasonColumn) {
      columns.push_back({Column::Kind::kIgnored, name});
    } else if (config.FindCategory(name) != nullptr) {
      for (const auto& spec : core::Identifiers()) {
        if (spec.category == name) {
          return Status::InvalidArgument(quoted + " holds an identifier: name the column '" + std::string(spec.name) +
                                         "'");
        }
      }
      columns.push_back({Column::Kind::kField, name});
    } else if (config::FindBuiltinCategory(name) != nullptr) {
      return Status::InvalidArgument(quoted + " is a category " + config_path +
                                     " does not declare; add it to `categories` there or delete the column");
    } else {
      const std::string suggestion = ClosestMatch(name, known);
      return Status::InvalidArgument(
          "unknown " + quoted + (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?") +
          " A column is an identifier (email, phone, customer_number, login), a category id " + config_path +
          " declares, source or collected_at");
    }
  }
  return columns;
}

Result<int64_t> ParseTime(std::string_view text) {
  auto t = ParseRfc3339(text);
  if (!t.ok()) {
    return Status::InvalidArgument("collected_at must be an RFC 3339 time, e.g. 2026-11-23T10:00:00Z", "invalid_time");
  }
  return ToMicros(*t);
}

// The subject a CSV row describes; empty cells are left out. The messages name columns, never cell contents.
Result<core::SubjectInput> SubjectOfRow(const std::vector<Column>& columns, const std::vector<std::string>& cells,
                                        const std::string& default_source) {
  if (cells.size() != columns.size()) {
    return Status::InvalidArgument("the row has " + std::to_string(cells.size()) + " cells but the header has " +
                                       std::to_string(columns.size()) + " columns; quote every cell that holds a comma",
                                   "malformed_row");
  }
  core::SubjectInput input;
  input.source = default_source;
  for (size_t i = 0; i < cells.size(); ++i) {
    const Column& column = columns[i];
    const std::string& cell = cells[i];
    if (column.kind == Column::Kind::kIgnored || IsBlank(cell)) continue;
    if (!IsValidUtf8(cell)) {
      return Status::InvalidArgument("column '" + column.name + "' is not UTF-8 text; save the file as UTF-8",
                                     "invalid_utf8");
    }
    switch (column.kind) {
      case Column::Kind::kIdentifier:
        input.identifiers[column.name] = cell;
        break;
      case Column::Kind::kField:
        input.fields[column.name] = cell;
        break;
      case Column::Kind::kSource:
        input.source = cell;
        break;
      case Column::Kind::kCollectedAt: {
        TILLIT_ASSIGN_OR_RETURN(int64_t at, ParseTime(cell));
        input.collected_at = at;
        break;
      }
      case Column::Kind::kIgnored:
        break;
    }
  }
  return input;
}

// The subject an NDJSON line describes: the body of POST /v1/subjects.
Result<core::SubjectInput> SubjectOfLine(const std::string& text, const std::string& default_source) {
  TILLIT_ASSIGN_OR_RETURN(const json body, ParseUntrustedJson(text));
  TILLIT_RETURN_IF_ERROR(core::CheckSubjectJsonKeys(body));
  TILLIT_ASSIGN_OR_RETURN(core::SubjectInput in, core::DecodeSubjectJson(body, "the line"));
  if (!body.contains("source")) in.source = default_source;
  return in;
}

// ---------------------------------------------------------------------------------------------------------------
// Importing

// Hands rows to Register::Create with at most kMaxInFlight outstanding and collects the rows it refuses.
// Submit and Wait are called from one thread; the register's answers arrive on the store's writer thread.
class Importer {
 public:
  explicit Importer(core::Register& reg) : reg_(reg) {}

  // Rejects `row` at once when `input` is an error; else blocks while kMaxInFlight creates are outstanding and
  // starts one more.
  void Submit(Row row, Result<core::SubjectInput> input) {
    if (!input.ok()) return Finish(std::move(row), input.status());
    {
      MutexLock lock(mu_);
      while (in_flight_ >= kMaxInFlight) cv_.wait(mu_);
      ++in_flight_;
    }
    // The callback may run on this thread (an early error), so no lock is held here.
    reg_.Create(std::move(*input), core::Actor{"cli", "import"}, [this, row = std::move(row)](Result<std::string> id) {
      MutexLock lock(mu_);
      --in_flight_;
      FinishLocked(row, id.ok() ? Status::Ok() : id.status());
      cv_.notify_all();
    });
  }

  // Waits up to `timeout` for every create to answer; true iff all have.
  bool WaitFor(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    MutexLock lock(mu_);
    while (in_flight_ != 0) {
      if (cv_.wait_until(mu_, deadline) == std::cv_status::timeout) return in_flight_ == 0;
    }
    return true;
  }

  int64_t answered() {
    MutexLock lock(mu_);
    return answered_;
  }
  int64_t created() {
    MutexLock lock(mu_);
    return created_;
  }
  // REQUIRES: every create has answered. The rejected rows in file order.
  std::vector<Rejected> TakeRejected() {
    MutexLock lock(mu_);
    std::sort(rejected_.begin(), rejected_.end(),
              [](const Rejected& a, const Rejected& b) { return a.row.line < b.row.line; });
    return std::move(rejected_);
  }

 private:
  void Finish(Row row, const Status& status) {
    MutexLock lock(mu_);
    FinishLocked(row, status);
  }

  void FinishLocked(const Row& row, const Status& status) TILLIT_REQUIRES(mu_) {
    ++answered_;
    if (status.ok()) {
      ++created_;
    } else {
      // The register's messages name fields and rules, never the values, so the reason is safe to keep apart from
      // the row.
      rejected_.push_back({row, status.reason() + ": " + status.message()});
    }
  }

  core::Register& reg_;
  Mutex mu_;
  std::condition_variable_any cv_;
  size_t in_flight_ TILLIT_GUARDED_BY(mu_) = 0;
  int64_t answered_ TILLIT_GUARDED_BY(mu_) = 0;
  int64_t created_ TILLIT_GUARDED_BY(mu_) = 0;
  std::vector<Rejected> rejected_ TILLIT_GUARDED_BY(mu_);
};

// Writes one CSV record with every cell quoted (libcsv's writer); false on a write error.
bool WriteCsvRecord(std::FILE* out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0 && std::fputc(',', out) == EOF) return false;
    if (csv_fwrite(out, cells[i].data(), cells[i].size()) != 0) return false;
  }
  return std::fputc('\n', out) != EOF;
}

// Writes the rejects file: for CSV `line`, `reason` and the row's cells (less any `line` and `reason` columns it
// had), for NDJSON one {"line","reason","input"} object per line.
Status WriteRejects(std::FILE* out, Format format, const std::vector<std::string>& header,
                    const std::vector<Column>& columns, const std::vector<Rejected>& rejected) {
  auto kept = [&](const std::vector<std::string>& cells) {
    std::vector<std::string> out;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i >= columns.size() || columns[i].kind != Column::Kind::kIgnored) out.push_back(cells[i]);
    }
    return out;
  };
  bool ok = true;
  if (format == Format::kCsv) {
    std::vector<std::string> names{std::string(kLineColumn), std::string(kReasonColumn)};
    for (auto& name : kept(header)) names.push_back(std::move(name));
    ok = WriteCsvRecord(out, names);
    for (const auto& r : rejected) {
      if (!ok) break;
      std::vector<std::string> cells{std::to_string(r.row.line), r.reason};
      for (auto& cell : kept(r.row.cells)) cells.push_back(std::move(cell));
      ok = WriteCsvRecord(out, cells);
    }
  } else {
    for (const auto& r : rejected) {
      if (!ok) break;
      // In the order a reader wants them; bytes that are not UTF-8 become U+FFFD.
      const nlohmann::ordered_json entry = {{"line", r.row.line}, {"reason", r.reason}, {"input", r.row.text}};
      const std::string text = entry.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
      ok = std::fwrite(text.data(), 1, text.size(), out) == text.size();
    }
  }
  if (std::fflush(out) != 0) ok = false;
  if (!ok) return Status::Unavailable(std::strerror(errno));
  return Status::Ok();
}

Status CheckSource(const std::string& source, const config::Config& config, const std::string& config_path) {
  std::vector<std::string> known = core::BuiltinSources();
  for (const auto& s : config.sources) known.push_back(s.id);
  if (std::find(known.begin(), known.end(), source) != known.end()) return Status::Ok();
  std::string list;
  for (const auto& s : known) list += (list.empty() ? "" : ", ") + s;
  return Status::InvalidArgument("--source '" + source + "' is not a source of " + config_path + "; use one of " +
                                 list + ", or declare it there with [[source]]");
}

struct FileOut {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

int RunImportSubjects(const ImportOptions& options) {
  const std::string& path = options.file;
  std::string rejects_path = options.rejects_path;

  config::LoadResult loaded = config::LoadConfigFile(options.config_path);
  for (const auto& d : loaded.diagnostics) std::cerr << d.ToString() << "\n";
  if (!loaded.ok()) {
    Fail(options.config_path + " has errors; fix them (`tillit check " + options.config_path + "`) and import again");
    return 1;
  }
  std::shared_ptr<const config::Config> config = loaded.config;
  if (Status s = CheckSource(options.source, *config, options.config_path); !s.ok()) {
    Fail(s.message());
    return 2;
  }

  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    Fail(path + " is a directory; name the CSV or NDJSON file to import");
    return 2;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Fail(path + ": cannot read the file (" + std::strerror(errno) + "); check the path and its permissions");
    return 2;
  }
  const Format format = DetectFormat(path, in);
  if (rejects_path.empty()) rejects_path = path + (format == Format::kCsv ? ".rejects.csv" : ".rejects.ndjson");
  if (std::filesystem::equivalent(path, rejects_path, ec)) {
    Fail("--rejects " + rejects_path + " is the file being imported; name another file");
    return 2;
  }

  // First pass: check the header and count the rows, so that a file-level problem stops the import before any row
  // is stored and the progress bar knows its total.
  std::vector<std::string> header;
  std::vector<Column> columns;
  int64_t total = 0;
  auto count_csv = [&](Row row) -> Status {
    if (!header.empty()) {
      ++total;
      return Status::Ok();
    }
    TILLIT_ASSIGN_OR_RETURN(columns, ParseHeader(row.cells, *config, options.config_path));
    header = std::move(row.cells);
    return Status::Ok();
  };
  auto count_lines = [&](Row) {
    ++total;
    return Status::Ok();
  };
  const Status counted = format == Format::kCsv ? CsvReader::Read(in, count_csv) : ReadLines(in, count_lines);
  if (!counted.ok()) {
    Fail(path + ": " + counted.message() + "; nothing was imported");
    return 2;
  }
  if (format == Format::kCsv && header.empty()) {
    Fail(path + ": the file is empty; a CSV import needs a header row naming its columns, e.g. email,identity.name");
    return 2;
  }

  auto opened = core::Open(options.data_dir, Clock::System(), Random::Secure(), StoreUrl());
  if (!opened.ok()) {
    Fail(opened.status().message());
    return 1;
  }
  store::Store& store = *opened->store;
  if (auto published = core::PublishConfig(store, *config, Clock::System()); !published.ok()) {
    Fail(published.status().message());
    store.Close();
    return 1;
  }
  std::unique_ptr<std::FILE, FileOut> rejects(std::fopen(rejects_path.c_str(), "w"));
  if (!rejects) {
    Fail(rejects_path + ": cannot write the rejects file (" + std::strerror(errno) +
         "); name a writable one with --rejects");
    store.Close();
    return 2;
  }

  core::Register reg(config, store, *opened->keyring, *opened->indexer, Clock::System(), Random::Secure());
  Importer importer(reg);
  Status read;
  {
    ProgressBar bar("importing subjects", total);
    in.clear();
    in.seekg(0);
    if (format == Format::kCsv) {
      bool first = true;
      read = CsvReader::Read(in, [&](Row row) -> Status {
        if (first) {  // the header, checked in the first pass
          first = false;
          return Status::Ok();
        }
        auto input = SubjectOfRow(columns, row.cells, options.source);
        importer.Submit(std::move(row), std::move(input));
        bar.Update(importer.answered());
        return Status::Ok();
      });
    } else {
      read = ReadLines(in, [&](Row row) -> Status {
        auto input = SubjectOfLine(row.text, options.source);
        importer.Submit(std::move(row), std::move(input));
        bar.Update(importer.answered());
        return Status::Ok();
      });
    }
    while (!importer.WaitFor(std::chrono::milliseconds(100))) bar.Update(importer.answered());
    bar.Update(importer.answered());
  }
  store.Close();

  const std::vector<Rejected> rejected = importer.TakeRejected();
  const Status written = WriteRejects(rejects.get(), format, header, columns, rejected);
  rejects.reset();

  std::cout << "rows read         " << importer.answered() << "\n"
            << "subjects created  " << importer.created() << "\n"
            << "rows rejected     " << rejected.size() << "\n"
            << "rejects file      " << rejects_path << "\n";
  if (!written.ok()) {
    Fail(rejects_path + ": writing the rejected rows failed (" + written.message() + "); the rows above were imported");
    return 1;
  }
  if (!read.ok()) {
    Fail(path + ": " + read.message() +
         "; it changed or became unreadable during the import, and the rows after that were not read");
    return 1;
  }
  if (!rejected.empty()) {
    std::cerr << "tillit: " << rejected.size() << " row" << (rejected.size() == 1 ? " was" : "s were")
              << " rejected; the reasons are in " << rejects_path
              << ": fix the rows there and import that file again\n";
    return 1;
  }
  return 0;
}

}  // namespace tillit::cli
