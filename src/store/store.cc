#include "store/store.h"

#include <future>

#include "store/sql/sql_store.h"

namespace tillit::store {

Status Store::WriteAndWait(WriteFn fn) {
  std::promise<Status> promise;
  auto future = promise.get_future();
  Write(std::move(fn), [&promise](const Status& s) { promise.set_value(s); });
  return future.get();
}

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.url.starts_with("postgres://") || options.url.starts_with("postgresql://")) {
    return sql::OpenPostgresStore(options);
  }
  if (!options.url.empty()) {
    return Status::InvalidArgument("unknown store URL scheme (use postgres:// or postgresql://, or none for SQLite)",
                                   "invalid_store_url");
  }
  return sql::OpenSqliteStore(options);
}

}  // namespace tillit::store
