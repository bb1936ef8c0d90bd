// A thin RAII layer over libpq — the store's sql::Conn for PostgreSQL: a connection with prepared statements cached
// by their text, binary parameters and results, pipelining of statements whose results nobody waits for
// (savepoints), and the one place PostgreSQL errors become Status values.
//
// Every parameterised query is prepared once per connection and then executed by name. A query is sent in
// pipeline mode together with the statements deferred before it (and its Prepare on first use), so it costs one
// round trip. Parameters and results travel in binary format, so bytea round-trips byte for byte and nothing is
// escaped.
//
// Thread safety: a Conn and its Rows belong to one thread at a time.
#ifndef TILLIT_STORE_POSTGRES_PG_CONN_H_
#define TILLIT_STORE_POSTGRES_PG_CONN_H_

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

struct pg_conn;
struct pg_result;

namespace tillit::store::pg {

// The rows of a query's result, in binary format. Integer columns of any width read as int64.
class Rows final : public sql::Rows::Source {
 public:
  explicit Rows(pg_result* result) : result_(result) {}
  Rows(Rows&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  Rows& operator=(Rows&& other) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  ~Rows() override;

  int size() const override;
  bool empty() const { return size() == 0; }
  // Rows a command inserted, updated or deleted.
  int64_t affected() const override;
  // The command tag: "INSERT 0 1", "COMMIT" …
  std::string tag() const;

  bool IsNull(int row, int col) const override;
  int64_t Int(int row, int col) const override;
  std::optional<int64_t> OptionalInt(int row, int col) const;
  std::string Text(int row, int col) const override;
  // NULL reads as empty.
  std::vector<uint8_t> Bytes(int row, int col) const override;

 private:
  pg_result* result_;
};

// Maps a failed result (nullptr when there is none) of `conn` to a Status. Only the error's primary message and
// SQLSTATE are kept, never its detail: details quote key values. Integrity violations (class 23, such as 23505
// unique_violation) become Conflict; a lost connection, a server shutting down, exhausted resources or I/O errors
// become Unavailable "storage_unavailable"; serialization failures, deadlocks and lock timeouts Unavailable
// "unavailable"; anything else Internal.
Status PgError(pg_conn* conn, const pg_result* result, std::string_view what);

class Conn final : public sql::Conn {
 public:
  // Connects to `url` (a postgres:// or postgresql:// URI or a conninfo string) with client encoding UTF-8.
  // Unavailable "storage_unavailable" if the server cannot be reached or refuses the connection.
  static Result<std::unique_ptr<Conn>> Connect(const std::string& url);
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  ~Conn() override;

  bool postgres() const override { return true; }
  // Runs one parameterised statement (in the store's notation, sql::InDialect), prepared on first use and cached by
  // its text, after sending the deferred statements in the same round trip. If a deferred statement fails, that
  // failure is returned and `sql` does not run. A statement's text must come with the same parameter types every
  // time (Internal otherwise).
  Result<sql::Rows> Query(std::string_view sql, const sql::Params& params) override;
  using sql::Conn::Query;
  // Runs one or more statements without parameters (simple query protocol) after the deferred ones, in one round
  // trip, and returns the last statement's command tag ("COMMIT"). Stops at the first failing statement.
  Result<std::string> Command(std::string_view sql);
  Status Exec(std::string_view sql) override { return Command(sql).status(); }
  // The SAVEPOINT is sent with fn's first statement, and never if fn sends none. If fn fails, or returns ok although
  // one of its statements failed, what it wrote is undone (and the latter becomes Internal). An exception from fn is
  // rethrown after the rollback is queued.
  Status InSavepoint(std::string_view name, const std::function<Status()>& fn) override;

  // Queues a parameterless statement whose result only matters if it fails (SAVEPOINT, RELEASE …); it is sent with
  // the next Query, Exec or Command.
  void Defer(std::string_view sql);
  // Removes the newest deferred statement iff it is `sql` and has not been sent yet; true iff it did. A savepoint
  // that was never sent needs no rollback.
  bool Undefer(std::string_view sql);
  // Forgets deferred statements without sending them.
  void DropDeferred() { deferred_.clear(); }
  // Sends the deferred statements now, if there are any; the first failure is returned.
  Status Flush();

  // True iff the server has reported the open transaction as failed: its statements fail until a ROLLBACK (TO).
  bool InFailedTransaction() const;
  // True iff no transaction is open.
  bool Idle() const;
  // Reconnects iff the connection has been lost or a pipeline broke off; prepared and deferred statements are
  // dropped then.
  // Never call it inside a transaction: work done before the loss would silently be gone.
  Status EnsureConnected() override;

 private:
  explicit Conn(pg_conn* conn) : conn_(conn) {}
  Status Lost(std::string_view what);

  struct Prepared {
    std::string name;
    std::vector<unsigned int> types;
  };

  pg_conn* conn_;
  std::unordered_map<std::string, Prepared> prepared_;
  std::vector<std::string> deferred_;
  uint64_t next_statement_ = 0;
  bool broken_ = false;  // the connection is lost or out of step with the server: only EnsureConnected helps
};

}  // namespace tillit::store::pg

#endif  // TILLIT_STORE_POSTGRES_PG_CONN_H_
