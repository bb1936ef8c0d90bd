// The message catalog of the access report (GDPR Art. 15) a data subject reads: headings, column labels and the
// words for what happened to their data, in English, Swedish, Norwegian Bokmål and Finnish. Mustache templates like
// the policy catalog (catalog.h), whose texts the report reuses for everything the policy also says (legal bases,
// retention periods, rights, the supervisory authority). One table per language in report_catalog.cc, in the order
// of TILLIT_REPORT_MESSAGES; a static_assert rejects a table that misses, repeats or reorders a message.
//
// Internal to src/policy/. Thread safety: immutable static data.
#ifndef TILLIT_POLICY_REPORT_CATALOG_H_
#define TILLIT_POLICY_REPORT_CATALOG_H_

#include <cstddef>
#include <span>
#include <string_view>

namespace tillit::policy {

// clang-format off
#define TILLIT_REPORT_MESSAGES(X)                                                                                   \
  X(kTitle) X(kMeta) X(kExpires) X(kLead) X(kFooter) X(kNone)                                                      \
  X(kHData) X(kHIdentifiers) X(kHProfile) X(kHRecords) X(kHPurposes) X(kHRecipients) X(kHDisclosed)              \
  X(kHRetention) X(kHSources) X(kHConsents) X(kHObjections) X(kHChanges) X(kHAccess)                             \
  X(kColData) X(kColValue) X(kColSource) X(kColCollected) X(kColUpdated) X(kColKind) X(kColWhen) X(kColReference) \
  X(kColContent) X(kColAction) X(kColMethod) X(kColChannel) X(kColStatus) X(kColPrevious) X(kColBy)              \
  X(kRecordsLead) X(kPurposesLead) X(kRecipientsLead) X(kRecipientsNone) X(kDisclosedLead) X(kDisclosedNone)     \
  X(kRetentionLead) X(kAccessLead)                                                                                 \
  X(kAllChannels) X(kConsentGiven) X(kConsentWithdrawn) X(kConsentRefused) X(kConsentExistingCustomer)            \
  X(kChangeCollected) X(kChangeChanged) X(kChangeRemoved)                                                          \
  X(kObjection) X(kObjectionChannel) X(kRestriction) X(kStatusActive) X(kStatusOverridden) X(kStatusUpheld)       \
  X(kStatusLifted)                                                                                                 \
  X(kBySubject) X(kByStaff) X(kByIntegration) X(kByCli) X(kBySystem) X(kOnBehalfCode) X(kOnBehalfPending) X(kOnBehalfManage)                                             \
  X(kAccessRead) X(kAccessChange) X(kAccessOther)                                                                  \
  X(kSourceSubject) X(kSourceStaff) X(kSourceImport) X(kSourceShop) X(kSourceObserved)                          \
  X(kHAccounting) X(kAccountingLead) X(kColAccounting) X(kColKeptUntil) X(kColLaw) X(kKeptOpen)
// clang-format on

enum class ReportMsg : int {
#define TILLIT_REPORT_MSG_ENUM(name) name,
  TILLIT_REPORT_MESSAGES(TILLIT_REPORT_MSG_ENUM)
#undef TILLIT_REPORT_MSG_ENUM
      kCount
};

inline constexpr std::size_t kReportMessageCount = static_cast<std::size_t>(ReportMsg::kCount);

struct ReportMessage {
  ReportMsg id;
  std::string_view text;  // a mustache template
};

constexpr bool IsCompleteReportCatalog(std::span<const ReportMessage> table) {
  if (table.size() != kReportMessageCount) return false;
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (static_cast<std::size_t>(table[i].id) != i || table[i].text.empty()) return false;
  }
  return true;
}

// The report messages of `lang` ("en", "sv", "nb", "fi"); empty for another language.
std::span<const ReportMessage> ReportMessages(std::string_view lang);

// "kTitle": for error messages.
std::string_view ReportMessageName(ReportMsg id);

}  // namespace tillit::policy

#endif  // TILLIT_POLICY_REPORT_CATALOG_H_
