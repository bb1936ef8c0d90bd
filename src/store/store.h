// Store: tillit's storage interface. Typed operations, not SQL. One implementation serves both databases: the store
// core in store/sql/ writes every operation once over a small connection interface (sql/conn.h) and runs the
// group-commit writer and the reader pool (sql/sql_store.h); store/sqlite/ and store/postgres/ hold only the drivers
// (a connection, how a commit begins and ends, how deleted data leaves the files) and each dialect's migrations.
// Writes go through one writer that batches concurrent requests into one transaction and one fsync (group commit);
// each request runs in its own savepoint, so one failing request does not abort its neighbours, and no request is
// acknowledged before its transaction has committed. Reads run on their own connections; after Close they fail
// with Unavailable instead of waiting.
//
// Thread safety: every method may be called from any thread. Write callbacks run on the writer thread and must
// not block; hand long work to another thread.
#ifndef TILLIT_STORE_STORE_H_
#define TILLIT_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace tillit::store {

struct ApiKeyRow {
  std::string name;
  std::vector<uint8_t> key_hash;      // BLAKE2b-256 of the secret; the secret itself is never stored
  std::string prefix;                 // first characters of the key, to recognise it in listings
  std::vector<std::string> purposes;  // purposes reads with this key may name
  std::vector<std::string> actions;   // what the key may do (core/access/access.h)
  int64_t created_at = 0;             // microseconds since the epoch
  std::optional<int64_t> revoked_at;
};

struct ConfigSnapshotRow {
  std::string id;  // the policy version: hash of the canonical configuration
  int64_t published_at = 0;
  std::string config_json;  // the canonical configuration
};

// A subject: a person the register holds data about. The row holds no personal data; that lives in sealed fields.
struct SubjectRow {
  std::string id;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::string source;  // where the subject came from: "subject", "staff", "import", a configured source id
  std::optional<int64_t> erased_at;
  // When retention erases the subject as a whole (its profile's time is up); unset while an anchor is pending.
  std::optional<int64_t> expires_at;
  std::optional<int64_t> active_at;  // last activity: the anchor of `last_activity` rules; created_at when unset
};

// A subject's wrapped data key (and legal-hold key once one exists), kept in the key store apart from the data.
struct DataKeyRow {
  std::string subject_id;
  uint32_t kek_version = 0;
  std::vector<uint8_t> wrapped;
  std::optional<uint32_t> hold_kek_version;
  std::vector<uint8_t> hold_wrapped;  // empty when the subject has no legal-hold key
  int64_t created_at = 0;
};

// An installation-wide secret (blind-index root, audit signing key), wrapped by the master key.
struct SecretRow {
  std::string label;
  uint32_t kek_version = 0;
  std::vector<uint8_t> wrapped;
  int64_t created_at = 0;
};

// One profile field or identifier of a subject, by category id ("identity.name", "contact.email"), sealed under the
// subject's data key with associated data (subject id, field).
struct FieldRow {
  std::string subject_id;
  std::string field;
  std::vector<uint8_t> sealed;
  std::string source;
  int64_t collected_at = 0;
  int64_t updated_at = 0;
};

// One entry of a subject's change history: the previous value (sealed, bound to (subject id, change id)) of a field
// that was collected, changed or removed, with who changed it, when and from which source.
struct FieldChangeRow {
  std::string subject_id;
  std::string change_id;
  std::string field;
  std::string action;             // "collected" | "changed" | "removed"
  std::vector<uint8_t> previous;  // sealed previous value; empty for "collected"
  int64_t at = 0;
  std::string actor;
  std::string source;
};

// One fact of a subject's customer history: an order, a payment, a page view … with its payload sealed.
struct RecordRow {
  std::string subject_id;
  std::string record_id;
  std::string kind;
  std::vector<std::string> categories;
  int64_t occurred_at = 0;
  std::vector<uint8_t> payload;  // sealed JSON, bound to (subject id, record id)
  std::vector<uint8_t>
      reference;  // sealed reference (an order number), bound to (subject id, record id + "#ref"); may be empty
  int64_t created_at = 0;
  std::optional<int64_t> expires_at;  // when the payload and reference go (the whole record without `hold`)
  // The accounting fields a bookkeeping law requires to keep: sealed JSON under the subject's legal-hold key, bound to
  // (subject id, record id + "#hold"); empty when the record has none. They go at hold_expires_at.
  std::vector<uint8_t> hold;
  std::optional<int64_t> hold_expires_at;
};

// The tombstone's erasure receipt: what was deleted and what is kept under legal hold (JSON, ids and counts only).
struct ErasureRow {
  std::string subject_id;
  int64_t erased_at = 0;
  std::string reason;  // "request" | "retention" | staff's words (no personal data)
  std::string actor;
  std::string receipt;  // JSON
};

// The end of one of a subject's agreements (a subscription): the anchor of `agreement_end` retention rules.
struct AgreementRow {
  std::string subject_id;
  std::string ref;
  int64_t ended_at = 0;
};

// What an erasure deleted, by table, in rows.
using ErasedCounts = std::vector<std::pair<std::string, int64_t>>;

// A page of records, newest first. `before_*` is the keyset cursor: the last row of the previous page.
struct RecordQuery {
  std::string kind;  // empty: every kind
  std::optional<int64_t> since;
  std::optional<int64_t> before_occurred_at;
  std::string before_record_id;
  size_t limit = 100;
};

// One entry of the audit chain. Holds ids, never personal data. hash = H(prev_hash, the entry's fields).
struct AuditRow {
  int64_t seq = 0;  // 1, 2, 3 … without gaps
  int64_t at = 0;
  std::string actor_kind;  // "api_key" | "staff" | "cli" | "system" | "subject"
  std::string actor;
  std::string purpose;
  std::string action;  // "subject.create", "subject.read" …
  std::string subject_id;
  std::string detail;  // ids and category names only
  std::vector<uint8_t> prev_hash;
  std::vector<uint8_t> hash;
};

// The signed head of the audit chain, rewritten at each group commit that appended to the chain: in the data
// database, and the same head again in the key store, apart from the data.
struct AuditCheckpointRow {
  int64_t seq = 0;
  std::vector<uint8_t> hash;
  std::vector<uint8_t> signature;
  int64_t at = 0;
};

// One consent event: append-only; never updated, deleted only by erasure.
struct ConsentEventRow {
  std::string subject_id;
  std::string event_id;
  std::string purpose;
  std::string channel;  // "" for every channel
  std::string action;   // "given" | "withdrawn" | "refused" | "existing_customer"
  std::string method;   // "web_form" | "portal" | "banner" | "email" | "staff" | "api" | "import" | "checkout"
  std::string policy_version;
  int64_t revision = 0;
  std::string language;
  // The evidence, opened (core/consent/sealed_choices.h): the browser's user agent and a keyed hash of the address it came
  // from (never the address). The store neither writes nor reads these two: it keeps only `evidence`.
  std::string user_agent;
  std::vector<uint8_t> ip_hash;
  bool unproven = false;  // imported without evidence
  int64_t at = 0;
  std::string actor;
  // user_agent and ip_hash sealed under the subject's data key, bound to (subject id, event id + "#evidence"), so
  // erasure, which destroys the key, makes them unreadable in every copy; empty when no evidence was given.
  std::vector<uint8_t> evidence;
};

// An objection (Art. 21) to a purpose, to a channel, or to a purpose over a channel, and what became of it.
struct ObjectionRow {
  std::string subject_id;
  std::string objection_id;
  std::string purpose;  // "" when the objection names only a channel
  std::string channel;  // "" for every channel
  std::string status;   // "active" | "overridden" (compelling grounds recorded) | "upheld"
  std::string method;
  int64_t at = 0;
  std::string actor;
  std::string reason;  // staff's grounds when overridden, told to the subject; opened from sealed_reason, not stored
  std::optional<int64_t> decided_at;
  std::string decided_by;
  // `reason` sealed under the subject's data key, bound to (subject id, objection id + "#reason"); empty when none.
  std::vector<uint8_t> sealed_reason;
};

// A restriction of processing (Art. 18): from started_at until lifted.
// `reason` and `lift_notice` are the opened texts; the store keeps only their sealed forms, under the subject's data
// key, bound to (subject id, restriction id + "#reason") and (subject id, restriction id + "#notice").
struct RestrictionRow {
  std::string subject_id;
  std::string restriction_id;
  std::string reason;
  int64_t started_at = 0;
  std::string actor;
  std::optional<int64_t> lifted_at;
  std::string lift_notice;  // what the subject was told when it was lifted
  std::string lifted_by;
  std::vector<uint8_t> sealed_reason;
  std::vector<uint8_t> sealed_notice;  // empty until lifted
};

// One choice a website visitor made in the cookie banner, before anyone knows who they are: which cookie categories
// they accepted under which banner text, and whether Global Privacy Control was on. Append-only. It never counts as
// consent for a purpose (DESIGN.md, rule 3), not even once the visitor is linked to a subject.
struct VisitorConsentRow {
  std::string visitor_id;  // the banner's opaque id for the browser
  std::string event_id;
  bool preferences = false;  // necessary cookies need no consent and are always on
  bool statistics = false;
  bool marketing = false;
  bool gpc = false;  // Global Privacy Control was on: statistics and marketing are refused whatever was sent
  std::string banner_version;
  std::string language;
  std::string policy_version;
  int64_t at = 0;
  std::string actor;
};

// A visitor who logged in as a subject.
struct VisitorLinkRow {
  std::string visitor_id;
  std::string subject_id;
  int64_t linked_at = 0;
  std::string actor;
};

// A marketing prohibition code of a subject (Finnish "kieltokoodi"): the subject forbade direct marketing over some
// channels or market research. Lasts until lifted; the lifted row stays as history.
struct ProhibitionRow {
  std::string subject_id;
  std::string prohibition_id;
  std::string code;     // "no_phone_marketing" … (core/prohibitions)
  std::string purpose;  // "" for every purpose the code covers
  std::string channel;  // "" for every channel the code covers
  std::string method;
  int64_t set_at = 0;
  std::string actor;
  std::optional<int64_t> lifted_at;
  std::string lifted_by;
};

// One logged hand-over of a subject's data to a recipient of the configuration ("order 1234's address sent to
// Posti"). Ids and category names in the clear; the free-text reference is sealed, bound to (subject id,
// disclosure id + "#ref"), since it may hold personal data. Deleted with the subject on erasure.
struct DisclosureRow {
  std::string subject_id;
  std::string disclosure_id;
  std::string recipient;  // a recipient id of the configuration
  std::vector<std::string> categories;
  std::string purpose;
  std::vector<uint8_t> reference;  // sealed; empty when none was given
  int64_t at = 0;                  // when the data was handed over
  int64_t recorded_at = 0;
  std::string actor;
};

// One webhook delivery in the outbox: written in the same transaction as the change it tells of, then POSTed by
// the dispatcher until the recipient answers 2xx or the attempts run out. The body holds ids and the event type only.
struct WebhookDeliveryRow {
  std::string delivery_id;
  std::string recipient;
  std::string event;
  std::string body;  // the JSON that is POSTed, fixed when enqueued
  int64_t created_at = 0;
  std::string status = "pending";  // "pending" | "delivered" | "dead"
  int attempts = 0;
  int64_t next_attempt_at = 0;
  int last_status = 0;     // the HTTP status of the last attempt; 0 when it got none
  std::string last_error;  // why the last attempt failed, for the operator; no personal data
  std::optional<int64_t> delivered_at;
};
// A download kept for a limited time: an access report (Art. 15, its JSON) or a portability archive (Art. 20, the
// ZIP), sealed under the subject's data key, bound to (subject id, "report:" + report id), so erasure makes it
// unreadable at once. Found by the hash of its download token; the token itself is never stored.
struct ReportRow {
  std::string subject_id;
  std::string report_id;
  std::vector<uint8_t> token_hash;  // BLAKE2b-256 of the download token
  std::string language;             // the language the subject reads it in
  std::vector<uint8_t> sealed;      // sealed JSON report
  int64_t created_at = 0;
  int64_t expires_at = 0;  // served until then; 410 Gone afterwards, until deleted
  std::string kind = "access";  // "access" (a report) | "portability" (an archive)
};
// A data-subject rights request (GDPR Art. 12–22). The row holds ids, types, states and times; what is personal — the
// free text, the address it was made with, a rectification patch, staff's reasons — is in `sealed`, under the
// subject's data key, or under the installation's request key when the address matched no subject (subject_id "").
struct RightsRequestRow {
  std::string subject_id;
  std::string request_id;
  std::string type;     // "access" | "portability" | "rectification" | "erasure" | "restriction" | "objection" …
  std::string status;   // "received" | "verified" | "approved" | "in_progress" | "extended" | "completed" | "rejected"
  std::string channel;  // how it came: "web" | "email" | "phone" | "letter" | "portal" | "staff"
  std::string language;
  int64_t received_at = 0;
  int64_t original_due_at = 0;
  int64_t due_at = 0;  // original_due_at, or later once extended
  bool extended = false;
  std::optional<int64_t> verified_at;
  std::optional<int64_t> approved_at;
  std::optional<int64_t> closed_at;  // completed or rejected
  int64_t updated_at = 0;
  int64_t events = 0;           // history entries so far: the seq of the last one
  std::vector<uint8_t> sealed;  // sealed JSON, bound to (subject id, request id)
};

// One transition in a request's history. `note` (a reason told to the subject) is sealed like the request.
struct RequestEventRow {
  std::string subject_id;
  std::string request_id;
  int64_t seq = 0;  // 1, 2, 3 … per request
  std::string status;
  int64_t at = 0;
  std::string actor;
  std::vector<uint8_t> note;  // sealed, bound to (subject id, request id + "#" + seq); may be empty
};

// A page of rights requests, oldest receipt first. `after` is the keyset cursor (received_at, request id).
struct RequestQuery {
  std::string status;                 // "" for every status
  std::optional<int64_t> due_before;  // due_at < this
  bool open_only = false;             // neither completed nor rejected
  std::optional<std::pair<int64_t, std::string>> after;
  size_t limit = 100;
};

// A one-time code e-mailed to verify a subject's identity: only its keyed hash is stored. The two address hashes
// serve the limits on codes only, and are forgotten (ForgetCodeAddresses) once the limits no longer count the code.
struct VerificationCodeRow {
  std::string subject_id;
  std::string code_id;
  std::string request_id;
  std::vector<uint8_t> code_hash;
  std::vector<uint8_t> ip_hash;  // keyed hash of the end client's address that asked for it; empty when unknown
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t attempts = 0;
  std::optional<int64_t> used_at;     // used, or invalidated after too many attempts
  std::vector<uint8_t> address_hash;  // blind index of the e-mail address the code was sent to; empty once forgotten
};

// How many codes were issued since a time: for the subject, to the address, from the end client's address.
struct CodeCounts {
  int64_t subject = 0;
  int64_t address = 0;
  int64_t client = 0;  // 0 when the client's address is unknown
};

// Rows written before schema version 13 that still hold personal text in the clear (consent events' user agent and
// IP hash, objections' reasons, restrictions' reasons and lift notices), as the store read them: the clear values
// in the rows' opened members, their sealed members empty. core::SealLegacyPlaintext seals them once, at start.
struct LegacyPlaintext {
  std::vector<ConsentEventRow> consent_events;
  std::vector<ObjectionRow> objections;
  std::vector<RestrictionRow> restrictions;
  bool empty() const { return consent_events.empty() && objections.empty() && restrictions.empty(); }
};

// One outgoing mail. Recipient and message are sealed under the subject's data key (bound to (subject id, mail id
// + "#to") and (subject id, mail id)), or under the installation's request key when subject_id is "".
struct MailRow {
  std::string subject_id;
  std::string mail_id;
  std::string kind;  // "code" | "confirmation" | "answer_ready" | "rejection" | "extension" | "no_data"
  std::vector<uint8_t> recipient;
  std::vector<uint8_t> message;  // the whole RFC 5322 message
  int64_t created_at = 0;
  int64_t next_attempt_at = 0;
  int64_t attempts = 0;
  std::string status;  // "queued" | "sent" | "failed"
  std::optional<int64_t> sent_at;
  std::string last_error;  // no personal data
};

// Counts for operations monitoring (Store::CountOperations): no personal data.
struct OperationsCounts {
  int64_t mail_queued = 0;
  int64_t oldest_queued_mail_at = 0;  // created_at of the oldest queued mail; 0 when none is queued
  int64_t mail_failed = 0;
  int64_t webhooks_dead = 0;
  int64_t requests_overdue = 0;
};

// Which blind index: the values equal crypto::IndexKind's.
enum class IndexKind : uint8_t {
  kEmail = 1,
  kPhone = 2,
  kCustomerNumber = 3,
  kSuppression = 4,
  kLogin = 5,
  kPostalAddress = 7,
  kCountry = 8,
};

// The current copy of one national opt-out register (Reservasjonsregisteret, NIX-Telefon …): when it was imported
// and how many entries it has. The entries themselves are blind indexes only (OptOutEntry).
struct OptOutRegisterRow {
  std::string register_id;  // config::RegisterDefaults::id
  int64_t imported_at = 0;
  int64_t phones = 0;
  int64_t addresses = 0;
  std::string actor;
};

// One entry of a register: the blind index of a phone number (kPhone) or postal address (kPostalAddress), under the
// same subkey as subjects' own indexes, so the store finds the subjects a register lists by joining the two.
struct OptOutEntry {
  IndexKind kind = IndexKind::kPhone;
  std::vector<uint8_t> value;
};

// A subject listed in a register: through its phone (kPhone) or its postal address (kPostalAddress).
struct OptOutMatch {
  std::string subject_id;
  std::string register_id;
  IndexKind kind = IndexKind::kPhone;
};

// The typed operations available inside one write. Implemented by each backend over its open transaction.
class WriteTxn {
 public:
  virtual ~WriteTxn() = default;
  // Conflict if a key with this name exists.
  virtual Status InsertApiKey(const ApiKeyRow& row) = 0;
  // NotFound if no unrevoked key has this name.
  virtual Status RevokeApiKey(std::string_view name, int64_t revoked_at) = 0;
  // Records a published configuration; a snapshot with the same id is kept as it is. Sets *inserted.
  virtual Status PutConfigSnapshot(const ConfigSnapshotRow& row, bool* inserted) = 0;

  // Runs `fn` in a nested savepoint: if it fails, what it wrote is undone and the rest of the write goes on.
  virtual Status Nested(const std::function<Status()>& fn) = 0;

  // Conflict "secret_exists" if the label is taken.
  virtual Status InsertSecret(const SecretRow& row) = 0;
  virtual Status UpdateSecret(const SecretRow& row) = 0;

  // Conflict "subject_exists" if the id is taken.
  virtual Status InsertSubject(const SubjectRow& row) = 0;
  virtual Status TouchSubject(std::string_view subject_id, int64_t updated_at) = 0;
  virtual Status InsertDataKey(const DataKeyRow& row) = 0;
  // Replaces the wrappings of an existing key (rotation, adding a legal-hold key).
  virtual Status UpdateDataKey(const DataKeyRow& row) = 0;

  // Unique indexes (e-mail, customer number, login): Conflict "<kind>_taken" when the value belongs to another
  // subject; claiming one's own value again is fine.
  virtual Status ClaimUniqueIndex(IndexKind kind, const std::vector<uint8_t>& value, std::string_view subject_id) = 0;
  virtual Status ReleaseUniqueIndex(IndexKind kind, const std::vector<uint8_t>& value, std::string_view subject_id) = 0;
  // Shared indexes (phone): several subjects may hold the same value.
  virtual Status AddSharedIndex(IndexKind kind, const std::vector<uint8_t>& value, std::string_view subject_id) = 0;
  virtual Status RemoveSharedIndex(IndexKind kind, const std::vector<uint8_t>& value, std::string_view subject_id) = 0;

  // The subject's fields as this write sees them.
  virtual Result<std::vector<FieldRow>> Fields(std::string_view subject_id) = 0;
  // Inserts or replaces the field.
  virtual Status PutField(const FieldRow& row) = 0;
  virtual Status DeleteField(std::string_view subject_id, std::string_view field) = 0;
  virtual Status InsertFieldChange(const FieldChangeRow& row) = 0;

  // Conflict "record_exists" if the subject has a record with this id.
  virtual Status InsertRecord(const RecordRow& row) = 0;

  // --- Erasure and retention ---
  // The subject's key row as this write sees it.
  virtual Result<std::optional<DataKeyRow>> DataKey(std::string_view subject_id) = 0;
  // Crypto-shredding: drops the subject's data key. The legal-hold key stays (the row keeps only it) when there is
  // one; otherwise the row goes.
  virtual Status DestroyDataKey(std::string_view subject_id) = 0;
  // Drops the subject's key row altogether: the last record under legal hold is gone.
  virtual Status DeleteKeys(std::string_view subject_id) = 0;
  // Deletes every per-subject row that holds personal data (fields, change history, records without legal-hold
  // fields, consent events, objections, restrictions, visitor links and those visitors' banner choices, and the
  // tables listed in the backend's kErasedTables — queued mail and stored reports belong there), strips retained
  // records down to their legal-hold fields and marks the subject erased at `erased_at`. Adds the rows deleted per
  // table to *counts. NotFound "subject_not_found"; FailedPrecondition "already_erased".
  virtual Status EraseSubject(std::string_view subject_id, int64_t erased_at, ErasedCounts* counts) = 0;
  // Stores the tombstone's receipt.
  virtual Status InsertErasure(const ErasureRow& row) = 0;
  virtual Status SetSubjectRetention(std::string_view subject_id, std::optional<int64_t> expires_at,
                                     std::optional<int64_t> active_at) = 0;
  virtual Status SetRecordExpiry(std::string_view subject_id, std::string_view record_id,
                                 std::optional<int64_t> expires_at, std::optional<int64_t> hold_expires_at) = 0;
  // Drops the payload and reference of a record whose legal-hold fields must stay.
  virtual Status StripRecord(std::string_view subject_id, std::string_view record_id) = 0;
  // Drops the legal-hold fields of a record whose payload stays longer.
  virtual Status StripRecordHold(std::string_view subject_id, std::string_view record_id) = 0;
  virtual Status DeleteRecord(std::string_view subject_id, std::string_view record_id) = 0;
  // How many of the subject's records still carry legal-hold fields.
  virtual Result<int64_t> CountHoldRecords(std::string_view subject_id) = 0;
  // Records the end of an agreement; ending it again keeps the first end.
  virtual Status EndAgreement(const AgreementRow& row) = 0;
  // The subject's latest agreement end, if any agreement ended.
  virtual Result<std::optional<int64_t>> AgreementEnd(std::string_view subject_id) = 0;

  // The sealed members of these rows are stored; the opened ones (user_agent, ip_hash, reason, lift_notice) never.
  virtual Status InsertConsentEvent(const ConsentEventRow& row) = 0;
  virtual Status InsertObjection(const ObjectionRow& row) = 0;
  // Records staff's decision on an active objection, with its reason sealed (empty when none). NotFound
  // "objection_not_found"; FailedPrecondition "objection_decided" when it is no longer active.
  virtual Status DecideObjection(std::string_view subject_id, std::string_view objection_id, std::string_view status,
                                 const std::vector<uint8_t>& sealed_reason, int64_t decided_at,
                                 std::string_view decided_by) = 0;
  // Conflict "already_restricted" when the subject has an unlifted restriction.
  virtual Status InsertRestriction(const RestrictionRow& row) = 0;
  // Lifts the subject's restriction `restriction_id`, with the notice sealed. NotFound "not_restricted" unless it is
  // the subject's current (unlifted) restriction.
  virtual Status LiftRestriction(std::string_view subject_id, std::string_view restriction_id, int64_t lifted_at,
                                 const std::vector<uint8_t>& sealed_notice, std::string_view lifted_by) = 0;
  // Writes the sealed members of rows read by Store::ListLegacyPlaintext and empties their columns in the clear.
  virtual Status SealLegacyPlaintext(const LegacyPlaintext& sealed) = 0;

  virtual Status InsertProhibition(const ProhibitionRow& row) = 0;
  // NotFound "prohibition_not_found"; FailedPrecondition "prohibition_lifted" when it was lifted already.
  virtual Status LiftProhibition(std::string_view subject_id, std::string_view prohibition_id, int64_t lifted_at,
                                 std::string_view lifted_by) = 0;

  // Replaces the register's copy: its previous entries go and `entries` (duplicates allowed) come in, in this
  // write's transaction, so readers see either the old copy or the new one.
  virtual Status ReplaceOptOutRegister(const OptOutRegisterRow& row, const std::vector<OptOutEntry>& entries) = 0;

  virtual Status InsertVisitorConsent(const VisitorConsentRow& row) = 0;
  // Links the visitor to the subject; linking a pair again keeps the first link.
  virtual Status LinkVisitor(const VisitorLinkRow& row) = 0;

  virtual Status InsertDisclosure(const DisclosureRow& row) = 0;
  // Deletes every disclosure of the subject (erasure). Sets *deleted to how many went, when not null.
  virtual Status DeleteDisclosures(std::string_view subject_id, int64_t* deleted) = 0;

  // Conflict if a delivery with this id exists.
  virtual Status InsertWebhookDelivery(const WebhookDeliveryRow& row) = 0;
  // Writes the outcome of an attempt: status, attempts, next_attempt_at, last_status, last_error, delivered_at.
  // NotFound "delivery_not_found".
  virtual Status UpdateWebhookDelivery(const WebhookDeliveryRow& row) = 0;
  // Conflict "report_exists" if the subject has a report with this id or the token hash is taken.
  virtual Status InsertReport(const ReportRow& row) = 0;
  // Deletes one stored report (a revoked download link). NotFound "report_not_found".
  virtual Status DeleteReport(std::string_view subject_id, std::string_view report_id) = 0;
  // Deletes every stored report of the subject (erasure); answers how many went.
  virtual Result<int64_t> DeleteReportsOfSubject(std::string_view subject_id) = 0;
  // Deletes up to `limit` reports that expired at or before `before`, by the index on expires_at; answers how many.
  virtual Result<int64_t> DeleteExpiredReports(int64_t before, size_t limit) = 0;
  // Deletes up to `limit` mails sent or given up that were queued at or before `before`, oldest first; answers how
  // many went.
  virtual Result<int64_t> DeleteFinishedMail(int64_t before, size_t limit) = 0;
  // Deletes up to `limit` webhook deliveries delivered or given up that were created at or before `before`.
  virtual Result<int64_t> DeleteFinishedWebhookDeliveries(int64_t before, size_t limit) = 0;
  // Deletes up to `limit` of the oldest decision-change feed entries written at or before `before`, always keeping
  // the newest `keep` entries (at least one, so LastDecisionChange stays where it was); answers how many went. Cost
  // follows the entries deleted: the scan stops at the first newer entry.
  virtual Result<int64_t> DeleteDecisionChanges(int64_t before, int64_t keep, size_t limit) = 0;
  // Inserts the request or replaces the row with the same (subject id, request id).
  virtual Status PutRightsRequest(const RightsRequestRow& row) = 0;
  // The request as this write sees it, to change it: transitions read and write inside one write.
  virtual Result<std::optional<RightsRequestRow>> RightsRequestForUpdate(std::string_view request_id) = 0;
  virtual Status InsertRequestEvent(const RequestEventRow& row) = 0;
  // Inserts the code or replaces the row with the same (subject id, code id).
  virtual Status PutVerificationCode(const VerificationCodeRow& row) = 0;
  // The newest code issued for the request, as this write sees it.
  virtual Result<std::optional<VerificationCodeRow>> LatestVerificationCode(std::string_view subject_id,
                                                                            std::string_view request_id) = 0;
  // Codes issued since `since`: for the subject, to `address_hash`, from the client address hash `ip_hash` (0 when
  // it is empty). Codes whose addresses were forgotten count for their subject only.
  virtual Result<CodeCounts> CountVerificationCodes(std::string_view subject_id,
                                                    const std::vector<uint8_t>& address_hash,
                                                    const std::vector<uint8_t>& ip_hash, int64_t since) = 0;
  // Empties the address hashes of up to `limit` codes issued before `before`, oldest first; answers how many.
  virtual Result<int64_t> ForgetCodeAddresses(int64_t before, size_t limit) = 0;
  // Inserts the mail or replaces the row with the same (subject id, mail id).
  virtual Status PutMail(const MailRow& row) = 0;
  // Records a delivery attempt: attempts, status, next_attempt_at, sent_at and last_error of `row`. Ok without a
  // change when the mail is gone (erased meanwhile).
  virtual Status UpdateMailDelivery(const MailRow& row) = 0;
  // Deletes every mail of the subject, queued or sent (erasure); answers how many.
  virtual Result<int64_t> DeleteSubjectMail(std::string_view subject_id) = 0;

  // Notes that a decision input of the subject changed (a subject created, a consent, an objection, a restriction
  // …), so other servers on the same database refresh it in their decision index.
  virtual Status AppendDecisionChange(std::string_view subject_id, int64_t at) = 0;

  // The last entry of the audit chain, as this write sees it: seq 0 and an empty hash when the chain is empty.
  virtual Result<AuditCheckpointRow> AuditTail() = 0;
  // Appends to the chain. REQUIRES: row.seq is AuditTail().seq + 1 and row.prev_hash its hash.
  virtual Status AppendAudit(const AuditRow& row) = 0;
  virtual Result<std::optional<AuditCheckpointRow>> AuditCheckpoint() = 0;
  virtual Status PutAuditCheckpoint(const AuditCheckpointRow& row) = 0;
  // The hash of the chain's entry `seq` as this write sees it; nullopt when there is no such entry.
  virtual Result<std::optional<std::vector<uint8_t>>> AuditHashAt(int64_t seq) = 0;
  // The signed head kept in the key store (keys.db, or the schema `keystore`), apart from the data database, as this
  // write sees it; nullopt before the first one.
  virtual Result<std::optional<AuditCheckpointRow>> KeyStoreAuditHead() = 0;
  virtual Status PutKeyStoreAuditHead(const AuditCheckpointRow& row) = 0;
};

struct StoreOptions {
  // The data directory: tillit.db (data) and keys.db (key store) live here.
  std::string data_dir;
  // Which backend. Empty: SQLite in data_dir. "postgres://…" or "postgresql://…" (a libpq URI): PostgreSQL, the key
  // store in the schema `keystore` of the same database; data_dir still holds master.key.
  std::string url;
  // Create the database files if absent (init); otherwise a missing database is an error. For PostgreSQL: give an
  // existing database without tillit's schema the schema; the database itself is never created.
  bool create_if_missing = false;
  // Upper bound of requests in one group commit.
  size_t max_batch = 512;
  // Reader connections.
  size_t readers = 4;
};

class Store {
 public:
  using WriteFn = std::function<Status(WriteTxn&)>;
  using DoneFn = std::function<void(const Status&)>;

  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // Opens the store options.url names (SQLite in options.data_dir when it is empty) and applies pending migrations.
  // InvalidArgument if the url is neither empty nor a postgres:// or postgresql:// URI.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);

  // Queues `fn` for the writer. `done` runs on the writer thread with fn's status once the transaction that holds
  // it has committed (or with the failure that stopped it). fn must only use `txn` and must not block.
  virtual void Write(WriteFn fn, DoneFn done) = 0;
  // Write and wait for the commit. For the CLI and tests; never call it on an I/O thread.
  Status WriteAndWait(WriteFn fn);

  // Runs at the end of every group commit in which a write succeeded, in its own savepoint, before the commit: the
  // audit chain signs its head here. Set once, before the first write.
  virtual void SetCommitHook(WriteFn hook) = 0;

  virtual Result<std::optional<ApiKeyRow>> FindApiKeyByHash(const std::vector<uint8_t>& key_hash) = 0;
  virtual Result<std::vector<ApiKeyRow>> ListApiKeys() = 0;
  virtual Result<std::optional<ConfigSnapshotRow>> FindConfigSnapshot(std::string_view id) = 0;
  virtual Result<std::vector<ConfigSnapshotRow>> ListConfigSnapshots() = 0;

  virtual Result<std::optional<SecretRow>> FindSecret(std::string_view label) = 0;
  virtual Result<std::vector<SecretRow>> ListSecrets() = 0;

  virtual Result<std::optional<SubjectRow>> FindSubject(std::string_view subject_id) = 0;
  // Subjects newest first, after the keyset cursor (created_at, id) of the previous page's last row.
  virtual Result<std::vector<SubjectRow>> ListSubjects(std::optional<std::pair<int64_t, std::string>> after,
                                                       size_t limit) = 0;
  virtual Result<std::optional<DataKeyRow>> FindDataKey(std::string_view subject_id) = 0;
  // Data keys with a wrapping under a KEK version older than `version`, by subject id after `after_subject_id`.
  virtual Result<std::vector<DataKeyRow>> ListDataKeysBelow(uint32_t version, std::string_view after_subject_id,
                                                            size_t limit) = 0;

  // How many data keys have a wrapping under a KEK version older than `version`.
  virtual Result<int64_t> CountDataKeysBelow(uint32_t version) = 0;

  virtual Result<std::optional<std::string>> FindUniqueIndex(IndexKind kind, const std::vector<uint8_t>& value) = 0;
  virtual Result<std::vector<std::string>> FindSharedIndex(IndexKind kind, const std::vector<uint8_t>& value) = 0;

  virtual Result<std::vector<FieldRow>> ListFields(std::string_view subject_id) = 0;
  // Oldest first.
  virtual Result<std::vector<FieldChangeRow>> ListFieldChanges(std::string_view subject_id) = 0;
  virtual Result<std::vector<RecordRow>> ListRecords(std::string_view subject_id, const RecordQuery& query) = 0;
  virtual Result<std::optional<RecordRow>> FindRecord(std::string_view subject_id, std::string_view record_id) = 0;

  // A subject's consent events, objections and restrictions, oldest first.
  virtual Result<std::vector<ConsentEventRow>> ListConsentEvents(std::string_view subject_id) = 0;
  virtual Result<std::vector<ObjectionRow>> ListObjections(std::string_view subject_id) = 0;
  virtual Result<std::vector<RestrictionRow>> ListRestrictions(std::string_view subject_id) = 0;
  // Every subject's consent events / objections / unlifted restrictions, ordered by (subject_id, id), after the
  // keyset cursor (subject_id, id) of the previous page: what the decision index is rebuilt from at start.
  virtual Result<std::vector<ConsentEventRow>> ScanConsentEvents(std::string_view after_subject,
                                                                 std::string_view after_id, size_t limit) = 0;
  virtual Result<std::vector<ObjectionRow>> ScanObjections(std::string_view after_subject, std::string_view after_id,
                                                           size_t limit) = 0;
  virtual Result<std::vector<RestrictionRow>> ScanActiveRestrictions(std::string_view after_subject,
                                                                     std::string_view after_id, size_t limit) = 0;
  // Up to `limit` rows of each kind that still hold text in the clear (see LegacyPlaintext), by a partial index that
  // holds only those rows: empty, and cheap, once they are sealed.
  virtual Result<LegacyPlaintext> ListLegacyPlaintext(size_t limit) = 0;
  // Whether a code issued before `before` still has an address hash (WriteTxn::ForgetCodeAddresses would change it).
  virtual Result<bool> HasCodeAddressesBefore(int64_t before) = 0;

  // A subject's prohibitions, oldest first, lifted ones included; every subject's unlifted ones by (subject_id, id)
  // after a keyset cursor (for the decision index at start).
  virtual Result<std::vector<ProhibitionRow>> ListProhibitions(std::string_view subject_id) = 0;
  virtual Result<std::vector<ProhibitionRow>> ScanActiveProhibitions(std::string_view after_subject,
                                                                     std::string_view after_id, size_t limit) = 0;

  // The opt-out registers imported, by id.
  virtual Result<std::vector<OptOutRegisterRow>> ListOptOutRegisters() = 0;
  // The registers that list the subject (its phone or postal-address index is an entry), or, for an empty
  // `subject_id`, every subject any register lists. Ordered by (subject_id, register_id, kind).
  virtual Result<std::vector<OptOutMatch>> ListOptOutMatches(std::string_view subject_id) = 0;
  // The registers whose current copy lists `value` (a kPhone or kPostalAddress blind index), by id.
  virtual Result<std::vector<std::string>> FindOptOutRegisters(IndexKind kind, const std::vector<uint8_t>& value) = 0;
  // The values of one kind of shared index a subject holds (its country), or, for an empty `subject_id`, every
  // subject's, as (subject_id, value) ordered by (value, subject_id) after the keyset cursor (after_value,
  // after_subject).
  virtual Result<std::vector<std::pair<std::string, std::vector<uint8_t>>>> ScanSharedIndex(
      IndexKind kind, std::string_view subject_id, const std::vector<uint8_t>& after_value,
      std::string_view after_subject, size_t limit) = 0;
  // A subject's disclosures, oldest first (by when they happened).
  virtual Result<std::vector<DisclosureRow>> ListDisclosures(std::string_view subject_id) = 0;

  // Pending deliveries whose next attempt is due at `now`, soonest first.
  virtual Result<std::vector<WebhookDeliveryRow>> DueWebhookDeliveries(int64_t now, size_t limit) = 0;
  // Deliveries newest first; `status` "" for every status.
  virtual Result<std::vector<WebhookDeliveryRow>> ListWebhookDeliveries(std::string_view status, size_t limit) = 0;
  virtual Result<std::optional<WebhookDeliveryRow>> FindWebhookDelivery(std::string_view delivery_id) = 0;

  // A visitor's cookie-banner choices and the subjects it was linked to, oldest first.
  virtual Result<std::vector<VisitorConsentRow>> ListVisitorConsents(std::string_view visitor_id) = 0;
  virtual Result<std::vector<VisitorLinkRow>> ListVisitorLinks(std::string_view visitor_id) = 0;
  // Every visitor id with a choice or a link, in order, after `after` (a keyset cursor).
  virtual Result<std::vector<std::string>> ListVisitorIds(std::string_view after, size_t limit) = 0;

  // The stored report whose download token hashes to `token_hash`, expired or not; nullopt when none.
  virtual Result<std::optional<ReportRow>> FindReportByToken(const std::vector<uint8_t>& token_hash) = 0;
  // A subject's stored reports, oldest first.
  virtual Result<std::vector<ReportRow>> ListReports(std::string_view subject_id) = 0;
  virtual Result<std::optional<RightsRequestRow>> FindRightsRequest(std::string_view request_id) = 0;
  virtual Result<std::vector<RightsRequestRow>> ListRightsRequests(const RequestQuery& query) = 0;
  // A request's history, in order.
  virtual Result<std::vector<RequestEventRow>> ListRequestEvents(std::string_view request_id) = 0;
  // Queued mail whose next attempt is due at `now`, oldest first.
  virtual Result<std::vector<MailRow>> ListDueMail(int64_t now, size_t limit) = 0;
  // Every mail of the subject, oldest first.
  virtual Result<std::vector<MailRow>> ListSubjectMail(std::string_view subject_id) = 0;

  // The decision changes after `after_seq`, in order: (seq, subject id). Seqs become visible in order, since every
  // write transaction holds the store's writer lock.
  virtual Result<std::vector<std::pair<int64_t, std::string>>> ReadDecisionChanges(int64_t after_seq, size_t limit) = 0;
  // The seq of the last decision change, 0 when none.
  virtual Result<int64_t> LastDecisionChange() = 0;

  // Audit entries with seq > after_seq, in order.
  virtual Result<std::vector<AuditRow>> ReadAudit(int64_t after_seq, size_t limit) = 0;
  // A subject's audit entries with seq > after_seq, in order.
  virtual Result<std::vector<AuditRow>> ReadSubjectAudit(std::string_view subject_id, int64_t after_seq,
                                                         size_t limit) = 0;
  virtual Result<std::optional<AuditCheckpointRow>> FindAuditCheckpoint() = 0;
  // The signed head kept in the key store; nullopt before the first one.
  virtual Result<std::optional<AuditCheckpointRow>> FindKeyStoreAuditHead() = 0;

  // The suppression-list entries an erasure of the subject left (keyed hashes), for copying a store.
  virtual Result<std::vector<std::vector<uint8_t>>> ListSuppressions(std::string_view subject_id) = 0;
  // The tombstone's receipt of an erased subject.
  virtual Result<std::optional<ErasureRow>> FindErasure(std::string_view subject_id) = 0;
  // What an operator watches (core/install/operations.h): queued mail and the creation time of the oldest (0 when none),
  // mail given up, webhook deliveries given up ("dead"), and open rights requests due before `now`. Counts only.
  virtual Result<OperationsCounts> CountOperations(int64_t now) = 0;
  // Unerased subjects whose expires_at <= now, soonest first; and records whose expires_at or hold_expires_at <= now.
  // Both walk an index on the expiry, so their cost follows the number of expired rows.
  virtual Result<std::vector<SubjectRow>> ListExpiredSubjects(int64_t now, size_t limit) = 0;
  virtual Result<std::vector<RecordRow>> ListExpiredRecords(int64_t now, size_t limit) = 0;
  // Makes what has been committed leave the write-ahead log: SQLite folds the WAL of the data and key databases into
  // them and truncates it (wal_checkpoint(TRUNCATE)); PostgreSQL runs CHECKPOINT where the role may (superuser or
  // pg_checkpoint) and otherwise relies on the server's own checkpoints, answering Ok with *note saying so.
  virtual Status Checkpoint(std::string* note) = 0;
  // Makes row versions that updates superseded leave the files of `tables` (data tables, by name): PostgreSQL
  // rewrites each with VACUUM FULL where the role owns it and otherwise answers Ok with *note saying which it could
  // not; SQLite overwrites what an update frees (secure_delete) and needs only Checkpoint. For a one-off step that
  // removed text in the clear. Blocks the tables' readers while it runs.
  virtual Status Compact(const std::vector<std::string>& tables, std::string* note) = 0;

  // The schema version the data database is at.
  virtual Result<int> SchemaVersion() = 0;

  // Finishes every queued write, then closes the databases cleanly. Further writes fail with Unavailable.
  // Idempotent.
  virtual void Close() = 0;
};

}  // namespace tillit::store

#endif  // TILLIT_STORE_STORE_H_
