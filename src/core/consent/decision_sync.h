// DecisionSync: keeps a server's decision index in step with writes made through other servers on the same
// database. Every write that changes a decision input appends the subject's id to the store's decision-change feed
// in its own transaction; a background thread reads the feed every `interval` and refreshes those subjects from the
// store, so a change made through one server reaches every other server's decisions within about one interval. An
// opt-out register import (`tillit suppress import`) notes DecisionIndex::kRegistersChanged, and the registers are
// reloaded.
// (A decision that must see the database at once reads through instead: DecisionIndex::Refresh.)
//
// Thread safety: Start and Stop from one thread; the index is safe to use meanwhile.
#ifndef TILLIT_CORE_CONSENT_DECISION_SYNC_H_
#define TILLIT_CORE_CONSENT_DECISION_SYNC_H_

#include <atomic>
#include <chrono>
#include <thread>

#include "core/consent/decisions.h"
#include "store/store.h"
#include "util/stop_signal.h"
#include "util/status.h"

namespace tillit::core {

class DecisionSync {
 public:
  DecisionSync(DecisionIndex& index, store::Store& store, std::chrono::milliseconds interval)
      : index_(index), store_(store), interval_(interval) {}
  ~DecisionSync() { Stop(); }
  DecisionSync(const DecisionSync&) = delete;
  DecisionSync& operator=(const DecisionSync&) = delete;

  // Starts following the feed after `from_seq` (the feed's end read before the index was rebuilt, so nothing falls
  // between the two).
  void Start(int64_t from_seq);
  void Stop();
  int64_t applied_seq() const { return applied_.load(); }

 private:
  void Loop();
  // Applies the feed up to its current end. Unavailable store: retried at the next tick.
  Status CatchUp();

  DecisionIndex& index_;
  store::Store& store_;
  const std::chrono::milliseconds interval_;
  std::atomic<int64_t> applied_{0};
  StopSignal stop_;
  std::thread thread_;
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_CONSENT_DECISION_SYNC_H_
