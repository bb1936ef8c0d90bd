#include "core/decisions.h"

#include <algorithm>
#include <mutex>
#include <tuple>

#include "config/countries.h"
#include "core/prohibitions.h"

namespace tillit::core {
namespace {

using config::LegalBasis;

constexpr std::string_view kAccounting = "accounting";
constexpr std::string_view kProfiling = "profiling";

Decision Allow(std::string_view rule, std::string_view basis) { return {true, rule, basis}; }
Decision Deny(std::string_view rule, std::string_view basis) { return {false, rule, basis}; }

bool Blocks(std::string_view status) { return status == "active" || status == "upheld"; }

}  // namespace

void DecisionIndex::Merge(SubjectState& state, const store::ConsentEventRow& event) {
  ConsentFact fact{event.purpose, event.channel, event.action, event.at, event.revision, event.unproven};
  for (auto& known : state.consents) {
    if (known.purpose == event.purpose && known.channel == event.channel) {
      if (event.at >= known.at) known = std::move(fact);
      return;
    }
  }
  state.consents.push_back(std::move(fact));
}

void DecisionIndex::Merge(SubjectState& state, const store::ObjectionRow& objection) {
  for (auto& fact : state.objections) {
    if (fact.id == objection.objection_id) {
      fact.status = objection.status;
      return;
    }
  }
  state.objections.push_back({objection.objection_id, objection.purpose, objection.channel, objection.status});
}

void DecisionIndex::Merge(SubjectState& state, const store::ProhibitionRow& prohibition) {
  auto& facts = state.prohibitions;
  facts.erase(std::remove_if(facts.begin(), facts.end(),
                             [&](const ProhibitionFact& f) { return f.id == prohibition.prohibition_id; }),
              facts.end());
  if (prohibition.lifted_at) return;
  facts.push_back({prohibition.prohibition_id, prohibition.code, prohibition.purpose, prohibition.channel});
}

void DecisionIndex::SetIndexer(const crypto::BlindIndexer& indexer) {
  for (std::string_view code : config::KnownCountryCodes()) {
    country_by_index_.emplace(indexer.Index(crypto::IndexKind::kCountry, code), std::string(code));
  }
}

std::string DecisionIndex::CountryOf(const std::vector<uint8_t>& index) const {
  auto it = country_by_index_.find(index);
  return it != country_by_index_.end() ? it->second : std::string();
}

Status DecisionIndex::ReloadRegisters(store::Store& store) {
  TILLIT_ASSIGN_OR_RETURN(auto registers, store.ListOptOutRegisters());
  TILLIT_ASSIGN_OR_RETURN(auto matches, store.ListOptOutMatches(""));
  std::unique_lock lock(mu_);
  register_imported_at_.clear();
  for (const auto& r : registers) register_imported_at_[r.register_id] = r.imported_at;
  for (auto& [id, state] : subjects_) state.listed.clear();
  for (const auto& m : matches) {
    auto it = subjects_.find(m.subject_id);
    if (it != subjects_.end()) it->second.listed.push_back({m.register_id, m.kind});
  }
  return Status::Ok();
}

Status DecisionIndex::Rebuild(store::Store& store) {
  std::unordered_map<std::string, SubjectState, Hash, std::equal_to<>> loaded;
  constexpr size_t kPage = 5000;
  std::optional<std::pair<int64_t, std::string>> after;
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto page, store.ListSubjects(after, kPage));
    for (const auto& s : page) loaded[s.id].erased = s.erased_at.has_value();
    if (page.size() < kPage) break;
    after = std::make_pair(page.back().created_at, page.back().id);
  }
  std::string subject, id;
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto page, store.ScanConsentEvents(subject, id, kPage));
    for (const auto& e : page) Merge(loaded[e.subject_id], e);
    if (page.size() < kPage) break;
    subject = page.back().subject_id;
    id = page.back().event_id;
  }
  subject.clear();
  id.clear();
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto page, store.ScanObjections(subject, id, kPage));
    for (const auto& o : page) Merge(loaded[o.subject_id], o);
    if (page.size() < kPage) break;
    subject = page.back().subject_id;
    id = page.back().objection_id;
  }
  subject.clear();
  id.clear();
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto page, store.ScanActiveRestrictions(subject, id, kPage));
    for (const auto& r : page) loaded[r.subject_id].restricted_since = r.started_at;
    if (page.size() < kPage) break;
    subject = page.back().subject_id;
    id = page.back().restriction_id;
  }
  subject.clear();
  id.clear();
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto page, store.ScanActiveProhibitions(subject, id, kPage));
    for (const auto& p : page) Merge(loaded[p.subject_id], p);
    if (page.size() < kPage) break;
    subject = page.back().subject_id;
    id = page.back().prohibition_id;
  }
  if (!country_by_index_.empty()) {
    subject.clear();
    std::vector<uint8_t> value;
    while (true) {
      TILLIT_ASSIGN_OR_RETURN(auto page, store.ScanSharedIndex(store::IndexKind::kCountry, "", value, subject, kPage));
      for (const auto& [owner, index] : page) {
        auto it = loaded.find(owner);
        if (it != loaded.end()) it->second.country = CountryOf(index);
      }
      if (page.size() < kPage) break;
      subject = page.back().first;
      value = page.back().second;
    }
  }
  {
    std::unique_lock lock(mu_);
    subjects_ = std::move(loaded);
  }
  return ReloadRegisters(store);
}

Status DecisionIndex::Refresh(store::Store& store, const std::string& subject_id) {
  uint32_t seen = 0;
  {
    std::shared_lock lock(mu_);
    auto it = subjects_.find(subject_id);
    if (it != subjects_.end()) seen = it->second.version;
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
      for (const auto& [owner, index] : countries) state.country = CountryOf(index);
    }
    TILLIT_ASSIGN_OR_RETURN(auto matches, store.ListOptOutMatches(subject_id));
    for (const auto& m : matches) state.listed.push_back({m.register_id, m.kind});
  }
  std::unique_lock lock(mu_);
  auto it = subjects_.find(subject_id);
  // A change applied here while the store was read is newer than what was read: keep it.
  if (it != subjects_.end() && it->second.version != seen) return Status::Ok();
  if (!subject) {
    if (it != subjects_.end()) subjects_.erase(it);
    return Status::Ok();
  }
  state.version = seen;
  subjects_[subject_id] = std::move(state);
  return Status::Ok();
}

void DecisionIndex::AddSubject(const std::string& subject_id) {
  std::unique_lock lock(mu_);
  ++subjects_[subject_id].version;
}

void DecisionIndex::ApplyConsent(const store::ConsentEventRow& event) {
  std::unique_lock lock(mu_);
  SubjectState& state = subjects_[event.subject_id];
  Merge(state, event);
  ++state.version;
}

void DecisionIndex::ApplyObjection(const store::ObjectionRow& objection) {
  std::unique_lock lock(mu_);
  SubjectState& state = subjects_[objection.subject_id];
  Merge(state, objection);
  ++state.version;
}

void DecisionIndex::SetRestricted(const std::string& subject_id, std::optional<int64_t> since) {
  std::unique_lock lock(mu_);
  SubjectState& state = subjects_[subject_id];
  state.restricted_since = since;
  ++state.version;
}

void DecisionIndex::SetErased(const std::string& subject_id) {
  std::unique_lock lock(mu_);
  SubjectState& state = subjects_[subject_id];
  const uint32_t version = state.version + 1;
  state = SubjectState{};
  state.erased = true;
  state.version = version;
}

void DecisionIndex::SetMarketingFacts(const std::string& subject_id, std::string country,
                                      std::vector<std::pair<std::string, store::IndexKind>> listed) {
  std::unique_lock lock(mu_);
  SubjectState& state = subjects_[subject_id];
  state.country = std::move(country);
  state.listed.clear();
  for (auto& [register_id, kind] : listed) state.listed.push_back({std::move(register_id), kind});
  ++state.version;
}

void DecisionIndex::ApplyProhibition(const store::ProhibitionRow& prohibition) {
  std::unique_lock lock(mu_);
  SubjectState& state = subjects_[prohibition.subject_id];
  Merge(state, prohibition);
  ++state.version;
}

bool DecisionIndex::Contains(std::string_view subject_id) const {
  std::shared_lock lock(mu_);
  return subjects_.find(subject_id) != subjects_.end();
}

size_t DecisionIndex::size() const {
  std::shared_lock lock(mu_);
  return subjects_.size();
}

Result<Decision> DecisionIndex::Decide(std::string_view subject_id, std::string_view purpose, std::string_view channel,
                                       TimePoint now) const {
  const config::Purpose* p = config_->FindPurpose(purpose);
  if (p == nullptr) {
    return Status::InvalidArgument("'" + std::string(purpose) + "' is not a purpose of this configuration",
                                   "unknown_purpose");
  }
  if (!channel.empty() && !config::ParseChannel(channel)) {
    return Status::InvalidArgument("unknown channel '" + std::string(channel) + "'; use email, sms, phone or post",
                                   "unknown_channel");
  }
  std::shared_lock lock(mu_);
  auto it = subjects_.find(subject_id);
  if (it == subjects_.end()) return Status::NotFound("no subject with this id", "subject_not_found");
  return Evaluate(it->second, *p, channel, ToMicros(now));
}

Result<std::vector<std::string>> DecisionIndex::Allowed(std::string_view purpose, std::string_view channel,
                                                        TimePoint now) const {
  const config::Purpose* p = config_->FindPurpose(purpose);
  if (p == nullptr) {
    return Status::InvalidArgument("'" + std::string(purpose) + "' is not a purpose of this configuration",
                                   "unknown_purpose");
  }
  if (!channel.empty() && !config::ParseChannel(channel)) {
    return Status::InvalidArgument("unknown channel '" + std::string(channel) + "'; use email, sms, phone or post",
                                   "unknown_channel");
  }
  const int64_t at = ToMicros(now);
  std::vector<std::string> ids;
  std::shared_lock lock(mu_);
  for (const auto& [id, state] : subjects_) {
    if (Evaluate(state, *p, channel, at).allow) ids.push_back(id);
  }
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
  std::shared_lock lock(mu_);
  for (const auto& [id, state] : subjects_) {
    if (state.erased) continue;
    if (after && id < after->subject_id) continue;
    for (const ConsentFact& c : state.consents) {
      if (c.action != "given") continue;
      const config::Purpose* p = config_->FindPurpose(c.purpose);
      if (p == nullptr || p->legal_basis != LegalBasis::kConsent) continue;
      if (after && std::tie(id, c.purpose, c.channel) <= std::tie(after->subject_id, after->purpose, after->channel)) {
        continue;
      }
      if (!page.empty() && page.size() >= limit &&
          std::tie(id, c.purpose, c.channel) >=
              std::tie(page.front().subject_id, page.front().purpose, page.front().channel)) {
        continue;
      }
      // A consent for one channel is not current when a later event for every channel replaced it.
      const bool replaced =
          !c.channel.empty() && std::any_of(state.consents.begin(), state.consents.end(), [&](const ConsentFact& o) {
            return o.purpose == c.purpose && o.channel.empty() && o.at > c.at;
          });
      if (replaced) continue;
      std::optional<int64_t> expires;
      if (p->consent_validity) expires = ToMicros(config::AddDuration(FromMicros(c.at), *p->consent_validity));
      const Decision d = Evaluate(state, *p, c.channel, at);
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
      page.push_back({id, c.purpose, c.channel, reason, c.at, expires});
      std::push_heap(page.begin(), page.end(), key_less);
      if (page.size() > limit) {
        std::pop_heap(page.begin(), page.end(), key_less);
        page.pop_back();
      }
    }
  }
  std::sort_heap(page.begin(), page.end(), key_less);
  return page;
}

Decision DecisionIndex::Evaluate(const SubjectState& state, const config::Purpose& p, std::string_view channel,
                                 int64_t now) const {
  const std::string_view basis = config::LegalBasisId(p.legal_basis);

  // The latest consent event for (purpose, channel) or (purpose, every channel).
  auto latest_consent = [&](std::string_view purpose) -> const ConsentFact* {
    const ConsentFact* best = nullptr;
    for (const auto& c : state.consents) {
      if (c.purpose != purpose || (!c.channel.empty() && c.channel != channel)) continue;
      if (best == nullptr || c.at > best->at || (c.at == best->at && !c.channel.empty())) best = &c;
    }
    return best;
  };
  auto objected = [&](std::string_view purpose, bool overrides_count) {
    for (const auto& o : state.objections) {
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
    const ConsentFact* c = latest_consent(p.id);
    const bool consented_during = c != nullptr && c->action == "given" && c->at >= *state.restricted_since;
    const bool exempt =
        p.id == config::kLegalClaims || p.id == config::kRightsFulfilment || p.legal_basis == LegalBasis::kPublicTask;
    if (!consented_during && !exempt) return Deny("restricted", basis);
  }
  // 3. An objection to the channel itself, whatever the purpose.
  if (!channel.empty()) {
    for (const auto& o : state.objections) {
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
        const ConsentFact* c = latest_consent(p.id);
        if (c == nullptr || c->action == "existing_customer") return Deny("no_consent", basis);
        if (c->action == "withdrawn") return Deny("consent_withdrawn", basis);
        if (c->action != "given") return Deny("consent_refused", basis);
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
          const ConsentFact* c = latest_consent(p.id);
          if (c != nullptr && c->action == "given") return Allow("consent", basis);
          if (c != nullptr && c->action == "withdrawn") return Deny("consent_withdrawn", basis);
          if (c != nullptr && c->action == "refused") return Deny("consent_refused", basis);
          // The subject's own country decides whether its law has the exception (ePrivacy Art. 13(2)).
          const std::string_view country = state.country.empty() ? config_->controller.country : state.country;
          if (c != nullptr && c->action == "existing_customer" && config_->marketing.existing_customer_exception &&
              p.own_similar_products && config::AllowsExistingCustomerException(country)) {
            return Allow("existing_customer", basis);
          }
          return Deny("not_existing_customer", basis);
        }
        if (marketing) {
          // A withdrawal recorded for the purpose stops it on every channel.
          const ConsentFact* c = latest_consent(p.id);
          if (c != nullptr && c->action == "withdrawn") return Deny("consent_withdrawn", basis);
          if (c != nullptr && c->action == "refused") return Deny("consent_refused", basis);
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
  for (const auto& f : state.prohibitions) {
    const ProhibitionCode* code = FindProhibitionCode(f.code);
    if (code != nullptr && ProhibitionCovers(*code, f.purpose, f.channel, p, channel)) {
      return Deny("prohibition_code", allowed.basis);
    }
  }
  if (!IsDirectMarketing(p) || (channel != "phone" && channel != "post")) return allowed;

  // 6b. National opt-out registers, for phone and post. A subject who asked for this marketing is not held back by
  // a register; an existing customer is not where the register exempts existing customers.
  const ConsentFact* latest = nullptr;
  for (const auto& c : state.consents) {
    if (c.purpose != p.id || (!c.channel.empty() && c.channel != channel)) continue;
    if (latest == nullptr || c.at > latest->at || (c.at == latest->at && !c.channel.empty())) latest = &c;
  }
  if (latest != nullptr && latest->action == "given") return allowed;
  const bool existing_customer = latest != nullptr && latest->action == "existing_customer";
  const std::string_view country = state.country.empty() ? config_->controller.country : state.country;
  const auto asked = config::ParseChannel(channel);
  const store::IndexKind by = channel == "phone" ? store::IndexKind::kPhone : store::IndexKind::kPostalAddress;
  for (const auto& r : config_->marketing.opt_out_registers) {
    if (std::find(r.channels.begin(), r.channels.end(), *asked) == r.channels.end()) continue;
    if (existing_customer && r.existing_customers_exempt) continue;
    const bool listed = std::any_of(state.listed.begin(), state.listed.end(),
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
