// Moving a shop's register from one store to another (`tillit migrate --from sqlite:DIR --to postgres://…`): the
// installation's secrets, configuration snapshots, API keys, every subject with its data key, sealed fields, change
// history, records, consents, objections, restrictions and prohibition codes, the cookie banner's visitor choices and
// links, and the audit chain with its signed head, copied as they are (nothing is decrypted except the identifiers, to
// rebuild the blind indexes under the same key). The target must be empty. Afterwards the counts are compared and the
// audit chain is verified in the target. National opt-out registers are not copied: import them again into the target
// (`tillit suppress import`).
//
// Thread safety: one migration at a time; the source must not be written to meanwhile (stop the server first).
#ifndef TILLIT_CORE_INSTALL_MIGRATE_H_
#define TILLIT_CORE_INSTALL_MIGRATE_H_

#include <cstdint>
#include <functional>
#include <string>

#include "util/clock.h"
#include "util/random.h"
#include "util/status.h"

namespace tillit::core {

struct MigrateOptions {
  std::string data_dir;  // holds master.key (and the SQLite files when the source is SQLite)
  std::string from_url;  // "" for SQLite in data_dir
  std::string to_url;    // the target store; must differ from the source
  size_t batch = 200;    // subjects per commit
  // After each batch: (subjects copied, subjects in the source).
  std::function<void(int64_t, int64_t)> progress;
};

struct MigrateReport {
  int64_t subjects = 0;
  int64_t records = 0;
  int64_t consent_events = 0;
  int64_t audit_entries = 0;
  int64_t api_keys = 0;
  int64_t visitor_choices = 0;
};

// FailedPrecondition "target_not_empty" when the target holds subjects or audit entries already; Internal
// "migration_mismatch" when the verification after copying fails.
Result<MigrateReport> MigrateStore(const MigrateOptions& options, Clock& clock, Random& random);

}  // namespace tillit::core

#endif  // TILLIT_CORE_INSTALL_MIGRATE_H_
