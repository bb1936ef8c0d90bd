// Store: tillit's storage interface. Typed operations, not SQL: SQL lives only in the backends (sqlite/, later
// postgres/). Writes go through one writer that batches concurrent requests into one transaction and one fsync
// (group commit); each request runs in its own savepoint, so one failing request does not abort its neighbours,
// and no request is acknowledged before its transaction has committed. Reads run on their own connections.
//
// Thread safety: every method may be called from any thread. Write callbacks run on the writer thread and must
// not block; hand long work to another thread.
#ifndef TILLIT_STORE_STORE_H_
#define TILLIT_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace tillit::store {

struct ApiKeyRow {
  std::string name;
  std::vector<uint8_t> key_hash;      // BLAKE2b-256 of the secret; the secret itself is never stored
  std::string prefix;                 // first characters of the key, to recognise it in listings
  std::vector<std::string> purposes;  // purposes reads with this key may name
  int64_t created_at = 0;             // microseconds since the epoch
  std::optional<int64_t> revoked_at;
};

struct ConfigSnapshotRow {
  std::string id;  // the policy version: hash of the canonical configuration
  int64_t published_at = 0;
  std::string config_json;  // the canonical configuration
};

// The typed operations available inside one write. Implemented by each backend over its open transaction.
class WriteTxn {
 public:
  virtual ~WriteTxn() = default;
  // Conflict if a key with this name exists.
  virtual Status InsertApiKey(const ApiKeyRow& row) = 0;
  // NotFound if no unrevoked key has this name.
  virtual Status RevokeApiKey(std::string_view name, int64_t revoked_at) = 0;
  // Records a published configuration; a snapshot with the same id is kept as it is. Sets *inserted.
  virtual Status PutConfigSnapshot(const ConfigSnapshotRow& row, bool* inserted) = 0;
};

struct StoreOptions {
  // The data directory: tillit.db (data) and keys.db (key store) live here.
  std::string data_dir;
  // Create the database files if absent (init); otherwise a missing database is an error.
  bool create_if_missing = false;
  // Upper bound of requests in one group commit.
  size_t max_batch = 512;
  // Reader connections.
  size_t readers = 4;
};

class Store {
 public:
  using WriteFn = std::function<Status(WriteTxn&)>;
  using DoneFn = std::function<void(const Status&)>;

  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // Opens the SQLite store in options.data_dir and applies pending migrations.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);

  // Queues `fn` for the writer. `done` runs on the writer thread with fn's status once the transaction that holds
  // it has committed (or with the failure that stopped it). fn must only use `txn` and must not block.
  virtual void Write(WriteFn fn, DoneFn done) = 0;
  // Write and wait for the commit. For the CLI and tests; never call it on an I/O thread.
  Status WriteAndWait(WriteFn fn);

  virtual Result<std::optional<ApiKeyRow>> FindApiKeyByHash(const std::vector<uint8_t>& key_hash) = 0;
  virtual Result<std::vector<ApiKeyRow>> ListApiKeys() = 0;
  virtual Result<std::optional<ConfigSnapshotRow>> FindConfigSnapshot(std::string_view id) = 0;
  virtual Result<std::vector<ConfigSnapshotRow>> ListConfigSnapshots() = 0;

  // The schema version the data database is at.
  virtual Result<int> SchemaVersion() = 0;

  // Finishes every queued write, then closes the databases cleanly. Further writes fail with Unavailable.
  // Idempotent.
  virtual void Close() = 0;
};

}  // namespace tillit::store

#endif  // TILLIT_STORE_STORE_H_
