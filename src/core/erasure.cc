#include "core/erasure.h"

#include <algorithm>
#include <set>

#include "core/register.h"
#include "core/retention.h"
#include "crypto/hashing.h"
#include "crypto/sealing.h"
#include "util/hex.h"

namespace tillit::core {
namespace {

using nlohmann::json;

json Time(int64_t micros) { return FormatRfc3339(FromMicros(micros)); }

// What is known before the write: the identifiers' blind indexes to release, the suppression hash, and the records.
struct Plan {
  std::vector<std::pair<const IdentifierSpec*, std::vector<uint8_t>>> indexes;
  std::vector<uint8_t> suppression;  // empty when the subject had no e-mail address
  std::vector<std::string> field_categories;
  std::vector<store::RecordRow> records;
};

}  // namespace

const std::vector<std::string>& ErasureReasons() {
  static const std::vector<std::string> kReasons = {"request",   "no_longer_necessary", "consent_withdrawn",
                                                    "objection", "unlawful_processing", "legal_obligation",
                                                    "child",     "retention",           "inactivity"};
  return kReasons;
}

Erasure::Erasure(std::shared_ptr<const config::Config> config, store::Store& store, const crypto::Keyring& keyring,
                 const crypto::BlindIndexer& indexer, Clock& clock, Random& random, DecisionIndex* decisions)
    : config_(std::move(config)),
      store_(store),
      keyring_(keyring),
      indexer_(indexer),
      clock_(clock),
      random_(random),
      decisions_(decisions) {}

Result<bool> Erasure::Suppressed(std::string_view email) {
  const std::string normalised = crypto::NormaliseEmail(email);
  if (normalised.empty()) return false;
  TILLIT_ASSIGN_OR_RETURN(auto owners,
                          store_.FindSharedIndex(store::IndexKind::kSuppression,
                                                 indexer_.Index(crypto::IndexKind::kSuppression, normalised)));
  return !owners.empty();
}

Result<ErasureResult> Erasure::Erase(const std::string& subject_id, const std::string& reason, const Actor& actor) {
  if (std::find(ErasureReasons().begin(), ErasureReasons().end(), reason) == ErasureReasons().end()) {
    std::string known;
    for (const auto& r : ErasureReasons()) known += (known.empty() ? "" : ", ") + r;
    return Status::InvalidArgument("unknown erasure reason '" + reason + "'; use one of " + known, "unknown_reason");
  }
  TILLIT_ASSIGN_OR_RETURN(auto subject, store_.FindSubject(subject_id));
  if (!subject) return Status::NotFound("no subject with this id", "subject_not_found");
  if (subject->erased_at) return Status::Conflict("the subject was erased already", "already_erased");

  // Open what the write needs before the key goes: the identifiers, to release their blind indexes and to put the
  // e-mail on the suppression list.
  Plan plan;
  TILLIT_ASSIGN_OR_RETURN(auto key_row, store_.FindDataKey(subject_id));
  TILLIT_ASSIGN_OR_RETURN(auto fields, store_.ListFields(subject_id));
  if (key_row && !key_row->wrapped.empty()) {
    TILLIT_ASSIGN_OR_RETURN(crypto::SecretKey key, keyring_.Unwrap(subject_id, crypto::KeyKind::kData,
                                                                   {key_row->kek_version, key_row->wrapped}));
    for (const auto& field : fields) {
      plan.field_categories.push_back(field.field);
      const IdentifierSpec* spec = nullptr;
      for (const auto& s : Identifiers()) {
        if (s.category == field.field) spec = &s;
      }
      if (spec == nullptr) continue;
      TILLIT_ASSIGN_OR_RETURN(std::string plain,
                              crypto::Open(key, crypto::SealAad(subject_id, field.field), field.sealed));
      json value = json::parse(plain, nullptr, false);
      if (!value.is_string()) continue;
      const std::string normalised = value.get<std::string>();
      plan.indexes.emplace_back(spec, indexer_.Index(static_cast<crypto::IndexKind>(spec->index), normalised));
      if (spec->index == store::IndexKind::kEmail) {
        plan.suppression = indexer_.Index(crypto::IndexKind::kSuppression, normalised);
      }
    }
  }
  store::RecordQuery query;
  query.limit = 1000;
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto page, store_.ListRecords(subject_id, query));
    for (auto& r : page) plan.records.push_back(std::move(r));
    if (page.size() < query.limit) break;
    query.before_occurred_at = plan.records.back().occurred_at;
    query.before_record_id = plan.records.back().record_id;
  }

  const int64_t now = ToMicros(clock_.Now());
  auto shared = std::make_shared<Plan>(std::move(plan));
  auto result = std::make_shared<ErasureResult>();
  result->subject_id = subject_id;
  result->erased_at = now;
  Status written = store_.WriteAndWait([&, shared, result](store::WriteTxn& txn) -> Status {
    store::ErasedCounts counts;
    TILLIT_RETURN_IF_ERROR(txn.EraseSubject(subject_id, now, &counts));
    TILLIT_RETURN_IF_ERROR(txn.DestroyDataKey(subject_id));
    if (webhooks_ != nullptr) TILLIT_RETURN_IF_ERROR(webhooks_->Enqueue(txn, "subject.erased", subject_id));
    for (const auto& [spec, value] : shared->indexes) {
      if (spec->unique) {
        TILLIT_RETURN_IF_ERROR(txn.ReleaseUniqueIndex(spec->index, value, subject_id));
      } else {
        TILLIT_RETURN_IF_ERROR(txn.RemoveSharedIndex(spec->index, value, subject_id));
      }
    }
    if (!shared->suppression.empty()) {
      TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(store::IndexKind::kSuppression, shared->suppression, subject_id));
    }
    // Records: those without legal-hold fields are gone; the others keep only them, until their accounting time
    // (anchored on the erasure where a rule says so) is up.
    json deleted_records = json::object();
    json held = json::array();
    std::map<std::string, std::pair<int64_t, std::optional<int64_t>>> held_by_kind;  // count, latest expiry
    Anchors anchors;
    anchors.erased = now;
    for (const auto& r : shared->records) {
      if (r.hold.empty()) {
        deleted_records[r.kind] = deleted_records.value(r.kind, 0) + 1;
        continue;
      }
      anchors.collected = r.occurred_at;
      RecordExpiry expiry = ExpiryOfRecord(*config_, r.kind, r.categories, true, anchors);
      std::optional<int64_t> until = expiry.hold_expires_at ? expiry.hold_expires_at : r.hold_expires_at;
      if (until != r.hold_expires_at) TILLIT_RETURN_IF_ERROR(txn.SetRecordExpiry(subject_id, r.record_id, {}, until));
      auto& slot = held_by_kind[r.kind];
      ++slot.first;
      if (until && (!slot.second || *until > *slot.second)) slot.second = until;
    }
    for (const auto& [kind, slot] : held_by_kind) {
      held.push_back({{"record_kind", kind},
                      {"records", slot.first},
                      {"fields", "accounting"},
                      {"purposes", {"accounting", std::string(config::kLegalClaims)}},
                      {"kept_until", slot.second ? Time(*slot.second) : json(nullptr)}});
    }
    json tables = json::object();
    for (const auto& [table, n] : counts) tables[table] = n;
    json receipt = {{"subject_id", subject_id},
                    {"erased_at", Time(now)},
                    {"reason", reason},
                    {"deleted",
                     {{"data_key", "destroyed"},
                      {"profile_categories", shared->field_categories},
                      {"identifier_indexes", shared->indexes.size()},
                      {"records", deleted_records},
                      {"rows", tables}}},
                    {"legal_hold", held},
                    {"suppression_list", !shared->suppression.empty()}};
    result->receipt = receipt;
    const std::string text = receipt.dump();
    TILLIT_RETURN_IF_ERROR(txn.InsertErasure({subject_id, now, reason, actor.name, text}));
    TILLIT_RETURN_IF_ERROR(txn.AppendDecisionChange(subject_id, now));
    return AppendAudit(txn,
                       {actor, "rights_fulfilment", "subject.erase", subject_id,
                        "reason=" + reason + " receipt=" + HexEncode(crypto::Hash256(text))},
                       now);
  });
  TILLIT_RETURN_IF_ERROR(written);
  if (decisions_ != nullptr) decisions_->SetErased(subject_id);
  // Reported complete only once the erased pages have left the write-ahead log.
  TILLIT_RETURN_IF_ERROR(store_.Checkpoint(&result->checkpoint));
  return std::move(*result);
}

Result<ErasureResult> Erasure::Receipt(const std::string& subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto row, store_.FindErasure(subject_id));
  if (!row) return Status::NotFound("no erased subject with this id", "subject_not_found");
  ErasureResult out{row->subject_id, row->erased_at, json::parse(row->receipt, nullptr, false), ""};
  return out;
}

void Erasure::EraseAsync(std::string subject_id, std::string reason, Actor actor,
                         std::function<void(Result<ErasureResult>)> done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      if (!worker_.joinable()) worker_ = std::thread([this] { Loop(); });
      queue_.push_back([this, subject_id = std::move(subject_id), reason = std::move(reason), actor = std::move(actor),
                        done = std::move(done)] { done(Erase(subject_id, reason, actor)); });
      cv_.notify_one();
      return;
    }
  }
  done(Status::Unavailable("the server is shutting down", "shutting_down"));
}

void Erasure::Loop() {
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();
  }
}

void Erasure::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
}

}  // namespace tillit::core
