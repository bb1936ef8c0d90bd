// Consents, objections, restrictions and prohibition codes: the subject's choices and states the decision engine reads.
// Consent events are append-only and name the policy version and the purpose's revision they were given under; an
// objection can be decided by staff (compelling grounds override it, except for direct marketing, where it is
// absolute); a restriction lasts until lifted, and lifting it records what the subject was told. Each change is one
// write with its audit entry, and the decision index learns of it after the commit and before the caller is answered.
//
// Thread safety: all methods may be called from any thread; callbacks run on the store's writer thread (or the
// caller's, for an early error).
#ifndef TILLIT_CORE_CONSENT_CONSENTS_H_
#define TILLIT_CORE_CONSENT_CONSENTS_H_

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "core/audit/audit.h"
#include "core/consent/decisions.h"
#include "core/disclosure/webhooks.h"
#include "crypto/blind_index.h"
#include "crypto/keyring.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/random.h"
#include "util/status.h"

namespace tillit::core {

struct ConsentInput {
  std::string purpose;
  std::string channel;  // "" for every channel
  std::string action;   // "given" | "withdrawn" | "refused" | "existing_customer"
  std::string method = "api";
  std::string language;       // the language the text was shown in; the controller's default when empty
  std::string user_agent;     // evidence, optional; sealed under the subject's key (core/consent/sealed_choices.h)
  std::string ip;             // evidence, optional: only its keyed hash is kept, sealed like the user agent
  std::optional<int64_t> at;  // when it was given; only for method "import" (now otherwise)
  bool unproven = false;      // an import without evidence
};

// A marketing prohibition code (core/consent/prohibitions.h), optionally narrowed to one purpose or one channel.
struct ProhibitionInput {
  std::string code;
  std::string purpose;  // "" for every purpose the code covers
  std::string channel;  // "" for every channel the code covers
  std::string method = "api";
};

struct ObjectionInput {
  std::string purpose;  // "" when only a channel is named
  std::string channel;
  std::string method = "api";
};

// A visitor's choice in the cookie banner. `categories` maps cookie categories ("necessary", "preferences",
// "statistics", "marketing") to whether they were accepted; a category left out is refused.
struct VisitorConsentInput {
  std::vector<std::pair<std::string, bool>> categories;
  std::string banner_version;  // the version of the banner text that was shown
  bool gpc = false;            // the browser sent Global Privacy Control
  std::string language;        // the controller's default language when empty
};

// What a visitor chose, oldest first (the last is the current choice), and the subjects it was linked to.
struct VisitorConsentState {
  std::vector<store::VisitorConsentRow> history;
  std::vector<store::VisitorLinkRow> links;
};

// A subject's consent state: the latest event per (purpose, channel) and every event.
struct ConsentState {
  std::vector<store::ConsentEventRow> current;
  std::vector<store::ConsentEventRow> history;
};

// A page of consents to renew; next_cursor is "" on the last page.
struct RenewalPage {
  std::vector<Renewal> items;
  std::string next_cursor;
};

class Consents {
 public:
  template <typename T>
  using Done = std::function<void(Result<T>)>;

  // Everything passed in must outlive the Consents. With `webhooks`, a consent event enqueues `consent.changed` and
  // a restriction `subject.restricted`, in the same commit. What describes the person — a consent's evidence, an
  // objection's decision reason, a restriction's reason and lift notice — is sealed under the subject's data key
  // from `keyring` (core/consent/sealed_choices.h); the rows these methods answer carry it opened.
  Consents(std::shared_ptr<const config::Config> config, std::string policy_version, store::Store& store,
           DecisionIndex& index, const crypto::Keyring& keyring, const crypto::BlindIndexer& indexer, Clock& clock,
           Random& random, const Webhooks* webhooks = nullptr);

  // Appends a consent event. InvalidArgument for an unknown purpose, channel, action or method (a method is one of
  // config::kConsentMethods: "invalid_method" lists them); NotFound for an unknown subject.
  void Record(std::string subject_id, ConsentInput input, Actor actor, Done<store::ConsentEventRow> done);
  Result<ConsentState> State(std::string_view subject_id);

  void Object(std::string subject_id, ObjectionInput input, Actor actor, Done<store::ObjectionRow> done);
  // outcome "overridden" (compelling legitimate grounds; `reason` required; not for direct marketing) or "upheld".
  void DecideObjection(std::string subject_id, std::string objection_id, std::string outcome, std::string reason,
                       Actor actor, Done<store::ObjectionRow> done);
  Result<std::vector<store::ObjectionRow>> Objections(std::string_view subject_id);

  void Restrict(std::string subject_id, std::string reason, Actor actor, Done<store::RestrictionRow> done);
  // Lifts the current restriction, telling the subject `notice` (a standard sentence when empty). NotFound
  // "not_restricted" when there is none.
  void Lift(std::string subject_id, std::string notice, Actor actor, Done<std::string> done);
  Result<std::vector<store::RestrictionRow>> Restrictions(std::string_view subject_id);

  // Records a prohibition code. InvalidArgument "unknown_prohibition_code", "unknown_purpose", "unknown_channel",
  // "invalid_method", "channel_not_covered" (a channel the code does not cover); NotFound "subject_not_found".
  void Prohibit(std::string subject_id, ProhibitionInput input, Actor actor, Done<store::ProhibitionRow> done);
  // Lifts one. NotFound "subject_not_found" / "prohibition_not_found"; FailedPrecondition "prohibition_lifted".
  void LiftProhibition(std::string subject_id, std::string prohibition_id, Actor actor,
                       Done<store::ProhibitionRow> done);
  // The subject's prohibitions, lifted ones too (the history), oldest first.
  Result<std::vector<store::ProhibitionRow>> Prohibitions(std::string_view subject_id);

  // The receipt of one consent event (core/consent/receipts.h). NotFound "subject_not_found" / "consent_event_not_found";
  // FailedPrecondition "not_a_consent" for an existing-customer event, which records no consent.
  Result<nlohmann::json> Receipt(std::string_view subject_id, std::string_view event_id);

  // The consents that need renewing now (DecisionIndex::Renewals), "expiring" meaning within 30 days: up to `limit`
  // after `cursor`, a next_cursor of an earlier page ("" for the first). InvalidArgument "invalid_cursor".
  Result<RenewalPage> Renewals(std::string_view cursor, size_t limit);

  // Cookie-banner choices of visitors, who are known only by the banner's opaque id (8 to 128 characters of
  // A-Z a-z 0-9 _ -). They are kept apart from subjects' consent events and never count as consent for a purpose,
  // not even once the visitor is linked to a subject: the decision index never learns of them (DESIGN.md, rule 3).
  // With Global Privacy Control on, statistics and marketing are stored as refused whatever was sent.
  // InvalidArgument "invalid_visitor_id", "unknown_cookie_category", "banner_version_required", "language_not_offered".
  void RecordVisitor(std::string visitor_id, VisitorConsentInput input, Actor actor,
                     Done<store::VisitorConsentRow> done);
  // NotFound "visitor_not_found" when the visitor has made no choice.
  Result<VisitorConsentState> Visitor(std::string_view visitor_id);
  // Links a visitor who logged in to the subject. NotFound "visitor_not_found" / "subject_not_found".
  void LinkVisitor(std::string visitor_id, std::string subject_id, Actor actor, Done<store::VisitorLinkRow> done);

 private:
  Status CheckSubject(std::string_view subject_id) const;
  // Opens the sealed members of the subject's `rows` (ConsentEventRow, ObjectionRow or RestrictionRow).
  template <typename Row>
  Status Open(std::string_view subject_id, std::vector<Row>& rows) const;

  std::shared_ptr<const config::Config> config_;
  std::string policy_version_;
  store::Store& store_;
  DecisionIndex& index_;
  const crypto::Keyring& keyring_;
  const crypto::BlindIndexer& indexer_;
  Clock& clock_;
  Random& random_;
  const Webhooks* webhooks_;
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_CONSENT_CONSENTS_H_
