// The SQLite driver of the store core (store/sql/sql_store.h): the register in tillit.db and the key store in
// keys.db, a separate file attached to every connection as `keystore`, both in WAL mode with synchronous=FULL and
// secure_delete.
#include <sys/stat.h>

#include <chrono>
#include <thread>

#include "store/migrations.h"
#include "store/sql/sql_store.h"
#include "store/sqlite/sqlite_db.h"

namespace tillit::store {
namespace {

using sqlite::Db;

// SQLite: one writer by its file lock (BEGIN IMMEDIATE); deleted pages are overwritten (secure_delete) and leave the
// write-ahead log at a TRUNCATE checkpoint.
class SqliteDriver final : public sql::Driver {
 public:
  Status Begin(sql::Conn& writer) override { return writer.Exec("BEGIN IMMEDIATE"); }
  Status Commit(sql::Conn& writer) override { return writer.Exec("COMMIT"); }
  void Rollback(sql::Conn& writer) override { (void)writer.Exec("ROLLBACK"); }

  Status Checkpoint(sql::Conn& reader, std::string* note) override {
    // A TRUNCATE checkpoint waits (busy timeout) for the writer and for readers of old snapshots; retried a few
    // times so an erasure is reported complete only once its pages have left both WAL files.
    for (int attempt = 0; attempt < 20; ++attempt) {
      bool done = true;
      for (const char* schema : {"main", "keystore"}) {
        TILLIT_ASSIGN_OR_RETURN(sql::Rows rows,
                                reader.Query(std::string("PRAGMA ") + schema + ".wal_checkpoint(TRUNCATE)"));
        if (!rows.empty() && rows.Int(0, 0) != 0) done = false;  // busy: not every frame could be written back
      }
      if (done) {
        if (note != nullptr) *note = "wal_checkpoint(TRUNCATE) on the data and key databases";
        return Status::Ok();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return Status::Unavailable("the write-ahead log could not be checkpointed: readers kept it busy", "wal_busy");
  }

  Status Compact(sql::Conn& reader, const std::vector<std::string>&, std::string* note) override {
    // secure_delete overwrites what an update frees; the superseded pages leave the WAL at the checkpoint.
    return Checkpoint(reader, note);
  }

  void Close(sql::Conn& writer) override {
    // Fold the WAL back into the database so a clean shutdown leaves one self-contained file.
    (void)writer.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
};

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// Applies the migrations `db` lacks, each in its own transaction.
Status Migrate(Db& db, std::span<const Migration> migrations) {
  TILLIT_RETURN_IF_ERROR(
      db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
              "applied_at INTEGER NOT NULL) STRICT"));
  return sql::ApplyMigrations(db, "schema_migrations", migrations, /*transaction_each=*/true);
}

Status AttachKeystore(Db& db, const std::string& keys_path) {
  return db.Query("ATTACH DATABASE $1 AS keystore", sql::Params().Text(keys_path)).status();
}

}  // namespace

Result<std::unique_ptr<Store>> sql::OpenSqliteStore(const StoreOptions& options) {
  const std::string data_path = options.data_dir + "/tillit.db";
  const std::string keys_path = options.data_dir + "/keys.db";
  if (!options.create_if_missing && (!FileExists(data_path) || !FileExists(keys_path))) {
    return Status::NotFound("no tillit database in " + options.data_dir + " — run `tillit init --config FILE --data " +
                                options.data_dir + "` first",
                            "database_not_found");
  }
  {
    TILLIT_ASSIGN_OR_RETURN(auto keys, Db::Open(keys_path, options.create_if_missing));
    TILLIT_RETURN_IF_ERROR(Migrate(*keys, SqliteKeyMigrations()));
  }
  TILLIT_ASSIGN_OR_RETURN(auto writer, Db::Open(data_path, options.create_if_missing));
  TILLIT_RETURN_IF_ERROR(Migrate(*writer, SqliteDataMigrations()));
  TILLIT_RETURN_IF_ERROR(AttachKeystore(*writer, keys_path));
  std::vector<std::unique_ptr<sql::Conn>> readers;
  for (size_t i = 0; i < std::max<size_t>(1, options.readers); ++i) {
    TILLIT_ASSIGN_OR_RETURN(auto reader, Db::Open(data_path, false));
    TILLIT_RETURN_IF_ERROR(AttachKeystore(*reader, keys_path));
    readers.push_back(std::move(reader));
  }
  return sql::NewSqlStore(options, std::make_unique<SqliteDriver>(), std::move(writer), std::move(readers));
}

}  // namespace tillit::store
