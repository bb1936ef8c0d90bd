#include "core/disclosure/audit_witness.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "crypto/signing.h"
#include "util/hex.h"

namespace tillit::core {
namespace {

constexpr size_t kHashBytes = 32;
constexpr const char* kHeader =
    "# tillit audit witness: one line per signed head of the audit chain: SEQ HASH SIGNATURE TIME (hash and Ed25519 "
    "signature in hex, time in UTC). Check it with `tillit audit verify --witness FILE`.\n";

Status WriteAll(int fd, const std::string& text, const std::string& path) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::Unavailable("cannot write the witness file " + path + ": " + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

// Syncs the directory that holds `path`, so a file just created survives a crash.
Status SyncDirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Unavailable("cannot open the directory " + dir + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::Unavailable("cannot sync the directory " + dir + ": " + std::strerror(errno));
  return Status::Ok();
}

Status BadLine(const std::string& where, const std::string& what) {
  return Status::InvalidArgument(where + ": " + what + " — a witness line is 'SEQ HASH SIGNATURE TIME' as tillit " +
                                     "writes it; restore the line from the copy shipped elsewhere",
                                 "invalid_witness_line");
}

}  // namespace

std::string WitnessLine(const store::AuditCheckpointRow& head) {
  return std::to_string(head.seq) + " " + HexEncode(head.hash) + " " + HexEncode(head.signature) + " " +
         FormatRfc3339(FromMicros(head.at));
}

Result<std::vector<WitnessedHead>> ReadWitnessFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) {
    return Status::NotFound("the witness file " + path + " does not exist", "witness_not_found");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Unavailable("cannot read the witness file " + path + ": " + std::strerror(errno));
  std::vector<WitnessedHead> heads;
  std::string text;
  for (int number = 1; std::getline(in, text); ++number) {
    const std::string where = path + ":" + std::to_string(number);
    if (text.empty() || text.front() == '#') continue;
    std::istringstream fields(text);
    std::string seq, hash, signature, time, extra;
    if (!(fields >> seq >> hash >> signature >> time) || (fields >> extra)) {
      return BadLine(where, "expected four fields");
    }
    WitnessedHead w;
    w.where = where;
    const auto [end, ec] = std::from_chars(seq.data(), seq.data() + seq.size(), w.head.seq);
    if (ec != std::errc() || end != seq.data() + seq.size() || w.head.seq < 1) {
      return BadLine(where, "the sequence number is not a positive integer");
    }
    auto hash_bytes = HexDecode(hash);
    if (!hash_bytes || hash_bytes->size() != kHashBytes) return BadLine(where, "the hash is not 64 hex digits");
    auto signature_bytes = HexDecode(signature);
    if (!signature_bytes || signature_bytes->size() != crypto::kSignatureBytes) {
      return BadLine(where, "the signature is not 128 hex digits");
    }
    auto at = ParseRfc3339(time);
    if (!at.ok()) return BadLine(where, "the time is not an RFC 3339 time");
    w.head.hash = std::move(*hash_bytes);
    w.head.signature = std::move(*signature_bytes);
    w.head.at = ToMicros(*at);
    heads.push_back(std::move(w));
  }
  if (in.bad()) return Status::Unavailable("cannot read the witness file " + path);
  return heads;
}

Status AppendWitnessLine(const std::string& path, const store::AuditCheckpointRow& head) {
  struct stat st;
  const bool created = ::stat(path.c_str(), &st) != 0;
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Unavailable("cannot open the witness file " + path + ": " + std::strerror(errno));
  Status s = WriteAll(fd, (created ? std::string(kHeader) : std::string()) + WitnessLine(head) + "\n", path);
  if (s.ok() && ::fsync(fd) != 0) {
    s = Status::Unavailable("cannot sync the witness file " + path + ": " + std::strerror(errno));
  }
  ::close(fd);
  if (s.ok() && created) s = SyncDirectoryOf(path);
  return s;
}

AuditWitness::AuditWitness(const config::Audit& options, store::Store& store, const Webhooks* webhooks)
    : file_(options.witness_file),
      interval_(options.witness_interval_seconds),
      store_(store),
      webhooks_(webhooks != nullptr && webhooks->Subscribed(kAuditCheckpointEvent) ? webhooks : nullptr) {}

bool AuditWitness::enabled() const { return !file_.empty() || webhooks_ != nullptr; }

Status AuditWitness::Start() {
  if (!enabled() || started_) return Status::Ok();
  if (!file_.empty()) {
    auto heads = ReadWitnessFile(file_);
    if (heads.ok()) {
      MutexLock lock(witness_mu_);
      for (const auto& w : *heads) file_seq_ = std::max(file_seq_, w.head.seq);
    } else if (heads.status().code() == StatusCode::kNotFound) {
      // Created now, so that a witness file missing later means it was removed.
      const int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd < 0) {
        return Status::Unavailable("cannot create the witness file " + file_ + ": " + std::strerror(errno) +
                                   " — check [audit] witness_file and that its directory exists and is writable");
      }
      Status s = WriteAll(fd, kHeader, file_);
      if (s.ok() && ::fsync(fd) != 0) s = Status::Unavailable("cannot sync the witness file " + file_);
      ::close(fd);
      if (s.ok()) s = SyncDirectoryOf(file_);
      TILLIT_RETURN_IF_ERROR(s);
    } else {
      return heads.status();
    }
  }
  stop_.Reset();
  started_ = true;
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void AuditWitness::Stop() {
  if (!started_) return;
  stop_.Stop();
  if (thread_.joinable()) thread_.join();
  started_ = false;
  if (Status s = WitnessNow(); !s.ok()) {
    spdlog::error(nlohmann::json{{"event", "audit_witness_failed"}, {"error", s.message()}}.dump());
  }
}

void AuditWitness::Loop() {
  while (!stop_.stopped()) {
    if (Status s = WitnessNow(); !s.ok()) {
      spdlog::error(nlohmann::json{{"event", "audit_witness_failed"}, {"error", s.message()}}.dump());
    }
    if (stop_.WaitFor(interval_)) break;
  }
}

Status AuditWitness::WitnessNow() {
  MutexLock lock(witness_mu_);
  TILLIT_ASSIGN_OR_RETURN(auto head, store_.FindAuditCheckpoint());
  if (!head) return Status::Ok();
  if (!file_.empty() && head->seq > file_seq_) {
    TILLIT_RETURN_IF_ERROR(AppendWitnessLine(file_, *head));
    file_seq_ = head->seq;
  }
  if (webhooks_ != nullptr && head->seq > event_seq_) {
    const WebhookIds ids = {{"seq", std::to_string(head->seq)},
                            {"hash", HexEncode(head->hash)},
                            {"signature", HexEncode(head->signature)},
                            {"signed_at", FormatRfc3339(FromMicros(head->at))}};
    TILLIT_RETURN_IF_ERROR(store_.WriteAndWait(
        [this, &ids](store::WriteTxn& txn) { return webhooks_->Enqueue(txn, kAuditCheckpointEvent, "", ids); }));
    event_seq_ = head->seq;
  }
  return Status::Ok();
}

}  // namespace tillit::core
