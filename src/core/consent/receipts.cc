#include "core/consent/receipts.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "util/clock.h"

namespace tillit::core {
namespace {

using nlohmann::json;

constexpr std::string_view kKantaraVersion = "KI-CR-v1.1.0";
constexpr std::string_view kRecordSchema = "https://w3id.org/dpv/schema/iso-27560#record";

std::string_view ConsentStatusDpv(std::string_view action) {
  if (action == "given") return "dpv:ConsentGiven";
  if (action == "withdrawn") return "dpv:ConsentWithdrawn";
  return "dpv:ConsentRefused";
}

bool Contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

// The purpose category of the Kantara receipt (its appendix of purpose categories) that fits a purpose best.
std::string_view KantaraPurposeCategory(const config::Purpose* p, std::string_view id) {
  if (Contains(id, "marketing") || (p != nullptr && !p->channels.empty())) return "Marketing";
  if (Contains(id, "profil") || Contains(id, "personal")) return "Personalized Experience";
  if (Contains(id, "analytic") || Contains(id, "statistic") || Contains(id, "monitoring")) {
    return "Improve Performance";
  }
  if (Contains(id, "security") || Contains(id, "fraud") || id == config::kLegalClaims) {
    return "Protecting Our Interests";
  }
  if (p == nullptr) return "Core Function";
  switch (p->legal_basis) {
    case config::LegalBasis::kContract:
      return "Contracted Service";
    case config::LegalBasis::kLegalObligation:
      return "Legally Required Data Retention";
    default:
      return "Core Function";
  }
}

std::string JoinStrings(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(sep)) + item;
  return out;
}

std::string PolicyUrl(const config::Config& config, std::string_view language) {
  std::string base = config.server.public_url;
  if (!base.empty()) {
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/privacy/" + std::string(language);
  }
  return config.controller.website;
}

// The ISO/IEC TS 27560 consent record, with the keys the DPV guide maps its fields to:
//   @context, @type "dpv:ConsentRecord"
//   dct:identifier            record id (the consent event's id)
//   dct:conformsTo            schema version (the DPV profile for 27560 records)
//   dct:created               when the record was made (the event time)
//   dpv:hasDataSubject        PII principal: {dct:identifier} — tillit's pseudonymous subject id, never an e-mail
//   dpv:hasDataController     PII controller: {dpv:hasName, dct:identifier (org number), dpv:hasAddress,
//                             dpv:hasCountry, dpv:hasContact {email, phone, url}}
//   dpv:hasJurisdiction       the controller's country
//   dpv:hasNotice             the notice consent was asked under: {@type dpv:ConsentNotice, dct:identifier (the
//                             policy version, i.e. the published configuration snapshot), dct:language, dct:source
//                             (the policy's address)}
//   dpv:hasProcess            what was consented to: {dpv:hasPurpose {dct:identifier, dct:title, dct:description
//                             (in the event's language), revision (the purpose's revision the event was given under)},
//                             dpv:hasLegalBasis (a DPV term such as dpv:Consent), dpv:hasPersonalData [{@type (the
//                             category's DPV pd: term), dct:identifier, dct:title}], dpv:hasChannel (when narrowed to
//                             one), dpv:hasConsentControl (how to withdraw), dpv:hasRecipient [{dpv:hasName,
//                             dpv:hasCountry, @type}]}
//   dpv:hasConsentStatus      the event: {@type dpv:ConsentGiven | dpv:ConsentWithdrawn | dpv:ConsentRefused,
//                             dct:date (event time), dct:valid (expiry from the purpose's consent_validity, given
//                             consents only, else null), method (how it was collected: web_form, portal, import …),
//                             dpv:isImplementedByEntity (the subject id)}
//   evidence                  what proof is kept, as presence flags only: {user_agent, ip_hash, unproven}
json Iso27560Record(const config::Config& config, const store::ConsentEventRow& e, const config::Purpose* p) {
  const config::Controller& c = config.controller;
  const std::string_view lang = e.language;
  const std::string_view fallback = config.default_language();

  json contact = json::object();
  if (!c.email.empty()) contact["email"] = c.email;
  if (!c.phone.empty()) contact["phone"] = c.phone;
  if (!c.website.empty()) contact["url"] = c.website;
  json controller = {{"@type", "dpv:DataController"},
                     {"dpv:hasName", c.name},
                     {"dpv:hasAddress", c.address},
                     {"dpv:hasCountry", c.country},
                     {"dpv:hasContact", contact}};
  if (!c.org_number.empty()) controller["dct:identifier"] = c.org_number;

  json purpose = {{"@type", "dpv:Purpose"}, {"dct:identifier", e.purpose}, {"revision", e.revision}};
  json personal_data = json::array();
  json recipients = json::array();
  json process = {{"@type", "dpv:Process"}};
  if (p != nullptr) {
    purpose["dct:title"] = config::Pick(p->name, lang, fallback);
    purpose["dct:description"] = config::Pick(p->description, lang, fallback);
    process["dpv:hasLegalBasis"] = config::LegalBasisDpv(p->legal_basis);
    for (const auto& id : p->categories) {
      const config::Category* cat = config.FindCategory(id);
      json item = {{"@type", cat != nullptr && !cat->dpv.empty() ? cat->dpv : "dpv:PersonalData"},
                   {"dct:identifier", id}};
      if (cat != nullptr && !cat->name.empty()) item["dct:title"] = config::Pick(cat->name, lang, fallback);
      personal_data.push_back(std::move(item));
    }
    for (const auto& r : config.recipients) {
      if (std::find(r.purposes.begin(), r.purposes.end(), p->id) == r.purposes.end()) continue;
      const std::string_view type = r.role == config::RecipientRole::kProcessor    ? "dpv:DataProcessor"
                                    : r.role == config::RecipientRole::kController ? "dpv:DataController"
                                                                                   : "dpv:ThirdParty";
      recipients.push_back({{"@type", type}, {"dpv:hasName", r.name}, {"dpv:hasCountry", r.country}});
    }
    process["dpv:hasConsentControl"] = p->withdraw;
  }
  process["dpv:hasPurpose"] = std::move(purpose);
  process["dpv:hasPersonalData"] = std::move(personal_data);
  process["dpv:hasRecipient"] = std::move(recipients);
  if (!e.channel.empty()) process["dpv:hasChannel"] = e.channel;

  json valid = nullptr;
  if (e.action == "given" && p != nullptr && p->consent_validity) {
    valid = FormatRfc3339(config::AddDuration(FromMicros(e.at), *p->consent_validity));
  }
  const std::string at = FormatRfc3339(FromMicros(e.at));
  return {
      {"@context",
       {{"dpv", "https://w3id.org/dpv#"}, {"pd", "https://w3id.org/dpv/pd#"}, {"dct", "http://purl.org/dc/terms/"}}},
      {"@type", "dpv:ConsentRecord"},
      {"dct:identifier", e.event_id},
      {"dct:conformsTo", kRecordSchema},
      {"dct:created", at},
      {"dpv:hasDataSubject", {{"@type", "dpv:DataSubject"}, {"dct:identifier", e.subject_id}}},
      {"dpv:hasDataController", std::move(controller)},
      {"dpv:hasJurisdiction", c.country},
      {"dpv:hasNotice",
       {{"@type", "dpv:ConsentNotice"},
        {"dct:identifier", e.policy_version},
        {"dct:language", e.language},
        {"dct:source", PolicyUrl(config, lang)}}},
      {"dpv:hasProcess", std::move(process)},
      {"dpv:hasConsentStatus",
       {{"@type", ConsentStatusDpv(e.action)},
        {"dct:date", at},
        {"dct:valid", valid},
        {"method", e.method},
        {"dpv:isImplementedByEntity", e.subject_id}}},
      {"evidence", {{"user_agent", !e.user_agent.empty()}, {"ip_hash", !e.ip_hash.empty()}, {"unproven", e.unproven}}},
  };
}

// The Kantara Consent Receipt v1.1, its field names exactly; publicKey is left out (receipts are not signed yet).
json KantaraReceipt(const config::Config& config, const store::ConsentEventRow& e, const config::Purpose* p) {
  const config::Controller& c = config.controller;
  const std::string_view lang = e.language;
  const std::string_view fallback = config.default_language();

  json controller = {{"piiController", c.name},
                     {"contact", c.dpo_name.empty() ? c.name : c.dpo_name},
                     {"address", {{"streetAddress", c.address}, {"addressCountry", c.country}}},
                     {"email", !c.dpo_email.empty() ? c.dpo_email : c.email}};
  if (!c.phone.empty()) controller["phone"] = c.phone;
  if (!c.website.empty()) controller["piiControllerUrl"] = c.website;

  json pii_category = json::array();
  std::string termination = "Until withdrawn";
  bool third_party = false;
  std::vector<std::string> third_parties;
  if (p != nullptr) {
    for (const auto& id : p->categories) {
      const config::Category* cat = config.FindCategory(id);
      const std::string_view name = cat != nullptr ? config::Pick(cat->name, lang, fallback) : std::string_view();
      pii_category.push_back(name.empty() ? id : std::string(name));
    }
    if (!p->withdraw.empty()) termination += " (" + JoinStrings(p->withdraw, ", ") + ")";
    if (p->consent_validity) termination += "; expires " + p->consent_validity->ToString() + " after it was given";
    for (const auto& r : config.recipients) {
      if (r.role == config::RecipientRole::kProcessor) continue;  // processors act for the controller
      if (std::find(r.purposes.begin(), r.purposes.end(), p->id) == r.purposes.end()) continue;
      third_party = true;
      third_parties.push_back(r.name);
    }
  }
  json purpose = {{"purpose", p != nullptr ? std::string(config::Pick(p->name, lang, fallback)) : e.purpose},
                  {"purposeCategory", json::array({KantaraPurposeCategory(p, e.purpose)})},
                  {"consentType", "EXPLICIT"},
                  {"piiCategory", std::move(pii_category)},
                  {"primaryPurpose", p != nullptr && p->legal_basis == config::LegalBasis::kContract},
                  {"termination", termination},
                  {"thirdPartyDisclosure", third_party}};
  if (third_party) purpose["thirdPartyName"] = JoinStrings(third_parties, ", ");

  const std::string service = c.trade_name.empty() ? c.name : c.trade_name;
  return {{"version", kKantaraVersion},
          {"jurisdiction", c.country},
          {"consentTimestamp", e.at / 1'000'000},
          {"collectionMethod", e.method},
          {"consentReceiptID", e.event_id},
          {"language", e.language},
          {"piiPrincipalId", e.subject_id},
          {"piiControllers", json::array({std::move(controller)})},
          {"policyUrl", PolicyUrl(config, lang)},
          {"services", json::array({{{"service", service}, {"purposes", json::array({std::move(purpose)})}}})},
          {"sensitive", false},
          {"spiCat", json::array()}};
}

}  // namespace

json ConsentReceipt(const config::Config& config, const store::ConsentEventRow& event) {
  const config::Purpose* p = config.FindPurpose(event.purpose);
  return {{"iso27560", Iso27560Record(config, event, p)}, {"kantara", KantaraReceipt(config, event, p)}};
}

}  // namespace tillit::core
