// PgStore: the PostgreSQL Store backend. The register's tables live in the database's default schema, the key store
// in the schema `keystore`; migrations are applied at open in one transaction under an advisory lock, so servers
// starting together do not race. One writer thread owns the write connection and performs group commits (one
// transaction per batch, a savepoint per write, the commit hook in its own savepoint before the commit, nothing
// acknowledged before the COMMIT); each batch transaction first takes a database-wide advisory lock, so several
// tillit servers on one database append to the audit chain one at a time and its seq stays gap-free. Reads use a
// small pool of connections, one statement each.
//
// Thread safety: as Store.
#ifndef TILLIT_STORE_POSTGRES_PG_STORE_H_
#define TILLIT_STORE_POSTGRES_PG_STORE_H_

#include <memory>

#include "store/store.h"

namespace tillit::store {

// Opens the store at options.url (postgres://… or postgresql://…) with options.readers reader connections (at
// least one) and applies pending migrations. With create_if_missing a database without tillit's schema gets it;
// without, such a database is NotFound "database_not_found". The database itself must exist: it is never created.
// Unavailable "storage_unavailable" if the server cannot be reached.
Result<std::unique_ptr<Store>> OpenPostgresStore(const StoreOptions& options);

}  // namespace tillit::store

#endif  // TILLIT_STORE_POSTGRES_PG_STORE_H_
