#include "config/config.h"

#include <algorithm>

#include "config/countries.h"
#include "util/text.h"

namespace tillit::config {

std::string_view Pick(const Localised& text, std::string_view lang, std::string_view fallback) {
  if (auto it = text.find(lang); it != text.end()) return it->second;
  if (auto it = text.find(fallback); it != text.end()) return it->second;
  if (!text.empty()) return text.begin()->second;
  return {};
}

namespace {

template <typename Enum, size_t N>
std::optional<Enum> ParseFrom(const std::string_view (&ids)[N], std::string_view id) {
  for (size_t i = 0; i < N; ++i) {
    if (ids[i] == id) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

constexpr std::string_view kLegalBasisIds[] = {
    "consent", "contract", "legal_obligation", "legitimate_interest", "vital_interest", "public_task"};
constexpr std::string_view kLegalBasisDpv[] = {"dpv:Consent",         "dpv:Contract",
                                               "dpv:LegalObligation", "dpv:LegitimateInterest",
                                               "dpv:VitalInterest",   "dpv:PublicInterest"};
constexpr std::string_view kChannelIds[] = {"email", "sms", "phone", "post"};
constexpr std::string_view kAnchorIds[] = {
    "collected", "last_activity", "agreement_end", "fiscal_year_end", "calendar_year_end_after_fy", "erased"};
constexpr std::string_view kRoleIds[] = {"processor", "controller", "third_party"};
constexpr std::string_view kCookieCategoryIds[] = {"necessary", "preferences", "statistics", "marketing"};

}  // namespace

std::string_view LegalBasisId(LegalBasis basis) { return kLegalBasisIds[static_cast<int>(basis)]; }
std::string_view LegalBasisDpv(LegalBasis basis) { return kLegalBasisDpv[static_cast<int>(basis)]; }
std::optional<LegalBasis> ParseLegalBasis(std::string_view id) { return ParseFrom<LegalBasis>(kLegalBasisIds, id); }
std::string_view ChannelId(Channel channel) { return kChannelIds[static_cast<int>(channel)]; }
std::optional<Channel> ParseChannel(std::string_view id) { return ParseFrom<Channel>(kChannelIds, id); }
std::string_view AnchorId(Anchor anchor) { return kAnchorIds[static_cast<int>(anchor)]; }
std::optional<Anchor> ParseAnchor(std::string_view id) { return ParseFrom<Anchor>(kAnchorIds, id); }
std::string_view RecipientRoleId(RecipientRole role) { return kRoleIds[static_cast<int>(role)]; }
std::string_view CookieCategoryId(CookieCategory category) { return kCookieCategoryIds[static_cast<int>(category)]; }

const std::vector<std::string>& ConsentMethodIds() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> out;
    for (const auto& m : kConsentMethods) out.emplace_back(m.id);
    return out;
  }();
  return ids;
}

const std::vector<std::string>& WithdrawalRoutes() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> out;
    for (const auto& m : kConsentMethods) {
      if (m.route) out.emplace_back(m.id);
    }
    return out;
  }();
  return ids;
}

std::string RetentionLaw(const Config& config, const RetentionRule& rule, std::string_view lang) {
  if (!rule.law.empty()) return std::string(Pick(rule.law, lang, config.default_language()));
  if (!rule.accounting) return "";
  const CountryInfo* country = FindCountry(config.controller.country);
  return country != nullptr ? std::string(country->bookkeeping_law) : "";
}

bool Purpose::UsesCategory(std::string_view category) const {
  return std::find(categories.begin(), categories.end(), category) != categories.end();
}

bool Webhook::Wants(std::string_view event) const {
  return std::find(events.begin(), events.end(), event) != events.end();
}

Status Config::CheckOfferedLanguage(std::string_view language) const {
  if (std::find(languages.begin(), languages.end(), language) != languages.end()) return Status::Ok();
  std::string offered;
  for (const auto& l : languages) offered += (offered.empty() ? "" : ", ") + l;
  return Status::InvalidArgument(
      "language '" + std::string(language) + "' is not one this shop offers; use one of: " + offered,
      "language_not_offered");
}

Status Config::UnknownPurpose(std::string_view id) const {
  std::vector<std::string> ids;
  std::string listed;
  for (const auto& p : purposes) {
    ids.push_back(p.id);
    listed += (listed.empty() ? "" : ", ") + p.id;
  }
  std::string msg = "'" + std::string(id) + "' is not a purpose of this configuration";
  if (std::string near = ClosestMatch(id, ids); !near.empty()) msg += " (did you mean '" + near + "'?)";
  return Status::InvalidArgument(msg + "; purposes: " + listed, "unknown_purpose");
}

const Purpose* Config::FindPurpose(std::string_view id) const {
  for (const auto& p : purposes) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

const Category* Config::FindCategory(std::string_view id) const {
  for (const auto& c : categories) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

const Recipient* Config::FindRecipient(std::string_view id) const {
  for (const auto& r : recipients) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

bool Config::HasRecordKind(std::string_view kind) const {
  return std::find(record_kinds.begin(), record_kinds.end(), kind) != record_kinds.end();
}

const std::vector<std::string>& BuiltinRecordKinds() {
  static const std::vector<std::string> kinds = {"order",        "payment", "delivery",  "cart_event",
                                                 "discount_use", "loyalty", "agreement", "usage",
                                                 "activity",     "device",  "message"};
  return kinds;
}

}  // namespace tillit::config
