#include "core/install/migrate.h"

#include <nlohmann/json.hpp>

#include "core/audit/audit.h"
#include "core/install/data_dir.h"
#include "core/register/register.h"
#include "crypto/sealing.h"

namespace tillit::core {
namespace {

// Everything of one subject, read from the source.
struct SubjectCopy {
  store::SubjectRow subject;
  std::optional<store::DataKeyRow> key;
  std::vector<store::FieldRow> fields;
  std::vector<store::FieldChangeRow> changes;
  std::vector<store::RecordRow> records;
  std::vector<store::ConsentEventRow> consents;
  std::vector<store::ObjectionRow> objections;
  std::vector<store::RestrictionRow> restrictions;
  std::vector<store::DisclosureRow> disclosures;
  std::vector<std::pair<const IdentifierSpec*, std::vector<uint8_t>>> indexes;
  // Indexes derived from the phone and address (postal address, country), copied as they are: same index key.
  std::vector<std::pair<store::IndexKind, std::vector<uint8_t>>> derived;
  std::vector<store::ProhibitionRow> prohibitions;
  std::optional<store::ErasureRow> erasure;
  std::vector<std::vector<uint8_t>> suppressions;  // cannot be recomputed: the address is gone
};

Result<SubjectCopy> ReadSubject(store::Store& from, const OpenDataDir& dir, const store::SubjectRow& subject) {
  SubjectCopy copy;
  copy.subject = subject;
  const std::string& id = subject.id;
  TILLIT_ASSIGN_OR_RETURN(copy.key, from.FindDataKey(id));
  TILLIT_ASSIGN_OR_RETURN(copy.fields, from.ListFields(id));
  TILLIT_ASSIGN_OR_RETURN(copy.changes, from.ListFieldChanges(id));
  TILLIT_ASSIGN_OR_RETURN(copy.consents, from.ListConsentEvents(id));
  TILLIT_ASSIGN_OR_RETURN(copy.objections, from.ListObjections(id));
  TILLIT_ASSIGN_OR_RETURN(copy.restrictions, from.ListRestrictions(id));
  TILLIT_ASSIGN_OR_RETURN(copy.prohibitions, from.ListProhibitions(id));
  for (auto kind : {store::IndexKind::kPostalAddress, store::IndexKind::kCountry}) {
    TILLIT_ASSIGN_OR_RETURN(auto values, from.ScanSharedIndex(kind, id, {}, "", 16));
    for (auto& [owner, value] : values) copy.derived.emplace_back(kind, std::move(value));
  }
  TILLIT_ASSIGN_OR_RETURN(copy.disclosures, from.ListDisclosures(id));
  if (subject.erased_at) {
    TILLIT_ASSIGN_OR_RETURN(copy.erasure, from.FindErasure(id));
    TILLIT_ASSIGN_OR_RETURN(copy.suppressions, from.ListSuppressions(id));
  }
  store::RecordQuery query;
  query.limit = 1000;
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto page, from.ListRecords(id, query));
    copy.records.insert(copy.records.end(), page.begin(), page.end());
    if (page.size() < query.limit) break;
    query.before_occurred_at = page.back().occurred_at;
    query.before_record_id = page.back().record_id;
  }
  // The blind indexes are not copied but recomputed from the identifiers, under the same (copied) index key.
  if (copy.key && !subject.erased_at) {
    TILLIT_ASSIGN_OR_RETURN(crypto::SecretKey key, dir.keyring->Unwrap(id, crypto::KeyKind::kData,
                                                                       {copy.key->kek_version, copy.key->wrapped}));
    for (const auto& field : copy.fields) {
      const IdentifierSpec* spec = nullptr;
      for (const auto& s : Identifiers()) {
        if (s.category == field.field) spec = &s;
      }
      if (spec == nullptr) continue;
      TILLIT_ASSIGN_OR_RETURN(std::string plain, crypto::Open(key, crypto::SealAad(id, field.field), field.sealed));
      nlohmann::json value = nlohmann::json::parse(plain, nullptr, false);
      if (!value.is_string()) return Status::Internal("a stored identifier is not a string");
      copy.indexes.emplace_back(
          spec, dir.indexer->Index(static_cast<crypto::IndexKind>(spec->index), value.get<std::string>()));
    }
  }
  return copy;
}

Status WriteSubject(store::WriteTxn& txn, const SubjectCopy& c) {
  TILLIT_RETURN_IF_ERROR(txn.InsertSubject(c.subject));
  if (c.key) TILLIT_RETURN_IF_ERROR(txn.InsertDataKey(*c.key));
  for (const auto& [spec, value] : c.indexes) {
    if (spec->unique) {
      TILLIT_RETURN_IF_ERROR(txn.ClaimUniqueIndex(spec->index, value, c.subject.id));
    } else {
      TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(spec->index, value, c.subject.id));
    }
  }
  for (const auto& f : c.fields) TILLIT_RETURN_IF_ERROR(txn.PutField(f));
  for (const auto& ch : c.changes) TILLIT_RETURN_IF_ERROR(txn.InsertFieldChange(ch));
  for (const auto& r : c.records) TILLIT_RETURN_IF_ERROR(txn.InsertRecord(r));
  for (const auto& e : c.consents) TILLIT_RETURN_IF_ERROR(txn.InsertConsentEvent(e));
  for (const auto& o : c.objections) TILLIT_RETURN_IF_ERROR(txn.InsertObjection(o));
  for (const auto& r : c.restrictions) TILLIT_RETURN_IF_ERROR(txn.InsertRestriction(r));
  for (const auto& p : c.prohibitions) TILLIT_RETURN_IF_ERROR(txn.InsertProhibition(p));
  for (const auto& [kind, value] : c.derived) TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(kind, value, c.subject.id));
  for (const auto& d : c.disclosures) TILLIT_RETURN_IF_ERROR(txn.InsertDisclosure(d));
  if (c.erasure) TILLIT_RETURN_IF_ERROR(txn.InsertErasure(*c.erasure));
  for (const auto& value : c.suppressions) {
    TILLIT_RETURN_IF_ERROR(txn.AddSharedIndex(store::IndexKind::kSuppression, value, c.subject.id));
  }
  if (c.subject.expires_at || c.subject.active_at) {
    TILLIT_RETURN_IF_ERROR(txn.SetSubjectRetention(c.subject.id, c.subject.expires_at, c.subject.active_at));
  }
  return Status::Ok();
}

Result<int64_t> CountSubjects(store::Store& s) {
  int64_t n = 0;
  std::optional<std::pair<int64_t, std::string>> after;
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto page, s.ListSubjects(after, 5000));
    n += static_cast<int64_t>(page.size());
    if (page.size() < 5000) return n;
    after = std::make_pair(page.back().created_at, page.back().id);
  }
}

}  // namespace

Result<MigrateReport> MigrateStore(const MigrateOptions& options, Clock& clock, Random& random) {
  if (options.from_url == options.to_url) {
    return Status::InvalidArgument("the source and the target are the same store", "same_store");
  }
  TILLIT_ASSIGN_OR_RETURN(OpenDataDir source, Open(options.data_dir, clock, random, options.from_url));
  store::Store& from = *source.store;
  store::StoreOptions target_options;
  target_options.data_dir = options.data_dir;
  target_options.url = options.to_url;
  target_options.create_if_missing = true;
  TILLIT_ASSIGN_OR_RETURN(auto to, store::Store::Open(target_options));
  auto close_both = [&] {
    to->Close();
    from.Close();
  };
  {
    TILLIT_ASSIGN_OR_RETURN(auto any_subject, to->ListSubjects(std::nullopt, 1));
    TILLIT_ASSIGN_OR_RETURN(auto any_audit, to->ReadAudit(0, 1));
    TILLIT_ASSIGN_OR_RETURN(auto any_secret, to->ListSecrets());
    if (!any_subject.empty() || !any_audit.empty() || !any_secret.empty()) {
      close_both();
      return Status::FailedPrecondition("the target store is not empty; migrate into a new, empty database",
                                        "target_not_empty");
    }
  }
  MigrateReport report;
  // Installation-wide data first: secrets, configuration snapshots, API keys.
  TILLIT_ASSIGN_OR_RETURN(auto secrets, from.ListSecrets());
  TILLIT_ASSIGN_OR_RETURN(auto snapshot_ids, from.ListConfigSnapshots());
  std::vector<store::ConfigSnapshotRow> snapshots;
  for (const auto& s : snapshot_ids) {
    TILLIT_ASSIGN_OR_RETURN(auto full, from.FindConfigSnapshot(s.id));
    if (full) snapshots.push_back(std::move(*full));
  }
  TILLIT_ASSIGN_OR_RETURN(auto keys, from.ListApiKeys());
  report.api_keys = static_cast<int64_t>(keys.size());
  TILLIT_RETURN_IF_ERROR(to->WriteAndWait([&](store::WriteTxn& txn) -> Status {
    for (const auto& s : secrets) TILLIT_RETURN_IF_ERROR(txn.InsertSecret(s));
    for (const auto& s : snapshots) TILLIT_RETURN_IF_ERROR(txn.PutConfigSnapshot(s, nullptr));
    for (const auto& k : keys) TILLIT_RETURN_IF_ERROR(txn.InsertApiKey(k));
    return Status::Ok();
  }));

  // Subjects in batches, each batch one commit.
  TILLIT_ASSIGN_OR_RETURN(const int64_t total, CountSubjects(from));
  if (options.progress) options.progress(0, total);
  std::optional<std::pair<int64_t, std::string>> after;
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto page, from.ListSubjects(after, std::max<size_t>(1, options.batch)));
    if (page.empty()) break;
    std::vector<SubjectCopy> copies;
    for (const auto& subject : page) {
      TILLIT_ASSIGN_OR_RETURN(SubjectCopy copy, ReadSubject(from, source, subject));
      report.records += static_cast<int64_t>(copy.records.size());
      report.consent_events += static_cast<int64_t>(copy.consents.size());
      copies.push_back(std::move(copy));
    }
    TILLIT_RETURN_IF_ERROR(to->WriteAndWait([&copies](store::WriteTxn& txn) -> Status {
      for (const auto& c : copies) TILLIT_RETURN_IF_ERROR(WriteSubject(txn, c));
      return Status::Ok();
    }));
    report.subjects += static_cast<int64_t>(page.size());
    if (options.progress) options.progress(report.subjects, total);
    if (page.size() < std::max<size_t>(1, options.batch)) break;
    after = std::make_pair(page.back().created_at, page.back().id);
  }

  // The cookie banner's visitor choices and their links to subjects.
  std::string after_visitor;
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto visitors, from.ListVisitorIds(after_visitor, 500));
    if (visitors.empty()) break;
    std::vector<store::VisitorConsentRow> choices;
    std::vector<store::VisitorLinkRow> links;
    for (const auto& v : visitors) {
      TILLIT_ASSIGN_OR_RETURN(auto c, from.ListVisitorConsents(v));
      TILLIT_ASSIGN_OR_RETURN(auto l, from.ListVisitorLinks(v));
      choices.insert(choices.end(), c.begin(), c.end());
      links.insert(links.end(), l.begin(), l.end());
    }
    report.visitor_choices += static_cast<int64_t>(choices.size());
    TILLIT_RETURN_IF_ERROR(to->WriteAndWait([&](store::WriteTxn& txn) -> Status {
      for (const auto& c : choices) TILLIT_RETURN_IF_ERROR(txn.InsertVisitorConsent(c));
      for (const auto& l : links) TILLIT_RETURN_IF_ERROR(txn.LinkVisitor(l));
      return Status::Ok();
    }));
    after_visitor = visitors.back();
  }

  // The audit chain, entry by entry in order with its hashes, then its signed heads (data database and key store).
  int64_t seq = 0;
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto entries, from.ReadAudit(seq, 2000));
    if (entries.empty()) break;
    TILLIT_RETURN_IF_ERROR(to->WriteAndWait([&entries](store::WriteTxn& txn) -> Status {
      for (const auto& e : entries) TILLIT_RETURN_IF_ERROR(txn.AppendAudit(e));
      return Status::Ok();
    }));
    seq = entries.back().seq;
    report.audit_entries += static_cast<int64_t>(entries.size());
  }
  TILLIT_ASSIGN_OR_RETURN(auto head, from.FindAuditCheckpoint());
  TILLIT_ASSIGN_OR_RETURN(auto kept, from.FindKeyStoreAuditHead());
  if (head || kept) {
    TILLIT_RETURN_IF_ERROR(to->WriteAndWait([&head, &kept](store::WriteTxn& txn) -> Status {
      if (head) TILLIT_RETURN_IF_ERROR(txn.PutAuditCheckpoint(*head));
      if (kept) TILLIT_RETURN_IF_ERROR(txn.PutKeyStoreAuditHead(*kept));
      return Status::Ok();
    }));
  }

  // Verify: the same number of subjects, and an intact chain under the installation's own signing key.
  TILLIT_ASSIGN_OR_RETURN(const int64_t copied, CountSubjects(*to));
  TILLIT_ASSIGN_OR_RETURN(AuditVerification chain, VerifyAudit(*to, *source.audit_signer));
  close_both();
  if (copied != total || !chain.ok || chain.entries != report.audit_entries) {
    return Status::Internal("the copy does not match the source: " + std::to_string(copied) + " of " +
                                std::to_string(total) +
                                " subjects; audit chain: " + (chain.ok ? "intact" : chain.problem),
                            "migration_mismatch");
  }
  return report;
}

}  // namespace tillit::core
