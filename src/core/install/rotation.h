// Master key rotation (`tillit keys rotate`): adds a new master key version and re-wraps every subject's data key and
// every installation secret under it, in batches, each batch one commit. Resumable: a rotation cut short (a crash,
// a power cut) leaves keys under both versions, all readable, and the next run finishes it without adding another
// version. Once it completes, no stored key needs an older version, and `tillit keys retire` removes the old
// versions from the key file.
//
// Thread safety: run one rotation at a time per data directory (the CLI is the only caller).
#ifndef TILLIT_CORE_INSTALL_ROTATION_H_
#define TILLIT_CORE_INSTALL_ROTATION_H_

#include <cstdint>
#include <functional>
#include <string>

#include "util/clock.h"
#include "util/random.h"
#include "util/status.h"

namespace tillit::core {

struct RotationOptions {
  std::string store_url;  // as core::Open's
  size_t batch = 500;
  // Called after each batch with (re-wrapped so far, total to re-wrap).
  std::function<void(int64_t, int64_t)> progress;
  // For tests of resumption: stop with Aborted after this many batches (0: never).
  size_t stop_after_batches = 0;
};

struct RotationReport {
  uint32_t version = 0;   // the master key version every key is now wrapped by
  bool resumed = false;   // an unfinished rotation was completed instead of starting a new one
  int64_t data_keys = 0;  // re-wrapped by this run
  int64_t secrets = 0;
};

Result<RotationReport> RotateKeys(const std::string& data_dir, const RotationOptions& options, Clock& clock,
                                  Random& random);

// Removes master key versions no stored key uses any more. FailedPrecondition while a rotation is unfinished.
// Returns the number of versions removed.
Result<int> RetireOldKeys(const std::string& data_dir, Clock& clock, Random& random, const std::string& store_url = "");

}  // namespace tillit::core

#endif  // TILLIT_CORE_INSTALL_ROTATION_H_
