#include "core/register/retention.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "core/register/erasure.h"

namespace tillit::core {
namespace {

using namespace std::chrono;
using config::Anchor;

bool Applies(const config::RetentionRule& rule, std::string_view kind, const std::vector<std::string>& categories) {
  if (!rule.record_kind.empty()) return rule.record_kind == kind;
  return std::find(categories.begin(), categories.end(), rule.category) != categories.end();
}

int64_t StartOfYear(int year) { return ToMicros(TimePoint(sys_days{std::chrono::year{year} / January / 1})); }

}  // namespace

int64_t FiscalYearEndAfter(const config::Config& config, int64_t at) {
  const auto day = floor<days>(FromMicros(at));
  const int y = static_cast<int>(year_month_day{day}.year());
  for (int year = y - 1; year <= y + 1; ++year) {
    year_month_day end{std::chrono::year{year} / month{static_cast<unsigned>(config.controller.fiscal_year_end_month)} /
                       std::chrono::day{static_cast<unsigned>(config.controller.fiscal_year_end_day)}};
    if (!end.ok()) end = end.year() / end.month() / last;
    const int64_t after = ToMicros(TimePoint(sys_days{end} + days{1}));
    if (after > at) return after;
  }
  return ToMicros(TimePoint(sys_days{std::chrono::year{y + 2} / January / 1}));
}

std::optional<int64_t> RuleExpiry(const config::Config& config, const config::RetentionRule& rule,
                                  const Anchors& anchors) {
  std::optional<int64_t> anchor;
  switch (rule.anchor) {
    case Anchor::kCollected:
      anchor = anchors.collected;
      break;
    case Anchor::kLastActivity:
      anchor = anchors.last_activity;
      break;
    case Anchor::kAgreementEnd:
      anchor = anchors.agreement_end;
      break;
    case Anchor::kErased:
      anchor = anchors.erased;
      break;
    case Anchor::kFiscalYearEnd:
      anchor = FiscalYearEndAfter(config, anchors.collected);
      break;
    case Anchor::kCalendarYearEndAfterFy: {
      // The fiscal year ends the day before FiscalYearEndAfter; the calendar year it ends in runs out after.
      const int64_t fy_after = FiscalYearEndAfter(config, anchors.collected);
      const auto last_day = floor<days>(FromMicros(fy_after)) - days{1};
      anchor = StartOfYear(static_cast<int>(year_month_day{last_day}.year()) + 1);
      break;
    }
  }
  if (!anchor) return std::nullopt;
  return ToMicros(config::AddDuration(FromMicros(*anchor), rule.duration));
}

const config::RetentionRule* HoldingRule(const config::Config& config, std::string_view kind,
                                         const std::vector<std::string>& categories, const Anchors& anchors) {
  Anchors record_anchors = anchors;
  record_anchors.last_activity.reset();
  const config::RetentionRule* best = nullptr;
  std::optional<int64_t> best_at;
  for (const auto& rule : config.retention) {
    if (!rule.accounting || !Applies(rule, kind, categories)) continue;
    const auto at = RuleExpiry(config, rule, record_anchors);
    if (best == nullptr || (best_at && (!at || *at > *best_at))) {
      best = &rule;
      best_at = at;
    }
  }
  return best;
}

bool HasAccountingRule(const config::Config& config, std::string_view kind,
                       const std::vector<std::string>& categories) {
  return std::any_of(config.retention.begin(), config.retention.end(),
                     [&](const auto& r) { return r.accounting && Applies(r, kind, categories); });
}

RecordExpiry ExpiryOfRecord(const config::Config& config, std::string_view kind,
                            const std::vector<std::string>& categories, bool has_hold, const Anchors& anchors) {
  // last_activity rules on records follow the subject's inactivity erasure, so they set no record expiry here.
  Anchors record_anchors = anchors;
  record_anchors.last_activity.reset();
  RecordExpiry out;
  bool any_plain = false;
  bool plain_pending = false;
  bool any_hold = false;
  bool hold_pending = false;
  std::optional<int64_t> hold;
  std::optional<int64_t> plain;
  for (const auto& rule : config.retention) {
    if (!Applies(rule, kind, categories)) continue;
    const auto at = RuleExpiry(config, rule, record_anchors);
    if (rule.accounting) {
      any_hold = true;
      if (!at) hold_pending = true;
      if (at && (!hold || *at > *hold)) hold = at;
    } else {
      any_plain = true;
      if (!at) plain_pending = true;
      if (at && (!plain || *at < *plain)) plain = at;
    }
  }
  (void)plain_pending;
  out.expires_at = plain;
  if (!any_plain && !has_hold && any_hold && !hold_pending) out.expires_at = hold;
  if (has_hold && any_hold && !hold_pending) out.hold_expires_at = hold;
  return out;
}

Status RefreshSubjectExpiry(const config::Config& config, store::WriteTxn& txn, std::string_view subject_id,
                            int64_t created_at, std::optional<int64_t> active_at) {
  TILLIT_ASSIGN_OR_RETURN(auto fields, txn.Fields(subject_id));
  TILLIT_ASSIGN_OR_RETURN(auto agreement_end, txn.AgreementEnd(subject_id));
  std::optional<int64_t> last_activity = active_at;
  if (!last_activity) {
    // The stored last activity is not in Fields: take the latest field change as a lower bound.
    last_activity = created_at;
    for (const auto& f : fields) last_activity = std::max(*last_activity, f.updated_at);
  }
  std::optional<int64_t> latest;
  bool pending = false;
  bool any = false;
  for (const auto& field : fields) {
    for (const auto& rule : config.retention) {
      if (rule.category != field.field) continue;
      Anchors anchors{field.collected_at, last_activity, agreement_end, std::nullopt};
      auto at = RuleExpiry(config, rule, anchors);
      any = true;
      if (!at) {
        pending = true;
      } else if (!latest || *at > *latest) {
        latest = at;
      }
    }
  }
  std::optional<int64_t> expires;
  if (any && !pending) expires = latest;
  return txn.SetSubjectRetention(subject_id, expires, active_at);
}

RetentionSweeper::RetentionSweeper(std::shared_ptr<const config::Config> config, store::Store& store, Erasure& erasure,
                                   Clock& clock)
    : config_(std::move(config)), store_(store), erasure_(erasure), clock_(clock) {}

Result<SweepReport> RetentionSweeper::Sweep(const Options& options) {
  MutexLock run(run_mu_);
  SweepReport report;
  const int64_t now = ToMicros(clock_.Now());
  const size_t batch = std::max<size_t>(options.batch, 1);
  int64_t found = 0;
  int64_t done = 0;

  // Subjects whose time is up are erased like an erasure request, a batch per write. A dry run counts what their
  // erasure would delete the way the erasure does, so a run after it reports the same.
  std::set<std::string> erasing;  // dry run: the subjects a run would erase
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto subjects, store_.ListExpiredSubjects(now, options.dry_run ? 100000 : batch));
    if (subjects.empty()) break;
    found += static_cast<int64_t>(subjects.size());
    std::vector<std::string> ids;
    for (const auto& s : subjects) {
      TILLIT_ASSIGN_OR_RETURN(auto fields, store_.ListFields(s.id));
      for (const auto& f : fields) ++report.by_category[f.field];
      ids.push_back(s.id);
    }
    if (options.dry_run) {
      report.subjects_erased += static_cast<int64_t>(ids.size());
      for (const auto& id : ids) {
        erasing.insert(id);
        store::RecordQuery query;
        query.limit = 1000;
        while (true) {
          TILLIT_ASSIGN_OR_RETURN(auto page, store_.ListRecords(id, query));
          for (const auto& r : page) {
            if (r.hold.empty()) {
              ++report.subject_records_deleted;
              ++report.by_kind[r.kind];
            } else {
              ++report.subject_records_held;
            }
          }
          if (page.size() < query.limit) break;
          query.before_occurred_at = page.back().occurred_at;
          query.before_record_id = page.back().record_id;
        }
      }
      break;
    }
    Erasure::BulkOptions bulk;
    bulk.batch = batch;
    TILLIT_ASSIGN_OR_RETURN(BulkErasure erased, erasure_.EraseMany(ids, "retention", Actor::System(), bulk));
    report.subjects_erased += erased.erased;
    report.subject_records_held += erased.records_held;
    for (const auto& [kind, n] : erased.records_deleted) {
      report.subject_records_deleted += n;
      report.by_kind[kind] += n;
    }
    done += static_cast<int64_t>(ids.size());
    if (options.progress) options.progress(done, found);
    if (erased.erased == 0) break;  // nothing could be erased: do not list the same subjects again
  }

  // Records: whole records go; a record whose legal-hold fields must stay loses its payload; a record whose payload
  // stays longer loses its legal-hold fields.
  while (true) {
    TILLIT_ASSIGN_OR_RETURN(auto rows, store_.ListExpiredRecords(now, options.dry_run ? 100000 : batch));
    if (rows.empty()) break;
    found += static_cast<int64_t>(rows.size());
    struct Step {
      std::string subject_id;
      std::string record_id;
      int action;  // 0 delete, 1 strip payload, 2 strip hold
    };
    std::vector<Step> steps;
    for (const auto& r : rows) {
      if (erasing.contains(r.subject_id)) continue;  // a dry run counted it with its subject's erasure
      const bool payload_gone = r.payload.empty() || (r.expires_at && *r.expires_at <= now);
      const bool hold_gone = r.hold.empty() || (r.hold_expires_at && *r.hold_expires_at <= now);
      const int action = payload_gone && hold_gone ? 0 : payload_gone ? 1 : 2;
      switch (action) {
        case 0:
          ++report.records_deleted;
          break;
        case 1:
          ++report.records_stripped;
          break;
        default:
          ++report.holds_released;
      }
      ++report.by_kind[r.kind];
      for (const auto& c : r.categories) ++report.by_category[c];
      steps.push_back({r.subject_id, r.record_id, action});
    }
    if (options.dry_run) break;
    Status s = store_.WriteAndWait([&steps, &report](store::WriteTxn& txn) -> Status {
      std::set<std::string> subjects;
      for (const auto& step : steps) {
        if (step.action == 0) {
          TILLIT_RETURN_IF_ERROR(txn.DeleteRecord(step.subject_id, step.record_id));
        } else if (step.action == 1) {
          TILLIT_RETURN_IF_ERROR(txn.StripRecord(step.subject_id, step.record_id));
        } else {
          TILLIT_RETURN_IF_ERROR(txn.StripRecordHold(step.subject_id, step.record_id));
        }
        subjects.insert(step.subject_id);
      }
      // An erased subject with nothing left under legal hold loses its legal-hold key too.
      for (const auto& id : subjects) {
        TILLIT_ASSIGN_OR_RETURN(int64_t left, txn.CountHoldRecords(id));
        if (left > 0) continue;
        TILLIT_ASSIGN_OR_RETURN(auto key, txn.DataKey(id));
        if (key && key->wrapped.empty()) {
          TILLIT_RETURN_IF_ERROR(txn.DeleteKeys(id));
          ++report.keys_deleted;
        }
      }
      return Status::Ok();
    });
    TILLIT_RETURN_IF_ERROR(s);
    done += static_cast<int64_t>(steps.size());
    if (options.progress) options.progress(done, found);
  }

  // Stored access reports whose download window has closed; mail sent or given up [mail] keep_days ago (with its
  // sealed recipient); webhook deliveries finished kWebhookKeepDays ago; decision-change feed entries every server
  // read long ago (kDecisionFeedKeepDays). Each by its own index, in batches.
  constexpr int64_t kDayMicros = int64_t{86400} * 1000000;
  const auto delete_in_batches = [&](auto step, int64_t& count) -> Status {
    while (!options.dry_run) {
      int64_t deleted = 0;
      TILLIT_RETURN_IF_ERROR(store_.WriteAndWait([&](store::WriteTxn& txn) -> Status {
        TILLIT_ASSIGN_OR_RETURN(deleted, step(txn));
        return Status::Ok();
      }));
      count += deleted;
      if (deleted < static_cast<int64_t>(batch)) break;
    }
    return Status::Ok();
  };
  TILLIT_RETURN_IF_ERROR(delete_in_batches([&](store::WriteTxn& txn) { return txn.DeleteExpiredReports(now, batch); },
                                           report.reports_deleted));
  const int64_t mail_before = now - config_->mail.keep_days * kDayMicros;
  TILLIT_RETURN_IF_ERROR(delete_in_batches(
      [&](store::WriteTxn& txn) { return txn.DeleteFinishedMail(mail_before, batch); }, report.mail_deleted));
  const int64_t feed_before = now - kDecisionFeedKeepDays * kDayMicros;
  TILLIT_RETURN_IF_ERROR(delete_in_batches(
      [&](store::WriteTxn& txn) { return txn.DeleteDecisionChanges(feed_before, kDecisionFeedKeepEntries, batch); },
      report.feed_entries_deleted));
  const int64_t webhooks_before = now - kWebhookKeepDays * kDayMicros;
  TILLIT_RETURN_IF_ERROR(delete_in_batches(
      [&](store::WriteTxn& txn) { return txn.DeleteFinishedWebhookDeliveries(webhooks_before, batch); },
      report.webhook_deliveries_deleted));

  if (!options.dry_run) {
    std::string detail = "subjects_erased=" + std::to_string(report.subjects_erased) +
                         " subject_records_deleted=" + std::to_string(report.subject_records_deleted) +
                         " records_deleted=" + std::to_string(report.records_deleted) +
                         " records_stripped=" + std::to_string(report.records_stripped) +
                         " holds_released=" + std::to_string(report.holds_released) +
                         " reports_deleted=" + std::to_string(report.reports_deleted) +
                         " mail_deleted=" + std::to_string(report.mail_deleted) +
                         " webhook_deliveries_deleted=" + std::to_string(report.webhook_deliveries_deleted) +
                         " feed_entries_deleted=" + std::to_string(report.feed_entries_deleted);
    TILLIT_RETURN_IF_ERROR(store_.WriteAndWait([&](store::WriteTxn& txn) {
      return AppendAudit(txn, {Actor::System(), "", "retention.sweep", "", detail}, now);
    }));
    if (report.records_deleted + report.records_stripped + report.holds_released + report.keys_deleted +
            report.reports_deleted + report.mail_deleted >
        0) {
      std::string note;
      TILLIT_RETURN_IF_ERROR(store_.Checkpoint(&note));
    }
  }
  return report;
}

void RetentionSweeper::Start(std::chrono::milliseconds interval) {
  thread_ = std::thread([this, interval] {
    while (!stop_.WaitFor(interval)) {
      (void)Sweep(Options{});  // a failed sweep is retried at the next tick
    }
  });
}

void RetentionSweeper::Stop() {
  stop_.Stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace tillit::core
