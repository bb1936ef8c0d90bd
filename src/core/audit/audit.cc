#include "core/audit/audit.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

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
  // Whether the key store's head was found ahead of the chain, so the error is logged once per process. The hook
  // runs on the writer thread only.
  auto reported = std::make_shared<bool>(false);
  return [&signer, &clock, reported](store::WriteTxn& txn) -> Status {
    TILLIT_ASSIGN_OR_RETURN(store::AuditCheckpointRow tail, txn.AuditTail());
    if (tail.seq == 0) return Status::Ok();
    TILLIT_ASSIGN_OR_RETURN(auto head, txn.AuditCheckpoint());
    TILLIT_ASSIGN_OR_RETURN(auto kept, txn.KeyStoreAuditHead());
    const bool head_current = head && head->seq == tail.seq && head->hash == tail.hash;
    const bool kept_current = kept && kept->seq == tail.seq && kept->hash == tail.hash;
    if (head_current && kept_current) return Status::Ok();
    // Signed here even when the data database's head is current: the key store never takes a signature from there.
    tail.signature = signer.SignHead(tail.seq, tail.hash);
    tail.at = ToMicros(clock.Now());
    if (!head_current) TILLIT_RETURN_IF_ERROR(txn.PutAuditCheckpoint(tail));
    if (kept_current) return Status::Ok();
    bool extends = !kept.has_value();
    if (kept && kept->seq < tail.seq) {
      TILLIT_ASSIGN_OR_RETURN(auto hash_there, txn.AuditHashAt(kept->seq));
      extends = hash_there && crypto::ConstantTimeEquals(*hash_there, kept->hash);
    }
    if (extends) return txn.PutKeyStoreAuditHead(tail);
    if (!*reported) {
      *reported = true;
      spdlog::error(nlohmann::json{{"event", "audit_head_behind_key_store"},
                                   {"chain_seq", tail.seq},
                                   {"key_store_seq", kept->seq},
                                   {"fix", "the audit log was truncated or rolled back; run `tillit audit verify`"}}
                        .dump());
    }
    return Status::Ok();
  };
}

namespace {

// What a head held elsewhere says the chain has at one entry.
struct Expectation {
  std::vector<uint8_t> hash;
  std::string source;  // "the signed head kept in the key store", "the witnessed head at FILE:3"
};

// The first place the chain disagrees with a head held elsewhere.
struct Divergence {
  int64_t seq = 0;
  std::string source;
};

}  // namespace

Result<AuditVerification> VerifyAudit(store::Store& store, const AuditSigner& signer,
                                      const std::vector<WitnessedHead>& witnessed) {
  AuditVerification v;
  auto fail = [&v](int64_t seq, std::string problem) {
    v.ok = false;
    v.first_bad = seq;
    v.problem = std::move(problem);
    return v;
  };

  // The heads held outside the data database: they say how long the chain was at least, and what it held.
  auto kept_read = store.FindKeyStoreAuditHead();
  if (!kept_read.ok()) {
    return fail(0, "the signed head kept in the key store cannot be read (" + kept_read.status().message() +
                       "): the key store was damaged or its table removed");
  }
  const std::optional<store::AuditCheckpointRow> kept = std::move(*kept_read);
  constexpr const char* kKeptName = "the signed head kept in the key store";
  std::multimap<int64_t, Expectation> expected;
  int64_t newest_elsewhere = 0;
  std::string newest_source;
  auto expect = [&](const store::AuditCheckpointRow& head, std::string source) {
    if (head.seq > newest_elsewhere) {
      newest_elsewhere = head.seq;
      newest_source = source;
    }
    expected.emplace(head.seq, Expectation{head.hash, std::move(source)});
  };
  if (kept) {
    v.key_store_seq = kept->seq;
    if (!signer.VerifyHead(*kept)) {
      return fail(0, std::string("the signature of ") + kKeptName +
                         " is invalid: the key store was altered, or belongs to another installation");
    }
    expect(*kept, kKeptName);
  }
  for (const WitnessedHead& w : witnessed) {
    if (!signer.VerifyHead(w.head)) {
      return fail(0, "the signature of the witnessed head at " + w.where +
                         " is invalid: the line was altered, or comes from another installation");
    }
    ++v.witnessed;
    v.witnessed_seq = std::max(v.witnessed_seq, w.head.seq);
    expect(w.head, "the witnessed head at " + w.where);
  }
  auto names = [](int64_t seq) { return "names entry " + std::to_string(seq); };

  std::vector<uint8_t> prev_hash(kHashBytes, 0);
  int64_t expected_seq = 1;
  constexpr size_t kPage = 4096;
  std::optional<Divergence> diverged;
  auto next = expected.begin();
  while (true) {
    auto page = store.ReadAudit(expected_seq - 1, kPage);
    if (!page.ok()) {
      std::string problem =
          "the audit log cannot be read (" + page.status().message() + "): its table was removed or damaged";
      if (newest_elsewhere > 0) problem += "; " + newest_source + " " + names(newest_elsewhere);
      return fail(expected_seq, std::move(problem));
    }
    for (const store::AuditRow& row : *page) {
      ++v.entries;
      if (row.seq != expected_seq) {
        return fail(expected_seq, Seq(expected_seq) + " is missing: the chain jumps from " +
                                      std::to_string(expected_seq - 1) + " to " + std::to_string(row.seq) +
                                      " (deleted entries)");
      }
      if (!crypto::ConstantTimeEquals(row.prev_hash, prev_hash)) {
        return fail(row.seq, Seq(row.seq) + " does not follow " + Seq(row.seq - 1) +
                                 ": its previous hash differs (entries reordered, replaced or inserted)");
      }
      if (!crypto::ConstantTimeEquals(AuditEntryHash(row), row.hash)) {
        return fail(row.seq, Seq(row.seq) + " was altered: its contents do not match its hash");
      }
      for (; next != expected.end() && next->first <= row.seq; ++next) {
        if (next->first == row.seq && !diverged && !crypto::ConstantTimeEquals(next->second.hash, row.hash)) {
          diverged = Divergence{row.seq, next->second.source};
        }
      }
      prev_hash = row.hash;
      ++expected_seq;
    }
    if (page->size() < kPage) break;
  }
  const int64_t last = expected_seq - 1;
  if (last == 0 && newest_elsewhere > 0) {
    return fail(1, "the audit log is empty, but " + newest_source + " " + names(newest_elsewhere) +
                       ": the whole log was deleted");
  }

  auto head_read = store.FindAuditCheckpoint();
  if (!head_read.ok()) {
    return fail(0, "the signed head in the data database cannot be read (" + head_read.status().message() +
                       "): its table was removed or damaged");
  }
  const std::optional<store::AuditCheckpointRow>& head = *head_read;
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
  if (kept && head->seq < kept->seq) {
    return fail(std::min(head->seq, last) + 1,
                "the signed head in the data database names entry " + std::to_string(head->seq) + ", but " + kKeptName +
                    " " + names(kept->seq) +
                    ": the log was rolled back to an older signed head, and entries after it are gone or unsigned");
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
  if (newest_elsewhere > last) {
    return fail(last + 1, "the chain ends at entry " + std::to_string(last) + ", but " + newest_source + " " +
                              names(newest_elsewhere) + ": entries " + std::to_string(last + 1) + " to " +
                              std::to_string(newest_elsewhere) +
                              " were removed and the log rolled back to an older signed head");
  }
  if (diverged) {
    return fail(diverged->seq, Seq(diverged->seq) + " differs from " + diverged->source +
                                   ": the chain was rewritten from there on (truncated, then written anew)");
  }
  v.ok = true;
  return v;
}

}  // namespace tillit::core
