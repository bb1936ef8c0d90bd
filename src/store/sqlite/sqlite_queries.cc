#include "store/sqlite/sqlite_queries.h"

#include <sqlite3.h>

#include <algorithm>

#include "store/sqlite/sqlite_requests.h"
#include "util/text.h"

namespace tillit::store::sqlite {
namespace {

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ",";
    out += item;
  }
  return out;
}

// Steps `stmt` to the end, turning each row into a Row with `read`.
template <typename Row, typename ReadFn>
Result<std::vector<Row>> Collect(Stmt& stmt, ReadFn read) {
  std::vector<Row> rows;
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return rows;
    rows.push_back(read(stmt));
  }
}

// The first row through `read`, or nullopt.
template <typename Row, typename ReadFn>
Result<std::optional<Row>> First(Stmt& stmt, ReadFn read) {
  TILLIT_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<Row>();
  return std::optional<Row>(read(stmt));
}

std::optional<int64_t> OptionalInt(const Stmt& s, int col) {
  return s.IsNull(col) ? std::nullopt : std::optional<int64_t>(s.Int(col));
}

constexpr const char* kApiKeyColumns = "name, key_hash, prefix, purposes, actions, created_at, revoked_at";
ApiKeyRow ReadApiKey(const Stmt& s) {
  return {s.Text(0), s.Blob(1), s.Text(2), SplitList(s.Text(3)), SplitList(s.Text(4)), s.Int(5), OptionalInt(s, 6)};
}

SecretRow ReadSecret(const Stmt& s) { return {s.Text(0), static_cast<uint32_t>(s.Int(1)), s.Blob(2), s.Int(3)}; }

constexpr const char* kSubjectColumns = "subject_id, created_at, updated_at, source, erased_at, expires_at, active_at";
SubjectRow ReadSubject(const Stmt& s) {
  return {s.Text(0), s.Int(1), s.Int(2), s.Text(3), OptionalInt(s, 4), OptionalInt(s, 5), OptionalInt(s, 6)};
}

constexpr const char* kDataKeyColumns =
    "subject_id, kek_version, wrapped_key, hold_kek_version, hold_wrapped_key, created_at";
DataKeyRow ReadDataKey(const Stmt& s) {
  DataKeyRow row{s.Text(0), static_cast<uint32_t>(s.Int(1)), s.Blob(2), std::nullopt, s.Blob(4), s.Int(5)};
  if (!s.IsNull(3)) row.hold_kek_version = static_cast<uint32_t>(s.Int(3));
  return row;
}

FieldRow ReadField(const Stmt& s) { return {s.Text(0), s.Text(1), s.Blob(2), s.Text(3), s.Int(4), s.Int(5)}; }

FieldChangeRow ReadFieldChange(const Stmt& s) {
  return {s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Blob(4), s.Int(5), s.Text(6), s.Text(7)};
}

constexpr const char* kRecordColumns =
    "subject_id, record_id, kind, categories, occurred_at, payload, reference, created_at, expires_at, hold_payload, "
    "hold_expires_at";
RecordRow ReadRecord(const Stmt& s) {
  return {s.Text(0), s.Text(1),         s.Text(2), SplitList(s.Text(3)), s.Int(4), s.Blob(5), s.Blob(6),
          s.Int(7),  OptionalInt(s, 8), s.Blob(9), OptionalInt(s, 10)};
}

// Runs a DELETE of the oldest rows due at `before` (bound first), at most `limit` (bound second); answers how many
// went. For the retention sweep's batched deletes, each by its own index.
Result<int64_t> DeleteBefore(Db& db, const char* sql, int64_t before, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(sql));
  stmt->Bind(1, before).Bind(2, static_cast<int64_t>(limit));
  TILLIT_RETURN_IF_ERROR(stmt->Run());
  return int64_t{sqlite3_changes(db.raw())};
}

// Per-subject tables an erasure empties for the subject, besides those it handles itself. Tables added later that
// hold a subject's personal data (queued mail, stored reports) are listed here, keyed by subject_id.
// Every per-subject table except the request history (rights_requests, request_events), which stays as the record
// that a request was answered: its sealed text is unreadable once the data key is gone, and the rest is dates and
// statuses. Queued mail is sealed under the destroyed key too, so it could not be sent anyway.
constexpr const char* kErasedTables[] = {"subject_fields", "field_changes",     "consent_events", "objections",
                                         "restrictions",   "agreements",        "disclosures",    "reports",
                                         "outbox",         "verification_codes"};

constexpr const char* kAuditColumns =
    "seq, at, actor_kind, actor, purpose, action, subject_id, detail, prev_hash, hash";
AuditRow ReadAuditRow(const Stmt& s) {
  return {s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.Text(7), s.Blob(8), s.Blob(9)};
}

// Personal texts are read and written in their sealed columns only; the columns in the clear (user_agent, ip_hash,
// reason, lift_notice) are written empty and read only by ListLegacyPlaintext.
constexpr const char* kConsentColumns =
    "subject_id, event_id, purpose, channel, action, method, policy_version, revision, language, unproven, at, "
    "actor, evidence";
ConsentEventRow ReadConsent(const Stmt& s) {
  ConsentEventRow row;
  row.subject_id = s.Text(0);
  row.event_id = s.Text(1);
  row.purpose = s.Text(2);
  row.channel = s.Text(3);
  row.action = s.Text(4);
  row.method = s.Text(5);
  row.policy_version = s.Text(6);
  row.revision = s.Int(7);
  row.language = s.Text(8);
  row.unproven = s.Int(9) != 0;
  row.at = s.Int(10);
  row.actor = s.Text(11);
  row.evidence = s.Blob(12);
  return row;
}

constexpr const char* kObjectionColumns =
    "subject_id, objection_id, purpose, channel, status, method, at, actor, decided_at, decided_by, sealed_reason";
ObjectionRow ReadObjection(const Stmt& s) {
  ObjectionRow row{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Int(6), s.Text(7), "",
                   OptionalInt(s, 8), s.Text(9)};
  row.sealed_reason = s.Blob(10);
  return row;
}

constexpr const char* kRestrictionColumns =
    "subject_id, restriction_id, started_at, actor, lifted_at, lifted_by, sealed_reason, sealed_notice";
RestrictionRow ReadRestriction(const Stmt& s) {
  RestrictionRow row{s.Text(0), s.Text(1), "", s.Int(2), s.Text(3), OptionalInt(s, 4), "", s.Text(5)};
  row.sealed_reason = s.Blob(6);
  row.sealed_notice = s.Blob(7);
  return row;
}

constexpr const char* kVisitorConsentColumns =
    "visitor_id, event_id, preferences, statistics, marketing, gpc, banner_version, language, policy_version, at, "
    "actor";
VisitorConsentRow ReadVisitorConsent(const Stmt& s) {
  return {s.Text(0), s.Text(1), s.Int(2) != 0, s.Int(3) != 0, s.Int(4) != 0, s.Int(5) != 0,
          s.Text(6), s.Text(7), s.Text(8),     s.Int(9),      s.Text(10)};
}

constexpr const char* kProhibitionColumns =
    "subject_id, prohibition_id, code, purpose, channel, method, set_at, actor, lifted_at, lifted_by";
ProhibitionRow ReadProhibition(const Stmt& s) {
  return {s.Text(0), s.Text(1), s.Text(2), s.Text(3),         s.Text(4),
          s.Text(5), s.Int(6),  s.Text(7), OptionalInt(s, 8), s.Text(9)};
}
constexpr const char* kReportColumns =
    "subject_id, report_id, token_hash, language, sealed, created_at, expires_at, kind";
ReportRow ReadReport(const Stmt& s) {
  return {s.Text(0), s.Text(1), s.Blob(2), s.Text(3), s.Blob(4), s.Int(5), s.Int(6), s.Text(7)};
}

AuditCheckpointRow ReadCheckpoint(const Stmt& s) { return {s.Int(0), s.Blob(1), s.Blob(2), s.Int(3)}; }

std::string_view IndexName(IndexKind kind) {
  switch (kind) {
    case IndexKind::kEmail:
      return "email";
    case IndexKind::kPhone:
      return "phone";
    case IndexKind::kCustomerNumber:
      return "customer_number";
    case IndexKind::kSuppression:
      return "suppression";
    case IndexKind::kLogin:
      return "login";
    case IndexKind::kPostalAddress:
      return "postal_address";
    case IndexKind::kCountry:
      return "country";
  }
  return "identifier";
}

std::string Sql(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out += p;
  return out;
}

// WriteTxn over the writer's connection, inside its open transaction.
class SqliteWriteTxn final : public WriteTxn {
 public:
  explicit SqliteWriteTxn(Db& db) : db_(db) {}

  Status InsertApiKey(const ApiKeyRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("INSERT INTO api_keys (name, key_hash, prefix, purposes, actions, "
                                                  "created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    stmt->Bind(1, row.name).Bind(2, row.key_hash).Bind(3, row.prefix).Bind(4, JoinList(row.purposes));
    stmt->Bind(5, JoinList(row.actions)).Bind(6, row.created_at).Bind(7, row.revoked_at);
    Status s = stmt->Run();
    if (s.code() == StatusCode::kConflict) {
      return Status::Conflict("an API key named '" + row.name + "' exists already", "api_key_exists");
    }
    return s;
  }

  Status RevokeApiKey(std::string_view name, int64_t revoked_at) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt,
                            db_.Cached("UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL"));
    stmt->Bind(1, revoked_at).Bind(2, name);
    TILLIT_RETURN_IF_ERROR(stmt->Run());
    if (sqlite3_changes(db_.raw()) == 0) {
      return Status::NotFound("no active API key named '" + std::string(name) + "'", "api_key_not_found");
    }
    return Status::Ok();
  }

  Status PutConfigSnapshot(const ConfigSnapshotRow& row, bool* inserted) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("INSERT INTO config_snapshots (id, published_at, config_json) "
                                                  "VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING"));
    stmt->Bind(1, row.id).Bind(2, row.published_at).Bind(3, row.config_json);
    TILLIT_RETURN_IF_ERROR(stmt->Run());
    if (inserted != nullptr) *inserted = sqlite3_changes(db_.raw()) > 0;
    return Status::Ok();
  }

  Status Nested(const std::function<Status()>& fn) override {
    TILLIT_RETURN_IF_ERROR(db_.Exec("SAVEPOINT nested"));
    Status s = fn();
    if (!s.ok()) (void)db_.Exec("ROLLBACK TO nested");
    (void)db_.Exec("RELEASE nested");
    return s;
  }

  Status InsertSecret(const SecretRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("INSERT INTO keystore.secrets (label, kek_version, wrapped, "
                                                  "created_at) VALUES (?, ?, ?, ?)"));
    stmt->Bind(1, row.label).Bind(2, int64_t{row.kek_version}).Bind(3, row.wrapped).Bind(4, row.created_at);
    Status s = stmt->Run();
    if (s.code() == StatusCode::kConflict) return Status::Conflict("secret " + row.label + " exists", "secret_exists");
    return s;
  }

  Status UpdateSecret(const SecretRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt,
                            db_.Cached("UPDATE keystore.secrets SET kek_version = ?, wrapped = ? WHERE label = ?"));
    stmt->Bind(1, int64_t{row.kek_version}).Bind(2, row.wrapped).Bind(3, row.label);
    return ExpectChange(stmt->Run(), "no secret " + row.label, "secret_not_found");
  }

  Status InsertSubject(const SubjectRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("INSERT INTO subjects (subject_id, created_at, updated_at, source, "
                                                  "erased_at) VALUES (?, ?, ?, ?, ?)"));
    stmt->Bind(1, row.id).Bind(2, row.created_at).Bind(3, row.updated_at).Bind(4, row.source).Bind(5, row.erased_at);
    Status s = stmt->Run();
    if (s.code() == StatusCode::kConflict) return Status::Conflict("the subject exists already", "subject_exists");
    return s;
  }

  Status TouchSubject(std::string_view subject_id, int64_t updated_at) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("UPDATE subjects SET updated_at = ? WHERE subject_id = ?"));
    stmt->Bind(1, updated_at).Bind(2, subject_id);
    return ExpectChange(stmt->Run(), "no such subject", "subject_not_found");
  }

  Status InsertDataKey(const DataKeyRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("INSERT INTO keystore.data_keys (subject_id, kek_version, "
                                                  "wrapped_key, hold_kek_version, hold_wrapped_key, created_at) "
                                                  "VALUES (?, ?, ?, ?, ?, ?)"));
    BindDataKey(*stmt, row);
    stmt->Bind(6, row.created_at);
    return stmt->Run();
  }

  Status UpdateDataKey(const DataKeyRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt,
                            db_.Cached("UPDATE keystore.data_keys SET kek_version = ?2, wrapped_key = ?3, "
                                       "hold_kek_version = ?4, hold_wrapped_key = ?5 WHERE subject_id = ?1"));
    BindDataKey(*stmt, row);
    return ExpectChange(stmt->Run(), "no data key for the subject", "data_key_not_found");
  }

  Status ClaimUniqueIndex(IndexKind kind, const std::vector<uint8_t>& value, std::string_view subject_id) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("INSERT INTO unique_index (kind, value, subject_id) VALUES (?, ?, ?) "
                                                  "ON CONFLICT (kind, value) DO NOTHING"));
    stmt->Bind(1, int64_t{static_cast<uint8_t>(kind)}).Bind(2, value).Bind(3, subject_id);
    TILLIT_RETURN_IF_ERROR(stmt->Run());
    if (sqlite3_changes(db_.raw()) > 0) return Status::Ok();
    TILLIT_ASSIGN_OR_RETURN(auto owner, FindUniqueIndex(db_, kind, value));
    if (owner && *owner == subject_id) return Status::Ok();
    const std::string name(IndexName(kind));
    return Status::Conflict("another subject has this " + name, name + "_taken");
  }

  Status ReleaseUniqueIndex(IndexKind kind, const std::vector<uint8_t>& value, std::string_view subject_id) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt,
                            db_.Cached("DELETE FROM unique_index WHERE kind = ? AND value = ? AND subject_id = ?"));
    stmt->Bind(1, int64_t{static_cast<uint8_t>(kind)}).Bind(2, value).Bind(3, subject_id);
    return stmt->Run();
  }

  Status AddSharedIndex(IndexKind kind, const std::vector<uint8_t>& value, std::string_view subject_id) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("INSERT INTO shared_index (kind, value, subject_id) VALUES (?, ?, ?) "
                                                  "ON CONFLICT DO NOTHING"));
    stmt->Bind(1, int64_t{static_cast<uint8_t>(kind)}).Bind(2, value).Bind(3, subject_id);
    return stmt->Run();
  }

  Status RemoveSharedIndex(IndexKind kind, const std::vector<uint8_t>& value, std::string_view subject_id) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt,
                            db_.Cached("DELETE FROM shared_index WHERE kind = ? AND value = ? AND subject_id = ?"));
    stmt->Bind(1, int64_t{static_cast<uint8_t>(kind)}).Bind(2, value).Bind(3, subject_id);
    return stmt->Run();
  }

  Result<std::vector<FieldRow>> Fields(std::string_view subject_id) override { return ListFields(db_, subject_id); }

  Status PutField(const FieldRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("INSERT OR REPLACE INTO subject_fields (subject_id, field, sealed, "
                                                  "source, collected_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)"));
    stmt->Bind(1, row.subject_id).Bind(2, row.field).Bind(3, row.sealed).Bind(4, row.source);
    stmt->Bind(5, row.collected_at).Bind(6, row.updated_at);
    return stmt->Run();
  }

  Status DeleteField(std::string_view subject_id, std::string_view field) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("DELETE FROM subject_fields WHERE subject_id = ? AND field = ?"));
    stmt->Bind(1, subject_id).Bind(2, field);
    return stmt->Run();
  }

  Status InsertFieldChange(const FieldChangeRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("INSERT INTO field_changes (subject_id, change_id, field, action, "
                                                  "previous, at, actor, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    stmt->Bind(1, row.subject_id).Bind(2, row.change_id).Bind(3, row.field).Bind(4, row.action);
    stmt->Bind(5, row.previous).Bind(6, row.at).Bind(7, row.actor).Bind(8, row.source);
    return stmt->Run();
  }

  Status InsertRecord(const RecordRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("INSERT INTO records (subject_id, record_id, kind, categories, "
                                                  "occurred_at, payload, reference, created_at, expires_at) "
                                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    stmt->Bind(1, row.subject_id).Bind(2, row.record_id).Bind(3, row.kind).Bind(4, JoinList(row.categories));
    stmt->Bind(5, row.occurred_at).Bind(6, row.payload).Bind(7, row.reference).Bind(8, row.created_at);
    stmt->Bind(9, row.expires_at);
    Status s = stmt->Run();
    if (s.code() == StatusCode::kConflict) return Status::Conflict("the record exists already", "record_exists");
    TILLIT_RETURN_IF_ERROR(s);
    if (row.hold.empty() && !row.hold_expires_at) return Status::Ok();
    TILLIT_ASSIGN_OR_RETURN(auto hold, db_.Cached("UPDATE records SET hold_payload = ?, hold_expires_at = ? "
                                                  "WHERE subject_id = ? AND record_id = ?"));
    hold->Bind(1, row.hold).Bind(2, row.hold_expires_at).Bind(3, row.subject_id).Bind(4, row.record_id);
    return hold->Run();
  }

  Result<std::optional<DataKeyRow>> DataKey(std::string_view subject_id) override {
    return FindDataKey(db_, subject_id);
  }

  Status DestroyDataKey(std::string_view subject_id) override {
    // The data wrapping is overwritten (secure_delete zeroes the old bytes); kek_version follows the hold key's so
    // key rotation has nothing left to rewrap in it.
    TILLIT_ASSIGN_OR_RETURN(auto keep, db_.Cached("UPDATE keystore.data_keys SET wrapped_key = X'', kek_version = "
                                                  "hold_kek_version WHERE subject_id = ? AND hold_wrapped_key IS NOT "
                                                  "NULL AND length(hold_wrapped_key) > 0"));
    keep->Bind(1, subject_id);
    TILLIT_RETURN_IF_ERROR(keep->Run());
    if (sqlite3_changes(db_.raw()) > 0) return Status::Ok();
    return DeleteKeys(subject_id);
  }

  Status DeleteKeys(std::string_view subject_id) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("DELETE FROM keystore.data_keys WHERE subject_id = ?"));
    stmt->Bind(1, subject_id);
    return stmt->Run();
  }

  Status EraseSubject(std::string_view subject_id, int64_t erased_at, ErasedCounts* counts) override {
    TILLIT_ASSIGN_OR_RETURN(auto subject, FindSubject(db_, subject_id));
    if (!subject) return Status::NotFound("no subject with this id", "subject_not_found");
    if (subject->erased_at) return Status::FailedPrecondition("the subject is erased already", "already_erased");
    auto run = [&](const std::string& name, const std::string& sql, auto&&... binds) -> Status {
      TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached(sql));
      int pos = 0;
      (stmt->Bind(++pos, binds), ...);
      TILLIT_RETURN_IF_ERROR(stmt->Run());
      const int64_t n = sqlite3_changes(db_.raw());
      if (!name.empty() && n > 0) counts->emplace_back(name, n);
      return Status::Ok();
    };
    const std::string_view id = subject_id;
    // The visitors linked to the subject: their banner choices are the person's too.
    TILLIT_RETURN_IF_ERROR(run("visitor_consents",
                               "DELETE FROM visitor_consents WHERE visitor_id IN (SELECT visitor_id FROM "
                               "visitor_links WHERE subject_id = ?)",
                               id));
    TILLIT_RETURN_IF_ERROR(run("visitor_links", "DELETE FROM visitor_links WHERE subject_id = ?", id));
    for (const char* table : kErasedTables) {
      TILLIT_RETURN_IF_ERROR(run(table, Sql({"DELETE FROM ", table, " WHERE subject_id = ?"}), id));
    }
    TILLIT_RETURN_IF_ERROR(run("records", "DELETE FROM records WHERE subject_id = ? AND hold_payload IS NULL", id));
    TILLIT_RETURN_IF_ERROR(run("records.payload",
                               "UPDATE records SET payload = X'', reference = NULL, expires_at = NULL "
                               "WHERE subject_id = ? AND hold_payload IS NOT NULL",
                               id));
    return run("", "UPDATE subjects SET erased_at = ?, expires_at = NULL WHERE subject_id = ?", erased_at, id);
  }

  Status InsertErasure(const ErasureRow& receipt) override {
    TILLIT_ASSIGN_OR_RETURN(auto insert, db_.Cached("INSERT INTO erasures (subject_id, erased_at, reason, actor, "
                                                    "receipt) VALUES (?, ?, ?, ?, ?)"));
    insert->Bind(1, receipt.subject_id).Bind(2, receipt.erased_at).Bind(3, receipt.reason).Bind(4, receipt.actor);
    insert->Bind(5, receipt.receipt);
    return insert->Run();
  }

  Status SetSubjectRetention(std::string_view subject_id, std::optional<int64_t> expires_at,
                             std::optional<int64_t> active_at) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("UPDATE subjects SET expires_at = ?, active_at = COALESCE(?, "
                                                  "active_at) WHERE subject_id = ?"));
    stmt->Bind(1, expires_at).Bind(2, active_at).Bind(3, subject_id);
    return ExpectChange(stmt->Run(), "no such subject", "subject_not_found");
  }

  Status SetRecordExpiry(std::string_view subject_id, std::string_view record_id, std::optional<int64_t> expires_at,
                         std::optional<int64_t> hold_expires_at) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("UPDATE records SET expires_at = ?, hold_expires_at = ? "
                                                  "WHERE subject_id = ? AND record_id = ?"));
    stmt->Bind(1, expires_at).Bind(2, hold_expires_at).Bind(3, subject_id).Bind(4, record_id);
    return ExpectChange(stmt->Run(), "no such record", "record_not_found");
  }

  Status StripRecord(std::string_view subject_id, std::string_view record_id) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("UPDATE records SET payload = X'', reference = NULL, expires_at = "
                                                  "NULL WHERE subject_id = ? AND record_id = ?"));
    stmt->Bind(1, subject_id).Bind(2, record_id);
    return ExpectChange(stmt->Run(), "no such record", "record_not_found");
  }

  Status StripRecordHold(std::string_view subject_id, std::string_view record_id) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("UPDATE records SET hold_payload = NULL, hold_expires_at = NULL "
                                                  "WHERE subject_id = ? AND record_id = ?"));
    stmt->Bind(1, subject_id).Bind(2, record_id);
    return ExpectChange(stmt->Run(), "no such record", "record_not_found");
  }

  Status DeleteRecord(std::string_view subject_id, std::string_view record_id) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("DELETE FROM records WHERE subject_id = ? AND record_id = ?"));
    stmt->Bind(1, subject_id).Bind(2, record_id);
    return stmt->Run();
  }

  Result<int64_t> CountHoldRecords(std::string_view subject_id) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("SELECT COUNT(*) FROM records WHERE subject_id = ? AND "
                                                  "hold_payload IS NOT NULL"));
    stmt->Bind(1, subject_id);
    TILLIT_ASSIGN_OR_RETURN(bool row, stmt->Step());
    return row ? stmt->Int(0) : 0;
  }

  Status EndAgreement(const AgreementRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("INSERT INTO agreements (subject_id, ref, ended_at) VALUES (?, ?, "
                                                  "?) ON CONFLICT DO NOTHING"));
    stmt->Bind(1, row.subject_id).Bind(2, row.ref).Bind(3, row.ended_at);
    return stmt->Run();
  }

  Result<std::optional<int64_t>> AgreementEnd(std::string_view subject_id) override {
    return sqlite::AgreementEnd(db_, subject_id);
  }

  Status InsertConsentEvent(const ConsentEventRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt,
                            db_.Cached(Sql({"INSERT INTO consent_events (", kConsentColumns,
                                            ", user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')"})));
    stmt->Bind(1, row.subject_id).Bind(2, row.event_id).Bind(3, row.purpose).Bind(4, row.channel);
    stmt->Bind(5, row.action).Bind(6, row.method).Bind(7, row.policy_version).Bind(8, row.revision);
    stmt->Bind(9, row.language).Bind(10, int64_t{row.unproven}).Bind(11, row.at).Bind(12, row.actor);
    stmt->Bind(13, row.evidence);
    return stmt->Run();
  }

  Status InsertObjection(const ObjectionRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached(Sql({"INSERT INTO objections (", kObjectionColumns,
                                                       ", reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')"})));
    stmt->Bind(1, row.subject_id).Bind(2, row.objection_id).Bind(3, row.purpose).Bind(4, row.channel);
    stmt->Bind(5, row.status).Bind(6, row.method).Bind(7, row.at).Bind(8, row.actor).Bind(9, row.decided_at);
    stmt->Bind(10, row.decided_by).Bind(11, row.sealed_reason);
    return stmt->Run();
  }

  Status DecideObjection(std::string_view subject_id, std::string_view objection_id, std::string_view status,
                         const std::vector<uint8_t>& sealed_reason, int64_t decided_at,
                         std::string_view decided_by) override {
    TILLIT_ASSIGN_OR_RETURN(auto find, db_.Cached("SELECT status FROM objections WHERE subject_id = ? AND "
                                                  "objection_id = ?"));
    find->Bind(1, subject_id).Bind(2, objection_id);
    TILLIT_ASSIGN_OR_RETURN(bool found, find->Step());
    if (!found) return Status::NotFound("no such objection for this subject", "objection_not_found");
    if (find->Text(0) != "active") {
      return Status::FailedPrecondition("the objection was decided already", "objection_decided");
    }
    TILLIT_ASSIGN_OR_RETURN(auto stmt,
                            db_.Cached("UPDATE objections SET status = ?, sealed_reason = ?, reason = '', "
                                       "decided_at = ?, decided_by = ? WHERE subject_id = ? AND objection_id = ?"));
    stmt->Bind(1, status).Bind(2, sealed_reason).Bind(3, decided_at).Bind(4, decided_by).Bind(5, subject_id);
    stmt->Bind(6, objection_id);
    return stmt->Run();
  }

  Status InsertRestriction(const RestrictionRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached(Sql({"INSERT INTO restrictions (", kRestrictionColumns,
                                                       ", reason, lift_notice) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '')"})));
    stmt->Bind(1, row.subject_id).Bind(2, row.restriction_id).Bind(3, row.started_at).Bind(4, row.actor);
    stmt->Bind(5, row.lifted_at).Bind(6, row.lifted_by).Bind(7, row.sealed_reason).Bind(8, row.sealed_notice);
    Status s = stmt->Run();
    if (s.code() == StatusCode::kConflict) {
      return Status::Conflict("processing of this subject is restricted already", "already_restricted");
    }
    return s;
  }

  Status LiftRestriction(std::string_view subject_id, std::string_view restriction_id, int64_t lifted_at,
                         const std::vector<uint8_t>& sealed_notice, std::string_view lifted_by) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt,
                            db_.Cached("UPDATE restrictions SET lifted_at = ?, sealed_notice = ?, lift_notice = '', "
                                       "lifted_by = ? WHERE subject_id = ? AND restriction_id = ? AND lifted_at IS "
                                       "NULL"));
    stmt->Bind(1, lifted_at).Bind(2, sealed_notice).Bind(3, lifted_by).Bind(4, subject_id).Bind(5, restriction_id);
    return ExpectChange(stmt->Run(), "processing of this subject is not restricted", "not_restricted");
  }

  Status SealLegacyPlaintext(const LegacyPlaintext& sealed) override {
    TILLIT_ASSIGN_OR_RETURN(auto consent, db_.Cached("UPDATE consent_events SET evidence = ?, user_agent = '', "
                                                     "ip_hash = NULL WHERE subject_id = ? AND event_id = ?"));
    for (const auto& e : sealed.consent_events) {
      consent->Reset();
      consent->Bind(1, e.evidence).Bind(2, e.subject_id).Bind(3, e.event_id);
      TILLIT_RETURN_IF_ERROR(consent->Run());
    }
    TILLIT_ASSIGN_OR_RETURN(auto objection, db_.Cached("UPDATE objections SET sealed_reason = ?, reason = '' WHERE "
                                                       "subject_id = ? AND objection_id = ?"));
    for (const auto& o : sealed.objections) {
      objection->Reset();
      objection->Bind(1, o.sealed_reason).Bind(2, o.subject_id).Bind(3, o.objection_id);
      TILLIT_RETURN_IF_ERROR(objection->Run());
    }
    TILLIT_ASSIGN_OR_RETURN(auto restriction,
                            db_.Cached("UPDATE restrictions SET sealed_reason = ?, sealed_notice = ?, reason = '', "
                                       "lift_notice = '' WHERE subject_id = ? AND restriction_id = ?"));
    for (const auto& r : sealed.restrictions) {
      restriction->Reset();
      restriction->Bind(1, r.sealed_reason).Bind(2, r.sealed_notice).Bind(3, r.subject_id).Bind(4, r.restriction_id);
      TILLIT_RETURN_IF_ERROR(restriction->Run());
    }
    return Status::Ok();
  }

  Status InsertProhibition(const ProhibitionRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached(Sql({"INSERT INTO prohibitions (", kProhibitionColumns,
                                                       ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"})));
    stmt->Bind(1, row.subject_id).Bind(2, row.prohibition_id).Bind(3, row.code).Bind(4, row.purpose);
    stmt->Bind(5, row.channel).Bind(6, row.method).Bind(7, row.set_at).Bind(8, row.actor).Bind(9, row.lifted_at);
    stmt->Bind(10, row.lifted_by);
    return stmt->Run();
  }

  Status LiftProhibition(std::string_view subject_id, std::string_view prohibition_id, int64_t lifted_at,
                         std::string_view lifted_by) override {
    TILLIT_ASSIGN_OR_RETURN(auto find, db_.Cached("SELECT lifted_at FROM prohibitions WHERE subject_id = ? AND "
                                                  "prohibition_id = ?"));
    find->Bind(1, subject_id).Bind(2, prohibition_id);
    TILLIT_ASSIGN_OR_RETURN(bool found, find->Step());
    if (!found) return Status::NotFound("the subject has no prohibition with this id", "prohibition_not_found");
    const bool lifted = !find->IsNull(0);
    if (lifted) return Status::FailedPrecondition("this prohibition was lifted already", "prohibition_lifted");
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("UPDATE prohibitions SET lifted_at = ?, lifted_by = ? WHERE "
                                                  "subject_id = ? AND prohibition_id = ?"));
    stmt->Bind(1, lifted_at).Bind(2, lifted_by).Bind(3, subject_id).Bind(4, prohibition_id);
    return stmt->Run();
  }

  Status ReplaceOptOutRegister(const OptOutRegisterRow& row, const std::vector<OptOutEntry>& entries) override {
    TILLIT_ASSIGN_OR_RETURN(auto clear, db_.Cached("DELETE FROM opt_out_entries WHERE register_id = ?"));
    clear->Bind(1, row.register_id);
    TILLIT_RETURN_IF_ERROR(clear->Run());
    TILLIT_ASSIGN_OR_RETURN(auto insert, db_.Cached("INSERT INTO opt_out_entries (register_id, kind, value) VALUES "
                                                    "(?, ?, ?) ON CONFLICT DO NOTHING"));
    for (const auto& e : entries) {
      insert->Reset();  // one statement for every row
      insert->Bind(1, row.register_id).Bind(2, int64_t{static_cast<uint8_t>(e.kind)}).Bind(3, e.value);
      TILLIT_RETURN_IF_ERROR(insert->Run());
    }
    TILLIT_ASSIGN_OR_RETURN(auto put, db_.Cached("INSERT INTO opt_out_registers (register_id, imported_at, phones, "
                                                 "addresses, actor) VALUES (?, ?, ?, ?, ?) ON CONFLICT (register_id) "
                                                 "DO UPDATE SET imported_at = excluded.imported_at, phones = "
                                                 "excluded.phones, addresses = excluded.addresses, actor = "
                                                 "excluded.actor"));
    put->Bind(1, row.register_id).Bind(2, row.imported_at).Bind(3, row.phones).Bind(4, row.addresses);
    put->Bind(5, row.actor);
    return put->Run();
  }

  Status InsertVisitorConsent(const VisitorConsentRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached(Sql({"INSERT INTO visitor_consents (", kVisitorConsentColumns,
                                                       ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"})));
    stmt->Bind(1, row.visitor_id).Bind(2, row.event_id).Bind(3, int64_t{row.preferences});
    stmt->Bind(4, int64_t{row.statistics}).Bind(5, int64_t{row.marketing}).Bind(6, int64_t{row.gpc});
    stmt->Bind(7, row.banner_version).Bind(8, row.language).Bind(9, row.policy_version).Bind(10, row.at);
    stmt->Bind(11, row.actor);
    return stmt->Run();
  }

  Status LinkVisitor(const VisitorLinkRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt,
                            db_.Cached("INSERT INTO visitor_links (visitor_id, subject_id, linked_at, actor) "
                                       "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"));
    stmt->Bind(1, row.visitor_id).Bind(2, row.subject_id).Bind(3, row.linked_at).Bind(4, row.actor);
    return stmt->Run();
  }

  Status InsertDisclosure(const DisclosureRow& row) override { return sqlite::InsertDisclosure(db_, row); }
  Status DeleteDisclosures(std::string_view subject_id, int64_t* deleted) override {
    return sqlite::DeleteDisclosures(db_, subject_id, deleted);
  }
  Status InsertWebhookDelivery(const WebhookDeliveryRow& row) override {
    return sqlite::InsertWebhookDelivery(db_, row);
  }
  Status UpdateWebhookDelivery(const WebhookDeliveryRow& row) override {
    return sqlite::UpdateWebhookDelivery(db_, row);
  }
  Status InsertReport(const ReportRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(
        auto stmt, db_.Cached(Sql({"INSERT INTO reports (", kReportColumns, ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"})));
    stmt->Bind(1, row.subject_id).Bind(2, row.report_id).Bind(3, row.token_hash).Bind(4, row.language);
    stmt->Bind(5, row.sealed).Bind(6, row.created_at).Bind(7, row.expires_at).Bind(8, row.kind);
    Status s = stmt->Run();
    if (s.code() == StatusCode::kConflict) return Status::Conflict("the report exists already", "report_exists");
    return s;
  }

  Status DeleteReport(std::string_view subject_id, std::string_view report_id) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("DELETE FROM reports WHERE subject_id = ? AND report_id = ?"));
    stmt->Bind(1, subject_id).Bind(2, report_id);
    TILLIT_RETURN_IF_ERROR(stmt->Run());
    if (sqlite3_changes(db_.raw()) == 0) return Status::NotFound("no such report", "report_not_found");
    return Status::Ok();
  }

  Result<int64_t> DeleteReportsOfSubject(std::string_view subject_id) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("DELETE FROM reports WHERE subject_id = ?"));
    stmt->Bind(1, subject_id);
    TILLIT_RETURN_IF_ERROR(stmt->Run());
    return int64_t{sqlite3_changes(db_.raw())};
  }

  Result<int64_t> DeleteExpiredReports(int64_t before, size_t limit) override {
    return DeleteBefore(db_,
                        "DELETE FROM reports WHERE rowid IN (SELECT rowid FROM reports WHERE expires_at <= ? ORDER BY "
                        "expires_at LIMIT ?)",
                        before, limit);
  }
  Result<int64_t> DeleteFinishedMail(int64_t before, size_t limit) override {
    return DeleteBefore(db_,
                        "DELETE FROM outbox WHERE rowid IN (SELECT rowid FROM outbox WHERE status <> 'queued' AND "
                        "created_at <= ? ORDER BY created_at LIMIT ?)",
                        before, limit);
  }
  Result<int64_t> DeleteFinishedWebhookDeliveries(int64_t before, size_t limit) override {
    return DeleteBefore(db_,
                        "DELETE FROM webhook_outbox WHERE rowid IN (SELECT rowid FROM webhook_outbox WHERE status <> "
                        "'pending' AND created_at <= ? ORDER BY created_at LIMIT ?)",
                        before, limit);
  }
  Result<int64_t> DeleteDecisionChanges(int64_t before, int64_t keep, size_t limit) override {
    TILLIT_ASSIGN_OR_RETURN(
        auto stmt,
        db_.Cached("DELETE FROM decision_changes WHERE seq IN (SELECT seq FROM decision_changes WHERE seq < "
                   "MIN(COALESCE((SELECT seq FROM decision_changes WHERE at > ? ORDER BY seq LIMIT 1), "
                   "(SELECT MAX(seq) FROM decision_changes)), (SELECT MAX(seq) FROM decision_changes) + 1 - ?) "
                   "ORDER BY seq LIMIT ?)"));
    stmt->Bind(1, before).Bind(2, std::max<int64_t>(keep, 1)).Bind(3, static_cast<int64_t>(limit));
    TILLIT_RETURN_IF_ERROR(stmt->Run());
    return int64_t{sqlite3_changes(db_.raw())};
  }
  Status PutRightsRequest(const RightsRequestRow& row) override { return sqlite::PutRightsRequest(db_, row); }
  Result<std::optional<RightsRequestRow>> RightsRequestForUpdate(std::string_view request_id) override {
    return sqlite::FindRightsRequest(db_, request_id);
  }
  Status InsertRequestEvent(const RequestEventRow& row) override { return sqlite::InsertRequestEvent(db_, row); }
  Status PutVerificationCode(const VerificationCodeRow& row) override { return sqlite::PutVerificationCode(db_, row); }
  Result<std::optional<VerificationCodeRow>> LatestVerificationCode(std::string_view subject_id,
                                                                    std::string_view request_id) override {
    return sqlite::LatestVerificationCode(db_, subject_id, request_id);
  }
  Result<CodeCounts> CountVerificationCodes(std::string_view subject_id, const std::vector<uint8_t>& address_hash,
                                            const std::vector<uint8_t>& ip_hash, int64_t since) override {
    return sqlite::CountVerificationCodes(db_, subject_id, address_hash, ip_hash, since);
  }
  Result<int64_t> ForgetCodeAddresses(int64_t before, size_t limit) override {
    return sqlite::ForgetCodeAddresses(db_, before, limit);
  }
  Status PutMail(const MailRow& row) override { return sqlite::PutMail(db_, row); }
  Status UpdateMailDelivery(const MailRow& row) override { return sqlite::UpdateMailDelivery(db_, row); }
  Result<int64_t> DeleteSubjectMail(std::string_view subject_id) override {
    return sqlite::DeleteSubjectMail(db_, subject_id);
  }

  Status AppendDecisionChange(std::string_view subject_id, int64_t at) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("INSERT INTO decision_changes (subject_id, at) VALUES (?, ?)"));
    stmt->Bind(1, subject_id).Bind(2, at);
    return stmt->Run();
  }

  Result<AuditCheckpointRow> AuditTail() override { return sqlite::AuditTail(db_); }

  Status AppendAudit(const AuditRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(
        auto stmt,
        db_.Cached(Sql({"INSERT INTO audit_log (", kAuditColumns, ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"})));
    stmt->Bind(1, row.seq).Bind(2, row.at).Bind(3, row.actor_kind).Bind(4, row.actor).Bind(5, row.purpose);
    stmt->Bind(6, row.action).Bind(7, row.subject_id).Bind(8, row.detail).Bind(9, row.prev_hash).Bind(10, row.hash);
    return stmt->Run();
  }

  Result<std::optional<AuditCheckpointRow>> AuditCheckpoint() override { return FindAuditCheckpoint(db_); }

  Status PutAuditCheckpoint(const AuditCheckpointRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("INSERT OR REPLACE INTO audit_checkpoint (id, seq, hash, signature, "
                                                  "at) VALUES (1, ?, ?, ?, ?)"));
    stmt->Bind(1, row.seq).Bind(2, row.hash).Bind(3, row.signature).Bind(4, row.at);
    return stmt->Run();
  }

  Result<std::optional<std::vector<uint8_t>>> AuditHashAt(int64_t seq) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("SELECT hash FROM audit_log WHERE seq = ?"));
    stmt->Bind(1, seq);
    return First<std::vector<uint8_t>>(*stmt, [](const Stmt& s) { return s.Blob(0); });
  }

  Result<std::optional<AuditCheckpointRow>> KeyStoreAuditHead() override { return FindKeyStoreAuditHead(db_); }

  Status PutKeyStoreAuditHead(const AuditCheckpointRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db_.Cached("INSERT OR REPLACE INTO keystore.audit_head (id, seq, hash, "
                                                  "signature, at) VALUES (1, ?, ?, ?, ?)"));
    stmt->Bind(1, row.seq).Bind(2, row.hash).Bind(3, row.signature).Bind(4, row.at);
    return stmt->Run();
  }

 private:
  static void BindDataKey(Stmt& stmt, const DataKeyRow& row) {
    stmt.Bind(1, row.subject_id).Bind(2, int64_t{row.kek_version}).Bind(3, row.wrapped);
    if (row.hold_kek_version) {
      stmt.Bind(4, int64_t{*row.hold_kek_version}).Bind(5, row.hold_wrapped);
    } else {
      stmt.BindNull(4).BindNull(5);
    }
  }

  Status ExpectChange(Status ran, std::string message, std::string reason) {
    TILLIT_RETURN_IF_ERROR(ran);
    if (sqlite3_changes(db_.raw()) == 0) return Status::NotFound(std::move(message), std::move(reason));
    return Status::Ok();
  }

  Db& db_;
};

}  // namespace

std::unique_ptr<WriteTxn> NewWriteTxn(Db& db) { return std::make_unique<SqliteWriteTxn>(db); }

Result<std::optional<ApiKeyRow>> FindApiKeyByHash(Db& db, const std::vector<uint8_t>& key_hash) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kApiKeyColumns, " FROM api_keys WHERE key_hash = ?"})));
  stmt->Bind(1, key_hash);
  return First<ApiKeyRow>(*stmt, ReadApiKey);
}

Result<std::vector<ApiKeyRow>> ListApiKeys(Db& db) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kApiKeyColumns, " FROM api_keys ORDER BY name"})));
  return Collect<ApiKeyRow>(*stmt, ReadApiKey);
}

Result<std::optional<ConfigSnapshotRow>> FindConfigSnapshot(Db& db, std::string_view id) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT id, published_at, config_json FROM config_snapshots "
                                               "WHERE id = ?"));
  stmt->Bind(1, id);
  return First<ConfigSnapshotRow>(*stmt, [](const Stmt& s) {
    return ConfigSnapshotRow{s.Text(0), s.Int(1), s.Text(2)};
  });
}

Result<std::vector<ConfigSnapshotRow>> ListConfigSnapshots(Db& db) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT id, published_at FROM config_snapshots "
                                               "ORDER BY published_at, id"));
  return Collect<ConfigSnapshotRow>(*stmt, [](const Stmt& s) { return ConfigSnapshotRow{s.Text(0), s.Int(1), {}}; });
}

Result<std::optional<SecretRow>> FindSecret(Db& db, std::string_view label) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT label, kek_version, wrapped, created_at FROM keystore.secrets "
                                               "WHERE label = ?"));
  stmt->Bind(1, label);
  return First<SecretRow>(*stmt, ReadSecret);
}

Result<std::vector<SecretRow>> ListSecrets(Db& db) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT label, kek_version, wrapped, created_at FROM keystore.secrets "
                                               "ORDER BY label"));
  return Collect<SecretRow>(*stmt, ReadSecret);
}

Result<std::optional<SubjectRow>> FindSubject(Db& db, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt,
                          db.Cached(Sql({"SELECT ", kSubjectColumns, " FROM subjects WHERE subject_id = ?"})));
  stmt->Bind(1, subject_id);
  return First<SubjectRow>(*stmt, ReadSubject);
}

Result<std::vector<SubjectRow>> ListSubjects(Db& db, std::optional<std::pair<int64_t, std::string>> after,
                                             size_t limit) {
  if (!after) {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kSubjectColumns,
                                                      " FROM subjects ORDER BY "
                                                      "created_at DESC, subject_id DESC LIMIT ?"})));
    stmt->Bind(1, static_cast<int64_t>(limit));
    return Collect<SubjectRow>(*stmt, ReadSubject);
  }
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kSubjectColumns,
                                                    " FROM subjects WHERE "
                                                    "(created_at, subject_id) < (?, ?) ORDER BY created_at DESC, "
                                                    "subject_id DESC LIMIT ?"})));
  stmt->Bind(1, after->first).Bind(2, after->second).Bind(3, static_cast<int64_t>(limit));
  return Collect<SubjectRow>(*stmt, ReadSubject);
}

Result<std::optional<DataKeyRow>> FindDataKey(Db& db, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(
      auto stmt, db.Cached(Sql({"SELECT ", kDataKeyColumns, " FROM keystore.data_keys WHERE subject_id = ?"})));
  stmt->Bind(1, subject_id);
  return First<DataKeyRow>(*stmt, ReadDataKey);
}

Result<std::vector<DataKeyRow>> ListDataKeysBelow(Db& db, uint32_t version, std::string_view after_subject_id,
                                                  size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kDataKeyColumns,
                                                    " FROM keystore.data_keys WHERE "
                                                    "(kek_version < ?1 OR hold_kek_version < ?1) AND subject_id > ?2 "
                                                    "ORDER BY subject_id LIMIT ?3"})));
  stmt->Bind(1, int64_t{version}).Bind(2, after_subject_id).Bind(3, static_cast<int64_t>(limit));
  return Collect<DataKeyRow>(*stmt, ReadDataKey);
}

Result<int64_t> CountDataKeysBelow(Db& db, uint32_t version) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT COUNT(*) FROM keystore.data_keys WHERE kek_version < ?1 OR "
                                               "hold_kek_version < ?1"));
  stmt->Bind(1, int64_t{version});
  TILLIT_ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row ? stmt->Int(0) : 0;
}

Result<std::optional<std::string>> FindUniqueIndex(Db& db, IndexKind kind, const std::vector<uint8_t>& value) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT subject_id FROM unique_index WHERE kind = ? AND value = ?"));
  stmt->Bind(1, int64_t{static_cast<uint8_t>(kind)}).Bind(2, value);
  return First<std::string>(*stmt, [](const Stmt& s) { return s.Text(0); });
}

Result<std::vector<std::string>> FindSharedIndex(Db& db, IndexKind kind, const std::vector<uint8_t>& value) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT subject_id FROM shared_index WHERE kind = ? AND value = ? "
                                               "ORDER BY subject_id"));
  stmt->Bind(1, int64_t{static_cast<uint8_t>(kind)}).Bind(2, value);
  return Collect<std::string>(*stmt, [](const Stmt& s) { return s.Text(0); });
}

Result<std::vector<FieldRow>> ListFields(Db& db, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT subject_id, field, sealed, source, collected_at, updated_at "
                                               "FROM subject_fields WHERE subject_id = ? ORDER BY field"));
  stmt->Bind(1, subject_id);
  return Collect<FieldRow>(*stmt, ReadField);
}

Result<std::vector<FieldChangeRow>> ListFieldChanges(Db& db, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT subject_id, change_id, field, action, previous, at, actor, "
                                               "source FROM field_changes WHERE subject_id = ? ORDER BY at, rowid"));
  stmt->Bind(1, subject_id);
  return Collect<FieldChangeRow>(*stmt, ReadFieldChange);
}

Result<std::vector<RecordRow>> ListRecords(Db& db, std::string_view subject_id, const RecordQuery& query) {
  // One statement for every combination of filters: a NULL parameter switches its filter off.
  TILLIT_ASSIGN_OR_RETURN(auto stmt,
                          db.Cached(Sql({"SELECT ", kRecordColumns,
                                         " FROM records WHERE subject_id = ?1 "
                                         "AND (?2 IS NULL OR kind = ?2) AND (?3 IS NULL OR occurred_at >= ?3) "
                                         "AND (?4 IS NULL OR (occurred_at, record_id) < (?4, ?5)) "
                                         "ORDER BY occurred_at DESC, record_id DESC LIMIT ?6"})));
  stmt->Bind(1, subject_id);
  if (query.kind.empty()) {
    stmt->BindNull(2);
  } else {
    stmt->Bind(2, query.kind);
  }
  stmt->Bind(3, query.since).Bind(4, query.before_occurred_at).Bind(5, query.before_record_id);
  stmt->Bind(6, static_cast<int64_t>(query.limit));
  return Collect<RecordRow>(*stmt, ReadRecord);
}

Result<std::optional<RecordRow>> FindRecord(Db& db, std::string_view subject_id, std::string_view record_id) {
  TILLIT_ASSIGN_OR_RETURN(
      auto stmt, db.Cached(Sql({"SELECT ", kRecordColumns, " FROM records WHERE subject_id = ? AND record_id = ?"})));
  stmt->Bind(1, subject_id).Bind(2, record_id);
  return First<RecordRow>(*stmt, ReadRecord);
}

Result<std::vector<ConsentEventRow>> ListConsentEvents(Db& db, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kConsentColumns,
                                                    " FROM consent_events WHERE "
                                                    "subject_id = ? ORDER BY at, rowid"})));
  stmt->Bind(1, subject_id);
  return Collect<ConsentEventRow>(*stmt, ReadConsent);
}

Result<std::vector<ObjectionRow>> ListObjections(Db& db, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kObjectionColumns,
                                                    " FROM objections WHERE "
                                                    "subject_id = ? ORDER BY at, rowid"})));
  stmt->Bind(1, subject_id);
  return Collect<ObjectionRow>(*stmt, ReadObjection);
}

Result<std::vector<RestrictionRow>> ListRestrictions(Db& db, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kRestrictionColumns,
                                                    " FROM restrictions WHERE "
                                                    "subject_id = ? ORDER BY started_at, rowid"})));
  stmt->Bind(1, subject_id);
  return Collect<RestrictionRow>(*stmt, ReadRestriction);
}

Result<std::vector<ConsentEventRow>> ScanConsentEvents(Db& db, std::string_view after_subject,
                                                       std::string_view after_id, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kConsentColumns,
                                                    " FROM consent_events WHERE "
                                                    "(subject_id, event_id) > (?, ?) ORDER BY subject_id, event_id "
                                                    "LIMIT ?"})));
  stmt->Bind(1, after_subject).Bind(2, after_id).Bind(3, static_cast<int64_t>(limit));
  return Collect<ConsentEventRow>(*stmt, ReadConsent);
}

Result<std::vector<ObjectionRow>> ScanObjections(Db& db, std::string_view after_subject, std::string_view after_id,
                                                 size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kObjectionColumns,
                                                    " FROM objections WHERE "
                                                    "(subject_id, objection_id) > (?, ?) ORDER BY subject_id, "
                                                    "objection_id LIMIT ?"})));
  stmt->Bind(1, after_subject).Bind(2, after_id).Bind(3, static_cast<int64_t>(limit));
  return Collect<ObjectionRow>(*stmt, ReadObjection);
}

Result<std::vector<RestrictionRow>> ScanActiveRestrictions(Db& db, std::string_view after_subject,
                                                           std::string_view after_id, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kRestrictionColumns,
                                                    " FROM restrictions WHERE "
                                                    "lifted_at IS NULL AND (subject_id, restriction_id) > (?, ?) "
                                                    "ORDER BY subject_id, restriction_id LIMIT ?"})));
  stmt->Bind(1, after_subject).Bind(2, after_id).Bind(3, static_cast<int64_t>(limit));
  return Collect<RestrictionRow>(*stmt, ReadRestriction);
}

Result<LegacyPlaintext> ListLegacyPlaintext(Db& db, size_t limit) {
  LegacyPlaintext out;
  const auto n = static_cast<int64_t>(limit);
  // INDEXED BY: the partial indexes hold exactly these rows, so the read costs nothing once they are sealed.
  TILLIT_ASSIGN_OR_RETURN(auto consents,
                          db.Cached(Sql({"SELECT ", kConsentColumns,
                                         ", user_agent, ip_hash FROM consent_events INDEXED BY consent_events_in_clear "
                                         "WHERE user_agent <> '' OR length(ip_hash) > 0 LIMIT ?"})));
  consents->Bind(1, n);
  TILLIT_ASSIGN_OR_RETURN(out.consent_events, Collect<ConsentEventRow>(*consents, [](const Stmt& s) {
                            ConsentEventRow row = ReadConsent(s);
                            row.user_agent = s.Text(13);
                            row.ip_hash = s.Blob(14);
                            return row;
                          }));
  TILLIT_ASSIGN_OR_RETURN(auto objections, db.Cached(Sql({"SELECT ", kObjectionColumns,
                                                          ", reason FROM objections INDEXED BY objections_in_clear "
                                                          "WHERE reason <> '' LIMIT ?"})));
  objections->Bind(1, n);
  TILLIT_ASSIGN_OR_RETURN(out.objections, Collect<ObjectionRow>(*objections, [](const Stmt& s) {
                            ObjectionRow row = ReadObjection(s);
                            row.reason = s.Text(11);
                            return row;
                          }));
  TILLIT_ASSIGN_OR_RETURN(auto restrictions,
                          db.Cached(Sql({"SELECT ", kRestrictionColumns,
                                         ", reason, lift_notice FROM restrictions INDEXED BY restrictions_in_clear "
                                         "WHERE reason <> '' OR lift_notice <> '' LIMIT ?"})));
  restrictions->Bind(1, n);
  TILLIT_ASSIGN_OR_RETURN(out.restrictions, Collect<RestrictionRow>(*restrictions, [](const Stmt& s) {
                            RestrictionRow row = ReadRestriction(s);
                            row.reason = s.Text(8);
                            row.lift_notice = s.Text(9);
                            return row;
                          }));
  return out;
}

Result<std::vector<ProhibitionRow>> ListProhibitions(Db& db, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt,
                          db.Cached(Sql({"SELECT ", kProhibitionColumns,
                                         " FROM prohibitions WHERE subject_id = ? ORDER BY set_at, rowid"})));
  stmt->Bind(1, subject_id);
  return Collect<ProhibitionRow>(*stmt, ReadProhibition);
}

Result<std::vector<ProhibitionRow>> ScanActiveProhibitions(Db& db, std::string_view after_subject,
                                                           std::string_view after_id, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kProhibitionColumns,
                                                    " FROM prohibitions WHERE lifted_at IS NULL AND "
                                                    "(subject_id, prohibition_id) > (?, ?) ORDER BY subject_id, "
                                                    "prohibition_id LIMIT ?"})));
  stmt->Bind(1, after_subject).Bind(2, after_id).Bind(3, static_cast<int64_t>(limit));
  return Collect<ProhibitionRow>(*stmt, ReadProhibition);
}

Result<std::vector<OptOutRegisterRow>> ListOptOutRegisters(Db& db) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT register_id, imported_at, phones, addresses, actor FROM "
                                               "opt_out_registers ORDER BY register_id"));
  return Collect<OptOutRegisterRow>(*stmt, [](const Stmt& s) {
    return OptOutRegisterRow{s.Text(0), s.Int(1), s.Int(2), s.Int(3), s.Text(4)};
  });
}

Result<std::vector<OptOutMatch>> ListOptOutMatches(Db& db, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt,
                          db.Cached("SELECT DISTINCT s.subject_id, e.register_id, e.kind FROM shared_index s JOIN "
                                    "opt_out_entries e ON e.kind = s.kind AND e.value = s.value WHERE s.kind IN (2, 7) "
                                    "AND (?1 = '' OR s.subject_id = ?1) ORDER BY s.subject_id, e.register_id, e.kind"));
  stmt->Bind(1, subject_id);
  return Collect<OptOutMatch>(*stmt, [](const Stmt& s) {
    return OptOutMatch{s.Text(0), s.Text(1), static_cast<IndexKind>(s.Int(2))};
  });
}

Result<std::vector<std::string>> FindOptOutRegisters(Db& db, IndexKind kind, const std::vector<uint8_t>& value) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT DISTINCT register_id FROM opt_out_entries WHERE kind = ? AND "
                                               "value = ? ORDER BY register_id"));
  stmt->Bind(1, int64_t{static_cast<uint8_t>(kind)}).Bind(2, value);
  return Collect<std::string>(*stmt, [](const Stmt& s) { return s.Text(0); });
}

Result<std::vector<std::pair<std::string, std::vector<uint8_t>>>> ScanSharedIndex(
    Db& db, IndexKind kind, std::string_view subject_id, const std::vector<uint8_t>& after_value,
    std::string_view after_subject, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(
      auto stmt, db.Cached("SELECT subject_id, value FROM shared_index WHERE kind = ?1 AND (?2 = '' OR "
                           "subject_id = ?2) AND (?3 IS NULL OR (value, subject_id) > (?3, ?4)) ORDER BY value, "
                           "subject_id "
                           "LIMIT ?5"));
  stmt->Bind(1, int64_t{static_cast<uint8_t>(kind)}).Bind(2, subject_id).Bind(3, after_value).Bind(4, after_subject);
  stmt->Bind(5, static_cast<int64_t>(limit));
  return Collect<std::pair<std::string, std::vector<uint8_t>>>(
      *stmt, [](const Stmt& s) { return std::make_pair(s.Text(0), s.Blob(1)); });
}

Result<std::vector<VisitorConsentRow>> ListVisitorConsents(Db& db, std::string_view visitor_id) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kVisitorConsentColumns,
                                                    " FROM visitor_consents WHERE "
                                                    "visitor_id = ? ORDER BY at, rowid"})));
  stmt->Bind(1, visitor_id);
  return Collect<VisitorConsentRow>(*stmt, ReadVisitorConsent);
}

Result<std::optional<ReportRow>> FindReportByToken(Db& db, const std::vector<uint8_t>& token_hash) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kReportColumns, " FROM reports WHERE token_hash = ?"})));
  stmt->Bind(1, token_hash);
  return First<ReportRow>(*stmt, ReadReport);
}

Result<std::vector<ReportRow>> ListReports(Db& db, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kReportColumns,
                                                    " FROM reports WHERE subject_id = ? ORDER BY created_at, "
                                                    "report_id"})));
  stmt->Bind(1, subject_id);
  return Collect<ReportRow>(*stmt, ReadReport);
}

Result<std::vector<std::string>> ListVisitorIds(Db& db, std::string_view after, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT visitor_id FROM visitor_consents WHERE visitor_id > ?1 UNION "
                                               "SELECT visitor_id FROM visitor_links WHERE visitor_id > ?1 "
                                               "ORDER BY visitor_id LIMIT ?2"));
  stmt->Bind(1, after).Bind(2, static_cast<int64_t>(limit));
  return Collect<std::string>(*stmt, [](const Stmt& s) { return s.Text(0); });
}

Result<std::vector<VisitorLinkRow>> ListVisitorLinks(Db& db, std::string_view visitor_id) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT visitor_id, subject_id, linked_at, actor FROM visitor_links "
                                               "WHERE visitor_id = ? ORDER BY linked_at, rowid"));
  stmt->Bind(1, visitor_id);
  return Collect<VisitorLinkRow>(*stmt, [](const Stmt& s) {
    return VisitorLinkRow{s.Text(0), s.Text(1), s.Int(2), s.Text(3)};
  });
}

Result<std::vector<AuditRow>> ReadAudit(Db& db, int64_t after_seq, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(
      auto stmt, db.Cached(Sql({"SELECT ", kAuditColumns, " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?"})));
  stmt->Bind(1, after_seq).Bind(2, static_cast<int64_t>(limit));
  return Collect<AuditRow>(*stmt, ReadAuditRow);
}

Result<std::vector<AuditRow>> ReadSubjectAudit(Db& db, std::string_view subject_id, int64_t after_seq, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kAuditColumns,
                                                    " FROM audit_log WHERE subject_id = ? "
                                                    "AND subject_id <> '' AND seq > ? ORDER BY seq LIMIT ?"})));
  stmt->Bind(1, subject_id).Bind(2, after_seq).Bind(3, static_cast<int64_t>(limit));
  return Collect<AuditRow>(*stmt, ReadAuditRow);
}

Result<std::optional<AuditCheckpointRow>> FindAuditCheckpoint(Db& db) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT seq, hash, signature, at FROM audit_checkpoint WHERE id = 1"));
  return First<AuditCheckpointRow>(*stmt, ReadCheckpoint);
}

Result<std::optional<AuditCheckpointRow>> FindKeyStoreAuditHead(Db& db) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt,
                          db.Cached("SELECT seq, hash, signature, at FROM keystore.audit_head WHERE id = 1"));
  return First<AuditCheckpointRow>(*stmt, ReadCheckpoint);
}

Result<AuditCheckpointRow> AuditTail(Db& db) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT seq, hash, x'', at FROM audit_log ORDER BY seq DESC LIMIT 1"));
  TILLIT_ASSIGN_OR_RETURN(auto tail, First<AuditCheckpointRow>(*stmt, ReadCheckpoint));
  return tail.value_or(AuditCheckpointRow{});
}

Result<std::vector<std::pair<int64_t, std::string>>> ReadDecisionChanges(Db& db, int64_t after_seq, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT seq, subject_id FROM decision_changes WHERE seq > ? ORDER BY "
                                               "seq LIMIT ?"));
  stmt->Bind(1, after_seq).Bind(2, static_cast<int64_t>(limit));
  return Collect<std::pair<int64_t, std::string>>(*stmt,
                                                  [](const Stmt& s) { return std::make_pair(s.Int(0), s.Text(1)); });
}

Result<int64_t> LastDecisionChange(Db& db) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT COALESCE(MAX(seq), 0) FROM decision_changes"));
  TILLIT_ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row ? stmt->Int(0) : 0;
}

Result<std::optional<ErasureRow>> FindErasure(Db& db, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT subject_id, erased_at, reason, actor, receipt FROM erasures "
                                               "WHERE subject_id = ?"));
  stmt->Bind(1, subject_id);
  return First<ErasureRow>(*stmt, [](const Stmt& s) {
    return ErasureRow{s.Text(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4)};
  });
}

Result<std::vector<SubjectRow>> ListExpiredSubjects(Db& db, int64_t now, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kSubjectColumns,
                                                    " FROM subjects WHERE expires_at IS NOT NULL AND erased_at IS "
                                                    "NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?"})));
  stmt->Bind(1, now).Bind(2, static_cast<int64_t>(limit));
  return Collect<SubjectRow>(*stmt, ReadSubject);
}

Result<std::vector<RecordRow>> ListExpiredRecords(Db& db, int64_t now, size_t limit) {
  // Each half walks its own partial index on the expiry.
  TILLIT_ASSIGN_OR_RETURN(auto stmt,
                          db.Cached(Sql({"SELECT ", kRecordColumns, " FROM (SELECT ", kRecordColumns,
                                         " FROM records WHERE expires_at IS NOT NULL AND expires_at <= ?1 UNION "
                                         "SELECT ",
                                         kRecordColumns,
                                         " FROM records WHERE hold_expires_at IS NOT NULL AND hold_expires_at <= ?1) "
                                         "LIMIT ?2"})));
  stmt->Bind(1, now).Bind(2, static_cast<int64_t>(limit));
  return Collect<RecordRow>(*stmt, ReadRecord);
}

Result<std::optional<int64_t>> AgreementEnd(Db& db, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT MAX(ended_at) FROM agreements WHERE subject_id = ?"));
  stmt->Bind(1, subject_id);
  TILLIT_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row || stmt->IsNull(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt->Int(0));
}

Result<int> SchemaVersion(Db& db) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  TILLIT_ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row ? static_cast<int>(stmt->Int(0)) : 0;
}

}  // namespace tillit::store::sqlite
