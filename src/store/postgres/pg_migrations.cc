// The PostgreSQL schema, migration for migration the SQLite one of store/migrations.cc: times are BIGINT
// microseconds, blobs BYTEA, ids TEXT COLLATE "C" (byte order, as SQLite sorts them, so keyset cursors page the same
// way). Every per-subject table has subject_id in its primary key so a sharded PostgreSQL (Citus, distributed by
// subject_id) routes each per-subject operation to one shard; the unique blind indexes are keyed by (kind, value)
// alone in their own table. Where SQLite orders by rowid (insertion order), a table here has an identity column ord.
#include "store/migrations.h"

namespace tillit::store {
namespace {

constexpr Migration kPostgresData[] = {
    {1, "configuration snapshots and API keys", R"sql(
CREATE TABLE config_snapshots (
  id            TEXT COLLATE "C" PRIMARY KEY,
  published_at  BIGINT NOT NULL,
  config_json   TEXT NOT NULL
);
CREATE TABLE api_keys (
  name        TEXT COLLATE "C" PRIMARY KEY,
  key_hash    BYTEA NOT NULL UNIQUE,
  prefix      TEXT NOT NULL,
  purposes    TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  revoked_at  BIGINT
);
)sql"},
    {2, "the register: subjects, blind indexes, sealed fields, change history, records, audit chain", R"sql(
CREATE TABLE subjects (
  subject_id  TEXT COLLATE "C" PRIMARY KEY,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL,
  source      TEXT NOT NULL,
  erased_at   BIGINT
);
CREATE INDEX subjects_by_created ON subjects (created_at, subject_id);
-- Unique blind indexes (e-mail, customer number, login) are keyed by the index value alone.
CREATE TABLE unique_index (
  kind        INTEGER NOT NULL,
  value       BYTEA NOT NULL,
  subject_id  TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (kind, value)
);
CREATE TABLE shared_index (
  kind        INTEGER NOT NULL,
  value       BYTEA NOT NULL,
  subject_id  TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (kind, value, subject_id)
);
CREATE TABLE subject_fields (
  subject_id    TEXT COLLATE "C" NOT NULL,
  field         TEXT COLLATE "C" NOT NULL,
  sealed        BYTEA NOT NULL,
  source        TEXT NOT NULL,
  collected_at  BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  PRIMARY KEY (subject_id, field)
);
CREATE TABLE field_changes (
  subject_id  TEXT COLLATE "C" NOT NULL,
  change_id   TEXT COLLATE "C" NOT NULL,
  field       TEXT NOT NULL,
  action      TEXT NOT NULL,
  previous    BYTEA,
  at          BIGINT NOT NULL,
  actor       TEXT NOT NULL,
  source      TEXT NOT NULL,
  ord         BIGINT GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (subject_id, change_id)
);
CREATE INDEX field_changes_by_time ON field_changes (subject_id, at, ord);
CREATE TABLE records (
  subject_id   TEXT COLLATE "C" NOT NULL,
  record_id    TEXT COLLATE "C" NOT NULL,
  kind         TEXT COLLATE "C" NOT NULL,
  categories   TEXT NOT NULL,
  occurred_at  BIGINT NOT NULL,
  payload      BYTEA NOT NULL,
  reference    BYTEA,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT,
  PRIMARY KEY (subject_id, record_id)
);
CREATE INDEX records_by_time ON records (subject_id, occurred_at DESC, record_id DESC);
CREATE INDEX records_by_expiry ON records (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE audit_log (
  seq         BIGINT PRIMARY KEY,
  at          BIGINT NOT NULL,
  actor_kind  TEXT NOT NULL,
  actor       TEXT NOT NULL,
  purpose     TEXT NOT NULL,
  action      TEXT NOT NULL,
  subject_id  TEXT COLLATE "C" NOT NULL,
  detail      TEXT NOT NULL,
  prev_hash   BYTEA NOT NULL,
  hash        BYTEA NOT NULL
);
CREATE INDEX audit_by_subject ON audit_log (subject_id, seq) WHERE subject_id <> '';
CREATE TABLE audit_checkpoint (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  seq        BIGINT NOT NULL,
  hash       BYTEA NOT NULL,
  signature  BYTEA NOT NULL,
  at         BIGINT NOT NULL
);
)sql"},
    {3, "consent events, objections and restrictions", R"sql(
CREATE TABLE consent_events (
  subject_id      TEXT COLLATE "C" NOT NULL,
  event_id        TEXT COLLATE "C" NOT NULL,
  purpose         TEXT NOT NULL,
  channel         TEXT NOT NULL,
  action          TEXT NOT NULL,
  method          TEXT NOT NULL,
  policy_version  TEXT NOT NULL,
  revision        BIGINT NOT NULL,
  language        TEXT NOT NULL,
  user_agent      TEXT NOT NULL,
  ip_hash         BYTEA,
  unproven        BOOLEAN NOT NULL,
  at              BIGINT NOT NULL,
  actor           TEXT NOT NULL,
  ord             BIGINT GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (subject_id, event_id)
);
CREATE INDEX consent_events_by_time ON consent_events (subject_id, at, ord);
CREATE TABLE objections (
  subject_id    TEXT COLLATE "C" NOT NULL,
  objection_id  TEXT COLLATE "C" NOT NULL,
  purpose       TEXT NOT NULL,
  channel       TEXT NOT NULL,
  status        TEXT NOT NULL,
  method        TEXT NOT NULL,
  at            BIGINT NOT NULL,
  actor         TEXT NOT NULL,
  reason        TEXT NOT NULL,
  decided_at    BIGINT,
  decided_by    TEXT NOT NULL,
  ord           BIGINT GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (subject_id, objection_id)
);
CREATE TABLE restrictions (
  subject_id      TEXT COLLATE "C" NOT NULL,
  restriction_id  TEXT COLLATE "C" NOT NULL,
  reason          TEXT NOT NULL,
  started_at      BIGINT NOT NULL,
  actor           TEXT NOT NULL,
  lifted_at       BIGINT,
  lift_notice     TEXT NOT NULL,
  lifted_by       TEXT NOT NULL,
  ord             BIGINT GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (subject_id, restriction_id)
);
CREATE UNIQUE INDEX restrictions_one_active ON restrictions (subject_id) WHERE lifted_at IS NULL;
)sql"},
    {4, "cookie-banner choices of visitors and their links to subjects", R"sql(
-- Per visitor, keyed by visitor_id first: a sharded database distributes these tables by visitor_id.
CREATE TABLE visitor_consents (
  visitor_id      TEXT COLLATE "C" NOT NULL,
  event_id        TEXT COLLATE "C" NOT NULL,
  preferences     BOOLEAN NOT NULL,
  statistics      BOOLEAN NOT NULL,
  marketing       BOOLEAN NOT NULL,
  gpc             BOOLEAN NOT NULL,
  banner_version  TEXT NOT NULL,
  language        TEXT NOT NULL,
  policy_version  TEXT NOT NULL,
  at              BIGINT NOT NULL,
  actor           TEXT NOT NULL,
  ord             BIGINT GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (visitor_id, event_id)
);
CREATE INDEX visitor_consents_by_time ON visitor_consents (visitor_id, at, ord);
CREATE TABLE visitor_links (
  visitor_id  TEXT COLLATE "C" NOT NULL,
  subject_id  TEXT COLLATE "C" NOT NULL,
  linked_at   BIGINT NOT NULL,
  actor       TEXT NOT NULL,
  ord         BIGINT GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (visitor_id, subject_id)
);
CREATE INDEX visitor_links_by_subject ON visitor_links (subject_id, visitor_id);
)sql"},
    {5, "the feed of decision changes that keeps several servers' decision indexes in step", R"sql(
-- Global, ordered by seq: every server reads it to refresh the subjects others changed.
CREATE TABLE decision_changes (
  seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subject_id  TEXT COLLATE "C" NOT NULL,
  at          BIGINT NOT NULL
);
)sql"},
    {6, "marketing prohibition codes and national opt-out registers", R"sql(
CREATE TABLE prohibitions (
  subject_id      TEXT COLLATE "C" NOT NULL,
  prohibition_id  TEXT COLLATE "C" NOT NULL,
  code            TEXT NOT NULL,
  purpose         TEXT NOT NULL,
  channel         TEXT NOT NULL,
  method          TEXT NOT NULL,
  set_at          BIGINT NOT NULL,
  actor           TEXT NOT NULL,
  lifted_at       BIGINT,
  lifted_by       TEXT NOT NULL,
  ord             BIGINT GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (subject_id, prohibition_id)
);
-- The current copy of each register, and its entries as blind indexes (never the numbers or addresses).
CREATE TABLE opt_out_registers (
  register_id  TEXT COLLATE "C" PRIMARY KEY,
  imported_at  BIGINT NOT NULL,
  phones       BIGINT NOT NULL,
  addresses    BIGINT NOT NULL,
  actor        TEXT NOT NULL
);
CREATE TABLE opt_out_entries (
  register_id  TEXT COLLATE "C" NOT NULL,
  kind         INTEGER NOT NULL,
  value        BYTEA NOT NULL,
  PRIMARY KEY (register_id, kind, value)
);
CREATE INDEX opt_out_entries_by_value ON opt_out_entries (kind, value);
-- A subject's own shared indexes (its phone, postal address, country), for matching it against the registers.
CREATE INDEX shared_index_by_subject ON shared_index (subject_id, kind);
)sql"},
    {7, "disclosures to recipients and the webhook outbox", R"sql(
CREATE TABLE disclosures (
  subject_id     TEXT COLLATE "C" NOT NULL,
  disclosure_id  TEXT COLLATE "C" NOT NULL,
  recipient      TEXT NOT NULL,
  categories     TEXT NOT NULL,
  purpose        TEXT NOT NULL,
  reference      BYTEA,
  at             BIGINT NOT NULL,
  recorded_at    BIGINT NOT NULL,
  actor          TEXT NOT NULL,
  ord            BIGINT GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (subject_id, disclosure_id)
);
CREATE INDEX disclosures_by_time ON disclosures (subject_id, at);
-- Global: the dispatcher takes due deliveries across subjects. The body names the subject by id only.
CREATE TABLE webhook_outbox (
  delivery_id      TEXT COLLATE "C" PRIMARY KEY,
  recipient        TEXT NOT NULL,
  event            TEXT NOT NULL,
  body             TEXT NOT NULL,
  created_at       BIGINT NOT NULL,
  status           TEXT NOT NULL,
  attempts         INTEGER NOT NULL,
  next_attempt_at  BIGINT NOT NULL,
  last_status      INTEGER NOT NULL,
  last_error       TEXT NOT NULL,
  delivered_at     BIGINT
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_outbox_by_time ON webhook_outbox (created_at);
)sql"},
    {8, "rights requests, their history, identity verification codes and the mail outbox", R"sql(
CREATE TABLE rights_requests (
  subject_id       TEXT COLLATE "C" NOT NULL,
  request_id       TEXT COLLATE "C" NOT NULL,
  type             TEXT NOT NULL,
  status           TEXT NOT NULL,
  channel          TEXT NOT NULL,
  language         TEXT NOT NULL,
  received_at      BIGINT NOT NULL,
  original_due_at  BIGINT NOT NULL,
  due_at           BIGINT NOT NULL,
  extended         BIGINT NOT NULL,
  verified_at      BIGINT,
  approved_at      BIGINT,
  closed_at        BIGINT,
  updated_at       BIGINT NOT NULL,
  events           BIGINT NOT NULL,
  sealed           BYTEA NOT NULL,
  PRIMARY KEY (subject_id, request_id)
);
CREATE UNIQUE INDEX rights_requests_by_id ON rights_requests (request_id);
CREATE INDEX rights_requests_by_receipt ON rights_requests (received_at, request_id);
CREATE INDEX rights_requests_open_by_due ON rights_requests (due_at) WHERE closed_at IS NULL;
CREATE TABLE request_events (
  subject_id  TEXT COLLATE "C" NOT NULL,
  request_id  TEXT COLLATE "C" NOT NULL,
  seq         BIGINT NOT NULL,
  status      TEXT NOT NULL,
  at          BIGINT NOT NULL,
  actor       TEXT NOT NULL,
  note        BYTEA,
  PRIMARY KEY (subject_id, request_id, seq)
);
CREATE INDEX request_events_by_request ON request_events (request_id, seq);
CREATE TABLE verification_codes (
  subject_id  TEXT COLLATE "C" NOT NULL,
  code_id     TEXT COLLATE "C" NOT NULL,
  request_id  TEXT COLLATE "C" NOT NULL,
  code_hash   BYTEA NOT NULL,
  ip_hash     BYTEA,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,
  attempts    BIGINT NOT NULL,
  used_at     BIGINT,
  PRIMARY KEY (subject_id, code_id)
);
CREATE INDEX verification_codes_by_request ON verification_codes (subject_id, request_id, created_at);
CREATE INDEX verification_codes_by_ip ON verification_codes (ip_hash, created_at);
CREATE TABLE outbox (
  subject_id       TEXT COLLATE "C" NOT NULL,
  mail_id          TEXT COLLATE "C" NOT NULL,
  kind             TEXT NOT NULL,
  recipient        BYTEA NOT NULL,
  message          BYTEA NOT NULL,
  created_at       BIGINT NOT NULL,
  next_attempt_at  BIGINT NOT NULL,
  attempts         BIGINT NOT NULL,
  status           TEXT NOT NULL,
  sent_at          BIGINT,
  last_error       TEXT NOT NULL,
  PRIMARY KEY (subject_id, mail_id)
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'queued';
)sql"},
    {9, "erasure and retention: tombstones with receipts, legal-hold payloads, expiry indexes, agreements", R"sql(
ALTER TABLE subjects ADD COLUMN expires_at BIGINT;
ALTER TABLE subjects ADD COLUMN active_at BIGINT;
CREATE INDEX subjects_by_expiry ON subjects (expires_at) WHERE expires_at IS NOT NULL AND erased_at IS NULL;
ALTER TABLE records ADD COLUMN hold_payload BYTEA;
ALTER TABLE records ADD COLUMN hold_expires_at BIGINT;
CREATE INDEX records_by_hold_expiry ON records (hold_expires_at) WHERE hold_expires_at IS NOT NULL;
CREATE TABLE erasures (
  subject_id  TEXT COLLATE "C" PRIMARY KEY,
  erased_at   BIGINT NOT NULL,
  reason      TEXT NOT NULL,
  actor       TEXT NOT NULL,
  receipt     TEXT NOT NULL
);
CREATE TABLE agreements (
  subject_id  TEXT COLLATE "C" NOT NULL,
  ref         TEXT COLLATE "C" NOT NULL,
  ended_at    BIGINT NOT NULL,
  PRIMARY KEY (subject_id, ref)
);
)sql"},
    {10, "access reports kept for download for a limited time", R"sql(
CREATE TABLE reports (
  subject_id  TEXT COLLATE "C" NOT NULL,
  report_id   TEXT COLLATE "C" NOT NULL,
  token_hash  BYTEA NOT NULL,
  language    TEXT NOT NULL,
  sealed      BYTEA NOT NULL,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,
  PRIMARY KEY (subject_id, report_id)
);
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
ALTER TABLE consent_events ADD COLUMN evidence BYTEA;
CREATE INDEX consent_events_in_clear ON consent_events (subject_id, event_id)
  WHERE user_agent <> '' OR length(ip_hash) > 0;
ALTER TABLE objections ADD COLUMN sealed_reason BYTEA;
CREATE INDEX objections_in_clear ON objections (subject_id, objection_id) WHERE reason <> '';
ALTER TABLE restrictions ADD COLUMN sealed_reason BYTEA;
ALTER TABLE restrictions ADD COLUMN sealed_notice BYTEA;
CREATE INDEX restrictions_in_clear ON restrictions (subject_id, restriction_id)
  WHERE reason <> '' OR lift_notice <> '';
ALTER TABLE verification_codes ADD COLUMN address_hash BYTEA;
CREATE INDEX verification_codes_by_address ON verification_codes (address_hash, created_at)
  WHERE address_hash IS NOT NULL;
CREATE INDEX verification_codes_addressed ON verification_codes (created_at)
  WHERE ip_hash IS NOT NULL OR address_hash IS NOT NULL;
)sql"},
};

constexpr Migration kPostgresKeys[] = {
    {1, "per-subject data keys wrapped by the master key", R"sql(
CREATE TABLE keystore.data_keys (
  subject_id   TEXT COLLATE "C" PRIMARY KEY,
  kek_version  BIGINT NOT NULL,
  wrapped_key  BYTEA NOT NULL,
  hold_kek_version BIGINT,
  hold_wrapped_key BYTEA,
  created_at   BIGINT NOT NULL
);
)sql"},
    {2, "installation-wide secrets wrapped by the master key", R"sql(
CREATE TABLE keystore.secrets (
  label        TEXT COLLATE "C" PRIMARY KEY,
  kek_version  BIGINT NOT NULL,
  wrapped      BYTEA NOT NULL,
  created_at   BIGINT NOT NULL
);
CREATE INDEX data_keys_by_version ON keystore.data_keys (kek_version);
)sql"},
    {3, "the audit chain's latest signed head, kept apart from the data database", R"sql(
CREATE TABLE keystore.audit_head (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  seq        BIGINT NOT NULL,
  hash       BYTEA NOT NULL,
  signature  BYTEA NOT NULL,
  at         BIGINT NOT NULL
);
)sql"},
};

}  // namespace

std::span<const Migration> PostgresDataMigrations() { return kPostgresData; }
std::span<const Migration> PostgresKeyMigrations() { return kPostgresKeys; }

}  // namespace tillit::store
