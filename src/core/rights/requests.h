// Rights requests: a data subject's request (access, portability, rectification, erasure, restriction, objection,
// withdrawal of consent, or a question) from receipt to its answer. received → verified (a one-time code mailed to
// the registered address, for the types that disclose or change data) → approved (where [rights]
// approval_required names the type) → completed, or rejected with a reason, or extended once before the first
// month ends. Each transition is one write with its history entry, its audit entry and the mail it sends.
//
// What a type does is a RequestExecutor registered per type. Restriction, objection, withdrawal of consent and
// rectification are built in; access, portability and erasure are registered by the server (`tillit serve`) and
// wait (status in_progress) where no executor is registered. Inquiries wait for staff to complete them.
//
// A request about an e-mail address that matches no subject is answered by mail ("we hold no data about this
// address") and completed at once — except an inquiry, which waits for staff; the API answer looks the same as for a
// known address.
//
// Thread safety: all methods may be called from any thread; callbacks run on the store's writer thread (or the
// caller's, for an early error). Register executors before the first request.
#ifndef TILLIT_CORE_RIGHTS_REQUESTS_H_
#define TILLIT_CORE_RIGHTS_REQUESTS_H_

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/audit/audit.h"
#include "core/consent/consents.h"
#include "core/rights/deadlines.h"
#include "core/mail/outbox.h"
#include "core/register/register.h"
#include "core/disclosure/webhooks.h"
#include "crypto/blind_index.h"
#include "crypto/keyring.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/random.h"
#include "util/status.h"

namespace tillit::core {

// The request types, in the order of DESIGN.md.
const std::vector<std::string>& RequestTypes();

// How long the limits on one-time codes count a code ([requests] codes_per_subject_hour, codes_per_ip_hour).
inline constexpr int64_t kCodeLimitWindowMicros = int64_t{3600} * 1000000;
// How long after its e-mail address was replaced a subject's code cannot confirm a change of rights a key without
// requests.manage filed (Conflict "email_recently_changed"): 30 days.
inline constexpr int64_t kAddressSettleMicros = int64_t{30} * 86400 * 1000000;

struct RequestInput {
  std::string type;
  std::string subject_id;  // either subject_id or email
  std::string email;
  std::string channel = "web";          // web | email | phone | letter | portal | staff
  std::string text;                     // free text, sealed
  std::string language;                 // the controller's default language when empty
  std::optional<nlohmann::json> patch;  // rectification: JSON Merge Patch of {"identifiers":…, "fields":…}
  std::string purpose;                  // objection / withdraw_consent: the purpose ("" for every one)
  std::vector<std::string> channels;    // objection / withdraw_consent: the marketing channels ("" for all)
  // The end client's address (the customer's browser), for the limit on codes per client address; "" when unknown.
  // Only a caller that knows it sets it — an HTTP route behind a configured trusted proxy header — never the TCP
  // peer, which for a shop's backend is the backend, shared by all its customers. Kept only as a keyed hash, and
  // only while the limit counts the code.
  std::string client_address;
  // Whether an API key that files the request may change the subject's rights state on its word: only a key holding
  // the action requests.manage (the route sets this). Otherwise a restriction, objection, withdrawal of consent or
  // erasure waits for the subject's one-time code, like an access request, whatever [rights] identity_check says: a
  // key files such a request on the subject's behalf, and the subject confirms it. Staff and the CLI (actors other
  // than an API key) stand for the controller and may. The request, its audit entry and the subject's access report
  // record which (RequestAuthority).
  bool caller_may_act = false;
  // The request came as an e-mail from the subject's registered address (ReceiveMail): an opt-out (objection,
  // withdrawal) acts at once, as the opt-out every marketing mail offers must; a restriction or an erasure waits
  // for the code.
  bool from_mail = false;
};

// How a request's maker stood: "requests.manage" (a key holding that action, on the subject's behalf), "mail" (an
// e-mail from the subject's address, through a mail gateway or `tillit mail ingest`), "staff" (the CLI or staff),
// "code" (a key without requests.manage filing a change of rights: the subject's code confirms it) or
// "requests.create" (such a key filing anything else).
std::string RequestAuthority(const RequestInput& input, const Actor& actor);

// A request as a RequestExecutor sees it, with its sealed details opened.
struct RightsRequest {
  store::RightsRequestRow row;
  nlohmann::json details;  // {"text", "email", "patch", "purpose", "channels", "authority"}
};

struct RequestEventView {
  int64_t seq = 0;
  std::string status;
  int64_t at = 0;
  std::string actor;
  std::string note;
};

struct RequestView {
  RightsRequest request;
  std::vector<RequestEventView> history;
};

struct RequestPage {
  std::vector<store::RightsRequestRow> requests;
  std::string next_cursor;
};

// What an executor reports: done (the request completes, `note` is told to the subject) or still running (the
// request stays in_progress until Requests::Complete).
struct ExecutionOutcome {
  bool done = true;
  std::string note;  // kept in the request's history and told to the subject
  // Told to the subject only, in place of `note`, and never stored: a download link, whose token is the credential.
  std::string secret_note;
  bool answer_ready = false;  // the mail says "the answer is ready" (a link in `secret_note`), not "carried out"
  // For an act that destroys what the completion needs (erasure destroys the data key the request and its mail are
  // sealed under): `after` carries the act out and runs `completion` inside the act's own write, so the request is
  // completed exactly when the act commits; `done` answers the act's error, if any. With `after`, the confirmation
  // mail is sealed under the service's own key so it survives the act.
  using Completion = std::function<Status(store::WriteTxn&)>;
  std::function<void(Completion completion, std::function<void(Status)> done)> after;
};

// Carries out one type of request. Execute runs once the request is verified and approved where required; it
// answers through `done` exactly once, from any thread.
class RequestExecutor {
 public:
  virtual ~RequestExecutor() = default;
  virtual void Execute(const RightsRequest& request, std::function<void(Result<ExecutionOutcome>)> done) = 0;
};

class Requests {
 public:
  template <typename T>
  using Done = std::function<void(Result<T>)>;

  // Everything passed in must outlive the Requests. Registers the built-in executors.
  Requests(std::shared_ptr<const config::Config> config, store::Store& store, const crypto::Keyring& keyring,
           const crypto::BlindIndexer& indexer, const crypto::SecretKey& seal_key, const crypto::SecretKey& code_key,
           Deadlines deadlines, Outbox& outbox, Register& reg, Consents& consents, Clock& clock, Random& random);

  // Replaces the executor of `type` (access, portability and erasure have none until one is registered).
  void RegisterExecutor(const std::string& type, std::shared_ptr<RequestExecutor> executor);

  // Receives a request; answers it as it was received. InvalidArgument for bad input ("unknown_request_type",
  // "invalid_channel", "subject_or_email_required", "patch_required" …); NotFound "subject_not_found" for an
  // unknown or erased subject id (an unknown e-mail is not an error).
  void Create(RequestInput input, Actor actor, Done<store::RightsRequestRow> done);
  // NotFound "request_not_found".
  Result<RequestView> Get(std::string_view request_id);
  // Get, with an audit entry ("request.read") committed before the answer: the view holds personal data.
  void Read(std::string request_id, Actor actor, Done<RequestView> done);
  // InvalidArgument "invalid_cursor".
  Result<RequestPage> List(store::RequestQuery query, std::string_view cursor);

  // Mails a fresh code to the subject's registered address. The limits count, over the last hour, the codes of the
  // subject and those sent to the same address ([requests] codes_per_subject_hour each) and, when `client_address`
  // (the end client's address; "" when unknown) is given, those asked for from it (codes_per_ip_hour): never the
  // caller's own address, so a shop's backend asking for all its customers is not limited as one client.
  // ResourceExhausted "rate_limited" over a limit; FailedPrecondition "verification_not_needed" when the request
  // needs no code or is verified.
  void SendCode(std::string request_id, Actor actor, Done<store::RightsRequestRow> done,
                std::string client_address = "");
  // Checks a code. FailedPrecondition "wrong_code" (with attempts left in the message), "code_expired",
  // "code_used", "no_code"; ResourceExhausted "too_many_attempts" on the attempt after the last allowed one, which
  // also invalidates the code.
  void Verify(std::string request_id, std::string code, Actor actor, Done<store::RightsRequestRow> done);
  // Conflict "not_verified" while a request of a type that needs the subject's code is not verified yet.
  void Approve(std::string request_id, Actor actor, Done<store::RightsRequestRow> done);
  // InvalidArgument "reason_required".
  void Reject(std::string request_id, std::string reason, Actor actor, Done<store::RightsRequestRow> done);
  // `months` 1 or 2. Conflict "already_extended"; FailedPrecondition "extension_too_late" after the first month.
  void Extend(std::string request_id, int months, std::string reason, Actor actor, Done<store::RightsRequestRow> done);
  // Staff's answer to an inquiry, or the end of a running execution. Conflict "not_verified" (the message says the
  // subject must enter the mailed code) while a request that needs verification is not verified;
  // FailedPrecondition "not_completable".
  void Complete(std::string request_id, std::string note, Actor actor, Done<store::RightsRequestRow> done);

  // Completions then emit "request.completed" (and "subject.rectified" for a rectification) in their write.
  // `webhooks` must outlive the Requests; set before the first request.
  void SetWebhooks(const Webhooks* webhooks) { webhooks_ = webhooks; }

  const Deadlines& deadlines() const { return deadlines_; }

 private:
  // Whether the request waits for the subject's code: a type that discloses or changes data when [rights]
  // identity_check is on, and a rights-changing type filed by a key without requests.manage ("authority": "code").
  bool NeedsVerification(const RightsRequest& request) const;
  bool NeedsApproval(const store::RightsRequestRow& row) const;
  Result<crypto::SecretKey> KeyFor(std::string_view subject_id) const;
  Result<RightsRequest> Open(const store::RightsRequestRow& row) const;
  Result<std::string> RegisteredEmail(std::string_view subject_id) const;
  Result<store::MailRow> MailFor(const RightsRequest& request, MailKind kind,
                                 std::map<std::string, std::string> values);
  std::vector<uint8_t> CodeHash(std::string_view request_id, std::string_view code) const;
  // Applies `change` to the request inside one write, with a history entry (`status`, `note`), an audit entry
  // (`action`) and an optional mail; answers the request as written.
  using Change = std::function<Status(RightsRequest&, std::vector<store::MailRow>&, std::string& note)>;
  void Apply(std::string request_id, Actor actor, std::string action, Change change,
             Done<store::RightsRequestRow> done);
  // A change worked out on the request as read: the request as it will be and the write that makes it so.
  struct Prepared {
    std::shared_ptr<RightsRequest> request;
    std::function<Status(store::WriteTxn&)> write;
  };
  Result<Prepared> Prepare(const std::string& request_id, const Actor& actor, const std::string& action,
                           const Change& change);
  // Runs the next step of a request after a change: its executor when it is verified and approved.
  void Advance(store::RightsRequestRow row, Done<store::RightsRequestRow> done);
  void Finish(std::string request_id, Result<ExecutionOutcome> outcome, Done<store::RightsRequestRow> done);

  std::shared_ptr<const config::Config> config_;
  store::Store& store_;
  const crypto::Keyring& keyring_;
  const crypto::BlindIndexer& indexer_;
  const crypto::SecretKey& seal_key_;
  const crypto::SecretKey& code_key_;
  const Deadlines deadlines_;
  Outbox& outbox_;
  Register& reg_;
  Consents& consents_;
  Clock& clock_;
  Random& random_;
  std::map<std::string, std::shared_ptr<RequestExecutor>> executors_;
  const Webhooks* webhooks_ = nullptr;
};

// An executor made of a function.
class FunctionExecutor final : public RequestExecutor {
 public:
  using Fn = std::function<void(const RightsRequest&, std::function<void(Result<ExecutionOutcome>)>)>;
  explicit FunctionExecutor(Fn fn) : fn_(std::move(fn)) {}
  void Execute(const RightsRequest& request, std::function<void(Result<ExecutionOutcome>)> done) override {
    fn_(request, std::move(done));
  }

 private:
  Fn fn_;
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_RIGHTS_REQUESTS_H_
