// Erasure (GDPR Art. 17): one transaction that destroys the subject's data key (crypto-shredding, so every sealed
// field, change and record payload is unreadable at once, in backups too), releases its blind indexes, deletes its
// profile fields, change history, records without legal-hold fields, consent events, objections, restrictions,
// visitor links and banner choices (and whatever other per-subject tables the store lists for erasure: queued mail,
// stored reports), strips retained records down to their accounting fields (sealed under the separate legal-hold key
// when written, so erasure never re-seals), puts a keyed hash of the e-mail on the suppression list, and leaves a
// tombstone with an erasure receipt whose hash goes into the audit chain. Consent events go too: with the data gone
// there is nothing left they could justify, and the suppression list is what keeps the person off marketing lists.
// The erasure is reported complete only after the write-ahead log has been checkpointed (Store::Checkpoint).
//
// Thread safety: all methods may be called from any thread. Erase blocks; EraseAsync runs on the service's own
// worker thread and answers there.
#ifndef TILLIT_CORE_REGISTER_ERASURE_H_
#define TILLIT_CORE_REGISTER_ERASURE_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "config/config.h"
#include "core/audit/audit.h"
#include "core/consent/decisions.h"
#include "core/mail/mail_templates.h"
#include "core/disclosure/webhooks.h"
#include "crypto/blind_index.h"
#include "crypto/keyring.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/mutex.h"
#include "util/random.h"
#include "util/status.h"

namespace tillit::core {

struct ErasureResult {
  std::string subject_id;
  int64_t erased_at = 0;
  nlohmann::json receipt;  // as stored with the tombstone
  std::string checkpoint;  // what made the WAL let go of the erased pages
};

// What an erasure keeps because a law requires it: the accounting fields of the subject's records of one kind, and
// the accounting rule that keeps them longest (its law, and until when).
struct LegalHold {
  std::string record_kind;
  int64_t records = 0;
  std::vector<std::string> categories;  // of those records, sorted
  std::optional<int64_t> kept_until;    // the latest expiry; unset while a rule's anchor is pending
  const config::RetentionRule* rule = nullptr;
};

// What erasing a subject at `at` would do: what it keeps under legal hold. The receipt of Erase(…, at) lists the
// same holds.
struct ErasurePreview {
  int64_t at = 0;
  std::vector<LegalHold> holds;
};

// The holds as the subject is told of them in `lang`: which records, under which law, until when.
std::vector<KeptData> KeptDataOf(const config::Config& config, const std::vector<LegalHold>& holds,
                                 std::string_view lang);

// What an erasure of many subjects did.
struct BulkErasure {
  int64_t erased = 0;
  int64_t already_erased = 0;                     // skipped: erased before
  std::vector<std::pair<size_t, Status>> failed;  // position in the input and why (no such subject)
  std::string checkpoint;
  std::map<std::string, int64_t> records_deleted;  // the erased subjects' records deleted, by kind
  int64_t records_held = 0;                        // their records kept with only their accounting fields
};

// The reasons an erasure may give (GDPR Art. 17(1) grounds, a request, or retention); never free text, so no
// personal data reaches the receipt or the audit.
const std::vector<std::string>& ErasureReasons();

class Erasure {
 public:
  // Everything passed in must outlive the Erasure.
  Erasure(std::shared_ptr<const config::Config> config, store::Store& store, const crypto::Keyring& keyring,
          const crypto::BlindIndexer& indexer, Clock& clock, Random& random, DecisionIndex* decisions = nullptr);
  ~Erasure() { Stop(); }

  // A further step of the erasure's own write, such as marking the request that asked for it completed: both
  // commit together or neither does.
  using AlsoWrite = std::function<Status(store::WriteTxn&)>;

  // Erases the subject and waits for the commit and the checkpoint. NotFound "subject_not_found"; Conflict
  // "already_erased"; InvalidArgument "unknown_reason"; or the error of `also`, which then undoes the erasure.
  // `at` (microseconds) is the erasure's time, now when unset: a Preview's time, so its receipt says what the
  // preview told.
  Result<ErasureResult> Erase(const std::string& subject_id, const std::string& reason, const Actor& actor,
                              const AlsoWrite& also = nullptr, std::optional<int64_t> at = std::nullopt);
  // Erase on the worker thread; `done` runs there.
  void EraseAsync(std::string subject_id, std::string reason, Actor actor,
                  std::function<void(Result<ErasureResult>)> done, AlsoWrite also = nullptr,
                  std::optional<int64_t> at = std::nullopt);
  // What erasing the subject now would keep under legal hold, without changing anything. Errors as Erase.
  Result<ErasurePreview> Preview(const std::string& subject_id);
  // Erases many subjects (retention, a bulk request) with the same reason: `batch` subjects per write transaction
  // and one checkpoint at the end, so the run is complete when it returns. Unknown ids are listed in `failed` and do
  // not stop the others; a store error stops the run (the batches written before it stay erased).
  struct BulkOptions {
    size_t batch = 500;
    std::function<void(int64_t erased)> progress;  // after each batch
  };
  Result<BulkErasure> EraseMany(const std::vector<std::string>& subject_ids, const std::string& reason,
                                const Actor& actor, const BulkOptions& options);
  // The receipt of an erased subject. NotFound "subject_not_found" when the subject is unknown or not erased.
  Result<ErasureResult> Receipt(const std::string& subject_id);
  // Whether `email` (as given) belongs to an erased person: its keyed hash is on the suppression list.
  Result<bool> Suppressed(std::string_view email);

  // Erasures then emit "subject.erased" in their write, to the recipients that received the subject's data. `webhooks`
  // must outlive the Erasure; set before first use.
  void SetWebhooks(const Webhooks* webhooks) { webhooks_ = webhooks; }

  // Finishes queued erasures; later ones fail with Unavailable.
  void Stop();

 private:
  struct Plan;
  // Reads what the write needs before the key goes. NotFound "subject_not_found"; Conflict "already_erased".
  Result<Plan> PlanFor(const std::string& subject_id);
  // The legal holds of `plan`'s records once erased at `now`.
  std::vector<LegalHold> HoldsOf(const Plan& plan, int64_t now) const;
  // The erasure of one planned subject inside `txn`; fills `result`'s receipt.
  Status Write(store::WriteTxn& txn, const Plan& plan, int64_t now, const std::string& reason, const Actor& actor,
               ErasureResult* result);
  void Loop();

  std::shared_ptr<const config::Config> config_;
  store::Store& store_;
  const crypto::Keyring& keyring_;
  const crypto::BlindIndexer& indexer_;
  Clock& clock_;
  Random& random_;
  DecisionIndex* decisions_;
  const Webhooks* webhooks_ = nullptr;

  Mutex mu_;
  std::condition_variable_any cv_;
  std::deque<std::function<void()>> queue_ TILLIT_GUARDED_BY(mu_);
  bool stopping_ TILLIT_GUARDED_BY(mu_) = false;
  std::thread worker_ TILLIT_GUARDED_BY(mu_);  // started on first use
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_REGISTER_ERASURE_H_
