// The access report (GDPR Art. 15) as a Document: the subject's data in tables, then the purposes, recipients,
// retention, sources and histories that apply to it, then the rights and the supervisory authority exactly as the
// policy words them. Built from the report's JSON (core/rights/access_report.h), so the page and the JSON always say the
// same; the report's own words come from report_catalog.h.
#include <algorithm>
#include <set>

#include "policy/builder.h"
#include "policy/report_catalog.h"

namespace tillit::policy {
namespace {

using nlohmann::json;

std::string Str(const json& j, std::string_view key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A value as a reader sees it: text as it is, anything else as compact JSON.
std::string ValueText(const json& value) {
  if (value.is_string()) return markup::Plain(value.get<std::string>());
  if (value.is_null()) return "—";
  return markup::Plain(value.dump(-1, ' ', false, json::error_handler_t::replace));
}

const json& Array(const json& report, std::string_view key) {
  static const json kEmpty = json::array();
  auto it = report.find(key);
  return it != report.end() && it->is_array() ? *it : kEmpty;
}

}  // namespace

Result<Document> Builder::BuildAccessReport(const json& report) {
  const std::span<const ReportMessage> messages = ReportMessages(lang_);
  if (messages.empty()) {
    return Status::InvalidArgument("tillit writes reports in en, sv, nb and fi, not '" + lang_ + "'",
                                   "unsupported_language");
  }
  auto R = [&](ReportMsg id, const Vars& vars = {}) -> std::string {
    auto text = Expand(messages[static_cast<size_t>(id)].text, vars);
    if (!text.ok()) {
      if (status_.ok()) {
        status_ = Status::Internal("report catalog '" + lang_ + "', message " + std::string(ReportMessageName(id)) +
                                   ": " + text.status().message());
      }
      return "";
    }
    return std::move(text).value();
  };
  auto when = [&](const json& value) -> std::string {
    if (!value.is_string()) return "—";
    auto t = ParseRfc3339(value.get<std::string>());
    if (!t.ok()) return markup::Plain(value.get<std::string>());
    const std::string text = FormatRfc3339(*t);  // 2026-11-23T10:05:00Z
    return DateText(*t) + " " + text.substr(11, 5) + " UTC";
  };
  auto purpose_name = [&](const std::string& id) {
    if (const config::Purpose* p = config_.FindPurpose(id)) return PurposeName(*p);
    return markup::Plain(id);
  };
  auto categories_text = [&](const json& ids) {
    std::vector<std::string> names;
    if (ids.is_array()) {
      for (const auto& id : ids) {
        if (id.is_string()) names.push_back(CategoryName(id.get<std::string>()));
      }
    }
    return names.empty() ? std::string("—") : Join(names, Msg::kAnd);
  };
  auto channel_text = [&](const std::string& channel) {
    if (channel.empty()) return R(ReportMsg::kAllChannels);
    switch (config::ParseChannel(channel).value_or(config::Channel::kEmail)) {
      case config::Channel::kEmail:
        return T(Msg::kChannelEmail);
      case config::Channel::kSms:
        return T(Msg::kChannelSms);
      case config::Channel::kPhone:
        return T(Msg::kChannelPhone);
      case config::Channel::kPost:
        return T(Msg::kChannelPost);
    }
    return markup::Plain(channel);
  };
  auto source_text = [&](const std::string& id) {
    if (id == "subject") return R(ReportMsg::kSourceSubject);
    if (id == "staff") return R(ReportMsg::kSourceStaff);
    if (id == "import") return R(ReportMsg::kSourceImport);
    if (id == "shop") return R(ReportMsg::kSourceShop);
    if (id == "observed") return R(ReportMsg::kSourceObserved);
    for (const auto& s : config_.sources) {
      if (s.id == id) return markup::Plain(s.name.empty() ? s.id : s.name);
    }
    return markup::Plain(id);
  };
  auto table_or_none = [&](Section& s, Table table) {
    if (table.rows.empty()) {
      s.blocks.push_back(Block::Paragraph(R(ReportMsg::kNone)));
    } else {
      s.blocks.push_back(Block::MakeTable(std::move(table)));
    }
  };

  const config::Controller& ctl = config_.controller;
  const std::string report_id = Str(report, "report_id");
  Document doc;
  doc.lang = lang_;
  doc.policy_version = policy_version_;
  doc.title = R(ReportMsg::kTitle, Vars().Text("name", ctl.name));
  doc.meta = R(ReportMsg::kMeta, Vars()
                                     .Text("id", report_id.empty() ? Str(report["subject"], "id") : report_id)
                                     .Markup("date", when(report.value("generated_at", json()))));
  if (report.contains("expires_at")) {
    doc.meta += " " + R(ReportMsg::kExpires, Vars().Markup("date", when(report["expires_at"])));
  }
  doc.skip_label = T(Msg::kSkipLink);
  doc.contents_label = T(Msg::kContents);
  doc.lead.push_back(Block::Paragraph(R(ReportMsg::kLead, Vars().Text("name", ctl.name))));

  // ---- the data ----
  Section data{"data", R(ReportMsg::kHData), {}, {}};
  const std::vector<std::string> field_header = {R(ReportMsg::kColData), R(ReportMsg::kColValue),
                                                 R(ReportMsg::kColSource), R(ReportMsg::kColCollected),
                                                 R(ReportMsg::kColUpdated)};
  auto fields_section = [&](std::string id, ReportMsg heading, const json& fields) {
    Section s{std::move(id), R(heading), {}, {}};
    Table table{R(heading), field_header, {}};
    for (const auto& f : fields) {
      table.rows.push_back({CategoryName(Str(f, "category")), ValueText(f.value("value", json())),
                            source_text(Str(f, "source")), when(f.value("collected_at", json())),
                            when(f.value("updated_at", json()))});
    }
    table_or_none(s, std::move(table));
    return s;
  };
  data.children.push_back(fields_section("identifiers", ReportMsg::kHIdentifiers, Array(report, "identifiers")));
  data.children.push_back(fields_section("profile", ReportMsg::kHProfile, Array(report, "profile")));
  {
    Section s{"records", R(ReportMsg::kHRecords), {}, {}};
    s.blocks.push_back(Block::Paragraph(R(ReportMsg::kRecordsLead)));
    Table table{R(ReportMsg::kHRecords),
                {R(ReportMsg::kColWhen), R(ReportMsg::kColKind), R(ReportMsg::kColData), R(ReportMsg::kColReference),
                 R(ReportMsg::kColContent)},
                {}};
    for (const auto& r : Array(report, "records")) {
      table.rows.push_back({when(r.value("occurred_at", json())), RecordKindName(Str(r, "kind")),
                            categories_text(r.value("categories", json())), ValueText(r.value("reference", json())),
                            ValueText(r.value("payload", json()))});
    }
    table_or_none(s, std::move(table));
    data.children.push_back(std::move(s));
  }
  {
    // The accounting fields kept under legal hold: held data too, with the law that keeps them and until when.
    Table table{R(ReportMsg::kHAccounting),
                {R(ReportMsg::kColWhen), R(ReportMsg::kColKind), R(ReportMsg::kColAccounting),
                 R(ReportMsg::kColKeptUntil), R(ReportMsg::kColLaw)},
                {}};
    for (const auto& r : Array(report, "records")) {
      const json accounting = r.value("accounting", json());
      if (!accounting.is_object()) continue;
      const json until = accounting.value("kept_until", json());
      const std::string law = Str(accounting, "law");
      table.rows.push_back({when(r.value("occurred_at", json())), RecordKindName(Str(r, "kind")),
                            ValueText(accounting.value("fields", json())),
                            until.is_string() ? when(until) : R(ReportMsg::kKeptOpen),
                            law.empty() ? "—" : markup::Plain(law)});
    }
    if (!table.rows.empty()) {
      Section s{"accounting", R(ReportMsg::kHAccounting), {}, {}};
      s.blocks.push_back(Block::Paragraph(R(ReportMsg::kAccountingLead)));
      s.blocks.push_back(Block::MakeTable(std::move(table)));
      data.children.push_back(std::move(s));
    }
  }
  doc.sections.push_back(std::move(data));

  // ---- purposes and legal bases ----
  {
    Section s{"purposes", R(ReportMsg::kHPurposes), {}, {}};
    s.blocks.push_back(Block::Paragraph(R(ReportMsg::kPurposesLead)));
    Table table{R(ReportMsg::kHPurposes), {T(Msg::kColPurpose), T(Msg::kColBasis), R(ReportMsg::kColData)}, {}};
    for (const auto& p : Array(report, "purposes")) {
      const config::Purpose* purpose = config_.FindPurpose(Str(p, "id"));
      std::string basis = purpose != nullptr ? Capitalize(BasisName(purpose->legal_basis)) + " (" +
                                                   BasisArticle(purpose->legal_basis) + ")"
                                             : markup::Plain(Str(p, "legal_basis"));
      table.rows.push_back(
          {purpose_name(Str(p, "id")), std::move(basis), categories_text(p.value("categories", json()))});
    }
    table_or_none(s, std::move(table));
    doc.sections.push_back(std::move(s));
  }

  // ---- recipients: those the configuration names for the data held, and those actually disclosed to ----
  {
    Section s{"recipients", R(ReportMsg::kHRecipients), {}, {}};
    std::vector<const config::Recipient*> recipients;
    for (const auto& r : Array(report, "recipients")) {
      if (const config::Recipient* known = config_.FindRecipient(Str(r, "id"))) recipients.push_back(known);
    }
    if (recipients.empty()) {
      s.blocks.push_back(Block::Paragraph(R(ReportMsg::kRecipientsNone)));
    } else {
      s.blocks.push_back(Block::Paragraph(R(ReportMsg::kRecipientsLead)));
      s.blocks.push_back(Block::MakeTable(RecipientsTable(recipients)));
    }
    Section disclosed{"disclosed", R(ReportMsg::kHDisclosed), {}, {}};
    const json& entries = Array(report, "recipients_disclosed_to");
    if (entries.empty()) {
      disclosed.blocks.push_back(Block::Paragraph(R(ReportMsg::kDisclosedNone)));
    } else {
      disclosed.blocks.push_back(Block::Paragraph(R(ReportMsg::kDisclosedLead)));
      Table table{R(ReportMsg::kHDisclosed),
                  {T(Msg::kColRecipient), R(ReportMsg::kColData), T(Msg::kColPurpose), R(ReportMsg::kColWhen)},
                  {}};
      for (const auto& d : entries) {
        table.rows.push_back({markup::Plain(Str(d, "name")), categories_text(d.value("categories", json())),
                              purpose_name(Str(d, "purpose")), when(d.value("at", json()))});
      }
      disclosed.blocks.push_back(Block::MakeTable(std::move(table)));
    }
    s.children.push_back(std::move(disclosed));
    doc.sections.push_back(std::move(s));
  }

  // ---- retention of what is held ----
  {
    Section s{"retention", R(ReportMsg::kHRetention), {}, {}};
    std::set<std::string> held, kinds;
    for (const auto& c : Array(report, "categories")) held.insert(Str(c, "id"));
    for (const auto& r : Array(report, "records")) kinds.insert(Str(r, "kind"));
    std::vector<const config::RetentionRule*> rules;
    for (const auto& rule : config_.retention) {
      if ((!rule.category.empty() && held.contains(rule.category)) ||
          (!rule.record_kind.empty() && kinds.contains(rule.record_kind))) {
        rules.push_back(&rule);
      }
    }
    if (rules.empty()) {
      s.blocks.push_back(Block::Paragraph(T(Msg::kRetentionOther)));
    } else {
      s.blocks.push_back(Block::Paragraph(R(ReportMsg::kRetentionLead)));
      s.blocks.push_back(Block::MakeTable(RetentionTable(rules)));
    }
    doc.sections.push_back(std::move(s));
  }

  // ---- sources ----
  {
    Section s{"sources", R(ReportMsg::kHSources), {}, {}};
    Table table{R(ReportMsg::kHSources), {R(ReportMsg::kColSource), R(ReportMsg::kColData)}, {}};
    for (const auto& src : Array(report, "sources")) {
      table.rows.push_back({source_text(Str(src, "id")), categories_text(src.value("categories", json()))});
    }
    table_or_none(s, std::move(table));
    doc.sections.push_back(std::move(s));
  }

  // ---- consents, objections and restrictions ----
  {
    Section s{"consents", R(ReportMsg::kHConsents), {}, {}};
    Table table{R(ReportMsg::kHConsents),
                {R(ReportMsg::kColWhen), T(Msg::kColPurpose), R(ReportMsg::kColChannel), R(ReportMsg::kColAction),
                 R(ReportMsg::kColMethod)},
                {}};
    for (const auto& e : Array(report, "consents")) {
      const std::string action = Str(e, "action");
      std::string what = action == "given"       ? R(ReportMsg::kConsentGiven)
                         : action == "withdrawn" ? R(ReportMsg::kConsentWithdrawn)
                         : action == "refused"   ? R(ReportMsg::kConsentRefused)
                                                 : R(ReportMsg::kConsentExistingCustomer);
      table.rows.push_back({when(e.value("at", json())), purpose_name(Str(e, "purpose")),
                            channel_text(Str(e, "channel")), std::move(what), markup::Plain(Str(e, "method"))});
    }
    table_or_none(s, std::move(table));
    doc.sections.push_back(std::move(s));
  }
  {
    Section s{"objections", R(ReportMsg::kHObjections), {}, {}};
    Table table{
        R(ReportMsg::kHObjections), {R(ReportMsg::kColWhen), R(ReportMsg::kColAction), R(ReportMsg::kColStatus)}, {}};
    for (const auto& o : Array(report, "objections")) {
      const std::string purpose = Str(o, "purpose");
      std::string what =
          purpose.empty() ? R(ReportMsg::kObjectionChannel, Vars().Markup("channel", channel_text(Str(o, "channel"))))
                          : R(ReportMsg::kObjection, Vars().Markup("purpose", purpose_name(purpose)));
      const std::string status = Str(o, "status");
      std::string state = status == "active" ? R(ReportMsg::kStatusActive)
                          : status == "overridden"
                              ? R(ReportMsg::kStatusOverridden, Vars().Text("reason", Str(o, "reason")))
                              : R(ReportMsg::kStatusUpheld);
      table.rows.push_back({when(o.value("at", json())), std::move(what), std::move(state)});
    }
    for (const auto& r : Array(report, "restrictions")) {
      const json lifted = r.value("lifted_at", json());
      std::string state = lifted.is_string() ? R(ReportMsg::kStatusLifted, Vars().Markup("date", when(lifted)))
                                             : R(ReportMsg::kStatusActive);
      table.rows.push_back({when(r.value("started_at", json())), R(ReportMsg::kRestriction), std::move(state)});
    }
    table_or_none(s, std::move(table));
    doc.sections.push_back(std::move(s));
  }

  // ---- change history ----
  {
    Section s{"changes", R(ReportMsg::kHChanges), {}, {}};
    Table table{R(ReportMsg::kHChanges),
                {R(ReportMsg::kColWhen), R(ReportMsg::kColData), R(ReportMsg::kColAction), R(ReportMsg::kColPrevious),
                 R(ReportMsg::kColSource)},
                {}};
    for (const auto& c : Array(report, "changes")) {
      const std::string action = Str(c, "action");
      std::string what = action == "collected" ? R(ReportMsg::kChangeCollected)
                         : action == "changed" ? R(ReportMsg::kChangeChanged)
                                               : R(ReportMsg::kChangeRemoved);
      table.rows.push_back({when(c.value("at", json())), CategoryName(Str(c, "category")), std::move(what),
                            ValueText(c.value("previous", json())), source_text(Str(c, "source"))});
    }
    table_or_none(s, std::move(table));
    doc.sections.push_back(std::move(s));
  }

  // ---- when, why and by whom the data was used ----
  {
    Section s{"access", R(ReportMsg::kHAccess), {}, {}};
    s.blocks.push_back(Block::Paragraph(R(ReportMsg::kAccessLead)));
    Table table{R(ReportMsg::kHAccess),
                {R(ReportMsg::kColWhen), R(ReportMsg::kColAction), T(Msg::kColPurpose), R(ReportMsg::kColBy)},
                {}};
    for (const auto& a : Array(report, "access_log")) {
      const std::string action = Str(a, "action");
      auto ends_with = [&](std::string_view suffix) {
        return action.size() >= suffix.size() &&
               action.compare(action.size() - suffix.size(), suffix.size(), suffix) == 0;
      };
      // Reads and exports show the data; everything else recorded about a subject changes it.
      std::string what = ends_with(".read") || ends_with(".history") || ends_with(".export") ||
                                 ends_with(".generate") || ends_with(".find")
                             ? R(ReportMsg::kAccessRead)
                         : ends_with(".create") || ends_with(".update") || ends_with(".record") ||
                                 ends_with(".decide") || ends_with(".start") || ends_with(".lift") || ends_with(".link")
                             ? R(ReportMsg::kAccessChange)
                             : R(ReportMsg::kAccessOther);
      const json by = a.value("by", json::object());
      const std::string kind = Str(by, "kind");
      std::string who = kind == "subject"   ? R(ReportMsg::kBySubject)
                        : kind == "staff"   ? R(ReportMsg::kByStaff)
                        : kind == "api_key" ? R(ReportMsg::kByIntegration, Vars().Text("name", Str(by, "name")))
                        : kind == "cli"     ? R(ReportMsg::kByCli)
                                            : R(ReportMsg::kBySystem);
      const std::string on_behalf = Str(a, "on_behalf");
      if (on_behalf == "code") who = R(ReportMsg::kOnBehalfCode, Vars().Markup("who", who));
      if (on_behalf == "code_pending") who = R(ReportMsg::kOnBehalfPending, Vars().Markup("who", who));
      if (on_behalf == "requests.manage") who = R(ReportMsg::kOnBehalfManage, Vars().Markup("who", who));
      const std::string purpose = Str(a, "purpose");
      table.rows.push_back({when(a.value("at", json())), std::move(what), purpose.empty() ? "—" : purpose_name(purpose),
                            std::move(who)});
    }
    table_or_none(s, std::move(table));
    doc.sections.push_back(std::move(s));
  }

  doc.sections.push_back(RightsSection());
  doc.sections.push_back(AuthoritySection());
  doc.footer = R(ReportMsg::kFooter, Vars().Text("name", ctl.name).Text("id", report_id));
  if (!status_.ok()) return status_;
  return doc;
}

}  // namespace tillit::policy
