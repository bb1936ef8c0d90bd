// The small connection interface the store's one query layer is written over (store/sql/queries.cc): parameters,
// result rows, and a connection that runs SQL. Each backend implements it once (store/sqlite/sqlite_db.cc,
// store/postgres/pg_conn.cc); everything above it is written once for both.
//
// SQL text is written in one notation: numbered parameters $1, $2 … (a parameter may repeat), and a few words that
// differ between the dialects in braces, which each backend rewrites once per statement before preparing it:
//   {ord}          the column that orders rows by insertion (SQLite rowid, PostgreSQL ord)
//   {empty_blob}   an empty byte string (X'' / ''::bytea)
//   {least}        the smaller of two values (MIN / LEAST)
//   {indexed_by I} after a table name: SQLite must use the (partial) index I; PostgreSQL finds it alone
// A statement that differs in more than these words is written twice and chosen with Conn::postgres().
//
// Thread safety: a Conn and its Rows belong to one thread at a time.
#ifndef TILLIT_STORE_SQL_CONN_H_
#define TILLIT_STORE_SQL_CONN_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace tillit::store::sql {

// The parameters of one execution, $1, $2 … in the order they are added. Each keeps its type: PostgreSQL prepares a
// statement for fixed parameter types, SQLite binds by storage class.
class Params {
 public:
  enum class Type : uint8_t { kInt64, kInt32, kBool, kText, kBytes };
  struct Value {
    Type type;
    bool null;
    int64_t number;
    std::string data;  // text or bytes
  };

  Params& Int64(int64_t value) { return Add({Type::kInt64, false, value, {}}); }
  Params& Int64(const std::optional<int64_t>& value) { return Add({Type::kInt64, !value, value.value_or(0), {}}); }
  Params& Int32(int32_t value) { return Add({Type::kInt32, false, value, {}}); }
  Params& Bool(bool value) { return Add({Type::kBool, false, value ? 1 : 0, {}}); }
  Params& Text(std::string_view value) { return Add({Type::kText, false, 0, std::string(value)}); }
  // NULL typed as text: switches off an optional filter.
  Params& NullText() { return Add({Type::kText, true, 0, {}}); }
  Params& Bytes(std::span<const uint8_t> value) {
    return Add({Type::kBytes, false, 0, std::string(reinterpret_cast<const char*>(value.data()), value.size())});
  }
  // NULL typed as bytes.
  Params& NullBytes() { return Add({Type::kBytes, true, 0, {}}); }
  // Bytes, or NULL when empty: a sealed value that is absent.
  Params& BytesOrNull(const std::vector<uint8_t>& value) { return value.empty() ? NullBytes() : Bytes(value); }

  size_t size() const { return values_.size(); }
  const Value& operator[](size_t i) const { return values_[i]; }

 private:
  Params& Add(Value value) {
    values_.push_back(std::move(value));
    return *this;
  }
  std::vector<Value> values_;
};

// The rows a statement returned, read by (row, column); and for a command, how many rows it changed.
class Rows {
 public:
  // What a backend supplies. Integer columns of any width (and booleans) read as int64; NULL reads as 0 or empty.
  class Source {
   public:
    virtual ~Source() = default;
    virtual int size() const = 0;
    virtual int64_t affected() const = 0;
    virtual bool IsNull(int row, int col) const = 0;
    virtual int64_t Int(int row, int col) const = 0;
    virtual std::string Text(int row, int col) const = 0;
    virtual std::vector<uint8_t> Bytes(int row, int col) const = 0;
  };

  explicit Rows(std::unique_ptr<Source> source) : source_(std::move(source)) {}

  int size() const { return source_->size(); }
  bool empty() const { return size() == 0; }
  // Rows an INSERT, UPDATE or DELETE changed.
  int64_t affected() const { return source_->affected(); }
  bool IsNull(int row, int col) const { return source_->IsNull(row, col); }
  int64_t Int(int row, int col) const { return source_->Int(row, col); }
  std::optional<int64_t> OptionalInt(int row, int col) const {
    return IsNull(row, col) ? std::nullopt : std::optional<int64_t>(Int(row, col));
  }
  std::string Text(int row, int col) const { return source_->Text(row, col); }
  std::vector<uint8_t> Bytes(int row, int col) const { return source_->Bytes(row, col); }

 private:
  std::unique_ptr<Source> source_;
};

// A connection. Errors come back as Status values mapped once per backend: integrity violations Conflict, a lost
// or busy database Unavailable, anything else Internal.
class Conn {
 public:
  virtual ~Conn() = default;

  // True for PostgreSQL, false for SQLite: for the few statements written once per dialect.
  virtual bool postgres() const = 0;
  // Runs one statement (in the notation above), prepared on first use and kept for reuse.
  virtual Result<Rows> Query(std::string_view sql, const Params& params) = 0;
  Result<Rows> Query(std::string_view sql) { return Query(sql, Params()); }
  // Runs one or more statements without parameters or results (DDL, BEGIN, PRAGMA …), as written.
  virtual Status Exec(std::string_view sql) = 0;
  // Runs `fn` in a savepoint of the open transaction: if it fails (or throws), what it did is undone and the rest
  // of the transaction stays. Exceptions pass through after the undo.
  virtual Status InSavepoint(std::string_view name, const std::function<Status()>& fn) = 0;
  // Makes the connection usable again after it was lost (PostgreSQL reconnects); never inside a transaction.
  virtual Status EnsureConnected() { return Status::Ok(); }
};

// `sql` in a backend's own words: the braced words of the notation above replaced, and for SQLite each $N written
// ?N (the same numbered parameter). Quoted literals are left as they are.
std::string InDialect(std::string_view sql, bool postgres);

}  // namespace tillit::store::sql

#endif  // TILLIT_STORE_SQL_CONN_H_
