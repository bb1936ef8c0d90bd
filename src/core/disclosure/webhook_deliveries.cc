#include "core/disclosure/webhook_deliveries.h"

#include <algorithm>
#include <memory>

namespace tillit::core {

Result<std::vector<store::WebhookDeliveryRow>> ListWebhookDeliveries(store::Store& store, std::string_view status,
                                                                     size_t limit) {
  std::vector<store::WebhookDeliveryRow> rows;
  if (status == "failed") {
    for (const char* s : {"dead", "pending"}) {
      TILLIT_ASSIGN_OR_RETURN(auto part, store.ListWebhookDeliveries(s, limit));
      for (auto& r : part) {
        if (r.attempts > 0) rows.push_back(std::move(r));
      }
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.created_at > b.created_at; });
    if (rows.size() > limit) rows.resize(limit);
    return rows;
  }
  if (status == "dead" || status == "pending" || status == "delivered" || status == "all") {
    return store.ListWebhookDeliveries(status == "all" ? "" : status, limit);
  }
  return Status::InvalidArgument("status must be failed, dead, pending, delivered or all", "invalid_status");
}

void RetryWebhookDelivery(store::Store& store, const Clock& clock, std::string_view delivery_id, const Actor& actor,
                          std::function<void(Result<store::WebhookDeliveryRow>)> done) {
  auto found = store.FindWebhookDelivery(delivery_id);
  if (!found.ok()) return done(found.status());
  if (!*found) return done(Status::NotFound("no such webhook delivery", "delivery_not_found"));
  if ((*found)->status != "dead") {
    return done(Status::Conflict("only a dead delivery can be retried; this one is " + (*found)->status, "not_dead"));
  }
  auto row = std::make_shared<store::WebhookDeliveryRow>(**found);
  const int64_t now = ToMicros(clock.Now());
  row->status = "pending";
  row->attempts = 0;
  row->next_attempt_at = now;
  AuditEvent event{actor, "", "webhook.retry", "", "delivery=" + row->delivery_id};
  store.Write(
      [row, event, now](store::WriteTxn& txn) -> Status {
        TILLIT_RETURN_IF_ERROR(txn.UpdateWebhookDelivery(*row));
        return AppendAudit(txn, event, now);
      },
      [row, done = std::move(done)](const Status& s) {
        if (!s.ok()) return done(s);
        done(*row);
      });
}

}  // namespace tillit::core
