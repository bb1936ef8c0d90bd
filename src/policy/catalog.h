// The message catalogs of the generated privacy policy: every sentence, heading and label the policy uses, in
// English, Swedish, Norwegian Bokmål and Finnish. A message is a mustache template (kainjow) whose variables are
// filled by the policy builder: `{{email}}` a value, `{{#has_x}}…{{/has_x}}` a part that is said only when a flag
// is set, so each language keeps its own word order and grammar. Translators see whole sentences, never fragments.
//
// Each language is one table in catalog_<lang>.cc, listed in the order of TILLIT_POLICY_MESSAGES; a static_assert in
// each file rejects a table that misses, repeats or reorders a message, so no language can fall behind silently.
// Internal to src/policy/.
//
// Thread safety: immutable static data.
#ifndef TILLIT_POLICY_CATALOG_H_
#define TILLIT_POLICY_CATALOG_H_

#include <cstddef>
#include <span>
#include <string_view>

namespace tillit::policy {

// clang-format off
#define TILLIT_POLICY_MESSAGES(X)                                                                                   \
  /* document chrome */                                                                                            \
  X(kTitle) X(kProcessorsTitle) X(kSkipLink) X(kContents) X(kVersionLine) X(kFooter) X(kIntroDefault)             \
  /* section headings */                                                                                           \
  X(kHController) X(kHData) X(kHSources) X(kHPurposes) X(kHConsent) X(kHObjection) X(kHMarketing)                 \
  X(kHRecipients) X(kHRetention) X(kHCookies) X(kHRights) X(kHSecurity) X(kHAuthority) X(kHVersion)              \
  /* labels */                                                                                                     \
  X(kLabelCompany) X(kLabelOrgNumber) X(kLabelAddress) X(kLabelEmail) X(kLabelPhone) X(kLabelWebsite)              \
  X(kLabelRegister) X(kLabelDpo) X(kLabelPrivacyEmail) X(kLabelAuthority) X(kLabelVersion) X(kLabelDate)          \
  X(kLabelRole) X(kLabelTask) X(kLabelCategories) X(kLabelPurposes) X(kLabelCountry) X(kLabelSafeguard)            \
  /* controller */                                                                                                 \
  X(kControllerLead) X(kControllerContact)                                                                        \
  /* data and sources */                                                                                           \
  X(kDataLead) X(kDataNote) X(kGroupIdentity) X(kGroupContact) X(kGroupAccount) X(kGroupPayment)                  \
  X(kGroupCustomer) X(kGroupActivity) X(kGroupDevice) X(kGroupCommunication) X(kGroupMarketing)                   \
  X(kGroupProfiling) X(kGroupOther) X(kSourcesDefault) X(kSourcesOther) X(kSourceItem)                            \
  /* purposes and legal bases */                                                                                   \
  X(kPurposesLead) X(kPurposesCaption) X(kColPurpose) X(kColBasis)                                                \
  X(kBasisConsent) X(kBasisContract) X(kBasisLegalObligation) X(kBasisLegitimateInterest) X(kBasisVitalInterest)  \
  X(kBasisPublicTask) X(kBasisTextConsent) X(kBasisTextContract) X(kBasisTextLegalObligation)                     \
  X(kBasisTextLegitimateInterest) X(kBasisTextVitalInterest) X(kBasisTextPublicTask) X(kBasisArticle)             \
  X(kPurposeData) X(kPurposeDataAll) X(kPurposeWithdraw) X(kPurposeObject) X(kPurposeConsentValidity)             \
  X(kPurposeRecipients) X(kPurposeNoDescription)                                                                  \
  X(kStdContract) X(kStdCustomerService) X(kStdAnalytics) X(kStdPersonalisation) X(kStdMarketing)                 \
  X(kStdProfiling) X(kStdMonitoring) X(kStdSecurity) X(kStdAccounting)                                            \
  X(kStdContractText) X(kStdCustomerServiceText) X(kStdAnalyticsText) X(kStdPersonalisationText)                  \
  X(kStdMarketingText) X(kStdProfilingText) X(kStdMonitoringText) X(kStdSecurityText) X(kStdAccountingText)       \
  /* how to withdraw or object */                                                                                  \
  X(kRoutePortalUrl) X(kRoutePortal) X(kRouteEmail) X(kRouteLink) X(kRoutePhoneNumber) X(kRoutePhone)             \
  X(kRouteStaff) X(kOr) X(kAnd)                                                                                   \
  /* consent and objection */                                                                                      \
  X(kConsentLead) X(kConsentList) X(kConsentItem) X(kConsentRenewal)                                              \
  X(kObjectionLead) X(kObjectionMarketing) X(kObjectionList) X(kObjectionItem)                                    \
  /* marketing */                                                                                                  \
  X(kChannelEmail) X(kChannelSms) X(kChannelPhone) X(kChannelPost) X(kMarketingLead) X(kMarketingItemConsent)     \
  X(kMarketingItemLegitimate) X(kMarketingExistingCustomers) X(kMarketingOptOutEmail) X(kMarketingRegisters)      \
  X(kMarketingProhibition) X(kMarketingSuppression)                                                               \
  /* recipients */                                                                                                 \
  X(kRecipientsLead) X(kRecipientsCaption) X(kColRecipient) X(kColRole) X(kColTask) X(kColCountry)                \
  X(kColSafeguard) X(kRoleProcessor) X(kRoleController) X(kRoleThirdParty)                                        \
  X(kServicePayment) X(kServiceDelivery) X(kServiceHosting) X(kServiceAnalytics) X(kServiceAdvertising)           \
  X(kServiceChat) X(kServiceEmail) X(kServiceReviews) X(kServiceWebsite) X(kServiceAccounting)                    \
  X(kServiceIdentity) X(kServiceSupport) X(kServiceMarketing) X(kServiceOther)                                    \
  X(kSafeguardNone) X(kSafeguardAdequacy) X(kSafeguardDpf) X(kSafeguardScc) X(kSafeguardBcr)                      \
  X(kSafeguardDerogation) X(kRecipientsTransfers) X(kRecipientsNone) X(kRecipientsOverview)                       \
  /* retention */                                                                                                  \
  X(kRetentionLead) X(kRetentionCaption) X(kColData) X(kColPeriod) X(kColWhy)                                     \
  X(kAnchorCollected) X(kAnchorLastActivity) X(kAnchorAgreementEnd) X(kAnchorFiscalYearEnd)                       \
  X(kAnchorCalendarYearEndAfterFy) X(kAnchorErased) X(kRetentionPeriod)                                           \
  X(kDurationYear) X(kDurationYears) X(kDurationMonth) X(kDurationMonths) X(kDurationDay) X(kDurationDays)       \
  X(kRetentionAccounting) X(kAccountingYearsSplit) X(kRetentionAccountingReason) X(kRetentionDefaultReason)       \
  X(kRetentionOther) X(kLawGeneric)                                                                               \
  X(kKindOrder) X(kKindPayment) X(kKindDelivery) X(kKindCartEvent) X(kKindDiscountUse) X(kKindLoyalty)            \
  X(kKindAgreement) X(kKindUsage) X(kKindActivity) X(kKindDevice) X(kKindMessage)                                 \
  /* cookies */                                                                                                    \
  X(kCookiesLead) X(kCookiesCaption) X(kColTool) X(kColProvider) X(kColType) X(kColWhat) X(kColLifetime)          \
  X(kColWithoutConsent) X(kCookieNecessary) X(kCookiePreferences) X(kCookieStatistics) X(kCookieMarketing)        \
  X(kWithoutNotLoaded) X(kWithoutAnonymised) X(kWithoutEssential) X(kCookiesBanner)                               \
  /* rights */                                                                                                     \
  X(kRightsLead) X(kRightsIdentity) X(kRightsRejected)                                                            \
  X(kRightAccessH) X(kRightAccess) X(kRightRectificationH) X(kRightRectification) X(kRightErasureH)               \
  X(kRightErasure) X(kRightErasureAccounting) X(kRightRestrictionH) X(kRightRestriction)                          \
  X(kRightPortabilityH) X(kRightPortability) X(kRightObjectionH) X(kRightObjection) X(kRightWithdrawH)            \
  X(kRightWithdraw)                                                                                               \
  /* security, authority, version */                                                                              \
  X(kSecurityDefault) X(kSecurityRegister) X(kAuthorityLead) X(kAuthorityElsewhere)                               \
  X(kVersionGenerated) X(kVersionChanges)                                                                         \
  /* the processor overview page */                                                                               \
  X(kProcessorsLead) X(kProcessorsNone) X(kBackToPolicy)                                                          \
  /* dates */                                                                                                      \
  X(kDate) X(kMonth1) X(kMonth2) X(kMonth3) X(kMonth4) X(kMonth5) X(kMonth6) X(kMonth7) X(kMonth8) X(kMonth9)    \
  X(kMonth10) X(kMonth11) X(kMonth12)
// clang-format on

enum class Msg : int {
#define TILLIT_POLICY_MSG_ENUM(name) name,
  TILLIT_POLICY_MESSAGES(TILLIT_POLICY_MSG_ENUM)
#undef TILLIT_POLICY_MSG_ENUM
      kCount
};

inline constexpr std::size_t kMessageCount = static_cast<std::size_t>(Msg::kCount);

struct Message {
  Msg id;
  std::string_view text;  // a mustache template
};

// True iff `table` holds every message exactly once, in enum order, none empty. Used in static_asserts.
constexpr bool IsCompleteCatalog(std::span<const Message> table) {
  if (table.size() != kMessageCount) return false;
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (static_cast<std::size_t>(table[i].id) != i || table[i].text.empty()) return false;
  }
  return true;
}

class Catalog {
 public:
  constexpr Catalog(std::string_view lang, std::span<const Message> messages) : lang_(lang), messages_(messages) {}
  std::string_view lang() const { return lang_; }
  std::string_view Get(Msg id) const { return messages_[static_cast<std::size_t>(id)].text; }

 private:
  std::string_view lang_;
  std::span<const Message> messages_;
};

// The catalog of `lang` ("en", "sv", "nb", "fi"), or nullptr.
const Catalog* FindCatalog(std::string_view lang);

// "kTitle": for error messages and tests.
std::string_view MessageName(Msg id);

// The per-language tables (catalog_<lang>.cc).
std::span<const Message> EnglishMessages();
std::span<const Message> SwedishMessages();
std::span<const Message> NorwegianMessages();
std::span<const Message> FinnishMessages();

// Country names and bookkeeping-law names in the reader's language (names.cc). CountryName falls back to the code.
std::string_view CountryName(std::string_view code, std::string_view lang);
// The country's bookkeeping law as a reader of `lang` calls it, usable mid-sentence ("the Norwegian Bookkeeping Act
// (bokføringsloven)"); "" when tillit knows none for the country.
std::string_view BookkeepingLawName(std::string_view country, std::string_view lang);

}  // namespace tillit::policy

#endif  // TILLIT_POLICY_CATALOG_H_
