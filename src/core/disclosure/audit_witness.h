// The audit log's external witness: the signed heads of the audit chain, sent out of reach of whoever can write the
// databases, so that even someone who controls both the data database and the key store cannot roll the log back
// or delete it unnoticed (docs/SECURITY.md). Two forms, each optional ([audit] in the configuration):
//   - a witness file the operator ships elsewhere (a log host, write-once storage): one line per signed head,
//       SEQ HASH SIGNATURE TIME
//     seq in decimal, the chain hash and its Ed25519 signature in lowercase hex, the time the head was signed in
//     RFC 3339; lines starting with '#' are comments. Appended and synced (fsync) after the head has committed;
//     it holds no personal data, only what `tillit audit verify --witness FILE` needs;
//   - the webhook event `audit.checkpoint`, to every recipient that subscribes to it, with the same seq, hash and
//     signature, enqueued in the transactional outbox (core/disclosure/webhooks.h).
// A busy server signs a head at every group commit; the witness sends at most one line and one event per
// witness_interval (default 60 s), when the head moved, and a last one at shutdown. What a running server signed in
// the last interval is therefore not yet outside: the interval is the window an attacker with full control has.
//
// Thread safety: Start and Stop from one thread; the witness thread is the only other caller of WitnessNow.
#ifndef TILLIT_CORE_DISCLOSURE_AUDIT_WITNESS_H_
#define TILLIT_CORE_DISCLOSURE_AUDIT_WITNESS_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "core/audit/audit.h"
#include "core/disclosure/webhooks.h"
#include "store/store.h"
#include "util/stop_signal.h"
#include "util/status.h"

namespace tillit::core {

// The webhook event a witnessed head is sent as.
inline constexpr std::string_view kAuditCheckpointEvent = "audit.checkpoint";

// The line the witness file holds for `head`, without the newline.
std::string WitnessLine(const store::AuditCheckpointRow& head);

// Every head the witness file at `path` holds, in file order, each with "PATH:LINE". NotFound "witness_not_found"
// when the file does not exist; InvalidArgument "invalid_witness_line" naming PATH:LINE and what is wrong for a line
// that is not a comment and not a well-formed head; Unavailable when it cannot be read.
Result<std::vector<WitnessedHead>> ReadWitnessFile(const std::string& path);

// Appends WitnessLine(head) to the file at `path` and syncs it; creates the file (mode 0600, with a comment line
// that says what it holds) and syncs its directory when it is absent. Unavailable naming the path on failure.
Status AppendWitnessLine(const std::string& path, const store::AuditCheckpointRow& head);

class AuditWitness {
 public:
  // `webhooks` may be null (no events). `store` and `webhooks` must outlive the witness.
  AuditWitness(const config::Audit& options, store::Store& store, const Webhooks* webhooks);
  ~AuditWitness() { Stop(); }
  AuditWitness(const AuditWitness&) = delete;
  AuditWitness& operator=(const AuditWitness&) = delete;

  // Whether there is anything to witness to: a witness file, or a recipient subscribed to audit.checkpoint.
  bool enabled() const;

  // Reads the newest head the witness file holds (creating the file when absent), then starts the thread, which
  // witnesses the current head at once and then once per interval. Does nothing when !enabled(). Fails, without
  // starting, when the witness file cannot be created or read.
  Status Start();

  // Stops the thread and witnesses the head one last time. Call after the last write, before the store closes.
  // Idempotent; does nothing when not started.
  void Stop();

  // Witnesses the current signed head of the data database if it is newer than the last one witnessed: appends
  // its line to the witness file and enqueues one audit.checkpoint event (in its own write), each at most once per
  // head.
  Status WitnessNow();

 private:
  void Loop();

  const std::string file_;
  const std::chrono::seconds interval_;
  store::Store& store_;
  const Webhooks* const webhooks_;  // null when no recipient subscribes to audit.checkpoint

  Mutex witness_mu_;
  int64_t file_seq_ TILLIT_GUARDED_BY(witness_mu_) = 0;   // the newest head in the witness file
  int64_t event_seq_ TILLIT_GUARDED_BY(witness_mu_) = 0;  // the newest head sent as an event

  StopSignal stop_;
  bool started_ = false;   // set by Start, cleared by Stop (one thread)
  std::thread thread_;
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_DISCLOSURE_AUDIT_WITNESS_H_
