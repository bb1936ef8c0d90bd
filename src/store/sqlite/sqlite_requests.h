// The SQL of rights requests, verification codes and the outbox for the SQLite backend: reads over a reader's
// connection, writes inside the writer's open transaction (called by SqliteWriteTxn).
//
// Thread safety: as the Db passed in.
#ifndef TILLIT_STORE_SQLITE_SQLITE_REQUESTS_H_
#define TILLIT_STORE_SQLITE_SQLITE_REQUESTS_H_

#include "store/sqlite/sqlite_db.h"
#include "store/store.h"

namespace tillit::store::sqlite {

Status PutRightsRequest(Db& db, const RightsRequestRow& row);
Result<std::optional<RightsRequestRow>> FindRightsRequest(Db& db, std::string_view request_id);
Result<std::vector<RightsRequestRow>> ListRightsRequests(Db& db, const RequestQuery& query);
Status InsertRequestEvent(Db& db, const RequestEventRow& row);
Result<std::vector<RequestEventRow>> ListRequestEvents(Db& db, std::string_view request_id);
Status PutVerificationCode(Db& db, const VerificationCodeRow& row);
Result<std::optional<VerificationCodeRow>> LatestVerificationCode(Db& db, std::string_view subject_id,
                                                                  std::string_view request_id);
Result<CodeCounts> CountVerificationCodes(Db& db, std::string_view subject_id,
                                          const std::vector<uint8_t>& address_hash,
                                          const std::vector<uint8_t>& ip_hash, int64_t since);
Result<int64_t> ForgetCodeAddresses(Db& db, int64_t before, size_t limit);
Result<bool> HasCodeAddressesBefore(Db& db, int64_t before);
Status PutMail(Db& db, const MailRow& row);
Status UpdateMailDelivery(Db& db, const MailRow& row);
Result<int64_t> DeleteSubjectMail(Db& db, std::string_view subject_id);
Result<std::vector<MailRow>> ListDueMail(Db& db, int64_t now, size_t limit);
Result<std::vector<MailRow>> ListSubjectMail(Db& db, std::string_view subject_id);

}  // namespace tillit::store::sqlite

#endif  // TILLIT_STORE_SQLITE_SQLITE_REQUESTS_H_
