#include "core/rights/requests.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>

#include "crypto/sealing.h"
#include "util/text.h"

namespace tillit::core {
namespace {

using nlohmann::json;

const std::vector<std::string> kChannels = {"web", "email", "phone", "letter", "portal", "staff"};
const std::vector<std::string> kVerified = {"access", "portability", "rectification", "erasure"};
// The types that change the subject's rights state: filed by a key without requests.manage, they wait for the code.
const std::vector<std::string> kRightsChanging = {"restriction", "objection", "withdraw_consent", "erasure"};
constexpr size_t kMaxText = 20000;

bool OneOf(const std::vector<std::string>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

std::string Join(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The consent / objection method a request's channel stands for.
std::string MethodOf(std::string_view channel) {
  if (channel == "web") return "web_form";
  if (channel == "email" || channel == "portal" || channel == "phone" || channel == "letter") {
    return std::string(channel);
  }
  return "staff";
}

// Runs `steps` one after another; stops at the first failure.
using Step = std::function<void(std::function<void(Status)>)>;
void RunSteps(std::shared_ptr<std::vector<Step>> steps, size_t i, std::function<void(Status)> done) {
  if (i == steps->size()) return done(Status::Ok());
  (*steps)[i]([steps, i, done](Status s) {
    if (!s.ok()) return done(s);
    RunSteps(steps, i + 1, done);
  });
}

// Who asked for a restriction, in the words its reason keeps (RequestAuthority).
std::string ReasonOf(const RightsRequest& r) {
  const std::string authority = r.details.is_object() ? r.details.value("authority", "") : "";
  if (authority == "code") return "requested on the data subject's behalf, confirmed by their code (" + r.row.request_id + ")";
  if (authority == "requests.manage") return "requested on the data subject's behalf (" + r.row.request_id + ")";
  return "requested by the data subject (" + r.row.request_id + ")";
}

class RestrictionExecutor final : public RequestExecutor {
 public:
  explicit RestrictionExecutor(Consents& consents) : consents_(consents) {}
  void Execute(const RightsRequest& r, std::function<void(Result<ExecutionOutcome>)> done) override {
    consents_.Restrict(r.row.subject_id, ReasonOf(r),
                       Actor{"system", "requests"}, [done](Result<store::RestrictionRow> row) {
                         if (!row.ok() && row.status().reason() != "already_restricted") return done(row.status());
                         done(ExecutionOutcome{true, ""});
                       });
  }

 private:
  Consents& consents_;
};

// Objections and withdrawals: one consent-service call per (purpose, channel).
class ChoiceExecutor final : public RequestExecutor {
 public:
  ChoiceExecutor(Consents& consents, const config::Config& config, bool withdraw)
      : consents_(consents), config_(config), withdraw_(withdraw) {}
  void Execute(const RightsRequest& r, std::function<void(Result<ExecutionOutcome>)> done) override {
    std::vector<std::string> purposes;
    if (r.details.contains("purpose") && !r.details["purpose"].get<std::string>().empty()) {
      purposes.push_back(r.details["purpose"].get<std::string>());
    } else if (withdraw_) {
      for (const auto& p : config_.purposes) {
        if (p.legal_basis == config::LegalBasis::kConsent) purposes.push_back(p.id);
      }
    } else {
      purposes.push_back("");
    }
    std::vector<std::string> channels;
    if (r.details.contains("channels")) channels = r.details["channels"].get<std::vector<std::string>>();
    if (channels.empty()) channels.push_back("");
    auto steps = std::make_shared<std::vector<Step>>();
    const std::string subject = r.row.subject_id, method = MethodOf(r.row.channel);
    for (const auto& purpose : purposes) {
      for (const auto& channel : channels) {
        steps->push_back([this, subject, purpose, channel, method](std::function<void(Status)> next) {
          const Actor actor{"system", "requests"};
          if (withdraw_) {
            ConsentInput in;
            in.purpose = purpose;
            in.channel = channel;
            in.action = "withdrawn";
            in.method = method;
            consents_.Record(subject, in, actor, [next](Result<store::ConsentEventRow> e) { next(e.status()); });
          } else {
            consents_.Object(subject, ObjectionInput{purpose, channel, method}, actor,
                             [next](Result<store::ObjectionRow> o) { next(o.status()); });
          }
        });
      }
    }
    RunSteps(steps, 0, [done](Status s) {
      if (!s.ok()) return done(s);
      done(ExecutionOutcome{true, ""});
    });
  }

 private:
  Consents& consents_;
  const config::Config& config_;
  const bool withdraw_;
};

class RectificationExecutor final : public RequestExecutor {
 public:
  explicit RectificationExecutor(Register& reg) : reg_(reg) {}
  void Execute(const RightsRequest& r, std::function<void(Result<ExecutionOutcome>)> done) override {
    reg_.Patch(r.row.subject_id, r.details.value("patch", json::object()), Actor{"system", "requests"},
               [done](Result<PatchResult> p) {
                 if (!p.ok()) return done(p.status());
                 done(ExecutionOutcome{true, ""});
               });
  }

 private:
  Register& reg_;
};

}  // namespace

const std::vector<std::string>& RequestTypes() {
  static const std::vector<std::string> types = {"access",      "portability", "rectification",    "erasure",
                                                 "restriction", "objection",   "withdraw_consent", "inquiry"};
  return types;
}

Requests::Requests(std::shared_ptr<const config::Config> config, store::Store& store, const crypto::Keyring& keyring,
                   const crypto::BlindIndexer& indexer, const crypto::SecretKey& seal_key,
                   const crypto::SecretKey& code_key, Deadlines deadlines, Outbox& outbox, Register& reg,
                   Consents& consents, Clock& clock, Random& random)
    : config_(std::move(config)),
      store_(store),
      keyring_(keyring),
      indexer_(indexer),
      seal_key_(seal_key),
      code_key_(code_key),
      deadlines_(std::move(deadlines)),
      outbox_(outbox),
      reg_(reg),
      consents_(consents),
      clock_(clock),
      random_(random) {
  executors_["restriction"] = std::make_shared<RestrictionExecutor>(consents_);
  executors_["objection"] = std::make_shared<ChoiceExecutor>(consents_, *config_, false);
  executors_["withdraw_consent"] = std::make_shared<ChoiceExecutor>(consents_, *config_, true);
  executors_["rectification"] = std::make_shared<RectificationExecutor>(reg_);
}

void Requests::RegisterExecutor(const std::string& type, std::shared_ptr<RequestExecutor> executor) {
  executors_[type] = std::move(executor);
}

bool Requests::NeedsVerification(const RightsRequest& request) const {
  const std::string authority = request.details.is_object() ? request.details.value("authority", "") : "";
  if (authority == "code") return true;
  if (authority == "mail" && (request.row.type == "restriction" || request.row.type == "erasure")) return true;
  return config_->rights.identity_check && OneOf(kVerified, request.row.type);
}

std::string RequestAuthority(const RequestInput& input, const Actor& actor) {
  const bool key = actor.kind == "api_key";
  if (key && input.caller_may_act) return "requests.manage";
  if (input.from_mail) return "mail";
  if (!key) return "staff";
  return OneOf(kRightsChanging, input.type) ? "code" : "requests.create";
}

bool Requests::NeedsApproval(const store::RightsRequestRow& row) const {
  return OneOf(config_->rights.approval_required, row.type);
}

Result<crypto::SecretKey> Requests::KeyFor(std::string_view subject_id) const {
  if (subject_id.empty()) return crypto::SecretKey::FromBytes(seal_key_.span());
  TILLIT_ASSIGN_OR_RETURN(auto row, store_.FindDataKey(subject_id));
  if (!row) return Status::NotFound("no subject with this id", "subject_not_found");
  // Erasure destroys the data key; a legal-hold key may keep the row.
  if (row->wrapped.empty()) return Status::NotFound("the subject was erased", "subject_erased");
  return keyring_.Unwrap(subject_id, crypto::KeyKind::kData, crypto::WrappedKey{row->kek_version, row->wrapped});
}

Result<RightsRequest> Requests::Open(const store::RightsRequestRow& row) const {
  auto opened_key = KeyFor(row.subject_id);
  // The request of an erased subject stays as the record that it was handled: its type, status and dates. What it
  // said was sealed under the destroyed key and is gone with it.
  if (!opened_key.ok() && !row.subject_id.empty() && opened_key.status().code() == StatusCode::kNotFound) {
    return RightsRequest{row, json::object()};
  }
  TILLIT_ASSIGN_OR_RETURN(crypto::SecretKey key, std::move(opened_key));
  TILLIT_ASSIGN_OR_RETURN(std::string plain,
                          crypto::Open(key, crypto::SealAad(row.subject_id, row.request_id), row.sealed));
  json details = json::parse(plain, nullptr, false);
  if (details.is_discarded()) return Status::Internal("a stored request does not hold JSON");
  return RightsRequest{row, std::move(details)};
}

Result<std::string> Requests::RegisteredEmail(std::string_view subject_id) const {
  TILLIT_ASSIGN_OR_RETURN(crypto::SecretKey key, KeyFor(subject_id));
  TILLIT_ASSIGN_OR_RETURN(auto fields, store_.ListFields(subject_id));
  for (const auto& f : fields) {
    if (f.field != "contact.email") continue;
    TILLIT_ASSIGN_OR_RETURN(std::string plain, crypto::Open(key, crypto::SealAad(subject_id, f.field), f.sealed));
    json v = json::parse(plain, nullptr, false);
    if (v.is_string()) return v.get<std::string>();
  }
  return Status::FailedPrecondition("the subject has no registered e-mail address to send the code to",
                                    "no_registered_email");
}

Result<store::MailRow> Requests::MailFor(const RightsRequest& r, MailKind kind,
                                         std::map<std::string, std::string> values) {
  std::string to;
  if (r.row.subject_id.empty()) {
    to = r.details.value("email", "");
  } else {
    TILLIT_ASSIGN_OR_RETURN(to, RegisteredEmail(r.row.subject_id));
  }
  values["request_id"] = r.row.request_id;
  values["request_type"] = r.row.type;
  TILLIT_ASSIGN_OR_RETURN(MailText text, RenderMail(*config_, kind, r.row.language, values));
  return outbox_.Prepare(r.row.subject_id, kind, to, text);
}

std::vector<uint8_t> Requests::CodeHash(std::string_view request_id, std::string_view code) const {
  std::vector<uint8_t> out(32);
  crypto_generichash_state state;
  crypto_generichash_init(&state, code_key_.data(), crypto::SecretKey::kSize, out.size());
  const std::string input = std::string(request_id) + ":" + std::string(code);
  crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(input.data()), input.size());
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

namespace {

// A history entry for `row` (whose `events` is advanced), sealed note included.
Result<store::RequestEventRow> EventFor(store::RightsRequestRow& row, const std::string& status,
                                        const std::string& actor, const std::string& note, int64_t at,
                                        const crypto::SecretKey& key, Random& random) {
  store::RequestEventRow e{row.subject_id, row.request_id, ++row.events, status, at, actor, {}};
  if (!note.empty()) {
    e.note =
        crypto::Seal(key, crypto::SealAad(row.subject_id, row.request_id + "#" + std::to_string(e.seq)), note, random);
  }
  return e;
}

std::string ActorName(const Actor& a) { return a.kind + ":" + a.name; }

// A request of a type that needs the subject's identity checked, before the subject entered the mailed code.
Status NotVerified(const store::RightsRequestRow& row) {
  return Status::Conflict(
      "the subject has not verified this " + row.type +
          " request yet: they must enter the one-time code mailed to their registered address (POST /v1/requests/" +
          row.request_id + "/verify); POST /v1/requests/" + row.request_id + "/code mails a new code",
      "not_verified");
}

}  // namespace

void Requests::Create(RequestInput in, Actor actor, Done<store::RightsRequestRow> done) {
  if (!OneOf(RequestTypes(), in.type)) {
    return done(Status::InvalidArgument("type must be one of " + Join(RequestTypes()), "unknown_request_type"));
  }
  if (!OneOf(kChannels, in.channel)) {
    return done(Status::InvalidArgument("channel must be one of " + Join(kChannels), "invalid_channel"));
  }
  if (in.subject_id.empty() == in.email.empty()) {
    return done(
        Status::InvalidArgument("name the subject by exactly one of subject or email", "subject_or_email_required"));
  }
  if (in.text.size() > kMaxText) return done(Status::TooLarge("text is longer than 20000 bytes", "text_too_long"));
  if (!IsValidUtf8(in.text)) return done(Status::InvalidArgument("text is not valid UTF-8", "invalid_utf8"));
  if (in.language.empty()) in.language = config_->default_language();
  if (Status s = config_->CheckOfferedLanguage(in.language); !s.ok()) return done(s);
  if (in.type == "rectification" && (!in.patch || !in.patch->is_object() || in.patch->empty())) {
    return done(Status::InvalidArgument(
        "a rectification needs patch: a JSON Merge Patch such as {\"fields\":{\"identity.name\":\"…\"}}",
        "patch_required"));
  }
  if (in.type != "rectification" && in.patch) {
    return done(Status::InvalidArgument("patch belongs to rectification requests only", "unexpected_patch"));
  }
  if (!in.purpose.empty() && config_->FindPurpose(in.purpose) == nullptr) {
    return done(config_->UnknownPurpose(in.purpose));
  }
  for (const auto& c : in.channels) {
    if (!config::ParseChannel(c)) {
      return done(Status::InvalidArgument("channels must be email, sms, phone or post", "invalid_channel"));
    }
  }
  if (in.type == "objection" && in.purpose.empty() && in.channels.empty()) {
    return done(Status::InvalidArgument("an objection names a purpose or channels", "purpose_or_channel_required"));
  }

  std::string subject_id = in.subject_id;
  if (!subject_id.empty()) {
    auto subject = store_.FindSubject(subject_id);
    if (!subject.ok()) return done(subject.status());
    if (!*subject || (*subject)->erased_at) {
      return done(Status::NotFound("no subject with this id", "subject_not_found"));
    }
  } else {
    auto owner = store_.FindUniqueIndex(store::IndexKind::kEmail,
                                        indexer_.Index(crypto::IndexKind::kEmail, crypto::NormaliseEmail(in.email)));
    if (!owner.ok()) return done(owner.status());
    if (*owner) {
      auto subject = store_.FindSubject(**owner);
      if (subject.ok() && *subject && !(*subject)->erased_at) subject_id = **owner;
    }
  }

  const TimePoint now = clock_.Now();
  RightsRequest r;
  r.row.subject_id = subject_id;
  r.row.request_id = random_.NewId("rq_");
  r.row.type = in.type;
  r.row.status = "received";
  r.row.channel = in.channel;
  r.row.language = in.language;
  r.row.received_at = r.row.updated_at = ToMicros(now);
  r.row.original_due_at = r.row.due_at = ToMicros(deadlines_.DueAt(now, 1));
  r.details = {{"text", in.text}, {"authority", RequestAuthority(in, actor)}};
  if (!in.email.empty()) r.details["email"] = in.email;
  if (in.patch) r.details["patch"] = *in.patch;
  if (!in.purpose.empty()) r.details["purpose"] = in.purpose;
  if (!in.channels.empty()) r.details["channels"] = in.channels;
  auto key = KeyFor(subject_id);
  if (!key.ok()) return done(key.status());
  r.row.sealed = crypto::Seal(*key, crypto::SealAad(subject_id, r.row.request_id), r.details.dump(), random_);

  auto events = std::make_shared<std::vector<store::RequestEventRow>>();
  auto mails = std::make_shared<std::vector<store::MailRow>>();
  auto received = EventFor(r.row, "received", ActorName(actor), "", r.row.received_at, *key, random_);
  events->push_back(std::move(*received));
  const store::RightsRequestRow as_received = r.row;
  if (subject_id.empty() && in.type != "inquiry") {
    // Nobody is known by this address: say so by mail, and close the request. (A question from an unknown
    // address waits for staff like any other.)
    auto mail = MailFor(r, MailKind::kNoData, {});
    if (!mail.ok()) return done(mail.status());
    mails->push_back(std::move(*mail));
    r.row.status = "completed";
    r.row.closed_at = r.row.received_at;
    events->push_back(*EventFor(r.row, "completed", "system:requests", "no data held about this address",
                                r.row.received_at, *key, random_));
  }
  auto row = std::make_shared<store::RightsRequestRow>(r.row);
  const bool by_email = in.subject_id.empty();
  const bool needs_code = NeedsVerification(r);
  if (!subject_id.empty() && r.details["authority"] == "code") {
    // Only the subject's code stands for the subject here: without an address to send it to, the request could only
    // wait until its deadline passed.
    if (auto to = RegisteredEmail(subject_id); !to.ok()) {
      if (to.status().reason() != "no_registered_email") return done(to.status());
      return done(Status::FailedPrecondition(
          "the subject has no registered e-mail address to confirm this " + in.type +
              " with a code; staff with the action requests.manage can file it for them",
          "no_registered_email"));
    }
    // A key that may also correct subjects could first point the address at itself and then confirm its own
    // request: while a replaced address is recent, the code is not proof enough.
    auto changes = store_.ListFieldChanges(subject_id);
    if (!changes.ok()) return done(changes.status());
    const int64_t settled = ToMicros(clock_.Now()) - kAddressSettleMicros;
    for (const auto& c : *changes) {
      if (c.field == "contact.email" && c.action == "changed" && c.at > settled) {
        return done(Status::Conflict(
            "the subject's e-mail address was replaced less than 30 days ago, so a code sent to it cannot confirm this " +
                in.type + " for a key without requests.manage; staff with that action can file it for them",
            "email_recently_changed"));
      }
    }
  }
  const std::string client = in.client_address;
  store_.Write(
      [row, events, mails, actor, authority = r.details["authority"].get<std::string>(),
       this](store::WriteTxn& txn) -> Status {
        TILLIT_RETURN_IF_ERROR(txn.PutRightsRequest(*row));
        for (const auto& e : *events) TILLIT_RETURN_IF_ERROR(txn.InsertRequestEvent(e));
        for (const auto& m : *mails) TILLIT_RETURN_IF_ERROR(txn.PutMail(m));
        return AppendAudit(txn,
                           AuditEvent{actor, std::string(config::kRightsFulfilment), "request.create", row->subject_id,
                                      "request=" + row->request_id + " type=" + row->type +
                                          " authority=" + authority},
                           row->received_at);
      },
      [this, row, as_received, by_email, needs_code, client, actor, done](const Status& s) {
        if (!s.ok()) return done(s);
        if (row->closed_at) return done(as_received);
        auto answer = [by_email, as_received, done](Result<store::RightsRequestRow> r) {
          if (by_email) return done(as_received);  // an answer by address never tells whether it is a customer's
          done(std::move(r));
        };
        if (needs_code) {
          // The code goes out at once; a rate-limited or address-less subject can ask again through /code.
          return SendCode(
              row->request_id, actor,
              [answer, row](Result<store::RightsRequestRow> r) {
                answer(r.ok() ? std::move(r) : Result<store::RightsRequestRow>(*row));
              },
              client);
        }
        Advance(*row, answer);
      });
}

Result<RequestView> Requests::Get(std::string_view request_id) {
  TILLIT_ASSIGN_OR_RETURN(auto row, store_.FindRightsRequest(request_id));
  if (!row) return Status::NotFound("no request with this id", "request_not_found");
  RequestView view;
  TILLIT_ASSIGN_OR_RETURN(view.request, Open(*row));
  TILLIT_ASSIGN_OR_RETURN(auto events, store_.ListRequestEvents(request_id));
  auto key = KeyFor(row->subject_id);  // NotFound once the subject is erased: the notes are gone with its key
  if (!key.ok() && key.status().code() != StatusCode::kNotFound) return key.status();
  for (const auto& e : events) {
    RequestEventView v{e.seq, e.status, e.at, e.actor, ""};
    if (!e.note.empty() && key.ok()) {
      auto note = crypto::Open(*key, crypto::SealAad(e.subject_id, e.request_id + "#" + std::to_string(e.seq)), e.note);
      if (note.ok()) v.note = *note;
    }
    view.history.push_back(std::move(v));
  }
  return view;
}

void Requests::Read(std::string request_id, Actor actor, Done<RequestView> done) {
  auto view = Get(request_id);
  if (!view.ok()) return done(view.status());
  auto shared = std::make_shared<RequestView>(std::move(*view));
  const int64_t now = ToMicros(clock_.Now());
  store_.Write(
      [shared, actor, now](store::WriteTxn& txn) {
        return AppendAudit(txn,
                           AuditEvent{actor, std::string(config::kRightsFulfilment), "request.read",
                                      shared->request.row.subject_id, "request=" + shared->request.row.request_id},
                           now);
      },
      [shared, done](const Status& s) {
        if (!s.ok()) return done(s);
        done(std::move(*shared));
      });
}

Result<RequestPage> Requests::List(store::RequestQuery query, std::string_view cursor) {
  if (!cursor.empty()) {
    const size_t sep = cursor.find('_');
    int64_t at = 0;
    auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + std::min(sep, cursor.size()), at);
    if (sep == std::string_view::npos || ec != std::errc() || end != cursor.data() + sep) {
      return Status::InvalidArgument("cursor is not one this API gave out", "invalid_cursor");
    }
    query.after = std::pair{at, std::string(cursor.substr(sep + 1))};
  }
  const size_t limit = query.limit;
  query.limit = limit + 1;
  TILLIT_ASSIGN_OR_RETURN(auto rows, store_.ListRightsRequests(query));
  RequestPage page;
  if (rows.size() > limit) {
    rows.resize(limit);
    page.next_cursor = std::to_string(rows.back().received_at) + "_" + rows.back().request_id;
  }
  page.requests = std::move(rows);
  return page;
}

void Requests::SendCode(std::string request_id, Actor actor, Done<store::RightsRequestRow> done,
                        std::string client_address) {
  auto row = store_.FindRightsRequest(request_id);
  if (!row.ok()) return done(row.status());
  if (!*row) return done(Status::NotFound("no request with this id", "request_not_found"));
  if ((*row)->closed_at || (*row)->verified_at || (*row)->subject_id.empty()) {
    return done(Status::FailedPrecondition("this request needs no verification code now", "verification_not_needed"));
  }
  auto opened = Open(**row);
  if (!opened.ok()) return done(opened.status());
  if (!NeedsVerification(*opened)) {
    return done(Status::FailedPrecondition("this request needs no verification code now", "verification_not_needed"));
  }
  auto to = RegisteredEmail((*row)->subject_id);
  if (!to.ok()) return done(to.status());
  // Six digits, uniformly.
  const uint32_t n = randombytes_uniform(1000000);
  char code[8];
  std::snprintf(code, sizeof code, "%06u", n);
  auto mail =
      MailFor(*opened, MailKind::kCode, {{"code", code}, {"minutes", std::to_string(config_->requests.code_minutes)}});
  sodium_memzero(code, sizeof code);
  if (!mail.ok()) return done(mail.status());
  const int64_t now = ToMicros(clock_.Now());
  store::VerificationCodeRow c;
  c.subject_id = (*row)->subject_id;
  c.code_id = random_.NewId("code_");
  c.request_id = request_id;
  char digits[8];
  std::snprintf(digits, sizeof digits, "%06u", n);
  c.code_hash = CodeHash(request_id, digits);
  sodium_memzero(digits, sizeof digits);
  c.address_hash = indexer_.Index(crypto::IndexKind::kEmail, crypto::NormaliseEmail(*to));
  if (!client_address.empty()) c.ip_hash = indexer_.Index(crypto::IndexKind::kIpAddress, client_address);
  c.created_at = now;
  c.expires_at = now + int64_t{config_->requests.code_minutes} * 60 * 1000000;
  auto out = std::make_shared<store::RightsRequestRow>(**row);
  const int64_t per_subject = config_->requests.codes_per_subject_hour;
  const int64_t per_client = config_->requests.codes_per_ip_hour;
  store_.Write(
      [c, mail = std::move(*mail), out, actor, per_subject, per_client, now](store::WriteTxn& txn) -> Status {
        const int64_t since = now - kCodeLimitWindowMicros;
        // The addresses of codes the limits no longer count are forgotten as codes are asked for.
        TILLIT_RETURN_IF_ERROR(txn.ForgetCodeAddresses(since, 100).status());
        TILLIT_ASSIGN_OR_RETURN(store::CodeCounts counts,
                                txn.CountVerificationCodes(c.subject_id, c.address_hash, c.ip_hash, since));
        if (counts.subject >= per_subject || counts.address >= per_subject) {
          return Status::ResourceExhausted(
              "too many verification codes were sent for this subject in the last hour; try again later",
              "rate_limited");
        }
        if (counts.client >= per_client) {
          return Status::ResourceExhausted(
              "too many verification codes were asked for from this client address in the last hour; try again later",
              "rate_limited");
        }
        // A new code replaces the one before it, and is the newest even when the clock has not moved.
        store::VerificationCodeRow fresh = c;
        TILLIT_ASSIGN_OR_RETURN(auto previous, txn.LatestVerificationCode(c.subject_id, c.request_id));
        if (previous) {
          fresh.created_at = std::max(fresh.created_at, previous->created_at + 1);
          if (!previous->used_at) {
            previous->used_at = now;
            TILLIT_RETURN_IF_ERROR(txn.PutVerificationCode(*previous));
          }
        }
        TILLIT_RETURN_IF_ERROR(txn.PutVerificationCode(fresh));
        TILLIT_RETURN_IF_ERROR(txn.PutMail(mail));
        return AppendAudit(txn,
                           AuditEvent{actor, std::string(config::kRightsFulfilment), "request.code", c.subject_id,
                                      "request=" + c.request_id},
                           now);
      },
      [out, done](const Status& s) {
        if (!s.ok()) return done(s);
        done(*out);
      });
}

void Requests::Verify(std::string request_id, std::string code, Actor actor, Done<store::RightsRequestRow> done) {
  if (code.size() != 6 || !std::all_of(code.begin(), code.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    return done(Status::InvalidArgument("code must be the six digits from the mail", "invalid_code"));
  }
  auto found = store_.FindRightsRequest(request_id);
  if (!found.ok()) return done(found.status());
  if (!*found) return done(Status::NotFound("no request with this id", "request_not_found"));
  const Status not_needed =
      Status::FailedPrecondition("this request needs no verification now", "verification_not_needed");
  if ((*found)->closed_at || (*found)->verified_at) return done(not_needed);
  auto opened = Open(**found);
  if (!opened.ok()) return done(opened.status());
  if (!NeedsVerification(*opened)) return done(not_needed);
  auto key = KeyFor((*found)->subject_id);
  if (!key.ok()) return done(key.status());
  auto shared_key = std::make_shared<crypto::SecretKey>(std::move(*key));
  const std::vector<uint8_t> hash = CodeHash(request_id, code);
  auto verdict = std::make_shared<Status>();
  auto out = std::make_shared<store::RightsRequestRow>();
  const int64_t now = ToMicros(clock_.Now());
  const int64_t max_attempts = config_->requests.code_attempts;
  store_.Write(
      [this, request_id, hash, verdict, out, now, max_attempts, actor, shared_key](store::WriteTxn& txn) -> Status {
        TILLIT_ASSIGN_OR_RETURN(auto row, txn.RightsRequestForUpdate(request_id));
        if (!row) return Status::NotFound("no request with this id", "request_not_found");
        *out = *row;
        TILLIT_ASSIGN_OR_RETURN(auto c, txn.LatestVerificationCode(row->subject_id, request_id));
        if (!c) {
          *verdict = Status::FailedPrecondition("no code was sent for this request; ask for one", "no_code");
          return Status::Ok();
        }
        if (c->used_at) {
          *verdict =
              c->attempts > max_attempts
                  ? Status::ResourceExhausted("too many wrong codes: this code no longer works; ask for a new one",
                                              "too_many_attempts")
                  : Status::FailedPrecondition("this code was used already; ask for a new one", "code_used");
          return Status::Ok();
        }
        if (now > c->expires_at) {
          *verdict = Status::FailedPrecondition("the code has expired; ask for a new one", "code_expired");
          return Status::Ok();
        }
        ++c->attempts;
        if (c->attempts > max_attempts) {
          c->used_at = now;  // invalidated
          *verdict = Status::ResourceExhausted("too many wrong codes: this code no longer works; ask for a new one",
                                               "too_many_attempts");
          return txn.PutVerificationCode(*c);
        }
        if (sodium_memcmp(c->code_hash.data(), hash.data(), hash.size()) != 0) {
          *verdict = Status::FailedPrecondition(
              "wrong code; " + std::to_string(max_attempts - c->attempts) + " attempts left", "wrong_code");
          return txn.PutVerificationCode(*c);
        }
        c->used_at = now;
        TILLIT_RETURN_IF_ERROR(txn.PutVerificationCode(*c));
        row->verified_at = now;
        row->status = "verified";
        row->updated_at = now;
        TILLIT_ASSIGN_OR_RETURN(auto e, EventFor(*row, "verified", ActorName(actor), "", now, *shared_key, random_));
        TILLIT_RETURN_IF_ERROR(txn.InsertRequestEvent(e));
        TILLIT_RETURN_IF_ERROR(txn.PutRightsRequest(*row));
        *out = *row;
        return AppendAudit(txn,
                           AuditEvent{actor, std::string(config::kRightsFulfilment), "request.verify", row->subject_id,
                                      "request=" + request_id},
                           now);
      },
      [this, verdict, out, done](const Status& s) {
        if (!s.ok()) return done(s);
        if (!verdict->ok()) return done(*verdict);
        Advance(*out, done);
      });
}

Result<Requests::Prepared> Requests::Prepare(const std::string& request_id, const Actor& actor,
                                             const std::string& action, const Change& change) {
  TILLIT_ASSIGN_OR_RETURN(auto found, store_.FindRightsRequest(request_id));
  if (!found) return Status::NotFound("no request with this id", "request_not_found");
  TILLIT_ASSIGN_OR_RETURN(auto opened, Open(*found));
  TILLIT_ASSIGN_OR_RETURN(auto key, KeyFor(found->subject_id));
  // The change is made on the row as read, so preconditions answer early with a clear error; the write re-reads
  // the row and refuses if another change came first.
  auto r = std::make_shared<RightsRequest>(std::move(opened));
  auto mails = std::make_shared<std::vector<store::MailRow>>();
  std::string note;
  TILLIT_RETURN_IF_ERROR(change(*r, *mails, note));
  const int64_t now = ToMicros(clock_.Now());
  r->row.updated_at = now;
  const int64_t seen_events = found->events;
  TILLIT_ASSIGN_OR_RETURN(auto e, EventFor(r->row, r->row.status, ActorName(actor), note, now, key, random_));
  Prepared prepared;
  prepared.request = r;
  prepared.write = [r, mails, e = std::move(e), seen_events, actor, action, now,
                    webhooks = webhooks_](store::WriteTxn& txn) -> Status {
    TILLIT_ASSIGN_OR_RETURN(auto current, txn.RightsRequestForUpdate(r->row.request_id));
    if (!current || current->events != seen_events) {
      return Status::Conflict("the request changed meanwhile; read it again", "request_changed");
    }
    TILLIT_RETURN_IF_ERROR(txn.PutRightsRequest(r->row));
    TILLIT_RETURN_IF_ERROR(txn.InsertRequestEvent(e));
    for (const auto& m : *mails) TILLIT_RETURN_IF_ERROR(txn.PutMail(m));
    // A rectification's own event (subject.rectified) comes from the register's write that applies the patch.
    if (webhooks != nullptr && r->row.status == "completed" && !r->row.subject_id.empty()) {
      TILLIT_RETURN_IF_ERROR(webhooks->Enqueue(txn, "request.completed", r->row.subject_id,
                                               {{"request_id", r->row.request_id}, {"request_type", r->row.type}}));
    }
    return AppendAudit(txn,
                       AuditEvent{actor, std::string(config::kRightsFulfilment), action, r->row.subject_id,
                                  "request=" + r->row.request_id + " status=" + r->row.status},
                       now);
  };
  return prepared;
}

void Requests::Apply(std::string request_id, Actor actor, std::string action, Change change,
                     Done<store::RightsRequestRow> done) {
  auto prepared = Prepare(request_id, actor, action, change);
  if (!prepared.ok()) return done(prepared.status());
  store_.Write(std::move(prepared->write), [r = prepared->request, done](const Status& s) {
    if (!s.ok()) return done(s);
    done(r->row);
  });
}

void Requests::Advance(store::RightsRequestRow row, Done<store::RightsRequestRow> done) {
  if (row.closed_at || row.subject_id.empty() || row.type == "inquiry" || row.status == "in_progress") {
    return done(row);
  }
  auto opened = Open(row);
  if (!opened.ok()) return done(opened.status());
  if (NeedsVerification(*opened) && !row.verified_at) return done(row);
  if (NeedsApproval(row) && !row.approved_at) return done(row);
  auto it = executors_.find(row.type);
  if (it == executors_.end()) {
    // No executor yet for this type: the request waits, visibly, instead of pretending to be done.
    return Apply(
        row.request_id, Actor{"system", "requests"}, "request.progress",
        [](RightsRequest& r, std::vector<store::MailRow>&, std::string& note) {
          r.row.status = "in_progress";
          note = "waiting for the " + r.row.type + " answer to be prepared";
          return Status::Ok();
        },
        done);
  }
  const std::string id = row.request_id;
  it->second->Execute(*opened,
                      [this, id, done](Result<ExecutionOutcome> outcome) { Finish(id, std::move(outcome), done); });
}

void Requests::Finish(std::string request_id, Result<ExecutionOutcome> outcome, Done<store::RightsRequestRow> done) {
  if (!outcome.ok()) return done(outcome.status());
  const bool finished = outcome->done;
  const std::string kept = outcome->note;
  const std::string told = outcome->secret_note.empty() ? outcome->note : outcome->secret_note;
  auto after = outcome->after;
  const bool survives = finished && after != nullptr;
  const MailKind kind = outcome->answer_ready ? MailKind::kAnswerReady : MailKind::kConfirmation;
  Change change = [this, finished, kept, told, survives, kind](
                      RightsRequest& r, std::vector<store::MailRow>& mails, std::string& note) -> Status {
    note = kept;
    if (!finished) {
      r.row.status = "in_progress";
      return Status::Ok();
    }
    r.row.status = "completed";
    r.row.closed_at = ToMicros(clock_.Now());
    if (!survives) {
      TILLIT_ASSIGN_OR_RETURN(auto mail, MailFor(r, kind, {{"note", told}}));
      mails.push_back(std::move(mail));
      return Status::Ok();
    }
    // Sealed under the service's key (subject ""), so the confirmation outlives the subject's data key.
    TILLIT_ASSIGN_OR_RETURN(std::string to, RegisteredEmail(r.row.subject_id));
    std::map<std::string, std::string> values{
        {"note", told}, {"request_id", r.row.request_id}, {"request_type", r.row.type}};
    TILLIT_ASSIGN_OR_RETURN(MailText text, RenderMail(*config_, kind, r.row.language, values));
    TILLIT_ASSIGN_OR_RETURN(auto mail, outbox_.Prepare("", kind, to, text));
    mails.push_back(std::move(mail));
    return Status::Ok();
  };
  const Actor actor{"system", "requests"};
  const std::string action = finished ? "request.complete" : "request.progress";
  if (!survives) return Apply(request_id, actor, action, std::move(change), std::move(done));
  // The completion is written by the act itself: if the act fails, the request stays open and says so.
  auto prepared = Prepare(request_id, actor, action, change);
  if (!prepared.ok()) return done(prepared.status());
  after(std::move(prepared->write), [r = prepared->request, done](Status s) {
    if (!s.ok()) return done(s);
    done(r->row);
  });
}

void Requests::Approve(std::string request_id, Actor actor, Done<store::RightsRequestRow> done) {
  Apply(
      request_id, actor, "request.approve",
      [this](RightsRequest& r, std::vector<store::MailRow>&, std::string&) -> Status {
        if (r.row.closed_at) return Status::FailedPrecondition("the request is closed", "request_closed");
        if (r.row.approved_at) return Status::Conflict("the request is approved already", "already_approved");
        if (NeedsVerification(r) && !r.row.verified_at) return NotVerified(r.row);
        r.row.approved_at = ToMicros(clock_.Now());
        r.row.status = "approved";
        return Status::Ok();
      },
      [this, done](Result<store::RightsRequestRow> row) {
        if (!row.ok()) return done(row.status());
        Advance(*row, done);
      });
}

void Requests::Reject(std::string request_id, std::string reason, Actor actor, Done<store::RightsRequestRow> done) {
  if (reason.empty()) {
    return done(Status::InvalidArgument("reason is required: it is sent to the subject", "reason_required"));
  }
  Apply(
      request_id, actor, "request.reject",
      [this, reason](RightsRequest& r, std::vector<store::MailRow>& mails, std::string& note) -> Status {
        if (r.row.closed_at) return Status::FailedPrecondition("the request is closed", "request_closed");
        r.row.status = "rejected";
        r.row.closed_at = ToMicros(clock_.Now());
        note = reason;
        TILLIT_ASSIGN_OR_RETURN(auto mail, MailFor(r, MailKind::kRejection, {{"reason", reason}}));
        mails.push_back(std::move(mail));
        return Status::Ok();
      },
      done);
}

void Requests::Extend(std::string request_id, int months, std::string reason, Actor actor,
                      Done<store::RightsRequestRow> done) {
  if (reason.empty()) {
    return done(Status::InvalidArgument("reason is required: it is sent to the subject", "reason_required"));
  }
  if (months < 1 || months > 2) {
    return done(Status::InvalidArgument("months must be 1 or 2 (at most two more months)", "invalid_months"));
  }
  Apply(
      request_id, actor, "request.extend",
      [this, months, reason](RightsRequest& r, std::vector<store::MailRow>& mails, std::string& note) -> Status {
        if (r.row.closed_at) return Status::FailedPrecondition("the request is closed", "request_closed");
        if (r.row.extended) return Status::Conflict("the request was extended once already", "already_extended");
        const TimePoint now = clock_.Now();
        if (ToMicros(now) > r.row.original_due_at) {
          return Status::FailedPrecondition("an extension must be sent before the first month ends (" +
                                                FormatRfc3339(FromMicros(r.row.original_due_at)) + ")",
                                            "extension_too_late");
        }
        const TimePoint due = deadlines_.DueAt(FromMicros(r.row.received_at), 1 + months);
        r.row.due_at = ToMicros(due);
        r.row.extended = true;
        r.row.status = "extended";
        note = reason;
        const auto local = deadlines_.LocalDate(due);
        char date[16];
        std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(local.year()),
                      static_cast<unsigned>(local.month()), static_cast<unsigned>(local.day()));
        if (!r.row.subject_id.empty()) {
          TILLIT_ASSIGN_OR_RETURN(auto mail,
                                  MailFor(r, MailKind::kExtension, {{"reason", reason}, {"due_date", date}}));
          mails.push_back(std::move(mail));
        }
        return Status::Ok();
      },
      done);
}

void Requests::Complete(std::string request_id, std::string note_text, Actor actor,
                        Done<store::RightsRequestRow> done) {
  Apply(
      request_id, actor, "request.complete",
      [this, note_text](RightsRequest& r, std::vector<store::MailRow>& mails, std::string& note) -> Status {
        if (r.row.closed_at) return Status::FailedPrecondition("the request is closed", "request_closed");
        if (NeedsVerification(r) && !r.row.verified_at) return NotVerified(r.row);
        if (r.row.type != "inquiry" && r.row.status != "in_progress") {
          return Status::FailedPrecondition(
              "only an inquiry, or a request whose answer is being prepared, is completed by hand", "not_completable");
        }
        r.row.status = "completed";
        r.row.closed_at = ToMicros(clock_.Now());
        note = note_text;
        {
          TILLIT_ASSIGN_OR_RETURN(auto mail,
                                  MailFor(r, r.row.type == "inquiry" ? MailKind::kConfirmation : MailKind::kAnswerReady,
                                          {{"note", note_text}}));
          mails.push_back(std::move(mail));
        }
        return Status::Ok();
      },
      done);
}

}  // namespace tillit::core
