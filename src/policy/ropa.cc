#include "policy/ropa.h"

#include <algorithm>
#include <map>

#include "config/countries.h"

namespace tillit::policy {
namespace {

using nlohmann::json;

struct PurposeTerm {
  std::string_view id;
  std::string_view dpv;
};

// DPV purpose terms of the purpose ids the seed shops use.
constexpr PurposeTerm kPurposeTerms[] = {
    {"contract", "dpv:ServiceProvision"},
    {"delivery", "dpv:ServiceProvision"},
    {"payment", "dpv:ServiceProvision"},
    {"customer_service", "dpv:CustomerCare"},
    {"customer_relationship", "dpv:CustomerRelationshipManagement"},
    {"loyalty", "dpv:CustomerRelationshipManagement"},
    {"analytics", "dpv:ServiceUsageAnalytics"},
    {"personalisation", "dpv:ServicePersonalisation"},
    {"recommendations", "dpv:CreatePersonalisedRecommendations"},
    {"marketing", "dpv:DirectMarketing"},
    {"newsletter", "dpv:DirectMarketing"},
    {"advertising", "dpv:Advertising"},
    {"profiling", "dpv:PersonalisedAdvertising"},
    {"monitoring", "dpv:ServiceOptimisation"},
    {"security", "dpv:EnforceSecurity"},
    {"fraud", "dpv:FraudPreventionAndDetection"},
    {"accounting", "dpv:LegalCompliance"},
    {"rights_fulfilment", "dpv:LegalCompliance"},
    {"legal_claims", "dpv:DisputeManagement"},
};

bool Contains(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

std::string RetentionText(const config::RetentionRule& r) {
  return r.duration.ToString() + " from " + std::string(config::AnchorId(r.anchor)) +
         (r.accounting ? " (accounting: kept under a legal hold after erasure)" : "");
}

// The categories of data subjects of a purpose. The configuration holds customers; a purpose that reaches people
// over a marketing channel also holds subscribers, and one a cookie serves also holds website visitors.
std::vector<RopaTerm> DataSubjects(const config::Config& config, const config::Purpose& p) {
  std::vector<RopaTerm> out = {{"customer", "Customers", "dpv:Customer", "", ""}};
  if (!p.channels.empty()) out.push_back({"subscriber", "Subscribers to marketing", "dpv:Subscriber", "", ""});
  const bool cookies = std::any_of(config.cookies.begin(), config.cookies.end(),
                                   [&](const config::Cookie& c) { return c.purpose == p.id; });
  if (cookies) out.push_back({"visitor", "Website visitors", "dpv:Visitor", "", ""});
  return out;
}

// What tillit itself enforces for every configuration (DESIGN.md, "Crypto" and "Audit").
std::vector<RopaTerm> BuiltinMeasures() {
  return {
      {"encryption_at_rest", "Encryption of personal data at rest", "dpv:EncryptionAtRest", "",
       "Every field and record is sealed with XChaCha20-Poly1305 under a per-subject data key, bound to the subject "
       "and field."},
      {"key_management", "Cryptographic key management", "dpv:CryptographicKeyManagement", "",
       "Data keys are wrapped by a versioned master key kept apart from the data; the master key can be rotated."},
      {"pseudonymised_lookup", "Look-ups by keyed hashes", "dpv:HashFunctions", "",
       "E-mail addresses, phone numbers and customer numbers are found through keyed BLAKE2b blind indexes, never "
       "stored in the clear."},
      {"access_control", "Purpose-bound access control", "dpv:AccessControlMethod", "",
       "Integrations authenticate with API keys limited to purposes; every read names its purpose and passes the "
       "decision of the configured rules."},
      {"audit_log", "Tamper-evident audit log", "dpv:ActivityMonitoring", "",
       "Every read and change of personal data is an audit entry, chained by hash; the chain head is signed with "
       "Ed25519."},
      {"erasure", "Erasure by key destruction and retention sweeps", "dpv:DataDeletion", "",
       "Erasure destroys the subject's data key so copies become unreadable; expired records are deleted by a "
       "sweeper."},
  };
}

json TermJson(const RopaTerm& t) {
  json j = {{"id", t.id}, {"name", t.name}};
  if (!t.dpv.empty()) j["dpv"] = t.dpv;
  if (!t.gdpr.empty()) j["eu-gdpr"] = t.gdpr;
  if (!t.detail.empty()) j["detail"] = t.detail;
  return j;
}

std::string LegalBasisName(config::LegalBasis basis) {
  switch (basis) {
    case config::LegalBasis::kConsent:
      return "Consent";
    case config::LegalBasis::kContract:
      return "Contract";
    case config::LegalBasis::kLegalObligation:
      return "Legal obligation";
    case config::LegalBasis::kLegitimateInterest:
      return "Legitimate interest";
    case config::LegalBasis::kVitalInterest:
      return "Vital interests";
    case config::LegalBasis::kPublicTask:
      return "Public task";
  }
  return "";
}

}  // namespace

std::string_view PurposeDpv(std::string_view purpose_id, config::LegalBasis basis) {
  for (const auto& t : kPurposeTerms) {
    if (t.id == purpose_id) return t.dpv;
  }
  // A purpose of the controller's own naming: the most specific term its legal basis allows.
  return basis == config::LegalBasis::kLegalObligation ? "dpv:LegalCompliance" : "dpv:Purpose";
}

std::string_view LegalBasisGdpr(config::LegalBasis basis) {
  switch (basis) {
    case config::LegalBasis::kConsent:
      return "eu-gdpr:A6-1-a";
    case config::LegalBasis::kContract:
      return "eu-gdpr:A6-1-b";
    case config::LegalBasis::kLegalObligation:
      return "eu-gdpr:A6-1-c";
    case config::LegalBasis::kVitalInterest:
      return "eu-gdpr:A6-1-d";
    case config::LegalBasis::kPublicTask:
      return "eu-gdpr:A6-1-e";
    case config::LegalBasis::kLegitimateInterest:
      return "eu-gdpr:A6-1-f";
  }
  return "";
}

std::string_view SafeguardGdpr(std::string_view safeguard) {
  if (safeguard == "adequacy" || safeguard == "eu_us_dpf") return "eu-gdpr:A45-3";
  if (safeguard == "scc") return "eu-gdpr:A46-2-c";
  if (safeguard == "bcr") return "eu-gdpr:A47-1";
  if (safeguard == "derogation") return "eu-gdpr:A49-1";
  return "";
}

Ropa BuildRopa(const config::Config& config, const std::string& policy_version, std::string_view lang) {
  Ropa ropa;
  ropa.language = lang.empty() ? config.default_language() : std::string(lang);
  ropa.policy_version = policy_version;
  ropa.controller = config.controller;
  const std::string& l = ropa.language;

  std::map<std::string, std::vector<std::string>> retention_by_category;
  for (const auto& r : config.retention) {
    RopaTerm t;
    t.id = r.category.empty() ? "record_kind " + r.record_kind : "category " + r.category;
    t.name = r.category.empty() ? r.record_kind : r.category;
    t.detail = RetentionText(r);
    const std::string reason(config::Pick(r.reason, l));
    if (!reason.empty()) t.detail += ". " + reason;
    ropa.retention.push_back(std::move(t));
    if (!r.category.empty()) retention_by_category[r.category].push_back(r.category + ": " + RetentionText(r));
  }

  for (const auto& p : config.purposes) {
    RopaActivity a;
    a.purpose = {p.id, std::string(config::Pick(p.name, l)), std::string(PurposeDpv(p.id, p.legal_basis)), "",
                 std::string(config::Pick(p.description, l))};
    if (a.purpose.name.empty()) a.purpose.name = p.id;
    a.legal_basis = {std::string(config::LegalBasisId(p.legal_basis)), LegalBasisName(p.legal_basis),
                     std::string(config::LegalBasisDpv(p.legal_basis)), std::string(LegalBasisGdpr(p.legal_basis)), ""};
    a.data_subjects = DataSubjects(config, p);
    for (const auto& c : p.categories) {
      const config::Category* cat = config.FindCategory(c);
      RopaTerm t{c, c, "", "", ""};
      if (cat != nullptr) {
        t.name = std::string(config::Pick(cat->name, l));
        if (t.name.empty()) t.name = c;
        t.dpv = cat->dpv;
      }
      a.personal_data.push_back(std::move(t));
      auto it = retention_by_category.find(c);
      if (it != retention_by_category.end())
        a.retention.insert(a.retention.end(), it->second.begin(), it->second.end());
    }
    for (const auto& r : config.recipients) {
      if (!Contains(r.purposes, p.id)) continue;
      a.recipients.push_back(r.id);
      if (!r.country.empty() && !config::IsEea(r.country)) a.transfers.push_back(r.id);
    }
    ropa.activities.push_back(std::move(a));
  }

  for (const auto& r : config.recipients) {
    RopaRecipient out;
    out.recipient = {r.id, r.name, "", "", std::string(config::Pick(r.description, l))};
    out.role = std::string(config::RecipientRoleId(r.role));
    out.country = r.country;
    out.service = r.service;
    out.categories = r.categories;
    out.purposes = r.purposes;
    ropa.recipients.push_back(std::move(out));
    if (!r.country.empty() && !config::IsEea(r.country)) {
      RopaTransfer t;
      t.recipient = r.id;
      t.country = r.country;
      t.safeguard = {r.safeguard, r.safeguard, "", std::string(SafeguardGdpr(r.safeguard)), ""};
      if (r.safeguard == "scc") t.safeguard.dpv = "dpv:StandardContractualClauses";
      if (r.safeguard == "bcr") t.safeguard.dpv = "dpv:BindingCorporateRules";
      ropa.transfers.push_back(std::move(t));
    }
  }

  ropa.security_measures = BuiltinMeasures();
  auto texts = config.policy.find(l);
  if (texts != config.policy.end()) {
    auto it = texts->second.texts.find("security");
    if (it != texts->second.texts.end() && !it->second.empty()) {
      ropa.security_measures.push_back({"controller_measures", "The controller's technical and organisational measures",
                                        "dpv:OrganisationalMeasure", "", it->second});
    }
  }
  return ropa;
}

std::optional<RopaFormat> ParseRopaFormat(std::string_view name) {
  if (name == "json") return RopaFormat::kJson;
  if (name == "csv") return RopaFormat::kCsv;
  if (name == "html") return RopaFormat::kHtml;
  return std::nullopt;
}

json RopaJson(const Ropa& ropa) {
  const config::Controller& c = ropa.controller;
  json controller = {{"name", c.name},   {"org_number", c.org_number}, {"address", c.address}, {"country", c.country},
                     {"email", c.email}, {"phone", c.phone},           {"website", c.website}};
  if (!c.dpo_name.empty() || !c.dpo_email.empty()) {
    controller["dpo"] = {{"name", c.dpo_name}, {"email", c.dpo_email}, {"dpv", "dpv:DataProtectionOfficer"}};
  }
  if (!c.representative.name.empty()) {
    controller["representative"] = {{"name", c.representative.name},
                                    {"address", c.representative.address},
                                    {"email", c.representative.email},
                                    {"dpv", "dpv:Representative"}};
  }
  controller["dpv"] = "dpv:DataController";
  json activities = json::array();
  for (const auto& a : ropa.activities) {
    json subjects = json::array(), data = json::array();
    for (const auto& s : a.data_subjects) subjects.push_back(TermJson(s));
    for (const auto& d : a.personal_data) data.push_back(TermJson(d));
    activities.push_back({{"purpose", TermJson(a.purpose)},
                          {"legal_basis", TermJson(a.legal_basis)},
                          {"data_subjects", subjects},
                          {"personal_data", data},
                          {"recipients", a.recipients},
                          {"transfers", a.transfers},
                          {"retention", a.retention}});
  }
  json recipients = json::array();
  for (const auto& r : ropa.recipients) {
    json j = TermJson(r.recipient);
    j["role"] = r.role;
    j["dpv"] = r.role == "processor"    ? "dpv:DataProcessor"
               : r.role == "controller" ? "dpv:DataController"
                                        : "dpv:ThirdParty";
    j["country"] = r.country;
    j["service"] = r.service;
    j["categories"] = r.categories;
    j["purposes"] = r.purposes;
    recipients.push_back(std::move(j));
  }
  json transfers = json::array();
  for (const auto& t : ropa.transfers) {
    transfers.push_back({{"recipient", t.recipient}, {"country", t.country}, {"safeguard", TermJson(t.safeguard)}});
  }
  json retention = json::array(), measures = json::array();
  for (const auto& r : ropa.retention) retention.push_back(TermJson(r));
  for (const auto& m : ropa.security_measures) measures.push_back(TermJson(m));
  return {{"@context",
           {{"dpv", "https://w3id.org/dpv#"},
            {"pd", "https://w3id.org/dpv/pd#"},
            {"eu-gdpr", "https://w3id.org/dpv/legal/eu/gdpr#"}}},
          {"record", "GDPR Art. 30(1) record of processing activities"},
          {"language", ropa.language},
          {"policy_version", ropa.policy_version},
          {"controller", controller},
          {"activities", activities},
          {"recipients", recipients},
          {"transfers", transfers},
          {"retention", retention},
          {"security_measures", measures}};
}

std::string RenderRopa(const Ropa& ropa, RopaFormat format) {
  switch (format) {
    case RopaFormat::kJson:
      return RopaJson(ropa).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
    case RopaFormat::kCsv:
      return RopaCsv(ropa);
    case RopaFormat::kHtml:
      return RopaHtml(ropa);
  }
  return "";
}

}  // namespace tillit::policy
