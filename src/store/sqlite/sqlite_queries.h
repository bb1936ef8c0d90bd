// The SQL of the SQLite backend's typed operations, as free functions over a connection: reads run on a reader's
// connection, writes on the writer's inside its open transaction (SqliteWriteTxn). Statements are cached per
// connection. The key store is attached to every connection as `keystore`.
//
// Thread safety: as the Db passed in, which one thread uses at a time.
#ifndef TILLIT_STORE_SQLITE_SQLITE_QUERIES_H_
#define TILLIT_STORE_SQLITE_SQLITE_QUERIES_H_

#include <memory>

#include "store/sqlite/sqlite_db.h"
#include "store/store.h"

namespace tillit::store::sqlite {

// The WriteTxn of the writer's connection.
std::unique_ptr<WriteTxn> NewWriteTxn(Db& db);

Result<std::optional<ApiKeyRow>> FindApiKeyByHash(Db& db, const std::vector<uint8_t>& key_hash);
Result<std::vector<ApiKeyRow>> ListApiKeys(Db& db);
Result<std::optional<ConfigSnapshotRow>> FindConfigSnapshot(Db& db, std::string_view id);
Result<std::vector<ConfigSnapshotRow>> ListConfigSnapshots(Db& db);
Result<std::optional<SecretRow>> FindSecret(Db& db, std::string_view label);
Result<std::vector<SecretRow>> ListSecrets(Db& db);
Result<std::optional<SubjectRow>> FindSubject(Db& db, std::string_view subject_id);
Result<std::vector<SubjectRow>> ListSubjects(Db& db, std::optional<std::pair<int64_t, std::string>> after,
                                             size_t limit);
Result<std::optional<DataKeyRow>> FindDataKey(Db& db, std::string_view subject_id);
Result<std::vector<DataKeyRow>> ListDataKeysBelow(Db& db, uint32_t version, std::string_view after_subject_id,
                                                  size_t limit);
Result<int64_t> CountDataKeysBelow(Db& db, uint32_t version);
Result<std::optional<std::string>> FindUniqueIndex(Db& db, IndexKind kind, const std::vector<uint8_t>& value);
Result<std::vector<std::string>> FindSharedIndex(Db& db, IndexKind kind, const std::vector<uint8_t>& value);
Result<std::vector<FieldRow>> ListFields(Db& db, std::string_view subject_id);
Result<std::vector<FieldChangeRow>> ListFieldChanges(Db& db, std::string_view subject_id);
Result<std::vector<RecordRow>> ListRecords(Db& db, std::string_view subject_id, const RecordQuery& query);
Result<std::optional<RecordRow>> FindRecord(Db& db, std::string_view subject_id, std::string_view record_id);
Result<std::vector<ConsentEventRow>> ListConsentEvents(Db& db, std::string_view subject_id);
Result<std::vector<ObjectionRow>> ListObjections(Db& db, std::string_view subject_id);
Result<std::vector<RestrictionRow>> ListRestrictions(Db& db, std::string_view subject_id);
Result<std::vector<ConsentEventRow>> ScanConsentEvents(Db& db, std::string_view after_subject,
                                                       std::string_view after_id, size_t limit);
Result<std::vector<ObjectionRow>> ScanObjections(Db& db, std::string_view after_subject, std::string_view after_id,
                                                 size_t limit);
Result<std::vector<RestrictionRow>> ScanActiveRestrictions(Db& db, std::string_view after_subject,
                                                           std::string_view after_id, size_t limit);
Result<LegacyPlaintext> ListLegacyPlaintext(Db& db, size_t limit);
Result<std::vector<ProhibitionRow>> ListProhibitions(Db& db, std::string_view subject_id);
Result<std::vector<ProhibitionRow>> ScanActiveProhibitions(Db& db, std::string_view after_subject,
                                                           std::string_view after_id, size_t limit);
Result<std::vector<OptOutRegisterRow>> ListOptOutRegisters(Db& db);
Result<std::vector<OptOutMatch>> ListOptOutMatches(Db& db, std::string_view subject_id);
Result<std::vector<std::string>> FindOptOutRegisters(Db& db, IndexKind kind, const std::vector<uint8_t>& value);
Result<std::vector<std::pair<std::string, std::vector<uint8_t>>>> ScanSharedIndex(
    Db& db, IndexKind kind, std::string_view subject_id, const std::vector<uint8_t>& after_value,
    std::string_view after_subject, size_t limit);
Result<std::vector<VisitorConsentRow>> ListVisitorConsents(Db& db, std::string_view visitor_id);
Result<std::vector<VisitorLinkRow>> ListVisitorLinks(Db& db, std::string_view visitor_id);
Result<std::vector<std::string>> ListVisitorIds(Db& db, std::string_view after, size_t limit);
Result<std::optional<ReportRow>> FindReportByToken(Db& db, const std::vector<uint8_t>& token_hash);
Result<std::vector<ReportRow>> ListReports(Db& db, std::string_view subject_id);
Result<std::vector<AuditRow>> ReadAudit(Db& db, int64_t after_seq, size_t limit);
Result<std::vector<AuditRow>> ReadSubjectAudit(Db& db, std::string_view subject_id, int64_t after_seq, size_t limit);
Result<std::optional<AuditCheckpointRow>> FindAuditCheckpoint(Db& db);
Result<std::optional<AuditCheckpointRow>> FindKeyStoreAuditHead(Db& db);
Result<AuditCheckpointRow> AuditTail(Db& db);
Result<std::vector<std::pair<int64_t, std::string>>> ReadDecisionChanges(Db& db, int64_t after_seq, size_t limit);
Result<int64_t> LastDecisionChange(Db& db);
Result<std::optional<ErasureRow>> FindErasure(Db& db, std::string_view subject_id);
Result<std::vector<SubjectRow>> ListExpiredSubjects(Db& db, int64_t now, size_t limit);
Result<std::vector<RecordRow>> ListExpiredRecords(Db& db, int64_t now, size_t limit);
Result<std::optional<int64_t>> AgreementEnd(Db& db, std::string_view subject_id);
Result<int> SchemaVersion(Db& db);

// Disclosures and the webhook outbox (sqlite_outbox_queries.cc).
Status InsertDisclosure(Db& db, const DisclosureRow& row);
Status DeleteDisclosures(Db& db, std::string_view subject_id, int64_t* deleted);
Result<std::vector<DisclosureRow>> ListDisclosures(Db& db, std::string_view subject_id);
Status InsertWebhookDelivery(Db& db, const WebhookDeliveryRow& row);
Status UpdateWebhookDelivery(Db& db, const WebhookDeliveryRow& row);
Result<std::vector<WebhookDeliveryRow>> DueWebhookDeliveries(Db& db, int64_t now, size_t limit);
Result<std::vector<WebhookDeliveryRow>> ListWebhookDeliveries(Db& db, std::string_view status, size_t limit);
Result<std::optional<WebhookDeliveryRow>> FindWebhookDelivery(Db& db, std::string_view delivery_id);

}  // namespace tillit::store::sqlite

#endif  // TILLIT_STORE_SQLITE_SQLITE_QUERIES_H_
