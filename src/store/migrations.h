// The numbered schema migrations of each database. A migration is applied once, in order, inside a transaction,
// and recorded in the database's schema_migrations table; applied migrations are never edited, only followed.
#ifndef TILLIT_STORE_MIGRATIONS_H_
#define TILLIT_STORE_MIGRATIONS_H_

#include <span>
#include <string_view>

namespace tillit::store {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

// Migrations of the data database (tillit.db) for SQLite.
std::span<const Migration> SqliteDataMigrations();
// Migrations of the key store (keys.db) for SQLite.
std::span<const Migration> SqliteKeyMigrations();

// The same schema for PostgreSQL (store/postgres/pg_migrations.cc), version for version: a migration added to one
// backend is added to the other. The data tables live in the connection's default schema, tracked by its
// schema_migrations; the key store lives in the schema `keystore`, tracked by keystore.schema_migrations.
std::span<const Migration> PostgresDataMigrations();
std::span<const Migration> PostgresKeyMigrations();

}  // namespace tillit::store

#endif  // TILLIT_STORE_MIGRATIONS_H_
