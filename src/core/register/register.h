// Register: the customer register — subjects with their identifiers and profile fields, the change history of each
// field, and records of the customer history (orders, payments, activity …). Everything personal is sealed under
// the subject's data key before it reaches the store; identifiers are found through blind indexes. Every read names
// a purpose and returns only the categories that purpose uses in the configuration; every read and change is an
// audit entry written in the same group commit, and the answer is given once that commit has completed.
//
// The services answer through callbacks, which run on the store's writer thread (or on the caller's thread for an
// early error): never block in them. Pages, the HTTP routes and the CLI call the same methods.
//
// Thread safety: all methods may be called from any thread.
#ifndef TILLIT_CORE_REGISTER_REGISTER_H_
#define TILLIT_CORE_REGISTER_REGISTER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/audit/audit.h"
#include "core/consent/decisions.h"
#include "crypto/blind_index.h"
#include "crypto/keyring.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/random.h"
#include "util/status.h"

namespace tillit::core {

class Webhooks;

// The street, postal code and country of a stored contact.address: an object with "street" (or "street_address",
// "line1"), "postal_code" (or "postcode", "zip") and optionally "country" (ISO code). Empty strings for what it does
// not hold; a plain string address holds none of them.
struct PostalParts {
  std::string street;
  std::string postal_code;
  std::string country;
};
PostalParts PostalPartsOf(const nlohmann::json& address);

// The shared indexes tillit derives from a subject's phone (its stored value, JSON) and postal address
// (contact.address, JSON), either of which may be absent: the postal address (kPostalAddress, matched against the
// postal opt-out registers) and the subject's country (kCountry: the address's country, else the phone number's,
// none when neither tells: SubjectCountry), which decides the country's marketing rules.
std::string SubjectCountry(const std::optional<std::string>& phone, const std::optional<std::string>& address);
std::vector<std::pair<store::IndexKind, std::vector<uint8_t>>> DerivedIndexes(
    const crypto::BlindIndexer& indexer, std::string_view controller_country, const std::optional<std::string>& phone,
    const std::optional<std::string>& address);

// An identifier tillit can find a subject by, and the category it belongs to.
struct IdentifierSpec {
  std::string_view name;      // "email"
  std::string_view category;  // "contact.email"
  store::IndexKind index;
  bool unique;  // e-mail, customer number and login are unique; a phone may be shared (a family phone)
};
const std::vector<IdentifierSpec>& Identifiers();
const IdentifierSpec* FindIdentifier(std::string_view name);

// The suppression list (the kSuppression blind index of an e-mail address) names, per address, the erased subject
// it belonged to, or, for an opt-out from an address no subject had, this prefix and the channels opted out of
// ("opt-out:phone,post"). A later sign-up with such an address starts with objections to those channels.
inline constexpr std::string_view kOptOutOwner = "opt-out:";

// Built-in sources of personal data; a configuration may declare more ([[source]]).
const std::vector<std::string>& BuiltinSources();

struct SubjectInput {
  std::map<std::string, std::string> identifiers;  // by identifier name
  std::map<std::string, nlohmann::json> fields;    // by category id
  std::string source = "subject";                  // where the data came from, for fields without their own
  std::map<std::string, std::string> sources;      // per identifier name or category id
  std::optional<int64_t> collected_at;             // when it was collected; now when absent
};

struct FieldValue {
  nlohmann::json value;
  std::string source;
  int64_t collected_at = 0;
  int64_t updated_at = 0;
};

struct SubjectView {
  store::SubjectRow subject;
  std::map<std::string, FieldValue> identifiers;  // by identifier name
  std::map<std::string, FieldValue> fields;       // by category id
  std::vector<std::string> withheld;              // categories held but not used by the purpose read
};

struct PatchResult {
  std::string id;
  int64_t updated_at = 0;
  std::vector<std::string> changed;  // identifier names and category ids
};

struct ChangeView {
  std::string change_id;
  std::string field;   // identifier name or category id
  std::string action;  // "collected" | "changed" | "removed"
  std::optional<nlohmann::json> previous;
  int64_t at = 0;
  std::string actor;
  std::string source;
};

struct SubjectSummary {
  std::string id;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::string source;
  bool erased = false;
};

struct SubjectPage {
  std::vector<SubjectSummary> subjects;
  std::string next_cursor;  // empty on the last page
};

struct RecordInput {
  std::string subject_id;
  std::string kind;
  std::vector<std::string> categories;
  std::optional<int64_t> occurred_at;  // now when absent
  nlohmann::json payload;
  std::string reference;  // e.g. an order number; may be empty
  // The accounting fields a bookkeeping law requires to keep (amounts, VAT, invoice number …): sealed under the
  // subject's legal-hold key, so they outlive an erasure, readable then only for `accounting` and `legal_claims`.
  // Only for records an accounting retention rule covers.
  std::optional<nlohmann::json> accounting;
};

struct RecordView {
  std::string id;
  std::string kind;
  std::vector<std::string> categories;
  int64_t occurred_at = 0;
  int64_t created_at = 0;
  nlohmann::json payload;  // null once the payload's time is up or the subject was erased
  std::optional<std::string> reference;
  std::optional<nlohmann::json> accounting;  // the legal-hold fields, when the record has them
  std::optional<int64_t> expires_at;
  std::optional<int64_t> hold_expires_at;
};

struct RecordFilter {
  std::string kind;
  std::optional<int64_t> since;
  std::string cursor;
  size_t limit = 100;
};

struct RecordPage {
  std::vector<RecordView> records;
  std::string next_cursor;
  size_t withheld = 0;  // records on this page whose categories the purpose does not use
};

struct BulkError {
  size_t index = 0;  // position in the input
  Status status;
};

struct BulkReport {
  std::vector<std::string> record_ids;  // of the stored records, in input order
  std::vector<BulkError> errors;
};

class Register {
 public:
  template <typename T>
  using Done = std::function<void(Result<T>)>;

  // Everything passed in must outlive the Register.
  // With `decisions`, reads pass the decision for their subject and purpose (FailedPrecondition with the rule as
  // reason when it denies) and new subjects are added to it after their commit.
  Register(std::shared_ptr<const config::Config> config, store::Store& store, const crypto::Keyring& keyring,
           const crypto::BlindIndexer& indexer, Clock& clock, Random& random, DecisionIndex* decisions = nullptr);

  // Creates a subject; answers its id. InvalidArgument for bad input, Conflict "email_taken" /
  // "customer_number_taken" / "login_taken" when another subject has the identifier.
  void Create(SubjectInput input, Actor actor, Done<std::string> done);

  // Keeps an opt-out of `channels` (email, sms, phone, post) from `email` when no subject has that address: the
  // address's keyed hash goes on the suppression list with the channels (audited as "suppression.add", without the
  // address), so Create starts a later sign-up with it opted out. Answers whether it was kept (false when a subject
  // has the address: the objection request carries the opt-out then). InvalidArgument "invalid_email".
  void SuppressOptOut(std::string email, std::vector<std::string> channels, Actor actor, Done<bool> done);

  // The subject as `purpose` may see it. NotFound "subject_not_found".
  void Get(std::string id, Actor actor, std::string purpose, Done<SubjectView> done);

  // The subjects with identifier `name` = `value` (several for a shared phone; none is an empty list).
  void Find(std::string name, std::string value, Actor actor, std::string purpose, Done<std::vector<SubjectView>> done);

  // Applies a JSON Merge Patch (RFC 7396) of {"identifiers": {…}, "fields": {…}, "source": "…"}: null removes.
  // Keeps each previous value in the change history.
  void Patch(std::string id, nlohmann::json patch, Actor actor, Done<PatchResult> done);

  // The change history, oldest first, with previous values of the categories `purpose` uses.
  void History(std::string id, Actor actor, std::string purpose, Done<std::vector<ChangeView>> done);

  // Subjects newest first; no personal data, so neither a purpose nor an audit entry. InvalidArgument for a bad
  // cursor.
  Result<SubjectPage> List(std::string_view cursor, size_t limit);

  // Stores a record; answers its id. A sale (kind order or agreement) also records the subject as an existing
  // customer (consent event "existing_customer", method "checkout") for each direct-marketing purpose the subject
  // has no consent event for yet: the existing-customer exception of decisions then applies where the subject's
  // country allows it.
  void AddRecord(RecordInput input, Actor actor, Done<std::string> done);
  // Stores many records, each on its own: a bad one is reported by position and does not stop the others.
  void AddRecords(std::vector<RecordInput> inputs, Actor actor, Done<BulkReport> done);
  // A page of the subject's records, newest first, holding only records whose categories `purpose` uses.
  void ListRecords(std::string id, RecordFilter filter, Actor actor, std::string purpose, Done<RecordPage> done);

  // Records that the subject's agreement `ref` (a subscription) ended at `ended_at` (now when absent): the anchor
  // of `agreement_end` retention rules. Answers the end recorded (ending it again keeps the first end).
  void EndAgreement(std::string id, std::string ref, std::optional<int64_t> ended_at, Actor actor, Done<int64_t> done);

  // The subject's audit entries: who accessed or changed their data, when and why.
  void AuditTrail(std::string id, Actor actor, std::string purpose, int64_t after_seq, size_t limit,
                  Done<std::vector<store::AuditRow>> done);

  const config::Config& config() const { return *config_; }

  // Patches then emit "subject.rectified" in their write, to the recipients that received a changed category.
  // `webhooks` must outlive the Register; set before first use.
  void SetWebhooks(const Webhooks* webhooks) { webhooks_ = webhooks; }

 private:
  struct SealedSubject;
  struct OpenedSubject;

  Result<const config::Purpose*> PurposeOf(std::string_view purpose) const;
  Result<SealedSubject> SealNew(const SubjectInput& input);
  Result<OpenedSubject> OpenSubject(std::string_view id);
  Result<SubjectView> ViewOf(const OpenedSubject& opened, const config::Purpose& purpose);
  Result<std::vector<uint8_t>> IndexOf(const IdentifierSpec& spec, std::string_view raw) const;
  Result<store::RecordRow> SealRecord(const RecordInput& input, const crypto::SecretKey& key, int64_t now);
  // Inside the write: seals `accounting` (when set) under the subject's legal-hold key, creating that key on first
  // use, sets the record's expiries and inserts it. With `refresh_subject`, also records the activity and works out
  // the subject's expiry again (a bulk write does that once per subject instead).
  Status FinishRecord(store::WriteTxn& txn, store::RecordRow& row, const std::optional<std::string>& accounting,
                      int64_t now, bool refresh_subject = true);
  Result<crypto::SecretKey> DataKeyOf(std::string_view subject_id);
  // The existing-customer events a record makes: a sale (a record of kind order or agreement) makes the subject an
  // existing customer from the record's date, for every direct-marketing purpose the subject has no consent event
  // for yet (a withdrawal or refusal made earlier stands). `seen` lists the (subject, purpose) pairs already given
  // an event in the same write.
  Result<std::vector<store::ConsentEventRow>> CustomerEvents(const store::RecordRow& row, const std::string& actor,
                                                             int64_t now,
                                                             std::set<std::pair<std::string, std::string>>& seen);
  Status CheckSource(std::string_view source) const;
  // Ok when the decision for (subject, purpose) allows; FailedPrecondition with the rule as reason otherwise.
  Status CheckDecision(std::string_view subject_id, std::string_view purpose) const;
  // Appends `events` in one write and then answers `value` (or the write's failure) through `done`.
  template <typename T>
  void AuditThen(std::vector<AuditEvent> events, T value, Done<T> done);

  std::shared_ptr<const config::Config> config_;
  store::Store& store_;
  const crypto::Keyring& keyring_;
  const crypto::BlindIndexer& indexer_;
  Clock& clock_;
  Random& random_;
  DecisionIndex* decisions_;
  const Webhooks* webhooks_ = nullptr;
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_REGISTER_REGISTER_H_
