#include "core/audit.h"

#include <array>

#include "crypto/aad.h"
#include "crypto/hashing.h"
#include "util/hex.h"

namespace tillit::core {
namespace {

constexpr size_t kHashBytes = 32;

std::string BigEndian64(int64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(static_cast<uint64_t>(v) & 0xff);
    v = static_cast<int64_t>(static_cast<uint64_t>(v) >> 8);
  }
  return out;
}

std::string HeadMessage(int64_t seq, const std::vector<uint8_t>& hash) {
  std::string msg = "tillit-audit-head-v1";
  msg += BigEndian64(seq);
  msg.append(hash.begin(), hash.end());
  return msg;
}

std::string Seq(int64_t seq) { return "entry " + std::to_string(seq); }

}  // namespace

std::vector<uint8_t> AuditEntryHash(const store::AuditRow& row) {
  std::string buf = "tillit-audit-v1";
  crypto::AppendLengthPrefixed(
      buf, std::string_view(reinterpret_cast<const char*>(row.prev_hash.data()), row.prev_hash.size()));
  crypto::AppendLengthPrefixed(buf, BigEndian64(row.seq));
  crypto::AppendLengthPrefixed(buf, BigEndian64(row.at));
  for (const std::string* field :
       {&row.actor_kind, &row.actor, &row.purpose, &row.action, &row.subject_id, &row.detail}) {
    crypto::AppendLengthPrefixed(buf, *field);
  }
  return crypto::Hash256(buf);
}

Status AppendAudit(store::WriteTxn& txn, const AuditEvent& event, int64_t at) {
  TILLIT_ASSIGN_OR_RETURN(store::AuditCheckpointRow tail, txn.AuditTail());
  store::AuditRow row;
  row.seq = tail.seq + 1;
  row.at = at;
  row.actor_kind = event.actor.kind;
  row.actor = event.actor.name;
  row.purpose = event.purpose;
  row.action = event.action;
  row.subject_id = event.subject_id;
  row.detail = event.detail;
  row.prev_hash = tail.seq == 0 ? std::vector<uint8_t>(kHashBytes, 0) : tail.hash;
  row.hash = AuditEntryHash(row);
  return txn.AppendAudit(row);
}

std::vector<uint8_t> AuditSigner::SignHead(int64_t seq, const std::vector<uint8_t>& hash) const {
  return signer_.Sign(HeadMessage(seq, hash));
}

bool AuditSigner::VerifyHead(const store::AuditCheckpointRow& head) const {
  return crypto::VerifySignature(signer_.public_key(), HeadMessage(head.seq, head.hash), head.signature);
}

store::Store::WriteFn CheckpointHook(const AuditSigner& signer, Clock& clock) {
  return [&signer, &clock](store::WriteTxn& txn) -> Status {
    TILLIT_ASSIGN_OR_RETURN(store::AuditCheckpointRow tail, txn.AuditTail());
    if (tail.seq == 0) return Status::Ok();
    TILLIT_ASSIGN_OR_RETURN(auto head, txn.AuditCheckpoint());
    if (head && head->seq == tail.seq) return Status::Ok();
    tail.signature = signer.SignHead(tail.seq, tail.hash);
    tail.at = ToMicros(clock.Now());
    return txn.PutAuditCheckpoint(tail);
  };
}

Result<AuditVerification> VerifyAudit(store::Store& store, const AuditSigner& signer) {
  AuditVerification v;
  std::vector<uint8_t> prev_hash(kHashBytes, 0);
  int64_t expected = 1;
  constexpr size_t kPage = 4096;
  auto fail = [&v](int64_t seq, std::string problem) {
    v.ok = false;
    v.first_bad = seq;
    v.problem = std::move(problem);
    return v;
  };
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto page, store.ReadAudit(expected - 1, kPage));
    for (const store::AuditRow& row : page) {
      ++v.entries;
      if (row.seq != expected) {
        return fail(expected, Seq(expected) + " is missing: the chain jumps from " + std::to_string(expected - 1) +
                                  " to " + std::to_string(row.seq) + " (deleted entries)");
      }
      if (!crypto::ConstantTimeEquals(row.prev_hash, prev_hash)) {
        return fail(row.seq, Seq(row.seq) + " does not follow " + Seq(row.seq - 1) +
                                 ": its previous hash differs (entries reordered, replaced or inserted)");
      }
      if (!crypto::ConstantTimeEquals(AuditEntryHash(row), row.hash)) {
        return fail(row.seq, Seq(row.seq) + " was altered: its contents do not match its hash");
      }
      prev_hash = row.hash;
      ++expected;
    }
    if (page.size() < kPage) break;
  }
  const int64_t last = expected - 1;
  TILLIT_ASSIGN_OR_RETURN(auto head, store.FindAuditCheckpoint());
  if (!head) {
    if (last == 0) {
      v.ok = true;
      return v;
    }
    return fail(0, "the signed head of the chain is missing (removed checkpoint)");
  }
  if (!signer.VerifyHead(*head)) {
    return fail(0, "the signature of the chain head is invalid: the head or the whole chain was rewritten");
  }
  if (head->seq > last) {
    return fail(last + 1, "the chain ends at entry " + std::to_string(last) + " but the signed head names entry " +
                              std::to_string(head->seq) + " (truncated)");
  }
  if (head->seq < last) {
    return fail(head->seq + 1,
                "entries after the signed head " + std::to_string(head->seq) + " were appended without a signature");
  }
  if (!crypto::ConstantTimeEquals(head->hash, prev_hash)) {
    return fail(last, Seq(last) + " does not match the signed head: the chain was rewritten");
  }
  v.ok = true;
  return v;
}

}  // namespace tillit::core
