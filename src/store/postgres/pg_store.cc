#include "store/postgres/pg_store.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "store/migrations.h"
#include "store/postgres/pg_conn.h"
#include "store/postgres/pg_queries.h"
#include "store/postgres/pg_requests.h"
#include "util/clock.h"

namespace tillit::store {
namespace {

using pg::Conn;
using pg::Params;
using pg::Rows;

// Advisory lock keys ("tillit" and a number), held for one transaction each.
constexpr int64_t kMigrationLock = 0x74696c6c69740001;  // applying migrations
constexpr int64_t kWriterLock = 0x74696c6c69740002;     // a group commit: one writer at a time per database

// Applies the migrations that `table` (a schema_migrations table) does not list, inside the open transaction.
Status ApplyPending(Conn& conn, const std::string& table, std::span<const Migration> migrations) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT COALESCE(MAX(version), 0) FROM " + table));
  const int64_t current = rows.empty() ? 0 : rows.Int(0, 0);
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    Status s = conn.Exec(m.sql).status();
    if (s.ok()) {
      s = conn.Query("INSERT INTO " + table + " (version, description, applied_at) VALUES ($1, $2, $3)",
                     Params().Int32(m.version).Text(m.description).Int64(ToMicros(Clock::System().Now())))
              .status();
    }
    if (!s.ok()) return Status::Internal("migration " + std::to_string(m.version) + " failed: " + s.message());
  }
  return Status::Ok();
}

Status MigrateLocked(Conn& conn, bool create_if_missing) {
  TILLIT_ASSIGN_OR_RETURN(Rows found, conn.Query("SELECT to_regclass('schema_migrations') IS NOT NULL, "
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
                                     "NOT NULL, applied_at BIGINT NOT NULL)")
                               .status());
  }
  if (!has_keys) {
    TILLIT_RETURN_IF_ERROR(conn.Exec("CREATE SCHEMA IF NOT EXISTS keystore; CREATE TABLE keystore.schema_migrations "
                                     "(version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT "
                                     "NOT NULL)")
                               .status());
  }
  TILLIT_RETURN_IF_ERROR(ApplyPending(conn, "schema_migrations", PostgresDataMigrations()));
  return ApplyPending(conn, "keystore.schema_migrations", PostgresKeyMigrations());
}

// Applies pending migrations of both schemas in one transaction, under an advisory lock: a second server starting
// at the same time waits, then finds nothing left to do.
Status Migrate(Conn& conn, bool create_if_missing) {
  TILLIT_RETURN_IF_ERROR(
      conn.Exec("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLock) + ")").status());
  Status s = MigrateLocked(conn, create_if_missing);
  if (s.ok()) {
    auto commit = conn.Exec("COMMIT");
    if (commit.ok() && *commit == "COMMIT") return Status::Ok();
    s = commit.ok() ? Status::Internal("migrations were rolled back") : commit.status();
  }
  conn.DropDeferred();
  if (!conn.Idle()) (void)conn.Exec("ROLLBACK");
  return s;
}

class PgStore final : public Store {
 public:
  PgStore(StoreOptions options, std::unique_ptr<Conn> writer, std::vector<std::unique_ptr<Conn>> readers)
      : options_(std::move(options)),
        writer_(std::move(writer)),
        writer_txn_(pg::NewWriteTxn(*writer_)),
        idle_readers_(std::move(readers)) {
    writer_thread_ = std::thread([this] { WriterLoop(); });
  }

  ~PgStore() override { Close(); }

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
    return Read([&](Conn& c) { return pg::FindApiKeyByHash(c, key_hash); });
  }
  Result<std::vector<ApiKeyRow>> ListApiKeys() override {
    return Read([&](Conn& c) { return pg::ListApiKeys(c); });
  }
  Result<std::optional<ConfigSnapshotRow>> FindConfigSnapshot(std::string_view id) override {
    return Read([&](Conn& c) { return pg::FindConfigSnapshot(c, id); });
  }
  Result<std::vector<ConfigSnapshotRow>> ListConfigSnapshots() override {
    return Read([&](Conn& c) { return pg::ListConfigSnapshots(c); });
  }
  Result<std::optional<SecretRow>> FindSecret(std::string_view label) override {
    return Read([&](Conn& c) { return pg::FindSecret(c, label); });
  }
  Result<std::vector<SecretRow>> ListSecrets() override {
    return Read([&](Conn& c) { return pg::ListSecrets(c); });
  }
  Result<std::optional<SubjectRow>> FindSubject(std::string_view subject_id) override {
    return Read([&](Conn& c) { return pg::FindSubject(c, subject_id); });
  }
  Result<std::vector<SubjectRow>> ListSubjects(std::optional<std::pair<int64_t, std::string>> after,
                                               size_t limit) override {
    return Read([&](Conn& c) { return pg::ListSubjects(c, after, limit); });
  }
  Result<std::optional<DataKeyRow>> FindDataKey(std::string_view subject_id) override {
    return Read([&](Conn& c) { return pg::FindDataKey(c, subject_id); });
  }
  Result<std::vector<DataKeyRow>> ListDataKeysBelow(uint32_t version, std::string_view after_subject_id,
                                                    size_t limit) override {
    return Read([&](Conn& c) { return pg::ListDataKeysBelow(c, version, after_subject_id, limit); });
  }
  Result<int64_t> CountDataKeysBelow(uint32_t version) override {
    return Read([&](Conn& c) { return pg::CountDataKeysBelow(c, version); });
  }
  Result<std::optional<std::string>> FindUniqueIndex(IndexKind kind, const std::vector<uint8_t>& value) override {
    return Read([&](Conn& c) { return pg::FindUniqueIndex(c, kind, value); });
  }
  Result<std::vector<std::string>> FindSharedIndex(IndexKind kind, const std::vector<uint8_t>& value) override {
    return Read([&](Conn& c) { return pg::FindSharedIndex(c, kind, value); });
  }
  Result<std::vector<FieldRow>> ListFields(std::string_view subject_id) override {
    return Read([&](Conn& c) { return pg::ListFields(c, subject_id); });
  }
  Result<std::vector<FieldChangeRow>> ListFieldChanges(std::string_view subject_id) override {
    return Read([&](Conn& c) { return pg::ListFieldChanges(c, subject_id); });
  }
  Result<std::vector<RecordRow>> ListRecords(std::string_view subject_id, const RecordQuery& query) override {
    return Read([&](Conn& c) { return pg::ListRecords(c, subject_id, query); });
  }
  Result<std::optional<RecordRow>> FindRecord(std::string_view subject_id, std::string_view record_id) override {
    return Read([&](Conn& c) { return pg::FindRecord(c, subject_id, record_id); });
  }
  Result<std::vector<ConsentEventRow>> ListConsentEvents(std::string_view subject_id) override {
    return Read([&](Conn& c) { return pg::ListConsentEvents(c, subject_id); });
  }
  Result<std::vector<ObjectionRow>> ListObjections(std::string_view subject_id) override {
    return Read([&](Conn& c) { return pg::ListObjections(c, subject_id); });
  }
  Result<std::vector<RestrictionRow>> ListRestrictions(std::string_view subject_id) override {
    return Read([&](Conn& c) { return pg::ListRestrictions(c, subject_id); });
  }
  Result<std::vector<ConsentEventRow>> ScanConsentEvents(std::string_view after_subject, std::string_view after_id,
                                                         size_t limit) override {
    return Read([&](Conn& c) { return pg::ScanConsentEvents(c, after_subject, after_id, limit); });
  }
  Result<std::vector<ObjectionRow>> ScanObjections(std::string_view after_subject, std::string_view after_id,
                                                   size_t limit) override {
    return Read([&](Conn& c) { return pg::ScanObjections(c, after_subject, after_id, limit); });
  }
  Result<LegacyPlaintext> ListLegacyPlaintext(size_t limit) override {
    return Read([&](Conn& c) { return pg::ListLegacyPlaintext(c, limit); });
  }
  Result<bool> HasCodeAddressesBefore(int64_t before) override {
    return Read([&](Conn& c) { return pg::HasCodeAddressesBefore(c, before); });
  }
  Result<std::vector<RestrictionRow>> ScanActiveRestrictions(std::string_view after_subject, std::string_view after_id,
                                                             size_t limit) override {
    return Read([&](Conn& c) { return pg::ScanActiveRestrictions(c, after_subject, after_id, limit); });
  }
  Result<std::vector<ProhibitionRow>> ListProhibitions(std::string_view subject_id) override {
    return Read([&](Conn& c) { return pg::ListProhibitions(c, subject_id); });
  }
  Result<std::vector<ProhibitionRow>> ScanActiveProhibitions(std::string_view after_subject, std::string_view after_id,
                                                             size_t limit) override {
    return Read([&](Conn& c) { return pg::ScanActiveProhibitions(c, after_subject, after_id, limit); });
  }
  Result<std::vector<OptOutRegisterRow>> ListOptOutRegisters() override {
    return Read([&](Conn& c) { return pg::ListOptOutRegisters(c); });
  }
  Result<std::vector<OptOutMatch>> ListOptOutMatches(std::string_view subject_id) override {
    return Read([&](Conn& c) { return pg::ListOptOutMatches(c, subject_id); });
  }
  Result<std::vector<std::string>> FindOptOutRegisters(IndexKind kind, const std::vector<uint8_t>& value) override {
    return Read([&](Conn& c) { return pg::FindOptOutRegisters(c, kind, value); });
  }
  Result<std::vector<std::pair<std::string, std::vector<uint8_t>>>> ScanSharedIndex(
      IndexKind kind, std::string_view subject_id, const std::vector<uint8_t>& after_value,
      std::string_view after_subject, size_t limit) override {
    return Read([&](Conn& c) { return pg::ScanSharedIndex(c, kind, subject_id, after_value, after_subject, limit); });
  }
  Result<std::vector<VisitorConsentRow>> ListVisitorConsents(std::string_view visitor_id) override {
    return Read([&](Conn& c) { return pg::ListVisitorConsents(c, visitor_id); });
  }
  Result<std::vector<DisclosureRow>> ListDisclosures(std::string_view subject_id) override {
    return Read([&](Conn& c) { return pg::ListDisclosures(c, subject_id); });
  }
  Result<std::vector<WebhookDeliveryRow>> DueWebhookDeliveries(int64_t now, size_t limit) override {
    return Read([&](Conn& c) { return pg::DueWebhookDeliveries(c, now, limit); });
  }
  Result<std::vector<WebhookDeliveryRow>> ListWebhookDeliveries(std::string_view status, size_t limit) override {
    return Read([&](Conn& c) { return pg::ListWebhookDeliveries(c, status, limit); });
  }
  Result<std::optional<WebhookDeliveryRow>> FindWebhookDelivery(std::string_view delivery_id) override {
    return Read([&](Conn& c) { return pg::FindWebhookDelivery(c, delivery_id); });
  }
  Result<std::vector<std::string>> ListVisitorIds(std::string_view after, size_t limit) override {
    return Read([&](Conn& c) { return pg::ListVisitorIds(c, after, limit); });
  }
  Result<std::vector<VisitorLinkRow>> ListVisitorLinks(std::string_view visitor_id) override {
    return Read([&](Conn& c) { return pg::ListVisitorLinks(c, visitor_id); });
  }
  Result<std::vector<AuditRow>> ReadAudit(int64_t after_seq, size_t limit) override {
    return Read([&](Conn& c) { return pg::ReadAudit(c, after_seq, limit); });
  }
  Result<std::vector<AuditRow>> ReadSubjectAudit(std::string_view subject_id, int64_t after_seq,
                                                 size_t limit) override {
    return Read([&](Conn& c) { return pg::ReadSubjectAudit(c, subject_id, after_seq, limit); });
  }
  Result<std::optional<AuditCheckpointRow>> FindAuditCheckpoint() override {
    return Read([&](Conn& c) { return pg::FindAuditCheckpoint(c); });
  }
  Result<std::optional<AuditCheckpointRow>> FindKeyStoreAuditHead() override {
    return Read([&](Conn& c) { return pg::FindKeyStoreAuditHead(c); });
  }
  Result<std::optional<ReportRow>> FindReportByToken(const std::vector<uint8_t>& token_hash) override {
    return Read([&](Conn& c) { return pg::FindReportByToken(c, token_hash); });
  }
  Result<std::vector<ReportRow>> ListReports(std::string_view subject_id) override {
    return Read([&](Conn& c) { return pg::ListReports(c, subject_id); });
  }

  Result<std::vector<std::pair<int64_t, std::string>>> ReadDecisionChanges(int64_t after_seq, size_t limit) override {
    return Read([&](Conn& c) { return pg::ReadDecisionChanges(c, after_seq, limit); });
  }
  Result<std::optional<RightsRequestRow>> FindRightsRequest(std::string_view request_id) override {
    return Read([&](Conn& c) { return pg::FindRightsRequest(c, request_id); });
  }
  Result<std::vector<RightsRequestRow>> ListRightsRequests(const RequestQuery& query) override {
    return Read([&](Conn& c) { return pg::ListRightsRequests(c, query); });
  }
  Result<std::vector<RequestEventRow>> ListRequestEvents(std::string_view request_id) override {
    return Read([&](Conn& c) { return pg::ListRequestEvents(c, request_id); });
  }
  Result<std::vector<MailRow>> ListDueMail(int64_t now, size_t limit) override {
    return Read([&](Conn& c) { return pg::ListDueMail(c, now, limit); });
  }
  Result<std::vector<MailRow>> ListSubjectMail(std::string_view subject_id) override {
    return Read([&](Conn& c) { return pg::ListSubjectMail(c, subject_id); });
  }
  Result<int64_t> LastDecisionChange() override {
    return Read([&](Conn& c) { return pg::LastDecisionChange(c); });
  }
  Result<std::vector<std::vector<uint8_t>>> ListSuppressions(std::string_view subject_id) override {
    return Read([&](Conn& c) -> Result<std::vector<std::vector<uint8_t>>> {
      TILLIT_ASSIGN_OR_RETURN(Rows rows, c.Query("SELECT value FROM shared_index WHERE kind = 4 AND subject_id = $1 "
                                                 "ORDER BY value",
                                                 Params().Text(subject_id)));
      std::vector<std::vector<uint8_t>> out;
      for (int i = 0; i < rows.size(); ++i) out.push_back(rows.Bytes(i, 0));
      return out;
    });
  }
  Result<OperationsCounts> CountOperations(int64_t now) override {
    return Read([&](Conn& c) -> Result<OperationsCounts> {
      TILLIT_ASSIGN_OR_RETURN(
          Rows rows, c.Query("SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'queued'), "
                             "(SELECT COALESCE(MIN(created_at), 0) FROM outbox WHERE status = 'queued'), "
                             "(SELECT COUNT(*) FROM outbox WHERE status = 'failed'), "
                             "(SELECT COUNT(*) FROM webhook_outbox WHERE status = 'dead'), "
                             "(SELECT COUNT(*) FROM rights_requests WHERE closed_at IS NULL AND due_at < $1)",
                             Params().Int64(now)));
      OperationsCounts out;
      if (rows.empty()) return out;
      out.mail_queued = rows.Int(0, 0);
      out.oldest_queued_mail_at = rows.Int(0, 1);
      out.mail_failed = rows.Int(0, 2);
      out.webhooks_dead = rows.Int(0, 3);
      out.requests_overdue = rows.Int(0, 4);
      return out;
    });
  }
  Result<std::optional<ErasureRow>> FindErasure(std::string_view subject_id) override {
    return Read([&](Conn& c) { return pg::FindErasure(c, subject_id); });
  }
  Result<std::vector<SubjectRow>> ListExpiredSubjects(int64_t now, size_t limit) override {
    return Read([&](Conn& c) { return pg::ListExpiredSubjects(c, now, limit); });
  }
  Result<std::vector<RecordRow>> ListExpiredRecords(int64_t now, size_t limit) override {
    return Read([&](Conn& c) { return pg::ListExpiredRecords(c, now, limit); });
  }
  Status Checkpoint(std::string* note) override {
    // CHECKPOINT needs superuser or the pg_checkpoint role. Without it the commit is durable all the same and the
    // server's own checkpoints recycle the WAL segments; the erasure says which happened.
    Result<bool> ran = Read([&](Conn& c) -> Result<bool> {
      TILLIT_ASSIGN_OR_RETURN(Rows rows,
                              c.Query("SELECT rolsuper OR pg_has_role(current_user, 'pg_checkpoint', 'MEMBER') "
                                      "FROM pg_roles WHERE rolname = current_user"));
      if (rows.empty() || rows.Int(0, 0) == 0) return false;  // a binary bool: one byte, 0 or 1
      TILLIT_RETURN_IF_ERROR(c.Exec("CHECKPOINT").status());
      return true;
    });
    if (!ran.ok()) {
      // pg_checkpoint does not exist before PostgreSQL 15: the role check itself fails there.
      if (note != nullptr) *note = "no CHECKPOINT (not permitted); the server's own checkpoints recycle the WAL";
      return Status::Ok();
    }
    if (note != nullptr) {
      *note = *ran ? "CHECKPOINT" : "no CHECKPOINT (not permitted); the server's own checkpoints recycle the WAL";
    }
    return Status::Ok();
  }
  Status Compact(const std::vector<std::string>& tables, std::string* note) override {
    // An update leaves the row version it superseded in the table's files until VACUUM FULL rewrites them. Only the
    // table's owner may run it; any other role is told so rather than failing the step that asked.
    std::string skipped;
    Status s = Read([&](Conn& c) -> Status {
      for (const auto& table : tables) {
        TILLIT_ASSIGN_OR_RETURN(Rows owned, c.Query("SELECT pg_has_role(current_user, relowner, 'USAGE') FROM "
                                                    "pg_class WHERE oid = to_regclass($1)",
                                                    Params().Text(table)));
        if (owned.empty() || owned.Int(0, 0) == 0) {
          skipped += (skipped.empty() ? "" : ", ") + table;
          continue;
        }
        TILLIT_RETURN_IF_ERROR(c.Exec("VACUUM FULL " + table).status());
      }
      return Status::Ok();
    });
    TILLIT_RETURN_IF_ERROR(s);
    if (note != nullptr) {
      *note = skipped.empty() ? "VACUUM FULL" : "no VACUUM FULL of " + skipped + " (not the owner)";
    }
    return Status::Ok();
  }
  Result<int> SchemaVersion() override {
    return Read([&](Conn& c) { return pg::SchemaVersion(c); });
  }

  void Close() override {
    {
      std::lock_guard lock(mu_);
      if (closing_) return;
      closing_ = true;
      cv_.notify_one();
    }
    writer_thread_.join();
    {
      std::lock_guard lock(reader_mu_);
      readers_closed_ = true;
      idle_readers_.clear();
      reader_cv_.notify_all();
    }
    writer_txn_.reset();
    writer_.reset();
  }

 private:
  struct PendingWrite {
    WriteFn fn;
    DoneFn done;
  };

  // A reader connection borrowed from the pool; returned when the lease ends. conn is null once the store is closed.
  struct ReaderLease {
    PgStore* store;
    std::unique_ptr<Conn> conn;
    ReaderLease(PgStore* s, std::unique_ptr<Conn> c) : store(s), conn(std::move(c)) {}
    ReaderLease(const ReaderLease&) = delete;
    ReaderLease& operator=(const ReaderLease&) = delete;
    ~ReaderLease() {
      if (conn == nullptr) return;
      std::lock_guard lock(store->reader_mu_);
      if (store->readers_closed_) return;
      store->idle_readers_.push_back(std::move(conn));
      store->reader_cv_.notify_one();
    }
  };

  ReaderLease AcquireReader() {
    std::unique_lock lock(reader_mu_);
    reader_cv_.wait(lock, [this] { return readers_closed_ || !idle_readers_.empty(); });
    if (readers_closed_) return ReaderLease(this, nullptr);
    std::unique_ptr<Conn> conn = std::move(idle_readers_.back());
    idle_readers_.pop_back();
    return ReaderLease(this, std::move(conn));
  }

  // Runs `fn` on a pooled reader connection, reconnecting it first if it was lost.
  template <typename Fn>
  auto Read(Fn fn) -> decltype(fn(std::declval<Conn&>())) {
    ReaderLease lease = AcquireReader();
    if (lease.conn == nullptr) return Status::Unavailable("the store is closed", "shutting_down");
    TILLIT_RETURN_IF_ERROR(lease.conn->EnsureConnected());
    return fn(*lease.conn);
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

  // One transaction for the whole batch, serialised with other servers' batches by an advisory lock; each write in
  // its own savepoint.
  void CommitBatch(std::vector<PendingWrite>& batch) {
    std::vector<Status> results(batch.size());
    Status begin = writer_->EnsureConnected();
    if (begin.ok()) {
      begin = writer_->Exec("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kWriterLock) + ")").status();
    }
    if (!begin.ok()) {
      Rollback();
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
        Rollback();
        for (auto& w : batch) {
          w.done(Status::Unavailable("commit hook failed: " + hook.message(), "storage_unavailable"));
        }
        return;
      }
    }
    // COMMIT of a failed transaction answers "ROLLBACK" without an error: only the tag "COMMIT" means committed.
    auto commit = writer_->Exec("COMMIT");
    if (!commit.ok() || *commit != "COMMIT") {
      const std::string why = commit.ok() ? "the transaction was rolled back" : commit.status().message();
      Rollback();
      for (auto& r : results) {
        if (r.ok()) r = Status::Unavailable("commit failed: " + why, "storage_unavailable");
      }
    }
    for (size_t i = 0; i < batch.size(); ++i) batch[i].done(results[i]);
  }

  // Ends the writer's transaction, if one is open, without keeping anything.
  void Rollback() {
    writer_->DropDeferred();
    if (!writer_->Idle()) (void)writer_->Exec("ROLLBACK");
  }

  // Runs one write in its own savepoint of the open transaction; a failure undoes only that write.
  Status RunInSavepoint(const WriteFn& fn) {
    try {
      return pg::InSavepoint(*writer_, "w", [&] { return fn(*writer_txn_); });
    } catch (const std::exception& e) {
      return Status::Internal(std::string("write failed: ") + e.what());
    } catch (...) {
      return Status::Internal("write failed: unknown exception");
    }
  }

  const StoreOptions options_;
  std::unique_ptr<Conn> writer_;  // used by the writer thread only, and by Close after it has stopped
  std::unique_ptr<WriteTxn> writer_txn_;
  WriteFn commit_hook_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<PendingWrite> queue_;  // guarded by mu_
  bool closing_ = false;            // guarded by mu_
  std::thread writer_thread_;

  std::mutex reader_mu_;
  std::condition_variable reader_cv_;
  std::vector<std::unique_ptr<Conn>> idle_readers_;  // guarded by reader_mu_
  bool readers_closed_ = false;                      // guarded by reader_mu_
};

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const StoreOptions& options) {
  TILLIT_ASSIGN_OR_RETURN(auto writer, Conn::Connect(options.url));
  TILLIT_RETURN_IF_ERROR(Migrate(*writer, options.create_if_missing));
  std::vector<std::unique_ptr<Conn>> readers;
  for (size_t i = 0; i < std::max<size_t>(1, options.readers); ++i) {
    TILLIT_ASSIGN_OR_RETURN(auto reader, Conn::Connect(options.url));
    readers.push_back(std::move(reader));
  }
  return std::unique_ptr<Store>(new PgStore(options, std::move(writer), std::move(readers)));
}

}  // namespace tillit::store
