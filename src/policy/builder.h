// Builder: turns a Config into the policy Document (and the processor overview) in one language. The sections are
// split over builder_*.cc by theme: builder.cc the shared wording helpers and the assembly, builder_processing.cc
// what is processed and why (controller, data, sources, purposes, consent, objection, marketing),
// builder_sharing.cc who gets the data and for how long (recipients, retention, cookies, the processor overview),
// builder_rights.cc the reader's rights (rights, security, authority, version).
//
// A catalog template that fails to expand is a bug; the first failure is kept and returned by Build*, so a broken
// translation is an error, never a silently shortened policy.
//
// Internal to src/policy/. Thread safety: one Builder per render; not shared.
#ifndef TILLIT_POLICY_BUILDER_H_
#define TILLIT_POLICY_BUILDER_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "policy/catalog.h"
#include "policy/document.h"
#include "policy/template.h"
#include "util/clock.h"
#include "util/status.h"

namespace tillit::policy {

class Builder {
 public:
  // `config` and `catalog` must outlive the Builder.
  Builder(const config::Config& config, const Catalog& catalog, std::string policy_version, TimePoint date);

  Result<Document> BuildPolicy();
  Result<Document> BuildProcessors();
  // The access report (core/rights/access_report.h) of one subject, from its JSON (builder_report.cc).
  Result<Document> BuildAccessReport(const nlohmann::json& report);

 private:
  // ---- wording helpers (builder.cc) ----
  // The catalog message expanded with `vars`; "" after recording the error when it fails.
  std::string T(Msg id, const Vars& vars = {});
  // The configuration's free text `key` ([policy.<lang>]) in this language, as markup paragraphs; empty if none.
  std::vector<std::string> FreeText(std::string_view key) const;
  // The text of `text` in this language only; "" when the configuration has none in it.
  std::string_view Own(const config::Localised& text) const;
  std::string CategoryName(std::string_view id) const;
  // "name, e-mail address and phone number" (names lower-cased where they are ordinary words).
  std::string CategoryList(const std::vector<std::string>& ids);
  // "a, b and c" / "a, b or c" with the catalog's conjunction.
  std::string Join(const std::vector<std::string>& items, Msg conjunction);
  std::string PurposeName(const config::Purpose& p) const;
  std::string PurposeDescription(const config::Purpose& p);
  std::string BasisName(config::LegalBasis basis);
  std::string BasisArticle(config::LegalBasis basis);
  // How to use a withdrawal or objection method list ("portal", "email", "link", "phone", "staff").
  std::string Routes(const std::vector<std::string>& methods);
  // How to make a rights request: the self-service page when configured, and e-mail.
  std::string RequestRoutes();
  std::string DurationText(const config::Duration& d);
  std::string DateText(TimePoint t);
  // The controller's bookkeeping law as named in this language, or the generic wording.
  std::string LawName();
  std::string CountryText(std::string_view code) const;
  std::string RecipientNames(const std::vector<const config::Recipient*>& recipients) const;
  std::vector<const config::Recipient*> RecipientsOf(const config::Purpose& p) const;
  bool HasAccountingRetention() const;
  bool HasMarketing() const;
  const std::string& RightsEmail() const;

  // ---- sections (builder_processing.cc) ----
  Section ControllerSection();
  Section DataSection();
  Section SourcesSection();
  Section PurposesSection();
  std::optional<Section> ConsentSection();
  std::optional<Section> ObjectionSection();
  std::optional<Section> MarketingSection();

  // ---- sections (builder_sharing.cc) ----
  // The recipients table and the retention table of the policy, for the given recipients / rules.
  Table RecipientsTable(const std::vector<const config::Recipient*>& recipients);
  Table RetentionTable(const std::vector<const config::RetentionRule*>& rules);
  // "Orders"; a configuration's own kind as its id made readable.
  std::string RecordKindName(std::string_view kind);
  Section RecipientsSection();
  Section RetentionSection();
  std::optional<Section> CookiesSection();
  std::vector<Section> ProcessorSections();

  // ---- sections (builder_rights.cc) ----
  Section RightsSection();
  Section SecuritySection();
  Section AuthoritySection();
  Section VersionSection();

  const config::Config& config_;
  const Catalog& catalog_;
  const std::string lang_;
  const std::string policy_version_;
  const TimePoint date_;
  Status status_;
};

// Upper-cases the first letter (ASCII and Latin-1 letters such as ä, ö, å, ø).
std::string Capitalize(std::string_view text);
// Lower-cases the first letter unless the second is upper case too ("IP address", "JSON" stay).
std::string LowerFirst(std::string_view text);

}  // namespace tillit::policy

#endif  // TILLIT_POLICY_BUILDER_H_
