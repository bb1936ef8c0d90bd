#include "store/sqlite/sqlite_db.h"

#include <sqlite3.h>

namespace tillit::store::sqlite {
namespace {

// The rows of one statement, read out in full: SQLite hands them out one step at a time.
class StepRows final : public sql::Rows::Source {
 public:
  int size() const override { return rows_; }
  int64_t affected() const override { return affected_; }
  bool IsNull(int row, int col) const override { return At(row, col).null; }
  int64_t Int(int row, int col) const override { return At(row, col).number; }
  std::string Text(int row, int col) const override { return At(row, col).data; }
  std::vector<uint8_t> Bytes(int row, int col) const override {
    const std::string& d = At(row, col).data;
    return std::vector<uint8_t>(d.begin(), d.end());
  }

  // Steps `stmt` to the end.
  Status ReadAll(sqlite3* db, Stmt& stmt) {
    sqlite3_stmt* raw = stmt.raw();
    cols_ = sqlite3_column_count(raw);
    while (true) {
      TILLIT_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      ++rows_;
      for (int c = 0; c < cols_; ++c) {
        Cell cell;
        switch (sqlite3_column_type(raw, c)) {
          case SQLITE_NULL:
            cell.null = true;
            break;
          case SQLITE_INTEGER:
          case SQLITE_FLOAT:
            cell.number = sqlite3_column_int64(raw, c);
            break;
          default: {
            const void* p = sqlite3_column_blob(raw, c);
            if (p != nullptr) cell.data.assign(static_cast<const char*>(p), sqlite3_column_bytes(raw, c));
          }
        }
        cells_.push_back(std::move(cell));
      }
    }
    affected_ = sqlite3_stmt_readonly(raw) != 0 ? 0 : sqlite3_changes64(db);
    return Status::Ok();
  }

 private:
  struct Cell {
    bool null = false;
    int64_t number = 0;
    std::string data;
  };
  const Cell& At(int row, int col) const { return cells_[static_cast<size_t>(row) * cols_ + col]; }

  std::vector<Cell> cells_;
  int cols_ = 0;
  int rows_ = 0;
  int64_t affected_ = 0;
};

}  // namespace

Status SqliteError(int rc, sqlite3* db, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return Status::Conflict(std::move(msg));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(std::move(msg));
    case SQLITE_FULL:
    case SQLITE_IOERR:
      return Status::Unavailable(std::move(msg), "storage_unavailable");
    case SQLITE_CANTOPEN:
      return Status::NotFound(std::move(msg), "database_not_found");
    default:
      return Status::Internal(std::move(msg));
  }
}

Stmt::~Stmt() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Stmt& Stmt::Bind(int pos, int64_t value) {
  sqlite3_bind_int64(stmt_, pos, value);
  return *this;
}

Stmt& Stmt::Bind(int pos, std::string_view text) {
  sqlite3_bind_text64(stmt_, pos, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Stmt& Stmt::Bind(int pos, std::span<const uint8_t> blob) {
  sqlite3_bind_blob64(stmt_, pos, blob.data(), blob.size(), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::BindNull(int pos) {
  sqlite3_bind_null(stmt_, pos);
  return *this;
}

Result<bool> Stmt::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(rc, db_, "step");
}

void Stmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, bool create) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (create) flags |= SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqliteError(rc, raw, "open " + path);
    sqlite3_close(raw);
    return s;
  }
  std::unique_ptr<Db> db(new Db(raw));
  sqlite3_busy_timeout(raw, 5000);
  // WAL lets readers proceed beside the one writer; FULL makes every commit durable before it is acknowledged;
  // secure_delete overwrites deleted content so erased data does not linger in free pages. A 16 MiB page cache per
  // connection (the default is 2 MiB) keeps the B-tree interiors a write or read touches in memory, and reads go
  // through a memory map of the file instead of a pread per page.
  TILLIT_RETURN_IF_ERROR(
      db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON; "
               "PRAGMA cache_size=-16384; PRAGMA mmap_size=268435456;"));
  return db;
}

Db::~Db() {
  queries_.clear();
  sqlite3_close_v2(db_);
}

Status Db::Exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    Status s = SqliteError(rc, nullptr, "exec");
    return Status(s.code() == StatusCode::kConflict ? Status::Conflict(msg) : Status::Internal("sqlite: " + msg));
  }
  return Status::Ok();
}

Result<sql::Rows> Db::Query(std::string_view sql, const sql::Params& params) {
  auto it = queries_.find(std::string(sql));
  if (it == queries_.end()) {
    TILLIT_ASSIGN_OR_RETURN(Stmt stmt, Prepare(sql::InDialect(sql, /*postgres=*/false)));
    it = queries_.emplace(std::string(sql), std::make_unique<Stmt>(std::move(stmt))).first;
  }
  CachedStmt stmt(it->second.get());  // reset when done
  for (size_t i = 0; i < params.size(); ++i) {
    const sql::Params::Value& v = params[i];
    const int pos = static_cast<int>(i) + 1;
    if (v.null) {
      stmt->BindNull(pos);
    } else if (v.type == sql::Params::Type::kText) {
      stmt->Bind(pos, std::string_view(v.data));
    } else if (v.type == sql::Params::Type::kBytes) {
      stmt->Bind(pos, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(v.data.data()), v.data.size()));
    } else {
      stmt->Bind(pos, v.number);
    }
  }
  auto rows = std::make_unique<StepRows>();
  TILLIT_RETURN_IF_ERROR(rows->ReadAll(db_, *stmt));
  return sql::Rows(std::move(rows));
}

Status Db::InSavepoint(std::string_view name, const std::function<Status()>& fn) {
  const std::string n(name);
  TILLIT_RETURN_IF_ERROR(Exec("SAVEPOINT " + n));
  Status s;
  try {
    s = fn();
  } catch (...) {
    (void)Exec("ROLLBACK TO " + n);
    (void)Exec("RELEASE " + n);
    throw;
  }
  if (!s.ok()) (void)Exec("ROLLBACK TO " + n);
  (void)Exec("RELEASE " + n);
  return s;
}

Result<Stmt> Db::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc =
      sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, db_, "prepare");
  return Stmt(db_, stmt);
}

}  // namespace tillit::store::sqlite
