#include "policy/builder.h"

#include <algorithm>
#include <chrono>

#include "config/countries.h"
#include "policy/policy.h"

namespace tillit::policy {
namespace {

// Latin-1 letters in UTF-8 are 0xC3 followed by 0x80–0x9E (upper case) or 0xA0–0xBE (lower case); 0x97 and 0xB7 are
// the multiplication and division signs.
bool IsUpperAt(std::string_view s, size_t i) {
  if (i >= s.size()) return false;
  const auto c = static_cast<unsigned char>(s[i]);
  if (c >= 'A' && c <= 'Z') return true;
  if (c == 0xC3 && i + 1 < s.size()) {
    const auto d = static_cast<unsigned char>(s[i + 1]);
    return d >= 0x80 && d <= 0x9E && d != 0x97;
  }
  return false;
}

size_t CharLength(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) return 2;
  if ((c & 0xF0) == 0xE0) return 3;
  return 4;
}

}  // namespace

std::string Capitalize(std::string_view text) {
  std::string out(text);
  if (out.empty()) return out;
  const auto c = static_cast<unsigned char>(out[0]);
  if (c >= 'a' && c <= 'z') {
    out[0] = static_cast<char>(c - 32);
  } else if (c == 0xC3 && out.size() > 1) {
    const auto d = static_cast<unsigned char>(out[1]);
    if (d >= 0xA0 && d <= 0xBE && d != 0xB7) out[1] = static_cast<char>(d - 0x20);
  }
  return out;
}

std::string LowerFirst(std::string_view text) {
  std::string out(text);
  if (out.empty() || !IsUpperAt(out, 0) || IsUpperAt(out, CharLength(out, 0))) return out;
  const auto c = static_cast<unsigned char>(out[0]);
  if (c < 0x80) {
    out[0] = static_cast<char>(c + 32);
  } else {
    out[1] = static_cast<char>(static_cast<unsigned char>(out[1]) + 0x20);
  }
  return out;
}

Builder::Builder(const config::Config& config, const Catalog& catalog, std::string policy_version, TimePoint date)
    : config_(config),
      catalog_(catalog),
      lang_(catalog.lang()),
      policy_version_(std::move(policy_version)),
      date_(date) {}

std::string Builder::T(Msg id, const Vars& vars) {
  auto text = Expand(catalog_.Get(id), vars);
  if (!text.ok()) {
    if (status_.ok()) {
      status_ = Status::Internal("policy catalog '" + lang_ + "', message " + std::string(MessageName(id)) + ": " +
                                 text.status().message());
    }
    return "";
  }
  return std::move(text).value();
}

std::vector<std::string> Builder::FreeText(std::string_view key) const {
  std::vector<std::string> paragraphs;
  auto texts = config_.policy.find(lang_);
  if (texts == config_.policy.end()) return paragraphs;
  auto text = texts->second.texts.find(key);
  if (text == texts->second.texts.end()) return paragraphs;
  // A blank line separates paragraphs.
  std::string_view rest = text->second;
  while (!rest.empty()) {
    size_t cut = rest.find("\n\n");
    std::string paragraph = markup::Plain(rest.substr(0, cut));
    if (!paragraph.empty()) paragraphs.push_back(std::move(paragraph));
    if (cut == std::string_view::npos) break;
    rest.remove_prefix(cut + 2);
  }
  return paragraphs;
}

std::string_view Builder::Own(const config::Localised& text) const {
  auto it = text.find(lang_);
  return it != text.end() ? std::string_view(it->second) : std::string_view();
}

std::string Builder::CategoryName(std::string_view id) const {
  if (const config::Category* c = config_.FindCategory(id)) {
    std::string_view name = config::Pick(c->name, lang_, config_.default_language());
    if (!name.empty()) return markup::Plain(name);
  }
  return markup::Plain(id);
}

std::string Builder::CategoryList(const std::vector<std::string>& ids) {
  std::vector<std::string> names;
  for (const auto& id : ids) names.push_back(LowerFirst(CategoryName(id)));
  return Join(names, Msg::kAnd);
}

std::string Builder::Join(const std::vector<std::string>& items, Msg conjunction) {
  if (items.empty()) return "";
  std::string out = items.front();
  for (size_t i = 1; i < items.size(); ++i) {
    out += i + 1 == items.size() ? " " + T(conjunction) + " " : ", ";
    out += items[i];
  }
  return out;
}

namespace {

struct StandardPurpose {
  std::string_view id;
  Msg name;
  Msg text;
};

constexpr StandardPurpose kStandardPurposes[] = {
    {"contract", Msg::kStdContract, Msg::kStdContractText},
    {"customer_service", Msg::kStdCustomerService, Msg::kStdCustomerServiceText},
    {"analytics", Msg::kStdAnalytics, Msg::kStdAnalyticsText},
    {"personalisation", Msg::kStdPersonalisation, Msg::kStdPersonalisationText},
    {"marketing", Msg::kStdMarketing, Msg::kStdMarketingText},
    {"profiling", Msg::kStdProfiling, Msg::kStdProfilingText},
    {"monitoring", Msg::kStdMonitoring, Msg::kStdMonitoringText},
    {"security", Msg::kStdSecurity, Msg::kStdSecurityText},
    {"accounting", Msg::kStdAccounting, Msg::kStdAccountingText},
};

const StandardPurpose* FindStandard(std::string_view id) {
  for (const auto& s : kStandardPurposes) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

}  // namespace

std::string Builder::PurposeName(const config::Purpose& p) const {
  if (std::string_view own = Own(p.name); !own.empty()) return markup::Plain(own);
  if (const StandardPurpose* s = FindStandard(p.id)) return std::string(catalog_.Get(s->name));
  std::string_view other = config::Pick(p.name, lang_, config_.default_language());
  return markup::Plain(other.empty() ? std::string_view(p.id) : other);
}

std::string Builder::PurposeDescription(const config::Purpose& p) {
  if (std::string_view own = Own(p.description); !own.empty()) return markup::Plain(own);
  if (const StandardPurpose* s = FindStandard(p.id)) return T(s->text);
  return T(Msg::kPurposeNoDescription);
}

std::string Builder::BasisName(config::LegalBasis basis) {
  using config::LegalBasis;
  switch (basis) {
    case LegalBasis::kConsent:
      return T(Msg::kBasisConsent);
    case LegalBasis::kContract:
      return T(Msg::kBasisContract);
    case LegalBasis::kLegalObligation:
      return T(Msg::kBasisLegalObligation);
    case LegalBasis::kLegitimateInterest:
      return T(Msg::kBasisLegitimateInterest);
    case LegalBasis::kVitalInterest:
      return T(Msg::kBasisVitalInterest);
    case LegalBasis::kPublicTask:
      return T(Msg::kBasisPublicTask);
  }
  return "";
}

std::string Builder::BasisArticle(config::LegalBasis basis) {
  // Article 6(1) points: (a) consent, (b) contract, (c) legal obligation, (d) vital interests, (e) public task,
  // (f) legitimate interests.
  static constexpr std::string_view kLetters[] = {"a", "b", "c", "f", "d", "e"};
  return T(Msg::kBasisArticle, Vars().Text("letter", kLetters[static_cast<int>(basis)]));
}

std::string Builder::Routes(const std::vector<std::string>& methods) {
  std::vector<std::string> routes;
  auto add = [&routes](std::string route) {
    if (!route.empty() && std::find(routes.begin(), routes.end(), route) == routes.end()) {
      routes.push_back(std::move(route));
    }
  };
  for (const auto& m : methods) {
    if (m == "portal" && !config::kCustomerPagesAvailable) {
      continue;  // no customer pages to point at: the policy names only routes that work (`tillit check` refuses it)
    } else if (m == "portal") {
      add(config_.rights.portal_url.empty()
              ? T(Msg::kRoutePortal)
              : T(Msg::kRoutePortalUrl, Vars().Markup("link", markup::Url(config_.rights.portal_url))));
    } else if (m == "email") {
      add(T(Msg::kRouteEmail, Vars().Markup("email", markup::Mailto(RightsEmail()))));
    } else if (m == "link") {
      add(T(Msg::kRouteLink));
    } else if (m == "phone") {
      const std::string& phone = config_.controller.phone;
      std::string tel = "tel:";
      for (char c : phone) {
        if (c != ' ' && c != '-') tel += c;
      }
      add(phone.empty() ? T(Msg::kRoutePhone)
                        : T(Msg::kRoutePhoneNumber, Vars().Markup("phone", markup::Link(tel, phone))));
    } else if (m == "staff") {
      add(T(Msg::kRouteStaff));
    }
  }
  if (routes.empty()) add(T(Msg::kRouteEmail, Vars().Markup("email", markup::Mailto(RightsEmail()))));
  return Join(routes, Msg::kOr);
}

std::string Builder::RequestRoutes() {
  std::vector<std::string> methods;
  if (!config_.rights.portal_url.empty()) methods.emplace_back("portal");
  methods.emplace_back("email");
  return Routes(methods);
}

std::string Builder::DurationText(const config::Duration& d) {
  std::vector<std::string> parts;
  auto part = [this, &parts](int n, Msg one, Msg many) {
    if (n == 0) return;
    parts.push_back(n == 1 ? T(one) : T(many, Vars().Text("n", std::to_string(n))));
  };
  // Whole years as years, anything else as months, as the configuration writes them ("13 months", "18 months").
  if (d.months % 12 == 0) {
    part(d.months / 12, Msg::kDurationYear, Msg::kDurationYears);
  } else {
    part(d.months, Msg::kDurationMonth, Msg::kDurationMonths);
  }
  part(d.days, Msg::kDurationDay, Msg::kDurationDays);
  if (parts.empty()) return T(Msg::kDurationDays, Vars().Text("n", "0"));
  return Join(parts, Msg::kAnd);
}

std::string Builder::DateText(TimePoint t) {
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
  const unsigned month = static_cast<unsigned>(ymd.month());
  const Msg month_name = static_cast<Msg>(static_cast<int>(Msg::kMonth1) + static_cast<int>(month) - 1);
  return T(Msg::kDate, Vars()
                           .Text("day", std::to_string(static_cast<unsigned>(ymd.day())))
                           .Text("month", catalog_.Get(month_name))
                           .Text("mnum", std::to_string(month))
                           .Text("year", std::to_string(static_cast<int>(ymd.year()))));
}

std::string Builder::LawName() {
  std::string_view law = BookkeepingLawName(config_.controller.country, lang_);
  return law.empty() ? T(Msg::kLawGeneric) : std::string(law);
}

std::string Builder::CountryText(std::string_view code) const { return markup::Plain(CountryName(code, lang_)); }

std::vector<const config::Recipient*> Builder::RecipientsOf(const config::Purpose& p) const {
  std::vector<const config::Recipient*> out;
  for (const auto& r : config_.recipients) {
    if (std::find(r.purposes.begin(), r.purposes.end(), p.id) != r.purposes.end()) out.push_back(&r);
  }
  return out;
}

std::string Builder::RecipientNames(const std::vector<const config::Recipient*>& recipients) const {
  std::string out;
  for (const auto* r : recipients) {
    if (!out.empty()) out += "; ";  // names may contain commas ("PayPal (Europe) S.à r.l. et Cie, S.C.A.")
    out += markup::Plain(r->name);
  }
  return out;
}

bool Builder::HasAccountingRetention() const {
  return std::any_of(config_.retention.begin(), config_.retention.end(),
                     [](const config::RetentionRule& r) { return r.accounting; });
}

bool Builder::HasMarketing() const {
  const config::Marketing& m = config_.marketing;
  return !m.opt_out_email.empty() || !m.opt_out_subject.empty() || !m.opt_out_registers.empty() ||
         m.prohibition_codes ||
         std::any_of(config_.purposes.begin(), config_.purposes.end(),
                     [](const config::Purpose& p) { return !p.channels.empty(); });
}

const std::string& Builder::RightsEmail() const {
  return config_.rights.email.empty() ? config_.controller.email : config_.rights.email;
}

Result<Document> Builder::BuildPolicy() {
  Document doc;
  const config::Controller& ctl = config_.controller;
  doc.lang = lang_;
  doc.policy_version = policy_version_;
  doc.title = T(Msg::kTitle) + " – " + markup::Plain(ctl.name);
  doc.meta = T(Msg::kVersionLine, Vars().Text("version", policy_version_).Markup("date", DateText(date_)));
  doc.skip_label = T(Msg::kSkipLink);
  doc.contents_label = T(Msg::kContents);
  std::vector<std::string> intro = FreeText("intro");
  if (intro.empty()) {
    intro.push_back(T(Msg::kIntroDefault, Vars()
                                              .Text("name", ctl.name)
                                              .Flag("has_website", !ctl.website.empty())
                                              .Markup("website", markup::Url(ctl.website))));
  }
  for (auto& p : intro) doc.lead.push_back(Block::Paragraph(std::move(p)));

  doc.sections.push_back(ControllerSection());
  doc.sections.push_back(DataSection());
  doc.sections.push_back(SourcesSection());
  doc.sections.push_back(PurposesSection());
  for (auto s : {ConsentSection(), ObjectionSection(), MarketingSection()}) {
    if (s) doc.sections.push_back(std::move(*s));
  }
  doc.sections.push_back(RecipientsSection());
  doc.sections.push_back(RetentionSection());
  if (auto s = CookiesSection()) doc.sections.push_back(std::move(*s));
  doc.sections.push_back(RightsSection());
  doc.sections.push_back(SecuritySection());
  doc.sections.push_back(AuthoritySection());
  doc.sections.push_back(VersionSection());
  doc.footer = T(Msg::kFooter, Vars().Text("name", ctl.name).Text("version", policy_version_));
  if (!status_.ok()) return status_;
  return doc;
}

Result<Document> Builder::BuildProcessors() {
  Document doc;
  const config::Controller& ctl = config_.controller;
  doc.lang = lang_;
  doc.policy_version = policy_version_;
  doc.title = T(Msg::kProcessorsTitle) + " – " + markup::Plain(ctl.name);
  doc.meta = T(Msg::kVersionLine, Vars().Text("version", policy_version_).Markup("date", DateText(date_)));
  doc.skip_label = T(Msg::kSkipLink);
  doc.contents_label = T(Msg::kContents);
  doc.lead.push_back(Block::Paragraph(T(
      Msg::kProcessorsLead,
      Vars().Text("name", ctl.name).Markup("link", markup::Link(PolicyPath(config_, lang_), T(Msg::kBackToPolicy))))));
  doc.sections = ProcessorSections();
  if (doc.sections.empty()) doc.lead.push_back(Block::Paragraph(T(Msg::kProcessorsNone)));
  doc.footer = T(Msg::kFooter, Vars().Text("name", ctl.name).Text("version", policy_version_));
  if (!status_.ok()) return status_;
  return doc;
}

}  // namespace tillit::policy
