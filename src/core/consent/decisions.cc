#include "core/consent/decisions.h"

#include <algorithm>
#include <mutex>
#include <tuple>
#include <utility>

#include "config/countries.h"
#include "core/consent/prohibitions.h"

namespace tillit::core {
namespace {

using config::LegalBasis;

constexpr std::string_view kAccounting = "accounting";
constexpr std::string_view kProfiling = "profiling";

Decision Allow(std::string_view rule, std::string_view basis) { return {true, rule, basis}; }
Decision Deny(std::string_view rule, std::string_view basis) { return {false, rule, basis}; }

bool Blocks(std::string_view status) { return status == "active" || status == "upheld"; }

}  // namespace

DecisionIndex::Extra& DecisionIndex::ExtraOf(SubjectState& state) {
  if (!state.extra) state.extra = std::make_unique<Extra>();
  return *state.extra;
}

const DecisionIndex::Extra& DecisionIndex::ExtraOf(const SubjectState& state) {
  static const Extra kNone;
  return state.extra ? *state.extra : kNone;
}

std::string_view DecisionIndex::CountryOf(const SubjectState& state) {
  return state.country[0] == 0 ? std::string_view() : std::string_view(state.country.data(), 2);
}

void DecisionIndex::SetCountry(SubjectState& state, std::string_view country) {
  state.country = {};
  if (country.size() == 2) state.country = {country[0], country[1]};
}

uint8_t DecisionIndex::ChannelCode(std::string_view channel) {
  if (channel.empty()) return 0;
  auto parsed = config::ParseChannel(channel);
  return parsed ? static_cast<uint8_t>(1 + static_cast<int>(*parsed)) : uint8_t{255};
}

std::string_view DecisionIndex::ChannelName(uint8_t code) {
  if (code == 0 || code == 255) return {};
  return config::ChannelId(static_cast<config::Channel>(code - 1));
}

std::optional<uint16_t> DecisionIndex::PurposeIndex(std::string_view purpose) const {
  for (size_t i = 0; i < config_->purposes.size(); ++i) {
    if (config_->purposes[i].id == purpose) return static_cast<uint16_t>(i);
  }
  return std::nullopt;
}

void DecisionIndex::Merge(SubjectState& state, const store::ConsentEventRow& event) const {
  // A purpose the configuration no longer has cannot be asked about: its events need no place in memory.
  const auto purpose = PurposeIndex(event.purpose);
  if (!purpose) return;
  Action action = Action::kOther;
  if (event.action == "given") action = Action::kGiven;
  if (event.action == "withdrawn") action = Action::kWithdrawn;
  if (event.action == "refused") action = Action::kRefused;
  if (event.action == "existing_customer") action = Action::kExistingCustomer;
  const ConsentFact fact{
      event.at, static_cast<int32_t>(event.revision), *purpose, ChannelCode(event.channel), action, event.unproven};
  for (auto& known : state.consents) {
    if (known.purpose == fact.purpose && known.channel == fact.channel) {
      if (event.at >= known.at) known = fact;
      return;
    }
  }
  state.consents.push_back(fact);
}

void DecisionIndex::Merge(SubjectState& state, const store::ObjectionRow& objection) {
  for (auto& fact : ExtraOf(state).objections) {
    if (fact.id == objection.objection_id) {
      fact.status = objection.status;
      return;
    }
  }
  ExtraOf(state).objections.push_back({objection.objection_id, objection.purpose, objection.channel, objection.status});
}

void DecisionIndex::Merge(SubjectState& state, const store::ProhibitionRow& prohibition) {
  auto& facts = ExtraOf(state).prohibitions;
  facts.erase(std::remove_if(facts.begin(), facts.end(),
                             [&](const ProhibitionFact& f) { return f.id == prohibition.prohibition_id; }),
              facts.end());
  if (prohibition.lifted_at) return;
  facts.push_back({prohibition.prohibition_id, prohibition.code, prohibition.purpose, prohibition.channel});
}

const DecisionIndex::ConsentFact* DecisionIndex::LatestConsent(const SubjectState& state, uint16_t purpose,
                                                               uint8_t channel) {
  const ConsentFact* best = nullptr;
  for (const auto& c : state.consents) {
    if (c.purpose != purpose || (c.channel != 0 && c.channel != channel)) continue;
    if (best == nullptr || c.at > best->at || (c.at == best->at && c.channel != 0)) best = &c;
  }
  return best;
}

void DecisionIndex::SetIndexer(const crypto::BlindIndexer& indexer) {
  for (std::string_view code : config::KnownCountryCodes()) {
    country_by_index_.emplace(indexer.Index(crypto::IndexKind::kCountry, code), std::string(code));
  }
}

std::string DecisionIndex::CountryOfIndex(const std::vector<uint8_t>& index) const {
  auto it = country_by_index_.find(index);
  return it != country_by_index_.end() ? it->second : std::string();
}

Status DecisionIndex::ReloadRegisters(store::Store& store) {
  TILLIT_ASSIGN_OR_RETURN(auto registers, store.ListOptOutRegisters());
  TILLIT_ASSIGN_OR_RETURN(auto matches, store.ListOptOutMatches(""));
  WriterLock lock(mu_);
  register_imported_at_.clear();
  for (const auto& r : registers) register_imported_at_[r.register_id] = r.imported_at;
  subjects_.ForEachValue([](SubjectState& state) {
    if (state.extra) state.extra->listed.clear();
  });
  for (const auto& m : matches) {
    if (SubjectState* state = subjects_.Find(m.subject_id)) ExtraOf(*state).listed.push_back({m.register_id, m.kind});
  }
  return Status::Ok();
}

Status DecisionIndex::Rebuild(store::Store& store) {
  SubjectIdMap<SubjectState> loaded;
  constexpr size_t kPage = 5000;
  std::optional<std::pair<int64_t, std::string>> after;
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto page, store.ListSubjects(after, kPage));
    loaded.reserve(loaded.size() + page.size());
    for (const auto& s : page) loaded[s.id].erased = s.erased_at.has_value();
    if (page.size() < kPage) break;
    after = std::make_pair(page.back().created_at, page.back().id);
  }
  // Each table read in keyset pages of (subject id, row id) until a page comes back short.
  auto scan_all = [&](auto scan, auto id_of, auto apply) -> Status {
    std::string subject, id;
    while (true) {
      TILLIT_ASSIGN_OR_RETURN(auto page, scan(subject, id));
      for (const auto& row : page) apply(row);
      if (page.size() < kPage) return Status::Ok();
      subject = page.back().subject_id;
      id = id_of(page.back());
    }
  };
  TILLIT_RETURN_IF_ERROR(scan_all(
      [&](const std::string& s, const std::string& i) { return store.ScanConsentEvents(s, i, kPage); },
      [](const auto& e) { return e.event_id; }, [&](const auto& e) { Merge(loaded[e.subject_id], e); }));
  TILLIT_RETURN_IF_ERROR(scan_all(
      [&](const std::string& s, const std::string& i) { return store.ScanObjections(s, i, kPage); },
      [](const auto& o) { return o.objection_id; }, [&](const auto& o) { Merge(loaded[o.subject_id], o); }));
  TILLIT_RETURN_IF_ERROR(scan_all(
      [&](const std::string& s, const std::string& i) { return store.ScanActiveRestrictions(s, i, kPage); },
      [](const auto& r) { return r.restriction_id; },
      [&](const auto& r) { loaded[r.subject_id].restricted_since = r.started_at; }));
  TILLIT_RETURN_IF_ERROR(scan_all(
      [&](const std::string& s, const std::string& i) { return store.ScanActiveProhibitions(s, i, kPage); },
      [](const auto& p) { return p.prohibition_id; }, [&](const auto& p) { Merge(loaded[p.subject_id], p); }));
  if (!country_by_index_.empty()) {
    std::string subject;
    std::vector<uint8_t> value;
    while (true) {
      TILLIT_ASSIGN_OR_RETURN(auto page, store.ScanSharedIndex(store::IndexKind::kCountry, "", value, subject, kPage));
      for (const auto& [owner, index] : page) {
        if (SubjectState* state = loaded.Find(owner)) SetCountry(*state, CountryOfIndex(index));
      }
      if (page.size() < kPage) break;
      subject = page.back().first;
      value = page.back().second;
    }
  }
  {
    WriterLock lock(mu_);
    subjects_ = std::move(loaded);
  }
  return ReloadRegisters(store);
}

Status DecisionIndex::Refresh(store::Store& store, const std::string& subject_id) {
  uint32_t seen = 0;
  {
    ReaderLock lock(mu_);
    if (const SubjectState* known = subjects_.Find(subject_id)) seen = known->version;
  }
  TILLIT_ASSIGN_OR_RETURN(auto subject, store.FindSubject(subject_id));
  SubjectState state;
  if (subject) {
    state.erased = subject->erased_at.has_value();
    TILLIT_ASSIGN_OR_RETURN(auto consents, store.ListConsentEvents(subject_id));
    for (const auto& e : consents) Merge(state, e);
    TILLIT_ASSIGN_OR_RETURN(auto objections, store.ListObjections(subject_id));
    for (const auto& o : objections) Merge(state, o);
    TILLIT_ASSIGN_OR_RETURN(auto restrictions, store.ListRestrictions(subject_id));
    for (const auto& r : restrictions) {
      if (!r.lifted_at) state.restricted_since = r.started_at;
    }
    TILLIT_ASSIGN_OR_RETURN(auto prohibitions, store.ListProhibitions(subject_id));
    for (const auto& p : prohibitions) Merge(state, p);
    if (!country_by_index_.empty()) {
      TILLIT_ASSIGN_OR_RETURN(auto countries, store.ScanSharedIndex(store::IndexKind::kCountry, subject_id, {}, "", 4));
      for (const auto& [owner, index] : countries) SetCountry(state, CountryOfIndex(index));
    }
    TILLIT_ASSIGN_OR_RETURN(auto matches, store.ListOptOutMatches(subject_id));
    for (const auto& m : matches) ExtraOf(state).listed.push_back({m.register_id, m.kind});
  }
  WriterLock lock(mu_);
  const SubjectState* known = subjects_.Find(subject_id);
  // A change applied here while the store was read is newer than what was read: keep it.
  if (known != nullptr && known->version != seen) return Status::Ok();
  if (!subject) {
    subjects_.Erase(subject_id);
    return Status::Ok();
  }
  state.version = seen;
  subjects_[subject_id] = std::move(state);
  return Status::Ok();
}

void DecisionIndex::AddSubject(const std::string& subject_id) {
  WriterLock lock(mu_);
  ++subjects_[subject_id].version;
}

void DecisionIndex::ApplyConsent(const store::ConsentEventRow& event) {
  WriterLock lock(mu_);
  SubjectState& state = subjects_[event.subject_id];
  Merge(state, event);
  ++state.version;
}

void DecisionIndex::ApplyObjection(const store::ObjectionRow& objection) {
  WriterLock lock(mu_);
  SubjectState& state = subjects_[objection.subject_id];
  Merge(state, objection);
  ++state.version;
}

void DecisionIndex::SetRestricted(const std::string& subject_id, std::optional<int64_t> since) {
  WriterLock lock(mu_);
  SubjectState& state = subjects_[subject_id];
  state.restricted_since = since;
  ++state.version;
}

void DecisionIndex::SetErased(const std::string& subject_id) {
  WriterLock lock(mu_);
  SubjectState& state = subjects_[subject_id];
  const uint32_t version = state.version + 1;
  state = SubjectState{};
  state.erased = true;
  state.version = version;
}

void DecisionIndex::SetMarketingFacts(const std::string& subject_id, std::string country,
                                      std::vector<std::pair<std::string, store::IndexKind>> listed) {
  WriterLock lock(mu_);
  SubjectState& state = subjects_[subject_id];
  SetCountry(state, country);
  if (state.extra) state.extra->listed.clear();
  for (auto& [register_id, kind] : listed) ExtraOf(state).listed.push_back({std::move(register_id), kind});
  ++state.version;
}

void DecisionIndex::ApplyProhibition(const store::ProhibitionRow& prohibition) {
  WriterLock lock(mu_);
  SubjectState& state = subjects_[prohibition.subject_id];
  Merge(state, prohibition);
  ++state.version;
}

bool DecisionIndex::HasConsentFacts(std::string_view subject_id, std::string_view purpose) const {
  const auto index = PurposeIndex(purpose);
  if (!index) return false;
  ReaderLock lock(mu_);
  const SubjectState* state = subjects_.Find(subject_id);
  if (state == nullptr) return false;
  return std::any_of(state->consents.begin(), state->consents.end(),
                     [&](const ConsentFact& c) { return c.purpose == *index; });
}

bool DecisionIndex::Contains(std::string_view subject_id) const {
  ReaderLock lock(mu_);
  return subjects_.Find(subject_id) != nullptr;
}

size_t DecisionIndex::size() const {
  ReaderLock lock(mu_);
  return subjects_.size();
}

Result<Decision> DecisionIndex::Decide(std::string_view subject_id, std::string_view purpose, std::string_view channel,
                                       TimePoint now) const {
  const config::Purpose* p = config_->FindPurpose(purpose);
  if (p == nullptr) return config_->UnknownPurpose(purpose);
  if (!channel.empty() && !config::ParseChannel(channel)) {
    return Status::InvalidArgument("unknown channel '" + std::string(channel) + "'; use email, sms, phone or post",
                                   "unknown_channel");
  }
  ReaderLock lock(mu_);
  const SubjectState* state = subjects_.Find(subject_id);
  if (state == nullptr) return Status::NotFound("no subject with this id", "subject_not_found");
  return Evaluate(*state, *p, channel, ToMicros(now));
}

Result<std::vector<std::string>> DecisionIndex::Allowed(std::string_view purpose, std::string_view channel,
                                                        TimePoint now) const {
  const config::Purpose* p = config_->FindPurpose(purpose);
  if (p == nullptr) return config_->UnknownPurpose(purpose);
  if (!channel.empty() && !config::ParseChannel(channel)) {
    return Status::InvalidArgument("unknown channel '" + std::string(channel) + "'; use email, sms, phone or post",
                                   "unknown_channel");
  }
  const int64_t at = ToMicros(now);
  std::vector<std::string> ids;
  ReaderLock lock(mu_);
  // The callback runs inside ForEach, under the lock taken here; the analysis cannot follow it there.
  subjects_.ForEach([&](std::string id, const SubjectState& state) TILLIT_NO_THREAD_SAFETY_ANALYSIS {
    if (Evaluate(state, *p, channel, at).allow) ids.push_back(std::move(id));
  });
  return ids;
}

std::vector<Renewal> DecisionIndex::Renewals(const std::optional<RenewalKey>& after, size_t limit, TimePoint now,
                                             const config::Duration& horizon) const {
  const int64_t at = ToMicros(now);
  const int64_t soon = ToMicros(config::AddDuration(now, horizon));
  const auto key_less = [](const Renewal& a, const Renewal& b) {
    return std::tie(a.subject_id, a.purpose, a.channel) < std::tie(b.subject_id, b.purpose, b.channel);
  };
  // A max-heap of the `limit` smallest keys after `after`: a page costs one walk of the index, whatever its place.
  std::vector<Renewal> page;
  if (limit == 0) return page;
  ReaderLock lock(mu_);
  // The callback runs inside ForEach, under the lock taken here; the analysis cannot follow it there.
  subjects_.ForEach([&](const std::string& id, const SubjectState& state) TILLIT_NO_THREAD_SAFETY_ANALYSIS {
    if (state.erased) return;
    if (after && id < after->subject_id) return;
    for (const ConsentFact& c : state.consents) {
      if (c.action != Action::kGiven) continue;
      const config::Purpose* p = &config_->purposes[c.purpose];
      if (p->legal_basis != LegalBasis::kConsent) continue;
      const std::string_view purpose = p->id;
      const std::string_view channel = ChannelName(c.channel);
      // Compared as string views on both sides: one type per position, as every standard library accepts.
      using Key = std::tuple<std::string_view, std::string_view, std::string_view>;
      const Key key{id, purpose, channel};
      if (after && key <= Key{after->subject_id, after->purpose, after->channel}) continue;
      if (!page.empty() && page.size() >= limit &&
          key >= Key{page.front().subject_id, page.front().purpose, page.front().channel}) {
        continue;
      }
      // A consent for one channel is not current when a later event for every channel replaced it.
      const bool replaced =
          c.channel != 0 && std::any_of(state.consents.begin(), state.consents.end(), [&](const ConsentFact& o) {
            return o.purpose == c.purpose && o.channel == 0 && o.at > c.at;
          });
      if (replaced) continue;
      std::optional<int64_t> expires;
      if (p->consent_validity) expires = ToMicros(config::AddDuration(FromMicros(c.at), *p->consent_validity));
      const Decision d = Evaluate(state, *p, channel, at);
      std::string_view reason;
      if (d.rule == "consent_outdated" || d.rule == "consent_expired") {
        reason = d.rule;
      } else if (d.allow && d.rule == "consent" && expires && *expires <= soon) {
        reason = "expiring";
      } else if (d.allow && d.rule == "consent" && c.unproven) {
        reason = "unproven";
      } else {
        continue;
      }
      page.push_back({id, std::string(purpose), std::string(channel), reason, c.at, expires});
      std::push_heap(page.begin(), page.end(), key_less);
      if (page.size() > limit) {
        std::pop_heap(page.begin(), page.end(), key_less);
        page.pop_back();
      }
    }
  });
  std::sort_heap(page.begin(), page.end(), key_less);
  return page;
}

Decision DecisionIndex::Evaluate(const SubjectState& state, const config::Purpose& p, std::string_view channel,
                                 int64_t now) const {
  const std::string_view basis = config::LegalBasisId(p.legal_basis);

  const uint16_t purpose_index = static_cast<uint16_t>(&p - config_->purposes.data());
  const uint8_t channel_code = ChannelCode(channel);
  const Extra& extra = ExtraOf(state);
  auto objected = [&](std::string_view purpose, bool overrides_count) {
    for (const auto& o : extra.objections) {
      if (o.purpose != purpose || (!o.channel.empty() && o.channel != channel)) continue;
      if (Blocks(o.status) || (!overrides_count && o.status == "overridden")) return true;
    }
    return false;
  };

  // 1. Erased: only legal-hold data, for the purpose that holds it.
  if (state.erased) {
    if (p.id == kAccounting || p.id == config::kLegalClaims) return Allow("legal_hold", basis);
    return Deny("erased", basis);
  }
  // 2. Restricted (Art. 18(2)).
  if (state.restricted_since) {
    const ConsentFact* c = LatestConsent(state, purpose_index, channel_code);
    const bool consented_during = c != nullptr && c->action == Action::kGiven && c->at >= *state.restricted_since;
    const bool exempt =
        p.id == config::kLegalClaims || p.id == config::kRightsFulfilment || p.legal_basis == LegalBasis::kPublicTask;
    if (!consented_during && !exempt) return Deny("restricted", basis);
  }
  // 3. An objection to the channel itself, whatever the purpose.
  if (!channel.empty()) {
    for (const auto& o : extra.objections) {
      if (o.purpose.empty() && o.channel == channel && o.status != "overridden") return Deny("objected", basis);
    }
    if (!p.channels.empty()) {
      auto parsed = config::ParseChannel(channel);
      if (std::find(p.channels.begin(), p.channels.end(), *parsed) == p.channels.end()) {
        return Deny("channel_not_declared", basis);
      }
    }
  }
  // Profiling for marketing stops with an objection to direct marketing (Art. 21(3)).
  if (p.id == kProfiling) {
    for (const auto& other : config_->purposes) {
      if (IsDirectMarketing(other) && objected(other.id, /*overrides_count=*/false)) return Deny("objected", basis);
    }
  }

  const Decision by_basis = [&]() -> Decision {
    switch (p.legal_basis) {
      case LegalBasis::kConsent: {
        const ConsentFact* c = LatestConsent(state, purpose_index, channel_code);
        if (c == nullptr || c->action == Action::kExistingCustomer) return Deny("no_consent", basis);
        if (c->action == Action::kWithdrawn) return Deny("consent_withdrawn", basis);
        if (c->action != Action::kGiven) return Deny("consent_refused", basis);
        if (c->revision < p.revision) return Deny("consent_outdated", basis);
        if (p.consent_validity && ToMicros(config::AddDuration(FromMicros(c->at), *p.consent_validity)) <= now) {
          return Deny("consent_expired", basis);
        }
        if (objected(p.id, /*overrides_count=*/false)) return Deny("objected", basis);
        return Allow("consent", basis);
      }
      case LegalBasis::kLegitimateInterest: {
        const bool marketing = IsDirectMarketing(p);
        // An objection to direct marketing is absolute; to anything else it holds until compelling grounds.
        if (objected(p.id, /*overrides_count=*/!marketing)) return Deny("objected", basis);
        if (marketing && (channel == "email" || channel == "sms")) {
          const ConsentFact* c = LatestConsent(state, purpose_index, channel_code);
          if (c != nullptr && c->action == Action::kGiven) return Allow("consent", basis);
          if (c != nullptr && c->action == Action::kWithdrawn) return Deny("consent_withdrawn", basis);
          if (c != nullptr && c->action == Action::kRefused) return Deny("consent_refused", basis);
          // The subject's own country decides whether its law has the exception (ePrivacy Art. 13(2)).
          const std::string_view own = CountryOf(state);
          const std::string_view country = own.empty() ? std::string_view(config_->controller.country) : own;
          if (c != nullptr && c->action == Action::kExistingCustomer &&
              config_->marketing.existing_customer_exception && p.own_similar_products &&
              config::AllowsExistingCustomerException(country)) {
            return Allow("existing_customer", basis);
          }
          return Deny("not_existing_customer", basis);
        }
        if (marketing) {
          // A withdrawal recorded for the purpose stops it on every channel.
          const ConsentFact* c = LatestConsent(state, purpose_index, channel_code);
          if (c != nullptr && c->action == Action::kWithdrawn) return Deny("consent_withdrawn", basis);
          if (c != nullptr && c->action == Action::kRefused) return Deny("consent_refused", basis);
        }
        return Allow("legitimate_interest", basis);
      }
      default:
        return Allow(basis, basis);
    }
  }();
  if (!by_basis.allow) return by_basis;
  return ChannelRules(state, p, channel, now, by_basis);
}

Decision DecisionIndex::ChannelRules(const SubjectState& state, const config::Purpose& p, std::string_view channel,
                                     int64_t now, Decision allowed) const {
  // 6a. A prohibition code that covers the purpose over the channel.
  const Extra& extra = ExtraOf(state);
  for (const auto& f : extra.prohibitions) {
    const ProhibitionCode* code = FindProhibitionCode(f.code);
    if (code != nullptr && ProhibitionCovers(*code, f.purpose, f.channel, p, channel)) {
      return Deny("prohibition_code", allowed.basis);
    }
  }
  if (!IsDirectMarketing(p) || (channel != "phone" && channel != "post")) return allowed;

  // 6b. National opt-out registers, for phone and post. A subject who asked for this marketing is not held back by
  // a register; an existing customer is not where the register exempts existing customers.
  const ConsentFact* latest =
      LatestConsent(state, static_cast<uint16_t>(&p - config_->purposes.data()), ChannelCode(channel));
  if (latest != nullptr && latest->action == Action::kGiven) return allowed;
  const bool existing_customer = latest != nullptr && latest->action == Action::kExistingCustomer;
  const std::string_view own = CountryOf(state);
  const std::string_view country = own.empty() ? std::string_view(config_->controller.country) : own;
  const auto asked = config::ParseChannel(channel);
  const store::IndexKind by = channel == "phone" ? store::IndexKind::kPhone : store::IndexKind::kPostalAddress;
  for (const auto& r : config_->marketing.opt_out_registers) {
    if (std::find(r.channels.begin(), r.channels.end(), *asked) == r.channels.end()) continue;
    if (existing_customer && r.existing_customers_exempt) continue;
    const bool listed = std::any_of(extra.listed.begin(), extra.listed.end(),
                                    [&](const Listing& l) { return l.register_id == r.id && l.kind == by; });
    if (!listed && r.country != country) continue;
    auto imported = register_imported_at_.find(r.id);
    if (imported == register_imported_at_.end() ||
        ToMicros(config::AddDuration(FromMicros(imported->second), r.max_age)) <= now) {
      return Deny("opt_out_register_stale", allowed.basis);
    }
    if (listed) return Deny("opt_out_register", allowed.basis);
  }
  return allowed;
}

}  // namespace tillit::core
