// AccessReport: the answer to a subject's right of access (GDPR Art. 15) — every piece of personal data held about
// them in every category (identifiers, profile fields with their sources, records with payment data), the purposes
// and legal bases that apply to it, the recipients it may go to and those it was actually disclosed to, how long
// each category is kept, where the data came from, the consent, objection, restriction and change history, when and
// for which purpose the data was consulted and by which kind of recipient (from the audit log), the subject's rights
// and the supervisory authority. As JSON (schema "tillit.access_report/1", documented in docs/API.md) and as a
// readable, printable HTML page in the subject's language (en, sv, nb, fi).
//
// A generated report is kept for download for a limited time (rights.report_validity, 30 days by default): sealed
// under the subject's data key, so erasure makes it unreadable at once (and deletes it, store op
// DeleteReportsOfSubject), and found by the hash of a download token that only the requester receives. Generating,
// storing and reading a report are audited accesses with purpose `rights_fulfilment`.
//
// Thread safety: all methods may be called from any thread; callbacks run on the store's writer thread (or the
// caller's, for an early error): never block in them.
#ifndef TILLIT_CORE_RIGHTS_ACCESS_REPORT_H_
#define TILLIT_CORE_RIGHTS_ACCESS_REPORT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/audit/audit.h"
#include "core/rights/downloads.h"
#include "core/register/subject_data.h"
#include "crypto/keyring.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/random.h"
#include "util/status.h"

namespace tillit::core {

// One hand-over of the subject's data to a recipient, as a disclosure log records it.
struct DisclosureEntry {
  std::string recipient;  // a recipient id of the configuration
  std::vector<std::string> categories;
  std::string purpose;
  int64_t at = 0;  // microseconds since the epoch
};

// The extension point "recipients actually disclosed to": the disclosure log's entries for a subject, oldest first.
// Without one, a report lists the recipients the configuration names for the categories held and an empty list of
// actual disclosures.
using DisclosureSource = std::function<Result<std::vector<DisclosureEntry>>(std::string_view subject_id)>;

// The report's JSON schema id; raised only when a field changes meaning or disappears.
inline constexpr std::string_view kAccessReportSchema = "tillit.access_report/1";

// The access report of `data` as JSON. `disclosed` are the recipients actually disclosed to; `language` is one of
// en, sv, nb, fi and selects the configuration's texts (purpose names, retention reasons).
nlohmann::json BuildAccessReport(const config::Config& config, std::string_view policy_version, const SubjectData& data,
                                 const std::vector<DisclosureEntry>& disclosed, std::string_view language,
                                 TimePoint now);

// A report that was stored for download.
struct StoredReport {
  std::string report_id;
  std::string token;  // the download token; only its hash is stored
  std::string language;
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

// A stored report read back by its token.
struct ReportDownload {
  std::string report_id;
  std::string subject_id;
  std::string language;
  int64_t expires_at = 0;
  nlohmann::json report;
};

class AccessReports {
 public:
  template <typename T>
  using Done = std::function<void(Result<T>)>;

  // Everything passed in must outlive the AccessReports.
  AccessReports(std::shared_ptr<const config::Config> config, std::string policy_version, store::Store& store,
                const crypto::Keyring& keyring, Clock& clock, Random& random);

  // Plugs in the disclosure log ("recipients actually disclosed to"). Call before the first report.
  void SetDisclosureSource(DisclosureSource source) { disclosures_ = std::move(source); }

  // Builds the subject's report in `language` ("" for the controller's default language) and answers it, after an
  // audit entry "report.generate". InvalidArgument "language_not_offered"; NotFound "subject_not_found".
  void Generate(std::string subject_id, std::string language, Actor actor, Done<nlohmann::json> done);

  // Builds the report and stores it sealed for download until now + rights.report_validity, with an audit entry
  // "report.create". Errors as Generate.
  void Create(std::string subject_id, std::string language, Actor actor, Done<StoredReport> done);

  // The stored report with download token `token`, with an audit entry "report.read". NotFound "report_not_found"
  // for a token no report has (or whose subject was erased, or that is an archive); Gone "report_expired" once it
  // has expired.
  void Download(std::string token, Actor actor, Done<ReportDownload> done);

  // Deletes up to `limit` expired reports; answers how many went. For the retention sweep.
  Result<int64_t> DeleteExpired(size_t limit);

  // `report` (as BuildAccessReport made it) as one self-contained HTML page in `language`. InvalidArgument
  // "language_not_offered".
  Result<std::string> RenderHtml(const nlohmann::json& report, std::string_view language) const;

  const config::Config& config() const { return *config_; }

 private:
  Result<std::string> CheckLanguage(std::string_view language) const;
  Result<nlohmann::json> Build(std::string_view subject_id, std::string_view language);

  std::shared_ptr<const config::Config> config_;
  const std::string policy_version_;
  store::Store& store_;
  const crypto::Keyring& keyring_;
  Clock& clock_;
  Random& random_;
  DisclosureSource disclosures_;
  Downloads downloads_;
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_RIGHTS_ACCESS_REPORT_H_
