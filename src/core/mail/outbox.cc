#include "core/mail/outbox.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

#include "crypto/sealing.h"
#include "util/net.h"

namespace tillit::core {
namespace {

// True iff the URL's host is this machine: a local relay may take mail in plain.
bool IsLoopbackUrl(const std::string& url) {
  CURLU* u = curl_url();
  if (u == nullptr) return false;
  char* host = nullptr;
  bool loopback = false;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
    loopback = tillit::IsLoopbackHost(host);
  }
  curl_free(host);
  curl_url_cleanup(u);
  return loopback;
}

class SmtpTransport final : public MailTransport {
 public:
  SmtpTransport(std::string url, long use_ssl) : url_(std::move(url)), use_ssl_(use_ssl) {}

  Status Send(const std::string& from, const std::string& to, const std::string& message) override {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return Status::Unavailable("cannot start an SMTP client", "smtp_unavailable");
    struct Reader {
      const std::string* data;
      size_t offset = 0;
    } reader{&message};
    auto read = +[](char* buffer, size_t size, size_t count, void* user) -> size_t {
      auto* r = static_cast<Reader*>(user);
      const size_t n = std::min(size * count, r->data->size() - r->offset);
      std::memcpy(buffer, r->data->data() + r->offset, n);
      r->offset += n;
      return n;
    };
    curl_slist* recipients = curl_slist_append(nullptr, ("<" + to + ">").c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, ("<" + from + ">").c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read);
    curl_easy_setopt(curl, CURLOPT_READDATA, &reader);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    // Certificates are checked (libcurl's default, never turned off).
    curl_easy_setopt(curl, CURLOPT_USE_SSL, use_ssl_);
    const CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(recipients);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) return Status::Unavailable(curl_easy_strerror(rc), "smtp_failed");
    return Status::Ok();
  }

 private:
  const std::string url_;
  const long use_ssl_;  // CURLUSESSL_*
};

// Backoff after the n-th failed attempt: one minute, doubling, at most six hours.
std::chrono::microseconds Backoff(int64_t attempts) {
  const int64_t minutes = std::min<int64_t>(int64_t{1} << std::min<int64_t>(attempts - 1, 20), 360);
  return std::chrono::minutes(minutes);
}

}  // namespace

SmtpTls SmtpTlsOf(const config::Mail& mail) {
  if (mail.tls == "none") return SmtpTls::kNone;
  if (mail.smtp_url.rfind("smtps://", 0) != 0 && IsLoopbackUrl(mail.smtp_url)) return SmtpTls::kIfOffered;
  return SmtpTls::kRequired;
}

std::unique_ptr<MailTransport> NewSmtpTransport(const config::Mail& mail) {
  static constexpr long kUseSsl[] = {CURLUSESSL_ALL, CURLUSESSL_TRY, CURLUSESSL_NONE};
  return std::make_unique<SmtpTransport>(mail.smtp_url, kUseSsl[static_cast<int>(SmtpTlsOf(mail))]);
}

Outbox::Outbox(std::shared_ptr<const config::Config> config, store::Store& store, const crypto::Keyring& keyring,
               const crypto::SecretKey& installation_key, Clock& clock, Random& random)
    : config_(std::move(config)),
      store_(store),
      keyring_(keyring),
      installation_key_(installation_key),
      clock_(clock),
      random_(random) {}

Result<crypto::SecretKey> Outbox::KeyFor(std::string_view subject_id) const {
  if (subject_id.empty()) return crypto::SecretKey::FromBytes(installation_key_.span());
  TILLIT_ASSIGN_OR_RETURN(auto row, store_.FindDataKey(subject_id));
  if (!row) return Status::NotFound("no subject with this id", "subject_not_found");
  return keyring_.Unwrap(subject_id, crypto::KeyKind::kData, crypto::WrappedKey{row->kek_version, row->wrapped});
}

Result<store::MailRow> Outbox::Prepare(std::string_view subject_id, MailKind kind, const std::string& to,
                                       const MailText& text) {
  TILLIT_ASSIGN_OR_RETURN(crypto::SecretKey key, KeyFor(subject_id));
  store::MailRow row;
  row.subject_id = std::string(subject_id);
  row.mail_id = random_.NewId("mail_");
  row.kind = std::string(MailKindId(kind));
  const std::string message = ComposeMessage(config_->mail.from, to, text);
  row.recipient = crypto::Seal(key, crypto::SealAad(subject_id, row.mail_id + "#to"), to, random_);
  row.message = crypto::Seal(key, crypto::SealAad(subject_id, row.mail_id), message, random_);
  row.created_at = ToMicros(clock_.Now());
  row.next_attempt_at = row.created_at;
  row.status = "queued";
  return row;
}

Result<int> Outbox::DeliverDue(MailTransport& transport) {
  TILLIT_ASSIGN_OR_RETURN(auto due, store_.ListDueMail(ToMicros(clock_.Now()), 50));
  int sent = 0;
  for (auto& mail : due) {
    auto key = KeyFor(mail.subject_id);
    Status s = key.status();
    if (key.ok()) {
      auto opened_to = crypto::Open(*key, crypto::SealAad(mail.subject_id, mail.mail_id + "#to"), mail.recipient);
      auto opened = crypto::Open(*key, crypto::SealAad(mail.subject_id, mail.mail_id), mail.message);
      s = !opened_to.ok() ? opened_to.status() : opened.status();
      if (s.ok()) s = transport.Send(config_->mail.from, *opened_to, *opened);
    }
    const int64_t now = ToMicros(clock_.Now());
    ++mail.attempts;
    if (s.ok()) {
      mail.status = "sent";
      mail.sent_at = now;
      mail.last_error.clear();
      ++sent;
    } else {
      mail.last_error = s.message();
      mail.status = mail.attempts >= config_->mail.max_attempts ? "failed" : "queued";
      mail.next_attempt_at = now + Backoff(mail.attempts).count();
      spdlog::warn(R"({{"event":"mail_failed","mail":"{}","attempts":{},"reason":"{}"}})", mail.mail_id, mail.attempts,
                   s.reason());
    }
    // Only the delivery state changes; a mail erased meanwhile stays erased.
    TILLIT_RETURN_IF_ERROR(store_.WriteAndWait([&mail](store::WriteTxn& txn) { return txn.UpdateMailDelivery(mail); }));
  }
  return sent;
}

OutboxSender::OutboxSender(Outbox& outbox, std::unique_ptr<MailTransport> transport, std::chrono::milliseconds interval)
    : outbox_(outbox), transport_(std::move(transport)), interval_(interval) {}

OutboxSender::~OutboxSender() { Stop(); }

void OutboxSender::Start() {
  thread_ = std::thread([this] { Run(); });
}

void OutboxSender::Stop() {
  stop_.Stop();
  if (thread_.joinable()) thread_.join();
}

void OutboxSender::Run() {
  while (!stop_.stopped()) {
    auto sent = outbox_.DeliverDue(*transport_);
    if (!sent.ok()) spdlog::warn(R"({{"event":"outbox_failed","reason":"{}"}})", sent.status().reason());
    if (stop_.WaitFor(interval_)) break;
  }
}

}  // namespace tillit::core
