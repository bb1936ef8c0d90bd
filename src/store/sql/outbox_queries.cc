// The SQL of disclosures and the webhook outbox (migration 7), as free functions over a connection; the writer's
// transaction (queries.cc) and the reader connections (sql_store.cc) call them.
#include <limits>

#include "store/sql/queries.h"
#include "store/sql/query_support.h"
#include "util/text.h"

namespace tillit::store::sql {
namespace {

constexpr const char* kDisclosureColumns =
    "subject_id, disclosure_id, recipient, categories, purpose, reference, at, recorded_at, actor";
DisclosureRow ReadDisclosure(const Rows& r, int i) {
  return {r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), SplitList(r.Text(i, 3)), r.Text(i, 4), r.Bytes(i, 5),
          r.Int(i, 6),  r.Int(i, 7),  r.Text(i, 8)};
}

constexpr const char* kDeliveryColumns =
    "delivery_id, recipient, event, body, created_at, status, attempts, next_attempt_at, last_status, last_error, "
    "delivered_at";
WebhookDeliveryRow ReadDelivery(const Rows& r, int i) {
  WebhookDeliveryRow row;
  row.delivery_id = r.Text(i, 0);
  row.recipient = r.Text(i, 1);
  row.event = r.Text(i, 2);
  row.body = r.Text(i, 3);
  row.created_at = r.Int(i, 4);
  row.status = r.Text(i, 5);
  row.attempts = static_cast<int>(r.Int(i, 6));
  row.next_attempt_at = r.Int(i, 7);
  row.last_status = static_cast<int>(r.Int(i, 8));
  row.last_error = r.Text(i, 9);
  row.delivered_at = r.OptionalInt(i, 10);
  return row;
}

}  // namespace

Status InsertDisclosure(Conn& conn, const DisclosureRow& row) {
  Params p;
  p.Text(row.subject_id).Text(row.disclosure_id).Text(row.recipient).Text(JoinList(row.categories)).Text(row.purpose);
  p.BytesOrNull(row.reference);
  p.Int64(row.at).Int64(row.recorded_at).Text(row.actor);
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(std::string("INSERT INTO disclosures (") + kDisclosureColumns +
                                                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                                                    "ON CONFLICT DO NOTHING",
                                                p));
  if (rows.affected() == 0) return Status::Conflict("the disclosure exists already", "disclosure_exists");
  return Status::Ok();
}

Status DeleteDisclosures(Conn& conn, std::string_view subject_id, int64_t* deleted) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows,
                          conn.Query("DELETE FROM disclosures WHERE subject_id = $1", Params().Text(subject_id)));
  if (deleted != nullptr) *deleted = rows.affected();
  return Status::Ok();
}

Result<std::vector<DisclosureRow>> ListDisclosures(Conn& conn, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(std::string("SELECT ") + kDisclosureColumns +
                                                    " FROM disclosures WHERE subject_id = $1 ORDER BY at, {ord}",
                                                Params().Text(subject_id)));
  return Collect<DisclosureRow>(rows, ReadDisclosure);
}

Status InsertWebhookDelivery(Conn& conn, const WebhookDeliveryRow& row) {
  Params p;
  p.Text(row.delivery_id).Text(row.recipient).Text(row.event).Text(row.body).Int64(row.created_at).Text(row.status);
  p.Int32(row.attempts).Int64(row.next_attempt_at).Int32(row.last_status).Text(row.last_error).Int64(row.delivered_at);
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(std::string("INSERT INTO webhook_outbox (") + kDeliveryColumns +
                                                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
                                                    "ON CONFLICT DO NOTHING",
                                                p));
  if (rows.affected() == 0) return Status::Conflict("the delivery exists already", "delivery_exists");
  return Status::Ok();
}

Status UpdateWebhookDelivery(Conn& conn, const WebhookDeliveryRow& row) {
  Params p;
  p.Text(row.status).Int32(row.attempts).Int64(row.next_attempt_at).Int32(row.last_status).Text(row.last_error);
  p.Int64(row.delivered_at).Text(row.delivery_id);
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query("UPDATE webhook_outbox SET status = $1, attempts = $2, "
                                                "next_attempt_at = $3, last_status = $4, last_error = $5, "
                                                "delivered_at = $6 WHERE delivery_id = $7",
                                                p));
  if (rows.affected() == 0) return Status::NotFound("no such webhook delivery", "delivery_not_found");
  return Status::Ok();
}

Result<std::vector<WebhookDeliveryRow>> DueWebhookDeliveries(Conn& conn, int64_t now, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(std::string("SELECT ") + kDeliveryColumns +
                                                    " FROM webhook_outbox WHERE status = 'pending' AND "
                                                    "next_attempt_at <= $1 ORDER BY next_attempt_at, delivery_id "
                                                    "LIMIT $2",
                                                Params().Int64(now).Int64(Limit(limit))));
  return Collect<WebhookDeliveryRow>(rows, ReadDelivery);
}

Result<std::vector<WebhookDeliveryRow>> ListWebhookDeliveries(Conn& conn, std::string_view status, size_t limit) {
  TILLIT_ASSIGN_OR_RETURN(Rows rows, conn.Query(std::string("SELECT ") + kDeliveryColumns +
                                                    " FROM webhook_outbox WHERE ($1 = '' OR status = $1) "
                                                    "ORDER BY created_at DESC, delivery_id DESC LIMIT $2",
                                                Params().Text(status).Int64(Limit(limit))));
  return Collect<WebhookDeliveryRow>(rows, ReadDelivery);
}

Result<std::optional<WebhookDeliveryRow>> FindWebhookDelivery(Conn& conn, std::string_view delivery_id) {
  TILLIT_ASSIGN_OR_RETURN(
      Rows rows, conn.Query(std::string("SELECT ") + kDeliveryColumns + " FROM webhook_outbox WHERE delivery_id = $1",
                            Params().Text(delivery_id)));
  if (rows.empty()) return std::optional<WebhookDeliveryRow>();
  return std::optional<WebhookDeliveryRow>(ReadDelivery(rows, 0));
}

}  // namespace tillit::store::sql
