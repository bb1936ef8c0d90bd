#include "core/install/operations.h"

#include "util/mutex.h"

namespace tillit::core {
namespace {

Mutex gauges_mu;
std::function<std::string()> gauges TILLIT_GUARDED_BY(gauges_mu);

}  // namespace

Result<OperationsStatus> ReadOperations(store::Store& store, const config::Config& config, TimePoint now) {
  const int64_t at = ToMicros(now);
  TILLIT_ASSIGN_OR_RETURN(store::OperationsCounts counts, store.CountOperations(at));
  OperationsStatus out;
  out.mail_configured = !config.mail.smtp_url.empty();
  out.mail_queued = counts.mail_queued;
  if (counts.mail_queued > 0 && counts.oldest_queued_mail_at > 0 && counts.oldest_queued_mail_at < at) {
    out.oldest_queued_mail_age_seconds = (at - counts.oldest_queued_mail_at) / 1000000;
  }
  out.mail_failed = counts.mail_failed;
  out.webhooks_dead = counts.webhooks_dead;
  out.requests_overdue = counts.requests_overdue;
  return out;
}

std::vector<std::string> OperationalWarnings(const config::Config& config) {
  std::vector<std::string> out;
  if (config.mail.smtp_url.empty() && config.rights.identity_check) {
    out.push_back(config.source_path +
                  ": [mail] smtp_url: warning: no mail server is configured while [rights] identity_check is on, so "
                  "access, portability, rectification and erasure requests wait for a verification code that is "
                  "never sent (and no answer or confirmation reaches anyone) — add [mail] smtp_url = "
                  "\"smtp://host:port\", or set [rights] identity_check = false only if the shop verifies identity "
                  "itself");
  }
  return out;
}

std::string OperationsMetricsText(const OperationsStatus& s) {
  std::string out;
  auto gauge = [&out](const char* name, const char* help, int64_t value) {
    out += std::string("# HELP tillit_") + name + " " + help + "\n# TYPE tillit_" + name + " gauge\ntillit_" + name +
           " " + std::to_string(value) + "\n";
  };
  gauge("mail_configured", "1 when [mail] smtp_url is set, so the outbox is delivered; 0 when mail stays queued.",
        s.mail_configured ? 1 : 0);
  gauge("outbox_mail_queued", "Mail to data subjects waiting in the outbox.", s.mail_queued);
  gauge("outbox_oldest_queued_mail_age_seconds", "Age of the oldest mail waiting in the outbox; 0 when none waits.",
        s.oldest_queued_mail_age_seconds);
  gauge("outbox_mail_failed", "Mail given up after [mail] max_attempts, still kept in the outbox.", s.mail_failed);
  gauge("webhook_deliveries_dead", "Webhook deliveries given up after [server] webhook_max_attempts.",
        s.webhooks_dead);
  gauge("requests_overdue", "Open rights requests past their legal due date.", s.requests_overdue);
  return out;
}

nlohmann::json HealthFields(const OperationsStatus& s) {
  return {{"mail", s.mail_configured ? "ok" : "not_configured"},
          {"outbox_queued", s.mail_queued},
          {"oldest_queued_mail_age_seconds", s.oldest_queued_mail_age_seconds},
          {"mail_failed", s.mail_failed},
          {"webhooks_dead", s.webhooks_dead},
          {"requests_overdue", s.requests_overdue}};
}

void SetOperationsGauges(std::function<std::string()> render) {
  MutexLock lock(gauges_mu);
  gauges = std::move(render);
}

std::string RenderOperationsGauges() {
  std::function<std::string()> render;
  {
    MutexLock lock(gauges_mu);
    render = gauges;
  }
  return render ? render() : std::string();
}

}  // namespace tillit::core
