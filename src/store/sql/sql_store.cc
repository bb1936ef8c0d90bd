#include "store/sql/sql_store.h"

#include <condition_variable>
#include <deque>
#include <thread>

#include "store/sql/queries.h"
#include "util/clock.h"
#include "util/mutex.h"

namespace tillit::store::sql {
namespace {

class SqlStore final : public Store {
 public:
  SqlStore(StoreOptions options, std::unique_ptr<Driver> driver, std::unique_ptr<Conn> writer,
           std::vector<std::unique_ptr<Conn>> readers)
      : options_(std::move(options)),
        driver_(std::move(driver)),
        writer_(std::move(writer)),
        writer_txn_(NewWriteTxn(*writer_)),
        idle_readers_(std::move(readers)) {
    writer_thread_ = std::thread([this] { WriterLoop(); });
  }

  ~SqlStore() override { Close(); }

  void Write(WriteFn fn, DoneFn done) override {
    {
      MutexLock lock(mu_);
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
    return Read([&](Conn& c) { return sql::FindApiKeyByHash(c, key_hash); });
  }
  Result<std::vector<ApiKeyRow>> ListApiKeys() override {
    return Read([&](Conn& c) { return sql::ListApiKeys(c); });
  }
  Result<std::optional<ConfigSnapshotRow>> FindConfigSnapshot(std::string_view id) override {
    return Read([&](Conn& c) { return sql::FindConfigSnapshot(c, id); });
  }
  Result<std::vector<ConfigSnapshotRow>> ListConfigSnapshots() override {
    return Read([&](Conn& c) { return sql::ListConfigSnapshots(c); });
  }
  Result<std::optional<SecretRow>> FindSecret(std::string_view label) override {
    return Read([&](Conn& c) { return sql::FindSecret(c, label); });
  }
  Result<std::vector<SecretRow>> ListSecrets() override {
    return Read([&](Conn& c) { return sql::ListSecrets(c); });
  }
  Result<std::optional<SubjectRow>> FindSubject(std::string_view subject_id) override {
    return Read([&](Conn& c) { return sql::FindSubject(c, subject_id); });
  }
  Result<std::vector<SubjectRow>> ListSubjects(std::optional<std::pair<int64_t, std::string>> after,
                                               size_t limit) override {
    return Read([&](Conn& c) { return sql::ListSubjects(c, after, limit); });
  }
  Result<std::optional<DataKeyRow>> FindDataKey(std::string_view subject_id) override {
    return Read([&](Conn& c) { return sql::FindDataKey(c, subject_id); });
  }
  Result<std::vector<DataKeyRow>> ListDataKeysBelow(uint32_t version, std::string_view after_subject_id,
                                                    size_t limit) override {
    return Read([&](Conn& c) { return sql::ListDataKeysBelow(c, version, after_subject_id, limit); });
  }
  Result<int64_t> CountDataKeysBelow(uint32_t version) override {
    return Read([&](Conn& c) { return sql::CountDataKeysBelow(c, version); });
  }
  Result<std::optional<std::string>> FindUniqueIndex(IndexKind kind, const std::vector<uint8_t>& value) override {
    return Read([&](Conn& c) { return sql::FindUniqueIndex(c, kind, value); });
  }
  Result<std::vector<std::string>> FindSharedIndex(IndexKind kind, const std::vector<uint8_t>& value) override {
    return Read([&](Conn& c) { return sql::FindSharedIndex(c, kind, value); });
  }
  Result<std::vector<FieldRow>> ListFields(std::string_view subject_id) override {
    return Read([&](Conn& c) { return sql::ListFields(c, subject_id); });
  }
  Result<std::vector<FieldChangeRow>> ListFieldChanges(std::string_view subject_id) override {
    return Read([&](Conn& c) { return sql::ListFieldChanges(c, subject_id); });
  }
  Result<std::vector<RecordRow>> ListRecords(std::string_view subject_id, const RecordQuery& query) override {
    return Read([&](Conn& c) { return sql::ListRecords(c, subject_id, query); });
  }
  Result<std::optional<RecordRow>> FindRecord(std::string_view subject_id, std::string_view record_id) override {
    return Read([&](Conn& c) { return sql::FindRecord(c, subject_id, record_id); });
  }
  Result<std::vector<ConsentEventRow>> ListConsentEvents(std::string_view subject_id) override {
    return Read([&](Conn& c) { return sql::ListConsentEvents(c, subject_id); });
  }
  Result<std::vector<ObjectionRow>> ListObjections(std::string_view subject_id) override {
    return Read([&](Conn& c) { return sql::ListObjections(c, subject_id); });
  }
  Result<std::vector<RestrictionRow>> ListRestrictions(std::string_view subject_id) override {
    return Read([&](Conn& c) { return sql::ListRestrictions(c, subject_id); });
  }
  Result<std::vector<ConsentEventRow>> ScanConsentEvents(std::string_view after_subject, std::string_view after_id,
                                                         size_t limit) override {
    return Read([&](Conn& c) { return sql::ScanConsentEvents(c, after_subject, after_id, limit); });
  }
  Result<std::vector<ObjectionRow>> ScanObjections(std::string_view after_subject, std::string_view after_id,
                                                   size_t limit) override {
    return Read([&](Conn& c) { return sql::ScanObjections(c, after_subject, after_id, limit); });
  }
  Result<LegacyPlaintext> ListLegacyPlaintext(size_t limit) override {
    return Read([&](Conn& c) { return sql::ListLegacyPlaintext(c, limit); });
  }
  Result<bool> HasCodeAddressesBefore(int64_t before) override {
    return Read([&](Conn& c) { return sql::HasCodeAddressesBefore(c, before); });
  }
  Result<std::vector<RestrictionRow>> ScanActiveRestrictions(std::string_view after_subject, std::string_view after_id,
                                                             size_t limit) override {
    return Read([&](Conn& c) { return sql::ScanActiveRestrictions(c, after_subject, after_id, limit); });
  }
  Result<std::vector<ProhibitionRow>> ListProhibitions(std::string_view subject_id) override {
    return Read([&](Conn& c) { return sql::ListProhibitions(c, subject_id); });
  }
  Result<std::vector<ProhibitionRow>> ScanActiveProhibitions(std::string_view after_subject, std::string_view after_id,
                                                             size_t limit) override {
    return Read([&](Conn& c) { return sql::ScanActiveProhibitions(c, after_subject, after_id, limit); });
  }
  Result<std::vector<OptOutRegisterRow>> ListOptOutRegisters() override {
    return Read([&](Conn& c) { return sql::ListOptOutRegisters(c); });
  }
  Result<std::vector<OptOutMatch>> ListOptOutMatches(std::string_view subject_id) override {
    return Read([&](Conn& c) { return sql::ListOptOutMatches(c, subject_id); });
  }
  Result<std::vector<std::string>> FindOptOutRegisters(IndexKind kind, const std::vector<uint8_t>& value) override {
    return Read([&](Conn& c) { return sql::FindOptOutRegisters(c, kind, value); });
  }
  Result<std::vector<std::pair<std::string, std::vector<uint8_t>>>> ScanSharedIndex(
      IndexKind kind, std::string_view subject_id, const std::vector<uint8_t>& after_value,
      std::string_view after_subject, size_t limit) override {
    return Read([&](Conn& c) { return sql::ScanSharedIndex(c, kind, subject_id, after_value, after_subject, limit); });
  }
  Result<std::vector<VisitorConsentRow>> ListVisitorConsents(std::string_view visitor_id) override {
    return Read([&](Conn& c) { return sql::ListVisitorConsents(c, visitor_id); });
  }
  Result<std::vector<DisclosureRow>> ListDisclosures(std::string_view subject_id) override {
    return Read([&](Conn& c) { return sql::ListDisclosures(c, subject_id); });
  }
  Result<std::vector<WebhookDeliveryRow>> DueWebhookDeliveries(int64_t now, size_t limit) override {
    return Read([&](Conn& c) { return sql::DueWebhookDeliveries(c, now, limit); });
  }
  Result<std::vector<WebhookDeliveryRow>> ListWebhookDeliveries(std::string_view status, size_t limit) override {
    return Read([&](Conn& c) { return sql::ListWebhookDeliveries(c, status, limit); });
  }
  Result<std::optional<WebhookDeliveryRow>> FindWebhookDelivery(std::string_view delivery_id) override {
    return Read([&](Conn& c) { return sql::FindWebhookDelivery(c, delivery_id); });
  }
  Result<std::vector<std::string>> ListVisitorIds(std::string_view after, size_t limit) override {
    return Read([&](Conn& c) { return sql::ListVisitorIds(c, after, limit); });
  }
  Result<std::vector<VisitorLinkRow>> ListVisitorLinks(std::string_view visitor_id) override {
    return Read([&](Conn& c) { return sql::ListVisitorLinks(c, visitor_id); });
  }
  Result<std::vector<AuditRow>> ReadAudit(int64_t after_seq, size_t limit) override {
    return Read([&](Conn& c) { return sql::ReadAudit(c, after_seq, limit); });
  }
  Result<std::vector<AuditRow>> ReadSubjectAudit(std::string_view subject_id, int64_t after_seq,
                                                 size_t limit) override {
    return Read([&](Conn& c) { return sql::ReadSubjectAudit(c, subject_id, after_seq, limit); });
  }
  Result<std::optional<AuditCheckpointRow>> FindAuditCheckpoint() override {
    return Read([&](Conn& c) { return sql::FindAuditCheckpoint(c); });
  }
  Result<std::optional<AuditCheckpointRow>> FindKeyStoreAuditHead() override {
    return Read([&](Conn& c) { return sql::FindKeyStoreAuditHead(c); });
  }
  Result<std::optional<ReportRow>> FindReportByToken(const std::vector<uint8_t>& token_hash) override {
    return Read([&](Conn& c) { return sql::FindReportByToken(c, token_hash); });
  }
  Result<std::vector<ReportRow>> ListReports(std::string_view subject_id) override {
    return Read([&](Conn& c) { return sql::ListReports(c, subject_id); });
  }

  Result<std::vector<std::pair<int64_t, std::string>>> ReadDecisionChanges(int64_t after_seq, size_t limit) override {
    return Read([&](Conn& c) { return sql::ReadDecisionChanges(c, after_seq, limit); });
  }
  Result<std::optional<RightsRequestRow>> FindRightsRequest(std::string_view request_id) override {
    return Read([&](Conn& c) { return sql::FindRightsRequest(c, request_id); });
  }
  Result<std::vector<RightsRequestRow>> ListRightsRequests(const RequestQuery& query) override {
    return Read([&](Conn& c) { return sql::ListRightsRequests(c, query); });
  }
  Result<std::vector<RequestEventRow>> ListRequestEvents(std::string_view request_id) override {
    return Read([&](Conn& c) { return sql::ListRequestEvents(c, request_id); });
  }
  Result<std::vector<MailRow>> ListDueMail(int64_t now, size_t limit) override {
    return Read([&](Conn& c) { return sql::ListDueMail(c, now, limit); });
  }
  Result<std::vector<MailRow>> ListSubjectMail(std::string_view subject_id) override {
    return Read([&](Conn& c) { return sql::ListSubjectMail(c, subject_id); });
  }
  Result<int64_t> LastDecisionChange() override {
    return Read([&](Conn& c) { return sql::LastDecisionChange(c); });
  }
  Result<std::vector<std::vector<uint8_t>>> ListSuppressions(std::string_view subject_id) override {
    return Read([&](Conn& c) { return sql::ListSuppressions(c, subject_id); });
  }
  Result<OperationsCounts> CountOperations(int64_t now) override {
    return Read([&](Conn& c) { return sql::CountOperations(c, now); });
  }
  Result<std::optional<ErasureRow>> FindErasure(std::string_view subject_id) override {
    return Read([&](Conn& c) { return sql::FindErasure(c, subject_id); });
  }
  Result<std::vector<SubjectRow>> ListExpiredSubjects(int64_t now, size_t limit) override {
    return Read([&](Conn& c) { return sql::ListExpiredSubjects(c, now, limit); });
  }
  Result<std::vector<RecordRow>> ListExpiredRecords(int64_t now, size_t limit) override {
    return Read([&](Conn& c) { return sql::ListExpiredRecords(c, now, limit); });
  }
  Status Checkpoint(std::string* note) override {
    return Read([&](Conn& c) { return driver_->Checkpoint(c, note); });
  }
  Status Compact(const std::vector<std::string>& tables, std::string* note) override {
    return Read([&](Conn& c) { return driver_->Compact(c, tables, note); });
  }
  Result<int> SchemaVersion() override {
    return Read([&](Conn& c) { return sql::SchemaVersion(c); });
  }

  void Close() override {
    {
      MutexLock lock(mu_);
      if (closing_) return;
      closing_ = true;
      cv_.notify_one();
    }
    writer_thread_.join();
    {
      MutexLock lock(reader_mu_);
      readers_closed_ = true;
      idle_readers_.clear();
      reader_cv_.notify_all();
    }
    writer_txn_.reset();
    driver_->Close(*writer_);
    writer_.reset();
  }

 private:
  struct PendingWrite {
    WriteFn fn;
    DoneFn done;
  };

  // A reader connection borrowed from the pool; returned when the lease ends. conn is null once the store is closed.
  struct ReaderLease {
    SqlStore* store;
    std::unique_ptr<Conn> conn;
    ReaderLease(SqlStore* s, std::unique_ptr<Conn> c) : store(s), conn(std::move(c)) {}
    ReaderLease(const ReaderLease&) = delete;
    ReaderLease& operator=(const ReaderLease&) = delete;
    ~ReaderLease() {
      if (conn == nullptr) return;
      MutexLock lock(store->reader_mu_);
      if (store->readers_closed_) return;
      store->idle_readers_.push_back(std::move(conn));
      store->reader_cv_.notify_one();
    }
  };

  ReaderLease AcquireReader() {
    MutexLock lock(reader_mu_);
    while (!readers_closed_ && idle_readers_.empty()) reader_cv_.wait(reader_mu_);
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
        MutexLock lock(mu_);
        while (!closing_ && queue_.empty()) cv_.wait(mu_);
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
    Status begin = driver_->Begin(*writer_);
    if (!begin.ok()) {
      driver_->Rollback(*writer_);
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
        driver_->Rollback(*writer_);
        for (auto& w : batch) {
          w.done(Status::Unavailable("commit hook failed: " + hook.message(), "storage_unavailable"));
        }
        return;
      }
    }
    Status commit = driver_->Commit(*writer_);
    if (!commit.ok()) {
      driver_->Rollback(*writer_);
      for (auto& r : results) {
        if (r.ok()) r = Status::Unavailable("commit failed: " + commit.message(), "storage_unavailable");
      }
    }
    for (size_t i = 0; i < batch.size(); ++i) batch[i].done(results[i]);
  }

  // Runs one write in its own savepoint of the open transaction; a failure undoes only that write.
  Status RunInSavepoint(const WriteFn& fn) {
    try {
      return writer_->InSavepoint("w", [&] { return fn(*writer_txn_); });
    } catch (const std::exception& e) {
      return Status::Internal(std::string("write failed: ") + e.what());
    } catch (...) {
      return Status::Internal("write failed: unknown exception");
    }
  }

  const StoreOptions options_;
  const std::unique_ptr<Driver> driver_;
  std::unique_ptr<Conn> writer_;  // used by the writer thread only, and by Close after it has stopped
  std::unique_ptr<WriteTxn> writer_txn_;
  WriteFn commit_hook_;

  Mutex mu_;
  std::condition_variable_any cv_;
  std::deque<PendingWrite> queue_ TILLIT_GUARDED_BY(mu_);
  bool closing_ TILLIT_GUARDED_BY(mu_) = false;
  std::thread writer_thread_;

  Mutex reader_mu_;
  std::condition_variable_any reader_cv_;
  std::vector<std::unique_ptr<Conn>> idle_readers_ TILLIT_GUARDED_BY(reader_mu_);
  bool readers_closed_ TILLIT_GUARDED_BY(reader_mu_) = false;
};

}  // namespace

std::unique_ptr<Store> NewSqlStore(const StoreOptions& options, std::unique_ptr<Driver> driver,
                                   std::unique_ptr<Conn> writer, std::vector<std::unique_ptr<Conn>> readers) {
  return std::make_unique<SqlStore>(options, std::move(driver), std::move(writer), std::move(readers));
}

Status ApplyMigrations(Conn& conn, std::string_view table, std::span<const Migration> migrations,
                       bool transaction_each) {
  const std::string name(table);
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT COALESCE(MAX(version), 0) FROM " + name));
  const int64_t current = rows.empty() ? 0 : rows.Int(0, 0);
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    if (transaction_each) TILLIT_RETURN_IF_ERROR(conn.Exec(conn.postgres() ? "BEGIN" : "BEGIN IMMEDIATE"));
    Status s = conn.Exec(m.sql);
    if (s.ok()) {
      s = conn.Query("INSERT INTO " + name + " (version, description, applied_at) VALUES ($1, $2, $3)",
                     Params().Int32(m.version).Text(m.description).Int64(ToMicros(Clock::System().Now())))
              .status();
    }
    if (!s.ok()) {
      if (transaction_each) (void)conn.Exec("ROLLBACK");
      return Status::Internal("migration " + std::to_string(m.version) + " failed: " + s.message());
    }
    if (transaction_each) TILLIT_RETURN_IF_ERROR(conn.Exec("COMMIT"));
  }
  return Status::Ok();
}

}  // namespace tillit::store::sql
