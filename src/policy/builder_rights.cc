// The policy's sections on the reader's rights and how to use each, security, the supervisory authority, and the
// version the policy was generated from.
#include <algorithm>

#include "policy/builder.h"

namespace tillit::policy {

Section Builder::RightsSection() {
  Section s{"rights", T(Msg::kHRights), {}, {}};
  for (auto& p : FreeText("contact")) s.blocks.push_back(Block::Paragraph(std::move(p)));
  s.blocks.push_back(Block::Paragraph(T(Msg::kRightsLead)));
  if (config_.rights.identity_check) s.blocks.push_back(Block::Paragraph(T(Msg::kRightsIdentity)));
  s.blocks.push_back(Block::Paragraph(T(Msg::kRightsRejected)));

  const std::string routes = RequestRoutes();
  auto right = [&](std::string id, Msg heading, Msg text, Vars vars) {
    Section child{std::move(id), T(heading), {}, {}};
    vars.Markup("routes", routes);
    child.blocks.push_back(Block::Paragraph(T(text, vars)));
    s.children.push_back(std::move(child));
    return &s.children.back();
  };
  right("access", Msg::kRightAccessH, Msg::kRightAccess, {});
  right("rectification", Msg::kRightRectificationH, Msg::kRightRectification, {});
  Section* erasure = right("erasure", Msg::kRightErasureH, Msg::kRightErasure, {});
  if (HasAccountingRetention()) {
    erasure->blocks.push_back(Block::Paragraph(T(Msg::kRightErasureAccounting, Vars().Markup("law", LawName()))));
  }
  right("restriction", Msg::kRightRestrictionH, Msg::kRightRestriction, {});
  right("portability", Msg::kRightPortabilityH, Msg::kRightPortability, {});
  // The sections they refer to exist iff some purpose rests on legitimate interest, or on consent.
  const auto& purposes = config_.purposes;
  if (std::any_of(purposes.begin(), purposes.end(), [](const config::Purpose& p) {
        return p.legal_basis == config::LegalBasis::kLegitimateInterest && !p.builtin;
      })) {
    right("objection", Msg::kRightObjectionH, Msg::kRightObjection, Vars().Text("section", T(Msg::kHObjection)));
  }
  if (std::any_of(purposes.begin(), purposes.end(),
                  [](const config::Purpose& p) { return p.legal_basis == config::LegalBasis::kConsent; })) {
    right("withdraw", Msg::kRightWithdrawH, Msg::kRightWithdraw, Vars().Text("section", T(Msg::kHConsent)));
  }
  return s;
}

Section Builder::SecuritySection() {
  Section s{"security", T(Msg::kHSecurity), {}, {}};
  std::vector<std::string> text = FreeText("security");
  if (text.empty()) text.push_back(T(Msg::kSecurityDefault));
  for (auto& p : text) s.blocks.push_back(Block::Paragraph(std::move(p)));
  s.blocks.push_back(Block::Paragraph(T(Msg::kSecurityRegister)));
  return s;
}

Section Builder::AuthoritySection() {
  const config::SupervisoryAuthority& a = config_.controller.authority;
  Section s{"authority", T(Msg::kHAuthority), {}, {}};
  s.blocks.push_back(Block::Paragraph(T(Msg::kAuthorityLead)));
  std::vector<Fact> facts;
  auto fact = [&facts, this](Msg label, std::string value) {
    if (!value.empty()) facts.push_back({T(label), std::move(value)});
  };
  fact(Msg::kLabelAuthority, markup::Plain(a.name));
  fact(Msg::kLabelAddress, markup::Plain(a.address));
  // The authority's website is named, not linked: the page links only to the controller's own addresses.
  fact(Msg::kLabelWebsite, markup::Plain(a.website));
  fact(Msg::kLabelEmail, markup::Mailto(a.email));
  if (!facts.empty()) s.blocks.push_back(Block::Facts(std::move(facts)));
  s.blocks.push_back(Block::Paragraph(T(Msg::kAuthorityElsewhere)));
  return s;
}

Section Builder::VersionSection() {
  Section s{"version", T(Msg::kHVersion), {}, {}};
  s.blocks.push_back(
      Block::Facts({{T(Msg::kLabelVersion), markup::Plain(policy_version_)}, {T(Msg::kLabelDate), DateText(date_)}}));
  s.blocks.push_back(Block::Paragraph(T(Msg::kVersionGenerated, Vars().Text("version", policy_version_))));
  s.blocks.push_back(Block::Paragraph(T(Msg::kVersionChanges)));
  for (auto& p : FreeText("changes")) s.blocks.push_back(Block::Paragraph(std::move(p)));
  return s;
}

}  // namespace tillit::policy
