#include "store/store.h"

#include <future>

namespace tillit::store {

Status Store::WriteAndWait(WriteFn fn) {
  std::promise<Status> promise;
  auto future = promise.get_future();
  Write(std::move(fn), [&promise](const Status& s) { promise.set_value(s); });
  return future.get();
}

}  // namespace tillit::store
