// The policy's sections on who gets the data and for how long: recipients with country and transfer safeguard,
// retention with the bookkeeping law, cookies and third-party tools, and the sections of the processor overview.
#include <algorithm>

#include "config/countries.h"
#include "policy/builder.h"
#include "policy/policy.h"

namespace tillit::policy {
namespace {

struct Named {
  std::string_view id;
  Msg msg;
};

constexpr Named kServices[] = {
    {"payment", Msg::kServicePayment},
    {"delivery", Msg::kServiceDelivery},
    {"hosting", Msg::kServiceHosting},
    {"analytics", Msg::kServiceAnalytics},
    {"advertising", Msg::kServiceAdvertising},
    {"chat", Msg::kServiceChat},
    {"email", Msg::kServiceEmail},
    {"reviews", Msg::kServiceReviews},
    {"website", Msg::kServiceWebsite},
    {"accounting", Msg::kServiceAccounting},
    {"identity", Msg::kServiceIdentity},
    {"support", Msg::kServiceSupport},
    {"marketing", Msg::kServiceMarketing},
    {"other", Msg::kServiceOther},
};

constexpr Named kSafeguards[] = {
    {"adequacy", Msg::kSafeguardAdequacy}, {"eu_us_dpf", Msg::kSafeguardDpf},         {"scc", Msg::kSafeguardScc},
    {"bcr", Msg::kSafeguardBcr},           {"derogation", Msg::kSafeguardDerogation},
};

constexpr Named kRecordKinds[] = {
    {"order", Msg::kKindOrder},
    {"payment", Msg::kKindPayment},
    {"delivery", Msg::kKindDelivery},
    {"cart_event", Msg::kKindCartEvent},
    {"discount_use", Msg::kKindDiscountUse},
    {"loyalty", Msg::kKindLoyalty},
    {"agreement", Msg::kKindAgreement},
    {"usage", Msg::kKindUsage},
    {"activity", Msg::kKindActivity},
    {"device", Msg::kKindDevice},
    {"message", Msg::kKindMessage},
};

template <size_t N>
const Named* FindNamed(const Named (&table)[N], std::string_view id) {
  for (const auto& n : table) {
    if (n.id == id) return &n;
  }
  return nullptr;
}

Msg AnchorPhrase(config::Anchor anchor) {
  switch (anchor) {
    case config::Anchor::kCollected:
      return Msg::kAnchorCollected;
    case config::Anchor::kLastActivity:
      return Msg::kAnchorLastActivity;
    case config::Anchor::kAgreementEnd:
      return Msg::kAnchorAgreementEnd;
    case config::Anchor::kFiscalYearEnd:
      return Msg::kAnchorFiscalYearEnd;
    case config::Anchor::kCalendarYearEndAfterFy:
      return Msg::kAnchorCalendarYearEndAfterFy;
    case config::Anchor::kErased:
      return Msg::kAnchorErased;
  }
  return Msg::kAnchorCollected;
}

Msg RoleName(config::RecipientRole role) {
  switch (role) {
    case config::RecipientRole::kProcessor:
      return Msg::kRoleProcessor;
    case config::RecipientRole::kController:
      return Msg::kRoleController;
    case config::RecipientRole::kThirdParty:
      return Msg::kRoleThirdParty;
  }
  return Msg::kRoleProcessor;
}

Msg CookieCategoryName(config::CookieCategory category) {
  switch (category) {
    case config::CookieCategory::kNecessary:
      return Msg::kCookieNecessary;
    case config::CookieCategory::kPreferences:
      return Msg::kCookiePreferences;
    case config::CookieCategory::kStatistics:
      return Msg::kCookieStatistics;
    case config::CookieCategory::kMarketing:
      return Msg::kCookieMarketing;
  }
  return Msg::kCookieNecessary;
}

// A record kind of the configuration's own: "gift_card" → "Gift card".
std::string HumanId(std::string_view id) {
  std::string out(id);
  std::replace(out.begin(), out.end(), '_', ' ');
  return Capitalize(out);
}

}  // namespace

Table Builder::RecipientsTable(const std::vector<const config::Recipient*>& recipients) {
  Table table{T(Msg::kRecipientsCaption),
              {T(Msg::kColRecipient), T(Msg::kColRole), T(Msg::kColTask), T(Msg::kColCountry), T(Msg::kColSafeguard)},
              {}};
  for (const config::Recipient* r : recipients) {
    std::string task = markup::Plain(Own(r->description));
    if (task.empty()) {
      const Named* service = FindNamed(kServices, r->service);
      task = service != nullptr ? T(service->msg) : std::string("—");
    }
    std::string safeguard;
    if (const Named* known = FindNamed(kSafeguards, r->safeguard)) {
      safeguard = T(known->msg);
    } else {
      safeguard = config::IsEea(r->country) ? T(Msg::kSafeguardNone) : markup::Plain(r->safeguard);
    }
    table.rows.push_back(
        {markup::Plain(r->name), T(RoleName(r->role)), std::move(task), CountryText(r->country), std::move(safeguard)});
  }
  return table;
}

Table Builder::RetentionTable(const std::vector<const config::RetentionRule*>& rules) {
  Table table{T(Msg::kRetentionCaption), {T(Msg::kColData), T(Msg::kColPeriod), T(Msg::kColWhy)}, {}};
  for (const config::RetentionRule* rule : rules) {
    std::string data = rule->category.empty() ? RecordKindName(rule->record_kind) : CategoryName(rule->category);
    std::string period =
        T(Msg::kRetentionPeriod,
          Vars().Markup("duration", DurationText(rule->duration)).Markup("anchor", T(AnchorPhrase(rule->anchor))));
    std::string why = markup::Plain(Own(rule->reason));
    if (why.empty()) {
      why = rule->accounting ? T(Msg::kRetentionAccountingReason, Vars().Markup("law", LawName()))
                             : T(Msg::kRetentionDefaultReason);
    }
    table.rows.push_back({std::move(data), std::move(period), std::move(why)});
  }
  return table;
}

std::string Builder::RecordKindName(std::string_view kind) {
  if (const Named* known = FindNamed(kRecordKinds, kind)) return T(known->msg);
  return HumanId(kind);
}

Section Builder::RecipientsSection() {
  Section s{"recipients", T(Msg::kHRecipients), {}, {}};
  s.blocks.push_back(Block::Paragraph(T(Msg::kRecipientsLead)));
  for (auto& p : FreeText("disclosure")) s.blocks.push_back(Block::Paragraph(std::move(p)));
  if (config_.recipients.empty()) {
    s.blocks.push_back(Block::Paragraph(T(Msg::kRecipientsNone)));
    return s;
  }
  std::vector<const config::Recipient*> all;
  for (const auto& r : config_.recipients) all.push_back(&r);
  const bool transfers =
      std::any_of(all.begin(), all.end(), [](const config::Recipient* r) { return !config::IsEea(r->country); });
  Table table = RecipientsTable(all);
  s.blocks.push_back(Block::MakeTable(std::move(table)));
  if (transfers) s.blocks.push_back(Block::Paragraph(T(Msg::kRecipientsTransfers)));
  if (config_.rights.processor_overview_on_request) {
    s.blocks.push_back(Block::Paragraph(
        T(Msg::kRecipientsOverview, Vars().Markup("link", markup::Url(ProcessorsPath(config_, lang_))))));
  }
  return s;
}

Section Builder::RetentionSection() {
  Section s{"retention", T(Msg::kHRetention), {}, {}};
  s.blocks.push_back(Block::Paragraph(T(Msg::kRetentionLead)));
  if (!config_.retention.empty()) {
    std::vector<const config::RetentionRule*> all;
    for (const auto& rule : config_.retention) all.push_back(&rule);
    Table table = RetentionTable(all);
    s.blocks.push_back(Block::MakeTable(std::move(table)));
  }
  if (HasAccountingRetention()) {
    std::string years;
    if (const config::CountryInfo* country = config::FindCountry(config_.controller.country);
        country != nullptr && country->accounting_books_years > 0) {
      std::string books = DurationText({country->accounting_books_years * 12, 0});
      years = country->accounting_books_years == country->accounting_vouchers_years
                  ? books
                  : T(Msg::kAccountingYearsSplit,
                      Vars()
                          .Markup("books", books)
                          .Markup("vouchers", DurationText({country->accounting_vouchers_years * 12, 0})));
    }
    s.blocks.push_back(Block::Paragraph(
        T(Msg::kRetentionAccounting,
          Vars().Markup("law", LawName()).Flag("has_years", !years.empty()).Markup("years", std::move(years)))));
  }
  s.blocks.push_back(Block::Paragraph(T(Msg::kRetentionOther)));
  return s;
}

std::optional<Section> Builder::CookiesSection() {
  std::vector<std::string> text = FreeText("cookies");
  if (config_.cookies.empty() && text.empty()) return std::nullopt;
  Section s{"cookies", T(Msg::kHCookies), {}, {}};
  if (text.empty()) text.push_back(T(Msg::kCookiesLead));
  for (auto& p : text) s.blocks.push_back(Block::Paragraph(std::move(p)));
  if (!config_.cookies.empty()) {
    const bool lifetimes = std::any_of(config_.cookies.begin(), config_.cookies.end(),
                                       [](const config::Cookie& c) { return c.duration.has_value(); });
    const bool countries = std::any_of(config_.cookies.begin(), config_.cookies.end(),
                                       [](const config::Cookie& c) { return !c.country.empty(); });
    Table table{
        T(Msg::kCookiesCaption), {T(Msg::kColTool), T(Msg::kColProvider), T(Msg::kColType), T(Msg::kColWhat)}, {}};
    if (countries) table.header.push_back(T(Msg::kColCountry));
    if (lifetimes) table.header.push_back(T(Msg::kColLifetime));
    table.header.push_back(T(Msg::kColWithoutConsent));
    for (const auto& c : config_.cookies) {
      std::string what = markup::Plain(Own(c.description));
      if (what.empty()) {
        const config::Purpose* p = config_.FindPurpose(c.purpose);
        what = p != nullptr ? PurposeName(*p) : T(CookieCategoryName(c.category));
      }
      std::vector<std::string> row = {markup::Plain(c.name), markup::Plain(c.provider),
                                      T(CookieCategoryName(c.category)), std::move(what)};
      if (countries) row.push_back(c.country.empty() ? std::string("—") : CountryText(c.country));
      if (lifetimes) row.push_back(c.duration ? DurationText(*c.duration) : std::string("—"));
      Msg without = Msg::kWithoutNotLoaded;
      if (c.category == config::CookieCategory::kNecessary || c.without_consent == "essential") {
        without = Msg::kWithoutEssential;
      } else if (c.without_consent == "anonymised") {
        without = Msg::kWithoutAnonymised;
      }
      row.push_back(T(without));
      table.rows.push_back(std::move(row));
    }
    s.blocks.push_back(Block::MakeTable(std::move(table)));
  }
  s.blocks.push_back(Block::Paragraph(T(Msg::kCookiesBanner)));
  return s;
}

std::vector<Section> Builder::ProcessorSections() {
  std::vector<Section> sections;
  for (const auto& r : config_.recipients) {
    Section s{"r-" + r.id, markup::Plain(r.name), {}, {}};
    std::vector<Fact> facts;
    facts.push_back({T(Msg::kLabelRole), T(RoleName(r.role))});
    std::string task = markup::Plain(Own(r.description));
    if (const Named* service = FindNamed(kServices, r.service); task.empty() && service != nullptr) {
      task = T(service->msg);
    }
    if (!task.empty()) facts.push_back({T(Msg::kLabelTask), std::move(task)});
    facts.push_back({T(Msg::kLabelCategories), Capitalize(CategoryList(r.categories))});
    std::vector<std::string> purposes;
    for (const auto& id : r.purposes) {
      if (const config::Purpose* p = config_.FindPurpose(id)) purposes.push_back(PurposeName(*p));
    }
    // Purpose names contain commas and conjunctions of their own: a semicolon keeps them apart.
    std::string purpose_list;
    for (const auto& name : purposes) purpose_list += (purpose_list.empty() ? "" : "; ") + name;
    if (!purpose_list.empty()) facts.push_back({T(Msg::kLabelPurposes), std::move(purpose_list)});
    facts.push_back({T(Msg::kLabelCountry), CountryText(r.country)});
    std::string safeguard;
    if (const Named* known = FindNamed(kSafeguards, r.safeguard)) {
      safeguard = T(known->msg);
    } else {
      safeguard = config::IsEea(r.country) ? T(Msg::kSafeguardNone) : markup::Plain(r.safeguard);
    }
    if (!safeguard.empty()) facts.push_back({T(Msg::kLabelSafeguard), std::move(safeguard)});
    s.blocks.push_back(Block::Facts(std::move(facts)));
    sections.push_back(std::move(s));
  }
  return sections;
}

}  // namespace tillit::policy
