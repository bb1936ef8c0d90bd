#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "store/migrations.h"
#include "store/sqlite/sqlite_db.h"
#include "util/clock.h"
#include "util/text.h"

namespace tillit::store {
namespace {

using sqlite::Db;
using sqlite::Stmt;

std::string JoinPurposes(const std::vector<std::string>& purposes) {
  std::string out;
  for (const auto& p : purposes) {
    if (!out.empty()) out += ",";
    out += p;
  }
  return out;
}

// Applies the migrations `db` lacks, each in its own transaction.
Status Migrate(Db& db, std::span<const Migration> migrations) {
  TILLIT_RETURN_IF_ERROR(
      db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
              "applied_at INTEGER NOT NULL) STRICT"));
  int current = 0;
  {
    TILLIT_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    TILLIT_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (row) current = static_cast<int>(stmt.Int(0));
  }
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    TILLIT_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    Status s = db.Exec(m.sql);
    if (s.ok()) {
      auto stmt = db.Prepare("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)");
      if (!stmt.ok()) {
        s = stmt.status();
      } else {
        stmt->Bind(1, int64_t{m.version}).Bind(2, m.description).Bind(3, ToMicros(Clock::System().Now()));
        s = stmt->Run();
      }
    }
    if (!s.ok()) {
      (void)db.Exec("ROLLBACK");
      return Status::Internal("migration " + std::to_string(m.version) + " failed: " + s.message());
    }
    TILLIT_RETURN_IF_ERROR(db.Exec("COMMIT"));
  }
  return Status::Ok();
}

ApiKeyRow ReadApiKey(const Stmt& s) {
  ApiKeyRow row;
  row.name = s.Text(0);
  row.key_hash = s.Blob(1);
  row.prefix = s.Text(2);
  row.purposes = SplitList(s.Text(3));
  row.created_at = s.Int(4);
  if (!s.IsNull(5)) row.revoked_at = s.Int(5);
  return row;
}

constexpr std::string_view kApiKeyColumns = "name, key_hash, prefix, purposes, created_at, revoked_at";

// WriteTxn over the writer's connection, inside its open transaction.
class SqliteWriteTxn final : public WriteTxn {
 public:
  explicit SqliteWriteTxn(Db& db) : db_(db) {}

  Status InsertApiKey(const ApiKeyRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare("INSERT INTO api_keys (name, key_hash, prefix, purposes, "
                                                   "created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)"));
    stmt.Bind(1, row.name).Bind(2, row.key_hash).Bind(3, row.prefix).Bind(4, JoinPurposes(row.purposes));
    stmt.Bind(5, row.created_at).Bind(6, row.revoked_at);
    Status s = stmt.Run();
    if (s.code() == StatusCode::kConflict) {
      return Status::Conflict("an API key named '" + row.name + "' exists already", "api_key_exists");
    }
    return s;
  }

  Status RevokeApiKey(std::string_view name, int64_t revoked_at) override {
    TILLIT_ASSIGN_OR_RETURN(Stmt stmt,
                            db_.Prepare("UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL"));
    stmt.Bind(1, revoked_at).Bind(2, name);
    TILLIT_RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db_.raw()) == 0) {
      return Status::NotFound("no active API key named '" + std::string(name) + "'", "api_key_not_found");
    }
    return Status::Ok();
  }

  Status PutConfigSnapshot(const ConfigSnapshotRow& row, bool* inserted) override {
    TILLIT_ASSIGN_OR_RETURN(Stmt stmt, db_.Prepare("INSERT INTO config_snapshots (id, published_at, config_json) "
                                                   "VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING"));
    stmt.Bind(1, row.id).Bind(2, row.published_at).Bind(3, row.config_json);
    TILLIT_RETURN_IF_ERROR(stmt.Run());
    if (inserted != nullptr) *inserted = sqlite3_changes(db_.raw()) > 0;
    return Status::Ok();
  }

 private:
  Db& db_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(StoreOptions options, std::unique_ptr<Db> writer, std::vector<std::unique_ptr<Db>> readers)
      : options_(std::move(options)), writer_db_(std::move(writer)), idle_readers_(std::move(readers)) {
    writer_thread_ = std::thread([this] { WriterLoop(); });
  }

  ~SqliteStore() override { Close(); }

  void Write(WriteFn fn, DoneFn done) override {
    {
      std::lock_guard lock(mu_);
      if (!closing_) {
        queue_.push_back({std::move(fn), std::move(done)});
        cv_.notify_one();
        return;
      }
    }
    done(Status::Unavailable("the store is shutting down", "shutting_down"));
  }

  Result<std::optional<ApiKeyRow>> FindApiKeyByHash(const std::vector<uint8_t>& key_hash) override {
    auto lease = AcquireReader();
    TILLIT_ASSIGN_OR_RETURN(
        Stmt stmt, lease.db->Prepare("SELECT " + std::string(kApiKeyColumns) + " FROM api_keys WHERE key_hash = ?"));
    stmt.Bind(1, key_hash);
    TILLIT_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return std::optional<ApiKeyRow>();
    return std::optional<ApiKeyRow>(ReadApiKey(stmt));
  }

  Result<std::vector<ApiKeyRow>> ListApiKeys() override {
    auto lease = AcquireReader();
    TILLIT_ASSIGN_OR_RETURN(
        Stmt stmt, lease.db->Prepare("SELECT " + std::string(kApiKeyColumns) + " FROM api_keys ORDER BY name"));
    std::vector<ApiKeyRow> rows;
    while (true) {
      TILLIT_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      rows.push_back(ReadApiKey(stmt));
    }
    return rows;
  }

  Result<std::optional<ConfigSnapshotRow>> FindConfigSnapshot(std::string_view id) override {
    auto lease = AcquireReader();
    TILLIT_ASSIGN_OR_RETURN(
        Stmt stmt, lease.db->Prepare("SELECT id, published_at, config_json FROM config_snapshots WHERE id = ?"));
    stmt.Bind(1, id);
    TILLIT_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return std::optional<ConfigSnapshotRow>();
    return std::optional<ConfigSnapshotRow>(ConfigSnapshotRow{stmt.Text(0), stmt.Int(1), stmt.Text(2)});
  }

  Result<std::vector<ConfigSnapshotRow>> ListConfigSnapshots() override {
    auto lease = AcquireReader();
    TILLIT_ASSIGN_OR_RETURN(Stmt stmt, lease.db->Prepare("SELECT id, published_at, '' FROM config_snapshots "
                                                         "ORDER BY published_at, id"));
    std::vector<ConfigSnapshotRow> rows;
    while (true) {
      TILLIT_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      rows.push_back({stmt.Text(0), stmt.Int(1), {}});
    }
    return rows;
  }

  Result<int> SchemaVersion() override {
    auto lease = AcquireReader();
    TILLIT_ASSIGN_OR_RETURN(Stmt stmt, lease.db->Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    TILLIT_ASSIGN_OR_RETURN(bool row, stmt.Step());
    return row ? static_cast<int>(stmt.Int(0)) : 0;
  }

  void Close() override {
    {
      std::lock_guard lock(mu_);
      if (closing_) return;
      closing_ = true;
      cv_.notify_one();
    }
    writer_thread_.join();
    std::lock_guard lock(reader_mu_);
    idle_readers_.clear();
    if (writer_db_) {
      // Fold the WAL back into the database so a clean shutdown leaves one self-contained file.
      (void)writer_db_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
      writer_db_.reset();
    }
  }

 private:
  struct PendingWrite {
    WriteFn fn;
    DoneFn done;
  };

  struct ReaderLease {
    SqliteStore* store;
    std::unique_ptr<Db> db;
    ~ReaderLease() {
      std::lock_guard lock(store->reader_mu_);
      store->idle_readers_.push_back(std::move(db));
      store->reader_cv_.notify_one();
    }
  };

  ReaderLease AcquireReader() {
    std::unique_lock lock(reader_mu_);
    reader_cv_.wait(lock, [this] { return !idle_readers_.empty(); });
    std::unique_ptr<Db> db = std::move(idle_readers_.back());
    idle_readers_.pop_back();
    return ReaderLease{this, std::move(db)};
  }

  void WriterLoop() {
    std::vector<PendingWrite> batch;
    while (true) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
        if (queue_.empty() && closing_) return;
        while (!queue_.empty() && batch.size() < options_.max_batch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      CommitBatch(batch);
      batch.clear();
    }
  }

  // One transaction for the whole batch; each write in its own savepoint.
  void CommitBatch(std::vector<PendingWrite>& batch) {
    std::vector<Status> results(batch.size());
    Status begin = writer_db_->Exec("BEGIN IMMEDIATE");
    if (!begin.ok()) {
      for (auto& w : batch) w.done(Status::Unavailable("cannot begin a transaction: " + begin.message()));
      return;
    }
    SqliteWriteTxn txn(*writer_db_);
    for (size_t i = 0; i < batch.size(); ++i) {
      Status s = writer_db_->Exec("SAVEPOINT w");
      if (s.ok()) {
        try {
          s = batch[i].fn(txn);
        } catch (const std::exception& e) {
          s = Status::Internal(std::string("write failed: ") + e.what());
        }
        if (!s.ok()) (void)writer_db_->Exec("ROLLBACK TO w");
        (void)writer_db_->Exec("RELEASE w");
      }
      results[i] = std::move(s);
    }
    Status commit = writer_db_->Exec("COMMIT");
    if (!commit.ok()) {
      (void)writer_db_->Exec("ROLLBACK");
      for (auto& r : results) {
        if (r.ok()) r = Status::Unavailable("commit failed: " + commit.message(), "storage_unavailable");
      }
    }
    for (size_t i = 0; i < batch.size(); ++i) batch[i].done(results[i]);
  }

  const StoreOptions options_;
  std::unique_ptr<Db> writer_db_;  // used by the writer thread only, and by Close after it has stopped

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<PendingWrite> queue_;  // guarded by mu_
  bool closing_ = false;            // guarded by mu_
  std::thread writer_thread_;

  std::mutex reader_mu_;
  std::condition_variable reader_cv_;
  std::vector<std::unique_ptr<Db>> idle_readers_;  // guarded by reader_mu_
};

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const StoreOptions& options) {
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
  {
    TILLIT_ASSIGN_OR_RETURN(Stmt attach, writer->Prepare("ATTACH DATABASE ? AS keystore"));
    attach.Bind(1, keys_path);
    TILLIT_RETURN_IF_ERROR(attach.Run());
  }
  std::vector<std::unique_ptr<Db>> readers;
  for (size_t i = 0; i < std::max<size_t>(1, options.readers); ++i) {
    TILLIT_ASSIGN_OR_RETURN(auto reader, Db::Open(data_path, false));
    readers.push_back(std::move(reader));
  }
  return std::unique_ptr<Store>(new SqliteStore(options, std::move(writer), std::move(readers)));
}

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) { return OpenSqliteStore(options); }

}  // namespace tillit::store
