#include "core/disclosure/webhook_dispatcher.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/disclosure/webhooks.h"
#include "version.h"

namespace tillit::core {
namespace {

constexpr size_t kBatch = 32;
constexpr int64_t kMaxBackoffMicros = int64_t{6} * 3600 * 1000000;

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

std::chrono::milliseconds TickFor(int64_t retry_ms) {
  return std::chrono::milliseconds(std::clamp<int64_t>(retry_ms / 2, 20, 1000));
}

// The wait after the `attempts`-th failed attempt: retry·2^(attempts−1), at most six hours.
int64_t BackoffMicros(int64_t retry_ms, int attempts) {
  int64_t wait = retry_ms * 1000;
  for (int i = 1; i < attempts && wait < kMaxBackoffMicros; ++i) wait *= 2;
  return std::min(wait, kMaxBackoffMicros);
}

}  // namespace

WebhookDispatcher::WebhookDispatcher(std::shared_ptr<const config::Config> config, store::Store& store, Clock& clock)
    : config_(std::move(config)), store_(store), clock_(clock), tick_(TickFor(config_->server.webhook_retry_ms)) {}

void WebhookDispatcher::Start() {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  thread_ = std::thread([this] { Loop(); });
}

void WebhookDispatcher::Stop() {
  stop_.Stop();
  if (thread_.joinable()) thread_.join();
}

void WebhookDispatcher::Loop() {
  while (!stop_.stopped()) {
    auto ran = RunOnce();
    if (!ran.ok()) {
      spdlog::warn(nlohmann::json{{"event", "webhook_dispatch_failed"}, {"error", ran.status().message()}}.dump());
    }
    // A full batch means more may be due: go on at once.
    if (ran.ok() && *ran == static_cast<int>(kBatch)) continue;
    if (stop_.WaitFor(tick_)) return;
  }
}

Result<int> WebhookDispatcher::RunOnce() {
  TILLIT_ASSIGN_OR_RETURN(auto due, store_.DueWebhookDeliveries(ToMicros(clock_.Now()), kBatch));
  for (auto& row : due) TILLIT_RETURN_IF_ERROR(Attempt(std::move(row)));
  return static_cast<int>(due.size());
}

Status WebhookDispatcher::Attempt(store::WebhookDeliveryRow row) {
  const config::Recipient* recipient = config_->FindRecipient(row.recipient);
  DeliveryAttempt attempt;
  bool give_up = false;
  if (recipient == nullptr || !recipient->webhook) {
    // The configuration no longer names this webhook: nowhere to send it.
    attempt.error = "recipient has no webhook in the configuration";
    give_up = true;
  } else {
    const int64_t unix_seconds = ToMicros(clock_.Now()) / 1000000;
    attempt = Post(*recipient->webhook, row.delivery_id, row.event, row.body, unix_seconds);
  }
  const int64_t now = ToMicros(clock_.Now());
  row.attempts += 1;
  row.last_status = attempt.http_status;
  row.last_error = attempt.error;
  if (attempt.error.empty()) {
    row.status = "delivered";
    row.delivered_at = now;
  } else if (give_up || row.attempts >= config_->server.webhook_max_attempts) {
    row.status = "dead";
  } else {
    row.next_attempt_at = now + BackoffMicros(config_->server.webhook_retry_ms, row.attempts);
  }
  // Ids, event types and statuses only: the body never reaches a log line.
  spdlog::info(nlohmann::json{
      {"event", "webhook_attempt"},
      {"delivery_id", row.delivery_id},
      {"recipient", row.recipient},
      {"type", row.event},
      {"attempt", row.attempts},
      {"http_status", attempt.http_status},
      {"outcome",
       row.status}}.dump());
  return store_.WriteAndWait([row](store::WriteTxn& txn) { return txn.UpdateWebhookDelivery(row); });
}

DeliveryAttempt WebhookDispatcher::Post(const config::Webhook& webhook, const std::string& delivery_id,
                                        const std::string& event, const std::string& body, int64_t unix_seconds) {
  DeliveryAttempt out;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    out.error = "cannot start an HTTP client";
    return out;
  }
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers =
      curl_slist_append(headers, ("Tillit-Signature: " + WebhookSignature(webhook.secret, unix_seconds, body)).c_str());
  headers = curl_slist_append(headers, ("Tillit-Event: " + event).c_str());
  headers = curl_slist_append(headers, ("Tillit-Delivery: " + delivery_id).c_str());
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, webhook.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "tillit/" TILLIT_VERSION);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  const CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    out.error = curl_easy_strerror(code);
  } else {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    out.http_status = static_cast<int>(status);
    if (status < 200 || status > 299) out.error = "the receiver answered " + std::to_string(status);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return out;
}

}  // namespace tillit::core
