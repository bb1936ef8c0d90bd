// The PostgreSQL store against a real server, for what only PostgreSQL has: the libpq layer, migrations kept in step
// with SQLite's and applied once by servers starting together, the database that must exist, the choice of backend
// by URL, two servers on one database, reconnection, and the transaction a refused statement aborts. What every
// backend answers is the Store contract (store_contract_test.cc), which runs on PostgreSQL too.
//
// Runs when TILLIT_TEST_POSTGRES (or TILLIT_TEST_POSTGRES_FILE) names a server where the tests may create databases;
// each test gets a fresh database t_<random>, dropped afterwards. Start a throwaway server with
//   scripts/pg-test-cluster start /tmp/pgt 55432     # prints postgresql://postgres@127.0.0.1:55432/postgres
// Without it every test is skipped.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <future>
#include <random>
#include <thread>

#include "store/migrations.h"
#include "store/postgres/pg_conn.h"
#include "store/sql/conn.h"
#include "store/store.h"
#include "support/process.h"

namespace tillit::store {
namespace {

// `url` with its database replaced by `db`.
std::string WithDatabase(const std::string& url, const std::string& db) {
  const size_t start = url.find("://") + 3;
  const size_t query = url.find('?', start);
  const size_t slash = url.find('/', start);
  const size_t end = slash != std::string::npos && slash < query ? slash : std::min(query, url.size());
  return url.substr(0, end) + "/" + db + (query != std::string::npos ? url.substr(query) : "");
}

std::vector<uint8_t> Bytes(std::string_view s) { return std::vector<uint8_t>(s.begin(), s.end()); }

std::vector<uint8_t> EveryByte() {
  std::vector<uint8_t> all(512);
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint8_t>(i);
  return all;
}

ApiKeyRow Key(const std::string& name) {
  ApiKeyRow row;
  row.name = name;
  row.key_hash = Bytes("hash:" + name);
  row.prefix = "tillit_x";
  row.purposes = {"contract", "marketing"};
  row.created_at = 1;
  return row;
}

// A write that fails on the server, not in our code: PostgreSQL refuses text that is not UTF-8.
Status ServerSideFailure(WriteTxn& txn) { return txn.InsertApiKey(Key("bad\xff")); }

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string server = testing::PostgresServerUrl();
    if (server.empty()) {
      GTEST_SKIP() << "set TILLIT_TEST_POSTGRES to a PostgreSQL URL where databases may be created, e.g. the one "
                      "`scripts/pg-test-cluster start /tmp/pgt 55432` prints";
    }
    server_ = server;
    std::random_device rd;
    db_ = "t_" + std::to_string(rd()) + std::to_string(rd());
    ASSERT_TRUE(Admin("CREATE DATABASE " + db_).ok());
    created_ = true;
    url_ = WithDatabase(server_, db_);
    auto opened = Open();
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
  }

  void TearDown() override {
    store_.reset();
    if (created_) {
      EXPECT_TRUE(Admin("DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE)").ok());
    }
  }

  // Runs `sql` on the server's own database.
  Status Admin(const std::string& sql) {
    auto conn = pg::Conn::Connect(server_);
    if (!conn.ok()) return conn.status();
    Status ran = (*conn)->Exec(sql);
    EXPECT_TRUE(ran.ok()) << sql << ": " << ran.ToString();
    return ran;
  }

  Result<std::unique_ptr<Store>> Open(bool create = true, size_t readers = 2) {
    StoreOptions options;
    options.url = url_;
    options.create_if_missing = create;
    options.readers = readers;
    return Store::Open(options);
  }

  Status Write(const Store::WriteFn& fn) { return store_->WriteAndWait(fn); }

  std::string server_, db_, url_;
  bool created_ = false;
  std::unique_ptr<Store> store_;
};

// The libpq layer: binary parameters and results, deferred statements pipelined with the next query.
TEST_F(PostgresStoreTest, ConnRoundTripsValuesAndReportsDeferredFailures) {
  auto connected = pg::Conn::Connect(url_);
  ASSERT_TRUE(connected.ok()) << connected.status().ToString();
  pg::Conn& conn = **connected;
  auto rows = conn.Query("SELECT $1::bytea, $2::text, $3::bigint, $4::int, -2::smallint, true, false, NULL::bigint",
                         sql::Params().Bytes(EveryByte()).Text("Åsa \x01").Int64(-5000000000).Int32(-7));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->Bytes(0, 0), EveryByte());
  EXPECT_EQ(rows->Text(0, 1), "Åsa \x01");
  EXPECT_EQ(rows->Int(0, 2), -5000000000);
  EXPECT_EQ(rows->Int(0, 3), -7);
  EXPECT_EQ(rows->Int(0, 4), -2);
  EXPECT_EQ(rows->Int(0, 5), 1);
  EXPECT_EQ(rows->Int(0, 6), 0);
  EXPECT_FALSE(rows->OptionalInt(0, 7));
  EXPECT_TRUE(conn.Query("SELECT $1::bytea", sql::Params().Bytes({})).value().Bytes(0, 0).empty());

  // A deferred statement that fails is what the next query reports; the query does not run.
  ASSERT_TRUE(conn.Exec("BEGIN").ok());
  conn.Defer("SAVEPOINT a");
  conn.Defer("SELECT 1/0");
  auto failed = conn.Query("SELECT 1");
  EXPECT_EQ(failed.status().code(), StatusCode::kInternal);
  EXPECT_THAT(failed.status().message(), ::testing::HasSubstr("22012"));
  EXPECT_TRUE(conn.InFailedTransaction());
  conn.Defer("ROLLBACK TO SAVEPOINT a");
  auto after = conn.Query("SELECT $1::bigint + 1", sql::Params().Int64(41));
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->Int(0, 0), 42);
  EXPECT_FALSE(conn.InFailedTransaction());
  // A statement prepared inside a transaction that rolls back stays prepared.
  EXPECT_EQ(*conn.Command("ROLLBACK"), "ROLLBACK");
  EXPECT_TRUE(conn.Idle());
  EXPECT_EQ(conn.Query("SELECT $1::bigint + 1", sql::Params().Int64(1))->Int(0, 0), 2);
  // A deferred statement never sent can be taken back.
  conn.Defer("SELECT 1/0");
  EXPECT_TRUE(conn.Undefer("SELECT 1/0"));
  EXPECT_FALSE(conn.Undefer("SELECT 1/0"));
  EXPECT_TRUE(conn.Query("SELECT 1").ok());
  // A unique violation is a Conflict.
  ASSERT_TRUE(conn.Exec("CREATE TEMP TABLE u (k int PRIMARY KEY)").ok());
  ASSERT_TRUE(conn.Query("INSERT INTO u VALUES ($1)", sql::Params().Int32(1)).ok());
  EXPECT_EQ(conn.Query("INSERT INTO u VALUES ($1)", sql::Params().Int32(1)).status().code(), StatusCode::kConflict);
  EXPECT_EQ(conn.Query("INSERT INTO u VALUES ($1)", sql::Params().Int64(2)).status().code(), StatusCode::kInternal);
}

TEST_F(PostgresStoreTest, MigrationsApplyOnceAndMatchSqlite) {
  ASSERT_FALSE(PostgresDataMigrations().empty());
  EXPECT_EQ(PostgresDataMigrations().back().version, SqliteDataMigrations().back().version);
  EXPECT_EQ(PostgresKeyMigrations().back().version, SqliteKeyMigrations().back().version);
  auto version = store_->SchemaVersion();
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, PostgresDataMigrations().back().version);
  // Opening again, with or without create_if_missing, finds nothing to do.
  store_.reset();
  for (bool create : {true, false}) {
    auto again = Open(create);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(*(*again)->SchemaVersion(), PostgresDataMigrations().back().version);
  }
  auto conn = pg::Conn::Connect(url_);
  ASSERT_TRUE(conn.ok());
  auto rows = (*conn)->Query(
      "SELECT (SELECT COUNT(*) FROM schema_migrations), "
      "(SELECT COUNT(*) FROM keystore.schema_migrations), "
      "(SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'keystore')");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->Int(0, 0), static_cast<int64_t>(PostgresDataMigrations().size()));
  EXPECT_EQ(rows->Int(0, 1), static_cast<int64_t>(PostgresKeyMigrations().size()));
  EXPECT_EQ(rows->Int(0, 2), 4);  // data_keys, secrets, audit_head, schema_migrations
}

TEST_F(PostgresStoreTest, ServersStartingTogetherMigrateOnce) {
  ASSERT_TRUE(Admin("CREATE DATABASE " + db_ + "_b").ok());
  const std::string url = WithDatabase(server_, db_ + "_b");
  std::vector<std::future<Status>> opens;
  for (int i = 0; i < 4; ++i) {
    opens.push_back(std::async(std::launch::async, [&url] {
      StoreOptions options;
      options.url = url;
      options.create_if_missing = true;
      options.readers = 1;
      auto store = Store::Open(options);
      return store.ok() ? (*store)->SchemaVersion().status() : store.status();
    }));
  }
  for (auto& f : opens) EXPECT_TRUE(f.get().ok());
  EXPECT_TRUE(Admin("DROP DATABASE " + db_ + "_b WITH (FORCE)").ok());
}

TEST_F(PostgresStoreTest, AnEmptyDatabaseIsNotFoundUnlessCreating) {
  ASSERT_TRUE(Admin("CREATE DATABASE " + db_ + "_e").ok());
  StoreOptions options;
  options.url = WithDatabase(server_, db_ + "_e");
  auto store = Store::Open(options);
  EXPECT_EQ(store.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store.status().reason(), "database_not_found");
  EXPECT_TRUE(Admin("DROP DATABASE " + db_ + "_e WITH (FORCE)").ok());
}

TEST_F(PostgresStoreTest, OpenChoosesTheBackendByUrl) {
  StoreOptions options;
  options.url = "mysql://localhost/x";
  EXPECT_EQ(Store::Open(options).status().code(), StatusCode::kInvalidArgument);
  options.url = "postgresql://postgres@127.0.0.1:1/none?connect_timeout=2";
  auto unreachable = Store::Open(options);
  EXPECT_EQ(unreachable.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(unreachable.status().reason(), "storage_unavailable");
}

// A failed statement aborts a PostgreSQL transaction: a write that ignores a statement the server refused and
// answers Ok is failed and undone as a whole, not committed half. (SQLite undoes only the refused statement and
// commits the rest: not part of the Store contract.)
TEST_F(PostgresStoreTest, AWriteThatIgnoresARefusedStatementIsUndone) {
  Status s = Write([](WriteTxn& txn) {
    EXPECT_TRUE(txn.InsertApiKey(Key("first")).ok());
    (void)ServerSideFailure(txn);
    return Status::Ok();
  });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_TRUE(store_->ListApiKeys()->empty());
  // The writer is healthy afterwards.
  EXPECT_TRUE(Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("after")); }).ok());
}

// Two servers on one database append to one audit chain: the advisory lock each batch takes keeps seq gap-free.
TEST_F(PostgresStoreTest, TwoStoresOnOneDatabaseKeepOneAuditChain) {
  auto other = Open();
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  std::vector<Store*> stores = {store_.get(), other->get()};
  constexpr int kThreads = 4, kPerThread = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store* store = stores[t % 2];
      for (int i = 0; i < kPerThread; ++i) {
        Status s = store->WriteAndWait([t](WriteTxn& txn) -> Status {
          TILLIT_ASSIGN_OR_RETURN(AuditCheckpointRow tail, txn.AuditTail());
          return txn.AppendAudit({tail.seq + 1, 0, "system", "t" + std::to_string(t), "", "tick", "", "", tail.hash,
                                  Bytes("h" + std::to_string(tail.seq + 1))});
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto entries = store_->ReadAudit(0, 1000);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), static_cast<size_t>(kThreads * kPerThread));
  for (size_t i = 0; i < entries->size(); ++i) {
    EXPECT_EQ((*entries)[i].seq, static_cast<int64_t>(i + 1));
    if (i > 0) {
      EXPECT_EQ((*entries)[i].prev_hash, (*entries)[i - 1].hash);
    }
  }
}

TEST_F(PostgresStoreTest, TheStoreReconnectsAfterItsConnectionsAreDropped) {
  ASSERT_TRUE(Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("before")); }).ok());
  ASSERT_TRUE(store_->ListApiKeys().ok());
  ASSERT_TRUE(Admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db_ +
                    "' AND pid <> pg_backend_pid()")
                  .ok());
  // The first use of a dropped connection may fail (Unavailable); the next one reconnects.
  Status write = Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("after")); });
  if (!write.ok()) {
    EXPECT_EQ(write.code(), StatusCode::kUnavailable) << write.ToString();
    write = Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("after")); });
  }
  EXPECT_TRUE(write.ok()) << write.ToString();
  for (int i = 0; i < 4; ++i) {
    auto keys = store_->ListApiKeys();
    if (keys.ok()) {
      EXPECT_EQ(keys->size(), 2u);
    } else {
      EXPECT_EQ(keys.status().code(), StatusCode::kUnavailable);
    }
  }
  auto keys = store_->ListApiKeys();
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(keys->size(), 2u);
}

}  // namespace
}  // namespace tillit::store
