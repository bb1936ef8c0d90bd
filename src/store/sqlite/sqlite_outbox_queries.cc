// The SQLite SQL of disclosures and the webhook outbox (migration 7), as free functions over a connection; the
// writer's transaction (sqlite_queries.cc) and the reader connections (sqlite_store.cc) call them.
#include <sqlite3.h>

#include "store/sqlite/sqlite_queries.h"
#include "util/text.h"

namespace tillit::store::sqlite {
namespace {

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

constexpr const char* kDisclosureColumns =
    "subject_id, disclosure_id, recipient, categories, purpose, reference, at, recorded_at, actor";
DisclosureRow ReadDisclosure(const Stmt& s) {
  return {s.Text(0), s.Text(1), s.Text(2), SplitList(s.Text(3)), s.Text(4), s.Blob(5), s.Int(6), s.Int(7), s.Text(8)};
}

constexpr const char* kDeliveryColumns =
    "delivery_id, recipient, event, body, created_at, status, attempts, next_attempt_at, last_status, last_error, "
    "delivered_at";
WebhookDeliveryRow ReadDelivery(const Stmt& s) {
  WebhookDeliveryRow row;
  row.delivery_id = s.Text(0);
  row.recipient = s.Text(1);
  row.event = s.Text(2);
  row.body = s.Text(3);
  row.created_at = s.Int(4);
  row.status = s.Text(5);
  row.attempts = static_cast<int>(s.Int(6));
  row.next_attempt_at = s.Int(7);
  row.last_status = static_cast<int>(s.Int(8));
  row.last_error = s.Text(9);
  if (!s.IsNull(10)) row.delivered_at = s.Int(10);
  return row;
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

}  // namespace

Status InsertDisclosure(Db& db, const DisclosureRow& row) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(std::string("INSERT INTO disclosures (") + kDisclosureColumns +
                                               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt->Bind(1, row.subject_id).Bind(2, row.disclosure_id).Bind(3, row.recipient).Bind(4, JoinList(row.categories));
  stmt->Bind(5, row.purpose);
  if (row.reference.empty()) {
    stmt->BindNull(6);
  } else {
    stmt->Bind(6, row.reference);
  }
  stmt->Bind(7, row.at).Bind(8, row.recorded_at).Bind(9, row.actor);
  Status s = stmt->Run();
  if (s.code() == StatusCode::kConflict) return Status::Conflict("the disclosure exists already", "disclosure_exists");
  return s;
}

Status DeleteDisclosures(Db& db, std::string_view subject_id, int64_t* deleted) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("DELETE FROM disclosures WHERE subject_id = ?"));
  stmt->Bind(1, subject_id);
  TILLIT_RETURN_IF_ERROR(stmt->Run());
  if (deleted != nullptr) *deleted = sqlite3_changes(db.raw());
  return Status::Ok();
}

Result<std::vector<DisclosureRow>> ListDisclosures(Db& db, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(std::string("SELECT ") + kDisclosureColumns +
                                               " FROM disclosures WHERE subject_id = ? ORDER BY at, rowid"));
  stmt->Bind(1, subject_id);
  return Collect<DisclosureRow>(*stmt, ReadDisclosure);
}

Status InsertWebhookDelivery(Db& db, const WebhookDeliveryRow& row) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(std::string("INSERT INTO webhook_outbox (") + kDeliveryColumns +
                                               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt->Bind(1, row.delivery_id).Bind(2, row.recipient).Bind(3, row.event).Bind(4, row.body).Bind(5, row.created_at);
  stmt->Bind(6, row.status).Bind(7, int64_t{row.attempts}).Bind(8, row.next_attempt_at);
  stmt->Bind(9, int64_t{row.last_status}).Bind(10, row.last_error).Bind(11, row.delivered_at);
  Status s = stmt->Run();
  if (s.code() == StatusCode::kConflict) return Status::Conflict("the delivery exists already", "delivery_exists");
  return s;
}

Status UpdateWebhookDelivery(Db& db, const WebhookDeliveryRow& row) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached("UPDATE webhook_outbox SET status = ?, attempts = ?, next_attempt_at = "
                                               "?, last_status = ?, last_error = ?, delivered_at = ? "
                                               "WHERE delivery_id = ?"));
  stmt->Bind(1, row.status).Bind(2, int64_t{row.attempts}).Bind(3, row.next_attempt_at);
  stmt->Bind(4, int64_t{row.last_status}).Bind(5, row.last_error).Bind(6, row.delivered_at).Bind(7, row.delivery_id);
  TILLIT_RETURN_IF_ERROR(stmt->Run());
  if (sqlite3_changes(db.raw()) == 0) return Status::NotFound("no such webhook delivery", "delivery_not_found");
  return Status::Ok();
}

Result<std::vector<WebhookDeliveryRow>> DueWebhookDeliveries(Db& db, int64_t now, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(std::string("SELECT ") + kDeliveryColumns +
                                               " FROM webhook_outbox WHERE status = 'pending' AND next_attempt_at <= "
                                               "? ORDER BY next_attempt_at, delivery_id LIMIT ?"));
  stmt->Bind(1, now).Bind(2, static_cast<int64_t>(limit));
  return Collect<WebhookDeliveryRow>(*stmt, ReadDelivery);
}

Result<std::vector<WebhookDeliveryRow>> ListWebhookDeliveries(Db& db, std::string_view status, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(auto stmt, db.Cached(std::string("SELECT ") + kDeliveryColumns +
                                               " FROM webhook_outbox WHERE (? = '' OR status = ?) "
                                               "ORDER BY created_at DESC, delivery_id DESC LIMIT ?"));
  stmt->Bind(1, status).Bind(2, status).Bind(3, static_cast<int64_t>(limit));
  return Collect<WebhookDeliveryRow>(*stmt, ReadDelivery);
}

Result<std::optional<WebhookDeliveryRow>> FindWebhookDelivery(Db& db, std::string_view delivery_id) {
  TILLIT_ASSIGN_OR_RETURN(
      auto stmt, db.Cached(std::string("SELECT ") + kDeliveryColumns + " FROM webhook_outbox WHERE delivery_id = ?"));
  stmt->Bind(1, delivery_id);
  TILLIT_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<WebhookDeliveryRow>();
  return std::optional<WebhookDeliveryRow>(ReadDelivery(*stmt));
}

}  // namespace tillit::store::sqlite
