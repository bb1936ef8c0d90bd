// The one Store implementation: a group-commit writer and a pool of reader connections over the connection interface
// (conn.h), with every typed operation from queries.h. A backend supplies its connections and a Driver: how a group
// commit begins and ends on its writer connection, and how deleted data is made to leave its files.
//
// The writer: concurrent Write calls queue; one thread takes up to StoreOptions::max_batch of them, runs them in one
// transaction, each in its own savepoint (a failing write undoes only itself), runs the commit hook (the audit head)
// if any write succeeded, commits, and only then tells each caller its result. Nothing is acknowledged before the
// commit; a failed commit fails every write of the batch.
//
// The readers: each read borrows an idle connection for one statement (or a few) and gives it back. After Close, a
// read or write fails with Unavailable "shutting_down" instead of waiting.
#ifndef TILLIT_STORE_SQL_SQL_STORE_H_
#define TILLIT_STORE_SQL_SQL_STORE_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/migrations.h"
#include "store/sql/conn.h"
#include "store/store.h"

namespace tillit::store::sql {

// What differs between the backends beyond SQL text. Every method runs on the writer thread (Begin, Commit,
// Rollback, Close) or on a borrowed reader connection (Checkpoint, Compact).
class Driver {
 public:
  virtual ~Driver() = default;
  // Opens the group commit's transaction on the writer connection.
  virtual Status Begin(Conn& writer) = 0;
  // Commits it: OK only if it committed; otherwise the transaction is over and nothing of it was kept.
  virtual Status Commit(Conn& writer) = 0;
  // Ends it, if one is open, keeping nothing.
  virtual void Rollback(Conn& writer) = 0;
  // Makes committed deletions leave the write-ahead log (Store::Checkpoint).
  virtual Status Checkpoint(Conn& reader, std::string* note) = 0;
  // Rewrites `tables` so superseded row versions leave the files (Store::Compact).
  virtual Status Compact(Conn& reader, const std::vector<std::string>& tables, std::string* note) = 0;
  // Runs once at Close, after the writer has stopped, before the connections close.
  virtual void Close(Conn& writer) { (void)writer; }
};

// The store over `writer` (used by the writer thread only) and `readers` (at least one).
std::unique_ptr<Store> NewSqlStore(const StoreOptions& options, std::unique_ptr<Driver> driver,
                                   std::unique_ptr<Conn> writer, std::vector<std::unique_ptr<Conn>> readers);

// The two drivers (store/sqlite/sqlite_store.cc, store/postgres/pg_store.cc): each opens its connections, applies
// its dialect's pending migrations and hands them to NewSqlStore. Store::Open chooses between them by URL.
Result<std::unique_ptr<Store>> OpenSqliteStore(const StoreOptions& options);
Result<std::unique_ptr<Store>> OpenPostgresStore(const StoreOptions& options);

// Applies the migrations that `table` (a schema_migrations table, which must exist) does not list yet, in order,
// recording each. With `transaction_each`, each migration runs in its own transaction; otherwise the caller holds one
// transaction for all of them.
Status ApplyMigrations(Conn& conn, std::string_view table, std::span<const Migration> migrations,
                       bool transaction_each);

}  // namespace tillit::store::sql

#endif  // TILLIT_STORE_SQL_SQL_STORE_H_
