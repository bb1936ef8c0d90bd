// Legacy plaintext: before schema version 13 the register kept consent evidence (user agent, keyed hash of the
// address), objections' decision reasons and restrictions' reasons and lift notices in the clear. SealLegacyPlaintext
// seals what is left of those under each subject's data key (core/consent/sealed_choices.h), batch by batch, empties the
// columns in the clear, has the store rewrite the tables so the superseded row versions leave the files
// (Store::Compact) and checkpoints the write-ahead log. It also forgets the address hashes of one-time codes that
// the limits no longer count. Every opened data directory runs it (core::Open); once nothing is left it costs one
// look at the empty partial indexes, and it writes nothing: a write lets the audit chain sign its head again, which
// `tillit audit verify` (opening the data the same way) must not cause.
//
// A row whose subject has no data key any more (erased, which deletes these rows anyway) cannot be sealed: its text
// is emptied instead, since it must not outlive the person.
//
// Thread safety: run it once, before serving; it waits for its writes.
#ifndef TILLIT_CORE_INSTALL_LEGACY_PLAINTEXT_H_
#define TILLIT_CORE_INSTALL_LEGACY_PLAINTEXT_H_

#include <cstdint>
#include <string>

#include "crypto/keyring.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/random.h"
#include "util/status.h"

namespace tillit::core {

struct LegacySealReport {
  int64_t consent_events = 0;
  int64_t objections = 0;
  int64_t restrictions = 0;
  int64_t code_addresses = 0;  // codes whose address hashes were forgotten
  std::string compacted;       // what Store::Compact did; "" when nothing was sealed
};

// Each batch is one write with an audit entry ("data.seal_legacy", counts only).
Result<LegacySealReport> SealLegacyPlaintext(store::Store& store, const crypto::Keyring& keyring, Clock& clock,
                                             Random& random);

}  // namespace tillit::core

#endif  // TILLIT_CORE_INSTALL_LEGACY_PLAINTEXT_H_
