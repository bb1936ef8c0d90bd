// The audit log cannot be deleted or rolled back unnoticed, proven against the files and databases a real `tillit
// serve` leaves behind, on SQLite and on PostgreSQL. The attacks edit the databases directly, as someone with access
// to them would: deleting the whole log, dropping its table, truncating its tail and putting back an older signed
// head, restoring both databases from an older backup, and truncating the log and letting tillit write on past the
// old head. The signed head kept in the key store catches what an attacker of the data database alone does; the
// witness file catches what an attacker of both does. The witness gets at most one line per interval plus one at
// shutdown and no personal data, and the audit.checkpoint webhook reaches a subscribed receiver on loopback.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/disclosure/webhooks.h"
#include "support/server.h"
#include "support/webhook_receiver.h"

namespace tillit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSecret = "whsec-witness-0123456789";
constexpr const char* kCanaryMail = "canary.wqpzxv@example.fi";
constexpr const char* kCanaryName = "Canaryname Wqpzxv";

// A signed head as the databases hold it, blobs in lowercase hex.
struct Head {
  int64_t seq = 0;
  std::string hash;
  std::string signature;
  std::string at;
};

std::string HexOf(const std::string& column) {
  return UsingPostgres() ? "encode(" + column + ", 'hex')" : "lower(hex(" + column + "))";
}
std::string BlobOf(const std::string& hex) {
  return UsingPostgres() ? "decode('" + hex + "', 'hex')" : "X'" + hex + "'";
}

Head ReadHead(const std::string& data_dir, const std::string& table) {
  auto row = RunSql(data_dir, "SELECT seq, " + HexOf("hash") + ", " + HexOf("signature") + ", at FROM " + table);
  if (row.size() != 4) return {};
  return Head{std::stoll(row[0]), row[1], row[2], row[3]};
}
Head DataHead(const std::string& data_dir) { return ReadHead(data_dir, "audit_checkpoint"); }
Head KeyStoreHead(const std::string& data_dir) { return ReadHead(data_dir, "keystore.audit_head"); }

// Puts back `head` as the table's signed head, as copied from an older backup.
void RestoreHead(const std::string& data_dir, const std::string& table, const Head& head) {
  RunSql(data_dir, "UPDATE " + table + " SET seq = " + std::to_string(head.seq) + ", hash = " + BlobOf(head.hash) +
                       ", signature = " + BlobOf(head.signature) + ", at = " + head.at + " WHERE id = 1");
}

int64_t ChainLength(const std::string& data_dir) {
  auto row = RunSql(data_dir, "SELECT COUNT(*) FROM audit_log");
  return row.empty() ? -1 : std::stoll(row[0]);
}

// The witness file's heads: (seq, hash) per line that is not a comment.
std::vector<std::pair<int64_t, std::string>> WitnessLines(const std::string& path) {
  std::vector<std::pair<int64_t, std::string>> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    int64_t seq = 0;
    std::string hash;
    fields >> seq >> hash;
    out.emplace_back(seq, hash);
  }
  return out;
}

class AuditWitnessTest : public ::testing::Test {
 protected:
  void SetUp() override { ::mkdir((dir_ / "witness").c_str(), 0700); }

  // Minime's configuration with an [audit] section (and `extra` TOML before it); then a server and an API key.
  void Start(const std::string& audit_toml, const std::string& extra = "") {
    WriteFile(config(), ReadFile(ExampleConfig("minime")) + extra + "\n[audit]\n" + audit_toml);
    RunResult check = RunTillit({"check", config()});
    ASSERT_EQ(check.exit_code, 0) << check.err;
    server_ = std::make_unique<TestServer>(data(), ServeOptions{.config = config()});
    server_->CreateKey("shop", "customer_service,rights_fulfilment");
  }
  void StartWithWitness(int interval_seconds) {
    Start("witness_file = \"" + witness() + "\"\nwitness_interval = " + std::to_string(interval_seconds) + "\n");
  }
  void Stop() { ASSERT_EQ(server_->Stop(), 0) << server_->err(); }

  std::string config() const { return dir_ / "tillit.toml"; }
  std::string data() const { return dir_ / "data"; }
  std::string witness() const { return dir_ / "witness/audit-heads.txt"; }

  std::string CreateSubject(const std::string& email, const std::string& name) {
    return server_->CreateSubject({{"identifiers", {{"email", email}}}, {"fields", {{"identity.name", name}}}},
                                  {.purpose = "customer_service"});
  }

  // Creations, reads and an erasure: each an audit entry, most a group commit of their own.
  void Activity(const std::string& tag) {
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
      ids.push_back(CreateSubject(tag + std::to_string(i) + "@example.fi", "Person " + tag + std::to_string(i)));
      EXPECT_EQ(server_->Get("/v1/subjects/" + ids.back(), {.purpose = "customer_service"}).status, 200);
    }
    HttpResult erased =
        server_->Post("/v1/subjects/" + ids[0] + "/erase", {{"reason", "request"}}, {.purpose = "rights_fulfilment"});
    EXPECT_EQ(erased.status, 200) << erased.body;
  }

  // Audit entries written by the command line (an API key each), with no server running.
  void CliEntries(int n, const std::string& tag) {
    for (int i = 0; i < n; ++i) {
      ASSERT_FALSE(CreateKey(data(), tag + std::to_string(i), "customer_service").empty());
    }
  }

  RunResult Verify(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"audit", "verify", "--data", data()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunTillit(args);
  }

  // Waits up to 15 s for the witness file to hold a line for entry `seq` or later.
  bool WaitForWitness(int64_t seq) {
    for (int i = 0; i < 300; ++i) {
      auto lines = WitnessLines(witness());
      if (!lines.empty() && lines.back().first >= seq) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(AuditWitnessTest, AnIntactLogVerifiesWithAndWithoutTheWitnessFileWhichHoldsNoPersonalData) {
  StartWithWitness(1);
  CreateSubject(kCanaryMail, kCanaryName);
  Activity("intact");
  ASSERT_TRUE(WaitForWitness(DataHead(data()).seq)) << ReadFile(witness());
  Stop();

  const Head head = DataHead(data());
  ASSERT_GT(head.seq, 5);
  const Head kept = KeyStoreHead(data());
  EXPECT_EQ(kept.seq, head.seq);
  EXPECT_EQ(kept.hash, head.hash);
  // Every head witnessed is one the chain passed through, the last one is the final head (written at shutdown).
  auto lines = WitnessLines(witness());
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back().first, head.seq);
  EXPECT_EQ(lines.back().second, head.hash);
  struct stat st;
  ASSERT_EQ(::stat(witness().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string text = ReadFile(witness());
  for (const std::string& canary :
       {std::string(kCanaryMail), std::string(kCanaryName), std::string("wqpzxv"), std::string("example.fi")}) {
    EXPECT_THAT(text, Not(HasSubstr(canary))) << canary << " in the witness file";
  }

  RunResult plain = Verify();
  EXPECT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  EXPECT_THAT(plain.out, HasSubstr("intact"));
  EXPECT_THAT(plain.out, HasSubstr("key store's signed head (entry " + std::to_string(head.seq) + ") agrees"));
  RunResult witnessed = Verify({"--witness", witness()});
  EXPECT_EQ(witnessed.exit_code, 0) << witnessed.out << witnessed.err;
  EXPECT_THAT(witnessed.out, HasSubstr("the newest for entry " + std::to_string(head.seq)));
  // With the configuration, the configured witness file is checked.
  RunResult configured = Verify({"--config", config()});
  EXPECT_EQ(configured.exit_code, 0) << configured.out << configured.err;
  EXPECT_THAT(configured.out, HasSubstr("witness file " + witness() + " agrees"));
}

TEST_F(AuditWitnessTest, DeletingTheWholeLogAndItsHeadIsDetected) {
  Start("");
  Activity("gone");
  Stop();
  const int64_t last = DataHead(data()).seq;
  ASSERT_GT(last, 0);
  RunSql(data(), "DELETE FROM audit_log; DELETE FROM audit_checkpoint;");
  RunResult v = Verify();
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  EXPECT_THAT(v.out, HasSubstr("the whole log was deleted"));
  EXPECT_THAT(v.out, HasSubstr("key store"));
  EXPECT_THAT(v.out, HasSubstr("entry " + std::to_string(last)));
}

TEST_F(AuditWitnessTest, DroppingTheAuditTablesIsDetected) {
  Start("");
  Activity("dropped");
  Stop();
  RunSql(data(), "DROP TABLE audit_log; DROP TABLE audit_checkpoint;");
  RunResult v = Verify();
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  EXPECT_THAT(v.out, HasSubstr("audit log BROKEN"));
  EXPECT_THAT(v.out, HasSubstr("cannot be read"));
  EXPECT_THAT(v.out, HasSubstr("key store"));
}

TEST_F(AuditWitnessTest, TruncatingTheTailAndRestoringAnOlderSignedHeadIsDetected) {
  Start("");
  Activity("before");
  Stop();
  const Head backup = DataHead(data());  // the head an older backup of the data database holds
  ASSERT_TRUE(server_->Restart());
  Activity("after");  // entries the attacker wants gone, an erasure among them
  Stop();
  const Head newest = DataHead(data());
  ASSERT_GT(newest.seq, backup.seq);
  EXPECT_EQ(KeyStoreHead(data()).seq, newest.seq);

  // Before the attack, verify passes; the attacker truncates to the backup's head and puts that head back.
  ASSERT_EQ(Verify().exit_code, 0);
  RunSql(data(), "DELETE FROM audit_log WHERE seq > " + std::to_string(backup.seq));
  RestoreHead(data(), "audit_checkpoint", backup);
  ASSERT_EQ(ChainLength(data()), backup.seq);
  RunResult v = Verify();
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  EXPECT_THAT(v.out, HasSubstr("rolled back"));
  EXPECT_THAT(v.out, HasSubstr("names entry " + std::to_string(backup.seq)));
  EXPECT_THAT(v.out, HasSubstr("the signed head kept in the key store names entry " + std::to_string(newest.seq)));
}

TEST_F(AuditWitnessTest, RestoringBothDatabasesFromAnOlderBackupIsCaughtByTheWitness) {
  StartWithWitness(1);
  Activity("before");
  Stop();
  const Head backup = DataHead(data());
  const Head backup_kept = KeyStoreHead(data());
  ASSERT_EQ(backup_kept.seq, backup.seq);
  ASSERT_TRUE(server_->Restart());
  Activity("after");
  Stop();
  const Head newest = DataHead(data());
  ASSERT_GT(newest.seq, backup.seq);
  ASSERT_EQ(WitnessLines(witness()).back().first, newest.seq);  // witnessed at shutdown

  // Someone with both databases puts back the older state of both.
  RunSql(data(), "DELETE FROM audit_log WHERE seq > " + std::to_string(backup.seq));
  RestoreHead(data(), "audit_checkpoint", backup);
  RestoreHead(data(), "keystore.audit_head", backup_kept);

  for (const auto& args :
       {std::vector<std::string>{"--witness", witness()}, std::vector<std::string>{"--config", config()}}) {
    RunResult v = Verify(args);
    EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
    EXPECT_THAT(v.out, HasSubstr("the chain ends at entry " + std::to_string(backup.seq)));
    EXPECT_THAT(v.out, HasSubstr("the witnessed head at " + witness()));
    EXPECT_THAT(v.out, HasSubstr("names entry " + std::to_string(newest.seq)));
  }
  // A witness file removed is not a witness file agreeing.
  ASSERT_EQ(::unlink(witness().c_str()), 0);
  RunResult missing = Verify({"--config", config()});
  EXPECT_EQ(missing.exit_code, 1) << missing.out;
  EXPECT_THAT(missing.out, HasSubstr("does not exist"));
}

TEST_F(AuditWitnessTest, AChainWrittenAnewPastTheKeptHeadDivergesFromTheKeyStore) {
  Start("");
  Activity("before");
  Stop();
  const Head backup = DataHead(data());
  ASSERT_TRUE(server_->Restart());
  Activity("after");
  Stop();
  const Head newest = DataHead(data());
  // The attacker truncates and restores the older head; tillit goes on writing, past the old head's entry.
  RunSql(data(), "DELETE FROM audit_log WHERE seq > " + std::to_string(backup.seq));
  RestoreHead(data(), "audit_checkpoint", backup);
  ASSERT_TRUE(server_->Restart());
  Activity("anew");
  Activity("again");
  Stop();
  ASSERT_GT(DataHead(data()).seq, newest.seq);
  // The key store's head stayed where it was: the new chain does not extend it.
  EXPECT_EQ(KeyStoreHead(data()).seq, newest.seq);
  EXPECT_EQ(KeyStoreHead(data()).hash, newest.hash);
  RunResult v = Verify();
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  EXPECT_THAT(v.out,
              HasSubstr("entry " + std::to_string(newest.seq) + " differs from the signed head kept in the key store"));
}

TEST_F(AuditWitnessTest, AChainWrittenAnewInBothDatabasesDivergesFromTheWitness) {
  StartWithWitness(1);
  Activity("before");
  Stop();
  const Head backup = DataHead(data());
  const Head backup_kept = KeyStoreHead(data());
  ASSERT_TRUE(server_->Restart());
  Activity("after");
  Stop();
  const Head newest = DataHead(data());
  ASSERT_EQ(WitnessLines(witness()).back().first, newest.seq);
  // Both databases rolled back, then written on past the old head: they agree with each other, not with the witness.
  RunSql(data(), "DELETE FROM audit_log WHERE seq > " + std::to_string(backup.seq));
  RestoreHead(data(), "audit_checkpoint", backup);
  RestoreHead(data(), "keystore.audit_head", backup_kept);
  ASSERT_TRUE(server_->Restart());
  Activity("anew");
  Activity("again");
  Stop();
  ASSERT_GT(DataHead(data()).seq, newest.seq);
  EXPECT_EQ(KeyStoreHead(data()).seq, DataHead(data()).seq);
  RunResult v = Verify({"--witness", witness()});
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  // The first entry a witnessed head of the old chain names beyond the backup.
  EXPECT_THAT(v.out, HasSubstr("differs from the witnessed head at " + witness()));
  EXPECT_THAT(v.out, HasSubstr("the chain was rewritten"));
}

TEST_F(AuditWitnessTest, AtMostOneWitnessLinePerIntervalAndOneAtShutdown) {
  StartWithWitness(3600);
  Activity("busy");
  Activity("busier");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  // Many group commits, each with a new signed head; witnessed once at most (at start, when there was a head).
  const size_t running = WitnessLines(witness()).size();
  EXPECT_LE(running, 1u) << ReadFile(witness());
  Stop();
  auto lines = WitnessLines(witness());
  ASSERT_EQ(lines.size(), running + 1) << ReadFile(witness());
  EXPECT_EQ(lines.back().first, DataHead(data()).seq);
  EXPECT_EQ(lines.back().second, DataHead(data()).hash);
}

TEST_F(AuditWitnessTest, TheCheckpointEventReachesASubscribedRecipient) {
  WebhookReceiver receiver(dir_ / "receiver");
  ASSERT_NE(receiver.port(), 0) << "the receiver did not start";
  const std::string recipient =
      "\n[[recipient]]\nid = \"witness_host\"\nname = \"Witness log host\"\n"
      "role = \"processor\"\ncountry = \"FI\"\ncategories = [\"identity.name\"]\n"
      "purposes = [\"contract\"]\nservice = \"hosting\"\nwebhook = { url = \"" +
      receiver.url("/witness") + "\", secret = \"" + kSecret +
      "\", events = [\"audit.checkpoint\"] }\n"
      "\n[server]\nwebhook_retry_ms = 100\n";
  Start("witness_file = \"" + witness() + "\"\nwitness_interval = \"1 second\"\n", recipient);
  CreateSubject(kCanaryMail, kCanaryName);
  Activity("event");
  int64_t seq = DataHead(data()).seq;
  json event;
  for (int i = 0; i < 300 && event.is_null(); ++i) {
    for (const json& r : receiver.Requests()) {
      json body = json::parse(r["body"].get<std::string>(), nullptr, false);
      if (body.value("type", "") == "audit.checkpoint" && std::stoll(body["data"].value("seq", "0")) >= seq) {
        ASSERT_TRUE(core::VerifyWebhookSignature(kSecret, r["headers"].value("tillit-signature", ""),
                                                 r["body"].get<std::string>()));
        event = body;
      }
    }
    if (event.is_null()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(event.is_null()) << "no audit.checkpoint event for entry " << seq;
  EXPECT_THAT(event.dump(), Not(HasSubstr("wqpzxv")));
  const json& d = event["data"];
  EXPECT_EQ(d["hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(d["signature"].get<std::string>().size(), 128u);
  Stop();
  // The event carries the same signed head as the witness line for its entry.
  bool found = false;
  for (const auto& [line_seq, hash] : WitnessLines(witness())) {
    if (line_seq == std::stoll(d["seq"].get<std::string>())) found = hash == d["hash"].get<std::string>();
  }
  EXPECT_TRUE(found) << ReadFile(witness()) << event.dump();
  EXPECT_THAT(ReadFile(witness()), HasSubstr(d["signature"].get<std::string>()));
}

TEST_F(AuditWitnessTest, AKeyStoreWithoutAHeadGetsOneWithTheNextWrite) {
  Start("");
  Activity("upgrade");
  Stop();
  // An installation from before the key store kept the head: the chain verifies on its own signed head.
  RunSql(data(), "DELETE FROM keystore.audit_head");
  RunResult v = Verify();
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_THAT(v.out, HasSubstr("no signed head yet"));
  CliEntries(1, "next");
  EXPECT_EQ(KeyStoreHead(data()).seq, DataHead(data()).seq);
  RunResult after = Verify();
  EXPECT_EQ(after.exit_code, 0) << after.out << after.err;
  EXPECT_THAT(after.out, HasSubstr("key store's signed head"));
}

TEST_F(AuditWitnessTest, BadWitnessSettingsAndFilesAreNamed) {
  WriteFile(config(), ReadFile(ExampleConfig("minime")) +
                          "\n[audit]\nwitness_file = \"relative/heads.txt\"\nwitness_interval = \"5 parsecs\"\n");
  RunResult check = RunTillit({"check", config()});
  EXPECT_NE(check.exit_code, 0);
  EXPECT_THAT(check.err, HasSubstr("tillit.toml:"));
  EXPECT_THAT(check.err, HasSubstr("audit.witness_file: not an absolute path"));
  EXPECT_THAT(check.err, HasSubstr("audit.witness_interval: cannot read interval '5 parsecs'"));
  WriteFile(config(), ReadFile(ExampleConfig("minime")) + "\n[audit]\nwitness_interval = 0\n");
  check = RunTillit({"check", config()});
  EXPECT_NE(check.exit_code, 0);
  EXPECT_THAT(check.err, HasSubstr("audit.witness_interval: out of range"));

  // A witness file whose directory does not exist: serve refuses to start and says which file.
  const std::string nowhere = dir_ / "no-such-dir/heads.txt";
  WriteFile(config(), ReadFile(ExampleConfig("minime")) + "\n[audit]\nwitness_file = \"" + nowhere + "\"\n");
  ASSERT_EQ(RunTillit({"init", "--config", config(), "--data", data()}).exit_code, 0);
  RunResult serve = RunTillit({"serve", "--config", config(), "--data", data(), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(serve.exit_code, 1) << serve.out;
  EXPECT_THAT(serve.err, HasSubstr("cannot create the witness file " + nowhere));

  // A damaged witness line is named by file and line.
  WriteFile(witness(), "# tillit audit witness\n1 00ff 11 2026-01-01T00:00:00Z\n");
  RunResult v = Verify({"--witness", witness()});
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_THAT(v.out, HasSubstr(witness() + ":2: the hash is not 64 hex digits"));
}

}  // namespace
}  // namespace tillit::testing
