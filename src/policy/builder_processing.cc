// The policy's sections on what is processed and why: the controller, the data, its sources, the purposes with
// their legal bases, consent, objection and marketing.
#include <algorithm>

#include "config/countries.h"
#include "policy/builder.h"

namespace tillit::policy {
namespace {

using config::LegalBasis;

struct Group {
  std::string_view prefix;  // category ids start with it; "" catches the rest
  Msg name;
};

constexpr Group kGroups[] = {
    {"identity.", Msg::kGroupIdentity},
    {"contact.", Msg::kGroupContact},
    {"account.", Msg::kGroupAccount},
    {"payment.", Msg::kGroupPayment},
    {"customer.", Msg::kGroupCustomer},
    {"activity.", Msg::kGroupActivity},
    {"device.", Msg::kGroupDevice},
    {"communication.", Msg::kGroupCommunication},
    {"marketing.", Msg::kGroupMarketing},
    {"profiling.", Msg::kGroupProfiling},
    {"", Msg::kGroupOther},
};

const Group& GroupOf(std::string_view category) {
  for (const auto& g : kGroups) {
    if (!g.prefix.empty() && category.starts_with(g.prefix)) return g;
  }
  return kGroups[std::size(kGroups) - 1];
}

Msg BasisText(LegalBasis basis) {
  switch (basis) {
    case LegalBasis::kConsent:
      return Msg::kBasisTextConsent;
    case LegalBasis::kContract:
      return Msg::kBasisTextContract;
    case LegalBasis::kLegalObligation:
      return Msg::kBasisTextLegalObligation;
    case LegalBasis::kLegitimateInterest:
      return Msg::kBasisTextLegitimateInterest;
    case LegalBasis::kVitalInterest:
      return Msg::kBasisTextVitalInterest;
    case LegalBasis::kPublicTask:
      return Msg::kBasisTextPublicTask;
  }
  return Msg::kBasisTextContract;
}

Msg ChannelPhrase(config::Channel channel) {
  switch (channel) {
    case config::Channel::kEmail:
      return Msg::kChannelEmail;
    case config::Channel::kSms:
      return Msg::kChannelSms;
    case config::Channel::kPhone:
      return Msg::kChannelPhone;
    case config::Channel::kPost:
      return Msg::kChannelPost;
  }
  return Msg::kChannelEmail;
}

bool IsElectronic(config::Channel c) { return c == config::Channel::kEmail || c == config::Channel::kSms; }

}  // namespace

Section Builder::ControllerSection() {
  const config::Controller& ctl = config_.controller;
  Section s{"controller", T(Msg::kHController), {}, {}};
  s.blocks.push_back(Block::Paragraph(
      T(Msg::kControllerLead,
        Vars().Text("name", ctl.name).Flag("has_trade", !ctl.trade_name.empty()).Text("trade", ctl.trade_name))));
  std::vector<Fact> facts;
  auto fact = [&facts, this](Msg label, std::string value) {
    if (!value.empty()) facts.push_back({T(label), std::move(value)});
  };
  fact(Msg::kLabelCompany, markup::Plain(ctl.name));
  fact(Msg::kLabelOrgNumber, markup::Plain(ctl.org_number));
  fact(Msg::kLabelRegister, markup::Plain(config::Pick(ctl.register_name, lang_, config_.default_language())));
  fact(Msg::kLabelAddress, markup::Plain(ctl.address));
  fact(Msg::kLabelEmail, markup::Mailto(ctl.email));
  if (!ctl.phone.empty()) {
    std::string tel = "tel:";
    for (char c : ctl.phone) {
      if (c != ' ' && c != '-') tel += c;
    }
    fact(Msg::kLabelPhone, markup::Link(tel, ctl.phone));
  }
  fact(Msg::kLabelWebsite, markup::Url(ctl.website));
  if (!ctl.dpo_name.empty() || !ctl.dpo_email.empty()) {
    std::string dpo = markup::Plain(ctl.dpo_name);
    if (!ctl.dpo_email.empty()) dpo += (dpo.empty() ? "" : ", ") + markup::Mailto(ctl.dpo_email);
    fact(Msg::kLabelDpo, std::move(dpo));
  }
  if (RightsEmail() != ctl.email) fact(Msg::kLabelPrivacyEmail, markup::Mailto(RightsEmail()));
  s.blocks.push_back(Block::Facts(std::move(facts)));
  s.blocks.push_back(
      Block::Paragraph(T(Msg::kControllerContact, Vars().Markup("email", markup::Mailto(RightsEmail())))));
  return s;
}

Section Builder::DataSection() {
  Section s{"data", T(Msg::kHData), {}, {}};
  s.blocks.push_back(Block::Paragraph(T(Msg::kDataLead)));
  std::vector<std::string> items;
  for (const auto& group : kGroups) {
    std::vector<std::string> names;
    for (const auto& c : config_.categories) {
      if (&GroupOf(c.id) == &group) names.push_back(LowerFirst(CategoryName(c.id)));
    }
    if (names.empty()) continue;
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    items.push_back(markup::Strong(T(group.name) + ":") + " " + list);
  }
  s.blocks.push_back(Block::List(std::move(items)));
  s.blocks.push_back(Block::Paragraph(T(Msg::kDataNote)));
  return s;
}

Section Builder::SourcesSection() {
  Section s{"sources", T(Msg::kHSources), {}, {}};
  std::vector<std::string> text = FreeText("sources");
  if (text.empty()) text.push_back(T(Msg::kSourcesDefault));
  for (auto& p : text) s.blocks.push_back(Block::Paragraph(std::move(p)));
  if (!config_.sources.empty()) {
    s.blocks.push_back(Block::Paragraph(T(Msg::kSourcesOther)));
    std::vector<std::string> items;
    for (const auto& src : config_.sources) {
      std::string item = T(Msg::kSourceItem, Vars()
                                                 .Markup("source", markup::Strong(markup::Plain(src.name)))
                                                 .Markup("categories", CategoryList(src.categories)));
      if (std::string_view d = Own(src.description); !d.empty()) item += " " + markup::Plain(d);
      items.push_back(std::move(item));
    }
    s.blocks.push_back(Block::List(std::move(items)));
  }
  return s;
}

Section Builder::PurposesSection() {
  Section s{"purposes", T(Msg::kHPurposes), {}, {}};
  s.blocks.push_back(Block::Paragraph(T(Msg::kPurposesLead)));
  Table table{T(Msg::kPurposesCaption), {T(Msg::kColPurpose), T(Msg::kColBasis)}, {}};
  std::vector<LegalBasis> used;
  for (const auto& p : config_.purposes) {
    table.rows.push_back({PurposeName(p), Capitalize(BasisName(p.legal_basis))});
    if (std::find(used.begin(), used.end(), p.legal_basis) == used.end()) used.push_back(p.legal_basis);
  }
  s.blocks.push_back(Block::MakeTable(std::move(table)));
  std::sort(used.begin(), used.end());
  std::vector<std::string> bases;
  for (LegalBasis b : used) {
    bases.push_back(markup::Strong(Capitalize(BasisName(b))) + " (" + BasisArticle(b) + "): " + T(BasisText(b)));
  }
  s.blocks.push_back(Block::List(std::move(bases)));

  for (const auto& p : config_.purposes) {
    Section child{p.id, PurposeName(p), {}, {}};
    child.blocks.push_back(Block::Paragraph(PurposeDescription(p)));
    std::vector<Fact> facts;
    facts.push_back({T(Msg::kColBasis), BasisName(p.legal_basis) + " (" + BasisArticle(p.legal_basis) + ")"});
    const bool all = p.categories.size() >= config_.categories.size() && p.builtin;
    facts.push_back({T(Msg::kPurposeData), all ? T(Msg::kPurposeDataAll) : CategoryList(p.categories)});
    if (auto recipients = RecipientsOf(p); !recipients.empty()) {
      facts.push_back({T(Msg::kPurposeRecipients), RecipientNames(recipients)});
    }
    child.blocks.push_back(Block::Facts(std::move(facts)));
    if (p.legal_basis == LegalBasis::kConsent) {
      child.blocks.push_back(Block::Paragraph(T(Msg::kPurposeWithdraw, Vars().Markup("routes", Routes(p.withdraw)))));
      if (p.consent_validity) {
        child.blocks.push_back(Block::Paragraph(
            T(Msg::kPurposeConsentValidity, Vars().Markup("duration", DurationText(*p.consent_validity)))));
      }
    } else if (p.legal_basis == LegalBasis::kLegitimateInterest && !p.builtin) {
      child.blocks.push_back(Block::Paragraph(T(Msg::kPurposeObject, Vars().Markup("routes", Routes(p.objection)))));
    }
    s.children.push_back(std::move(child));
  }
  return s;
}

std::optional<Section> Builder::ConsentSection() {
  std::vector<std::string> items;
  for (const auto& p : config_.purposes) {
    if (p.legal_basis != LegalBasis::kConsent) continue;
    items.push_back(T(Msg::kConsentItem,
                      Vars().Markup("purpose", markup::Strong(PurposeName(p))).Markup("routes", Routes(p.withdraw))));
  }
  if (items.empty()) return std::nullopt;
  Section s{"consent", T(Msg::kHConsent), {}, {}};
  s.blocks.push_back(Block::Paragraph(T(Msg::kConsentLead)));
  s.blocks.push_back(Block::Paragraph(T(Msg::kConsentList)));
  s.blocks.push_back(Block::List(std::move(items)));
  s.blocks.push_back(Block::Paragraph(T(Msg::kConsentRenewal)));
  return s;
}

std::optional<Section> Builder::ObjectionSection() {
  std::vector<std::string> items;
  for (const auto& p : config_.purposes) {
    if (p.legal_basis != LegalBasis::kLegitimateInterest || p.builtin) continue;
    items.push_back(T(Msg::kObjectionItem,
                      Vars().Markup("purpose", markup::Strong(PurposeName(p))).Markup("routes", Routes(p.objection))));
  }
  if (items.empty()) return std::nullopt;
  Section s{"objection", T(Msg::kHObjection), {}, {}};
  s.blocks.push_back(Block::Paragraph(T(Msg::kObjectionLead)));
  if (HasMarketing()) s.blocks.push_back(Block::Paragraph(T(Msg::kObjectionMarketing)));
  s.blocks.push_back(Block::Paragraph(T(Msg::kObjectionList)));
  s.blocks.push_back(Block::List(std::move(items)));
  return s;
}

std::optional<Section> Builder::MarketingSection() {
  if (!HasMarketing()) return std::nullopt;
  const config::Marketing& m = config_.marketing;
  Section s{"marketing", T(Msg::kHMarketing), {}, {}};

  std::vector<config::Channel> channels;
  std::vector<std::string> items;
  bool existing_customers = false;
  for (const auto& p : config_.purposes) {
    if (p.channels.empty()) continue;
    std::vector<std::string> phrases;
    for (config::Channel c : p.channels) {
      phrases.push_back(T(ChannelPhrase(c)));
      if (std::find(channels.begin(), channels.end(), c) == channels.end()) channels.push_back(c);
    }
    Vars vars;
    vars.Markup("purpose", markup::Strong(PurposeName(p))).Markup("channels", Join(phrases, Msg::kOr));
    if (p.legal_basis == LegalBasis::kConsent) {
      items.push_back(T(Msg::kMarketingItemConsent, vars));
    } else if (p.legal_basis == LegalBasis::kLegitimateInterest) {
      items.push_back(T(Msg::kMarketingItemLegitimate, vars));
      if (p.own_similar_products && m.existing_customer_exception &&
          std::any_of(p.channels.begin(), p.channels.end(), IsElectronic)) {
        existing_customers = true;
      }
    }
  }
  if (!channels.empty()) {
    std::sort(channels.begin(), channels.end());
    std::vector<std::string> phrases;
    for (config::Channel c : channels) phrases.push_back(T(ChannelPhrase(c)));
    s.blocks.push_back(Block::Paragraph(T(Msg::kMarketingLead, Vars().Markup("channels", Join(phrases, Msg::kOr)))));
  }
  if (!items.empty()) s.blocks.push_back(Block::List(std::move(items)));
  if (existing_customers) s.blocks.push_back(Block::Paragraph(T(Msg::kMarketingExistingCustomers)));
  if (!m.opt_out_email.empty() || !m.opt_out_subject.empty()) {
    const std::string& to = m.opt_out_email.empty() ? RightsEmail() : m.opt_out_email;
    s.blocks.push_back(
        Block::Paragraph(T(Msg::kMarketingOptOutEmail, Vars()
                                                           .Markup("email", markup::Mailto(to))
                                                           .Flag("has_subject", !m.opt_out_subject.empty())
                                                           .Text("subject", m.opt_out_subject))));
  }
  if (!m.opt_out_registers.empty()) {
    std::vector<std::string> names;
    bool exempt = true;
    for (const auto& r : m.opt_out_registers) {
      const config::RegisterDefaults* known = config::FindRegister(r.id);
      names.push_back(markup::Plain(known != nullptr ? known->name : std::string_view(r.id)));
      exempt = exempt && r.existing_customers_exempt;
    }
    s.blocks.push_back(Block::Paragraph(
        T(Msg::kMarketingRegisters, Vars().Markup("registers", Join(names, Msg::kAnd)).Flag("exempt", exempt))));
  }
  if (m.prohibition_codes) s.blocks.push_back(Block::Paragraph(T(Msg::kMarketingProhibition)));
  s.blocks.push_back(Block::Paragraph(T(Msg::kMarketingSuppression)));
  return s;
}

}  // namespace tillit::policy
