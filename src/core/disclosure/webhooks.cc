#include "core/disclosure/webhooks.h"

#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/disclosure/disclosures.h"
#include "util/hex.h"

namespace tillit::core {
namespace {

bool KnownEvent(std::string_view event) {
  return std::find(std::begin(config::kWebhookEvents), std::end(config::kWebhookEvents), event) !=
         std::end(config::kWebhookEvents);
}

std::vector<uint8_t> Hmac(std::string_view secret, std::string_view message) {
  // HMAC-SHA256 takes a key of any length (longer keys are hashed first, as RFC 2104 says).
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  std::vector<uint8_t> mac(crypto_auth_hmacsha256_BYTES);
  crypto_auth_hmacsha256_final(&state, mac.data());
  sodium_memzero(&state, sizeof state);
  return mac;
}

// Whether a recipient must hear of an Art. 19 event: it holds the whole register, or the log says it received the
// subject's data (of a changed category, for a rectification).
bool Concerns(const config::Recipient& r, const WebhookTargets& targets) {
  if (r.webhook->scope == "all") return true;
  auto it = targets.disclosed.find(r.id);
  if (it == targets.disclosed.end()) return false;
  if (targets.changed.empty()) return true;
  return std::any_of(it->second.begin(), it->second.end(), [&](const std::string& category) {
    return std::find(targets.changed.begin(), targets.changed.end(), category) != targets.changed.end();
  });
}

}  // namespace

bool IsArt19Event(std::string_view event) {
  return event == "subject.rectified" || event == "subject.erased" || event == "subject.restricted";
}

Result<WebhookTargets> WebhookTargetsOf(const Webhooks* webhooks, store::Store& store, std::string_view subject_id) {
  WebhookTargets targets;
  if (webhooks == nullptr || !webhooks->any()) return targets;
  TILLIT_ASSIGN_OR_RETURN(auto received, DisclosedTo(store, subject_id));
  for (auto& r : received) targets.disclosed[r.recipient] = std::move(r.categories);
  return targets;
}

Webhooks::Webhooks(std::shared_ptr<const config::Config> config, Clock& clock, Random& random)
    : config_(std::move(config)), clock_(clock), random_(random) {}

bool Webhooks::any() const {
  return std::any_of(config_->recipients.begin(), config_->recipients.end(),
                     [](const config::Recipient& r) { return r.webhook && !r.webhook->events.empty(); });
}

bool Webhooks::Subscribed(std::string_view event) const {
  return std::any_of(config_->recipients.begin(), config_->recipients.end(),
                     [event](const config::Recipient& r) { return r.webhook && r.webhook->Wants(event); });
}

Status Webhooks::Enqueue(store::WriteTxn& txn, std::string_view event, std::string_view subject_id,
                         const WebhookIds& extra_ids, const WebhookTargets* targets) const {
  if (!KnownEvent(event)) {
    return Status::InvalidArgument("'" + std::string(event) + "' is not a webhook event", "unknown_webhook_event");
  }
  const bool art19 = IsArt19Event(event);
  if (art19 && targets == nullptr) {
    return Status::Internal("the " + std::string(event) + " event needs the subject's disclosure targets");
  }
  const int64_t now = ToMicros(clock_.Now());
  for (const config::Recipient& r : config_->recipients) {
    if (!r.webhook || !r.webhook->Wants(event)) continue;
    if (art19 && !Concerns(r, *targets)) continue;
    store::WebhookDeliveryRow row;
    row.delivery_id = random_.NewId("whd_");
    row.recipient = r.id;
    row.event = std::string(event);
    row.created_at = now;
    row.next_attempt_at = now;
    nlohmann::json data = nlohmann::json::object();
    for (const auto& [name, id] : extra_ids) data[name] = id;
    row.body = nlohmann::json{
        {"id", row.delivery_id},
        {"type", row.event},
        {"created", FormatRfc3339(FromMicros(now))},
        {"subject_id", subject_id},
        {"data",
         data}}.dump();
    TILLIT_RETURN_IF_ERROR(txn.InsertWebhookDelivery(row));
  }
  return Status::Ok();
}

std::string WebhookSignature(std::string_view secret, int64_t unix_seconds, std::string_view body) {
  const std::string t = std::to_string(unix_seconds);
  std::string message = t + "." + std::string(body);
  return "t=" + t + ",v1=" + HexEncode(Hmac(secret, message));
}

bool VerifyWebhookSignature(std::string_view secret, std::string_view header, std::string_view body) {
  // t=<digits>,v1=<64 hex>
  if (header.rfind("t=", 0) != 0) return false;
  const size_t comma = header.find(",v1=");
  if (comma == std::string_view::npos) return false;
  const std::string_view t = header.substr(2, comma - 2);
  if (t.empty() || !std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  auto given = HexDecode(header.substr(comma + 4));
  if (!given || given->size() != crypto_auth_hmacsha256_BYTES) return false;
  const auto expected = Hmac(secret, std::string(t) + "." + std::string(body));
  return sodium_memcmp(given->data(), expected.data(), expected.size()) == 0;
}

}  // namespace tillit::core
