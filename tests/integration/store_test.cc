// The SQLite store's write path: group commit, per-request savepoints, acknowledgement only after commit.
#include "store/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "core/data_dir.h"
#include "support/process.h"
#include "util/random.h"

namespace tillit::store {
namespace {

using tillit::testing::TempDir;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SeededRandom random(7);
    ASSERT_TRUE(core::InitDataDir(dir_.path(), random).ok());
    auto opened = core::Open(dir_.path(), Clock::System(), Random::Secure());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened->store);
  }

  static ApiKeyRow Key(const std::string& name) {
    ApiKeyRow row;
    row.name = name;
    row.key_hash = std::vector<uint8_t>(name.begin(), name.end());
    row.prefix = "tillit_x";
    row.purposes = {"contract"};
    row.created_at = 1;
    return row;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, ConcurrentWritesAreAllCommittedAndAcknowledged) {
  constexpr int kThreads = 8, kPerThread = 50;
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const ApiKeyRow row = Key("k" + std::to_string(t) + "_" + std::to_string(i));
        if (store_->WriteAndWait([&row](WriteTxn& txn) { return txn.InsertApiKey(row); }).ok()) ++acknowledged;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(acknowledged.load(), kThreads * kPerThread);
  auto rows = store_->ListApiKeys();
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST_F(StoreTest, AFailingWriteDoesNotAbortItsNeighboursInTheBatch) {
  ASSERT_TRUE(store_->WriteAndWait([](WriteTxn& txn) { return txn.InsertApiKey(Key("taken")); }).ok());
  // Queue many writes at once so they share a group commit; every third one collides.
  std::vector<std::promise<Status>> results(30);
  for (size_t i = 0; i < results.size(); ++i) {
    const std::string name = i % 3 == 0 ? "taken" : "fresh" + std::to_string(i);
    store_->Write([name](WriteTxn& txn) { return txn.InsertApiKey(Key(name)); },
                  [&results, i](const Status& s) { results[i].set_value(s); });
  }
  int conflicts = 0, committed = 0;
  for (auto& r : results) {
    Status s = r.get_future().get();
    if (s.code() == StatusCode::kConflict) ++conflicts;
    if (s.ok()) ++committed;
  }
  EXPECT_EQ(conflicts, 10);
  EXPECT_EQ(committed, 20);
  EXPECT_EQ(store_->ListApiKeys()->size(), 21u);
}

TEST_F(StoreTest, AWriteThatFailsHalfwayLeavesNothing) {
  Status s = store_->WriteAndWait([](WriteTxn& txn) {
    TILLIT_RETURN_IF_ERROR(txn.InsertApiKey(Key("half")));
    return Status::InvalidArgument("changed my mind");
  });
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->ListApiKeys()->empty());
}

TEST_F(StoreTest, AnExceptionInAWriteBecomesAStatus) {
  Status s = store_->WriteAndWait([](WriteTxn&) -> Status { throw std::runtime_error("boom"); });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_TRUE(store_->WriteAndWait([](WriteTxn& txn) { return txn.InsertApiKey(Key("after")); }).ok());
}

TEST_F(StoreTest, WritesAfterCloseAreRefused) {
  store_->Close();
  Status s = store_->WriteAndWait([](WriteTxn& txn) { return txn.InsertApiKey(Key("late")); });
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
}

TEST_F(StoreTest, SnapshotsAreKeptOncePerId) {
  bool inserted = false;
  ConfigSnapshotRow row{"pv-1", 5, "{}"};
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.PutConfigSnapshot(row, &inserted); }).ok());
  EXPECT_TRUE(inserted);
  row.published_at = 9;
  ASSERT_TRUE(store_->WriteAndWait([&](WriteTxn& txn) { return txn.PutConfigSnapshot(row, &inserted); }).ok());
  EXPECT_FALSE(inserted);
  auto found = store_->FindConfigSnapshot("pv-1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->published_at, 5);
}

TEST_F(StoreTest, KeyStoreIsItsOwnFile) {
  EXPECT_THAT(testing::ReadFile(dir_ / "keys.db"), ::testing::HasSubstr("data_keys"));
  EXPECT_THAT(testing::ReadFile(dir_ / "tillit.db"), ::testing::Not(::testing::HasSubstr("CREATE TABLE data_keys")));
}

}  // namespace
}  // namespace tillit::store

namespace tillit::store {
namespace {

// The decision-change feed is pruned by age, oldest first, never below the newest `keep` entries, so
// LastDecisionChange does not move and a server's cursor stays valid. Runs on SQLite and on PostgreSQL.
TEST(DecisionFeedTest, OldEntriesGoTheNewestStay) {
  TempDir dir;
  SeededRandom random(11);
  const std::string url = testing::StoreUrlFor(dir.path());
  ASSERT_TRUE(core::InitDataDir(dir.path(), random, url).ok());
  auto opened = core::Open(dir.path(), Clock::System(), Random::Secure(), url);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Store& store = *opened->store;
  for (int64_t at = 1; at <= 6; ++at) {
    ASSERT_TRUE(store
                    .WriteAndWait([at](WriteTxn& txn) {
                      return txn.AppendDecisionChange("sub_" + std::to_string(at), at * 1000);
                    })
                    .ok());
  }
  const int64_t last = *store.LastDecisionChange();
  auto prune = [&](int64_t before, int64_t keep, size_t limit) {
    int64_t deleted = -1;
    EXPECT_TRUE(store
                    .WriteAndWait([&](WriteTxn& txn) -> Status {
                      TILLIT_ASSIGN_OR_RETURN(deleted, txn.DeleteDecisionChanges(before, keep, limit));
                      return Status::Ok();
                    })
                    .ok());
    return deleted;
  };
  auto subjects = [&] {
    std::vector<std::string> out;
    auto changes = store.ReadDecisionChanges(0, 100);
    EXPECT_TRUE(changes.ok());
    if (changes.ok()) {
      for (const auto& [seq, subject] : *changes) out.push_back(subject);
    }
    return out;
  };
  EXPECT_EQ(prune(3000, 1, 2), 2);  // in batches: the two oldest
  EXPECT_EQ(prune(3000, 1, 100), 1);
  EXPECT_THAT(subjects(), ::testing::ElementsAre("sub_4", "sub_5", "sub_6"));
  EXPECT_EQ(prune(9000, 2, 100), 1);  // everything is old, but the newest two stay
  EXPECT_THAT(subjects(), ::testing::ElementsAre("sub_5", "sub_6"));
  EXPECT_EQ(prune(9000, 0, 100), 1);  // at least the newest one
  EXPECT_THAT(subjects(), ::testing::ElementsAre("sub_6"));
  EXPECT_EQ(*store.LastDecisionChange(), last);
  EXPECT_EQ(prune(9000, 0, 100), 0);
  store.Close();
}

}  // namespace
}  // namespace tillit::store
