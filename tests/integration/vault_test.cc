// What the register promises about data at rest, proven against the files a real `tillit serve` leaves behind:
// personal data never appears in plaintext in any database file (WAL included); a ciphertext moved to another row
// does not open; the audit chain detects edits, deletions, reordering, truncation and rewrites; key rotation keeps
// every value readable, resumes after an interruption, and lets the old master key go.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/server.h"

namespace tillit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

// Every call of these tests is made for customer service.
const Caller kService = {.purpose = "customer_service"};

class VaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>(data());
    server_->CreateKey("shop", "customer_service,marketing");
  }

  std::string data() const { return dir_ / "data"; }

  std::string CreateSubject(const std::string& email, const std::string& name) {
    return server_->CreateSubject({{"identifiers", {{"email", email}}}, {"fields", {{"identity.name", name}}}},
                                  kService);
  }

  HttpResult GetSubject(const std::string& id) { return server_->Get("/v1/subjects/" + id, kService); }

  RunResult Verify() { return RunTillit({"audit", "verify", "--data", data()}); }

  // Some activity for the audit chain: creations, reads, a change.
  std::vector<std::string> Activity() {
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
      ids.push_back(CreateSubject("person" + std::to_string(i) + "@example.fi", "Person " + std::to_string(i)));
      EXPECT_EQ(GetSubject(ids.back()).status, 200);
    }
    HttpResult patch = server_->Patch("/v1/subjects/" + ids[0], {{"fields", {{"identity.name", "Renamed"}}}}, kService);
    EXPECT_EQ(patch.status, 200) << patch.body;
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(VaultTest, ACanaryNeverAppearsInPlaintextInAnyDatabaseFile) {
  const std::string canary_name = "Canaryname Zqxjkv";
  const std::string canary_mail = "canary.zqxjkv@example.fi";
  const std::string canary_payload = "CANARY-PAYLOAD-7731";
  const std::string id = CreateSubject(canary_mail, canary_name);
  HttpResult record = server_->Post("/v1/subjects/" + id + "/records",
                                    {{"kind", "order"},
                                     {"categories", {"customer.order"}},
                                     {"payload", {{"note", canary_payload}}},
                                     {"reference", "ORDER-CANARY-99"}},
                                    kService);
  ASSERT_EQ(record.status, 201) << record.body;
  HttpResult patch =
      server_->Patch("/v1/subjects/" + id, {{"fields", {{"identity.name", "Second Canaryname"}}}}, kService);
  ASSERT_EQ(patch.status, 200) << patch.body;  // the old name now lives on in the change history

  // While the server runs, the WAL holds the latest pages. On PostgreSQL, the cluster's files: tables and WAL.
  if (UsingPostgres() && PostgresClusterDir().empty()) GTEST_SKIP() << "set TILLIT_TEST_POSTGRES_DIR to scan";
  const std::string where = UsingPostgres() ? PostgresClusterDir() : data();
  const std::string running = AllBytesBelow(where);
  // The scan does read the databases: the e-mail's domain is in clear nowhere, but the schema is.
  ASSERT_THAT(running, HasSubstr("subject_fields"));
  for (const std::string& canary : {canary_name, canary_mail, canary_payload, std::string("ORDER-CANARY-99"),
                                    std::string("Second Canaryname"), std::string("zqxjkv")}) {
    EXPECT_THAT(running, Not(HasSubstr(canary))) << canary << " found in plaintext while running";
  }
  ASSERT_EQ(server_->Stop(), 0);
  const std::string stopped = AllBytesBelow(where);
  for (const std::string& canary : {canary_name, canary_mail, canary_payload, std::string("zqxjkv")}) {
    EXPECT_THAT(stopped, Not(HasSubstr(canary))) << canary << " found in plaintext after shutdown";
  }
}

TEST_F(VaultTest, ACiphertextMovedToAnotherSubjectDoesNotOpen) {
  const std::string alice = CreateSubject("alice@example.fi", "Alice Aaltonen");
  const std::string bob = CreateSubject("bob@example.fi", "Bob Berg");
  ASSERT_EQ(server_->Stop(), 0);
  // Give Alice's row Bob's sealed name.
  RunSql(data(), "UPDATE subject_fields SET sealed = (SELECT sealed FROM subject_fields WHERE subject_id = '" + bob +
                     "' AND field = 'identity.name') WHERE subject_id = '" + alice + "' AND field = 'identity.name'");
  ASSERT_TRUE(server_->Restart());
  HttpResult r = GetSubject(alice);
  EXPECT_GE(r.status, 400) << r.body;
  EXPECT_THAT(r.body, Not(HasSubstr("Bob Berg")));
  // Bob's own row is untouched and still opens.
  HttpResult b = GetSubject(bob);
  EXPECT_EQ(b.status, 200) << b.body;
  EXPECT_THAT(b.body, HasSubstr("Bob Berg"));
}

TEST_F(VaultTest, AuditVerifyPassesOnAnIntactLog) {
  Activity();
  ASSERT_EQ(server_->Stop(), 0);
  RunResult v = Verify();
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_THAT(v.out, HasSubstr("intact"));
}

TEST_F(VaultTest, AuditVerifyNamesAnEditedEntry) {
  Activity();
  ASSERT_EQ(server_->Stop(), 0);
  RunSql(data(), "UPDATE audit_log SET purpose = 'marketing' WHERE seq = 5");
  RunResult v = Verify();
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_THAT(v.out, HasSubstr("entry 5"));
  EXPECT_THAT(v.out, HasSubstr("altered"));
}

TEST_F(VaultTest, AuditVerifyNamesADeletedEntry) {
  Activity();
  ASSERT_EQ(server_->Stop(), 0);
  RunSql(data(), "DELETE FROM audit_log WHERE seq = 4");
  RunResult v = Verify();
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_THAT(v.out, HasSubstr("entry 4 is missing"));
}

TEST_F(VaultTest, AuditVerifyDetectsReordering) {
  Activity();
  ASSERT_EQ(server_->Stop(), 0);
  // Swap entries 3 and 4 wholesale: each row stays self-consistent, only the order is wrong.
  RunSql(data(),
         "UPDATE audit_log SET seq = -1 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4; "
         "UPDATE audit_log SET seq = 4 WHERE seq = -1;");
  RunResult v = Verify();
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_THAT(v.out, HasSubstr("entry 3"));
}

TEST_F(VaultTest, AuditVerifyDetectsTruncationOfTheTail) {
  Activity();
  ASSERT_EQ(server_->Stop(), 0);
  RunSql(data(), "DELETE FROM audit_log WHERE seq > (SELECT MAX(seq) - 2 FROM audit_log)");
  RunResult v = Verify();
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_THAT(v.out, HasSubstr("truncated"));
}

TEST_F(VaultTest, AuditVerifyDetectsARemovedHead) {
  Activity();
  ASSERT_EQ(server_->Stop(), 0);
  // An attacker who rewrites the whole log must also remove or forge its signed head.
  RunSql(data(), "DELETE FROM audit_checkpoint");
  RunResult v = Verify();
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_THAT(v.out, HasSubstr("signed head"));
}

TEST_F(VaultTest, AuditVerifyDetectsAForgedHead) {
  Activity();
  ASSERT_EQ(server_->Stop(), 0);
  RunSql(data(), "UPDATE audit_checkpoint SET seq = seq + 1");
  RunResult v = Verify();
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_THAT(v.out, HasSubstr("signature"));
}

TEST_F(VaultTest, RotationKeepsEverythingReadableResumesAndRetiresTheOldKey) {
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i)
    ids.push_back(CreateSubject("rot" + std::to_string(i) + "@example.fi", "Rot " + std::to_string(i)));
  ASSERT_EQ(server_->Stop(), 0);
  const std::string old_key_file = ReadFile(data() + "/master.key");

  // Interrupted after the first batch of two: some keys under version 2, the rest under version 1.
  RunResult cut = RunTillit({"keys", "rotate", "--data", data(), "--batch", "2", "--stop-after-batches", "1"});
  EXPECT_EQ(cut.exit_code, 1) << cut.out << cut.err;
  // Retiring now would strand keys: refused.
  RunResult early = RunTillit({"keys", "retire", "--data", data()});
  EXPECT_EQ(early.exit_code, 1) << early.out;
  EXPECT_THAT(early.err, HasSubstr("keys rotate"));

  RunResult resumed = RunTillit({"keys", "rotate", "--data", data(), "--batch", "2"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_THAT(resumed.out, HasSubstr("interrupted"));
  EXPECT_THAT(resumed.out, HasSubstr("version 2"));

  RunResult retire = RunTillit({"keys", "retire", "--data", data()});
  ASSERT_EQ(retire.exit_code, 0) << retire.out << retire.err;
  const std::string key_file = ReadFile(data() + "/master.key");
  EXPECT_THAT(key_file, HasSubstr("tillit-kek 2 "));
  EXPECT_THAT(key_file, Not(HasSubstr("tillit-kek 1 ")));
  EXPECT_NE(key_file, old_key_file);

  // Every subject still opens with only the new master key, and the audit log still verifies.
  ASSERT_TRUE(server_->Restart());
  for (size_t i = 0; i < ids.size(); ++i) {
    HttpResult r = GetSubject(ids[i]);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_THAT(r.body, HasSubstr("Rot " + std::to_string(i)));
  }
  HttpResult found = server_->Get("/v1/subjects?email=rot3@example.fi", kService);
  EXPECT_EQ(found.status, 200) << found.body;  // the blind-index key was re-wrapped too
  ASSERT_EQ(server_->Stop(), 0);
  RunResult v = Verify();
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

}  // namespace
}  // namespace tillit::testing
