// Webhooks: how recipients hear of changes they must act on (Art. 19) — a subject rectified, erased or restricted,
// a consent changed, a request completed — and how a witness outside tillit hears of each new signed head of the audit
// chain (audit.checkpoint, core/disclosure/audit_witness.h). A recipient subscribes in the configuration ([recipient.webhook]:
// url, secret, events, scope). Enqueue writes one delivery per subscribed recipient into the outbox table inside the
// caller's write, so the delivery exists iff the change that causes it committed; the WebhookDispatcher of `tillit
// serve` POSTs it later. The Art. 19 events go only to the recipients the disclosure log says received the subject's
// data (for a rectification: one of the changed categories), unless the recipient's scope is "all". The body holds the
// event type and ids only, never personal data:
//   {"id":"whd_…","type":"consent.changed","created":"2026-11-23T10:00:00Z","subject_id":"sub_…",
//    "data":{"event_id":"con_…"}}
// Each POST carries `Tillit-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 over "<t>.<body>" with the secret>`.
//
// Thread safety: Webhooks is immutable after construction; Enqueue may run on any thread (usually the writer's).
#ifndef TILLIT_CORE_DISCLOSURE_WEBHOOKS_H_
#define TILLIT_CORE_DISCLOSURE_WEBHOOKS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/random.h"
#include "util/status.h"

namespace tillit::core {

// Extra ids of an event: ("event_id", "con_…"), ("request_id", "req_…") … Values must be ids, not personal data.
using WebhookIds = std::vector<std::pair<std::string, std::string>>;

// Whom an Art. 19 event about one subject concerns. Read with WebhookTargetsOf before the write that makes the
// change: erasure deletes the disclosure log in that same write.
struct WebhookTargets {
  std::map<std::string, std::vector<std::string>> disclosed;  // recipient id → categories it received
  std::vector<std::string> changed;  // the categories a rectification changed; empty: the subject as a whole
};

// subject.rectified, subject.erased and subject.restricted: the events that follow the disclosure log.
bool IsArt19Event(std::string_view event);

class Webhooks {
 public:
  // `config`, `clock` and `random` must outlive the Webhooks.
  Webhooks(std::shared_ptr<const config::Config> config, Clock& clock, Random& random);

  // Writes one pending delivery of `event` for each recipient subscribed to it, in `txn`; an Art. 19 event only
  // for those `targets` names (or whose scope is "all"), and needs `targets`. InvalidArgument
  // "unknown_webhook_event" for an event not in config::kWebhookEvents. A no-op when no recipient subscribed.
  Status Enqueue(store::WriteTxn& txn, std::string_view event, std::string_view subject_id,
                 const WebhookIds& extra_ids = {}, const WebhookTargets* targets = nullptr) const;

  // Whether any recipient subscribed to anything: the dispatcher runs only then.
  bool any() const;
  // Whether any recipient subscribed to `event`.
  bool Subscribed(std::string_view event) const;

 private:
  std::shared_ptr<const config::Config> config_;
  Clock& clock_;
  Random& random_;
};

// The recipients the disclosure log names for the subject, with the categories each received; empty without a
// store read when `webhooks` is null or no recipient subscribed to anything.
Result<WebhookTargets> WebhookTargetsOf(const Webhooks* webhooks, store::Store& store, std::string_view subject_id);

// "t=<unix_seconds>,v1=<hex HMAC-SHA256(secret, "<unix_seconds>.<body>")>".
std::string WebhookSignature(std::string_view secret, int64_t unix_seconds, std::string_view body);

// Whether `header` is a valid signature of `body` under `secret` (constant-time comparison). For receivers and tests.
bool VerifyWebhookSignature(std::string_view secret, std::string_view header, std::string_view body);

}  // namespace tillit::core

#endif  // TILLIT_CORE_DISCLOSURE_WEBHOOKS_H_
