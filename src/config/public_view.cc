#include "config/public_view.h"

#include <nlohmann/json.hpp>

namespace tillit::config {
namespace {

using nlohmann::json;

json Texts(const Localised& texts) {
  json out = json::object();
  for (const auto& [lang, text] : texts) out[lang] = text;
  return out;
}

json Channels(const std::vector<Channel>& channels) {
  json out = json::array();
  for (Channel c : channels) out.push_back(ChannelId(c));
  return out;
}

json BuildView(const Config& c, bool canonical) {
  json j;
  const Controller& ctl = c.controller;
  j["controller"] = {{"name", ctl.name},
                     {"trade_name", ctl.trade_name},
                     {"org_number", ctl.org_number},
                     {"address", ctl.address},
                     {"country", ctl.country},
                     {"email", ctl.email},
                     {"phone", ctl.phone},
                     {"website", ctl.website},
                     {"register_name", Texts(ctl.register_name)},
                     {"time_zone", ctl.time_zone},
                     {"dpo", {{"name", ctl.dpo_name}, {"email", ctl.dpo_email}}},
                     {"supervisory_authority",
                      {{"name", ctl.authority.name},
                       {"address", ctl.authority.address},
                       {"website", ctl.authority.website},
                       {"email", ctl.authority.email}}}};
  // Only when configured, so configurations without one keep their policy version.
  if (!ctl.representative.name.empty()) {
    j["controller"]["representative"] = {{"name", ctl.representative.name},
                                         {"address", ctl.representative.address},
                                         {"email", ctl.representative.email}};
  }
  j["languages"] = c.languages;
  json categories = json::array();
  for (const auto& cat : c.categories) {
    categories.push_back({{"id", cat.id},
                          {"dpv", cat.dpv},
                          {"fideslang", cat.fideslang},
                          {"name", Texts(cat.name)},
                          {"portable", cat.portable}});
  }
  j["categories"] = categories;
  json sources = json::array();
  for (const auto& s : c.sources) {
    sources.push_back(
        {{"id", s.id}, {"name", s.name}, {"categories", s.categories}, {"description", Texts(s.description)}});
  }
  j["sources"] = sources;
  json purposes = json::array();
  for (const auto& p : c.purposes) {
    json pj = {{"id", p.id},
               {"legal_basis", LegalBasisId(p.legal_basis)},
               {"legal_basis_dpv", LegalBasisDpv(p.legal_basis)},
               {"categories", p.categories},
               {"name", Texts(p.name)},
               {"description", Texts(p.description)},
               {"revision", p.revision},
               {"withdraw", p.withdraw},
               {"channels", Channels(p.channels)},
               {"own_similar_products", p.own_similar_products},
               {"objection", p.objection},
               {"builtin", p.builtin}};
    pj["consent_validity"] = p.consent_validity ? json(p.consent_validity->ToString()) : json(nullptr);
    purposes.push_back(std::move(pj));
  }
  j["purposes"] = purposes;
  json retention = json::array();
  for (const auto& r : c.retention) {
    json rj = {{"duration", r.duration.ToString()},
               {"anchor", AnchorId(r.anchor)},
               {"accounting", r.accounting},
               {"reason", Texts(r.reason)}};
    if (!r.category.empty()) rj["category"] = r.category;
    if (!r.record_kind.empty()) rj["record_kind"] = r.record_kind;
    if (!r.law.empty()) rj["law"] = Texts(r.law);
    retention.push_back(std::move(rj));
  }
  j["retention"] = retention;
  j["record_kinds"] = c.record_kinds;
  json recipients = json::array();
  for (const auto& r : c.recipients) {
    recipients.push_back({{"id", r.id},
                          {"name", r.name},
                          {"role", RecipientRoleId(r.role)},
                          {"country", r.country},
                          {"safeguard", r.safeguard},
                          {"categories", r.categories},
                          {"purposes", r.purposes},
                          {"service", r.service},
                          {"description", Texts(r.description)}});
  }
  j["recipients"] = recipients;
  json cookies = json::array();
  for (const auto& k : c.cookies) {
    cookies.push_back({{"id", k.id},
                       {"name", k.name},
                       {"provider", k.provider},
                       {"recipient", k.recipient},
                       {"category", CookieCategoryId(k.category)},
                       {"purpose", k.purpose},
                       {"duration", k.duration ? json(k.duration->ToString()) : json(nullptr)},
                       {"country", k.country},
                       {"without_consent", k.without_consent},
                       {"description", Texts(k.description)}});
  }
  j["cookies"] = cookies;
  j["rights"] = {{"email", c.rights.email},
                 {"portal_url", c.rights.portal_url},
                 {"identity_check", c.rights.identity_check},
                 {"processor_overview_on_request", c.rights.processor_overview_on_request}};
  j["marketing"] = {{"opt_out_subject", c.marketing.opt_out_subject},
                    {"opt_out_email", c.marketing.opt_out_email},
                    {"prohibition_codes", c.marketing.prohibition_codes},
                    {"existing_customer_exception", c.marketing.existing_customer_exception}};
  if (canonical) {
    j["rights"]["approval_required"] = c.rights.approval_required;
    json registers = json::array();
    for (const auto& r : c.marketing.opt_out_registers) {
      registers.push_back({{"id", r.id},
                           {"country", r.country},
                           {"channels", Channels(r.channels)},
                           {"max_age", r.max_age.ToString()},
                           {"existing_customers_exempt", r.existing_customers_exempt}});
    }
    j["marketing"]["opt_out_registers"] = registers;
    json policy = json::object();
    for (const auto& [lang, texts] : c.policy) {
      json t = json::object();
      for (const auto& [k, v] : texts.texts) t[k] = v;
      policy[lang] = t;
    }
    j["policy"] = policy;
    j["controller"]["fiscal_year_end"] = {c.controller.fiscal_year_end_month, c.controller.fiscal_year_end_day};
  }
  return j;
}

}  // namespace

std::string PublicViewJson(const Config& config, const std::string& policy_version) {
  json j = BuildView(config, false);
  if (!policy_version.empty()) j["policy_version"] = policy_version;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string CanonicalConfigJson(const Config& config) {
  return BuildView(config, true).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace tillit::config
