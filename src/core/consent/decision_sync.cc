#include "core/consent/decision_sync.h"

#include <set>

namespace tillit::core {

void DecisionSync::Start(int64_t from_seq) {
  applied_ = from_seq;
  thread_ = std::thread([this] { Loop(); });
}

void DecisionSync::Stop() {
  stop_.Stop();
  if (thread_.joinable()) thread_.join();
}

void DecisionSync::Loop() {
  while (!stop_.stopped()) {
    (void)CatchUp();  // a store that does not answer now is asked again at the next tick
    if (stop_.WaitFor(interval_)) break;
  }
}

Status DecisionSync::CatchUp() {
  constexpr size_t kPage = 1000;
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto changes, store_.ReadDecisionChanges(applied_.load(), kPage));
    if (changes.empty()) return Status::Ok();
    std::set<std::string> subjects;
    for (const auto& [seq, subject] : changes) subjects.insert(subject);
    for (const auto& subject : subjects) {
      if (subject == DecisionIndex::kRegistersChanged) {
        TILLIT_RETURN_IF_ERROR(index_.ReloadRegisters(store_));
      } else {
        TILLIT_RETURN_IF_ERROR(index_.Refresh(store_, subject));
      }
    }
    applied_ = changes.back().first;
    if (changes.size() < kPage) return Status::Ok();
  }
}

}  // namespace tillit::core
