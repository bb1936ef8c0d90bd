#include "store/sql/queries.h"
#include "store/sql/query_support.h"

#include <algorithm>
#include <limits>

#include "util/text.h"

namespace tillit::store::sql {
namespace {

constexpr const char* kApiKeyColumns = "name, key_hash, prefix, purposes, actions, created_at, revoked_at";
ApiKeyRow ReadApiKey(const Rows& r, int i) {
  return {r.Text(i, 0),        r.Bytes(i, 1), r.Text(i, 2), SplitList(r.Text(i, 3)), SplitList(r.Text(i, 4)),
          r.Int(i, 5), r.OptionalInt(i, 6)};
}

SecretRow ReadSecret(const Rows& r, int i) {
  return {r.Text(i, 0), static_cast<uint32_t>(r.Int(i, 1)), r.Bytes(i, 2), r.Int(i, 3)};
}

constexpr const char* kSubjectColumns = "subject_id, created_at, updated_at, source, erased_at, expires_at, active_at";
SubjectRow ReadSubject(const Rows& r, int i) {
  return {r.Text(i, 0),        r.Int(i, 1),         r.Int(i, 2),        r.Text(i, 3),
          r.OptionalInt(i, 4), r.OptionalInt(i, 5), r.OptionalInt(i, 6)};
}

constexpr const char* kDataKeyColumns =
    "subject_id, kek_version, wrapped_key, hold_kek_version, hold_wrapped_key, created_at";
DataKeyRow ReadDataKey(const Rows& r, int i) {
  DataKeyRow row{r.Text(i, 0), static_cast<uint32_t>(r.Int(i, 1)), r.Bytes(i, 2), std::nullopt, r.Bytes(i, 4),
                 r.Int(i, 5)};
  if (!r.IsNull(i, 3)) row.hold_kek_version = static_cast<uint32_t>(r.Int(i, 3));
  return row;
}

FieldRow ReadField(const Rows& r, int i) {
  return {r.Text(i, 0), r.Text(i, 1), r.Bytes(i, 2), r.Text(i, 3), r.Int(i, 4), r.Int(i, 5)};
}

FieldChangeRow ReadFieldChange(const Rows& r, int i) {
  return {r.Text(i, 0),  r.Text(i, 1), r.Text(i, 2), r.Text(i, 3),
          r.Bytes(i, 4), r.Int(i, 5),  r.Text(i, 6), r.Text(i, 7)};
}

constexpr const char* kRecordColumns =
    "subject_id, record_id, kind, categories, occurred_at, payload, reference, created_at, expires_at, hold_payload, "
    "hold_expires_at";
RecordRow ReadRecord(const Rows& r, int i) {
  return {r.Text(i, 0),  r.Text(i, 1), r.Text(i, 2),        SplitList(r.Text(i, 3)), r.Int(i, 4),         r.Bytes(i, 5),
          r.Bytes(i, 6), r.Int(i, 7),  r.OptionalInt(i, 8), r.Bytes(i, 9),           r.OptionalInt(i, 10)};
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
AuditRow ReadAuditRow(const Rows& r, int i) {
  return {r.Int(i, 0),  r.Int(i, 1),  r.Text(i, 2), r.Text(i, 3),  r.Text(i, 4),
          r.Text(i, 5), r.Text(i, 6), r.Text(i, 7), r.Bytes(i, 8), r.Bytes(i, 9)};
}

// Personal texts are read and written in their sealed columns only; the columns in the clear (user_agent, ip_hash,
// reason, lift_notice) are written empty and read only by ListLegacyPlaintext.
constexpr const char* kConsentColumns =
    "subject_id, event_id, purpose, channel, action, method, policy_version, revision, language, unproven, at, "
    "actor, evidence";
ConsentEventRow ReadConsent(const Rows& r, int i) {
  ConsentEventRow row;
  row.subject_id = r.Text(i, 0);
  row.event_id = r.Text(i, 1);
  row.purpose = r.Text(i, 2);
  row.channel = r.Text(i, 3);
  row.action = r.Text(i, 4);
  row.method = r.Text(i, 5);
  row.policy_version = r.Text(i, 6);
  row.revision = r.Int(i, 7);
  row.language = r.Text(i, 8);
  row.unproven = r.Int(i, 9) != 0;
  row.at = r.Int(i, 10);
  row.actor = r.Text(i, 11);
  row.evidence = r.Bytes(i, 12);
  return row;
}

constexpr const char* kObjectionColumns =
    "subject_id, objection_id, purpose, channel, status, method, at, actor, decided_at, decided_by, sealed_reason";
ObjectionRow ReadObjection(const Rows& r, int i) {
  ObjectionRow row{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4), r.Text(i, 5),
                   r.Int(i, 6),  r.Text(i, 7), "",           r.OptionalInt(i, 8), r.Text(i, 9)};
  row.sealed_reason = r.Bytes(i, 10);
  return row;
}

constexpr const char* kRestrictionColumns =
    "subject_id, restriction_id, started_at, actor, lifted_at, lifted_by, sealed_reason, sealed_notice";
RestrictionRow ReadRestriction(const Rows& r, int i) {
  RestrictionRow row{r.Text(i, 0), r.Text(i, 1), "", r.Int(i, 2), r.Text(i, 3), r.OptionalInt(i, 4), "", r.Text(i, 5)};
  row.sealed_reason = r.Bytes(i, 6);
  row.sealed_notice = r.Bytes(i, 7);
  return row;
}

constexpr const char* kVisitorConsentColumns =
    "visitor_id, event_id, preferences, statistics, marketing, gpc, banner_version, language, policy_version, at, "
    "actor";
VisitorConsentRow ReadVisitorConsent(const Rows& r, int i) {
  return {r.Text(i, 0), r.Text(i, 1), r.Int(i, 2) != 0, r.Int(i, 3) != 0, r.Int(i, 4) != 0, r.Int(i, 5) != 0,
          r.Text(i, 6), r.Text(i, 7), r.Text(i, 8),     r.Int(i, 9),      r.Text(i, 10)};
}

constexpr const char* kProhibitionColumns =
    "subject_id, prohibition_id, code, purpose, channel, method, set_at, actor, lifted_at, lifted_by";
ProhibitionRow ReadProhibition(const Rows& r, int i) {
  return {r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3),        r.Text(i, 4),
          r.Text(i, 5), r.Int(i, 6),  r.Text(i, 7), r.OptionalInt(i, 8), r.Text(i, 9)};
}
constexpr const char* kReportColumns =
    "subject_id, report_id, token_hash, language, sealed, created_at, expires_at, kind";
ReportRow ReadReport(const Rows& r, int i) {
  return {r.Text(i, 0), r.Text(i, 1), r.Bytes(i, 2), r.Text(i, 3),
          r.Bytes(i, 4), r.Int(i, 5),  r.Int(i, 6),   r.Text(i, 7)};
}

AuditCheckpointRow ReadCheckpoint(const Rows& r, int i) {
  return {r.Int(i, 0), r.Bytes(i, 1), r.Bytes(i, 2), r.Int(i, 3)};
}

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

// WriteTxn over the writer's connection, inside its open transaction.
class PgWriteTxn final : public WriteTxn {
 public:
  explicit PgWriteTxn(Conn& conn) : conn_(conn) {}

  Status InsertApiKey(const ApiKeyRow& row) override {
    Params p;
    p.Text(row.name).Bytes(row.key_hash).Text(row.prefix).Text(JoinList(row.purposes)).Text(JoinList(row.actions));
    p.Int64(row.created_at).Int64(row.revoked_at);
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query("INSERT INTO api_keys (name, key_hash, prefix, purposes, actions, "
                                                   "created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                                                   "ON CONFLICT DO NOTHING",
                                                   p));
    if (rows.affected() == 0) {
      return Status::Conflict("an API key named '" + row.name + "' exists already", "api_key_exists");
    }
    return Status::Ok();
  }

  Status RevokeApiKey(std::string_view name, int64_t revoked_at) override {
    TILLIT_ASSIGN_OR_RETURN(Rows rows,
                            conn_.Query("UPDATE api_keys SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL",
                                        Params().Int64(revoked_at).Text(name)));
    if (rows.affected() == 0) {
      return Status::NotFound("no active API key named '" + std::string(name) + "'", "api_key_not_found");
    }
    return Status::Ok();
  }

  Status PutConfigSnapshot(const ConfigSnapshotRow& row, bool* inserted) override {
    TILLIT_ASSIGN_OR_RETURN(Rows rows,
                            conn_.Query("INSERT INTO config_snapshots (id, published_at, config_json) "
                                        "VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
                                        Params().Text(row.id).Int64(row.published_at).Text(row.config_json)));
    if (inserted != nullptr) *inserted = rows.affected() > 0;
    return Status::Ok();
  }

  Status Nested(const std::function<Status()>& fn) override { return conn_.InSavepoint("nested", fn); }

  Status InsertSecret(const SecretRow& row) override {
    TILLIT_ASSIGN_OR_RETURN(
        Rows rows,
        conn_.Query("INSERT INTO keystore.secrets (label, kek_version, wrapped, "
                    "created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    Params().Text(row.label).Int64(int64_t{row.kek_version}).Bytes(row.wrapped).Int64(row.created_at)));
    if (rows.affected() == 0) return Status::Conflict("secret " + row.label + " exists", "secret_exists");
    return Status::Ok();
  }

  Status UpdateSecret(const SecretRow& row) override {
    return ExpectChange(conn_.Query("UPDATE keystore.secrets SET kek_version = $1, wrapped = $2 WHERE label = $3",
                                    Params().Int64(int64_t{row.kek_version}).Bytes(row.wrapped).Text(row.label)),
                        "no secret " + row.label, "secret_not_found");
  }

  Status InsertSubject(const SubjectRow& row) override {
    Params p;
    p.Text(row.id).Int64(row.created_at).Int64(row.updated_at).Text(row.source).Int64(row.erased_at);
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query("INSERT INTO subjects (subject_id, created_at, updated_at, "
                                                   "source, erased_at) VALUES ($1, $2, $3, $4, $5) "
                                                   "ON CONFLICT DO NOTHING",
                                                   p));
    if (rows.affected() == 0) return Status::Conflict("the subject exists already", "subject_exists");
    return Status::Ok();
  }

  Status TouchSubject(std::string_view subject_id, int64_t updated_at) override {
    return ExpectChange(conn_.Query("UPDATE subjects SET updated_at = $1 WHERE subject_id = $2",
                                    Params().Int64(updated_at).Text(subject_id)),
                        "no such subject", "subject_not_found");
  }

  Status InsertDataKey(const DataKeyRow& row) override {
    Params p = DataKeyParams(row);
    p.Int64(row.created_at);
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query("INSERT INTO keystore.data_keys (subject_id, kek_version, "
                                                   "wrapped_key, hold_kek_version, hold_wrapped_key, created_at) "
                                                   "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                                                   p));
    if (rows.affected() == 0) return Status::Conflict("the subject has a data key already");
    return Status::Ok();
  }

  Status UpdateDataKey(const DataKeyRow& row) override {
    return ExpectChange(conn_.Query("UPDATE keystore.data_keys SET kek_version = $2, wrapped_key = $3, "
                                    "hold_kek_version = $4, hold_wrapped_key = $5 WHERE subject_id = $1",
                                    DataKeyParams(row)),
                        "no data key for the subject", "data_key_not_found");
  }

  Status ClaimUniqueIndex(IndexKind kind, const std::vector<uint8_t>& value, std::string_view subject_id) override {
    std::optional<std::string> owner;
    if (conn_.postgres()) {
      // One round trip: the claim, or else the current owner. The second SELECT reads the statement's snapshot, so
      // it sees an owner from before and never the row the claim inserts.
      TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query("WITH claimed AS (INSERT INTO unique_index (kind, value, "
                                                     "subject_id) VALUES ($1, $2, $3) ON CONFLICT (kind, value) DO "
                                                     "NOTHING RETURNING subject_id) SELECT subject_id FROM claimed "
                                                     "UNION ALL SELECT subject_id FROM unique_index WHERE kind = $1 "
                                                     "AND value = $2",
                                                     Params().Int32(Kind(kind)).Bytes(value).Text(subject_id)));
      if (!rows.empty()) owner = rows.Text(0, 0);
    } else {
      // SQLite has no INSERT in a WITH clause; the second statement costs no round trip there.
      TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query("INSERT INTO unique_index (kind, value, subject_id) VALUES "
                                                     "($1, $2, $3) ON CONFLICT (kind, value) DO NOTHING",
                                                     Params().Int32(Kind(kind)).Bytes(value).Text(subject_id)));
      if (rows.affected() > 0) return Status::Ok();
      TILLIT_ASSIGN_OR_RETURN(owner, FindUniqueIndex(conn_, kind, value));
    }
    if (owner == subject_id) return Status::Ok();
    const std::string name(IndexName(kind));
    return Status::Conflict("another subject has this " + name, name + "_taken");
  }

  Status ReleaseUniqueIndex(IndexKind kind, const std::vector<uint8_t>& value, std::string_view subject_id) override {
    return conn_
        .Query("DELETE FROM unique_index WHERE kind = $1 AND value = $2 AND subject_id = $3",
               Params().Int32(Kind(kind)).Bytes(value).Text(subject_id))
        .status();
  }

  Status AddSharedIndex(IndexKind kind, const std::vector<uint8_t>& value, std::string_view subject_id) override {
    return conn_
        .Query("INSERT INTO shared_index (kind, value, subject_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
               Params().Int32(Kind(kind)).Bytes(value).Text(subject_id))
        .status();
  }

  Status RemoveSharedIndex(IndexKind kind, const std::vector<uint8_t>& value, std::string_view subject_id) override {
    return conn_
        .Query("DELETE FROM shared_index WHERE kind = $1 AND value = $2 AND subject_id = $3",
               Params().Int32(Kind(kind)).Bytes(value).Text(subject_id))
        .status();
  }

  Result<std::vector<FieldRow>> Fields(std::string_view subject_id) override { return ListFields(conn_, subject_id); }

  Status PutField(const FieldRow& row) override {
    Params p;
    p.Text(row.subject_id).Text(row.field).Bytes(row.sealed).Text(row.source);
    p.Int64(row.collected_at).Int64(row.updated_at);
    // Replaces the whole row, as SQLite's INSERT OR REPLACE does.
    return conn_
        .Query(
            "INSERT INTO subject_fields (subject_id, field, sealed, source, collected_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (subject_id, field) DO UPDATE SET "
            "sealed = EXCLUDED.sealed, source = EXCLUDED.source, collected_at = EXCLUDED.collected_at, "
            "updated_at = EXCLUDED.updated_at",
            p)
        .status();
  }

  Status DeleteField(std::string_view subject_id, std::string_view field) override {
    return conn_
        .Query("DELETE FROM subject_fields WHERE subject_id = $1 AND field = $2", Params().Text(subject_id).Text(field))
        .status();
  }

  Status InsertFieldChange(const FieldChangeRow& row) override {
    Params p;
    p.Text(row.subject_id).Text(row.change_id).Text(row.field).Text(row.action);
    p.Bytes(row.previous).Int64(row.at).Text(row.actor).Text(row.source);
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query("INSERT INTO field_changes (subject_id, change_id, field, action, "
                                                   "previous, at, actor, source) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                                                   "$8) ON CONFLICT DO NOTHING",
                                                   p));
    if (rows.affected() == 0) return Status::Conflict("the change exists already");
    return Status::Ok();
  }

  Status InsertRecord(const RecordRow& row) override {
    Params p;
    p.Text(row.subject_id).Text(row.record_id).Text(row.kind).Text(JoinList(row.categories));
    p.Int64(row.occurred_at).Bytes(row.payload).Bytes(row.reference).Int64(row.created_at).Int64(row.expires_at);
    p.BytesOrNull(row.hold);
    p.Int64(row.hold_expires_at);
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query("INSERT INTO records (subject_id, record_id, kind, categories, "
                                                   "occurred_at, payload, reference, created_at, expires_at, "
                                                   "hold_payload, hold_expires_at) "
                                                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
                                                   "ON CONFLICT DO NOTHING",
                                                   p));
    if (rows.affected() == 0) return Status::Conflict("the record exists already", "record_exists");
    return Status::Ok();
  }

  Result<std::optional<DataKeyRow>> DataKey(std::string_view subject_id) override {
    return FindDataKey(conn_, subject_id);
  }

  Status DestroyDataKey(std::string_view subject_id) override {
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query("UPDATE keystore.data_keys SET wrapped_key = {empty_blob}, "
                                                   "kek_version = hold_kek_version WHERE subject_id = $1 AND "
                                                   "hold_wrapped_key IS NOT NULL AND length(hold_wrapped_key) > 0",
                                                   Params().Text(subject_id)));
    if (rows.affected() > 0) return Status::Ok();
    return DeleteKeys(subject_id);
  }

  Status DeleteKeys(std::string_view subject_id) override {
    return conn_.Query("DELETE FROM keystore.data_keys WHERE subject_id = $1", Params().Text(subject_id)).status();
  }

  Status EraseSubject(std::string_view subject_id, int64_t erased_at, ErasedCounts* counts) override {
    TILLIT_ASSIGN_OR_RETURN(auto subject, FindSubject(conn_, subject_id));
    if (!subject) return Status::NotFound("no subject with this id", "subject_not_found");
    if (subject->erased_at) return Status::FailedPrecondition("the subject is erased already", "already_erased");
    const std::string_view id = subject_id;
    auto run = [&](const std::string& name, const std::string& sql, const Params& p) -> Status {
      TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query(sql, p));
      if (!name.empty() && rows.affected() > 0) counts->emplace_back(name, rows.affected());
      return Status::Ok();
    };
    TILLIT_RETURN_IF_ERROR(run("visitor_consents",
                               "DELETE FROM visitor_consents WHERE visitor_id IN (SELECT visitor_id FROM "
                               "visitor_links WHERE subject_id = $1)",
                               Params().Text(id)));
    TILLIT_RETURN_IF_ERROR(run("visitor_links", "DELETE FROM visitor_links WHERE subject_id = $1", Params().Text(id)));
    for (const char* table : kErasedTables) {
      TILLIT_RETURN_IF_ERROR(run(table, Sql({"DELETE FROM ", table, " WHERE subject_id = $1"}), Params().Text(id)));
    }
    TILLIT_RETURN_IF_ERROR(
        run("records", "DELETE FROM records WHERE subject_id = $1 AND hold_payload IS NULL", Params().Text(id)));
    TILLIT_RETURN_IF_ERROR(run("records.payload",
                               "UPDATE records SET payload = {empty_blob}, reference = NULL, expires_at = NULL "
                               "WHERE subject_id = $1 AND hold_payload IS NOT NULL",
                               Params().Text(id)));
    return run("", "UPDATE subjects SET erased_at = $1, expires_at = NULL WHERE subject_id = $2",
               Params().Int64(erased_at).Text(id));
  }

  Status InsertErasure(const ErasureRow& receipt) override {
    Params p;
    p.Text(receipt.subject_id).Int64(receipt.erased_at).Text(receipt.reason).Text(receipt.actor).Text(receipt.receipt);
    return conn_
        .Query("INSERT INTO erasures (subject_id, erased_at, reason, actor, receipt) VALUES ($1, $2, $3, $4, $5)", p)
        .status();
  }

  Status SetSubjectRetention(std::string_view subject_id, std::optional<int64_t> expires_at,
                             std::optional<int64_t> active_at) override {
    return ExpectChange(conn_.Query("UPDATE subjects SET expires_at = $1, active_at = COALESCE($2, active_at) "
                                    "WHERE subject_id = $3",
                                    Params().Int64(expires_at).Int64(active_at).Text(subject_id)),
                        "no such subject", "subject_not_found");
  }

  Status SetRecordExpiry(std::string_view subject_id, std::string_view record_id, std::optional<int64_t> expires_at,
                         std::optional<int64_t> hold_expires_at) override {
    return ExpectChange(conn_.Query("UPDATE records SET expires_at = $1, hold_expires_at = $2 WHERE subject_id = $3 "
                                    "AND record_id = $4",
                                    Params().Int64(expires_at).Int64(hold_expires_at).Text(subject_id).Text(record_id)),
                        "no such record", "record_not_found");
  }

  Status StripRecord(std::string_view subject_id, std::string_view record_id) override {
    return ExpectChange(conn_.Query("UPDATE records SET payload = {empty_blob}, reference = NULL, expires_at = NULL "
                                    "WHERE subject_id = $1 AND record_id = $2",
                                    Params().Text(subject_id).Text(record_id)),
                        "no such record", "record_not_found");
  }

  Status StripRecordHold(std::string_view subject_id, std::string_view record_id) override {
    return ExpectChange(conn_.Query("UPDATE records SET hold_payload = NULL, hold_expires_at = NULL "
                                    "WHERE subject_id = $1 AND record_id = $2",
                                    Params().Text(subject_id).Text(record_id)),
                        "no such record", "record_not_found");
  }

  Status DeleteRecord(std::string_view subject_id, std::string_view record_id) override {
    return conn_
        .Query("DELETE FROM records WHERE subject_id = $1 AND record_id = $2",
               Params().Text(subject_id).Text(record_id))
        .status();
  }

  Result<int64_t> CountHoldRecords(std::string_view subject_id) override {
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query("SELECT COUNT(*) FROM records WHERE subject_id = $1 AND "
                                                   "hold_payload IS NOT NULL",
                                                   Params().Text(subject_id)));
    return rows.empty() ? 0 : rows.Int(0, 0);
  }

  Status EndAgreement(const AgreementRow& row) override {
    return conn_
        .Query("INSERT INTO agreements (subject_id, ref, ended_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
               Params().Text(row.subject_id).Text(row.ref).Int64(row.ended_at))
        .status();
  }

  Result<std::optional<int64_t>> AgreementEnd(std::string_view subject_id) override {
    return sql::AgreementEnd(conn_, subject_id);
  }

  Status InsertConsentEvent(const ConsentEventRow& row) override {
    Params p;
    p.Text(row.subject_id).Text(row.event_id).Text(row.purpose).Text(row.channel).Text(row.action).Text(row.method);
    p.Text(row.policy_version).Int64(row.revision).Text(row.language).Bool(row.unproven).Int64(row.at);
    p.Text(row.actor);
    p.BytesOrNull(row.evidence);
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query(Sql({"INSERT INTO consent_events (", kConsentColumns,
                                                        ", user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                                                        "$10, $11, $12, $13, '') ON CONFLICT DO NOTHING"}),
                                                   p));
    if (rows.affected() == 0) return Status::Conflict("the consent event exists already");
    return Status::Ok();
  }

  Status InsertObjection(const ObjectionRow& row) override {
    Params p;
    p.Text(row.subject_id).Text(row.objection_id).Text(row.purpose).Text(row.channel).Text(row.status);
    p.Text(row.method).Int64(row.at).Text(row.actor).Int64(row.decided_at).Text(row.decided_by);
    p.BytesOrNull(row.sealed_reason);
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query(Sql({"INSERT INTO objections (", kObjectionColumns,
                                                        ", reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                                                        "$11, '') ON CONFLICT DO NOTHING"}),
                                                   p));
    if (rows.affected() == 0) return Status::Conflict("the objection exists already");
    return Status::Ok();
  }

  Status DecideObjection(std::string_view subject_id, std::string_view objection_id, std::string_view status,
                         const std::vector<uint8_t>& sealed_reason, int64_t decided_at,
                         std::string_view decided_by) override {
    TILLIT_ASSIGN_OR_RETURN(Rows found, conn_.Query("SELECT status FROM objections WHERE subject_id = $1 AND "
                                                    "objection_id = $2",
                                                    Params().Text(subject_id).Text(objection_id)));
    if (found.empty()) return Status::NotFound("no such objection for this subject", "objection_not_found");
    if (found.Text(0, 0) != "active") {
      return Status::FailedPrecondition("the objection was decided already", "objection_decided");
    }
    Params p;
    p.Text(status);
    p.BytesOrNull(sealed_reason);
    p.Int64(decided_at).Text(decided_by).Text(subject_id).Text(objection_id);
    return conn_
        .Query(
            "UPDATE objections SET status = $1, sealed_reason = $2, reason = '', decided_at = $3, decided_by = $4 "
            "WHERE subject_id = $5 AND objection_id = $6",
            p)
        .status();
  }

  Status InsertRestriction(const RestrictionRow& row) override {
    Params p;
    p.Text(row.subject_id).Text(row.restriction_id).Int64(row.started_at).Text(row.actor).Int64(row.lifted_at);
    p.Text(row.lifted_by);
    p.BytesOrNull(row.sealed_reason);
    p.BytesOrNull(row.sealed_notice);
    // No conflict target: both the key and the one-unlifted-restriction index are arbiters.
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query(Sql({"INSERT INTO restrictions (", kRestrictionColumns,
                                                        ", reason, lift_notice) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                                                        "$8, '', '') ON CONFLICT DO NOTHING"}),
                                                   p));
    if (rows.affected() == 0) {
      return Status::Conflict("processing of this subject is restricted already", "already_restricted");
    }
    return Status::Ok();
  }

  Status LiftRestriction(std::string_view subject_id, std::string_view restriction_id, int64_t lifted_at,
                         const std::vector<uint8_t>& sealed_notice, std::string_view lifted_by) override {
    Params p;
    p.Int64(lifted_at);
    p.BytesOrNull(sealed_notice);
    p.Text(lifted_by).Text(subject_id).Text(restriction_id);
    return ExpectChange(conn_.Query("UPDATE restrictions SET lifted_at = $1, sealed_notice = $2, lift_notice = '', "
                                    "lifted_by = $3 WHERE subject_id = $4 AND restriction_id = $5 AND lifted_at IS "
                                    "NULL",
                                    p),
                        "processing of this subject is not restricted", "not_restricted");
  }

  Status SealLegacyPlaintext(const LegacyPlaintext& sealed) override {
    for (const auto& e : sealed.consent_events) {
      Params p;
      p.BytesOrNull(e.evidence).Text(e.subject_id).Text(e.event_id);
      TILLIT_RETURN_IF_ERROR(conn_
                                 .Query("UPDATE consent_events SET evidence = $1, user_agent = '', ip_hash = NULL "
                                        "WHERE subject_id = $2 AND event_id = $3",
                                        p)
                                 .status());
    }
    for (const auto& o : sealed.objections) {
      Params p;
      p.BytesOrNull(o.sealed_reason).Text(o.subject_id).Text(o.objection_id);
      TILLIT_RETURN_IF_ERROR(
          conn_.Query("UPDATE objections SET sealed_reason = $1, reason = '' WHERE subject_id = $2 AND objection_id = $3",
                      p)
              .status());
    }
    for (const auto& r : sealed.restrictions) {
      Params p;
      p.BytesOrNull(r.sealed_reason);
      p.BytesOrNull(r.sealed_notice).Text(r.subject_id).Text(r.restriction_id);
      TILLIT_RETURN_IF_ERROR(conn_
                                 .Query("UPDATE restrictions SET sealed_reason = $1, sealed_notice = $2, reason = '', "
                                        "lift_notice = '' WHERE subject_id = $3 AND restriction_id = $4",
                                        p)
                                 .status());
    }
    return Status::Ok();
  }

  Status InsertProhibition(const ProhibitionRow& row) override {
    Params p;
    p.Text(row.subject_id).Text(row.prohibition_id).Text(row.code).Text(row.purpose).Text(row.channel);
    p.Text(row.method).Int64(row.set_at).Text(row.actor).Int64(row.lifted_at).Text(row.lifted_by);
    return conn_
        .Query(Sql({"INSERT INTO prohibitions (", kProhibitionColumns,
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"}),
               p)
        .status();
  }

  Status LiftProhibition(std::string_view subject_id, std::string_view prohibition_id, int64_t lifted_at,
                         std::string_view lifted_by) override {
    TILLIT_ASSIGN_OR_RETURN(Rows found, conn_.Query("SELECT lifted_at FROM prohibitions WHERE subject_id = $1 AND "
                                                    "prohibition_id = $2",
                                                    Params().Text(subject_id).Text(prohibition_id)));
    if (found.size() == 0) {
      return Status::NotFound("the subject has no prohibition with this id", "prohibition_not_found");
    }
    if (found.OptionalInt(0, 0)) {
      return Status::FailedPrecondition("this prohibition was lifted already", "prohibition_lifted");
    }
    return conn_
        .Query("UPDATE prohibitions SET lifted_at = $1, lifted_by = $2 WHERE subject_id = $3 AND prohibition_id = $4",
               Params().Int64(lifted_at).Text(lifted_by).Text(subject_id).Text(prohibition_id))
        .status();
  }

  Status ReplaceOptOutRegister(const OptOutRegisterRow& row, const std::vector<OptOutEntry>& entries) override {
    TILLIT_RETURN_IF_ERROR(
        conn_.Query("DELETE FROM opt_out_entries WHERE register_id = $1", Params().Text(row.register_id)).status());
    // Many rows per statement: a national register has millions of entries, and one round trip each is too slow.
    // Chunks of 500, then 50, then 1 rows: three statement texts at most, so the prepared-statement caches of the
    // connection stay small whatever the register's size.
    for (size_t start = 0, chunk = 0; start < entries.size(); start += chunk) {
      const size_t left = entries.size() - start;
      chunk = left >= 500 ? 500 : left >= 50 ? 50 : 1;
      const size_t end = start + chunk;
      std::string sql = "INSERT INTO opt_out_entries (register_id, kind, value) VALUES ";
      Params p;
      p.Text(row.register_id);
      for (size_t i = start; i < end; ++i) {
        const size_t n = 2 + 2 * (i - start);
        sql +=
            (i == start ? "" : ", ") + std::string("($1, $") + std::to_string(n) + ", $" + std::to_string(n + 1) + ")";
        p.Int32(Kind(entries[i].kind)).Bytes(entries[i].value);
      }
      sql += " ON CONFLICT DO NOTHING";
      TILLIT_RETURN_IF_ERROR(conn_.Query(sql, p).status());
    }
    Params p;
    p.Text(row.register_id).Int64(row.imported_at).Int64(row.phones).Int64(row.addresses).Text(row.actor);
    return conn_
        .Query(
            "INSERT INTO opt_out_registers (register_id, imported_at, phones, addresses, actor) VALUES ($1, $2, $3, "
            "$4, $5) ON CONFLICT (register_id) DO UPDATE SET imported_at = excluded.imported_at, phones = "
            "excluded.phones, addresses = excluded.addresses, actor = excluded.actor",
            p)
        .status();
  }

  Status InsertVisitorConsent(const VisitorConsentRow& row) override {
    Params p;
    p.Text(row.visitor_id).Text(row.event_id).Bool(row.preferences).Bool(row.statistics).Bool(row.marketing);
    p.Bool(row.gpc).Text(row.banner_version).Text(row.language).Text(row.policy_version).Int64(row.at);
    p.Text(row.actor);
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query(Sql({"INSERT INTO visitor_consents (", kVisitorConsentColumns,
                                                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
                                                        "ON CONFLICT DO NOTHING"}),
                                                   p));
    if (rows.affected() == 0) return Status::Conflict("the visitor consent event exists already");
    return Status::Ok();
  }

  Status LinkVisitor(const VisitorLinkRow& row) override {
    return conn_
        .Query(
            "INSERT INTO visitor_links (visitor_id, subject_id, linked_at, actor) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT DO NOTHING",
            Params().Text(row.visitor_id).Text(row.subject_id).Int64(row.linked_at).Text(row.actor))
        .status();
  }

  Status InsertDisclosure(const DisclosureRow& row) override { return sql::InsertDisclosure(conn_, row); }
  Status DeleteDisclosures(std::string_view subject_id, int64_t* deleted) override {
    return sql::DeleteDisclosures(conn_, subject_id, deleted);
  }
  Status InsertWebhookDelivery(const WebhookDeliveryRow& row) override { return sql::InsertWebhookDelivery(conn_, row); }
  Status UpdateWebhookDelivery(const WebhookDeliveryRow& row) override { return sql::UpdateWebhookDelivery(conn_, row); }
  Status InsertReport(const ReportRow& row) override {
    Params p;
    p.Text(row.subject_id).Text(row.report_id).Bytes(row.token_hash).Text(row.language).Bytes(row.sealed);
    p.Int64(row.created_at).Int64(row.expires_at).Text(row.kind);
    // No conflict target: both the key and the token index are arbiters.
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query(Sql({"INSERT INTO reports (", kReportColumns,
                                                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                                                        "ON CONFLICT DO NOTHING"}),
                                                   p));
    if (rows.affected() == 0) return Status::Conflict("the report exists already", "report_exists");
    return Status::Ok();
  }

  Status DeleteReport(std::string_view subject_id, std::string_view report_id) override {
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query("DELETE FROM reports WHERE subject_id = $1 AND report_id = $2",
                                                   Params().Text(subject_id).Text(report_id)));
    if (rows.affected() == 0) return Status::NotFound("no such report", "report_not_found");
    return Status::Ok();
  }

  Result<int64_t> DeleteReportsOfSubject(std::string_view subject_id) override {
    TILLIT_ASSIGN_OR_RETURN(Rows rows,
                            conn_.Query("DELETE FROM reports WHERE subject_id = $1", Params().Text(subject_id)));
    return rows.affected();
  }

  Result<int64_t> DeleteExpiredReports(int64_t before, size_t limit) override {
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query("DELETE FROM reports WHERE (subject_id, report_id) IN (SELECT "
                                                   "subject_id, report_id FROM reports WHERE expires_at <= $1 "
                                                   "ORDER BY expires_at LIMIT $2)",
                                                   Params().Int64(before).Int64(Limit(limit))));
    return rows.affected();
  }
  Result<int64_t> DeleteFinishedMail(int64_t before, size_t limit) override {
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query("DELETE FROM outbox WHERE (subject_id, mail_id) IN (SELECT "
                                                   "subject_id, mail_id FROM outbox WHERE status <> 'queued' AND "
                                                   "created_at <= $1 ORDER BY created_at LIMIT $2)",
                                                   Params().Int64(before).Int64(Limit(limit))));
    return rows.affected();
  }
  Result<int64_t> DeleteFinishedWebhookDeliveries(int64_t before, size_t limit) override {
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query("DELETE FROM webhook_outbox WHERE delivery_id IN (SELECT "
                                                   "delivery_id FROM webhook_outbox WHERE status <> 'pending' AND "
                                                   "created_at <= $1 ORDER BY created_at LIMIT $2)",
                                                   Params().Int64(before).Int64(Limit(limit))));
    return rows.affected();
  }
  Result<int64_t> DeleteDecisionChanges(int64_t before, int64_t keep, size_t limit) override {
    TILLIT_ASSIGN_OR_RETURN(
        Rows rows,
        conn_.Query("DELETE FROM decision_changes WHERE seq IN (SELECT seq FROM decision_changes WHERE seq < "
                    "{least}(COALESCE((SELECT seq FROM decision_changes WHERE at > $1 ORDER BY seq LIMIT 1), "
                    "(SELECT MAX(seq) FROM decision_changes)), (SELECT MAX(seq) FROM decision_changes) + 1 - "
                    "$2) ORDER BY seq LIMIT $3)",
                    Params().Int64(before).Int64(std::max<int64_t>(keep, 1)).Int64(Limit(limit))));
    return rows.affected();
  }
  Status PutRightsRequest(const RightsRequestRow& row) override { return sql::PutRightsRequest(conn_, row); }
  Result<std::optional<RightsRequestRow>> RightsRequestForUpdate(std::string_view request_id) override {
    return sql::FindRightsRequest(conn_, request_id);
  }
  Status InsertRequestEvent(const RequestEventRow& row) override { return sql::InsertRequestEvent(conn_, row); }
  Status PutVerificationCode(const VerificationCodeRow& row) override { return sql::PutVerificationCode(conn_, row); }
  Result<std::optional<VerificationCodeRow>> LatestVerificationCode(std::string_view subject_id,
                                                                    std::string_view request_id) override {
    return sql::LatestVerificationCode(conn_, subject_id, request_id);
  }
  Result<CodeCounts> CountVerificationCodes(std::string_view subject_id, const std::vector<uint8_t>& address_hash,
                                            const std::vector<uint8_t>& ip_hash, int64_t since) override {
    return sql::CountVerificationCodes(conn_, subject_id, address_hash, ip_hash, since);
  }
  Result<int64_t> ForgetCodeAddresses(int64_t before, size_t limit) override {
    return sql::ForgetCodeAddresses(conn_, before, limit);
  }
  Status PutMail(const MailRow& row) override { return sql::PutMail(conn_, row); }
  Status UpdateMailDelivery(const MailRow& row) override { return sql::UpdateMailDelivery(conn_, row); }
  Result<int64_t> DeleteSubjectMail(std::string_view subject_id) override {
    return sql::DeleteSubjectMail(conn_, subject_id);
  }

  Status AppendDecisionChange(std::string_view subject_id, int64_t at) override {
    return conn_
        .Query("INSERT INTO decision_changes (subject_id, at) VALUES ($1, $2)", Params().Text(subject_id).Int64(at))
        .status();
  }

  Result<AuditCheckpointRow> AuditTail() override { return sql::AuditTail(conn_); }

  Status AppendAudit(const AuditRow& row) override {
    Params p;
    p.Int64(row.seq).Int64(row.at).Text(row.actor_kind).Text(row.actor).Text(row.purpose);
    p.Text(row.action).Text(row.subject_id).Text(row.detail).Bytes(row.prev_hash).Bytes(row.hash);
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query(Sql({"INSERT INTO audit_log (", kAuditColumns,
                                                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                                                        "ON CONFLICT DO NOTHING"}),
                                                   p));
    if (rows.affected() == 0) return Status::Conflict("audit entry " + std::to_string(row.seq) + " exists already");
    return Status::Ok();
  }

  Result<std::optional<AuditCheckpointRow>> AuditCheckpoint() override { return FindAuditCheckpoint(conn_); }

  Status PutAuditCheckpoint(const AuditCheckpointRow& row) override {
    return conn_
        .Query(
            "INSERT INTO audit_checkpoint (id, seq, hash, signature, at) VALUES (1, $1, $2, $3, $4) "
            "ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, "
            "signature = EXCLUDED.signature, at = EXCLUDED.at",
            Params().Int64(row.seq).Bytes(row.hash).Bytes(row.signature).Int64(row.at))
        .status();
  }

  Result<std::optional<std::vector<uint8_t>>> AuditHashAt(int64_t seq) override {
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn_.Query("SELECT hash FROM audit_log WHERE seq = $1", Params().Int64(seq)));
    return First<std::vector<uint8_t>>(rows, [](const Rows& r, int i) { return r.Bytes(i, 0); });
  }

  Result<std::optional<AuditCheckpointRow>> KeyStoreAuditHead() override { return FindKeyStoreAuditHead(conn_); }

  Status PutKeyStoreAuditHead(const AuditCheckpointRow& row) override {
    return conn_
        .Query(
            "INSERT INTO keystore.audit_head (id, seq, hash, signature, at) VALUES (1, $1, $2, $3, $4) "
            "ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, "
            "signature = EXCLUDED.signature, at = EXCLUDED.at",
            Params().Int64(row.seq).Bytes(row.hash).Bytes(row.signature).Int64(row.at))
        .status();
  }

 private:
  // $1 subject id, $2 … $5 the wrappings.
  static Params DataKeyParams(const DataKeyRow& row) {
    Params p;
    p.Text(row.subject_id).Int64(int64_t{row.kek_version}).Bytes(row.wrapped);
    if (row.hold_kek_version) {
      p.Int64(int64_t{*row.hold_kek_version}).Bytes(row.hold_wrapped);
    } else {
      p.Int64(std::nullopt).NullBytes();
    }
    return p;
  }

  static Status ExpectChange(Result<Rows> ran, std::string message, std::string reason) {
    TILLIT_RETURN_IF_ERROR(ran.status());
    if (ran->affected() == 0) return Status::NotFound(std::move(message), std::move(reason));
    return Status::Ok();
  }

  Conn& conn_;
};

}  // namespace

std::unique_ptr<WriteTxn> NewWriteTxn(Conn& conn) { return std::make_unique<PgWriteTxn>(conn); }

Result<std::optional<ApiKeyRow>> FindApiKeyByHash(Conn& conn, const std::vector<uint8_t>& key_hash) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(Sql({"SELECT ", kApiKeyColumns, " FROM api_keys WHERE key_hash = $1"}),
                                                Params().Bytes(key_hash)));
  return First<ApiKeyRow>(rows, ReadApiKey);
}

Result<std::vector<ApiKeyRow>> ListApiKeys(Conn& conn) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(Sql({"SELECT ", kApiKeyColumns, " FROM api_keys ORDER BY name"})));
  return Collect<ApiKeyRow>(rows, ReadApiKey);
}

Result<std::optional<ConfigSnapshotRow>> FindConfigSnapshot(Conn& conn, std::string_view id) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT id, published_at, config_json FROM config_snapshots "
                                                "WHERE id = $1",
                                                Params().Text(id)));
  return First<ConfigSnapshotRow>(rows, [](const Rows& r, int i) {
    return ConfigSnapshotRow{r.Text(i, 0), r.Int(i, 1), r.Text(i, 2)};
  });
}

Result<std::vector<ConfigSnapshotRow>> ListConfigSnapshots(Conn& conn) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT id, published_at FROM config_snapshots "
                                                "ORDER BY published_at, id"));
  return Collect<ConfigSnapshotRow>(rows, [](const Rows& r, int i) {
    return ConfigSnapshotRow{r.Text(i, 0), r.Int(i, 1), {}};
  });
}

Result<std::optional<SecretRow>> FindSecret(Conn& conn, std::string_view label) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT label, kek_version, wrapped, created_at "
                                                "FROM keystore.secrets WHERE label = $1",
                                                Params().Text(label)));
  return First<SecretRow>(rows, ReadSecret);
}

Result<std::vector<SecretRow>> ListSecrets(Conn& conn) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT label, kek_version, wrapped, created_at "
                                                "FROM keystore.secrets ORDER BY label"));
  return Collect<SecretRow>(rows, ReadSecret);
}

Result<std::optional<SubjectRow>> FindSubject(Conn& conn, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(Sql({"SELECT ", kSubjectColumns, " FROM subjects WHERE subject_id = $1"}), Params().Text(subject_id)));
  return First<SubjectRow>(rows, ReadSubject);
}

Result<std::vector<SubjectRow>> ListSubjects(Conn& conn, std::optional<std::pair<int64_t, std::string>> after,
                                             size_t limit) {
  if (!after) {
    TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(Sql({"SELECT ", kSubjectColumns,
                                                       " FROM subjects ORDER BY created_at DESC, subject_id DESC "
                                                       "LIMIT $1"}),
                                                  Params().Int64(Limit(limit))));
    return Collect<SubjectRow>(rows, ReadSubject);
  }
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(Sql({"SELECT ", kSubjectColumns,
                                                     " FROM subjects WHERE (created_at, subject_id) < ($1, $2) "
                                                     "ORDER BY created_at DESC, subject_id DESC LIMIT $3"}),
                                                Params().Int64(after->first).Text(after->second).Int64(Limit(limit))));
  return Collect<SubjectRow>(rows, ReadSubject);
}

Result<std::optional<DataKeyRow>> FindDataKey(Conn& conn, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(
      Rows rows, conn.Query(Sql({"SELECT ", kDataKeyColumns, " FROM keystore.data_keys WHERE subject_id = $1"}),
                            Params().Text(subject_id)));
  return First<DataKeyRow>(rows, ReadDataKey);
}

Result<std::vector<DataKeyRow>> ListDataKeysBelow(Conn& conn, uint32_t version, std::string_view after_subject_id,
                                                  size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows,
                          conn.Query(Sql({"SELECT ", kDataKeyColumns,
                                          " FROM keystore.data_keys WHERE "
                                          "(kek_version < $1 OR hold_kek_version < $1) AND subject_id > $2 "
                                          "ORDER BY subject_id LIMIT $3"}),
                                     Params().Int64(int64_t{version}).Text(after_subject_id).Int64(Limit(limit))));
  return Collect<DataKeyRow>(rows, ReadDataKey);
}

Result<int64_t> CountDataKeysBelow(Conn& conn, uint32_t version) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT COUNT(*) FROM keystore.data_keys WHERE kek_version < $1 OR "
                                                "hold_kek_version < $1",
                                                Params().Int64(int64_t{version})));
  return rows.empty() ? 0 : rows.Int(0, 0);
}

Result<std::optional<std::string>> FindUniqueIndex(Conn& conn, IndexKind kind, const std::vector<uint8_t>& value) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT subject_id FROM unique_index WHERE kind = $1 AND value = $2",
                                                Params().Int32(Kind(kind)).Bytes(value)));
  return First<std::string>(rows, [](const Rows& r, int i) { return r.Text(i, 0); });
}

Result<std::vector<std::string>> FindSharedIndex(Conn& conn, IndexKind kind, const std::vector<uint8_t>& value) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT subject_id FROM shared_index WHERE kind = $1 AND value = $2 "
                                                "ORDER BY subject_id",
                                                Params().Int32(Kind(kind)).Bytes(value)));
  return Collect<std::string>(rows, [](const Rows& r, int i) { return r.Text(i, 0); });
}

Result<std::vector<FieldRow>> ListFields(Conn& conn, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT subject_id, field, sealed, source, collected_at, updated_at "
                                                "FROM subject_fields WHERE subject_id = $1 ORDER BY field",
                                                Params().Text(subject_id)));
  return Collect<FieldRow>(rows, ReadField);
}

Result<std::vector<FieldChangeRow>> ListFieldChanges(Conn& conn, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT subject_id, change_id, field, action, previous, at, actor, "
                                                "source FROM field_changes WHERE subject_id = $1 ORDER BY at, {ord}",
                                                Params().Text(subject_id)));
  return Collect<FieldChangeRow>(rows, ReadFieldChange);
}

Result<std::vector<RecordRow>> ListRecords(Conn& conn, std::string_view subject_id, const RecordQuery& query) {
  // One statement for every combination of filters: a NULL parameter switches its filter off.
  Params p;
  p.Text(subject_id);
  if (query.kind.empty()) {
    p.NullText();
  } else {
    p.Text(query.kind);
  }
  p.Int64(query.since).Int64(query.before_occurred_at).Text(query.before_record_id).Int64(Limit(query.limit));
  TILLIT_ASSIGN_OR_RETURN(Rows rows,
                          conn.Query(Sql({"SELECT ", kRecordColumns,
                                          " FROM records WHERE subject_id = $1 "
                                          "AND ($2 IS NULL OR kind = $2) AND ($3 IS NULL OR occurred_at >= $3) "
                                          "AND ($4 IS NULL OR (occurred_at, record_id) < ($4, $5)) "
                                          "ORDER BY occurred_at DESC, record_id DESC LIMIT $6"}),
                                     p));
  return Collect<RecordRow>(rows, ReadRecord);
}

Result<std::optional<RecordRow>> FindRecord(Conn& conn, std::string_view subject_id, std::string_view record_id) {
  TILLIT_ASSIGN_OR_RETURN(
      Rows rows, conn.Query(Sql({"SELECT ", kRecordColumns, " FROM records WHERE subject_id = $1 AND record_id = $2"}),
                            Params().Text(subject_id).Text(record_id)));
  return First<RecordRow>(rows, ReadRecord);
}

Result<std::vector<ConsentEventRow>> ListConsentEvents(Conn& conn, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(Sql({"SELECT ", kConsentColumns,
                                                     " FROM consent_events WHERE "
                                                     "subject_id = $1 ORDER BY at, {ord}"}),
                                                Params().Text(subject_id)));
  return Collect<ConsentEventRow>(rows, ReadConsent);
}

Result<std::vector<ObjectionRow>> ListObjections(Conn& conn, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(Sql({"SELECT ", kObjectionColumns,
                                                     " FROM objections WHERE "
                                                     "subject_id = $1 ORDER BY at, {ord}"}),
                                                Params().Text(subject_id)));
  return Collect<ObjectionRow>(rows, ReadObjection);
}

Result<std::vector<RestrictionRow>> ListRestrictions(Conn& conn, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(Sql({"SELECT ", kRestrictionColumns,
                                                     " FROM restrictions WHERE "
                                                     "subject_id = $1 ORDER BY started_at, {ord}"}),
                                                Params().Text(subject_id)));
  return Collect<RestrictionRow>(rows, ReadRestriction);
}

Result<std::vector<ConsentEventRow>> ScanConsentEvents(Conn& conn, std::string_view after_subject,
                                                       std::string_view after_id, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(Sql({"SELECT ", kConsentColumns,
                                                     " FROM consent_events WHERE "
                                                     "(subject_id, event_id) > ($1, $2) ORDER BY subject_id, "
                                                     "event_id LIMIT $3"}),
                                                Params().Text(after_subject).Text(after_id).Int64(Limit(limit))));
  return Collect<ConsentEventRow>(rows, ReadConsent);
}

Result<std::vector<ObjectionRow>> ScanObjections(Conn& conn, std::string_view after_subject, std::string_view after_id,
                                                 size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(Sql({"SELECT ", kObjectionColumns,
                                                     " FROM objections WHERE "
                                                     "(subject_id, objection_id) > ($1, $2) ORDER BY subject_id, "
                                                     "objection_id LIMIT $3"}),
                                                Params().Text(after_subject).Text(after_id).Int64(Limit(limit))));
  return Collect<ObjectionRow>(rows, ReadObjection);
}

Result<LegacyPlaintext> ListLegacyPlaintext(Conn& conn, size_t limit) {
  LegacyPlaintext out;
  TILLIT_ASSIGN_OR_RETURN(Rows consents, conn.Query(Sql({"SELECT ", kConsentColumns,
                                                         ", user_agent, ip_hash FROM consent_events {indexed_by consent_events_in_clear} WHERE user_agent "
                                                         "<> '' OR length(ip_hash) > 0 LIMIT $1"}),
                                                    Params().Int64(Limit(limit))));
  out.consent_events = Collect<ConsentEventRow>(consents, [](const Rows& r, int i) {
    ConsentEventRow row = ReadConsent(r, i);
    row.user_agent = r.Text(i, 13);
    row.ip_hash = r.Bytes(i, 14);
    return row;
  });
  TILLIT_ASSIGN_OR_RETURN(Rows objections, conn.Query(Sql({"SELECT ", kObjectionColumns,
                                                           ", reason FROM objections {indexed_by objections_in_clear} WHERE reason <> '' LIMIT $1"}),
                                                      Params().Int64(Limit(limit))));
  out.objections = Collect<ObjectionRow>(objections, [](const Rows& r, int i) {
    ObjectionRow row = ReadObjection(r, i);
    row.reason = r.Text(i, 11);
    return row;
  });
  TILLIT_ASSIGN_OR_RETURN(Rows restrictions,
                          conn.Query(Sql({"SELECT ", kRestrictionColumns,
                                          ", reason, lift_notice FROM restrictions {indexed_by restrictions_in_clear} WHERE reason <> '' OR lift_notice "
                                          "<> '' LIMIT $1"}),
                                     Params().Int64(Limit(limit))));
  out.restrictions = Collect<RestrictionRow>(restrictions, [](const Rows& r, int i) {
    RestrictionRow row = ReadRestriction(r, i);
    row.reason = r.Text(i, 8);
    row.lift_notice = r.Text(i, 9);
    return row;
  });
  return out;
}

Result<std::vector<ProhibitionRow>> ListProhibitions(Conn& conn, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(Sql({"SELECT ", kProhibitionColumns, " FROM prohibitions WHERE subject_id = $1 ORDER BY set_at, {ord}"}),
                 Params().Text(subject_id)));
  return Collect<ProhibitionRow>(rows, ReadProhibition);
}

Result<std::vector<ProhibitionRow>> ScanActiveProhibitions(Conn& conn, std::string_view after_subject,
                                                           std::string_view after_id, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(Sql({"SELECT ", kProhibitionColumns,
                                                     " FROM prohibitions WHERE lifted_at IS NULL AND "
                                                     "(subject_id, prohibition_id) > ($1, $2) ORDER BY subject_id, "
                                                     "prohibition_id LIMIT $3"}),
                                                Params().Text(after_subject).Text(after_id).Int64(Limit(limit))));
  return Collect<ProhibitionRow>(rows, ReadProhibition);
}

Result<std::vector<OptOutRegisterRow>> ListOptOutRegisters(Conn& conn) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT register_id, imported_at, phones, addresses, actor FROM "
                                                "opt_out_registers ORDER BY register_id",
                                                Params()));
  return Collect<OptOutRegisterRow>(rows, [](const Rows& r, int i) {
    return OptOutRegisterRow{r.Text(i, 0), r.Int(i, 1), r.Int(i, 2), r.Int(i, 3), r.Text(i, 4)};
  });
}

Result<std::vector<OptOutMatch>> ListOptOutMatches(Conn& conn, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows,
                          conn.Query("SELECT DISTINCT s.subject_id, e.register_id, e.kind FROM shared_index s JOIN "
                                     "opt_out_entries e ON e.kind = s.kind AND e.value = s.value WHERE s.kind IN (2, "
                                     "7) AND ($1 = '' OR s.subject_id = $1) ORDER BY s.subject_id, e.register_id, "
                                     "e.kind",
                                     Params().Text(subject_id)));
  return Collect<OptOutMatch>(rows, [](const Rows& r, int i) {
    return OptOutMatch{r.Text(i, 0), r.Text(i, 1), static_cast<IndexKind>(r.Int(i, 2))};
  });
}

Result<std::vector<std::string>> FindOptOutRegisters(Conn& conn, IndexKind kind, const std::vector<uint8_t>& value) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT DISTINCT register_id FROM opt_out_entries WHERE kind = $1 "
                                                "AND value = $2 ORDER BY register_id",
                                                Params().Int32(Kind(kind)).Bytes(value)));
  return Collect<std::string>(rows, [](const Rows& r, int i) { return r.Text(i, 0); });
}

Result<std::vector<std::pair<std::string, std::vector<uint8_t>>>> ScanSharedIndex(
    Conn& conn, IndexKind kind, std::string_view subject_id, const std::vector<uint8_t>& after_value,
    std::string_view after_subject, size_t limit) {
  Params p;
  p.Int32(Kind(kind)).Text(subject_id);
  if (after_value.empty()) {
    p.NullBytes();
  } else {
    p.Bytes(after_value);
  }
  p.Text(after_subject).Int64(Limit(limit));
  TILLIT_ASSIGN_OR_RETURN(Rows rows,
                          conn.Query("SELECT subject_id, value FROM shared_index WHERE kind = $1 AND ($2 = '' OR "
                                     "subject_id = $2) AND ($3 IS NULL OR (value, subject_id) > ($3, $4)) "
                                     "ORDER BY value, subject_id LIMIT $5",
                                     p));
  return Collect<std::pair<std::string, std::vector<uint8_t>>>(
      rows, [](const Rows& r, int i) { return std::make_pair(r.Text(i, 0), r.Bytes(i, 1)); });
}

Result<std::vector<RestrictionRow>> ScanActiveRestrictions(Conn& conn, std::string_view after_subject,
                                                           std::string_view after_id, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(Sql({"SELECT ", kRestrictionColumns,
                                                     " FROM restrictions WHERE "
                                                     "lifted_at IS NULL AND (subject_id, restriction_id) > ($1, $2) "
                                                     "ORDER BY subject_id, restriction_id LIMIT $3"}),
                                                Params().Text(after_subject).Text(after_id).Int64(Limit(limit))));
  return Collect<RestrictionRow>(rows, ReadRestriction);
}

Result<std::vector<VisitorConsentRow>> ListVisitorConsents(Conn& conn, std::string_view visitor_id) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(Sql({"SELECT ", kVisitorConsentColumns,
                                                     " FROM visitor_consents WHERE "
                                                     "visitor_id = $1 ORDER BY at, {ord}"}),
                                                Params().Text(visitor_id)));
  return Collect<VisitorConsentRow>(rows, ReadVisitorConsent);
}

Result<std::optional<ReportRow>> FindReportByToken(Conn& conn, const std::vector<uint8_t>& token_hash) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(Sql({"SELECT ", kReportColumns, " FROM reports WHERE token_hash = $1"}),
                                                Params().Bytes(token_hash)));
  return First<ReportRow>(rows, ReadReport);
}

Result<std::vector<ReportRow>> ListReports(Conn& conn, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(Sql({"SELECT ", kReportColumns,
                                                     " FROM reports WHERE subject_id = $1 ORDER BY created_at, "
                                                     "report_id"}),
                                                Params().Text(subject_id)));
  return Collect<ReportRow>(rows, ReadReport);
}

Result<std::vector<std::string>> ListVisitorIds(Conn& conn, std::string_view after, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT visitor_id FROM visitor_consents WHERE visitor_id > $1 UNION "
                                                "SELECT visitor_id FROM visitor_links WHERE visitor_id > $1 "
                                                "ORDER BY 1 LIMIT $2",
                                                Params().Text(after).Int64(Limit(limit))));
  return Collect<std::string>(rows, [](const Rows& r, int i) { return r.Text(i, 0); });
}

Result<std::vector<VisitorLinkRow>> ListVisitorLinks(Conn& conn, std::string_view visitor_id) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT visitor_id, subject_id, linked_at, actor FROM visitor_links "
                                                "WHERE visitor_id = $1 ORDER BY linked_at, {ord}",
                                                Params().Text(visitor_id)));
  return Collect<VisitorLinkRow>(rows, [](const Rows& r, int i) {
    return VisitorLinkRow{r.Text(i, 0), r.Text(i, 1), r.Int(i, 2), r.Text(i, 3)};
  });
}

Result<std::vector<AuditRow>> ReadAudit(Conn& conn, int64_t after_seq, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(
      Rows rows, conn.Query(Sql({"SELECT ", kAuditColumns, " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"}),
                            Params().Int64(after_seq).Int64(Limit(limit))));
  return Collect<AuditRow>(rows, ReadAuditRow);
}

Result<std::vector<AuditRow>> ReadSubjectAudit(Conn& conn, std::string_view subject_id, int64_t after_seq,
                                               size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(Sql({"SELECT ", kAuditColumns,
                                                     " FROM audit_log WHERE subject_id = $1 AND subject_id <> '' "
                                                     "AND seq > $2 ORDER BY seq LIMIT $3"}),
                                                Params().Text(subject_id).Int64(after_seq).Int64(Limit(limit))));
  return Collect<AuditRow>(rows, ReadAuditRow);
}

Result<std::optional<AuditCheckpointRow>> FindAuditCheckpoint(Conn& conn) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT seq, hash, signature, at FROM audit_checkpoint WHERE id = 1"));
  return First<AuditCheckpointRow>(rows, ReadCheckpoint);
}

Result<std::optional<AuditCheckpointRow>> FindKeyStoreAuditHead(Conn& conn) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows,
                          conn.Query("SELECT seq, hash, signature, at FROM keystore.audit_head WHERE id = 1"));
  return First<AuditCheckpointRow>(rows, ReadCheckpoint);
}

Result<AuditCheckpointRow> AuditTail(Conn& conn) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows,
                          conn.Query("SELECT seq, hash, {empty_blob}, at FROM audit_log ORDER BY seq DESC LIMIT 1"));
  return First<AuditCheckpointRow>(rows, ReadCheckpoint).value_or(AuditCheckpointRow{});
}

Result<std::vector<std::pair<int64_t, std::string>>> ReadDecisionChanges(Conn& conn, int64_t after_seq, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT seq, subject_id FROM decision_changes WHERE seq > $1 ORDER BY "
                                                "seq LIMIT $2",
                                                Params().Int64(after_seq).Int64(Limit(limit))));
  return Collect<std::pair<int64_t, std::string>>(
      rows, [](const Rows& r, int i) { return std::make_pair(r.Int(i, 0), r.Text(i, 1)); });
}

Result<int64_t> LastDecisionChange(Conn& conn) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT COALESCE(MAX(seq), 0) FROM decision_changes"));
  return rows.empty() ? 0 : rows.Int(0, 0);
}

Result<std::optional<ErasureRow>> FindErasure(Conn& conn, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT subject_id, erased_at, reason, actor, receipt FROM erasures "
                                                "WHERE subject_id = $1",
                                                Params().Text(subject_id)));
  return First<ErasureRow>(rows, [](const Rows& r, int i) {
    return ErasureRow{r.Text(i, 0), r.Int(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4)};
  });
}

Result<std::vector<SubjectRow>> ListExpiredSubjects(Conn& conn, int64_t now, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(Sql({"SELECT ", kSubjectColumns,
                                                     " FROM subjects WHERE expires_at IS NOT NULL AND erased_at IS "
                                                     "NULL AND expires_at <= $1 ORDER BY expires_at LIMIT $2"}),
                                                Params().Int64(now).Int64(Limit(limit))));
  return Collect<SubjectRow>(rows, ReadSubject);
}

Result<std::vector<RecordRow>> ListExpiredRecords(Conn& conn, int64_t now, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows,
                          conn.Query(Sql({"SELECT ", kRecordColumns,
                                          " FROM records WHERE expires_at IS NOT NULL AND "
                                          "expires_at <= $1 UNION SELECT ",
                                          kRecordColumns,
                                          " FROM records WHERE hold_expires_at IS NOT NULL AND hold_expires_at <= $1 "
                                          "LIMIT $2"}),
                                     Params().Int64(now).Int64(Limit(limit))));
  return Collect<RecordRow>(rows, ReadRecord);
}

Result<std::optional<int64_t>> AgreementEnd(Conn& conn, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(
      Rows rows, conn.Query("SELECT MAX(ended_at) FROM agreements WHERE subject_id = $1", Params().Text(subject_id)));
  if (rows.empty()) return std::optional<int64_t>();
  return rows.OptionalInt(0, 0);
}

Result<std::vector<std::vector<uint8_t>>> ListSuppressions(Conn& conn, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT value FROM shared_index WHERE kind = 4 AND subject_id = $1 "
                                                "ORDER BY value",
                                                Params().Text(subject_id)));
  return Collect<std::vector<uint8_t>>(rows, [](const Rows& r, int i) { return r.Bytes(i, 0); });
}

Result<OperationsCounts> CountOperations(Conn& conn, int64_t now) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows,
                          conn.Query("SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'queued'), "
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
}

Result<int> SchemaVersion(Conn& conn) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  return rows.empty() ? 0 : static_cast<int>(rows.Int(0, 0));
}

}  // namespace tillit::store::sql
