#include "core/consent/consents.h"

#include <algorithm>

#include "core/consent/prohibitions.h"
#include "core/consent/receipts.h"
#include "core/consent/sealed_choices.h"
#include "util/hex.h"

namespace tillit::core {
namespace {

const std::vector<std::string_view> kActions = {"given", "withdrawn", "refused", "existing_customer"};

template <typename T>
bool OneOf(const std::vector<T>& options, std::string_view value) {
  return std::find(options.begin(), options.end(), value) != options.end();
}

template <typename T>
std::string JoinViews(const std::vector<T>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + std::string(item);
  return out;
}

// A consent event's, objection's or prohibition's method: one of config::kConsentMethods, the vocabulary a purpose's
// withdrawal and objection routes are named in too.
Status CheckMethod(std::string_view method) {
  if (OneOf(config::ConsentMethodIds(), method)) return Status::Ok();
  return Status::InvalidArgument("method must be one of " + JoinViews(config::ConsentMethodIds()), "invalid_method");
}

Status CheckChannel(std::string_view channel) {
  if (channel.empty() || config::ParseChannel(channel)) return Status::Ok();
  return Status::InvalidArgument("unknown channel '" + std::string(channel) + "'; use email, sms, phone or post",
                                 "unknown_channel");
}

Status CheckVisitorId(std::string_view id) {
  const bool ok =
      id.size() >= 8 && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      });
  if (ok) return Status::Ok();
  return Status::InvalidArgument("a visitor id is 8 to 128 characters of A-Z, a-z, 0-9, _ and -", "invalid_visitor_id");
}

std::string_view Choice(bool accepted) { return accepted ? "given" : "refused"; }

// Writes one change of a subject's decision inputs in one commit: the change itself (`write`), a note on the
// decision-change feed for the other servers, and its audit entry. After the commit, and before the caller is
// answered, `apply` tells this server's decision index.
template <typename T>
void CommitDecisionInput(store::Store& store, std::shared_ptr<T> row, AuditEvent event, int64_t now,
                         std::function<Status(store::WriteTxn&, const T&)> write, std::function<void(const T&)> apply,
                         std::function<void(Result<T>)> done) {
  store.Write(
      [row, event = std::move(event), now, write = std::move(write)](store::WriteTxn& txn) -> Status {
        TILLIT_RETURN_IF_ERROR(write(txn, *row));
        TILLIT_RETURN_IF_ERROR(txn.AppendDecisionChange(event.subject_id, now));
        return AppendAudit(txn, event, now);
      },
      [row, apply = std::move(apply), done = std::move(done)](const Status& s) {
        if (!s.ok()) return done(s);
        apply(*row);
        done(*row);
      });
}

}  // namespace

Consents::Consents(std::shared_ptr<const config::Config> config, std::string policy_version, store::Store& store,
                   DecisionIndex& index, const crypto::Keyring& keyring, const crypto::BlindIndexer& indexer,
                   Clock& clock, Random& random, const Webhooks* webhooks)
    : config_(std::move(config)),
      policy_version_(std::move(policy_version)),
      store_(store),
      index_(index),
      keyring_(keyring),
      indexer_(indexer),
      clock_(clock),
      random_(random),
      webhooks_(webhooks) {}

Status Consents::CheckSubject(std::string_view subject_id) const {
  if (!index_.Contains(subject_id)) return Status::NotFound("no subject with this id", "subject_not_found");
  return Status::Ok();
}

template <typename Row>
Status Consents::Open(std::string_view subject_id, std::vector<Row>& rows) const {
  // The key is read only when something is sealed: an erased subject's (empty) lists open without it.
  const bool sealed = std::any_of(rows.begin(), rows.end(), [](const Row& r) { return IsSealed(r); });
  if (!sealed) return Status::Ok();
  TILLIT_ASSIGN_OR_RETURN(crypto::SecretKey key, SubjectDataKey(store_, keyring_, subject_id));
  return OpenAll(key, rows);
}

void Consents::Record(std::string subject_id, ConsentInput input, Actor actor, Done<store::ConsentEventRow> done) {
  if (Status s = CheckSubject(subject_id); !s.ok()) return done(s);
  const config::Purpose* p = config_->FindPurpose(input.purpose);
  if (p == nullptr) {
    return done(config_->UnknownPurpose(input.purpose));
  }
  if (Status s = CheckChannel(input.channel); !s.ok()) return done(s);
  if (!OneOf(kActions, input.action)) {
    return done(Status::InvalidArgument("action must be one of " + JoinViews(kActions), "invalid_action"));
  }
  if (Status s = CheckMethod(input.method); !s.ok()) return done(s);
  if (input.action == "existing_customer" && !IsDirectMarketing(*p)) {
    return done(
        Status::InvalidArgument("the existing-customer exception applies only to direct marketing", "invalid_action"));
  }
  if (input.at && input.method != "import") {
    return done(
        Status::InvalidArgument("only imported consents may carry their own time (method \"import\")", "invalid_time"));
  }
  if (input.language.empty()) input.language = config_->default_language();
  if (Status s = config_->CheckOfferedLanguage(input.language); !s.ok()) return done(s);
  const int64_t now = ToMicros(clock_.Now());
  auto row = std::make_shared<store::ConsentEventRow>();
  row->subject_id = std::move(subject_id);
  row->event_id = random_.NewId("con_");
  row->purpose = input.purpose;
  row->channel = input.channel;
  row->action = input.action;
  row->method = input.method;
  row->policy_version = policy_version_;
  row->revision = p->revision;
  row->language = input.language;
  row->user_agent = input.user_agent.substr(0, 512);
  if (!input.ip.empty()) row->ip_hash = indexer_.Index(crypto::IndexKind::kIpAddress, input.ip);
  if (!row->user_agent.empty() || !row->ip_hash.empty()) {
    // The evidence describes the person: sealed under their key, so erasure takes it along.
    auto key = SubjectDataKey(store_, keyring_, row->subject_id);
    if (!key.ok()) return done(key.status());
    SealEvidence(*key, *row, random_);
  }
  // An import without evidence cannot prove the consent: flagged, and listed for renewal.
  row->unproven = input.unproven || (input.method == "import" && input.user_agent.empty() && input.ip.empty());
  row->at = input.at.value_or(now);
  row->actor = actor.name;
  AuditEvent event{std::move(actor), "", "consent.record", row->subject_id,
                   "event=" + row->event_id + " purpose=" + row->purpose +
                       (row->channel.empty() ? "" : " channel=" + row->channel) + " action=" + row->action};
  CommitDecisionInput<store::ConsentEventRow>(
      store_, row, std::move(event), now,
      [webhooks = webhooks_](store::WriteTxn& txn, const store::ConsentEventRow& r) -> Status {
        TILLIT_RETURN_IF_ERROR(txn.InsertConsentEvent(r));
        if (webhooks == nullptr) return Status::Ok();
        return webhooks->Enqueue(txn, "consent.changed", r.subject_id,
                                 {{"event_id", r.event_id}, {"purpose", r.purpose}});
      },
      [this](const store::ConsentEventRow& r) { index_.ApplyConsent(r); }, std::move(done));
}

Result<ConsentState> Consents::State(std::string_view subject_id) {
  TILLIT_RETURN_IF_ERROR(CheckSubject(subject_id));
  ConsentState state;
  TILLIT_ASSIGN_OR_RETURN(state.history, store_.ListConsentEvents(subject_id));
  TILLIT_RETURN_IF_ERROR(Open(subject_id, state.history));
  for (const auto& e : state.history) {
    auto it = std::find_if(state.current.begin(), state.current.end(), [&](const store::ConsentEventRow& c) {
      return c.purpose == e.purpose && c.channel == e.channel;
    });
    if (it == state.current.end()) {
      state.current.push_back(e);
    } else if (e.at >= it->at) {
      *it = e;
    }
  }
  return state;
}

void Consents::Object(std::string subject_id, ObjectionInput input, Actor actor, Done<store::ObjectionRow> done) {
  if (Status s = CheckSubject(subject_id); !s.ok()) return done(s);
  if (input.purpose.empty() && input.channel.empty()) {
    return done(Status::InvalidArgument("an objection names a purpose, a channel, or both", "purpose_required"));
  }
  if (!input.purpose.empty()) {
    const config::Purpose* p = config_->FindPurpose(input.purpose);
    if (p == nullptr) {
      return done(config_->UnknownPurpose(input.purpose));
    }
  }
  if (Status s = CheckChannel(input.channel); !s.ok()) return done(s);
  if (Status s = CheckMethod(input.method); !s.ok()) return done(s);
  const int64_t now = ToMicros(clock_.Now());
  auto row = std::make_shared<store::ObjectionRow>();
  row->subject_id = std::move(subject_id);
  row->objection_id = random_.NewId("obj_");
  row->purpose = input.purpose;
  row->channel = input.channel;
  row->status = "active";
  row->method = input.method;
  row->at = now;
  row->actor = actor.name;
  AuditEvent event{std::move(actor), "", "objection.record", row->subject_id,
                   "objection=" + row->objection_id + (row->purpose.empty() ? "" : " purpose=" + row->purpose) +
                       (row->channel.empty() ? "" : " channel=" + row->channel)};
  CommitDecisionInput<store::ObjectionRow>(
      store_, row, std::move(event), now,
      [](store::WriteTxn& txn, const store::ObjectionRow& r) { return txn.InsertObjection(r); },
      [this](const store::ObjectionRow& r) { index_.ApplyObjection(r); }, std::move(done));
}

void Consents::DecideObjection(std::string subject_id, std::string objection_id, std::string outcome,
                               std::string reason, Actor actor, Done<store::ObjectionRow> done) {
  if (Status s = CheckSubject(subject_id); !s.ok()) return done(s);
  if (outcome != "overridden" && outcome != "upheld") {
    return done(Status::InvalidArgument("outcome must be \"overridden\" (compelling legitimate grounds) or \"upheld\"",
                                        "invalid_outcome"));
  }
  if (outcome == "overridden" && reason.empty()) {
    return done(
        Status::InvalidArgument("overriding an objection needs the compelling grounds as `reason`; the "
                                "subject is told them",
                                "reason_required"));
  }
  auto objections = store_.ListObjections(subject_id);
  if (!objections.ok()) return done(objections.status());
  auto it = std::find_if(objections->begin(), objections->end(),
                         [&](const store::ObjectionRow& o) { return o.objection_id == objection_id; });
  if (it == objections->end())
    return done(Status::NotFound("no such objection for this subject", "objection_not_found"));
  if (outcome == "overridden") {
    const config::Purpose* p = it->purpose.empty() ? nullptr : config_->FindPurpose(it->purpose);
    if (p == nullptr || IsDirectMarketing(*p)) {
      return done(Status::FailedPrecondition(
          "an objection to direct marketing, or to a channel, is absolute (Art. 21(3)) and cannot be overridden",
          "objection_absolute"));
    }
  }
  const int64_t now = ToMicros(clock_.Now());
  auto row = std::make_shared<store::ObjectionRow>(*it);
  row->status = outcome;
  row->reason = reason;
  if (!reason.empty()) {
    auto key = SubjectDataKey(store_, keyring_, row->subject_id);
    if (!key.ok()) return done(key.status());
    SealObjectionReason(*key, *row, random_);
  }
  row->decided_at = now;
  row->decided_by = actor.name;
  AuditEvent event{std::move(actor), "", "objection.decide", row->subject_id,
                   "objection=" + row->objection_id + " outcome=" + outcome};
  CommitDecisionInput<store::ObjectionRow>(
      store_, row, std::move(event), now,
      [now](store::WriteTxn& txn, const store::ObjectionRow& r) {
        return txn.DecideObjection(r.subject_id, r.objection_id, r.status, r.sealed_reason, now, r.decided_by);
      },
      [this](const store::ObjectionRow& r) { index_.ApplyObjection(r); }, std::move(done));
}

Result<std::vector<store::ObjectionRow>> Consents::Objections(std::string_view subject_id) {
  TILLIT_RETURN_IF_ERROR(CheckSubject(subject_id));
  TILLIT_ASSIGN_OR_RETURN(auto rows, store_.ListObjections(subject_id));
  TILLIT_RETURN_IF_ERROR(Open(subject_id, rows));
  return rows;
}

void Consents::Restrict(std::string subject_id, std::string reason, Actor actor, Done<store::RestrictionRow> done) {
  if (Status s = CheckSubject(subject_id); !s.ok()) return done(s);
  if (reason.empty()) {
    return done(
        Status::InvalidArgument("a restriction needs a `reason` (e.g. \"accuracy contested\")", "reason_required"));
  }
  const int64_t now = ToMicros(clock_.Now());
  auto row = std::make_shared<store::RestrictionRow>();
  row->subject_id = std::move(subject_id);
  row->restriction_id = random_.NewId("res_");
  row->reason = std::move(reason);
  row->started_at = now;
  row->actor = actor.name;
  {
    auto key = SubjectDataKey(store_, keyring_, row->subject_id);
    if (!key.ok()) return done(key.status());
    SealRestrictionTexts(*key, *row, random_);
  }
  // The recipients that received the subject's data hear of the restriction (Art. 19).
  auto read = WebhookTargetsOf(webhooks_, store_, row->subject_id);
  if (!read.ok()) return done(read.status());
  auto targets = std::make_shared<WebhookTargets>(std::move(*read));
  AuditEvent event{std::move(actor), "", "restriction.start", row->subject_id, "restriction=" + row->restriction_id};
  CommitDecisionInput<store::RestrictionRow>(
      store_, row, std::move(event), now,
      [webhooks = webhooks_, targets](store::WriteTxn& txn, const store::RestrictionRow& r) -> Status {
        TILLIT_RETURN_IF_ERROR(txn.InsertRestriction(r));
        if (webhooks == nullptr) return Status::Ok();
        return webhooks->Enqueue(txn, "subject.restricted", r.subject_id, {{"restriction_id", r.restriction_id}},
                                 targets.get());
      },
      [this](const store::RestrictionRow& r) { index_.SetRestricted(r.subject_id, r.started_at); }, std::move(done));
}

void Consents::Lift(std::string subject_id, std::string notice, Actor actor, Done<std::string> done) {
  if (Status s = CheckSubject(subject_id); !s.ok()) return done(s);
  const int64_t now = ToMicros(clock_.Now());
  if (notice.empty()) notice = "The restriction of processing of your personal data has been lifted.";
  // The notice is sealed bound to the restriction it lifts; the store lifts that one only if it is still current.
  auto rows = store_.ListRestrictions(subject_id);
  if (!rows.ok()) return done(rows.status());
  auto current = std::find_if(rows->begin(), rows->end(), [](const store::RestrictionRow& r) { return !r.lifted_at; });
  if (current == rows->end()) {
    return done(Status::NotFound("processing of this subject is not restricted", "not_restricted"));
  }
  auto key = SubjectDataKey(store_, keyring_, subject_id);
  if (!key.ok()) return done(key.status());
  auto sealed = SealLiftNotice(*key, subject_id, current->restriction_id, notice, random_);
  auto id = std::make_shared<std::string>(std::move(subject_id));
  AuditEvent event{actor, "", "restriction.lift", *id, "restriction=" + current->restriction_id};
  CommitDecisionInput<std::string>(
      store_, id, std::move(event), now,
      [restriction = current->restriction_id, sealed = std::move(sealed), by = actor.name, now](
          store::WriteTxn& txn, const std::string& subject) {
        return txn.LiftRestriction(subject, restriction, now, sealed, by);
      },
      [this](const std::string& subject) { index_.SetRestricted(subject, std::nullopt); }, std::move(done));
}

Result<std::vector<store::RestrictionRow>> Consents::Restrictions(std::string_view subject_id) {
  TILLIT_RETURN_IF_ERROR(CheckSubject(subject_id));
  TILLIT_ASSIGN_OR_RETURN(auto rows, store_.ListRestrictions(subject_id));
  TILLIT_RETURN_IF_ERROR(Open(subject_id, rows));
  return rows;
}

void Consents::Prohibit(std::string subject_id, ProhibitionInput input, Actor actor, Done<store::ProhibitionRow> done) {
  if (Status s = CheckSubject(subject_id); !s.ok()) return done(s);
  const ProhibitionCode* code = FindProhibitionCode(input.code);
  if (code == nullptr) {
    std::vector<std::string_view> ids;
    for (const auto& c : ProhibitionCodes()) ids.push_back(c.id);
    return done(Status::InvalidArgument("code must be one of " + JoinViews(ids), "unknown_prohibition_code"));
  }
  if (!input.purpose.empty() && config_->FindPurpose(input.purpose) == nullptr) {
    return done(config_->UnknownPurpose(input.purpose));
  }
  if (Status s = CheckChannel(input.channel); !s.ok()) return done(s);
  if (!input.channel.empty() && !code->channels.empty() &&
      std::find(code->channels.begin(), code->channels.end(), *config::ParseChannel(input.channel)) ==
          code->channels.end()) {
    return done(Status::InvalidArgument("code " + input.code + " does not cover channel " + input.channel +
                                            "; leave channel out or pick the code for that channel",
                                        "channel_not_covered"));
  }
  if (Status s = CheckMethod(input.method); !s.ok()) return done(s);
  const int64_t now = ToMicros(clock_.Now());
  auto row = std::make_shared<store::ProhibitionRow>();
  row->subject_id = std::move(subject_id);
  row->prohibition_id = random_.NewId("pro_");
  row->code = input.code;
  row->purpose = input.purpose;
  row->channel = input.channel;
  row->method = input.method;
  row->set_at = now;
  row->actor = actor.name;
  AuditEvent event{std::move(actor), "", "prohibition.set", row->subject_id,
                   "prohibition=" + row->prohibition_id + " code=" + row->code};
  CommitDecisionInput<store::ProhibitionRow>(
      store_, row, std::move(event), now,
      [](store::WriteTxn& txn, const store::ProhibitionRow& r) { return txn.InsertProhibition(r); },
      [this](const store::ProhibitionRow& r) { index_.ApplyProhibition(r); }, std::move(done));
}

void Consents::LiftProhibition(std::string subject_id, std::string prohibition_id, Actor actor,
                               Done<store::ProhibitionRow> done) {
  if (Status s = CheckSubject(subject_id); !s.ok()) return done(s);
  auto rows = store_.ListProhibitions(subject_id);
  if (!rows.ok()) return done(rows.status());
  auto it = std::find_if(rows->begin(), rows->end(),
                         [&](const store::ProhibitionRow& r) { return r.prohibition_id == prohibition_id; });
  if (it == rows->end()) {
    return done(Status::NotFound("the subject has no prohibition with this id", "prohibition_not_found"));
  }
  const int64_t now = ToMicros(clock_.Now());
  auto row = std::make_shared<store::ProhibitionRow>(*it);
  row->lifted_at = now;
  row->lifted_by = actor.name;
  AuditEvent event{std::move(actor), "", "prohibition.lift", row->subject_id,
                   "prohibition=" + row->prohibition_id + " code=" + row->code};
  CommitDecisionInput<store::ProhibitionRow>(
      store_, row, std::move(event), now,
      [now](store::WriteTxn& txn, const store::ProhibitionRow& r) {
        // The store checks again inside the transaction: a lift that raced another one fails there.
        return txn.LiftProhibition(r.subject_id, r.prohibition_id, now, r.lifted_by);
      },
      [this](const store::ProhibitionRow& r) { index_.ApplyProhibition(r); }, std::move(done));
}

Result<std::vector<store::ProhibitionRow>> Consents::Prohibitions(std::string_view subject_id) {
  TILLIT_RETURN_IF_ERROR(CheckSubject(subject_id));
  return store_.ListProhibitions(subject_id);
}

Result<nlohmann::json> Consents::Receipt(std::string_view subject_id, std::string_view event_id) {
  TILLIT_RETURN_IF_ERROR(CheckSubject(subject_id));
  TILLIT_ASSIGN_OR_RETURN(auto events, store_.ListConsentEvents(subject_id));
  auto it = std::find_if(events.begin(), events.end(),
                         [&](const store::ConsentEventRow& e) { return e.event_id == event_id; });
  if (it == events.end()) return Status::NotFound("no such consent event for this subject", "consent_event_not_found");
  std::vector<store::ConsentEventRow> event{*it};
  TILLIT_RETURN_IF_ERROR(Open(subject_id, event));
  if (it->action == "existing_customer") {
    return Status::FailedPrecondition(
        "this event records the existing-customer exception, which is not a consent; it has no consent receipt",
        "not_a_consent");
  }
  return ConsentReceipt(*config_, event.front());
}

Result<RenewalPage> Consents::Renewals(std::string_view cursor, size_t limit) {
  // The cursor is the hex of "subject\npurpose\nchannel": opaque to clients, and any id survives it.
  std::optional<RenewalKey> after;
  if (!cursor.empty()) {
    auto bytes = HexDecode(cursor);
    const std::string text = bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
    const size_t first = text.find('\n');
    const size_t second = first == std::string::npos ? first : text.find('\n', first + 1);
    if (second == std::string::npos || text.find('\n', second + 1) != std::string::npos) {
      return Status::InvalidArgument("the cursor is not one this server gave out; start again without it",
                                     "invalid_cursor");
    }
    after = RenewalKey{text.substr(0, first), text.substr(first + 1, second - first - 1), text.substr(second + 1)};
  }
  constexpr config::Duration kExpiringWithin{0, 30};
  RenewalPage page;
  page.items = index_.Renewals(after, limit, clock_.Now(), kExpiringWithin);
  if (limit > 0 && page.items.size() == limit) {
    const Renewal& last = page.items.back();
    const std::string key = last.subject_id + "\n" + last.purpose + "\n" + last.channel;
    page.next_cursor = HexEncode(std::span(reinterpret_cast<const uint8_t*>(key.data()), key.size()));
  }
  return page;
}

void Consents::RecordVisitor(std::string visitor_id, VisitorConsentInput input, Actor actor,
                             Done<store::VisitorConsentRow> done) {
  if (Status s = CheckVisitorId(visitor_id); !s.ok()) return done(s);
  auto row = std::make_shared<store::VisitorConsentRow>();
  for (const auto& [category, accepted] : input.categories) {
    if (category == config::CookieCategoryId(config::CookieCategory::kPreferences)) {
      row->preferences = accepted;
    } else if (category == config::CookieCategoryId(config::CookieCategory::kStatistics)) {
      row->statistics = accepted;
    } else if (category == config::CookieCategoryId(config::CookieCategory::kMarketing)) {
      row->marketing = accepted;
    } else if (category != config::CookieCategoryId(config::CookieCategory::kNecessary)) {
      // Necessary cookies need no consent: they are on whatever the banner sends.
      return done(Status::InvalidArgument(
          "unknown cookie category '" + category + "'; use necessary, preferences, statistics or marketing",
          "unknown_cookie_category"));
    }
  }
  if (input.banner_version.empty() || input.banner_version.size() > 128) {
    return done(Status::InvalidArgument("banner_version (up to 128 characters) names the banner text that was shown",
                                        "banner_version_required"));
  }
  if (input.language.empty()) input.language = config_->default_language();
  if (Status s = config_->CheckOfferedLanguage(input.language); !s.ok()) return done(s);
  // Global Privacy Control is an opt-out signal: it refuses tracking whatever the banner says.
  if (input.gpc) row->statistics = row->marketing = false;
  const int64_t now = ToMicros(clock_.Now());
  row->visitor_id = std::move(visitor_id);
  row->event_id = random_.NewId("vcn_");
  row->gpc = input.gpc;
  row->banner_version = std::move(input.banner_version);
  row->language = std::move(input.language);
  row->policy_version = policy_version_;
  row->at = now;
  row->actor = actor.name;
  // Ids and choices only: the visitor id stays out of the audit chain.
  AuditEvent event{std::move(actor), "", "visitor_consent.record", "",
                   "event=" + row->event_id + " preferences=" + std::string(Choice(row->preferences)) +
                       " statistics=" + std::string(Choice(row->statistics)) +
                       " marketing=" + std::string(Choice(row->marketing)) + (row->gpc ? " gpc=on" : " gpc=off")};
  store_.Write(
      [row, event, now](store::WriteTxn& txn) -> Status {
        TILLIT_RETURN_IF_ERROR(txn.InsertVisitorConsent(*row));
        return AppendAudit(txn, event, now);
      },
      [row, done = std::move(done)](const Status& s) {
        if (!s.ok()) return done(s);
        done(*row);
      });
}

Result<VisitorConsentState> Consents::Visitor(std::string_view visitor_id) {
  TILLIT_RETURN_IF_ERROR(CheckVisitorId(visitor_id));
  VisitorConsentState state;
  TILLIT_ASSIGN_OR_RETURN(state.history, store_.ListVisitorConsents(visitor_id));
  if (state.history.empty()) return Status::NotFound("no cookie choice recorded for this visitor", "visitor_not_found");
  TILLIT_ASSIGN_OR_RETURN(state.links, store_.ListVisitorLinks(visitor_id));
  return state;
}

void Consents::LinkVisitor(std::string visitor_id, std::string subject_id, Actor actor,
                           Done<store::VisitorLinkRow> done) {
  if (Status s = CheckVisitorId(visitor_id); !s.ok()) return done(s);
  if (subject_id.empty()) return done(Status::InvalidArgument("subject_id is required", "subject_required"));
  if (Status s = CheckSubject(subject_id); !s.ok()) return done(s);
  auto history = store_.ListVisitorConsents(visitor_id);
  if (!history.ok()) return done(history.status());
  if (history->empty()) {
    return done(Status::NotFound("no cookie choice recorded for this visitor", "visitor_not_found"));
  }
  const int64_t now = ToMicros(clock_.Now());
  auto row = std::make_shared<store::VisitorLinkRow>();
  row->visitor_id = std::move(visitor_id);
  row->subject_id = std::move(subject_id);
  row->linked_at = now;
  row->actor = actor.name;
  AuditEvent event{std::move(actor), "", "visitor.link", row->subject_id, "visitor_event=" + history->back().event_id};
  // The decision index is not told: a cookie choice never becomes consent for a purpose.
  store_.Write(
      [row, event, now](store::WriteTxn& txn) -> Status {
        TILLIT_RETURN_IF_ERROR(txn.LinkVisitor(*row));
        return AppendAudit(txn, event, now);
      },
      [row, done = std::move(done)](const Status& s) {
        if (!s.ok()) return done(s);
        done(*row);
      });
}

}  // namespace tillit::core
