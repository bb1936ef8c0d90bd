// What staff may do with the webhook outbox: list deliveries by state, and send a dead one again. The dispatcher
// (webhook_dispatcher.h) does the sending; this is the part a person drives.
//
// Thread safety: every function may be called from any thread; Retry answers on the store's writer thread.
#ifndef TILLIT_CORE_DISCLOSURE_WEBHOOK_DELIVERIES_H_
#define TILLIT_CORE_DISCLOSURE_WEBHOOK_DELIVERIES_H_

#include <functional>
#include <string_view>
#include <vector>

#include "core/audit/audit.h"
#include "store/store.h"
#include "util/clock.h"

namespace tillit::core {

// Deliveries newest first, at most `limit`: "failed" (given up, or retrying after a failed attempt), "dead",
// "pending", "delivered" or "all". InvalidArgument "invalid_status" for any other word.
Result<std::vector<store::WebhookDeliveryRow>> ListWebhookDeliveries(store::Store& store, std::string_view status,
                                                                     size_t limit);

// Puts a dead delivery back to pending with its attempts from zero, audited as webhook.retry by `actor`. NotFound
// "delivery_not_found"; Conflict "not_dead" for a delivery that is not dead. `done` gets the delivery as it now is.
void RetryWebhookDelivery(store::Store& store, const Clock& clock, std::string_view delivery_id, const Actor& actor,
                          std::function<void(Result<store::WebhookDeliveryRow>)> done);

}  // namespace tillit::core

#endif  // TILLIT_CORE_DISCLOSURE_WEBHOOK_DELIVERIES_H_
