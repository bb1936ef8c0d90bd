// The outbox: mail to data subjects is written to the `outbox` table in the same write as the change it reports,
// with recipient and message sealed (under the subject's data key, so erasure leaves nothing readable, or under the
// installation's request key for an address that matched no subject), and delivered afterwards by a background
// sender over SMTP, with retries and exponential backoff. A mail that fails `[mail] max_attempts` times is marked
// failed. Erasure deletes a subject's mail with WriteTxn::DeleteSubjectMail.
//
// Thread safety: Outbox methods may be called from any thread. OutboxSender owns one thread.
#ifndef TILLIT_CORE_MAIL_OUTBOX_H_
#define TILLIT_CORE_MAIL_OUTBOX_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "config/config.h"
#include "core/mail/mail_templates.h"
#include "crypto/keyring.h"
#include "crypto/secure_key.h"
#include "store/store.h"
#include "util/stop_signal.h"
#include "util/clock.h"
#include "util/random.h"
#include "util/status.h"

namespace tillit::core {

// How mail leaves tillit. Tests and a missing smtp_url use other implementations.
class MailTransport {
 public:
  virtual ~MailTransport() = default;
  // Sends `message` (RFC 5322, CRLF line ends) from `from` to `to`. Unavailable with a reason free of personal data
  // when the server cannot be reached or refuses.
  virtual Status Send(const std::string& from, const std::string& to, const std::string& message) = 0;
};

// How mail is protected on its way to the relay: TLS required with the certificate checked (STARTTLS, or TLS from the
// first byte for smtps://); STARTTLS if the relay offers it (a relay on this machine: localhost, 127.x, ::1); or
// plain (`[mail] tls = "none"`).
enum class SmtpTls { kRequired = 0, kIfOffered = 1, kNone = 2 };
SmtpTls SmtpTlsOf(const config::Mail& mail);

// SMTP through libcurl to `mail.smtp_url` ("smtp://host:port", "smtps://…"), protected as `mail.tls` says: STARTTLS
// required with the certificate checked (a relay on this machine may answer in plain), TLS from the first byte for
// smtps://, or plain for "none".
std::unique_ptr<MailTransport> NewSmtpTransport(const config::Mail& mail);

class Outbox {
 public:
  // Everything passed in must outlive the Outbox.
  Outbox(std::shared_ptr<const config::Config> config, store::Store& store, const crypto::Keyring& keyring,
         const crypto::SecretKey& installation_key, Clock& clock, Random& random);

  // A sealed, queued mail of `kind` to `to` for `subject_id` ("" when the address matched no subject), ready for
  // WriteTxn::PutMail. NotFound "subject_not_found" when the subject has no data key.
  Result<store::MailRow> Prepare(std::string_view subject_id, MailKind kind, const std::string& to,
                                 const MailText& text);

  // One delivery pass: sends every queued mail that is due; answers how many were sent.
  Result<int> DeliverDue(MailTransport& transport);

 private:
  Result<crypto::SecretKey> KeyFor(std::string_view subject_id) const;

  std::shared_ptr<const config::Config> config_;
  store::Store& store_;
  const crypto::Keyring& keyring_;
  const crypto::SecretKey& installation_key_;
  Clock& clock_;
  Random& random_;
};

// Runs Outbox::DeliverDue every `interval` on its own thread until stopped.
class OutboxSender {
 public:
  OutboxSender(Outbox& outbox, std::unique_ptr<MailTransport> transport, std::chrono::milliseconds interval);
  ~OutboxSender();
  void Start();
  void Stop();

 private:
  void Run();

  Outbox& outbox_;
  std::unique_ptr<MailTransport> transport_;
  const std::chrono::milliseconds interval_;
  StopSignal stop_;
  std::thread thread_;
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_MAIL_OUTBOX_H_
