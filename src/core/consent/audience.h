// Audiences: who may be contacted now for a purpose over a channel — the marketing export. An audience holds every
// subject whose decision for (purpose, channel) allows at the time of the export, each with only the contact field
// the channel needs (email → contact.email, sms and phone → contact.phone, post → contact.address), opened from its
// sealed field; without a channel it holds ids only. Subjects the decision allows but that lack the field are left
// out and counted as skipped. The export is NDJSON, the format the API and the CLI both hand out:
//   {"id":"sub_…","email":"…"}                       one line per member, by subject id
//   {"count":N,"skipped":M,"purpose":"…","channel":"…","policy_version":"…","ids_only":false}   the last line
// Each export is exactly one audit entry (action "audience.export", no subject; the detail names purpose, channel and
// counts, never personal data), appended through the store's writer; the export is handed over only once that entry
// has committed.
//
// Thread safety: all methods may be called from any thread. The walk runs on the calling thread and reads the store;
// Export's `done` runs on the store's writer thread (or on the caller's thread for an early error).
#ifndef TILLIT_CORE_CONSENT_AUDIENCE_H_
#define TILLIT_CORE_CONSENT_AUDIENCE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "config/config.h"
#include "core/audit/audit.h"
#include "core/consent/decisions.h"
#include "crypto/keyring.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/status.h"

namespace tillit::core {

struct AudienceQuery {
  std::string purpose;
  std::string channel;    // "": no contact field, ids only
  bool ids_only = false;  // leave the contact field out even with a channel: nothing is decrypted
  size_t limit = 0;       // at most this many members; 0: every allowed subject
};

struct AudienceExport {
  std::string purpose;
  std::string channel;
  std::string contact;  // the key of the members' contact field: "email", "phone", "address"; "" without one
  std::string policy_version;
  size_t count = 0;    // members
  size_t skipped = 0;  // subjects the decision allows that lack the channel's contact field
  std::string ndjson;  // the member lines, then the summary line; every line ends in '\n'
};

class Audiences {
 public:
  using Done = std::function<void(Result<AudienceExport>)>;
  // Called while walking the allowed subjects: how many were walked of how many.
  using Progress = std::function<void(int64_t walked, int64_t total)>;

  // Everything passed in must outlive the Audiences.
  Audiences(std::shared_ptr<const config::Config> config, store::Store& store, const crypto::Keyring& keyring,
            const DecisionIndex& decisions, Clock& clock);

  Audiences(const Audiences&) = delete;
  Audiences& operator=(const Audiences&) = delete;

  // Builds the audience for `query` on the calling thread, then appends its audit entry and answers through `done`
  // once that entry has committed. InvalidArgument "unknown_purpose", "unknown_channel", "channel_not_declared"
  // (a channel the purpose does not reach people by); FailedPrecondition "contact_not_used" when the purpose does not
  // use the contact category the channel needs.
  void Export(AudienceQuery query, Actor actor, Done done);

  // Export, waiting for the audit entry's commit: for the CLI. Never call it on an I/O thread. `progress` may be
  // empty.
  Result<AudienceExport> ExportAndWait(const AudienceQuery& query, const Actor& actor, const Progress& progress = {});

 private:
  Result<AudienceExport> Build(const AudienceQuery& query, const Progress& progress);
  // The member's contact field as JSON text, or "" when the subject has none. Opens the field unless `ids_only`.
  Result<std::string> ContactOf(const std::string& subject_id, std::string_view category, bool ids_only);

  const std::shared_ptr<const config::Config> config_;
  const std::string policy_version_;
  store::Store& store_;
  const crypto::Keyring& keyring_;
  const DecisionIndex& decisions_;
  Clock& clock_;
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_CONSENT_AUDIENCE_H_
