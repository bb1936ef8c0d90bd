#include "store/migrations.h"

namespace tillit::store {
namespace {

constexpr Migration kSqliteData[] = {
    {1, "configuration snapshots and API keys", R"sql(
CREATE TABLE config_snapshots (
  id            TEXT PRIMARY KEY,
  published_at  INTEGER NOT NULL,
  config_json   TEXT NOT NULL
) STRICT;
CREATE TABLE api_keys (
  name        TEXT PRIMARY KEY,
  key_hash    BLOB NOT NULL UNIQUE,
  prefix      TEXT NOT NULL,
  purposes    TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
) STRICT;
)sql"},
    {2, "the register: subjects, blind indexes, sealed fields, change history, records, audit chain", R"sql(
CREATE TABLE subjects (
  subject_id  TEXT PRIMARY KEY,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  source      TEXT NOT NULL,
  erased_at   INTEGER
) STRICT;
CREATE INDEX subjects_by_created ON subjects (created_at, subject_id);
-- Unique blind indexes (e-mail, customer number, login) are keyed by the index value alone.
CREATE TABLE unique_index (
  kind        INTEGER NOT NULL,
  value       BLOB NOT NULL,
  subject_id  TEXT NOT NULL,
  PRIMARY KEY (kind, value)
) STRICT, WITHOUT ROWID;
CREATE TABLE shared_index (
  kind        INTEGER NOT NULL,
  value       BLOB NOT NULL,
  subject_id  TEXT NOT NULL,
  PRIMARY KEY (kind, value, subject_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE subject_fields (
  subject_id    TEXT NOT NULL,
  field         TEXT NOT NULL,
  sealed        BLOB NOT NULL,
  source        TEXT NOT NULL,
  collected_at  INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (subject_id, field)
) STRICT, WITHOUT ROWID;
CREATE TABLE field_changes (
  subject_id  TEXT NOT NULL,
  change_id   TEXT NOT NULL,
  field       TEXT NOT NULL,
  action      TEXT NOT NULL,
  previous    BLOB,
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  source      TEXT NOT NULL,
  PRIMARY KEY (subject_id, change_id)
) STRICT;
CREATE INDEX field_changes_by_time ON field_changes (subject_id, at);
CREATE TABLE records (
  subject_id   TEXT NOT NULL,
  record_id    TEXT NOT NULL,
  kind         TEXT NOT NULL,
  categories   TEXT NOT NULL,
  occurred_at  INTEGER NOT NULL,
  payload      BLOB NOT NULL,
  reference    BLOB,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER,
  PRIMARY KEY (subject_id, record_id)
) STRICT;
CREATE INDEX records_by_time ON records (subject_id, occurred_at DESC, record_id DESC);
CREATE INDEX records_by_expiry ON records (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE audit_log (
  seq         INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  actor_kind  TEXT NOT NULL,
  actor       TEXT NOT NULL,
  purpose     TEXT NOT NULL,
  action      TEXT NOT NULL,
  subject_id  TEXT NOT NULL,
  detail      TEXT NOT NULL,
  prev_hash   BLOB NOT NULL,
  hash        BLOB NOT NULL
) STRICT;
CREATE INDEX audit_by_subject ON audit_log (subject_id, seq) WHERE subject_id <> '';
CREATE TABLE audit_checkpoint (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  seq        INTEGER NOT NULL,
  hash       BLOB NOT NULL,
  signature  BLOB NOT NULL,
  at         INTEGER NOT NULL
) STRICT;
)sql"},
    {3, "consent events, objections and restrictions", R"sql(
CREATE TABLE consent_events (
  subject_id      TEXT NOT NULL,
  event_id        TEXT NOT NULL,
  purpose         TEXT NOT NULL,
  channel         TEXT NOT NULL,
  action          TEXT NOT NULL,
  method          TEXT NOT NULL,
  policy_version  TEXT NOT NULL,
  revision        INTEGER NOT NULL,
  language        TEXT NOT NULL,
  user_agent      TEXT NOT NULL,
  ip_hash         BLOB,
  unproven        INTEGER NOT NULL,
  at              INTEGER NOT NULL,
  actor           TEXT NOT NULL,
  PRIMARY KEY (subject_id, event_id)
) STRICT;
CREATE INDEX consent_events_by_time ON consent_events (subject_id, at);
CREATE TABLE objections (
  subject_id    TEXT NOT NULL,
  objection_id  TEXT NOT NULL,
  purpose       TEXT NOT NULL,
  channel       TEXT NOT NULL,
  status        TEXT NOT NULL,
  method        TEXT NOT NULL,
  at            INTEGER NOT NULL,
  actor         TEXT NOT NULL,
  reason        TEXT NOT NULL,
  decided_at    INTEGER,
  decided_by    TEXT NOT NULL,
  PRIMARY KEY (subject_id, objection_id)
) STRICT;
CREATE TABLE restrictions (
  subject_id      TEXT NOT NULL,
  restriction_id  TEXT NOT NULL,
  reason          TEXT NOT NULL,
  started_at      INTEGER NOT NULL,
  actor           TEXT NOT NULL,
  lifted_at       INTEGER,
  lift_notice     TEXT NOT NULL,
  lifted_by       TEXT NOT NULL,
  PRIMARY KEY (subject_id, restriction_id)
) STRICT;
CREATE UNIQUE INDEX restrictions_one_active ON restrictions (subject_id) WHERE lifted_at IS NULL;
)sql"},
    {4, "cookie-banner choices of visitors and their links to subjects", R"sql(
-- Per visitor, keyed by visitor_id first: a sharded database distributes these tables by visitor_id.
CREATE TABLE visitor_consents (
  visitor_id      TEXT NOT NULL,
  event_id        TEXT NOT NULL,
  preferences     INTEGER NOT NULL,
  statistics      INTEGER NOT NULL,
  marketing       INTEGER NOT NULL,
  gpc             INTEGER NOT NULL,
  banner_version  TEXT NOT NULL,
  language        TEXT NOT NULL,
  policy_version  TEXT NOT NULL,
  at              INTEGER NOT NULL,
  actor           TEXT NOT NULL,
  PRIMARY KEY (visitor_id, event_id)
) STRICT;
CREATE INDEX visitor_consents_by_time ON visitor_consents (visitor_id, at);
CREATE TABLE visitor_links (
  visitor_id  TEXT NOT NULL,
  subject_id  TEXT NOT NULL,
  linked_at   INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  PRIMARY KEY (visitor_id, subject_id)
) STRICT;
CREATE INDEX visitor_links_by_subject ON visitor_links (subject_id, visitor_id);
)sql"},
    {5, "the feed of decision changes that keeps several servers' decision indexes in step", R"sql(
CREATE TABLE decision_changes (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  subject_id  TEXT NOT NULL,
  at          INTEGER NOT NULL
) STRICT;
)sql"},
    {6, "marketing prohibition codes and national opt-out registers", R"sql(
CREATE TABLE prohibitions (
  subject_id      TEXT NOT NULL,
  prohibition_id  TEXT NOT NULL,
  code            TEXT NOT NULL,
  purpose         TEXT NOT NULL,
  channel         TEXT NOT NULL,
  method          TEXT NOT NULL,
  set_at          INTEGER NOT NULL,
  actor           TEXT NOT NULL,
  lifted_at       INTEGER,
  lifted_by       TEXT NOT NULL,
  PRIMARY KEY (subject_id, prohibition_id)
) STRICT;
-- The current copy of each register, and its entries as blind indexes (never the numbers or addresses).
CREATE TABLE opt_out_registers (
  register_id  TEXT PRIMARY KEY,
  imported_at  INTEGER NOT NULL,
  phones       INTEGER NOT NULL,
  addresses    INTEGER NOT NULL,
  actor        TEXT NOT NULL
) STRICT;
CREATE TABLE opt_out_entries (
  register_id  TEXT NOT NULL,
  kind         INTEGER NOT NULL,
  value        BLOB NOT NULL,
  PRIMARY KEY (register_id, kind, value)
) STRICT, WITHOUT ROWID;
CREATE INDEX opt_out_entries_by_value ON opt_out_entries (kind, value);
-- A subject's own shared indexes (its phone, postal address, country), for matching it against the registers.
CREATE INDEX shared_index_by_subject ON shared_index (subject_id, kind);
)sql"},
    {7, "disclosures to recipients and the webhook outbox", R"sql(
CREATE TABLE disclosures (
  subject_id     TEXT NOT NULL,
  disclosure_id  TEXT NOT NULL,
  recipient      TEXT NOT NULL,
  categories     TEXT NOT NULL,
  purpose        TEXT NOT NULL,
  reference      BLOB,
  at             INTEGER NOT NULL,
  recorded_at    INTEGER NOT NULL,
  actor          TEXT NOT NULL,
  PRIMARY KEY (subject_id, disclosure_id)
) STRICT;
CREATE INDEX disclosures_by_time ON disclosures (subject_id, at);
-- Global: the dispatcher takes due deliveries across subjects. The body names the subject by id only.
CREATE TABLE webhook_outbox (
  delivery_id      TEXT PRIMARY KEY,
  recipient        TEXT NOT NULL,
  event            TEXT NOT NULL,
  body             TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  status           TEXT NOT NULL,
  attempts         INTEGER NOT NULL,
  next_attempt_at  INTEGER NOT NULL,
  last_status      INTEGER NOT NULL,
  last_error       TEXT NOT NULL,
  delivered_at     INTEGER
) STRICT;
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_outbox_by_time ON webhook_outbox (created_at);
)sql"},
    {8, "rights requests, their history, identity verification codes and the mail outbox", R"sql(
CREATE TABLE rights_requests (
  subject_id       TEXT NOT NULL,
  request_id       TEXT NOT NULL,
  type             TEXT NOT NULL,
  status           TEXT NOT NULL,
  channel          TEXT NOT NULL,
  language         TEXT NOT NULL,
  received_at      INTEGER NOT NULL,
  original_due_at  INTEGER NOT NULL,
  due_at           INTEGER NOT NULL,
  extended         INTEGER NOT NULL,
  verified_at      INTEGER,
  approved_at      INTEGER,
  closed_at        INTEGER,
  updated_at       INTEGER NOT NULL,
  events           INTEGER NOT NULL,
  sealed           BLOB NOT NULL,
  PRIMARY KEY (subject_id, request_id)
) STRICT;
CREATE UNIQUE INDEX rights_requests_by_id ON rights_requests (request_id);
CREATE INDEX rights_requests_by_receipt ON rights_requests (received_at, request_id);
CREATE INDEX rights_requests_open_by_due ON rights_requests (due_at) WHERE closed_at IS NULL;
CREATE TABLE request_events (
  subject_id  TEXT NOT NULL,
  request_id  TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  status      TEXT NOT NULL,
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  note        BLOB,
  PRIMARY KEY (subject_id, request_id, seq)
) STRICT;
CREATE INDEX request_events_by_request ON request_events (request_id, seq);
CREATE TABLE verification_codes (
  subject_id  TEXT NOT NULL,
  code_id     TEXT NOT NULL,
  request_id  TEXT NOT NULL,
  code_hash   BLOB NOT NULL,
  ip_hash     BLOB,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  attempts    INTEGER NOT NULL,
  used_at     INTEGER,
  PRIMARY KEY (subject_id, code_id)
) STRICT;
CREATE INDEX verification_codes_by_request ON verification_codes (subject_id, request_id, created_at);
CREATE INDEX verification_codes_by_ip ON verification_codes (ip_hash, created_at);
CREATE TABLE outbox (
  subject_id       TEXT NOT NULL,
  mail_id          TEXT NOT NULL,
  kind             TEXT NOT NULL,
  recipient        BLOB NOT NULL,
  message          BLOB NOT NULL,
  created_at       INTEGER NOT NULL,
  next_attempt_at  INTEGER NOT NULL,
  attempts         INTEGER NOT NULL,
  status           TEXT NOT NULL,
  sent_at          INTEGER,
  last_error       TEXT NOT NULL,
  PRIMARY KEY (subject_id, mail_id)
) STRICT;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'queued';
)sql"},
    {9, "erasure and retention: tombstones with receipts, legal-hold payloads, expiry indexes, agreements", R"sql(
-- When the subject as a whole is due for erasure by retention (inactivity, an agreement's end), and its last activity.
ALTER TABLE subjects ADD COLUMN expires_at INTEGER;
ALTER TABLE subjects ADD COLUMN active_at INTEGER;
CREATE INDEX subjects_by_expiry ON subjects (expires_at) WHERE expires_at IS NOT NULL AND erased_at IS NULL;
-- The accounting fields of a record a bookkeeping law requires to keep, sealed under the subject's legal-hold key,
-- and when they may go.
ALTER TABLE records ADD COLUMN hold_payload BLOB;
ALTER TABLE records ADD COLUMN hold_expires_at INTEGER;
CREATE INDEX records_by_hold_expiry ON records (hold_expires_at) WHERE hold_expires_at IS NOT NULL;
-- The erasure receipt of a tombstone: ids, categories, counts and dates only.
CREATE TABLE erasures (
  subject_id  TEXT PRIMARY KEY,
  erased_at   INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  actor       TEXT NOT NULL,
  receipt     TEXT NOT NULL
) STRICT;
-- The end of a subject's agreement (subscription): the anchor of `agreement_end` retention rules.
CREATE TABLE agreements (
  subject_id  TEXT NOT NULL,
  ref         TEXT NOT NULL,
  ended_at    INTEGER NOT NULL,
  PRIMARY KEY (subject_id, ref)
) STRICT;
)sql"},
    {10, "access reports kept for download for a limited time", R"sql(
CREATE TABLE reports (
  subject_id  TEXT NOT NULL,
  report_id   TEXT NOT NULL,
  token_hash  BLOB NOT NULL,
  language    TEXT NOT NULL,
  sealed      BLOB NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  PRIMARY KEY (subject_id, report_id)
) STRICT;
CREATE UNIQUE INDEX reports_by_token ON reports (token_hash);
CREATE INDEX reports_by_expiry ON reports (expires_at);
)sql"},
    {11, "finished mail and webhook deliveries are deleted by age", R"sql(
CREATE INDEX outbox_finished ON outbox (created_at) WHERE status <> 'queued';
CREATE INDEX webhook_outbox_finished ON webhook_outbox (created_at) WHERE status <> 'pending';
)sql"},
    {12, "API keys hold actions; stored downloads are access reports or portability archives", R"sql(
ALTER TABLE api_keys ADD COLUMN actions TEXT NOT NULL DEFAULT '';
UPDATE api_keys SET actions = CASE
  WHEN ',' || purposes || ',' LIKE '%,rights_fulfilment,%' THEN 'audiences.read,audit.read,config.check,consents.read,consents.record,decide,disclosures.record,objections.decide,objections.record,prohibitions.manage,records.write,reports.create,requests.create,requests.manage,requests.read,restrictions.manage,subjects.erase,subjects.read,subjects.write,webhooks.manage'
  ELSE 'consents.read,consents.record,decide,disclosures.record,objections.record,records.write,requests.create,subjects.read,subjects.write' END;
ALTER TABLE reports ADD COLUMN kind TEXT NOT NULL DEFAULT 'access';
)sql"},
    {13, "personal texts of consents, objections and restrictions sealed; code limits per address", R"sql(
-- Sealed under the subject's data key. The columns in the clear stay empty from now on; rows written before are
-- sealed once at start (core/install/legacy_plaintext.h), found through the partial indexes, which then stay empty.
ALTER TABLE consent_events ADD COLUMN evidence BLOB;
CREATE INDEX consent_events_in_clear ON consent_events (subject_id, event_id)
  WHERE user_agent <> '' OR length(ip_hash) > 0;
ALTER TABLE objections ADD COLUMN sealed_reason BLOB;
CREATE INDEX objections_in_clear ON objections (subject_id, objection_id) WHERE reason <> '';
ALTER TABLE restrictions ADD COLUMN sealed_reason BLOB;
ALTER TABLE restrictions ADD COLUMN sealed_notice BLOB;
CREATE INDEX restrictions_in_clear ON restrictions (subject_id, restriction_id)
  WHERE reason <> '' OR lift_notice <> '';
-- The address a code was sent to (its blind index), for the limit per address; both address hashes are forgotten
-- once the limits no longer count the code.
ALTER TABLE verification_codes ADD COLUMN address_hash BLOB;
CREATE INDEX verification_codes_by_address ON verification_codes (address_hash, created_at)
  WHERE address_hash IS NOT NULL;
CREATE INDEX verification_codes_addressed ON verification_codes (created_at)
  WHERE ip_hash IS NOT NULL OR address_hash IS NOT NULL;
)sql"},
};

constexpr Migration kSqliteKeys[] = {
    {1, "per-subject data keys wrapped by the master key", R"sql(
CREATE TABLE data_keys (
  subject_id   TEXT PRIMARY KEY,
  kek_version  INTEGER NOT NULL,
  wrapped_key  BLOB NOT NULL,
  hold_kek_version INTEGER,
  hold_wrapped_key BLOB,
  created_at   INTEGER NOT NULL
) STRICT;
)sql"},
    {2, "installation-wide secrets wrapped by the master key", R"sql(
CREATE TABLE secrets (
  label        TEXT PRIMARY KEY,
  kek_version  INTEGER NOT NULL,
  wrapped      BLOB NOT NULL,
  created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX data_keys_by_version ON data_keys (kek_version);
)sql"},
    {3, "the audit chain's latest signed head, kept apart from the data database", R"sql(
CREATE TABLE audit_head (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  seq        INTEGER NOT NULL,
  hash       BLOB NOT NULL,
  signature  BLOB NOT NULL,
  at         INTEGER NOT NULL
) STRICT;
)sql"},
};

}  // namespace

std::span<const Migration> SqliteDataMigrations() { return kSqliteData; }
std::span<const Migration> SqliteKeyMigrations() { return kSqliteKeys; }

}  // namespace tillit::store
