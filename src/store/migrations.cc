#include "store/migrations.h"

namespace tillit::store {
namespace {

constexpr Migration kSqliteData[] = {
    {1, "configuration snapshots and API keys", R"sql(
CREATE TABLE config_snapshots (
  id            TEXT PRIMARY KEY,
  published_at  INTEGER NOT NULL,
  config_json   TEXT NOT NULL
) STRICT;
CREATE TABLE api_keys (
  name        TEXT PRIMARY KEY,
  key_hash    BLOB NOT NULL UNIQUE,
  prefix      TEXT NOT NULL,
  purposes    TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
) STRICT;
)sql"},
};

constexpr Migration kSqliteKeys[] = {
    {1, "per-subject data keys wrapped by the master key", R"sql(
CREATE TABLE data_keys (
  subject_id   TEXT PRIMARY KEY,
  kek_version  INTEGER NOT NULL,
  wrapped_key  BLOB NOT NULL,
  hold_kek_version INTEGER,
  hold_wrapped_key BLOB,
  created_at   INTEGER NOT NULL
) STRICT;
)sql"},
};

}  // namespace

std::span<const Migration> SqliteDataMigrations() { return kSqliteData; }
std::span<const Migration> SqliteKeyMigrations() { return kSqliteKeys; }

}  // namespace tillit::store
