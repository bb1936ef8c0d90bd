#include "core/register/erasure.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/register/register.h"
#include "core/register/retention.h"
#include "crypto/hashing.h"
#include "crypto/sealing.h"
#include "util/hex.h"

namespace tillit::core {
namespace {

using nlohmann::json;

json Time(int64_t micros) { return FormatRfc3339(FromMicros(micros)); }

Status CheckReason(const std::string& reason) {
  if (std::find(ErasureReasons().begin(), ErasureReasons().end(), reason) != ErasureReasons().end()) {
    return Status::Ok();
  }
  std::string known;
  for (const auto& r : ErasureReasons()) known += (known.empty() ? "" : ", ") + r;
  return Status::InvalidArgument("unknown erasure reason '" + reason + "'; use one of " + known, "unknown_reason");
}

}  // namespace

// What is known before the write: the identifiers' blind indexes to release, the suppression hash, and the records.
struct Erasure::Plan {
  std::string subject_id;
  std::vector<std::pair<const IdentifierSpec*, std::vector<uint8_t>>> indexes;
  std::vector<uint8_t> suppression;  // empty when the subject had no e-mail address
  std::vector<std::string> field_categories;
  std::vector<store::RecordRow> records;
  WebhookTargets targets;  // who received the subject's data: the log goes in the write
};

const std::vector<std::string>& ErasureReasons() {
  static const std::vector<std::string> kReasons = {"request",   "no_longer_necessary", "consent_withdrawn",
                                                    "objection", "unlawful_processing", "legal_obligation",
                                                    "child",     "retention",           "inactivity"};
  return kReasons;
}

std::vector<KeptData> KeptDataOf(const config::Config& config, const std::vector<LegalHold>& holds,
                                 std::string_view lang) {
  std::vector<KeptData> out;
  for (const auto& h : holds) {
    out.push_back({h.record_kind, h.records, h.rule != nullptr ? config::RetentionLaw(config, *h.rule, lang) : "",
                   h.kept_until});
  }
  return out;
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
  // Owners are erased subjects' ids, or an opt-out from an address no subject had (kOptOutOwner).
  return std::any_of(owners.begin(), owners.end(),
                     [](const std::string& owner) { return owner.rfind(kOptOutOwner, 0) != 0; });
}

Result<Erasure::Plan> Erasure::PlanFor(const std::string& subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto subject, store_.FindSubject(subject_id));
  if (!subject) return Status::NotFound("no subject with this id", "subject_not_found");
  if (subject->erased_at) return Status::Conflict("the subject was erased already", "already_erased");

  // Open what the write needs before the key goes: the identifiers, to release their blind indexes and to put the
  // e-mail on the suppression list.
  Plan plan;
  plan.subject_id = subject_id;
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

  TILLIT_ASSIGN_OR_RETURN(plan.targets, WebhookTargetsOf(webhooks_, store_, subject_id));

  return plan;
}

std::vector<LegalHold> Erasure::HoldsOf(const Plan& plan, int64_t now) const {
  std::map<std::string, LegalHold> by_kind;
  Anchors anchors;
  anchors.erased = now;
  for (const auto& r : plan.records) {
    if (r.hold.empty()) continue;
    anchors.collected = r.occurred_at;
    RecordExpiry expiry = ExpiryOfRecord(*config_, r.kind, r.categories, true, anchors);
    std::optional<int64_t> until = expiry.hold_expires_at ? expiry.hold_expires_at : r.hold_expires_at;
    LegalHold& h = by_kind[r.kind];
    const bool first = h.records == 0;
    h.record_kind = r.kind;
    ++h.records;
    for (const auto& c : r.categories) {
      if (std::find(h.categories.begin(), h.categories.end(), c) == h.categories.end()) h.categories.push_back(c);
    }
    // The record kept longest speaks for the kind: its date and the rule (the law) behind it.
    if (first || (until && (!h.kept_until || *until > *h.kept_until))) {
      if (until || first) h.kept_until = until;
      h.rule = HoldingRule(*config_, r.kind, r.categories, anchors);
    }
  }
  std::vector<LegalHold> out;
  for (auto& [kind, h] : by_kind) {
    std::sort(h.categories.begin(), h.categories.end());
    out.push_back(std::move(h));
  }
  return out;
}

Result<ErasurePreview> Erasure::Preview(const std::string& subject_id) {
  TILLIT_ASSIGN_OR_RETURN(Plan plan, PlanFor(subject_id));
  ErasurePreview out;
  out.at = ToMicros(clock_.Now());
  out.holds = HoldsOf(plan, out.at);
  return out;
}

Status Erasure::Write(store::WriteTxn& txn, const Plan& plan, int64_t now, const std::string& reason,
                      const Actor& actor, ErasureResult* result) {
  const std::string& subject_id = plan.subject_id;
  result->subject_id = subject_id;
  result->erased_at = now;
  store::ErasedCounts counts;
  TILLIT_RETURN_IF_ERROR(txn.EraseSubject(subject_id, now, &counts));
  TILLIT_RETURN_IF_ERROR(txn.DestroyDataKey(subject_id));
  if (webhooks_ != nullptr) {
    TILLIT_RETURN_IF_ERROR(webhooks_->Enqueue(txn, "subject.erased", subject_id, {}, &plan.targets));
  }
  for (const auto& [spec, value] : plan.indexes) {
    if (spec->unique) {
      TILLIT_RETURN_IF_ERROR(txn.ReleaseUniqueIndex(spec->index, value, subject_id));
    } else {
      TILLIT_RETURN_IF_ERROR(txn.RemoveSharedIndex(spec->index, value, subject_id));
    }
  }
  if (!plan.suppression.empty()) {
    TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(store::IndexKind::kSuppression, plan.suppression, subject_id));
  }
  // Records: those without legal-hold fields are gone; the others keep only them, until their accounting time
  // (anchored on the erasure where a rule says so) is up.
  json deleted_records = json::object();
  Anchors anchors;
  anchors.erased = now;  // rules anchored on the erasure start with it
  for (const auto& r : plan.records) {
    if (r.hold.empty()) {
      deleted_records[r.kind] = deleted_records.value(r.kind, 0) + 1;
      continue;
    }
    anchors.collected = r.occurred_at;
    RecordExpiry expiry = ExpiryOfRecord(*config_, r.kind, r.categories, true, anchors);
    std::optional<int64_t> until = expiry.hold_expires_at ? expiry.hold_expires_at : r.hold_expires_at;
    if (until != r.hold_expires_at) TILLIT_RETURN_IF_ERROR(txn.SetRecordExpiry(subject_id, r.record_id, {}, until));
  }
  // What was kept, why and until when: the law is the configuration's (default language), so the receipt is
  // the same whoever reads it.
  const std::string lang = config_->default_language();
  json held = json::array();
  for (const LegalHold& h : HoldsOf(plan, now)) {
    json reason = nullptr;
    if (h.rule != nullptr && !h.rule->reason.empty()) reason = std::string(config::Pick(h.rule->reason, lang, lang));
    const std::string law = h.rule != nullptr ? config::RetentionLaw(*config_, *h.rule, lang) : "";
    held.push_back({{"record_kind", h.record_kind},
                    {"records", h.records},
                    {"fields", "accounting"},
                    {"categories", h.categories},
                    {"purposes", {"accounting", std::string(config::kLegalClaims)}},
                    {"kept_until", h.kept_until ? Time(*h.kept_until) : json(nullptr)},
                    {"legal_basis", "legal_obligation"},
                    {"gdpr", "Art. 17(3)(b)"},
                    {"law", law.empty() ? json(nullptr) : json(law)},
                    {"reason", reason}});
  }
  json tables = json::object();
  for (const auto& [table, n] : counts) tables[table] = n;
  json receipt = {{"subject_id", subject_id},
                  {"erased_at", Time(now)},
                  {"reason", reason},
                  {"deleted",
                   {{"data_key", "destroyed"},
                    {"profile_categories", plan.field_categories},
                    {"identifier_indexes", plan.indexes.size()},
                    {"records", deleted_records},
                    {"rows", tables}}},
                  {"legal_hold", held},
                  {"suppression_list", !plan.suppression.empty()}};
  result->receipt = receipt;
  const std::string text = receipt.dump();
  TILLIT_RETURN_IF_ERROR(txn.InsertErasure({subject_id, now, reason, actor.name, text}));
  TILLIT_RETURN_IF_ERROR(txn.AppendDecisionChange(subject_id, now));
  return AppendAudit(txn,
                     {actor, "rights_fulfilment", "subject.erase", subject_id,
                      "reason=" + reason + " receipt=" + HexEncode(crypto::Hash256(text))},
                     now);
}

Result<ErasureResult> Erasure::Erase(const std::string& subject_id, const std::string& reason, const Actor& actor,
                                     const AlsoWrite& also, std::optional<int64_t> at) {
  TILLIT_RETURN_IF_ERROR(CheckReason(reason));
  TILLIT_ASSIGN_OR_RETURN(Plan plan, PlanFor(subject_id));
  const int64_t now = at.value_or(ToMicros(clock_.Now()));
  ErasureResult result;
  TILLIT_RETURN_IF_ERROR(store_.WriteAndWait([&](store::WriteTxn& txn) -> Status {
    TILLIT_RETURN_IF_ERROR(Write(txn, plan, now, reason, actor, &result));
    return also ? also(txn) : Status::Ok();
  }));
  if (decisions_ != nullptr) decisions_->SetErased(subject_id);
  // Reported complete only once the erased pages have left the write-ahead log.
  TILLIT_RETURN_IF_ERROR(store_.Checkpoint(&result.checkpoint));
  return result;
}

Result<BulkErasure> Erasure::EraseMany(const std::vector<std::string>& subject_ids, const std::string& reason,
                                       const Actor& actor, const BulkOptions& options) {
  TILLIT_RETURN_IF_ERROR(CheckReason(reason));
  BulkErasure out;
  std::set<std::string> seen;
  const size_t batch = std::max<size_t>(options.batch, 1);
  for (size_t begin = 0; begin < subject_ids.size(); begin += batch) {
    std::vector<Plan> plans;
    for (size_t i = begin; i < std::min(subject_ids.size(), begin + batch); ++i) {
      const std::string& id = subject_ids[i];
      if (!seen.insert(id).second) continue;  // listed twice: erased once
      auto plan = PlanFor(id);
      if (plan.ok()) {
        plans.push_back(std::move(*plan));
      } else if (plan.status().reason() == "already_erased") {
        ++out.already_erased;
      } else if (plan.status().reason() == "subject_not_found") {
        out.failed.emplace_back(i, plan.status());
      } else {
        return plan.status();  // the store failed: stop, what is written stays written
      }
    }
    if (plans.empty()) continue;
    const int64_t now = ToMicros(clock_.Now());
    TILLIT_RETURN_IF_ERROR(store_.WriteAndWait([&](store::WriteTxn& txn) -> Status {
      for (const Plan& plan : plans) {
        ErasureResult result;
        TILLIT_RETURN_IF_ERROR(Write(txn, plan, now, reason, actor, &result));
      }
      return Status::Ok();
    }));
    for (const Plan& plan : plans) {
      for (const auto& r : plan.records) {
        if (r.hold.empty()) {
          ++out.records_deleted[r.kind];
        } else {
          ++out.records_held;
        }
      }
    }
    for (const Plan& plan : plans) {
      if (decisions_ != nullptr) decisions_->SetErased(plan.subject_id);
    }
    out.erased += static_cast<int64_t>(plans.size());
    if (options.progress) options.progress(out.erased);
  }
  // One checkpoint for the whole run: every erasure above is complete once it returns.
  if (out.erased > 0) TILLIT_RETURN_IF_ERROR(store_.Checkpoint(&out.checkpoint));
  return out;
}

Result<ErasureResult> Erasure::Receipt(const std::string& subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto row, store_.FindErasure(subject_id));
  if (!row) return Status::NotFound("no erased subject with this id", "subject_not_found");
  ErasureResult out{row->subject_id, row->erased_at, json::parse(row->receipt, nullptr, false), ""};
  return out;
}

void Erasure::EraseAsync(std::string subject_id, std::string reason, Actor actor,
                         std::function<void(Result<ErasureResult>)> done, AlsoWrite also, std::optional<int64_t> at) {
  {
    MutexLock lock(mu_);
    if (!stopping_) {
      if (!worker_.joinable()) worker_ = std::thread([this] { Loop(); });
      queue_.push_back([this, subject_id = std::move(subject_id), reason = std::move(reason), actor = std::move(actor),
                        done = std::move(done),
                        also = std::move(also), at] { done(Erase(subject_id, reason, actor, also, at)); });
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
      MutexLock lock(mu_);
      while (!stopping_ && queue_.empty()) cv_.wait(mu_);
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();
  }
}

void Erasure::Stop() {
  std::thread worker;
  {
    MutexLock lock(mu_);
    stopping_ = true;
    cv_.notify_all();
    worker = std::move(worker_);
  }
  if (worker.joinable()) worker.join();
}

}  // namespace tillit::core
