// The PostgreSQL driver of the store core (store/sql/sql_store.h). The register's tables live in the database's
// default schema, the key store in the schema `keystore`; migrations are applied at open in one transaction under an
// advisory lock, so servers starting together do not race. Each group commit first takes a database-wide advisory
// lock, so several tillit servers on one database append to the audit chain one at a time and its seq stays
// gap-free.
#include "store/migrations.h"
#include "store/postgres/pg_conn.h"
#include "store/sql/sql_store.h"

namespace tillit::store {
namespace {

using pg::Conn;

// Advisory lock keys ("tillit" and a number), held for one transaction each.
constexpr int64_t kMigrationLock = 0x74696c6c69740001;  // applying migrations
constexpr int64_t kWriterLock = 0x74696c6c69740002;     // a group commit: one writer at a time per database

// PostgreSQL: group commits of several servers on one database are serialised by an advisory lock; deleted row
// versions leave the files at VACUUM FULL, and the WAL at a CHECKPOINT, where the role may run them.
class PgDriver final : public sql::Driver {
 public:
  Status Begin(sql::Conn& writer) override {
    TILLIT_RETURN_IF_ERROR(writer.EnsureConnected());
    return writer.Exec("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kWriterLock) + ")");
  }

  Status Commit(sql::Conn& writer) override {
    // COMMIT of a failed transaction answers "ROLLBACK" without an error: only the tag "COMMIT" means committed.
    auto commit = Raw(writer).Command("COMMIT");
    if (!commit.ok()) return commit.status();
    if (*commit != "COMMIT") return Status::Unavailable("the transaction was rolled back", "storage_unavailable");
    return Status::Ok();
  }

  void Rollback(sql::Conn& writer) override {
    Conn& conn = Raw(writer);
    conn.DropDeferred();
    if (!conn.Idle()) (void)conn.Exec("ROLLBACK");
  }

  Status Checkpoint(sql::Conn& reader, std::string* note) override {
    // CHECKPOINT needs superuser or the pg_checkpoint role. Without it the commit is durable all the same and the
    // server's own checkpoints recycle the WAL segments; the erasure says which happened.
    auto allowed = reader.Query("SELECT rolsuper OR pg_has_role(current_user, 'pg_checkpoint', 'MEMBER') "
                                "FROM pg_roles WHERE rolname = current_user");
    // pg_checkpoint does not exist before PostgreSQL 15: the role check itself fails there.
    const bool may = allowed.ok() && !allowed->empty() && allowed->Int(0, 0) != 0;  // a binary bool: 0 or 1
    if (may) TILLIT_RETURN_IF_ERROR(reader.Exec("CHECKPOINT"));
    if (note != nullptr) {
      *note = may ? "CHECKPOINT" : "no CHECKPOINT (not permitted); the server's own checkpoints recycle the WAL";
    }
    return Status::Ok();
  }

  Status Compact(sql::Conn& reader, const std::vector<std::string>& tables, std::string* note) override {
    // An update leaves the row version it superseded in the table's files until VACUUM FULL rewrites them. Only the
    // table's owner may run it; any other role is told so rather than failing the step that asked.
    std::string skipped;
    for (const auto& table : tables) {
      TILLIT_ASSIGN_OR_RETURN(sql::Rows owned, reader.Query("SELECT pg_has_role(current_user, relowner, 'USAGE') "
                                                            "FROM pg_class WHERE oid = to_regclass($1)",
                                                            sql::Params().Text(table)));
      if (owned.empty() || owned.Int(0, 0) == 0) {
        skipped += (skipped.empty() ? "" : ", ") + table;
        continue;
      }
      TILLIT_RETURN_IF_ERROR(reader.Exec("VACUUM FULL " + table));
    }
    if (note != nullptr) {
      *note = skipped.empty() ? "VACUUM FULL" : "no VACUUM FULL of " + skipped + " (not the owner)";
    }
    return Status::Ok();
  }

 private:
  static Conn& Raw(sql::Conn& conn) { return static_cast<Conn&>(conn); }
};

Status MigrateLocked(Conn& conn, bool create_if_missing) {
  TILLIT_ASSIGN_OR_RETURN(sql::Rows found, conn.Query("SELECT to_regclass('schema_migrations') IS NOT NULL, "
                                                       "to_regclass('keystore.schema_migrations') IS NOT NULL"));
  const bool has_data = found.Int(0, 0) != 0;
  const bool has_keys = found.Int(0, 1) != 0;
  if (!has_data && !create_if_missing) {
    return Status::NotFound("the PostgreSQL database has no tillit schema — run `tillit init` against it first",
                            "database_not_found");
  }
  // Created only when missing: CREATE SCHEMA needs a privilege a serving role may lack.
  if (!has_data) {
    TILLIT_RETURN_IF_ERROR(conn.Exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT "
                                     "NOT NULL, applied_at BIGINT NOT NULL)"));
  }
  if (!has_keys) {
    TILLIT_RETURN_IF_ERROR(conn.Exec("CREATE SCHEMA IF NOT EXISTS keystore; CREATE TABLE keystore.schema_migrations "
                                     "(version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT "
                                     "NOT NULL)"));
  }
  TILLIT_RETURN_IF_ERROR(sql::ApplyMigrations(conn, "schema_migrations", PostgresDataMigrations(), false));
  return sql::ApplyMigrations(conn, "keystore.schema_migrations", PostgresKeyMigrations(), false);
}

// Applies pending migrations of both schemas in one transaction, under an advisory lock: a second server starting
// at the same time waits, then finds nothing left to do.
Status Migrate(Conn& conn, bool create_if_missing) {
  TILLIT_RETURN_IF_ERROR(conn.Exec("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLock) + ")"));
  Status s = MigrateLocked(conn, create_if_missing);
  if (s.ok()) {
    auto commit = conn.Command("COMMIT");
    if (commit.ok() && *commit == "COMMIT") return Status::Ok();
    s = commit.ok() ? Status::Internal("migrations were rolled back") : commit.status();
  }
  conn.DropDeferred();
  if (!conn.Idle()) (void)conn.Exec("ROLLBACK");
  return s;
}

}  // namespace

Result<std::unique_ptr<Store>> sql::OpenPostgresStore(const StoreOptions& options) {
  TILLIT_ASSIGN_OR_RETURN(auto writer, pg::Conn::Connect(options.url));
  TILLIT_RETURN_IF_ERROR(Migrate(*writer, options.create_if_missing));
  std::vector<std::unique_ptr<sql::Conn>> readers;
  for (size_t i = 0; i < std::max<size_t>(1, options.readers); ++i) {
    TILLIT_ASSIGN_OR_RETURN(auto reader, pg::Conn::Connect(options.url));
    readers.push_back(std::move(reader));
  }
  return sql::NewSqlStore(options, std::make_unique<PgDriver>(), std::move(writer), std::move(readers));
}

}  // namespace tillit::store
