// A thin RAII layer over the SQLite C API: a connection (the store's sql::Conn for SQLite), prepared statements,
// and the one place SQLite result codes become Status values.
//
// Thread safety: a Db and its Stmts belong to one thread at a time.
#ifndef TILLIT_STORE_SQLITE_SQLITE_DB_H_
#define TILLIT_STORE_SQLITE_SQLITE_DB_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/sql/conn.h"
#include "util/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace tillit::store::sqlite {

// Maps a SQLite result code to a Status; constraint violations become Conflict.
Status SqliteError(int rc, sqlite3* db, std::string_view what);

class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Stmt(Stmt&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Binding positions start at 1.
  Stmt& Bind(int pos, int64_t value);
  Stmt& Bind(int pos, std::string_view text);
  Stmt& Bind(int pos, std::span<const uint8_t> blob);
  Stmt& BindNull(int pos);

  // Steps once: true when a row is available, false when done; a failure is returned as a Status.
  Result<bool> Step();
  // Resets for reuse and clears bindings.
  void Reset();

  sqlite3_stmt* raw() const { return stmt_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// A statement borrowed from a Db's cache; reset (bindings cleared) when the lease ends.
class CachedStmt {
 public:
  explicit CachedStmt(Stmt* stmt) : stmt_(stmt) {}
  CachedStmt(CachedStmt&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  CachedStmt(const CachedStmt&) = delete;
  CachedStmt& operator=(const CachedStmt&) = delete;
  ~CachedStmt() {
    if (stmt_ != nullptr) stmt_->Reset();
  }
  Stmt* operator->() const { return stmt_; }
  Stmt& operator*() const { return *stmt_; }

 private:
  Stmt* stmt_;
};

class Db final : public sql::Conn {
 public:
  // Opens (creating if `create`) the database file with WAL, foreign keys and a busy timeout.
  static Result<std::unique_ptr<Db>> Open(const std::string& path, bool create);
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db() override;

  // sql::Conn. Query keeps each statement prepared, keyed by its text; its rows are read out before it returns.
  bool postgres() const override { return false; }
  Result<sql::Rows> Query(std::string_view sql, const sql::Params& params) override;
  using sql::Conn::Query;
  Status Exec(std::string_view sql) override;
  Status InSavepoint(std::string_view name, const std::function<Status()>& fn) override;

  Result<Stmt> Prepare(std::string_view sql);
  sqlite3* raw() const { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  // Query's prepared statements, by the text it was given; destroyed before db_ is closed.
  std::unordered_map<std::string, std::unique_ptr<Stmt>> queries_;
};

}  // namespace tillit::store::sqlite

#endif  // TILLIT_STORE_SQLITE_SQLITE_DB_H_
