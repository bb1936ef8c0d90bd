#include "core/rights/downloads.h"

#include <sodium.h>

#include <algorithm>

#include "crypto/hashing.h"
#include "crypto/sealing.h"
#include "util/hex.h"

namespace tillit::core {
namespace {

Result<crypto::SecretKey> DataKeyOf(store::Store& store, const crypto::Keyring& keyring, std::string_view subject_id,
                                    const Status& missing) {
  TILLIT_ASSIGN_OR_RETURN(auto row, store.FindDataKey(subject_id));
  if (!row) return missing;
  return keyring.Unwrap(subject_id, crypto::KeyKind::kData, crypto::WrappedKey{row->kek_version, row->wrapped});
}

std::string AadOf(std::string_view report_id) { return "report:" + std::string(report_id); }

}  // namespace

Downloads::Downloads(std::shared_ptr<const config::Config> config, store::Store& store,
                     const crypto::Keyring& keyring, Clock& clock, Random& random)
    : config_(std::move(config)), store_(store), keyring_(keyring), clock_(clock), random_(random) {}

DownloadTicket Downloads::NewTicket() {
  const TimePoint now = clock_.Now();
  DownloadTicket t;
  t.report_id = random_.NewId("rpt_");
  uint8_t secret[32];
  random_.Fill(secret);
  t.token = "rpt_" + HexEncode(secret);
  sodium_memzero(secret, sizeof secret);
  t.created_at = ToMicros(now);
  t.expires_at = ToMicros(config::AddDuration(now, config_->rights.report_validity));
  return t;
}

void Downloads::Put(const DownloadTicket& ticket, std::string subject_id, std::string_view kind, std::string language,
                    const std::string& content, Actor actor, Done<DownloadTicket> done) {
  auto key = DataKeyOf(store_, keyring_, subject_id, Status::NotFound("no subject with this id", "subject_not_found"));
  if (!key.ok()) return done(key.status());
  store::ReportRow row;
  row.subject_id = subject_id;
  row.report_id = ticket.report_id;
  row.token_hash = crypto::Hash256(ticket.token);
  row.language = language;
  row.sealed = crypto::Seal(*key, crypto::SealAad(subject_id, AadOf(ticket.report_id)), content, random_);
  row.created_at = ticket.created_at;
  row.expires_at = ticket.expires_at;
  row.kind = std::string(kind);
  AuditEvent event{std::move(actor), std::string(config::kRightsFulfilment), "report.create", subject_id,
                   "report=" + ticket.report_id + " kind=" + row.kind + " language=" + language};
  store_.Write(
      [row = std::move(row), event](store::WriteTxn& txn) -> Status {
        TILLIT_RETURN_IF_ERROR(txn.InsertReport(row));
        return AppendAudit(txn, event, row.created_at);
      },
      [ticket, done = std::move(done)](const Status& s) {
        if (!s.ok()) return done(s);
        done(ticket);
      });
}

void Downloads::Fetch(std::string token, Actor actor, Done<Download> done) {
  const Status not_found = Status::NotFound("no download has this link, or it was revoked", "report_not_found");
  auto row = store_.FindReportByToken(crypto::Hash256(token));
  if (!row.ok()) return done(row.status());
  if (!*row) return done(not_found);
  const store::ReportRow& r = **row;
  const int64_t now = ToMicros(clock_.Now());
  if (now >= r.expires_at) {
    return done(Status::Gone(
        "this download was available until " + FormatRfc3339(FromMicros(r.expires_at)) + "; ask for a new one",
        "report_expired"));
  }
  auto subject = store_.FindSubject(r.subject_id);
  if (!subject.ok()) return done(subject.status());
  if (!*subject || (*subject)->erased_at) return done(not_found);
  auto key = DataKeyOf(store_, keyring_, r.subject_id, not_found);
  if (!key.ok()) return done(key.status());
  auto plain = crypto::Open(*key, crypto::SealAad(r.subject_id, AadOf(r.report_id)), r.sealed);
  if (!plain.ok()) return done(plain.status());
  auto out = std::make_shared<Download>(
      Download{r.report_id, r.subject_id, r.kind, r.language, r.expires_at, std::move(*plain)});
  AuditEvent event{std::move(actor), std::string(config::kRightsFulfilment), "report.read", r.subject_id,
                   "report=" + r.report_id + " kind=" + r.kind};
  store_.Write([event, now](store::WriteTxn& txn) { return AppendAudit(txn, event, now); },
               [out, done = std::move(done)](const Status& s) {
                 if (!s.ok()) return done(s);
                 done(std::move(*out));
               });
}

void Downloads::Revoke(std::string subject_id, std::string report_id, Actor actor, std::function<void(Status)> done) {
  const int64_t now = ToMicros(clock_.Now());
  AuditEvent event{std::move(actor), std::string(config::kRightsFulfilment), "report.revoke", subject_id,
                   "report=" + report_id};
  store_.Write(
      [subject_id, report_id, event, now](store::WriteTxn& txn) -> Status {
        TILLIT_RETURN_IF_ERROR(txn.DeleteReport(subject_id, report_id));
        return AppendAudit(txn, event, now);
      },
      std::move(done));
}

Result<std::vector<DownloadInfo>> Downloads::List(std::string_view subject_id) {
  TILLIT_ASSIGN_OR_RETURN(auto rows, store_.ListReports(subject_id));
  std::vector<DownloadInfo> out;
  for (const auto& r : rows) out.push_back({r.report_id, r.kind, r.language, r.created_at, r.expires_at});
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.created_at > b.created_at; });
  return out;
}

}  // namespace tillit::core
