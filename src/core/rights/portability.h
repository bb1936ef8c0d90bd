// Portability: the subject's right to data portability (GDPR Art. 20) — one ZIP archive with the personal data
// the subject provided and the data observed about them while they used the shop's services, where it is processed
// on the basis of consent or contract, in structured, commonly used, machine-readable formats: every table as JSON
// and as CSV (RFC 4180), with a README.txt in the subject's language that says what is in it.
//
// What goes in (and what does not), decided per category of the configuration:
//   - a category is portable iff the configuration marks it `portable` (the built-in taxonomy marks data the
//     controller derives or sets itself, such as profiling.interests and marketing.prohibition, as not portable)
//     AND some purpose on the legal basis `consent` or `contract` uses it. Data processed only on legitimate
//     interest or legal obligation (security logs, device data for monitoring) is outside Art. 20(1)(a).
//   - inferred data stays out: a profile field whose source is `inferred` or `derived` (a source a configuration may
//     declare for data it computes), and a record with any non-portable category.
//   - other people's data is never in the register under this subject, so nothing else is filtered.
// Files: README.txt, identifiers.{json,csv}, profile.{json,csv}, records-<kind>.{json,csv} (one pair per record
// kind, e.g. records-order.csv, records-payment.csv) and consents.{json,csv}.
//
// Thread safety: all methods may be called from any thread; callbacks run on the store's writer thread (or the
// caller's, for an early error).
#ifndef TILLIT_CORE_RIGHTS_PORTABILITY_H_
#define TILLIT_CORE_RIGHTS_PORTABILITY_H_

#include <functional>
#include <memory>
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

// True iff data of `category` is in a portability archive (see above).
bool IsPortableCategory(const config::Config& config, std::string_view category);
// True iff a field from `source` is inferred rather than provided or observed.
bool IsInferredSource(std::string_view source);

// One file of the archive.
struct ArchiveFile {
  std::string name;
  std::string content;
};

// The files of `data`'s archive, README.txt first. `language` is one of en, sv, nb, fi.
std::vector<ArchiveFile> PortabilityFiles(const config::Config& config, const SubjectData& data,
                                          std::string_view language, TimePoint now);

// `files` as one ZIP archive (deflated, UTF-8 names). Internal on a libzip failure.
Result<std::string> WriteZip(const std::vector<ArchiveFile>& files, TimePoint mtime);

class Portability {
 public:
  template <typename T>
  using Done = std::function<void(Result<T>)>;

  // Everything passed in must outlive the Portability.
  Portability(std::shared_ptr<const config::Config> config, store::Store& store, const crypto::Keyring& keyring,
              Clock& clock, Random& random);

  // The subject's archive as ZIP bytes, after an audit entry "subject.export" with purpose rights_fulfilment.
  // `language` "" is the controller's default. InvalidArgument "language_not_offered"; NotFound "subject_not_found".
  void Export(std::string subject_id, std::string language, Actor actor, Done<std::string> done);

  // Builds the archive and keeps it for download by a secret link, as an access report is (core/rights/downloads.h).
  // Errors as Export.
  void CreateArchive(std::string subject_id, std::string language, Actor actor, Done<DownloadTicket> done);

 private:
  // The archive's ZIP bytes and the number of files in it.
  Result<std::pair<std::string, size_t>> Build(std::string_view subject_id, std::string& language, TimePoint now);

  std::shared_ptr<const config::Config> config_;
  store::Store& store_;
  const crypto::Keyring& keyring_;
  Clock& clock_;
  Downloads downloads_;
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_RIGHTS_PORTABILITY_H_
