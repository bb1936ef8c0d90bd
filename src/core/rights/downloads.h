// Downloads: what a subject fetches with a secret link — an access report (Art. 15) or a portability archive
// (Art. 20). The content is sealed under the subject's data key and kept until the configured validity
// (rights.report_validity, 30 days by default) ends. The link's token is shown once, to whoever created it (and
// mailed to the subject by the request workflow); only its BLAKE2b hash is stored, so neither the database nor a
// request's history can give the link away. A link can be revoked, and erasure deletes every download with the
// subject. Creating, fetching and revoking are audited with purpose `rights_fulfilment`.
//
// Thread safety: all methods may be called from any thread; callbacks run on the store's writer thread (or the
// caller's, for an early error): never block in them.
#ifndef TILLIT_CORE_RIGHTS_DOWNLOADS_H_
#define TILLIT_CORE_RIGHTS_DOWNLOADS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/audit/audit.h"
#include "crypto/keyring.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/random.h"
#include "util/status.h"

namespace tillit::core {

inline constexpr std::string_view kAccessDownload = "access";
inline constexpr std::string_view kPortabilityDownload = "portability";

// A download about to be stored: its id and secret token, chosen before the content is built so the content can
// name its own id and expiry.
struct DownloadTicket {
  std::string report_id;
  std::string token;  // "rpt_" + 64 hex digits; shown once
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

// What a stored download's listing shows: never the token.
struct DownloadInfo {
  std::string report_id;
  std::string kind;
  std::string language;
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

// A download read back by its token.
struct Download {
  std::string report_id;
  std::string subject_id;
  std::string kind;
  std::string language;
  int64_t expires_at = 0;
  std::string content;  // the report's JSON, or the archive's ZIP bytes
};

class Downloads {
 public:
  template <typename T>
  using Done = std::function<void(Result<T>)>;

  // Everything passed in must outlive the Downloads.
  Downloads(std::shared_ptr<const config::Config> config, store::Store& store, const crypto::Keyring& keyring,
            Clock& clock, Random& random);

  DownloadTicket NewTicket();

  // Seals `content` under the subject's data key and stores it under `ticket`, with an audit entry "report.create".
  // NotFound "subject_not_found".
  void Put(const DownloadTicket& ticket, std::string subject_id, std::string_view kind, std::string language,
           const std::string& content, Actor actor, Done<DownloadTicket> done);

  // The download with `token`, with an audit entry "report.read". NotFound "report_not_found" for a token no
  // download has (never issued, revoked, or the subject was erased); Gone "report_expired" after it expired.
  void Fetch(std::string token, Actor actor, Done<Download> done);

  // Deletes the download `report_id` of the subject, so its link stops working, with an audit entry
  // "report.revoke". NotFound "report_not_found".
  void Revoke(std::string subject_id, std::string report_id, Actor actor, std::function<void(Status)> done);

  // The subject's stored downloads, newest first.
  Result<std::vector<DownloadInfo>> List(std::string_view subject_id);

 private:
  std::shared_ptr<const config::Config> config_;
  store::Store& store_;
  const crypto::Keyring& keyring_;
  Clock& clock_;
  Random& random_;
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_RIGHTS_DOWNLOADS_H_
