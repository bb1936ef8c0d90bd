#include "core/disclosure/disclosures.h"

#include <algorithm>
#include <map>
#include <set>

#include "crypto/sealing.h"

namespace tillit::core {
namespace {

constexpr size_t kMaxReference = 256;
// A disclosure may be logged with a clock a little ahead of ours, not more.
constexpr int64_t kFutureSlackMicros = int64_t{5} * 60 * 1000000;

std::string ReferenceAad(std::string_view subject_id, std::string_view disclosure_id) {
  return crypto::SealAad(subject_id, std::string(disclosure_id) + "#ref");
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

bool Contains(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

}  // namespace

Result<std::vector<RecipientDisclosures>> DisclosedTo(store::Store& store, std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto rows, store.ListDisclosures(subject_id));
  std::map<std::string, RecipientDisclosures> by_recipient;
  std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> sets;
  for (const auto& row : rows) {
    RecipientDisclosures& r = by_recipient[row.recipient];
    auto& [categories, purposes] = sets[row.recipient];
    if (r.count == 0) {
      r.recipient = row.recipient;
      r.first_at = row.at;
    }
    r.first_at = std::min(r.first_at, row.at);
    r.last_at = std::max(r.last_at, row.at);
    ++r.count;
    categories.insert(row.categories.begin(), row.categories.end());
    purposes.insert(row.purpose);
  }
  std::vector<RecipientDisclosures> out;
  for (auto& [id, r] : by_recipient) {
    r.categories.assign(sets[id].first.begin(), sets[id].first.end());
    r.purposes.assign(sets[id].second.begin(), sets[id].second.end());
    out.push_back(std::move(r));
  }
  return out;
}

Status EraseDisclosures(store::WriteTxn& txn, std::string_view subject_id, int64_t* deleted) {
  return txn.DeleteDisclosures(subject_id, deleted);
}

Disclosures::Disclosures(std::shared_ptr<const config::Config> config, store::Store& store,
                         const crypto::Keyring& keyring, Clock& clock, Random& random)
    : config_(std::move(config)), store_(store), keyring_(keyring), clock_(clock), random_(random) {}

Result<crypto::SecretKey> Disclosures::DataKeyOf(std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto row, store_.FindDataKey(subject_id));
  if (!row) return Status::FailedPrecondition("the subject's data key is gone: it was erased", "subject_erased");
  return keyring_.Unwrap(subject_id, crypto::KeyKind::kData, crypto::WrappedKey{row->kek_version, row->wrapped});
}

Status Disclosures::CheckSubject(std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto subject, store_.FindSubject(subject_id));
  if (!subject) return Status::NotFound("no subject with this id", "subject_not_found");
  if (subject->erased_at) {
    return Status::FailedPrecondition("the subject was erased; nothing of theirs can be disclosed", "subject_erased");
  }
  return Status::Ok();
}

void Disclosures::Record(std::string subject_id, DisclosureInput input, Actor actor, Done<DisclosureView> done) {
  if (input.recipient.empty()) {
    return done(
        Status::InvalidArgument("recipient (a recipient id of the configuration) is required", "recipient_required"));
  }
  if (input.categories.empty()) {
    return done(
        Status::InvalidArgument("categories (the categories of data handed over) are required", "categories_required"));
  }
  if (input.purpose.empty()) return done(Status::InvalidArgument("purpose is required", "purpose_required"));
  if (input.reference.size() > kMaxReference) {
    return done(Status::InvalidArgument("reference is longer than 256 characters", "reference_too_long"));
  }
  const int64_t now = ToMicros(clock_.Now());
  if (input.at && *input.at > now + kFutureSlackMicros) {
    return done(
        Status::InvalidArgument("at lies in the future; log a disclosure when it has happened", "invalid_time"));
  }
  if (Status s = CheckSubject(subject_id); !s.ok()) return done(s);
  // The rules: only what the configuration (and so the published policy) declares may be handed over.
  const config::Recipient* recipient = config_->FindRecipient(input.recipient);
  if (recipient == nullptr) {
    return done(Status::FailedPrecondition(
        "'" + input.recipient + "' is not a recipient of this configuration; declare it as a [[recipient]] first",
        "unknown_recipient"));
  }
  std::sort(input.categories.begin(), input.categories.end());
  input.categories.erase(std::unique(input.categories.begin(), input.categories.end()), input.categories.end());
  for (const auto& c : input.categories) {
    if (!Contains(recipient->categories, c)) {
      return done(Status::FailedPrecondition("category '" + c + "' is not declared for recipient '" + recipient->id +
                                                 "'; it receives " + Joined(recipient->categories),
                                             "category_not_declared_for_recipient"));
    }
  }
  if (config_->FindPurpose(input.purpose) == nullptr) {
    return done(Status::FailedPrecondition(config_->UnknownPurpose(input.purpose).message(), "unknown_purpose"));
  }
  if (!recipient->purposes.empty() && !Contains(recipient->purposes, input.purpose)) {
    return done(Status::FailedPrecondition("recipient '" + recipient->id + "' is declared for " +
                                               Joined(recipient->purposes) + ", not for '" + input.purpose + "'",
                                           "purpose_not_declared_for_recipient"));
  }

  auto row = std::make_shared<store::DisclosureRow>();
  row->subject_id = std::move(subject_id);
  row->disclosure_id = random_.NewId("dis_");
  row->recipient = recipient->id;
  row->categories = input.categories;
  row->purpose = input.purpose;
  row->at = input.at.value_or(now);
  row->recorded_at = now;
  row->actor = actor.name;
  if (!input.reference.empty()) {
    auto key = DataKeyOf(row->subject_id);
    if (!key.ok()) return done(key.status());
    row->reference = crypto::Seal(*key, ReferenceAad(row->subject_id, row->disclosure_id), input.reference, random_);
  }
  DisclosureView view{row->disclosure_id,
                      row->recipient,
                      row->categories,
                      row->purpose,
                      input.reference.empty() ? std::nullopt : std::optional<std::string>(input.reference),
                      row->at,
                      row->recorded_at,
                      row->actor};
  AuditEvent event{
      std::move(actor), row->purpose, "disclosure.record", row->subject_id,
      "disclosure=" + row->disclosure_id + " recipient=" + row->recipient + " categories=" + Joined(row->categories)};
  store_.Write(
      [row, event = std::move(event), now](store::WriteTxn& txn) -> Status {
        TILLIT_RETURN_IF_ERROR(txn.InsertDisclosure(*row));
        return AppendAudit(txn, event, now);
      },
      [view = std::move(view), done = std::move(done)](const Status& s) {
        if (!s.ok()) return done(s);
        done(view);
      });
}

void Disclosures::List(std::string subject_id, Actor actor, std::string purpose,
                       Done<std::vector<DisclosureView>> done) {
  if (Status s = CheckSubject(subject_id); !s.ok()) return done(s);
  auto rows = store_.ListDisclosures(subject_id);
  if (!rows.ok()) return done(rows.status());
  std::optional<crypto::SecretKey> key;
  auto views = std::make_shared<std::vector<DisclosureView>>();
  for (const auto& row : *rows) {
    DisclosureView v{row.disclosure_id, row.recipient, row.categories,  row.purpose,
                     std::nullopt,      row.at,        row.recorded_at, row.actor};
    if (!row.reference.empty()) {
      if (!key) {
        auto k = DataKeyOf(subject_id);
        if (!k.ok()) return done(k.status());
        key = std::move(*k);
      }
      auto plain = crypto::Open(*key, ReferenceAad(subject_id, row.disclosure_id), row.reference);
      if (!plain.ok()) return done(plain.status());
      v.reference = std::move(*plain);
    }
    views->push_back(std::move(v));
  }
  const int64_t now = ToMicros(clock_.Now());
  AuditEvent event{std::move(actor), std::move(purpose), "disclosure.read", subject_id,
                   "disclosures=" + std::to_string(views->size())};
  store_.Write([event = std::move(event), now](store::WriteTxn& txn) { return AppendAudit(txn, event, now); },
               [views, done = std::move(done)](const Status& s) {
                 if (!s.ok()) return done(s);
                 done(std::move(*views));
               });
}

}  // namespace tillit::core
