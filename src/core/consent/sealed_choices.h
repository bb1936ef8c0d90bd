// Sealed choices: what a subject's consent events, objections and restrictions say about the person — a consent's
// evidence (the browser's user agent and a keyed hash of the address it came from), the reason staff gave when they
// decided an objection, a restriction's reason and the notice sent when it was lifted — is sealed under the
// subject's data key like a profile field, bound to (subject id, row id + "#evidence" / "#reason" / "#notice"). Erasure
// destroys that key, so these texts become unreadable in every copy of the data, backups taken before the erasure
// included. The address hash is sealed too: a keyed hash under the installation's index key would stay linkable to
// an address (the IPv4 space is small enough to try every address) long after the person is gone.
//
// The store rows carry both forms: the opened members (user_agent, ip_hash, reason, lift_notice), which the store
// never writes, and the sealed members, which it keeps. Seal* fills the sealed members from the opened ones; Open*
// does the reverse after a read.
//
// Thread safety: free functions over their arguments; SubjectDataKey reads the store, which any thread may do.
#ifndef TILLIT_CORE_CONSENT_SEALED_CHOICES_H_
#define TILLIT_CORE_CONSENT_SEALED_CHOICES_H_

#include <string_view>
#include <vector>

#include "crypto/keyring.h"
#include "crypto/secure_key.h"
#include "store/store.h"
#include "util/random.h"
#include "util/status.h"

namespace tillit::core {

// The subject's data key. NotFound "subject_not_found" without a key row, "subject_erased" once the key was
// destroyed; FailedPrecondition from Keyring::Unwrap.
Result<crypto::SecretKey> SubjectDataKey(store::Store& store, const crypto::Keyring& keyring,
                                         std::string_view subject_id);

// Fills row.evidence from row.user_agent and row.ip_hash (left empty when both are).
void SealEvidence(const crypto::SecretKey& key, store::ConsentEventRow& row, Random& random);
// Fills row.sealed_reason from row.reason (left empty when it is).
void SealObjectionReason(const crypto::SecretKey& key, store::ObjectionRow& row, Random& random);
// Fills row.sealed_reason and row.sealed_notice from row.reason and row.lift_notice.
void SealRestrictionTexts(const crypto::SecretKey& key, store::RestrictionRow& row, Random& random);
// The sealed notice of the restriction `restriction_id` of `subject_id` (empty for an empty notice).
std::vector<uint8_t> SealLiftNotice(const crypto::SecretKey& key, std::string_view subject_id,
                                    std::string_view restriction_id, std::string_view notice, Random& random);
// The sealed decision reason of the objection `objection_id` of `subject_id` (empty for an empty reason).
std::vector<uint8_t> SealDecisionReason(const crypto::SecretKey& key, std::string_view subject_id,
                                        std::string_view objection_id, std::string_view reason, Random& random);

// Whether the row holds anything sealed to open.
inline bool IsSealed(const store::ConsentEventRow& row) { return !row.evidence.empty(); }
inline bool IsSealed(const store::ObjectionRow& row) { return !row.sealed_reason.empty(); }
inline bool IsSealed(const store::RestrictionRow& row) {
  return !row.sealed_reason.empty() || !row.sealed_notice.empty();
}

// Open the sealed members into the opened ones. FailedPrecondition "seal_open_failed" when a value does not open
// (another subject's key, a value moved to another row); Internal when the evidence is not the JSON sealed here.
Status OpenEvidence(const crypto::SecretKey& key, store::ConsentEventRow& row);
Status OpenObjection(const crypto::SecretKey& key, store::ObjectionRow& row);
Status OpenRestriction(const crypto::SecretKey& key, store::RestrictionRow& row);

// Every row of a list opened; stops at the first failure.
Status OpenAll(const crypto::SecretKey& key, std::vector<store::ConsentEventRow>& rows);
Status OpenAll(const crypto::SecretKey& key, std::vector<store::ObjectionRow>& rows);
Status OpenAll(const crypto::SecretKey& key, std::vector<store::RestrictionRow>& rows);

}  // namespace tillit::core

#endif  // TILLIT_CORE_CONSENT_SEALED_CHOICES_H_
