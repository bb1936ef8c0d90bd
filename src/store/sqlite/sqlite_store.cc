#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "store/migrations.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_queries.h"
#include "store/sqlite/sqlite_requests.h"
#include "util/clock.h"
#include "util/text.h"

namespace tillit::store {
namespace {

using sqlite::Db;
using sqlite::Stmt;

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

class SqliteStore final : public Store {
 public:
  SqliteStore(StoreOptions options, std::unique_ptr<Db> writer, std::vector<std::unique_ptr<Db>> readers)
      : options_(std::move(options)),
        writer_db_(std::move(writer)),
        writer_txn_(sqlite::NewWriteTxn(*writer_db_)),
        idle_readers_(std::move(readers)) {
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

  void SetCommitHook(WriteFn hook) override { commit_hook_ = std::move(hook); }

  Result<std::optional<ApiKeyRow>> FindApiKeyByHash(const std::vector<uint8_t>& key_hash) override {
    return sqlite::FindApiKeyByHash(*AcquireReader().db, key_hash);
  }
  Result<std::vector<ApiKeyRow>> ListApiKeys() override { return sqlite::ListApiKeys(*AcquireReader().db); }
  Result<std::optional<ConfigSnapshotRow>> FindConfigSnapshot(std::string_view id) override {
    return sqlite::FindConfigSnapshot(*AcquireReader().db, id);
  }
  Result<std::vector<ConfigSnapshotRow>> ListConfigSnapshots() override {
    return sqlite::ListConfigSnapshots(*AcquireReader().db);
  }
  Result<std::optional<SecretRow>> FindSecret(std::string_view label) override {
    return sqlite::FindSecret(*AcquireReader().db, label);
  }
  Result<std::vector<SecretRow>> ListSecrets() override { return sqlite::ListSecrets(*AcquireReader().db); }
  Result<std::optional<SubjectRow>> FindSubject(std::string_view subject_id) override {
    return sqlite::FindSubject(*AcquireReader().db, subject_id);
  }
  Result<std::vector<SubjectRow>> ListSubjects(std::optional<std::pair<int64_t, std::string>> after,
                                               size_t limit) override {
    return sqlite::ListSubjects(*AcquireReader().db, std::move(after), limit);
  }
  Result<std::optional<DataKeyRow>> FindDataKey(std::string_view subject_id) override {
    return sqlite::FindDataKey(*AcquireReader().db, subject_id);
  }
  Result<std::vector<DataKeyRow>> ListDataKeysBelow(uint32_t version, std::string_view after_subject_id,
                                                    size_t limit) override {
    return sqlite::ListDataKeysBelow(*AcquireReader().db, version, after_subject_id, limit);
  }
  Result<int64_t> CountDataKeysBelow(uint32_t version) override {
    return sqlite::CountDataKeysBelow(*AcquireReader().db, version);
  }
  Result<std::optional<std::string>> FindUniqueIndex(IndexKind kind, const std::vector<uint8_t>& value) override {
    return sqlite::FindUniqueIndex(*AcquireReader().db, kind, value);
  }
  Result<std::vector<std::string>> FindSharedIndex(IndexKind kind, const std::vector<uint8_t>& value) override {
    return sqlite::FindSharedIndex(*AcquireReader().db, kind, value);
  }
  Result<std::vector<FieldRow>> ListFields(std::string_view subject_id) override {
    return sqlite::ListFields(*AcquireReader().db, subject_id);
  }
  Result<std::vector<FieldChangeRow>> ListFieldChanges(std::string_view subject_id) override {
    return sqlite::ListFieldChanges(*AcquireReader().db, subject_id);
  }
  Result<std::vector<RecordRow>> ListRecords(std::string_view subject_id, const RecordQuery& query) override {
    return sqlite::ListRecords(*AcquireReader().db, subject_id, query);
  }
  Result<std::optional<RecordRow>> FindRecord(std::string_view subject_id, std::string_view record_id) override {
    return sqlite::FindRecord(*AcquireReader().db, subject_id, record_id);
  }
  Result<std::vector<ConsentEventRow>> ListConsentEvents(std::string_view subject_id) override {
    return sqlite::ListConsentEvents(*AcquireReader().db, subject_id);
  }
  Result<std::vector<ObjectionRow>> ListObjections(std::string_view subject_id) override {
    return sqlite::ListObjections(*AcquireReader().db, subject_id);
  }
  Result<std::vector<RestrictionRow>> ListRestrictions(std::string_view subject_id) override {
    return sqlite::ListRestrictions(*AcquireReader().db, subject_id);
  }
  Result<std::vector<ConsentEventRow>> ScanConsentEvents(std::string_view after_subject, std::string_view after_id,
                                                         size_t limit) override {
    return sqlite::ScanConsentEvents(*AcquireReader().db, after_subject, after_id, limit);
  }
  Result<std::vector<ObjectionRow>> ScanObjections(std::string_view after_subject, std::string_view after_id,
                                                   size_t limit) override {
    return sqlite::ScanObjections(*AcquireReader().db, after_subject, after_id, limit);
  }
  Result<LegacyPlaintext> ListLegacyPlaintext(size_t limit) override {
    return sqlite::ListLegacyPlaintext(*AcquireReader().db, limit);
  }
  Result<bool> HasCodeAddressesBefore(int64_t before) override {
    return sqlite::HasCodeAddressesBefore(*AcquireReader().db, before);
  }
  Result<std::vector<RestrictionRow>> ScanActiveRestrictions(std::string_view after_subject, std::string_view after_id,
                                                             size_t limit) override {
    return sqlite::ScanActiveRestrictions(*AcquireReader().db, after_subject, after_id, limit);
  }
  Result<std::vector<VisitorConsentRow>> ListVisitorConsents(std::string_view visitor_id) override {
    return sqlite::ListVisitorConsents(*AcquireReader().db, visitor_id);
  }
  Result<std::vector<DisclosureRow>> ListDisclosures(std::string_view subject_id) override {
    return sqlite::ListDisclosures(*AcquireReader().db, subject_id);
  }
  Result<std::vector<WebhookDeliveryRow>> DueWebhookDeliveries(int64_t now, size_t limit) override {
    return sqlite::DueWebhookDeliveries(*AcquireReader().db, now, limit);
  }
  Result<std::vector<WebhookDeliveryRow>> ListWebhookDeliveries(std::string_view status, size_t limit) override {
    return sqlite::ListWebhookDeliveries(*AcquireReader().db, status, limit);
  }
  Result<std::optional<WebhookDeliveryRow>> FindWebhookDelivery(std::string_view delivery_id) override {
    return sqlite::FindWebhookDelivery(*AcquireReader().db, delivery_id);
  }
  Result<std::vector<std::string>> ListVisitorIds(std::string_view after, size_t limit) override {
    return sqlite::ListVisitorIds(*AcquireReader().db, after, limit);
  }
  Result<std::vector<VisitorLinkRow>> ListVisitorLinks(std::string_view visitor_id) override {
    return sqlite::ListVisitorLinks(*AcquireReader().db, visitor_id);
  }
  Result<std::vector<AuditRow>> ReadAudit(int64_t after_seq, size_t limit) override {
    return sqlite::ReadAudit(*AcquireReader().db, after_seq, limit);
  }
  Result<std::vector<AuditRow>> ReadSubjectAudit(std::string_view subject_id, int64_t after_seq,
                                                 size_t limit) override {
    return sqlite::ReadSubjectAudit(*AcquireReader().db, subject_id, after_seq, limit);
  }
  Result<std::optional<AuditCheckpointRow>> FindAuditCheckpoint() override {
    return sqlite::FindAuditCheckpoint(*AcquireReader().db);
  }
  Result<std::optional<AuditCheckpointRow>> FindKeyStoreAuditHead() override {
    return sqlite::FindKeyStoreAuditHead(*AcquireReader().db);
  }
  Result<std::vector<ProhibitionRow>> ListProhibitions(std::string_view subject_id) override {
    return sqlite::ListProhibitions(*AcquireReader().db, subject_id);
  }
  Result<std::vector<ProhibitionRow>> ScanActiveProhibitions(std::string_view after_subject, std::string_view after_id,
                                                             size_t limit) override {
    return sqlite::ScanActiveProhibitions(*AcquireReader().db, after_subject, after_id, limit);
  }
  Result<std::vector<OptOutRegisterRow>> ListOptOutRegisters() override {
    return sqlite::ListOptOutRegisters(*AcquireReader().db);
  }
  Result<std::vector<OptOutMatch>> ListOptOutMatches(std::string_view subject_id) override {
    return sqlite::ListOptOutMatches(*AcquireReader().db, subject_id);
  }
  Result<std::vector<std::string>> FindOptOutRegisters(IndexKind kind, const std::vector<uint8_t>& value) override {
    return sqlite::FindOptOutRegisters(*AcquireReader().db, kind, value);
  }
  Result<std::vector<std::pair<std::string, std::vector<uint8_t>>>> ScanSharedIndex(
      IndexKind kind, std::string_view subject_id, const std::vector<uint8_t>& after_value,
      std::string_view after_subject, size_t limit) override {
    return sqlite::ScanSharedIndex(*AcquireReader().db, kind, subject_id, after_value, after_subject, limit);
  }
  Result<std::optional<ReportRow>> FindReportByToken(const std::vector<uint8_t>& token_hash) override {
    return sqlite::FindReportByToken(*AcquireReader().db, token_hash);
  }
  Result<std::vector<ReportRow>> ListReports(std::string_view subject_id) override {
    return sqlite::ListReports(*AcquireReader().db, subject_id);
  }

  Result<std::vector<std::pair<int64_t, std::string>>> ReadDecisionChanges(int64_t after_seq, size_t limit) override {
    return sqlite::ReadDecisionChanges(*AcquireReader().db, after_seq, limit);
  }
  Result<std::optional<RightsRequestRow>> FindRightsRequest(std::string_view request_id) override {
    return sqlite::FindRightsRequest(*AcquireReader().db, request_id);
  }
  Result<std::vector<RightsRequestRow>> ListRightsRequests(const RequestQuery& query) override {
    return sqlite::ListRightsRequests(*AcquireReader().db, query);
  }
  Result<std::vector<RequestEventRow>> ListRequestEvents(std::string_view request_id) override {
    return sqlite::ListRequestEvents(*AcquireReader().db, request_id);
  }
  Result<std::vector<MailRow>> ListDueMail(int64_t now, size_t limit) override {
    return sqlite::ListDueMail(*AcquireReader().db, now, limit);
  }
  Result<std::vector<MailRow>> ListSubjectMail(std::string_view subject_id) override {
    return sqlite::ListSubjectMail(*AcquireReader().db, subject_id);
  }
  Result<int64_t> LastDecisionChange() override { return sqlite::LastDecisionChange(*AcquireReader().db); }
  Result<std::vector<std::vector<uint8_t>>> ListSuppressions(std::string_view subject_id) override {
    auto lease = AcquireReader();
    TILLIT_ASSIGN_OR_RETURN(auto stmt, lease.db->Cached("SELECT value FROM shared_index WHERE kind = 4 AND "
                                                        "subject_id = ? ORDER BY value"));
    stmt->Bind(1, subject_id);
    std::vector<std::vector<uint8_t>> out;
    while (true) {
      TILLIT_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) return out;
      out.push_back(stmt->Blob(0));
    }
  }
  Result<OperationsCounts> CountOperations(int64_t now) override {
    auto lease = AcquireReader();
    TILLIT_ASSIGN_OR_RETURN(
        auto stmt,
        lease.db->Cached("SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'queued'), "
                         "(SELECT COALESCE(MIN(created_at), 0) FROM outbox WHERE status = 'queued'), "
                         "(SELECT COUNT(*) FROM outbox WHERE status = 'failed'), "
                         "(SELECT COUNT(*) FROM webhook_outbox WHERE status = 'dead'), "
                         "(SELECT COUNT(*) FROM rights_requests WHERE closed_at IS NULL AND due_at < ?)"));
    stmt->Bind(1, now);
    TILLIT_ASSIGN_OR_RETURN(bool row, stmt->Step());
    OperationsCounts out;
    if (!row) return out;
    out.mail_queued = stmt->Int(0);
    out.oldest_queued_mail_at = stmt->Int(1);
    out.mail_failed = stmt->Int(2);
    out.webhooks_dead = stmt->Int(3);
    out.requests_overdue = stmt->Int(4);
    return out;
  }
  Result<std::optional<ErasureRow>> FindErasure(std::string_view subject_id) override {
    return sqlite::FindErasure(*AcquireReader().db, subject_id);
  }
  Result<std::vector<SubjectRow>> ListExpiredSubjects(int64_t now, size_t limit) override {
    return sqlite::ListExpiredSubjects(*AcquireReader().db, now, limit);
  }
  Result<std::vector<RecordRow>> ListExpiredRecords(int64_t now, size_t limit) override {
    return sqlite::ListExpiredRecords(*AcquireReader().db, now, limit);
  }
  Status Checkpoint(std::string* note) override {
    // A TRUNCATE checkpoint waits (busy timeout) for the writer and for readers of old snapshots; retried a few
    // times so an erasure is reported complete only once its pages have left both WAL files.
    auto lease = AcquireReader();
    for (int attempt = 0; attempt < 20; ++attempt) {
      bool done = true;
      for (const char* schema : {"main", "keystore"}) {
        TILLIT_ASSIGN_OR_RETURN(Stmt stmt,
                                lease.db->Prepare(std::string("PRAGMA ") + schema + ".wal_checkpoint(TRUNCATE)"));
        TILLIT_ASSIGN_OR_RETURN(bool row, stmt.Step());
        if (row && stmt.Int(0) != 0) done = false;  // busy: not every frame could be written back
      }
      if (done) {
        if (note != nullptr) *note = "wal_checkpoint(TRUNCATE) on the data and key databases";
        return Status::Ok();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return Status::Unavailable("the write-ahead log could not be checkpointed: readers kept it busy", "wal_busy");
  }
  Status Compact(const std::vector<std::string>&, std::string* note) override {
    // secure_delete overwrites what an update frees; the superseded pages leave the WAL at the checkpoint.
    return Checkpoint(note);
  }
  Result<int> SchemaVersion() override { return sqlite::SchemaVersion(*AcquireReader().db); }

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
    writer_txn_.reset();
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
    bool any_ok = false;
    for (size_t i = 0; i < batch.size(); ++i) {
      results[i] = RunInSavepoint(batch[i].fn);
      any_ok = any_ok || results[i].ok();
    }
    if (any_ok && commit_hook_) {
      Status hook = RunInSavepoint(commit_hook_);
      if (!hook.ok()) {
        // The hook keeps an invariant over the whole batch (the signed audit head): without it nothing commits.
        (void)writer_db_->Exec("ROLLBACK");
        for (auto& w : batch)
          w.done(Status::Unavailable("commit hook failed: " + hook.message(), "storage_unavailable"));
        return;
      }
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

  // Runs one write in its own savepoint of the open transaction; a failure undoes only that write.
  Status RunInSavepoint(const WriteFn& fn) {
    Status s = writer_db_->Exec("SAVEPOINT w");
    if (!s.ok()) return s;
    try {
      s = fn(*writer_txn_);
    } catch (const std::exception& e) {
      s = Status::Internal(std::string("write failed: ") + e.what());
    }
    if (!s.ok()) (void)writer_db_->Exec("ROLLBACK TO w");
    (void)writer_db_->Exec("RELEASE w");
    return s;
  }

  const StoreOptions options_;
  std::unique_ptr<Db> writer_db_;  // used by the writer thread only, and by Close after it has stopped
  std::unique_ptr<WriteTxn> writer_txn_;
  WriteFn commit_hook_;

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

Status AttachKeystore(Db& db, const std::string& keys_path) {
  TILLIT_ASSIGN_OR_RETURN(Stmt attach, db.Prepare("ATTACH DATABASE ? AS keystore"));
  attach.Bind(1, keys_path);
  return attach.Run();
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
  TILLIT_RETURN_IF_ERROR(AttachKeystore(*writer, keys_path));
  std::vector<std::unique_ptr<Db>> readers;
  for (size_t i = 0; i < std::max<size_t>(1, options.readers); ++i) {
    TILLIT_ASSIGN_OR_RETURN(auto reader, Db::Open(data_path, false));
    TILLIT_RETURN_IF_ERROR(AttachKeystore(*reader, keys_path));
    readers.push_back(std::move(reader));
  }
  return std::unique_ptr<Store>(new SqliteStore(options, std::move(writer), std::move(readers)));
}

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.url.starts_with("postgres://") || options.url.starts_with("postgresql://")) {
    return OpenPostgresStore(options);
  }
  if (!options.url.empty()) {
    return Status::InvalidArgument("unknown store URL scheme (use postgres:// or postgresql://, or none for SQLite)",
                                   "invalid_store_url");
  }
  return OpenSqliteStore(options);
}

}  // namespace tillit::store
