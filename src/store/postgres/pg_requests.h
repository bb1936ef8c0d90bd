// The SQL of rights requests, verification codes and the outbox for the PostgreSQL backend: reads on a reader's
// connection, writes inside the writer's open transaction (called by PgWriteTxn).
//
// Thread safety: as the Conn passed in.
#ifndef TILLIT_STORE_POSTGRES_PG_REQUESTS_H_
#define TILLIT_STORE_POSTGRES_PG_REQUESTS_H_

#include "store/postgres/pg_conn.h"
#include "store/store.h"

namespace tillit::store::pg {

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

}  // namespace tillit::store::pg

#endif  // TILLIT_STORE_POSTGRES_PG_REQUESTS_H_
