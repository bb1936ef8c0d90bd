// SqliteStore: the embedded Store backend. Two files in the data directory: tillit.db (the register) and
// keys.db (the key store, attached to the writer's connection as `keystore`), both in WAL mode.
// One writer thread owns the write connection and performs group commits; readers use a small pool.
//
// Thread safety: as Store.
#ifndef TILLIT_STORE_SQLITE_SQLITE_STORE_H_
#define TILLIT_STORE_SQLITE_SQLITE_STORE_H_

#include <memory>

#include "store/store.h"

namespace tillit::store {

Result<std::unique_ptr<Store>> OpenSqliteStore(const StoreOptions& options);

}  // namespace tillit::store

#endif  // TILLIT_STORE_SQLITE_SQLITE_STORE_H_
