// Decisions: "may I use this person's data for this purpose, over this channel?" — the hot path, and the only door:
// every read of personal data and every marketing export asks it. The rules of DESIGN.md run in a fixed order and
// the first that fails is the answer's rule:
//   1. erased subject: only the legal-hold purposes (accounting, legal_claims);
//   2. restricted subject (Art. 18(2)): only legal_claims, rights_fulfilment, public tasks and what the subject
//      consented to during the restriction;
//   3. an objection to the channel asked about;
//   4. consent purposes: the latest consent event for (purpose, channel) or (purpose, any channel) is "given", under
//      the purpose's current revision, not expired;
//   5. legitimate-interest purposes: no objection (absolute for direct marketing, and then for profiling too;
//      otherwise until staff record compelling grounds); e-mail and SMS marketing need consent or the
//      existing-customer exception;
//   6. contract, legal obligation, vital interest, public task: allowed.
// Then, for what the rules above allow, DESIGN.md's rule 6 on marketing channels and prohibition codes:
//   a. a prohibition code that covers the purpose and channel (core/consent/prohibitions.h): `prohibition_code`;
//   b. phone / post direct marketing to a subject of a country whose opt-out register the configuration declares
//      ([[marketing.opt_out_register]]), unless the subject consented to it or is an existing customer where that
//      register exempts them: no copy imported, or one older than the register's max_age →
//      `opt_out_register_stale`; the subject's phone (for phone) or postal address (for post) listed →
//      `opt_out_register`.
// The subject's country is the country of its postal address, else of its phone number, else the controller's; it
// also decides whether e-mail/SMS marketing may rely on the existing-customer exception (config/countries.h).
// The answer's `basis` is the purpose's legal basis.
//
// The state decisions need lives in memory: rebuilt from the store at start, updated after each commit and before
// the write is acknowledged, so a decision asked right after a write sees it and a restart never changes an answer.
//
// Thread safety: all methods may be called from any thread (a shared mutex guards the index).
#ifndef TILLIT_CORE_CONSENT_DECISIONS_H_
#define TILLIT_CORE_CONSENT_DECISIONS_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "core/consent/subject_id_map.h"
#include "crypto/blind_index.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/mutex.h"
#include "util/status.h"

namespace tillit::core {

struct Decision {
  bool allow = false;
  std::string_view rule;   // "consent", "legitimate_interest", "existing_customer" … or why not: "no_consent" …
  std::string_view basis;  // the purpose's legal basis: "consent", "contract" …
};

// A subject's current consent for a consent-based purpose that needs renewing (DecisionIndex::Renewals).
struct Renewal {
  std::string subject_id;
  std::string purpose;
  std::string channel;      // "" for every channel
  std::string_view reason;  // "consent_outdated" | "consent_expired" | "expiring" | "unproven"
  int64_t given_at = 0;     // microseconds since the epoch
  std::optional<int64_t> expires_at;
};

// A keyset position in the renewals list: the key of the previous page's last item.
struct RenewalKey {
  std::string subject_id;
  std::string purpose;
  std::string channel;
};

class DecisionIndex {
 public:
  explicit DecisionIndex(std::shared_ptr<const config::Config> config) : config_(std::move(config)) {}

  DecisionIndex(const DecisionIndex&) = delete;
  DecisionIndex& operator=(const DecisionIndex&) = delete;

  // The id a write puts on the decision-change feed when an opt-out register was imported: every server reloads
  // the registers (ReloadRegisters) instead of one subject.
  static constexpr std::string_view kRegistersChanged = "*opt_out_registers";

  // Lets the index read subjects' countries (their kCountry blind index) from the store. Without it every subject
  // counts as being of the controller's country. Call before Rebuild; `indexer` must outlive the index.
  void SetIndexer(const crypto::BlindIndexer& indexer);

  // Loads every subject, consent event, objection, active restriction and prohibition, the subjects' countries,
  // and the opt-out registers with the subjects they list, from the store.
  Status Rebuild(store::Store& store);
  // Reloads the opt-out registers' import times and which subjects they list (after `tillit suppress import`).
  Status ReloadRegisters(store::Store& store);
  // Reloads one subject's state from the store: what another server on the same database changed, or a
  // read-through for a decision that must see the database (`consistent=true`).
  Status Refresh(store::Store& store, const std::string& subject_id);

  // What a committed write changed. Call after the commit and before acknowledging it.
  void AddSubject(const std::string& subject_id);
  void ApplyConsent(const store::ConsentEventRow& event);
  void ApplyObjection(const store::ObjectionRow& objection);
  void SetRestricted(const std::string& subject_id, std::optional<int64_t> since);
  void SetErased(const std::string& subject_id);
  // A new subject's country (ISO code, "" when unknown) and the opt-out registers that list its phone or postal
  // address, worked out before its write (so the writer thread reads nothing).
  void SetMarketingFacts(const std::string& subject_id, std::string country,
                         std::vector<std::pair<std::string, store::IndexKind>> listed);
  // Adds an unlifted prohibition or removes a lifted one.
  void ApplyProhibition(const store::ProhibitionRow& prohibition);

  // NotFound "subject_not_found" for an unknown subject; InvalidArgument "unknown_purpose" / "unknown_channel".
  Result<Decision> Decide(std::string_view subject_id, std::string_view purpose, std::string_view channel,
                          TimePoint now) const;

  // The ids of every subject whose decision for (purpose, channel) allows at `now`, in no particular order: the
  // audience of a marketing export. Errors as Decide.
  Result<std::vector<std::string>> Allowed(std::string_view purpose, std::string_view channel, TimePoint now) const;

  // The consents to renew at `now`, ordered by (subject_id, purpose, channel), at most `limit` after `after`: every
  // latest "given" event for a consent-based purpose whose decision is `consent_outdated` (given under an older
  // revision) or `consent_expired`, or that still allows but expires within `horizon` ("expiring") or was imported
  // without evidence ("unproven") — the first of these that applies. Subjects whose decision is denied for another
  // reason (withdrawn later, objected, restricted, erased) are not listed. Walks the index, not the store.
  std::vector<Renewal> Renewals(const std::optional<RenewalKey>& after, size_t limit, TimePoint now,
                                const config::Duration& horizon) const;

  // Whether the subject has any consent event for `purpose` (given, withdrawn, refused or existing customer, on any
  // channel): a choice made or a fact recorded, which a later sale must not override.
  bool HasConsentFacts(std::string_view subject_id, std::string_view purpose) const;

  bool Contains(std::string_view subject_id) const;
  size_t size() const;

 private:
  enum class Action : uint8_t { kGiven, kWithdrawn, kRefused, kExistingCustomer, kOther };
  // The latest consent event for one (purpose, channel), in 24 bytes: the index holds one per subject and purpose.
  struct ConsentFact {
    int64_t at = 0;
    int32_t revision = 0;
    uint16_t purpose = 0;  // index into config_->purposes (events for purposes the configuration lacks are not kept)
    uint8_t channel = 0;   // 0: every channel; else 1 + config::Channel
    Action action = Action::kOther;
    bool unproven = false;  // imported without evidence
  };
  struct ObjectionFact {
    std::string id;
    std::string purpose;
    std::string channel;
    std::string status;
  };
  struct ProhibitionFact {
    std::string id;
    std::string code;
    std::string purpose;
    std::string channel;
  };
  struct Listing {
    std::string register_id;
    store::IndexKind kind;  // kPhone or kPostalAddress: which of the subject's values the register lists
  };
  // What few subjects have: kept out of line, so the common subject stays small.
  struct Extra {
    std::vector<ObjectionFact> objections;
    std::vector<ProhibitionFact> prohibitions;  // unlifted
    std::vector<Listing> listed;                // opt-out registers that list the subject
  };
  struct SubjectState {
    // Raised by every change this server applies, so a refresh loaded meanwhile does not overwrite a newer state
    // (the feed brings the subject round again).
    uint32_t version = 0;
    bool erased = false;
    std::array<char, 2> country{};  // ISO code; zeros when unknown (the controller's then)
    std::optional<int64_t> restricted_since;
    std::vector<ConsentFact> consents;  // the latest event per (purpose, channel)
    std::unique_ptr<Extra> extra;       // null while the subject has none of it
  };

  static Extra& ExtraOf(SubjectState& state);
  static const Extra& ExtraOf(const SubjectState& state);
  static std::string_view CountryOf(const SubjectState& state);
  static void SetCountry(SubjectState& state, std::string_view country);
  static uint8_t ChannelCode(std::string_view channel);
  static std::string_view ChannelName(uint8_t code);
  // The index of `purpose` in the configuration; nullopt for a purpose it lacks.
  std::optional<uint16_t> PurposeIndex(std::string_view purpose) const;

  void Merge(SubjectState& state, const store::ConsentEventRow& event) const;
  static void Merge(SubjectState& state, const store::ObjectionRow& objection);
  static void Merge(SubjectState& state, const store::ProhibitionRow& prohibition);
  // The country of a kCountry index value; "" when it is none this index knows.
  std::string CountryOfIndex(const std::vector<uint8_t>& index) const;
  // The latest consent fact for purpose `purpose` (an index) over `channel` (a ChannelCode), or for every channel.
  static const ConsentFact* LatestConsent(const SubjectState& state, uint16_t purpose, uint8_t channel);
  // Rule 6 for what rules 1–5 allowed.
  Decision ChannelRules(const SubjectState& state, const config::Purpose& p, std::string_view channel, int64_t now,
                        Decision allowed) const TILLIT_REQUIRES_SHARED(mu_);
  Decision Evaluate(const SubjectState& state, const config::Purpose& purpose, std::string_view channel,
                    int64_t now) const TILLIT_REQUIRES_SHARED(mu_);

  std::shared_ptr<const config::Config> config_;
  mutable SharedMutex mu_;
  SubjectIdMap<SubjectState> subjects_ TILLIT_GUARDED_BY(mu_);
  std::unordered_map<std::string, int64_t> register_imported_at_ TILLIT_GUARDED_BY(mu_);
  std::map<std::vector<uint8_t>, std::string> country_by_index_;   // set once by SetIndexer, before any reader
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_CONSENT_DECISIONS_H_
