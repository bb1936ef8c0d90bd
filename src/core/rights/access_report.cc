#include "core/rights/access_report.h"

#include <algorithm>
#include <set>

#include "config/countries.h"
#include "core/register/register.h"
#include "core/register/retention.h"
#include "crypto/hashing.h"
#include "crypto/sealing.h"
#include "policy/policy.h"
#include "policy/report.h"
#include "util/hex.h"

namespace tillit::core {
namespace {

using nlohmann::json;

json Time(int64_t micros) { return FormatRfc3339(FromMicros(micros)); }

json OptionalTime(const std::optional<int64_t>& micros) { return micros ? Time(*micros) : json(nullptr); }

std::string Text(const config::Localised& text, std::string_view lang, const config::Config& config) {
  return std::string(config::Pick(text, lang, config.default_language()));
}

bool Contains(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

json RetentionRuleJson(const config::RetentionRule& rule, std::string_view lang, const config::Config& config) {
  json out = {{"duration", rule.duration.ToString()},
              {"anchor", config::AnchorId(rule.anchor)},
              {"accounting", rule.accounting},
              {"reason", Text(rule.reason, lang, config)}};
  if (!rule.category.empty()) out["category"] = rule.category;
  if (!rule.record_kind.empty()) out["record_kind"] = rule.record_kind;
  return out;
}

json FieldJson(const OpenedField& f) {
  json out = {{"category", f.category},
              {"value", f.value},
              {"source", f.source},
              {"collected_at", Time(f.collected_at)},
              {"updated_at", Time(f.updated_at)}};
  if (!f.identifier.empty()) out["name"] = f.identifier;
  return out;
}

// Who acted, as the subject may learn it: the kind of recipient, and the name of integrations and of tillit
// itself; staff members' names are their own personal data and stay out.
json ActorJson(const store::AuditRow& row) {
  json out = {{"kind", row.actor_kind}};
  if (row.actor_kind != "staff" && row.actor_kind != "subject") out["name"] = row.actor;
  return out;
}

// The rights of Chapter III and where the GDPR states them.
const std::vector<std::pair<std::string_view, std::string_view>>& RightArticles() {
  static const std::vector<std::pair<std::string_view, std::string_view>> kRights = {
      {"access", "15"},
      {"rectification", "16"},
      {"erasure", "17"},
      {"restriction", "18"},
      {"portability", "20"},
      {"objection", "21"},
      {"withdraw_consent", "7(3)"},
      {"complaint", "77"},
  };
  return kRights;
}

}  // namespace

json BuildAccessReport(const config::Config& config, std::string_view policy_version, const SubjectData& data,
                       const std::vector<DisclosureEntry>& disclosed, std::string_view language, TimePoint now) {
  const std::string lang(language);
  const std::vector<std::string> held = data.HeldCategories();
  std::set<std::string> kinds;
  for (const auto& r : data.records) kinds.insert(r.kind);

  json report = json::object();
  report["schema"] = kAccessReportSchema;
  report["generated_at"] = FormatRfc3339(now);
  report["language"] = lang;
  report["policy_version"] = policy_version;

  const config::Controller& c = config.controller;
  report["controller"] = {{"name", c.name},       {"org_number", c.org_number}, {"address", c.address},
                          {"country", c.country}, {"email", c.email},           {"phone", c.phone},
                          {"website", c.website}, {"dpo_name", c.dpo_name},     {"dpo_email", c.dpo_email}};

  bool restricted = false;
  for (const auto& r : data.restrictions) restricted |= !r.lifted_at.has_value();
  report["subject"] = {{"id", data.subject.id},
                       {"created_at", Time(data.subject.created_at)},
                       {"updated_at", Time(data.subject.updated_at)},
                       {"source", data.subject.source},
                       {"restricted", restricted}};

  // ---- the data itself ----
  json identifiers = json::array();
  for (const auto& f : data.identifiers) identifiers.push_back(FieldJson(f));
  report["identifiers"] = std::move(identifiers);
  json profile = json::array();
  for (const auto& f : data.fields) profile.push_back(FieldJson(f));
  report["profile"] = std::move(profile);
  json records = json::array();
  for (const auto& r : data.records) {
    // Accounting fields are held too (Art. 15 covers everything held): shown with why and until when they are kept.
    json accounting = nullptr;
    if (r.accounting) {
      Anchors anchors;
      anchors.collected = r.occurred_at;
      const config::RetentionRule* rule = HoldingRule(config, r.kind, r.categories, anchors);
      const std::string law = rule != nullptr ? config::RetentionLaw(config, *rule, lang) : "";
      accounting = {{"fields", *r.accounting},
                    {"kept_for", {"accounting", std::string(config::kLegalClaims)}},
                    {"legal_basis", "legal_obligation"},
                    {"kept_until", OptionalTime(r.hold_expires_at)},
                    {"law", law.empty() ? json(nullptr) : json(law)}};
    }
    records.push_back({{"id", r.record_id},
                       {"kind", r.kind},
                       {"categories", r.categories},
                       {"occurred_at", Time(r.occurred_at)},
                       {"created_at", Time(r.created_at)},
                       {"expires_at", OptionalTime(r.expires_at)},
                       {"reference", r.reference ? json(*r.reference) : json(nullptr)},
                       {"payload", r.payload},
                       {"accounting", std::move(accounting)}});
  }
  report["records"] = std::move(records);

  // ---- per category: where it is held, why, who gets it, how long ----
  json categories = json::array();
  for (const auto& id : held) {
    json entry = {{"id", id}, {"name", id}};
    if (const config::Category* cat = config.FindCategory(id)) {
      entry["name"] = Text(cat->name, lang, config);
      entry["dpv"] = cat->dpv;
    }
    json held_in = json::array();
    if (std::any_of(data.identifiers.begin(), data.identifiers.end(), [&](const auto& f) { return f.category == id; }))
      held_in.push_back("identifiers");
    if (std::any_of(data.fields.begin(), data.fields.end(), [&](const auto& f) { return f.category == id; }))
      held_in.push_back("profile");
    if (std::any_of(data.records.begin(), data.records.end(),
                    [&](const auto& r) { return Contains(r.categories, id); }))
      held_in.push_back("records");
    entry["held_in"] = std::move(held_in);
    json purposes = json::array();
    for (const auto& p : config.purposes) {
      if (p.UsesCategory(id)) purposes.push_back(p.id);
    }
    entry["purposes"] = std::move(purposes);
    json recipients = json::array();
    for (const auto& r : config.recipients) {
      if (Contains(r.categories, id)) recipients.push_back(r.id);
    }
    entry["recipients"] = std::move(recipients);
    json retention = json::array();
    for (const auto& rule : config.retention) {
      const bool by_category = rule.category == id;
      const bool by_kind = !rule.record_kind.empty() &&
                           std::any_of(data.records.begin(), data.records.end(), [&](const OpenedRecord& r) {
                             return r.kind == rule.record_kind && Contains(r.categories, id);
                           });
      if (by_category || by_kind) retention.push_back(RetentionRuleJson(rule, lang, config));
    }
    entry["retention"] = std::move(retention);
    categories.push_back(std::move(entry));
  }
  report["categories"] = std::move(categories);

  json purposes = json::array();
  for (const auto& p : config.purposes) {
    std::vector<std::string> uses;
    for (const auto& id : held) {
      if (p.UsesCategory(id)) uses.push_back(id);
    }
    if (uses.empty()) continue;
    purposes.push_back({{"id", p.id},
                        {"name", Text(p.name, lang, config)},
                        {"description", Text(p.description, lang, config)},
                        {"legal_basis", config::LegalBasisId(p.legal_basis)},
                        {"legal_basis_dpv", config::LegalBasisDpv(p.legal_basis)},
                        {"categories", uses}});
  }
  report["purposes"] = std::move(purposes);

  json recipients = json::array();
  for (const auto& r : config.recipients) {
    std::vector<std::string> gets;
    for (const auto& id : held) {
      if (Contains(r.categories, id)) gets.push_back(id);
    }
    if (gets.empty()) continue;
    recipients.push_back({{"id", r.id},
                          {"name", r.name},
                          {"role", config::RecipientRoleId(r.role)},
                          {"country", r.country},
                          {"safeguard", r.safeguard},
                          {"service", r.service},
                          {"description", Text(r.description, lang, config)},
                          {"categories", gets},
                          {"purposes", r.purposes}});
  }
  report["recipients"] = std::move(recipients);

  // Recipients actually disclosed to, from the disclosure log.
  json actual = json::array();
  for (const auto& d : disclosed) {
    const config::Recipient* r = config.FindRecipient(d.recipient);
    actual.push_back({{"recipient", d.recipient},
                      {"name", r != nullptr ? r->name : d.recipient},
                      {"categories", d.categories},
                      {"purpose", d.purpose},
                      {"at", Time(d.at)}});
  }
  report["recipients_disclosed_to"] = std::move(actual);

  json retention = json::array();
  for (const auto& rule : config.retention) {
    if ((!rule.category.empty() && Contains(held, rule.category)) ||
        (!rule.record_kind.empty() && kinds.contains(rule.record_kind))) {
      retention.push_back(RetentionRuleJson(rule, lang, config));
    }
  }
  report["retention"] = std::move(retention);

  // Sources: where each held field came from (records come from the shop's systems: source "shop").
  std::map<std::string, std::set<std::string>> by_source;
  for (const auto& f : data.identifiers) by_source[f.source].insert(f.category);
  for (const auto& f : data.fields) by_source[f.source].insert(f.category);
  for (const auto& r : data.records) by_source["shop"].insert(r.categories.begin(), r.categories.end());
  json sources = json::array();
  for (const auto& [id, cats] : by_source) {
    json entry = {{"id", id}, {"categories", std::vector<std::string>(cats.begin(), cats.end())}};
    entry["builtin"] = Contains(BuiltinSources(), id);
    for (const auto& s : config.sources) {
      if (s.id == id) {
        entry["name"] = s.name;
        entry["description"] = Text(s.description, lang, config);
      }
    }
    sources.push_back(std::move(entry));
  }
  report["sources"] = std::move(sources);

  // ---- histories ----
  json consents = json::array();
  for (const auto& e : data.consents) {
    consents.push_back({{"id", e.event_id},
                        {"purpose", e.purpose},
                        {"channel", e.channel},
                        {"action", e.action},
                        {"method", e.method},
                        {"policy_version", e.policy_version},
                        {"revision", e.revision},
                        {"language", e.language},
                        {"user_agent", e.user_agent},
                        {"ip_recorded", !e.ip_hash.empty()},
                        {"unproven", e.unproven},
                        {"at", Time(e.at)}});
  }
  report["consents"] = std::move(consents);
  json objections = json::array();
  for (const auto& o : data.objections) {
    objections.push_back({{"id", o.objection_id},
                          {"purpose", o.purpose},
                          {"channel", o.channel},
                          {"status", o.status},
                          {"method", o.method},
                          {"at", Time(o.at)},
                          {"reason", o.reason},
                          {"decided_at", OptionalTime(o.decided_at)}});
  }
  report["objections"] = std::move(objections);
  json restrictions = json::array();
  for (const auto& r : data.restrictions) {
    restrictions.push_back({{"id", r.restriction_id},
                            {"reason", r.reason},
                            {"started_at", Time(r.started_at)},
                            {"lifted_at", OptionalTime(r.lifted_at)},
                            {"lift_notice", r.lift_notice}});
  }
  report["restrictions"] = std::move(restrictions);
  json changes = json::array();
  for (const auto& ch : data.changes) {
    const IdentifierSpec* spec = nullptr;
    for (const auto& s : Identifiers()) {
      if (s.category == ch.category) spec = &s;
    }
    changes.push_back({{"id", ch.change_id},
                       {"category", ch.category},
                       {"name", spec != nullptr ? std::string(spec->name) : ch.category},
                       {"action", ch.action},
                       {"previous", ch.previous ? *ch.previous : json(nullptr)},
                       {"at", Time(ch.at)},
                       {"source", ch.source}});
  }
  report["changes"] = std::move(changes);

  // When the data was consulted or changed, for which purpose and by which kind of recipient.
  json access_log = json::array();
  // The request id an audit detail names ("request=rq_… …").
  auto request_of = [](const std::string& detail) {
    const size_t at = detail.find("request=");
    if (at == std::string::npos) return std::string();
    const size_t end = detail.find(' ', at);
    return detail.substr(at + 8, end == std::string::npos ? std::string::npos : end - at - 8);
  };
  std::set<std::string> verified;
  for (const auto& a : data.audit) {
    if (a.action == "request.verify") verified.insert(request_of(a.detail));
  }
  for (const auto& a : data.audit) {
    json entry = {{"at", Time(a.at)}, {"action", a.action}, {"purpose", a.purpose}, {"by", ActorJson(a)}, {"seq", a.seq}};
    // A request a key filed on the subject's behalf: with requests.manage, or for the subject's code — "code" once
    // the subject entered it, "code_pending" while it waits.
    if (a.action == "request.create") {
      if (a.detail.find(" authority=requests.manage") != std::string::npos) entry["on_behalf"] = "requests.manage";
      if (a.detail.find(" authority=code") != std::string::npos) {
        entry["on_behalf"] = verified.contains(request_of(a.detail)) ? "code" : "code_pending";
      }
    }
    access_log.push_back(std::move(entry));
  }
  report["access_log"] = std::move(access_log);

  // ---- rights and the supervisory authority ----
  json rights = json::array();
  for (const auto& [right, article] : RightArticles()) {
    rights.push_back({{"right", right}, {"article", "GDPR Art. " + std::string(article)}});
  }
  report["rights"] = {{"rights", std::move(rights)},
                      {"email", config.rights.email},
                      {"portal_url", config.rights.portal_url},
                      {"policy_url", policy::PolicyPath(config, lang)}};
  const config::SupervisoryAuthority& a = c.authority;
  report["supervisory_authority"] = {
      {"name", a.name}, {"address", a.address}, {"website", a.website}, {"email", a.email}, {"country", c.country}};
  return report;
}

AccessReports::AccessReports(std::shared_ptr<const config::Config> config, std::string policy_version,
                             store::Store& store, const crypto::Keyring& keyring, Clock& clock, Random& random)
    : config_(std::move(config)),
      policy_version_(std::move(policy_version)),
      store_(store),
      keyring_(keyring),
      clock_(clock),
      random_(random),
      downloads_(config_, store, keyring, clock, random) {}

Result<std::string> AccessReports::CheckLanguage(std::string_view language) const {
  if (language.empty()) return config_->default_language();
  TILLIT_RETURN_IF_ERROR(config_->CheckOfferedLanguage(language));
  return std::string(language);
}

Result<json> AccessReports::Build(std::string_view subject_id, std::string_view language) {
  TILLIT_ASSIGN_OR_RETURN(SubjectData data, CollectSubjectData(store_, keyring_, subject_id));
  std::vector<DisclosureEntry> disclosed;
  if (disclosures_) {
    TILLIT_ASSIGN_OR_RETURN(disclosed, disclosures_(subject_id));
  }
  return BuildAccessReport(*config_, policy_version_, data, disclosed, language, clock_.Now());
}

void AccessReports::Generate(std::string subject_id, std::string language, Actor actor, Done<json> done) {
  auto lang = CheckLanguage(language);
  if (!lang.ok()) return done(lang.status());
  auto report = Build(subject_id, *lang);
  if (!report.ok()) return done(report.status());
  const std::string report_id = random_.NewId("rpt_");
  (*report)["report_id"] = report_id;
  auto shared = std::make_shared<json>(std::move(*report));
  const int64_t now = ToMicros(clock_.Now());
  AuditEvent event{std::move(actor), std::string(config::kRightsFulfilment), "report.generate", subject_id,
                   "report=" + report_id + " language=" + *lang};
  store_.Write([event, now](store::WriteTxn& txn) { return AppendAudit(txn, event, now); },
               [shared, done = std::move(done)](const Status& s) {
                 if (!s.ok()) return done(s);
                 done(std::move(*shared));
               });
}

void AccessReports::Create(std::string subject_id, std::string language, Actor actor, Done<StoredReport> done) {
  auto lang = CheckLanguage(language);
  if (!lang.ok()) return done(lang.status());
  auto report = Build(subject_id, *lang);
  if (!report.ok()) return done(report.status());
  const DownloadTicket ticket = downloads_.NewTicket();
  (*report)["report_id"] = ticket.report_id;
  (*report)["expires_at"] = Time(ticket.expires_at);
  downloads_.Put(ticket, subject_id, kAccessDownload, *lang, report->dump(-1, ' ', false, json::error_handler_t::replace),
                 std::move(actor), [language = *lang, done = std::move(done)](Result<DownloadTicket> t) {
                   if (!t.ok()) return done(t.status());
                   done(StoredReport{t->report_id, t->token, language, t->created_at, t->expires_at});
                 });
}

void AccessReports::Download(std::string token, Actor actor, Done<ReportDownload> done) {
  downloads_.Fetch(std::move(token), std::move(actor), [done = std::move(done)](Result<core::Download> d) {
    if (!d.ok()) return done(d.status());
    if (d->kind != kAccessDownload) {
      return done(Status::NotFound("this link is not an access report's", "report_not_found"));
    }
    ReportDownload out{d->report_id, d->subject_id, d->language, d->expires_at, json::parse(d->content, nullptr, false)};
    if (out.report.is_discarded()) return done(Status::Internal("a stored report does not hold JSON"));
    done(std::move(out));
  });
}

Result<int64_t> AccessReports::DeleteExpired(size_t limit) {
  const int64_t now = ToMicros(clock_.Now());
  int64_t deleted = 0;
  TILLIT_RETURN_IF_ERROR(store_.WriteAndWait([&](store::WriteTxn& txn) -> Status {
    TILLIT_ASSIGN_OR_RETURN(deleted, txn.DeleteExpiredReports(now, limit));
    if (deleted == 0) return Status::Ok();
    return AppendAudit(txn, {Actor::System(), "", "report.sweep", "", "deleted=" + std::to_string(deleted)}, now);
  }));
  return deleted;
}

Result<std::string> AccessReports::RenderHtml(const json& report, std::string_view language) const {
  // A stored report keeps the language it was made in, even if the shop has stopped offering it since.
  if (language.empty()) return policy::RenderAccessReport(*config_, report, config_->default_language());
  return policy::RenderAccessReport(*config_, report, language);
}

}  // namespace tillit::core
