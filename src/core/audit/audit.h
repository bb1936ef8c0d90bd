// The audit log: every read and change of personal data, every key creation or revocation and every configuration
// load becomes an append-only entry (who, purpose, action, subject id, time — ids only, never personal data), chained
// by hash: each entry's hash covers the previous entry's hash and its own fields, so editing, deleting or reordering
// an entry breaks the chain from there on. Only the store's single writer appends, inside the same group commit as
// the change it records, so the chain has one order. At the end of every group commit that appended, the chain head
// (seq, hash) is signed with the installation's Ed25519 key; the signature makes truncating the tail, or rewriting
// the whole chain, detectable too. The same signed head is written, in the same commit, to the key store (keys.db,
// or the PostgreSQL schema `keystore`), which is kept and backed up apart from the data: someone who can write only
// the data database can then neither delete the whole log nor roll it back to an older signed head unnoticed. An
// external witness (core/disclosure/audit_witness.h) holds the heads outside both. `VerifyAudit` (`tillit audit verify`) walks
// the chain, names the first bad entry, and checks it against every head held elsewhere: it must be at least as long
// and agree with each. docs/SECURITY.md has the threat model.
//
// Thread safety: AppendAudit runs inside a write (on the writer thread), as does the commit hook. AuditSigner is
// immutable.
#ifndef TILLIT_CORE_AUDIT_AUDIT_H_
#define TILLIT_CORE_AUDIT_AUDIT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/signing.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/status.h"

namespace tillit::core {

// Who acts: an integration's API key, a staff member, the command line, tillit itself, or the subject.
struct Actor {
  std::string kind;  // "api_key" | "staff" | "cli" | "system" | "subject"
  std::string name;  // key name, staff user name, "tillit" …

  static Actor Cli() { return {"cli", "tillit"}; }
  static Actor System() { return {"system", "tillit"}; }
};

struct AuditEvent {
  Actor actor;
  std::string purpose;     // the purpose named by the request; empty for changes that name none
  std::string action;      // "subject.create", "subject.read", "record.create", "api_key.create" …
  std::string subject_id;  // empty when the action concerns no subject
  std::string detail;      // ids and category names only
};

// Appends `event` at `at` (microseconds) to the chain, in the write `txn` belongs to.
Status AppendAudit(store::WriteTxn& txn, const AuditEvent& event, int64_t at);

// The hash of `row`: BLAKE2b-256 over its prev_hash and its fields, each length-prefixed.
std::vector<uint8_t> AuditEntryHash(const store::AuditRow& row);

// Signs and checks the chain head with the installation's audit key.
class AuditSigner {
 public:
  explicit AuditSigner(const crypto::SecretKey& seed) : signer_(seed) {}
  std::vector<uint8_t> SignHead(int64_t seq, const std::vector<uint8_t>& hash) const;
  bool VerifyHead(const store::AuditCheckpointRow& head) const;
  const std::vector<uint8_t>& public_key() const { return signer_.public_key(); }

 private:
  crypto::Signer signer_;
};

// The commit hook that signs the chain head when a group commit appended to it, and writes it to the data database
// and to the key store. The key store's head only moves forward along the same chain: when the chain is shorter than
// it, or differs from it at its entry (the log was truncated or rolled back meanwhile), it is left as it is, as
// evidence for `tillit audit verify`, and an error is logged once. `signer` and `clock` must outlive the store.
store::Store::WriteFn CheckpointHook(const AuditSigner& signer, Clock& clock);

// A signed head held outside the databases, with where it came from ("FILE:LINE") for messages.
struct WitnessedHead {
  std::string where;
  store::AuditCheckpointRow head;
};

struct AuditVerification {
  bool ok = false;
  int64_t entries = 0;                   // entries read
  int64_t first_bad = 0;                 // seq of the first bad entry; 0 when ok or when the problem is the head
  std::string problem;                   // what is wrong, for a person to read
  std::optional<int64_t> key_store_seq;  // the entry the key store's head names; unset when it holds none yet
  int64_t witnessed = 0;                 // witnessed heads checked
  int64_t witnessed_seq = 0;             // the newest entry a witnessed head names
};

// Walks the whole chain in order, recomputing each hash, and checks the signed head of the data database against
// the last entry. Then checks the chain against the head kept in the key store and each of `witnessed`: each must
// carry a valid signature, name an entry the chain has, and agree with the chain's hash there; and the data
// database's head must not be older than the key store's. A chain that cannot be read (its table dropped) is a
// failed verification, not an error.
Result<AuditVerification> VerifyAudit(store::Store& store, const AuditSigner& signer,
                                      const std::vector<WitnessedHead>& witnessed = {});

}  // namespace tillit::core

#endif  // TILLIT_CORE_AUDIT_AUDIT_H_
