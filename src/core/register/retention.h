// Retention: how long each piece of personal data may be kept, worked out from the configuration's rules and their
// anchor events, and the sweep that deletes what has expired.
//
// Expiry is computed when data is written and again when an anchor event happens (an agreement ends, the subject
// is erased), and stored beside the data with an index on it, so a sweep's cost follows the number of expired rows:
//   - a record's payload and reference expire at the earliest expiry of the non-accounting rules for its kind or
//     categories (when none applies: its accounting rule's, if the record has no legal-hold fields);
//   - a record's legal-hold (accounting) fields expire at the latest expiry of the accounting rules for its kind or
//     categories;
//   - the subject as a whole expires at the latest expiry of the rules for the categories of its profile fields
//     (last_activity and agreement_end rules make this "erase inactive subjects" / "erase N months after the
//     subscription ended"); it is then erased like an erasure request.
// An anchor that has not happened yet (an agreement still running, a subject not erased) leaves the expiry unset.
// `last_activity` rules on records follow the subject: they go when the inactive subject is erased.
// Anchors on the fiscal year use the controller's fiscal year end (UTC calendar): the anchor is the first moment
// after the fiscal year that holds the event; `calendar_year_end_after_fy` is the end of the calendar year in which
// that fiscal year ended (Swedish and Finnish voucher rules).
//
// Thread safety: RetentionSweeper methods may be called from any thread; one sweep runs at a time per sweeper.
#ifndef TILLIT_CORE_REGISTER_RETENTION_H_
#define TILLIT_CORE_REGISTER_RETENTION_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "core/audit/audit.h"
#include "store/store.h"
#include "util/stop_signal.h"
#include "util/clock.h"
#include "util/status.h"

namespace tillit::core {

class Erasure;

// The events retention rules are anchored on, in microseconds; unset when it has not happened.
struct Anchors {
  int64_t collected = 0;
  std::optional<int64_t> last_activity;
  std::optional<int64_t> agreement_end;
  std::optional<int64_t> erased;
};

// When data under `rule` expires; nullopt while its anchor is pending.
std::optional<int64_t> RuleExpiry(const config::Config& config, const config::RetentionRule& rule,
                                  const Anchors& anchors);
// The first moment after the fiscal year that holds `at`.
int64_t FiscalYearEndAfter(const config::Config& config, int64_t at);

struct RecordExpiry {
  std::optional<int64_t> expires_at;
  std::optional<int64_t> hold_expires_at;
};
// The expiries of a record of `kind` with `categories`, with or without legal-hold fields.
RecordExpiry ExpiryOfRecord(const config::Config& config, std::string_view kind,
                            const std::vector<std::string>& categories, bool has_hold, const Anchors& anchors);
// The accounting rule that keeps the legal-hold fields of a record of `kind` with `categories` longest under
// `anchors` (a rule whose anchor is pending counts as longest); nullptr when no accounting rule applies.
const config::RetentionRule* HoldingRule(const config::Config& config, std::string_view kind,
                                         const std::vector<std::string>& categories, const Anchors& anchors);
// Whether an accounting rule covers records of `kind` or one of `categories`: only those may carry legal-hold fields.
bool HasAccountingRule(const config::Config& config, std::string_view kind, const std::vector<std::string>& categories);

// Recomputes the subject's expiry from its profile fields as `txn` sees them and records `active_at` (when set) as
// its last activity. Call inside every write that changes fields, adds activity or ends an agreement.
Status RefreshSubjectExpiry(const config::Config& config, store::WriteTxn& txn, std::string_view subject_id,
                            int64_t created_at, std::optional<int64_t> active_at);

// Days a delivered or given-up webhook delivery stays in the outbox (ids and event types only) for the operator.
inline constexpr int64_t kWebhookKeepDays = 90;

// Days the decision-change feed keeps an entry. Servers read the feed every fraction of a second and a server that
// starts loads the whole index, so only a server stopped mid-read for a week could miss a change.
inline constexpr int64_t kDecisionFeedKeepDays = 7;
// ... and the newest entries are kept whatever their age, for a server that lags behind a burst of changes.
inline constexpr int64_t kDecisionFeedKeepEntries = 10000;

// What a sweep did (or, dry, would do), by category and record kind.
struct SweepReport {
  int64_t subjects_erased = 0;
  int64_t subject_records_deleted = 0;         // records that went with their erased subject
  int64_t subject_records_held = 0;            // ... and those that kept only their accounting fields
  int64_t records_deleted = 0;
  int64_t records_stripped = 0;                // payload gone, legal-hold fields kept
  int64_t holds_released = 0;                  // legal-hold fields gone, the rest kept
  int64_t keys_deleted = 0;                    // legal-hold keys of erased subjects with nothing left under hold
  int64_t reports_deleted = 0;                 // stored access reports past their download window
  int64_t mail_deleted = 0;                    // sent or failed mail older than [mail] keep_days
  int64_t feed_entries_deleted = 0;            // decision-change feed entries older than kDecisionFeedKeepDays
  int64_t webhook_deliveries_deleted = 0;      // delivered or dead webhook deliveries older than kWebhookKeepDays
  std::map<std::string, int64_t> by_kind;      // records deleted or stripped by kind, erased subjects' included
  std::map<std::string, int64_t> by_category;  // records by category, plus subjects' profile categories
};

class RetentionSweeper {
 public:
  struct Options {
    size_t batch = 500;
    bool dry_run = false;
    // Called after each batch with the rows handled so far and the rows found so far.
    std::function<void(int64_t done, int64_t found)> progress;
  };

  // `erasure` erases expired subjects; everything passed in must outlive the sweeper.
  RetentionSweeper(std::shared_ptr<const config::Config> config, store::Store& store, Erasure& erasure, Clock& clock);
  ~RetentionSweeper() { Stop(); }

  // One sweep at the clock's now: expired subjects are erased, expired records deleted or stripped, in batches;
  // the sweep is audited ("retention.sweep"). A dry run changes nothing and reports what would go.
  Result<SweepReport> Sweep(const Options& options);

  // Sweeps every `interval` on a background thread until Stop.
  void Start(std::chrono::milliseconds interval);
  void Stop();

 private:
  std::shared_ptr<const config::Config> config_;
  store::Store& store_;
  Erasure& erasure_;
  Clock& clock_;
  Mutex run_mu_;  // one sweep at a time
  StopSignal stop_;
  std::thread thread_;
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_REGISTER_RETENTION_H_
