// Operations: what the operator must see before a promise stalls unnoticed — mail that does not leave (no
// [mail] smtp_url, or a server that refuses it), mail and webhook deliveries given up, rights requests past their
// legal deadline — and configuration that makes requests stall: identity checks on, but no way to send the code.
// The same facts feed `tillit check` and `tillit serve` (warnings), /metrics (gauges) and /healthz (fields). Counts
// and ages only: nothing personal.
//
// Thread safety: ReadOperations and the renderers may be called from any thread; SetOperationsGauges and
// RenderOperationsGauges share one mutex.
#ifndef TILLIT_CORE_INSTALL_OPERATIONS_H_
#define TILLIT_CORE_INSTALL_OPERATIONS_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/status.h"

namespace tillit::core {

struct OperationsStatus {
  bool mail_configured = false;  // [mail] smtp_url is set
  int64_t mail_queued = 0;
  int64_t oldest_queued_mail_age_seconds = 0;  // 0 when nothing is queued
  int64_t mail_failed = 0;                     // given up after [mail] max_attempts, kept [mail] keep_days
  int64_t webhooks_dead = 0;                   // given up after [server] webhook_max_attempts
  int64_t requests_overdue = 0;                // open rights requests past their due date
};

// Reads the counts at `now`. Errors of the store.
Result<OperationsStatus> ReadOperations(store::Store& store, const config::Config& config, TimePoint now);

// What the configuration leaves undone, as warnings for `tillit check` and `tillit serve`
// ("FILE: [mail] smtp_url: warning: … — fix"). Empty when nothing stalls.
std::vector<std::string> OperationalWarnings(const config::Config& config);

// The gauges in the Prometheus text format: tillit_mail_configured, tillit_outbox_mail_queued,
// tillit_outbox_oldest_queued_mail_age_seconds, tillit_outbox_mail_failed, tillit_webhook_deliveries_dead,
// tillit_requests_overdue.
std::string OperationsMetricsText(const OperationsStatus& status);

// The fields /healthz adds: {"mail":"ok"|"not_configured","outbox_queued":N,"oldest_queued_mail_age_seconds":N,
// "mail_failed":N,"webhooks_dead":N,"requests_overdue":N}.
nlohmann::json HealthFields(const OperationsStatus& status);

// The source of the gauges /metrics appends (http/metrics.cc): set by `serve` once its store is open, cleared
// (nullptr) before the store closes. RenderOperationsGauges answers "" when none is set or it fails.
void SetOperationsGauges(std::function<std::string()> render);
std::string RenderOperationsGauges();

}  // namespace tillit::core

#endif  // TILLIT_CORE_INSTALL_OPERATIONS_H_
