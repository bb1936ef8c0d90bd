#include "store/sql/queries.h"
#include "store/sql/query_support.h"

#include <limits>

namespace tillit::store::sql {
namespace {

constexpr const char* kRequestColumns =
    "subject_id, request_id, type, status, channel, language, received_at, original_due_at, due_at, extended, "
    "verified_at, approved_at, closed_at, updated_at, events, sealed";
RightsRequestRow ReadRequest(const Rows& r, int i) {
  RightsRequestRow row;
  row.subject_id = r.Text(i, 0);
  row.request_id = r.Text(i, 1);
  row.type = r.Text(i, 2);
  row.status = r.Text(i, 3);
  row.channel = r.Text(i, 4);
  row.language = r.Text(i, 5);
  row.received_at = r.Int(i, 6);
  row.original_due_at = r.Int(i, 7);
  row.due_at = r.Int(i, 8);
  row.extended = r.Int(i, 9) != 0;
  row.verified_at = r.OptionalInt(i, 10);
  row.approved_at = r.OptionalInt(i, 11);
  row.closed_at = r.OptionalInt(i, 12);
  row.updated_at = r.Int(i, 13);
  row.events = r.Int(i, 14);
  row.sealed = r.Bytes(i, 15);
  return row;
}

constexpr const char* kEventColumns = "subject_id, request_id, seq, status, at, actor, note";
RequestEventRow ReadEvent(const Rows& r, int i) {
  return {r.Text(i, 0), r.Text(i, 1), r.Int(i, 2), r.Text(i, 3), r.Int(i, 4), r.Text(i, 5), r.Bytes(i, 6)};
}

constexpr const char* kCodeColumns =
    "subject_id, code_id, request_id, code_hash, ip_hash, created_at, expires_at, attempts, used_at, address_hash";
VerificationCodeRow ReadCode(const Rows& r, int i) {
  return {r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Bytes(i, 3),       r.Bytes(i, 4),
          r.Int(i, 5),  r.Int(i, 6),  r.Int(i, 7),  r.OptionalInt(i, 8), r.Bytes(i, 9)};
}

constexpr const char* kMailColumns =
    "subject_id, mail_id, kind, recipient, message, created_at, next_attempt_at, attempts, status, sent_at, last_error";
MailRow ReadMail(const Rows& r, int i) {
  return {r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Bytes(i, 3),       r.Bytes(i, 4), r.Int(i, 5),
          r.Int(i, 6),  r.Int(i, 7),  r.Text(i, 8), r.OptionalInt(i, 9), r.Text(i, 10)};
}

}  // namespace

Status PutRightsRequest(Conn& conn, const RightsRequestRow& r) {
  Params p;
  p.Text(r.subject_id).Text(r.request_id).Text(r.type).Text(r.status).Text(r.channel).Text(r.language);
  p.Int64(r.received_at).Int64(r.original_due_at).Int64(r.due_at).Int64(int64_t{r.extended ? 1 : 0});
  p.Int64(r.verified_at).Int64(r.approved_at).Int64(r.closed_at).Int64(r.updated_at).Int64(r.events).Bytes(r.sealed);
  return conn
      .Query("INSERT INTO rights_requests (" + std::string(kRequestColumns) +
                 ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT "
                 "(subject_id, "
                 "request_id) DO UPDATE SET type = EXCLUDED.type, status = EXCLUDED.status, channel = "
                 "EXCLUDED.channel, language = EXCLUDED.language, received_at = EXCLUDED.received_at, original_due_at "
                 "= EXCLUDED.original_due_at, due_at = EXCLUDED.due_at, extended = EXCLUDED.extended, verified_at = "
                 "EXCLUDED.verified_at, approved_at = EXCLUDED.approved_at, closed_at = EXCLUDED.closed_at, updated_at "
                 "= EXCLUDED.updated_at, events = EXCLUDED.events, sealed = EXCLUDED.sealed",
             p)
      .status();
}

Result<std::optional<RightsRequestRow>> FindRightsRequest(Conn& conn, std::string_view request_id) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows,
                          conn.Query(Sql({"SELECT ", kRequestColumns, " FROM rights_requests WHERE request_id = $1"}),
                                     Params().Text(request_id)));
  return First<RightsRequestRow>(rows, ReadRequest);
}

Result<std::vector<RightsRequestRow>> ListRightsRequests(Conn& conn, const RequestQuery& q) {
  Params p;
  p.Text(q.status).Int64(q.due_before).Bool(q.open_only);
  if (q.after) {
    p.Int64(q.after->first).Text(q.after->second);
  } else {
    p.Int64(std::optional<int64_t>()).Text("");
  }
  p.Int64(Limit(q.limit));
  TILLIT_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(Sql({"SELECT ", kRequestColumns,
                      " FROM rights_requests WHERE ($1 = '' OR status = $1) AND ($2 IS NULL OR due_at < $2) "
                      "AND (NOT $3 OR closed_at IS NULL) AND ($4 IS NULL OR (received_at, "
                      "request_id) > ($4, $5)) ORDER BY received_at, request_id LIMIT $6"}),
                 p));
  return Collect<RightsRequestRow>(rows, ReadRequest);
}

Status InsertRequestEvent(Conn& conn, const RequestEventRow& e) {
  Params p;
  p.Text(e.subject_id).Text(e.request_id).Int64(e.seq).Text(e.status).Int64(e.at).Text(e.actor);
  p.BytesOrNull(e.note);
  return conn.Query(Sql({"INSERT INTO request_events (", kEventColumns, ") VALUES ($1, $2, $3, $4, $5, $6, $7)"}), p)
      .status();
}

Result<std::vector<RequestEventRow>> ListRequestEvents(Conn& conn, std::string_view request_id) {
  TILLIT_ASSIGN_OR_RETURN(
      Rows rows, conn.Query(Sql({"SELECT ", kEventColumns, " FROM request_events WHERE request_id = $1 ORDER BY seq"}),
                            Params().Text(request_id)));
  return Collect<RequestEventRow>(rows, ReadEvent);
}

Status PutVerificationCode(Conn& conn, const VerificationCodeRow& c) {
  Params p;
  p.Text(c.subject_id).Text(c.code_id).Text(c.request_id).Bytes(c.code_hash);
  p.BytesOrNull(c.ip_hash);
  p.Int64(c.created_at).Int64(c.expires_at).Int64(c.attempts).Int64(c.used_at);
  p.BytesOrNull(c.address_hash);
  return conn
      .Query("INSERT INTO verification_codes (" + std::string(kCodeColumns) +
                 ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (subject_id, code_id) DO UPDATE SET "
                 "request_id = EXCLUDED.request_id, code_hash = EXCLUDED.code_hash, ip_hash = EXCLUDED.ip_hash, "
                 "created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, attempts = EXCLUDED.attempts, "
                 "used_at = EXCLUDED.used_at, address_hash = EXCLUDED.address_hash",
             p)
      .status();
}

Result<std::optional<VerificationCodeRow>> LatestVerificationCode(Conn& conn, std::string_view subject_id,
                                                                  std::string_view request_id) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(Sql({"SELECT ", kCodeColumns,
                                                     " FROM verification_codes WHERE subject_id = $1 AND "
                                                     "request_id = $2 ORDER BY created_at DESC, code_id DESC LIMIT 1"}),
                                                Params().Text(subject_id).Text(request_id)));
  return First<VerificationCodeRow>(rows, ReadCode);
}

Result<CodeCounts> CountVerificationCodes(Conn& conn, std::string_view subject_id,
                                          const std::vector<uint8_t>& address_hash,
                                          const std::vector<uint8_t>& ip_hash, int64_t since) {
  CodeCounts counts;
  TILLIT_ASSIGN_OR_RETURN(Rows by_subject, conn.Query("SELECT COUNT(*) FROM verification_codes WHERE subject_id = $1 "
                                                      "AND created_at >= $2",
                                                      Params().Text(subject_id).Int64(since)));
  counts.subject = by_subject.Int(0, 0);
  if (!address_hash.empty()) {
    TILLIT_ASSIGN_OR_RETURN(Rows by_address,
                            conn.Query("SELECT COUNT(*) FROM verification_codes WHERE address_hash = $1 AND "
                                       "created_at >= $2",
                                       Params().Bytes(address_hash).Int64(since)));
    counts.address = by_address.Int(0, 0);
  }
  if (!ip_hash.empty()) {
    TILLIT_ASSIGN_OR_RETURN(Rows by_ip, conn.Query("SELECT COUNT(*) FROM verification_codes WHERE ip_hash = $1 AND "
                                                   "created_at >= $2",
                                                   Params().Bytes(ip_hash).Int64(since)));
    counts.client = by_ip.Int(0, 0);
  }
  return counts;
}

Result<int64_t> ForgetCodeAddresses(Conn& conn, int64_t before, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(
      Rows rows, conn.Query("UPDATE verification_codes SET ip_hash = NULL, address_hash = NULL WHERE (subject_id, "
                            "code_id) IN (SELECT subject_id, code_id FROM verification_codes {indexed_by verification_codes_addressed} "
                            "WHERE (ip_hash IS NOT "
                            "NULL OR address_hash IS NOT NULL) AND created_at < $1 ORDER BY created_at LIMIT $2)",
                            Params().Int64(before).Int64(Limit(limit))));
  return rows.affected();
}

Result<bool> HasCodeAddressesBefore(Conn& conn, int64_t before) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT 1 FROM verification_codes {indexed_by verification_codes_addressed} WHERE (ip_hash IS NOT NULL OR "
                                                "address_hash IS NOT NULL) AND created_at < $1 LIMIT 1",
                                                Params().Int64(before)));
  return !rows.empty();
}

Status PutMail(Conn& conn, const MailRow& m) {
  Params p;
  p.Text(m.subject_id).Text(m.mail_id).Text(m.kind).Bytes(m.recipient).Bytes(m.message).Int64(m.created_at);
  p.Int64(m.next_attempt_at).Int64(m.attempts).Text(m.status).Int64(m.sent_at).Text(m.last_error);
  return conn
      .Query("INSERT INTO outbox (" + std::string(kMailColumns) +
                 ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (subject_id, mail_id) DO UPDATE "
                 "SET kind = EXCLUDED.kind, recipient = EXCLUDED.recipient, message = EXCLUDED.message, created_at = "
                 "EXCLUDED.created_at, next_attempt_at = EXCLUDED.next_attempt_at, attempts = EXCLUDED.attempts, "
                 "status = EXCLUDED.status, sent_at = EXCLUDED.sent_at, last_error = EXCLUDED.last_error",
             p)
      .status();
}

Status UpdateMailDelivery(Conn& conn, const MailRow& m) {
  Params p;
  p.Int64(m.attempts).Text(m.status).Int64(m.next_attempt_at).Int64(m.sent_at).Text(m.last_error);
  p.Text(m.subject_id).Text(m.mail_id);
  return conn
      .Query(
          "UPDATE outbox SET attempts = $1, status = $2, next_attempt_at = $3, sent_at = $4, last_error = $5 "
          "WHERE subject_id = $6 AND mail_id = $7",
          p)
      .status();
}

Result<int64_t> DeleteSubjectMail(Conn& conn, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("DELETE FROM outbox WHERE subject_id = $1", Params().Text(subject_id)));
  return rows.affected();
}

Result<std::vector<MailRow>> ListDueMail(Conn& conn, int64_t now, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(Sql({"SELECT ", kMailColumns,
                                                     " FROM outbox WHERE status = 'queued' AND next_attempt_at <= $1 "
                                                     "ORDER BY next_attempt_at, created_at LIMIT $2"}),
                                                Params().Int64(now).Int64(Limit(limit))));
  return Collect<MailRow>(rows, ReadMail);
}

Result<std::vector<MailRow>> ListSubjectMail(Conn& conn, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(Sql({"SELECT ", kMailColumns, " FROM outbox WHERE subject_id = $1 ORDER BY created_at, mail_id"}),
                 Params().Text(subject_id)));
  return Collect<MailRow>(rows, ReadMail);
}

}  // namespace tillit::store::sql
