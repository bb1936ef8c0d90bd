#include "store/sqlite/sqlite_requests.h"

#include <sqlite3.h>

#include <limits>

namespace tillit::store::sqlite {
namespace {

std::string Sql(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out += p;
  return out;
}

std::optional<int64_t> OptionalInt(const Stmt& s, int col) {
  return s.IsNull(col) ? std::nullopt : std::optional<int64_t>(s.Int(col));
}

int64_t Limit(size_t limit) {
  return limit > static_cast<size_t>(std::numeric_limits<int64_t>::max()) ? -1 : static_cast<int64_t>(limit);
}

constexpr const char* kRequestColumns =
    "subject_id, request_id, type, status, channel, language, received_at, original_due_at, due_at, extended, "
    "verified_at, approved_at, closed_at, updated_at, events, sealed";
RightsRequestRow ReadRequest(const Stmt& s) {
  RightsRequestRow r;
  r.subject_id = s.Text(0);
  r.request_id = s.Text(1);
  r.type = s.Text(2);
  r.status = s.Text(3);
  r.channel = s.Text(4);
  r.language = s.Text(5);
  r.received_at = s.Int(6);
  r.original_due_at = s.Int(7);
  r.due_at = s.Int(8);
  r.extended = s.Int(9) != 0;
  r.verified_at = OptionalInt(s, 10);
  r.approved_at = OptionalInt(s, 11);
  r.closed_at = OptionalInt(s, 12);
  r.updated_at = s.Int(13);
  r.events = s.Int(14);
  r.sealed = s.Blob(15);
  return r;
}

constexpr const char* kEventColumns = "subject_id, request_id, seq, status, at, actor, note";
RequestEventRow ReadEvent(const Stmt& s) {
  return {s.Text(0), s.Text(1), s.Int(2), s.Text(3), s.Int(4), s.Text(5), s.Blob(6)};
}

constexpr const char* kCodeColumns =
    "subject_id, code_id, request_id, code_hash, ip_hash, created_at, expires_at, attempts, used_at, address_hash";
VerificationCodeRow ReadCode(const Stmt& s) {
  return {s.Text(0), s.Text(1), s.Text(2),         s.Blob(3), s.Blob(4), s.Int(5),
          s.Int(6),  s.Int(7),  OptionalInt(s, 8), s.Blob(9)};
}

constexpr const char* kMailColumns =
    "subject_id, mail_id, kind, recipient, message, created_at, next_attempt_at, attempts, status, sent_at, "
    "last_error";
MailRow ReadMail(const Stmt& s) {
  return {s.Text(0), s.Text(1), s.Text(2), s.Blob(3),         s.Blob(4), s.Int(5),
          s.Int(6),  s.Int(7),  s.Text(8), OptionalInt(s, 9), s.Text(10)};
}

template <typename Row, typename ReadFn>
Result<std::vector<Row>> Collect(Stmt& stmt, ReadFn read) {
  std::vector<Row> rows;
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return rows;
    rows.push_back(read(stmt));
  }
}

template <typename Row, typename ReadFn>
Result<std::optional<Row>> First(Stmt& stmt, ReadFn read) {
  TILLIT_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<Row>();
  return std::optional<Row>(read(stmt));
}

}  // namespace

Status PutRightsRequest(Db& db, const RightsRequestRow& r) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"INSERT OR REPLACE INTO rights_requests (", kRequestColumns,
                                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"})));
  stmt->Bind(1, r.subject_id).Bind(2, r.request_id).Bind(3, r.type).Bind(4, r.status).Bind(5, r.channel);
  stmt->Bind(6, r.language).Bind(7, r.received_at).Bind(8, r.original_due_at).Bind(9, r.due_at);
  stmt->Bind(10, int64_t{r.extended}).Bind(11, r.verified_at).Bind(12, r.approved_at).Bind(13, r.closed_at);
  stmt->Bind(14, r.updated_at).Bind(15, r.events).Bind(16, r.sealed);
  return stmt->Run();
}

Result<std::optional<RightsRequestRow>> FindRightsRequest(Db& db, std::string_view request_id) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt,
                          db.Cached(Sql({"SELECT ", kRequestColumns, " FROM rights_requests WHERE request_id = ?"})));
  stmt->Bind(1, request_id);
  return First<RightsRequestRow>(*stmt, ReadRequest);
}

Result<std::vector<RightsRequestRow>> ListRightsRequests(Db& db, const RequestQuery& q) {
  TILLIT_ASSIGN_OR_RETURN(
      auto stmt,
      db.Cached(Sql({"SELECT ", kRequestColumns,
                     " FROM rights_requests WHERE (?1 = '' OR status = ?1) AND (?2 IS NULL OR due_at < ?2) "
                     "AND (?3 = 0 OR closed_at IS NULL) AND (?4 IS NULL OR (received_at, request_id) > (?4, ?5)) "
                     "ORDER BY received_at, request_id LIMIT ?6"})));
  stmt->Bind(1, q.status).Bind(2, q.due_before).Bind(3, int64_t{q.open_only});
  if (q.after) {
    stmt->Bind(4, q.after->first).Bind(5, q.after->second);
  } else {
    stmt->BindNull(4).Bind(5, std::string_view());
  }
  stmt->Bind(6, Limit(q.limit));
  return Collect<RightsRequestRow>(*stmt, ReadRequest);
}

Status InsertRequestEvent(Db& db, const RequestEventRow& e) {
  TILLIT_ASSIGN_OR_RETURN(
      auto stmt, db.Cached(Sql({"INSERT INTO request_events (", kEventColumns, ") VALUES (?, ?, ?, ?, ?, ?, ?)"})));
  stmt->Bind(1, e.subject_id).Bind(2, e.request_id).Bind(3, e.seq).Bind(4, e.status).Bind(5, e.at).Bind(6, e.actor);
  stmt->Bind(7, e.note);
  return stmt->Run();
}

Result<std::vector<RequestEventRow>> ListRequestEvents(Db& db, std::string_view request_id) {
  TILLIT_ASSIGN_OR_RETURN(
      auto stmt, db.Cached(Sql({"SELECT ", kEventColumns, " FROM request_events WHERE request_id = ? ORDER BY seq"})));
  stmt->Bind(1, request_id);
  return Collect<RequestEventRow>(*stmt, ReadEvent);
}

Status PutVerificationCode(Db& db, const VerificationCodeRow& c) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"INSERT OR REPLACE INTO verification_codes (", kCodeColumns,
                                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"})));
  stmt->Bind(1, c.subject_id).Bind(2, c.code_id).Bind(3, c.request_id).Bind(4, c.code_hash).Bind(5, c.ip_hash);
  stmt->Bind(6, c.created_at).Bind(7, c.expires_at).Bind(8, c.attempts).Bind(9, c.used_at);
  stmt->Bind(10, c.address_hash);
  return stmt->Run();
}

Result<std::optional<VerificationCodeRow>> LatestVerificationCode(Db& db, std::string_view subject_id,
                                                                  std::string_view request_id) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kCodeColumns,
                                                    " FROM verification_codes WHERE subject_id = ? AND "
                                                    "request_id = ? ORDER BY created_at DESC, code_id DESC LIMIT 1"})));
  stmt->Bind(1, subject_id).Bind(2, request_id);
  return First<VerificationCodeRow>(*stmt, ReadCode);
}

Result<CodeCounts> CountVerificationCodes(Db& db, std::string_view subject_id,
                                          const std::vector<uint8_t>& address_hash,
                                          const std::vector<uint8_t>& ip_hash, int64_t since) {
  CodeCounts counts;
  auto count = [&](const char* sql, auto bind) -> Result<int64_t> {
    TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(sql));
    bind(*stmt);
    stmt->Bind(2, since);
    TILLIT_ASSIGN_OR_RETURN(bool row, stmt->Step());
    return row ? stmt->Int(0) : 0;
  };
  TILLIT_ASSIGN_OR_RETURN(counts.subject,
                          count("SELECT COUNT(*) FROM verification_codes WHERE subject_id = ? AND created_at >= ?",
                                [&](Stmt& s) { s.Bind(1, subject_id); }));
  if (!address_hash.empty()) {
    TILLIT_ASSIGN_OR_RETURN(counts.address,
                            count("SELECT COUNT(*) FROM verification_codes WHERE address_hash = ? AND created_at >= ?",
                                  [&](Stmt& s) { s.Bind(1, address_hash); }));
  }
  if (!ip_hash.empty()) {
    TILLIT_ASSIGN_OR_RETURN(counts.client,
                            count("SELECT COUNT(*) FROM verification_codes WHERE ip_hash = ? AND created_at >= ?",
                                  [&](Stmt& s) { s.Bind(1, ip_hash); }));
  }
  return counts;
}

Result<int64_t> ForgetCodeAddresses(Db& db, int64_t before, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(
      auto stmt, db.Cached("UPDATE verification_codes SET ip_hash = NULL, address_hash = NULL WHERE rowid IN (SELECT "
                           "rowid FROM verification_codes INDEXED BY verification_codes_addressed WHERE (ip_hash IS "
                           "NOT NULL OR address_hash IS NOT NULL) AND created_at < ? ORDER BY created_at LIMIT ?)"));
  stmt->Bind(1, before).Bind(2, static_cast<int64_t>(limit));
  TILLIT_RETURN_IF_ERROR(stmt->Run());
  return int64_t{sqlite3_changes(db.raw())};
}

Result<bool> HasCodeAddressesBefore(Db& db, int64_t before) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT 1 FROM verification_codes INDEXED BY verification_codes_addressed "
                                               "WHERE (ip_hash IS NOT NULL OR address_hash IS NOT NULL) AND "
                                               "created_at < ? LIMIT 1"));
  stmt->Bind(1, before);
  return stmt->Step();
}

Status PutMail(Db& db, const MailRow& m) {
  TILLIT_ASSIGN_OR_RETURN(
      auto stmt,
      db.Cached(Sql({"INSERT OR REPLACE INTO outbox (", kMailColumns, ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"})));
  stmt->Bind(1, m.subject_id).Bind(2, m.mail_id).Bind(3, m.kind).Bind(4, m.recipient).Bind(5, m.message);
  stmt->Bind(6, m.created_at).Bind(7, m.next_attempt_at).Bind(8, m.attempts).Bind(9, m.status).Bind(10, m.sent_at);
  stmt->Bind(11, m.last_error);
  return stmt->Run();
}

Status UpdateMailDelivery(Db& db, const MailRow& m) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("UPDATE outbox SET attempts = ?, status = ?, next_attempt_at = ?, "
                                               "sent_at = ?, last_error = ? WHERE subject_id = ? AND mail_id = ?"));
  stmt->Bind(1, m.attempts).Bind(2, m.status).Bind(3, m.next_attempt_at).Bind(4, m.sent_at).Bind(5, m.last_error);
  stmt->Bind(6, m.subject_id).Bind(7, m.mail_id);
  return stmt->Run();
}

Result<int64_t> DeleteSubjectMail(Db& db, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("DELETE FROM outbox WHERE subject_id = ?"));
  stmt->Bind(1, subject_id);
  TILLIT_RETURN_IF_ERROR(stmt->Run());
  return static_cast<int64_t>(sqlite3_changes(db.raw()));
}

Result<std::vector<MailRow>> ListDueMail(Db& db, int64_t now, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(Sql({"SELECT ", kMailColumns,
                                                    " FROM outbox WHERE status = 'queued' AND next_attempt_at <= ? "
                                                    "ORDER BY next_attempt_at, created_at LIMIT ?"})));
  stmt->Bind(1, now).Bind(2, Limit(limit));
  return Collect<MailRow>(*stmt, ReadMail);
}

Result<std::vector<MailRow>> ListSubjectMail(Db& db, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(
      auto stmt,
      db.Cached(Sql({"SELECT ", kMailColumns, " FROM outbox WHERE subject_id = ? ORDER BY created_at, mail_id"})));
  stmt->Bind(1, subject_id);
  return Collect<MailRow>(*stmt, ReadMail);
}

}  // namespace tillit::store::sqlite
