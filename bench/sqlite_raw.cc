// sqlite_raw: the storage baseline of bench/run — how fast SQLite itself takes rows the size of tillit's sealed
// records, with tillit's durability settings and nothing else: no HTTP, no JSON, no encryption, no audit entry.
//
// Workload: --rows rows into a fresh database at --db, in transactions of --batch rows (default 1 000), one prepared
// INSERT reused for every row, into a `records` table with the schema and indexes of src/store/migrations.cc;
// journal_mode=WAL, synchronous=FULL and secure_delete=ON as src/store/sqlite/sqlite_db.cc opens its databases.
// Each row: a 30-character subject id (one of --subjects), a fresh record id, kind "order", two categories, a
// payload blob of --payload-bytes and a reference blob of --reference-bytes (pass the sealed sizes: plaintext + 41).
//
// Prints "result rows_per_s <rows/s>" and "result seconds <s>".
//
// usage: sqlite_raw --db FILE [--rows N] [--batch N] [--payload-bytes N] [--reference-bytes N] [--subjects N]
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr const char* kSchema = R"(
CREATE TABLE records (
  subject_id   TEXT NOT NULL,
  record_id    TEXT NOT NULL,
  kind         TEXT NOT NULL,
  categories   TEXT NOT NULL,
  occurred_at  INTEGER NOT NULL,
  payload      BLOB NOT NULL,
  reference    BLOB,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER,
  PRIMARY KEY (subject_id, record_id)
) STRICT;
CREATE INDEX records_by_time ON records (subject_id, occurred_at DESC, record_id DESC);
CREATE INDEX records_by_expiry ON records (expires_at) WHERE expires_at IS NOT NULL;
)";

bool Check(int rc, sqlite3* db, const char* what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return true;
  std::fprintf(stderr, "sqlite_raw: %s: %s\n", what, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  return false;
}

std::string RandomId(std::string_view prefix, std::mt19937_64& rng) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string id(prefix);
  for (int i = 0; i < 26; ++i) id += kAlphabet[rng() & 31];
  return id;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  long rows = 100000, batch = 1000, payload_bytes = 160, reference_bytes = 49, subjects = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--db") {
      path = value;
    } else if (flag == "--rows") {
      rows = std::atol(value);
    } else if (flag == "--batch") {
      batch = std::atol(value);
    } else if (flag == "--payload-bytes") {
      payload_bytes = std::atol(value);
    } else if (flag == "--reference-bytes") {
      reference_bytes = std::atol(value);
    } else if (flag == "--subjects") {
      subjects = std::atol(value);
    } else {
      path.clear();
      break;
    }
  }
  if (path.empty() || rows <= 0 || batch <= 0 || payload_bytes <= 0 || reference_bytes < 0 || subjects <= 0) {
    std::fprintf(stderr,
                 "usage: sqlite_raw --db FILE [--rows N] [--batch N] [--payload-bytes N] [--reference-bytes N] "
                 "[--subjects N]\n");
    return 2;
  }

  sqlite3* db = nullptr;
  if (!Check(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr),
             db, "open")) {
    return 1;
  }
  bool ok = Check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;",
                               nullptr, nullptr, nullptr),
                  db, "pragmas") &&
            Check(sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr), db, "schema");
  sqlite3_stmt* insert = nullptr;
  ok = ok && Check(sqlite3_prepare_v2(db,
                                      "INSERT INTO records (subject_id, record_id, kind, categories, occurred_at, "
                                      "payload, reference, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                      -1, &insert, nullptr),
                   db, "prepare");
  if (!ok) {
    sqlite3_close(db);
    return 1;
  }

  // Row contents are made before timing starts: the baseline is SQLite's work, not the generator's.
  std::mt19937_64 rng(20261122);
  std::vector<std::string> subject_ids;
  for (long i = 0; i < subjects; ++i) subject_ids.push_back(RandomId("sub_", rng));
  std::vector<std::string> record_ids;
  record_ids.reserve(rows);
  for (long i = 0; i < rows; ++i) record_ids.push_back(RandomId("rec_", rng));
  std::vector<unsigned char> payload(payload_bytes), reference(reference_bytes);
  for (auto& b : payload) b = static_cast<unsigned char>(rng());
  for (auto& b : reference) b = static_cast<unsigned char>(rng());
  const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();

  const auto started = std::chrono::steady_clock::now();
  for (long done = 0; ok && done < rows;) {
    ok = Check(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), db, "begin");
    for (long k = 0; ok && k < batch && done < rows; ++k, ++done) {
      // The payload changes a little per row, as sealed payloads do (fresh nonce).
      payload[done % payload_bytes] ^= static_cast<unsigned char>(done);
      const std::string& subject = subject_ids[done % subjects];
      sqlite3_bind_text(insert, 1, subject.data(), static_cast<int>(subject.size()), SQLITE_STATIC);
      sqlite3_bind_text(insert, 2, record_ids[done].data(), static_cast<int>(record_ids[done].size()), SQLITE_STATIC);
      sqlite3_bind_text(insert, 3, "order", -1, SQLITE_STATIC);
      sqlite3_bind_text(insert, 4, "customer.order,payment.transaction", -1, SQLITE_STATIC);
      sqlite3_bind_int64(insert, 5, now - done);
      sqlite3_bind_blob(insert, 6, payload.data(), static_cast<int>(payload.size()), SQLITE_STATIC);
      if (reference_bytes > 0) {
        sqlite3_bind_blob(insert, 7, reference.data(), static_cast<int>(reference.size()), SQLITE_STATIC);
      } else {
        sqlite3_bind_null(insert, 7);
      }
      sqlite3_bind_int64(insert, 8, now);
      sqlite3_bind_null(insert, 9);
      ok = Check(sqlite3_step(insert), db, "insert");
      sqlite3_reset(insert);
    }
    ok = ok && Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  sqlite3_finalize(insert);
  sqlite3_close(db);
  if (!ok) return 1;
  std::printf("result rows_per_s %.0f\nresult seconds %.3f\n", static_cast<double>(rows) / seconds, seconds);
  return 0;
}
