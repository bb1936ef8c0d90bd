// WebhookDispatcher: the background thread of `tillit serve` that POSTs the webhook outbox (core/disclosure/webhooks.h). Every
// tick it takes the deliveries that are due, POSTs each with libcurl to its recipient's configured URL, signed with
// the recipient's secret, and records the outcome: a 2xx answer delivers it; anything else (another status, a
// timeout, a refused connection) schedules the next attempt after retry·2^(attempts−1), at most six hours, until
// max_attempts have failed and the delivery is "dead" (listed at GET /v1/webhooks/deliveries?status=dead).
// Delivery is at least once: a receiver deduplicates by the body's `id`.
//
// Thread safety: Start and Stop from one thread.
#ifndef TILLIT_CORE_DISCLOSURE_WEBHOOK_DISPATCHER_H_
#define TILLIT_CORE_DISCLOSURE_WEBHOOK_DISPATCHER_H_

#include <chrono>
#include <memory>
#include <thread>

#include "config/config.h"
#include "store/store.h"
#include "util/stop_signal.h"
#include "util/clock.h"
#include "util/status.h"

namespace tillit::core {

struct DeliveryAttempt {
  int http_status = 0;  // 0 when no answer came
  std::string error;    // why it failed; empty on success
};

class WebhookDispatcher {
 public:
  // Everything passed in must outlive the dispatcher.
  WebhookDispatcher(std::shared_ptr<const config::Config> config, store::Store& store, Clock& clock);
  ~WebhookDispatcher() { Stop(); }
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  void Start();
  void Stop();

  // Sends every delivery due now, once. Returns how many it attempted. For Start's thread and tests.
  Result<int> RunOnce();

  // POSTs `body` to `webhook` with its signature. Never throws.
  static DeliveryAttempt Post(const config::Webhook& webhook, const std::string& delivery_id, const std::string& event,
                              const std::string& body, int64_t unix_seconds);

 private:
  void Loop();
  Status Attempt(store::WebhookDeliveryRow row);

  std::shared_ptr<const config::Config> config_;
  store::Store& store_;
  Clock& clock_;
  const std::chrono::milliseconds tick_;
  StopSignal stop_;
  std::thread thread_;
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_DISCLOSURE_WEBHOOK_DISPATCHER_H_
