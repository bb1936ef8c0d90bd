// Disclosures: the log of hand-overs of a subject's data to the recipients the configuration declares ("order
// 1234's address sent to Posti"). A disclosure names a recipient of the configuration, categories declared for that
// recipient, and a purpose the recipient is declared for; anything else is refused as a rule violation, so the log
// can only say what the policy allows. The free-text reference is sealed under the subject's data key. Each
// disclosure and each read of the log is an audit entry in the same commit. The log answers Art. 15(1)(c)
// ("recipients actually disclosed to") and Art. 19 (whom to notify of a rectification, erasure or restriction)
// through DisclosedTo, and is deleted with the subject on erasure (EraseDisclosures).
//
// Thread safety: all methods may be called from any thread; callbacks run on the store's writer thread (or the
// caller's, for an early error).
#ifndef TILLIT_CORE_DISCLOSURE_DISCLOSURES_H_
#define TILLIT_CORE_DISCLOSURE_DISCLOSURES_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/audit/audit.h"
#include "crypto/keyring.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/random.h"
#include "util/status.h"

namespace tillit::core {

struct DisclosureInput {
  std::string recipient;  // a recipient id of the configuration
  std::vector<std::string> categories;
  std::string purpose;
  std::string reference;      // e.g. "order 1234"; optional, up to 256 characters; sealed
  std::optional<int64_t> at;  // when it happened; now when absent; not in the future
};

struct DisclosureView {
  std::string id;
  std::string recipient;
  std::vector<std::string> categories;
  std::string purpose;
  std::optional<std::string> reference;
  int64_t at = 0;
  int64_t recorded_at = 0;
  std::string recorded_by;
};

// What one recipient received of a subject's data, over every logged disclosure.
struct RecipientDisclosures {
  std::string recipient;
  std::vector<std::string> categories;  // sorted, each once
  std::vector<std::string> purposes;    // sorted, each once
  int64_t first_at = 0;
  int64_t last_at = 0;
  size_t count = 0;
};

// Which recipients received which categories of the subject's data, by recipient id: for the access report and the
// Art. 19 notifications. Reads ids only; no audit entry (the caller's own read is audited).
Result<std::vector<RecipientDisclosures>> DisclosedTo(store::Store& store, std::string_view subject_id);

// Deletes every disclosure of the subject inside the erasure's write. Sets *deleted when not null.
Status EraseDisclosures(store::WriteTxn& txn, std::string_view subject_id, int64_t* deleted = nullptr);

class Disclosures {
 public:
  template <typename T>
  using Done = std::function<void(Result<T>)>;

  // Everything passed in must outlive the Disclosures.
  Disclosures(std::shared_ptr<const config::Config> config, store::Store& store, const crypto::Keyring& keyring,
              Clock& clock, Random& random);

  // Logs a disclosure. NotFound "subject_not_found"; InvalidArgument for malformed input ("recipient_required",
  // "categories_required", "purpose_required", "reference_too_long", "invalid_time"); FailedPrecondition (a rule
  // violation) "unknown_recipient", "category_not_declared_for_recipient", "unknown_purpose",
  // "purpose_not_declared_for_recipient", "subject_erased".
  void Record(std::string subject_id, DisclosureInput input, Actor actor, Done<DisclosureView> done);

  // The subject's disclosures, oldest first, references opened; an audited read for `purpose`.
  void List(std::string subject_id, Actor actor, std::string purpose, Done<std::vector<DisclosureView>> done);

 private:
  Result<crypto::SecretKey> DataKeyOf(std::string_view subject_id);
  Status CheckSubject(std::string_view subject_id);

  std::shared_ptr<const config::Config> config_;
  store::Store& store_;
  const crypto::Keyring& keyring_;
  Clock& clock_;
  Random& random_;
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_DISCLOSURE_DISCLOSURES_H_
