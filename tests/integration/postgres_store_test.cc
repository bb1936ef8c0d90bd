// The PostgreSQL store against a real server: the Store contract, migrations, group commit with per-write
// savepoints, the commit hook, two servers on one database, and reconnection.
//
// Runs when TILLIT_TEST_POSTGRES names a server where the tests may create databases; each test gets a fresh
// database t_<random>, dropped afterwards. Start a throwaway server with
//   scripts/pg-test-cluster start /tmp/pgt 55432     # prints postgresql://postgres@127.0.0.1:55432/postgres
// Without the variable every test is skipped.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <future>
#include <random>
#include <thread>

#include "store/migrations.h"
#include "store/postgres/pg_conn.h"
#include "store/postgres/pg_store.h"
#include "support/process.h"

namespace tillit::store {
namespace {

using ::testing::ElementsAre;

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

SubjectRow Subject(const std::string& id, int64_t created_at) { return {id, created_at, created_at, "staff", {}}; }

RecordRow Record(const std::string& subject, const std::string& id, const std::string& kind, int64_t at) {
  return {subject, id, kind, {"purchases", "payments"}, at, Bytes("sealed " + id), {}, at, std::nullopt};
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
    auto ran = (*conn)->Exec(sql);
    EXPECT_TRUE(ran.ok()) << sql << ": " << ran.status().ToString();
    return ran.status();
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
                         pg::Params().Bytes(EveryByte()).Text("Åsa \x01").Int64(-5000000000).Int32(-7));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->Bytes(0, 0), EveryByte());
  EXPECT_EQ(rows->Text(0, 1), "Åsa \x01");
  EXPECT_EQ(rows->Int(0, 2), -5000000000);
  EXPECT_EQ(rows->Int(0, 3), -7);
  EXPECT_EQ(rows->Int(0, 4), -2);
  EXPECT_EQ(rows->Int(0, 5), 1);
  EXPECT_EQ(rows->Int(0, 6), 0);
  EXPECT_FALSE(rows->OptionalInt(0, 7));
  EXPECT_TRUE(conn.Query("SELECT $1::bytea", pg::Params().Bytes({})).value().Bytes(0, 0).empty());

  // A deferred statement that fails is what the next query reports; the query does not run.
  ASSERT_TRUE(conn.Exec("BEGIN").ok());
  conn.Defer("SAVEPOINT a");
  conn.Defer("SELECT 1/0");
  auto failed = conn.Query("SELECT 1");
  EXPECT_EQ(failed.status().code(), StatusCode::kInternal);
  EXPECT_THAT(failed.status().message(), ::testing::HasSubstr("22012"));
  EXPECT_TRUE(conn.InFailedTransaction());
  conn.Defer("ROLLBACK TO SAVEPOINT a");
  auto after = conn.Query("SELECT $1::bigint + 1", pg::Params().Int64(41));
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->Int(0, 0), 42);
  EXPECT_FALSE(conn.InFailedTransaction());
  // A statement prepared inside a transaction that rolls back stays prepared.
  EXPECT_EQ(*conn.Exec("ROLLBACK"), "ROLLBACK");
  EXPECT_TRUE(conn.Idle());
  EXPECT_EQ(conn.Query("SELECT $1::bigint + 1", pg::Params().Int64(1))->Int(0, 0), 2);
  // A deferred statement never sent can be taken back.
  conn.Defer("SELECT 1/0");
  EXPECT_TRUE(conn.Undefer("SELECT 1/0"));
  EXPECT_FALSE(conn.Undefer("SELECT 1/0"));
  EXPECT_TRUE(conn.Query("SELECT 1").ok());
  // A unique violation is a Conflict.
  ASSERT_TRUE(conn.Exec("CREATE TEMP TABLE u (k int PRIMARY KEY)").ok());
  ASSERT_TRUE(conn.Query("INSERT INTO u VALUES ($1)", pg::Params().Int32(1)).ok());
  EXPECT_EQ(conn.Query("INSERT INTO u VALUES ($1)", pg::Params().Int32(1)).status().code(), StatusCode::kConflict);
  EXPECT_EQ(conn.Query("INSERT INTO u VALUES ($1)", pg::Params().Int64(2)).status().code(), StatusCode::kInternal);
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

TEST_F(PostgresStoreTest, ApiKeysInsertConflictFindAndRevoke) {
  ASSERT_TRUE(Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("shop")); }).ok());
  Status same_name = Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("shop")); });
  EXPECT_EQ(same_name.code(), StatusCode::kConflict);
  EXPECT_EQ(same_name.reason(), "api_key_exists");
  ApiKeyRow same_hash = Key("other");
  same_hash.key_hash = Key("shop").key_hash;
  EXPECT_EQ(Write([&](WriteTxn& txn) { return txn.InsertApiKey(same_hash); }).reason(), "api_key_exists");

  auto found = store_->FindApiKeyByHash(Key("shop").key_hash);
  ASSERT_TRUE(found.ok() && found->has_value()) << found.status().ToString();
  EXPECT_EQ((*found)->name, "shop");
  EXPECT_EQ((*found)->prefix, "tillit_x");
  EXPECT_THAT((*found)->purposes, ElementsAre("contract", "marketing"));
  EXPECT_FALSE((*found)->revoked_at);
  EXPECT_FALSE(store_->FindApiKeyByHash(Bytes("nope"))->has_value());

  ASSERT_TRUE(Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("crm")); }).ok());
  auto all = store_->ListApiKeys();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "crm");

  ASSERT_TRUE(Write([](WriteTxn& txn) { return txn.RevokeApiKey("shop", 42); }).ok());
  EXPECT_EQ((*store_->FindApiKeyByHash(Key("shop").key_hash))->revoked_at, 42);
  Status again = Write([](WriteTxn& txn) { return txn.RevokeApiKey("shop", 43); });
  EXPECT_EQ(again.code(), StatusCode::kNotFound);
  EXPECT_EQ(again.reason(), "api_key_not_found");
}

TEST_F(PostgresStoreTest, ConfigSnapshotsAreKeptOncePerId) {
  bool inserted = false;
  ConfigSnapshotRow row{"pv-1", 5, R"({"shop":"Åsa's"})"};
  ASSERT_TRUE(Write([&](WriteTxn& txn) { return txn.PutConfigSnapshot(row, &inserted); }).ok());
  EXPECT_TRUE(inserted);
  row.published_at = 9;
  ASSERT_TRUE(Write([&](WriteTxn& txn) { return txn.PutConfigSnapshot(row, &inserted); }).ok());
  EXPECT_FALSE(inserted);
  ASSERT_TRUE(Write([&](WriteTxn& txn) { return txn.PutConfigSnapshot({"pv-0", 7, "{}"}, &inserted); }).ok());
  auto found = store_->FindConfigSnapshot("pv-1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->published_at, 5);
  EXPECT_EQ((*found)->config_json, R"({"shop":"Åsa's"})");
  auto list = store_->ListConfigSnapshots();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "pv-1");  // by published_at
  EXPECT_EQ((*list)[1].id, "pv-0");
  EXPECT_TRUE((*list)[0].config_json.empty());
  EXPECT_FALSE(store_->FindConfigSnapshot("pv-9")->has_value());
}

TEST_F(PostgresStoreTest, SecretsRoundTripEveryByte) {
  const SecretRow row{"audit-signing", 1, EveryByte(), 10};
  ASSERT_TRUE(Write([&](WriteTxn& txn) { return txn.InsertSecret(row); }).ok());
  Status dup = Write([&](WriteTxn& txn) { return txn.InsertSecret(row); });
  EXPECT_EQ(dup.code(), StatusCode::kConflict);
  EXPECT_EQ(dup.reason(), "secret_exists");
  auto found = store_->FindSecret("audit-signing");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->wrapped, EveryByte());
  EXPECT_EQ((*found)->kek_version, 1u);

  const SecretRow rotated{"audit-signing", 4000000000u, {}, 0};
  ASSERT_TRUE(Write([&](WriteTxn& txn) { return txn.UpdateSecret(rotated); }).ok());
  found = store_->FindSecret("audit-signing");
  EXPECT_EQ((*found)->kek_version, 4000000000u);
  EXPECT_TRUE((*found)->wrapped.empty());
  EXPECT_EQ((*found)->created_at, 10);
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.UpdateSecret({"nope", 1, {1}, 0}); }).code(), StatusCode::kNotFound);
  ASSERT_TRUE(Write([](WriteTxn& txn) { return txn.InsertSecret({"blind-index-root", 1, {0}, 3}); }).ok());
  auto list = store_->ListSecrets();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].label, "audit-signing");
  EXPECT_EQ((*list)[1].wrapped, std::vector<uint8_t>{0});
}

TEST_F(PostgresStoreTest, SubjectsAndDataKeys) {
  ASSERT_TRUE(Write([](WriteTxn& txn) {
                TILLIT_RETURN_IF_ERROR(txn.InsertSubject(Subject("sub_a", 100)));
                TILLIT_RETURN_IF_ERROR(txn.InsertSubject(Subject("sub_b", 200)));
                TILLIT_RETURN_IF_ERROR(txn.InsertSubject(Subject("sub_c", 200)));
                return txn.InsertDataKey({"sub_a", 1, EveryByte(), std::nullopt, {}, 100});
              }).ok());
  Status dup = Write([](WriteTxn& txn) { return txn.InsertSubject(Subject("sub_a", 1)); });
  EXPECT_EQ(dup.code(), StatusCode::kConflict);
  EXPECT_EQ(dup.reason(), "subject_exists");
  EXPECT_EQ(Write([](WriteTxn& txn) {
              return txn.InsertDataKey({"sub_a", 1, {1}, std::nullopt, {}, 1});
            }).code(),
            StatusCode::kConflict);

  ASSERT_TRUE(Write([](WriteTxn& txn) { return txn.TouchSubject("sub_a", 150); }).ok());
  EXPECT_EQ((*store_->FindSubject("sub_a"))->updated_at, 150);
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.TouchSubject("sub_x", 1); }).code(), StatusCode::kNotFound);
  EXPECT_FALSE(store_->FindSubject("sub_x")->has_value());

  // Newest first, paged by the keyset cursor (created_at, id).
  auto first = store_->ListSubjects(std::nullopt, 2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].id, "sub_c");
  EXPECT_EQ((*first)[1].id, "sub_b");
  auto second = store_->ListSubjects(std::make_pair((*first)[1].created_at, (*first)[1].id), 2);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].id, "sub_a");
  EXPECT_FALSE((*second)[0].erased_at);

  auto key = store_->FindDataKey("sub_a");
  ASSERT_TRUE(key.ok() && key->has_value());
  EXPECT_EQ((*key)->wrapped, EveryByte());
  EXPECT_FALSE((*key)->hold_kek_version);
  EXPECT_TRUE((*key)->hold_wrapped.empty());

  ASSERT_TRUE(Write([](WriteTxn& txn) { return txn.InsertDataKey({"sub_b", 2, {2}, std::nullopt, {}, 1}); }).ok());
  ASSERT_TRUE(Write([](WriteTxn& txn) { return txn.UpdateDataKey({"sub_a", 2, {3}, 1, Bytes("hold"), 0}); }).ok());
  key = store_->FindDataKey("sub_a");
  EXPECT_EQ((*key)->kek_version, 2u);
  EXPECT_EQ((*key)->hold_kek_version, 1u);
  EXPECT_EQ((*key)->hold_wrapped, Bytes("hold"));
  EXPECT_EQ((*key)->created_at, 100);
  EXPECT_EQ(Write([](WriteTxn& txn) {
              return txn.UpdateDataKey({"sub_x", 2, {3}, std::nullopt, {}, 0});
            }).code(),
            StatusCode::kNotFound);

  // sub_a's hold key is under version 1, sub_b is all version 2.
  EXPECT_EQ(*store_->CountDataKeysBelow(2), 1);
  EXPECT_EQ(*store_->CountDataKeysBelow(3), 2);
  auto below = store_->ListDataKeysBelow(3, "", 10);
  ASSERT_TRUE(below.ok());
  ASSERT_EQ(below->size(), 2u);
  EXPECT_EQ((*below)[0].subject_id, "sub_a");
  below = store_->ListDataKeysBelow(3, "sub_a", 10);
  ASSERT_EQ(below->size(), 1u);
  EXPECT_EQ((*below)[0].subject_id, "sub_b");
}

TEST_F(PostgresStoreTest, UniqueIndexesBelongToOneSubject) {
  const std::vector<uint8_t> email = {0, 1, 0xff, 'e', 'm', 0};
  ASSERT_TRUE(Write([&](WriteTxn& txn) { return txn.ClaimUniqueIndex(IndexKind::kEmail, email, "sub_a"); }).ok());
  // Claiming one's own value again is fine.
  ASSERT_TRUE(Write([&](WriteTxn& txn) { return txn.ClaimUniqueIndex(IndexKind::kEmail, email, "sub_a"); }).ok());
  Status taken = Write([&](WriteTxn& txn) { return txn.ClaimUniqueIndex(IndexKind::kEmail, email, "sub_b"); });
  EXPECT_EQ(taken.code(), StatusCode::kConflict);
  EXPECT_EQ(taken.reason(), "email_taken");
  // The same value under another kind is another index.
  ASSERT_TRUE(
      Write([&](WriteTxn& txn) { return txn.ClaimUniqueIndex(IndexKind::kCustomerNumber, email, "sub_b"); }).ok());
  EXPECT_EQ(
      Write([&](WriteTxn& txn) { return txn.ClaimUniqueIndex(IndexKind::kCustomerNumber, email, "sub_c"); }).reason(),
      "customer_number_taken");
  EXPECT_EQ(**store_->FindUniqueIndex(IndexKind::kEmail, email), "sub_a");
  EXPECT_EQ(**store_->FindUniqueIndex(IndexKind::kCustomerNumber, email), "sub_b");

  // Only the owner releases it; then another subject may claim it.
  ASSERT_TRUE(Write([&](WriteTxn& txn) { return txn.ReleaseUniqueIndex(IndexKind::kEmail, email, "sub_b"); }).ok());
  EXPECT_EQ(**store_->FindUniqueIndex(IndexKind::kEmail, email), "sub_a");
  ASSERT_TRUE(Write([&](WriteTxn& txn) { return txn.ReleaseUniqueIndex(IndexKind::kEmail, email, "sub_a"); }).ok());
  EXPECT_FALSE(store_->FindUniqueIndex(IndexKind::kEmail, email)->has_value());
  ASSERT_TRUE(Write([&](WriteTxn& txn) { return txn.ClaimUniqueIndex(IndexKind::kEmail, email, "sub_b"); }).ok());
  EXPECT_EQ(**store_->FindUniqueIndex(IndexKind::kEmail, email), "sub_b");

  // A conflict does not spoil the rest of the write.
  ASSERT_TRUE(Write([&](WriteTxn& txn) {
                EXPECT_EQ(txn.ClaimUniqueIndex(IndexKind::kEmail, email, "sub_c").reason(), "email_taken");
                return txn.ClaimUniqueIndex(IndexKind::kLogin, email, "sub_c");
              }).ok());
  EXPECT_EQ(**store_->FindUniqueIndex(IndexKind::kLogin, email), "sub_c");
}

TEST_F(PostgresStoreTest, SharedIndexesHoldSeveralSubjects) {
  const auto phone = Bytes("idx-phone");
  ASSERT_TRUE(Write([&](WriteTxn& txn) {
                TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(IndexKind::kPhone, phone, "sub_b"));
                TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(IndexKind::kPhone, phone, "sub_a"));
                return txn.AddSharedIndex(IndexKind::kPhone, phone, "sub_a");  // again: no change
              }).ok());
  EXPECT_THAT(*store_->FindSharedIndex(IndexKind::kPhone, phone), ElementsAre("sub_a", "sub_b"));
  ASSERT_TRUE(Write([&](WriteTxn& txn) { return txn.RemoveSharedIndex(IndexKind::kPhone, phone, "sub_a"); }).ok());
  EXPECT_THAT(*store_->FindSharedIndex(IndexKind::kPhone, phone), ElementsAre("sub_b"));
  EXPECT_TRUE(store_->FindSharedIndex(IndexKind::kPhone, Bytes("other"))->empty());
}

TEST_F(PostgresStoreTest, FieldsAreReplacedAndDeletedAndChangesKeepTheirOrder) {
  ASSERT_TRUE(Write([](WriteTxn& txn) {
                TILLIT_RETURN_IF_ERROR(txn.PutField({"sub_a", "identity.name", EveryByte(), "staff", 1, 1}));
                TILLIT_RETURN_IF_ERROR(txn.PutField({"sub_a", "contact.email", Bytes("e1"), "staff", 1, 1}));
                // The write sees its own fields.
                auto fields = txn.Fields("sub_a");
                if (!fields.ok()) return fields.status();
                EXPECT_EQ(fields->size(), 2u);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(Write([](WriteTxn& txn) {
                return txn.PutField({"sub_a", "contact.email", Bytes("e2"), "subject", 5, 6});
              }).ok());
  auto fields = store_->ListFields("sub_a");
  ASSERT_TRUE(fields.ok());
  ASSERT_EQ(fields->size(), 2u);
  EXPECT_EQ((*fields)[0].field, "contact.email");  // by field
  EXPECT_EQ((*fields)[0].sealed, Bytes("e2"));
  EXPECT_EQ((*fields)[0].source, "subject");
  EXPECT_EQ((*fields)[0].collected_at, 5);
  EXPECT_EQ((*fields)[0].updated_at, 6);
  EXPECT_EQ((*fields)[1].sealed, EveryByte());
  ASSERT_TRUE(Write([](WriteTxn& txn) { return txn.DeleteField("sub_a", "contact.email"); }).ok());
  EXPECT_EQ(store_->ListFields("sub_a")->size(), 1u);
  EXPECT_TRUE(store_->ListFields("sub_b")->empty());

  // Changes of the same microsecond come back in the order they were written, whatever their ids.
  ASSERT_TRUE(Write([](WriteTxn& txn) {
                TILLIT_RETURN_IF_ERROR(
                    txn.InsertFieldChange({"sub_a", "chg_z", "contact.email", "collected", {}, 7, "", "staff"}));
                TILLIT_RETURN_IF_ERROR(txn.InsertFieldChange(
                    {"sub_a", "chg_a", "contact.email", "changed", Bytes("old"), 7, "anna", "staff"}));
                return txn.InsertFieldChange(
                    {"sub_a", "chg_m", "contact.email", "removed", Bytes("older"), 7, "anna", "staff"});
              }).ok());
  EXPECT_EQ(Write([](WriteTxn& txn) {
              return txn.InsertFieldChange({"sub_a", "chg_z", "x", "collected", {}, 1, "", ""});
            }).code(),
            StatusCode::kConflict);
  auto changes = store_->ListFieldChanges("sub_a");
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 3u);
  EXPECT_EQ((*changes)[0].change_id, "chg_z");
  EXPECT_TRUE((*changes)[0].previous.empty());
  EXPECT_EQ((*changes)[1].change_id, "chg_a");
  EXPECT_EQ((*changes)[1].previous, Bytes("old"));
  EXPECT_EQ((*changes)[1].actor, "anna");
  EXPECT_EQ((*changes)[2].action, "removed");
}

TEST_F(PostgresStoreTest, RecordsFilterByKindAndSinceAndPageByCursor) {
  ASSERT_TRUE(Write([](WriteTxn& txn) {
                for (int i = 1; i <= 5; ++i) {
                  RecordRow row = Record("sub_a", "rec_" + std::to_string(i), i % 2 ? "order" : "payment", i * 10);
                  if (i == 1) {
                    row.reference = EveryByte();
                    row.expires_at = 99;
                  }
                  TILLIT_RETURN_IF_ERROR(txn.InsertRecord(row));
                }
                // Same time as rec_5: the id breaks the tie.
                return txn.InsertRecord(Record("sub_a", "rec_6", "order", 50));
              }).ok());
  Status dup = Write([](WriteTxn& txn) { return txn.InsertRecord(Record("sub_a", "rec_1", "order", 1)); });
  EXPECT_EQ(dup.code(), StatusCode::kConflict);
  EXPECT_EQ(dup.reason(), "record_exists");
  // Another subject may use the same record id.
  ASSERT_TRUE(Write([](WriteTxn& txn) { return txn.InsertRecord(Record("sub_b", "rec_1", "order", 1)); }).ok());

  auto ids = [](const std::vector<RecordRow>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.record_id);
    return out;
  };
  RecordQuery all;
  EXPECT_THAT(ids(*store_->ListRecords("sub_a", all)),
              ElementsAre("rec_6", "rec_5", "rec_4", "rec_3", "rec_2", "rec_1"));
  RecordQuery orders;
  orders.kind = "order";
  EXPECT_THAT(ids(*store_->ListRecords("sub_a", orders)), ElementsAre("rec_6", "rec_5", "rec_3", "rec_1"));
  RecordQuery since;
  since.since = 30;
  EXPECT_THAT(ids(*store_->ListRecords("sub_a", since)), ElementsAre("rec_6", "rec_5", "rec_4", "rec_3"));

  RecordQuery page;
  page.limit = 2;
  auto first = store_->ListRecords("sub_a", page);
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(ids(*first), ElementsAre("rec_6", "rec_5"));
  page.before_occurred_at = first->back().occurred_at;
  page.before_record_id = first->back().record_id;
  EXPECT_THAT(ids(*store_->ListRecords("sub_a", page)), ElementsAre("rec_4", "rec_3"));
  page.kind = "order";
  EXPECT_THAT(ids(*store_->ListRecords("sub_a", page)), ElementsAre("rec_3", "rec_1"));

  auto found = store_->FindRecord("sub_a", "rec_1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->reference, EveryByte());
  EXPECT_EQ((*found)->expires_at, 99);
  EXPECT_THAT((*found)->categories, ElementsAre("purchases", "payments"));
  EXPECT_EQ((*found)->payload, Bytes("sealed rec_1"));
  EXPECT_TRUE((*store_->FindRecord("sub_a", "rec_2"))->reference.empty());
  EXPECT_FALSE((*store_->FindRecord("sub_a", "rec_2"))->expires_at);
  EXPECT_FALSE(store_->FindRecord("sub_a", "rec_9")->has_value());
}

TEST_F(PostgresStoreTest, ConsentObjectionsAndRestrictions) {
  ConsentEventRow consent{"sub_a", "cev_2", "marketing", "email",     "given", "web_form", "pv-1",
                          3,       "sv",    "UA",        Bytes("ip"), true,    7,          "subject"};
  consent.evidence = Bytes("sealed evidence");
  ASSERT_TRUE(Write([&](WriteTxn& txn) {
                TILLIT_RETURN_IF_ERROR(txn.InsertConsentEvent(consent));
                ConsentEventRow later = consent;
                later.event_id = "cev_1";
                later.action = "withdrawn";
                later.unproven = false;
                return txn.InsertConsentEvent(later);
              }).ok());
  EXPECT_EQ(Write([&](WriteTxn& txn) { return txn.InsertConsentEvent(consent); }).code(), StatusCode::kConflict);
  auto events = store_->ListConsentEvents("sub_a");
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].event_id, "cev_2");  // insertion order within one microsecond
  EXPECT_TRUE((*events)[0].unproven);
  EXPECT_FALSE((*events)[1].unproven);
  EXPECT_EQ((*events)[0].revision, 3);
  // Only the sealed evidence is stored: the opened user agent and address hash never reach the store.
  EXPECT_EQ((*events)[0].evidence, Bytes("sealed evidence"));
  EXPECT_TRUE((*events)[0].user_agent.empty());
  EXPECT_TRUE((*events)[0].ip_hash.empty());
  auto scanned = store_->ScanConsentEvents("sub_a", "cev_1", 10);
  ASSERT_TRUE(scanned.ok());
  ASSERT_EQ(scanned->size(), 1u);
  EXPECT_EQ((*scanned)[0].event_id, "cev_2");

  ObjectionRow objection{"sub_a", "obj_1", "marketing", "", "active", "portal", 8, "subject", "", std::nullopt, ""};
  ASSERT_TRUE(Write([&](WriteTxn& txn) { return txn.InsertObjection(objection); }).ok());
  ASSERT_TRUE(Write([](WriteTxn& txn) {
                return txn.DecideObjection("sub_a", "obj_1", "overridden", Bytes("sealed claim"), 9, "staff:eva");
              }).ok());
  Status decided = Write([](WriteTxn& txn) { return txn.DecideObjection("sub_a", "obj_1", "upheld", {}, 10, "x"); });
  EXPECT_EQ(decided.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(decided.reason(), "objection_decided");
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.DecideObjection("sub_a", "obj_9", "upheld", {}, 10, "x"); }).reason(),
            "objection_not_found");
  auto objections = store_->ListObjections("sub_a");
  ASSERT_TRUE(objections.ok());
  ASSERT_EQ(objections->size(), 1u);
  EXPECT_EQ((*objections)[0].status, "overridden");
  EXPECT_EQ((*objections)[0].decided_at, 9);
  EXPECT_EQ((*objections)[0].sealed_reason, Bytes("sealed claim"));
  EXPECT_EQ(store_->ScanObjections("", "", 10)->size(), 1u);

  RestrictionRow restriction{"sub_a", "rst_1", "accuracy contested", 11, "subject", std::nullopt, "", ""};
  restriction.sealed_reason = Bytes("sealed reason");
  ASSERT_TRUE(Write([&](WriteTxn& txn) { return txn.InsertRestriction(restriction); }).ok());
  restriction.restriction_id = "rst_2";
  EXPECT_EQ(Write([&](WriteTxn& txn) { return txn.InsertRestriction(restriction); }).reason(), "already_restricted");
  EXPECT_EQ(store_->ScanActiveRestrictions("", "", 10)->size(), 1u);
  // Only the current restriction is lifted, by its id.
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.LiftRestriction("sub_a", "rst_9", 12, {}, "staff:eva"); }).reason(),
            "not_restricted");
  ASSERT_TRUE(Write([](WriteTxn& txn) {
                return txn.LiftRestriction("sub_a", "rst_1", 12, Bytes("sealed notice"), "staff:eva");
              }).ok());
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.LiftRestriction("sub_a", "rst_1", 13, {}, ""); }).reason(),
            "not_restricted");
  EXPECT_TRUE(store_->ScanActiveRestrictions("", "", 10)->empty());
  ASSERT_TRUE(Write([&](WriteTxn& txn) { return txn.InsertRestriction(restriction); }).ok());
  auto restrictions = store_->ListRestrictions("sub_a");
  ASSERT_TRUE(restrictions.ok());
  ASSERT_EQ(restrictions->size(), 2u);
  EXPECT_EQ((*restrictions)[0].lifted_at, 12);
  EXPECT_EQ((*restrictions)[0].sealed_notice, Bytes("sealed notice"));
  EXPECT_EQ((*restrictions)[0].sealed_reason, Bytes("sealed reason"));
  EXPECT_TRUE((*restrictions)[0].reason.empty());
  EXPECT_TRUE((*restrictions)[0].lift_notice.empty());
  EXPECT_TRUE(store_->ListLegacyPlaintext(10)->empty());
}

TEST_F(PostgresStoreTest, AuditChainAppendTailCheckpointAndRead) {
  auto append = [](const std::string& subject, const std::string& action) {
    return [subject, action](WriteTxn& txn) -> Status {
      TILLIT_ASSIGN_OR_RETURN(AuditCheckpointRow tail, txn.AuditTail());
      AuditRow row{tail.seq + 1, tail.seq + 100, "staff",       "eva",     "support",
                   action,       subject,        "fields=name", tail.hash, Bytes("h" + std::to_string(tail.seq + 1))};
      return txn.AppendAudit(row);
    };
  };
  ASSERT_TRUE(Write([](WriteTxn& txn) -> Status {
                TILLIT_ASSIGN_OR_RETURN(AuditCheckpointRow tail, txn.AuditTail());
                EXPECT_EQ(tail.seq, 0);
                EXPECT_TRUE(tail.hash.empty());
                TILLIT_ASSIGN_OR_RETURN(auto head, txn.AuditCheckpoint());
                EXPECT_FALSE(head);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(Write(append("sub_a", "subject.create")).ok());
  ASSERT_TRUE(Write(append("", "config.publish")).ok());
  ASSERT_TRUE(Write(append("sub_a", "subject.read")).ok());
  // A seq that is taken is a conflict, not a second entry.
  EXPECT_EQ(Write([](WriteTxn& txn) {
              return txn.AppendAudit({2, 0, "cli", "", "", "x", "", "", {}, {}});
            }).code(),
            StatusCode::kConflict);

  auto entries = store_->ReadAudit(0, 10);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[1].action, "config.publish");
  EXPECT_EQ((*entries)[2].prev_hash, Bytes("h2"));
  EXPECT_EQ((*entries)[2].detail, "fields=name");
  EXPECT_EQ(store_->ReadAudit(1, 1)->front().seq, 2);
  auto subject = store_->ReadSubjectAudit("sub_a", 0, 10);
  ASSERT_TRUE(subject.ok());
  ASSERT_EQ(subject->size(), 2u);
  EXPECT_EQ((*subject)[1].seq, 3);
  EXPECT_EQ(store_->ReadSubjectAudit("sub_a", 1, 10)->size(), 1u);
  EXPECT_TRUE(store_->ReadSubjectAudit("", 0, 10)->empty());

  ASSERT_TRUE(Write([](WriteTxn& txn) -> Status {
                TILLIT_ASSIGN_OR_RETURN(AuditCheckpointRow tail, txn.AuditTail());
                EXPECT_EQ(tail.seq, 3);
                EXPECT_EQ(tail.hash, Bytes("h3"));
                tail.signature = EveryByte();
                tail.at = 500;
                return txn.PutAuditCheckpoint(tail);
              }).ok());
  ASSERT_TRUE(Write([](WriteTxn& txn) { return txn.PutAuditCheckpoint({3, Bytes("h3"), Bytes("sig2"), 600}); }).ok());
  auto head = store_->FindAuditCheckpoint();
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_EQ((*head)->seq, 3);
  EXPECT_EQ((*head)->signature, Bytes("sig2"));
  EXPECT_EQ((*head)->at, 600);
}

TEST_F(PostgresStoreTest, NestedRollbackLeavesTheRestOfTheWrite) {
  ASSERT_TRUE(Write([](WriteTxn& txn) {
                TILLIT_RETURN_IF_ERROR(txn.InsertApiKey(Key("outer")));
                Status inner = txn.Nested([&txn] {
                  TILLIT_RETURN_IF_ERROR(txn.InsertApiKey(Key("inner")));
                  return Status::FailedPrecondition("changed my mind");
                });
                EXPECT_EQ(inner.code(), StatusCode::kFailedPrecondition);
                // A statement the server refuses inside Nested is undone too, and the write goes on.
                EXPECT_EQ(txn.Nested([&txn] { return ServerSideFailure(txn); }).code(), StatusCode::kInternal);
                EXPECT_TRUE(txn.Nested([] { return Status::Ok(); }).ok());
                EXPECT_TRUE(txn.Nested([&txn] { return txn.InsertApiKey(Key("kept")); }).ok());
                return txn.InsertApiKey(Key("after"));
              }).ok());
  auto keys = store_->ListApiKeys();
  ASSERT_TRUE(keys.ok());
  std::vector<std::string> names;
  for (const auto& k : *keys) names.push_back(k.name);
  EXPECT_THAT(names, ElementsAre("after", "kept", "outer"));

  // A write may end right after a Nested the server failed: the nested rollback leaves it healthy.
  ASSERT_TRUE(Write([](WriteTxn& txn) {
                TILLIT_RETURN_IF_ERROR(txn.InsertApiKey(Key("last")));
                EXPECT_EQ(txn.Nested([&txn] { return ServerSideFailure(txn); }).code(), StatusCode::kInternal);
                return Status::Ok();
              }).ok());
  EXPECT_TRUE(store_->FindApiKeyByHash(Key("last").key_hash)->has_value());
}

TEST_F(PostgresStoreTest, AWriteThatFailsHalfwayLeavesNothing) {
  Status s = Write([](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.InsertApiKey(Key("half")));
    return Status::InvalidArgument("changed my mind");
  });
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  // A write that ignores a statement the server refused is failed and undone, not committed half.
  s = Write([](WriteTxn& txn) {
    EXPECT_TRUE(txn.InsertApiKey(Key("first")).ok());
    (void)ServerSideFailure(txn);
    return Status::Ok();
  });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_TRUE(store_->ListApiKeys()->empty());
}

TEST_F(PostgresStoreTest, AnExceptionInAWriteBecomesAStatus) {
  Status s = Write([](WriteTxn& txn) -> Status {
    (void)txn.InsertApiKey(Key("thrown"));
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_TRUE(Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("after")); }).ok());
  EXPECT_EQ(store_->ListApiKeys()->size(), 1u);
}

TEST_F(PostgresStoreTest, WritesAndReadsAfterCloseAreRefused) {
  store_->Close();
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("late")); }).code(), StatusCode::kUnavailable);
  EXPECT_EQ(store_->ListApiKeys().status().code(), StatusCode::kUnavailable);
  store_->Close();  // idempotent
}

TEST_F(PostgresStoreTest, ConcurrentWritesAreAllCommittedAndAcknowledged) {
  constexpr int kThreads = 8, kPerThread = 50;
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const ApiKeyRow row = Key("k" + std::to_string(t) + "_" + std::to_string(i));
        if (store_->WriteAndWait([&row](WriteTxn& txn) { return txn.InsertApiKey(row); }).ok()) ++acknowledged;
        // Reads run beside the writer on the pool.
        if (i % 10 == 0) {
          EXPECT_TRUE(store_->FindApiKeyByHash(row.key_hash)->has_value());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(acknowledged.load(), kThreads * kPerThread);
  auto rows = store_->ListApiKeys();
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST_F(PostgresStoreTest, AFailingWriteDoesNotAbortItsNeighboursInTheBatch) {
  ASSERT_TRUE(Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("taken")); }).ok());
  // Queue many writes at once so they share a group commit: every third one collides, every fifth fails on the
  // server.
  std::vector<std::promise<Status>> results(30);
  for (size_t i = 0; i < results.size(); ++i) {
    const std::string name = i % 3 == 0 ? "taken" : "fresh" + std::to_string(i);
    store_->Write(
        [name, i](WriteTxn& txn) {
          if (i % 5 == 4) return ServerSideFailure(txn);
          return txn.InsertApiKey(Key(name));
        },
        [&results, i](const Status& s) { results[i].set_value(s); });
  }
  int conflicts = 0, internal = 0, committed = 0;
  for (auto& r : results) {
    Status s = r.get_future().get();
    if (s.code() == StatusCode::kConflict) ++conflicts;
    if (s.code() == StatusCode::kInternal) ++internal;
    if (s.ok()) ++committed;
  }
  // i % 5 == 4: 4, 9, 14, 19, 24, 29 (9 and 24 would also have collided).
  EXPECT_EQ(internal, 6);
  EXPECT_EQ(conflicts, 8);
  EXPECT_EQ(committed, 16);
  EXPECT_EQ(store_->ListApiKeys()->size(), 17u);
}

TEST_F(PostgresStoreTest, TheCommitHookRunsOncePerBatchWithASuccessfulWrite) {
  std::atomic<int> hooks{0};
  store_->SetCommitHook([&hooks](WriteTxn& txn) {
    ++hooks;
    bool inserted = false;
    return txn.PutConfigSnapshot({"hook-" + std::to_string(hooks.load()), hooks.load(), "{}"}, &inserted);
  });
  // Hold the writer in a first batch while ten writes queue up behind it: they form the second batch.
  std::promise<void> started, release;
  std::future<void> released = release.get_future();
  std::promise<Status> first;
  store_->Write(
      [&](WriteTxn& txn) {
        started.set_value();
        released.wait();
        return txn.InsertApiKey(Key("first"));
      },
      [&first](const Status& s) { first.set_value(s); });
  started.get_future().wait();
  std::vector<std::promise<Status>> results(10);
  for (size_t i = 0; i < results.size(); ++i) {
    store_->Write([i](WriteTxn& txn) { return txn.InsertApiKey(Key("batched" + std::to_string(i))); },
                  [&results, i](const Status& s) { results[i].set_value(s); });
  }
  release.set_value();
  EXPECT_TRUE(first.get_future().get().ok());
  for (auto& r : results) EXPECT_TRUE(r.get_future().get().ok());
  EXPECT_EQ(hooks.load(), 2);
  EXPECT_EQ(store_->ListConfigSnapshots()->size(), 2u);  // the hook's writes commit with the batch

  // A batch in which every write fails runs no hook.
  EXPECT_EQ(Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("first")); }).code(), StatusCode::kConflict);
  EXPECT_EQ(hooks.load(), 2);
}

TEST_F(PostgresStoreTest, AFailingCommitHookCommitsNothing) {
  store_->SetCommitHook([](WriteTxn& txn) { return ServerSideFailure(txn); });
  Status s = Write([](WriteTxn& txn) { return txn.InsertApiKey(Key("lost")); });
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(store_->ListApiKeys()->empty());
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
