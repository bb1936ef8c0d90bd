// Every typed operation of the store, written once over the connection interface (store/sql/conn.h) for both
// backends: reads as free functions, run on a reader's connection; writes through the WriteTxn of the writer's
// connection, inside its open transaction. The SQL is shared; where the dialects differ, conn.h's braced words or a
// branch on Conn::postgres() say so. The key store is the schema (PostgreSQL) or attached database (SQLite)
// `keystore`.
//
// Writes that may meet an existing row use ON CONFLICT DO NOTHING and report Conflict from the row count, so an
// expected conflict does not put a PostgreSQL transaction into the failed state: the write that met it may go on.
//
// Thread safety: as the Conn passed in, which one thread uses at a time.
#ifndef TILLIT_STORE_SQL_QUERIES_H_
#define TILLIT_STORE_SQL_QUERIES_H_

#include <functional>
#include <memory>

#include "store/sql/conn.h"
#include "store/store.h"

namespace tillit::store::sql {

// The WriteTxn of the writer's connection. REQUIRES: a transaction is open on `conn` while it is used.
std::unique_ptr<WriteTxn> NewWriteTxn(Conn& conn);

Result<std::optional<ApiKeyRow>> FindApiKeyByHash(Conn& conn, const std::vector<uint8_t>& key_hash);
Result<std::vector<ApiKeyRow>> ListApiKeys(Conn& conn);
Result<std::optional<ConfigSnapshotRow>> FindConfigSnapshot(Conn& conn, std::string_view id);
Result<std::vector<ConfigSnapshotRow>> ListConfigSnapshots(Conn& conn);
Result<std::optional<SecretRow>> FindSecret(Conn& conn, std::string_view label);
Result<std::vector<SecretRow>> ListSecrets(Conn& conn);
Result<std::optional<SubjectRow>> FindSubject(Conn& conn, std::string_view subject_id);
Result<std::vector<SubjectRow>> ListSubjects(Conn& conn, std::optional<std::pair<int64_t, std::string>> after,
                                             size_t limit);
Result<std::optional<DataKeyRow>> FindDataKey(Conn& conn, std::string_view subject_id);
Result<std::vector<DataKeyRow>> ListDataKeysBelow(Conn& conn, uint32_t version, std::string_view after_subject_id,
                                                  size_t limit);
Result<int64_t> CountDataKeysBelow(Conn& conn, uint32_t version);
Result<std::optional<std::string>> FindUniqueIndex(Conn& conn, IndexKind kind, const std::vector<uint8_t>& value);
Result<std::vector<std::string>> FindSharedIndex(Conn& conn, IndexKind kind, const std::vector<uint8_t>& value);
Result<std::vector<FieldRow>> ListFields(Conn& conn, std::string_view subject_id);
Result<std::vector<FieldChangeRow>> ListFieldChanges(Conn& conn, std::string_view subject_id);
Result<std::vector<RecordRow>> ListRecords(Conn& conn, std::string_view subject_id, const RecordQuery& query);
Result<std::optional<RecordRow>> FindRecord(Conn& conn, std::string_view subject_id, std::string_view record_id);
Result<std::vector<ConsentEventRow>> ListConsentEvents(Conn& conn, std::string_view subject_id);
Result<std::vector<ObjectionRow>> ListObjections(Conn& conn, std::string_view subject_id);
Result<std::vector<RestrictionRow>> ListRestrictions(Conn& conn, std::string_view subject_id);
Result<std::vector<ConsentEventRow>> ScanConsentEvents(Conn& conn, std::string_view after_subject,
                                                       std::string_view after_id, size_t limit);
Result<std::vector<ObjectionRow>> ScanObjections(Conn& conn, std::string_view after_subject, std::string_view after_id,
                                                 size_t limit);
Result<LegacyPlaintext> ListLegacyPlaintext(Conn& conn, size_t limit);
Result<std::vector<ProhibitionRow>> ListProhibitions(Conn& conn, std::string_view subject_id);
Result<std::vector<ProhibitionRow>> ScanActiveProhibitions(Conn& conn, std::string_view after_subject,
                                                           std::string_view after_id, size_t limit);
Result<std::vector<OptOutRegisterRow>> ListOptOutRegisters(Conn& conn);
Result<std::vector<OptOutMatch>> ListOptOutMatches(Conn& conn, std::string_view subject_id);
Result<std::vector<std::string>> FindOptOutRegisters(Conn& conn, IndexKind kind, const std::vector<uint8_t>& value);
Result<std::vector<std::pair<std::string, std::vector<uint8_t>>>> ScanSharedIndex(
    Conn& conn, IndexKind kind, std::string_view subject_id, const std::vector<uint8_t>& after_value,
    std::string_view after_subject, size_t limit);
Result<std::vector<RestrictionRow>> ScanActiveRestrictions(Conn& conn, std::string_view after_subject,
                                                           std::string_view after_id, size_t limit);
Result<std::vector<VisitorConsentRow>> ListVisitorConsents(Conn& conn, std::string_view visitor_id);
Result<std::vector<VisitorLinkRow>> ListVisitorLinks(Conn& conn, std::string_view visitor_id);
Result<std::vector<std::string>> ListVisitorIds(Conn& conn, std::string_view after, size_t limit);
Result<std::optional<ReportRow>> FindReportByToken(Conn& conn, const std::vector<uint8_t>& token_hash);
Result<std::vector<ReportRow>> ListReports(Conn& conn, std::string_view subject_id);
Result<std::vector<AuditRow>> ReadAudit(Conn& conn, int64_t after_seq, size_t limit);
Result<std::vector<AuditRow>> ReadSubjectAudit(Conn& conn, std::string_view subject_id, int64_t after_seq,
                                               size_t limit);
Result<std::optional<AuditCheckpointRow>> FindAuditCheckpoint(Conn& conn);
Result<std::optional<AuditCheckpointRow>> FindKeyStoreAuditHead(Conn& conn);
Result<AuditCheckpointRow> AuditTail(Conn& conn);
Result<std::vector<std::pair<int64_t, std::string>>> ReadDecisionChanges(Conn& conn, int64_t after_seq, size_t limit);
Result<int64_t> LastDecisionChange(Conn& conn);
Result<std::optional<ErasureRow>> FindErasure(Conn& conn, std::string_view subject_id);
Result<std::vector<SubjectRow>> ListExpiredSubjects(Conn& conn, int64_t now, size_t limit);
Result<std::vector<RecordRow>> ListExpiredRecords(Conn& conn, int64_t now, size_t limit);
Result<std::optional<int64_t>> AgreementEnd(Conn& conn, std::string_view subject_id);
Result<std::vector<std::vector<uint8_t>>> ListSuppressions(Conn& conn, std::string_view subject_id);
Result<OperationsCounts> CountOperations(Conn& conn, int64_t now);
Result<int> SchemaVersion(Conn& conn);

// Disclosures and the webhook outbox (outbox_queries.cc).
Status InsertDisclosure(Conn& conn, const DisclosureRow& row);
Status DeleteDisclosures(Conn& conn, std::string_view subject_id, int64_t* deleted);
Result<std::vector<DisclosureRow>> ListDisclosures(Conn& conn, std::string_view subject_id);
Status InsertWebhookDelivery(Conn& conn, const WebhookDeliveryRow& row);
Status UpdateWebhookDelivery(Conn& conn, const WebhookDeliveryRow& row);
Result<std::vector<WebhookDeliveryRow>> DueWebhookDeliveries(Conn& conn, int64_t now, size_t limit);
Result<std::vector<WebhookDeliveryRow>> ListWebhookDeliveries(Conn& conn, std::string_view status, size_t limit);
Result<std::optional<WebhookDeliveryRow>> FindWebhookDelivery(Conn& conn, std::string_view delivery_id);


// Rights requests, verification codes and the mail outbox (requests.cc).
Status PutRightsRequest(Conn& conn, const RightsRequestRow& row);
Result<std::optional<RightsRequestRow>> FindRightsRequest(Conn& conn, std::string_view request_id);
Result<std::vector<RightsRequestRow>> ListRightsRequests(Conn& conn, const RequestQuery& query);
Status InsertRequestEvent(Conn& conn, const RequestEventRow& row);
Result<std::vector<RequestEventRow>> ListRequestEvents(Conn& conn, std::string_view request_id);
Status PutVerificationCode(Conn& conn, const VerificationCodeRow& row);
Result<std::optional<VerificationCodeRow>> LatestVerificationCode(Conn& conn, std::string_view subject_id,
                                                                  std::string_view request_id);
Result<CodeCounts> CountVerificationCodes(Conn& conn, std::string_view subject_id,
                                          const std::vector<uint8_t>& address_hash,
                                          const std::vector<uint8_t>& ip_hash, int64_t since);
Result<int64_t> ForgetCodeAddresses(Conn& conn, int64_t before, size_t limit);
Result<bool> HasCodeAddressesBefore(Conn& conn, int64_t before);
Status PutMail(Conn& conn, const MailRow& row);
Status UpdateMailDelivery(Conn& conn, const MailRow& row);
Result<int64_t> DeleteSubjectMail(Conn& conn, std::string_view subject_id);
Result<std::vector<MailRow>> ListDueMail(Conn& conn, int64_t now, size_t limit);
Result<std::vector<MailRow>> ListSubjectMail(Conn& conn, std::string_view subject_id);

}  // namespace tillit::store::sql

#endif  // TILLIT_STORE_SQL_QUERIES_H_
