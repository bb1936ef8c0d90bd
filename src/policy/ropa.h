// The record of processing activities (ROPA, GDPR Art. 30(1)) of a configuration: the controller with its
// representative and data protection officer, one activity per purpose with its legal basis, the categories of
// data subjects and of personal data, the recipients, the transfers to third countries with their safeguards, the
// time limits for erasure, and the security measures. Every item carries its W3C Data Privacy Vocabulary term
// (dpv: purposes, legal bases and measures; pd: personal-data categories; eu-gdpr: the GDPR article of a legal basis
// or transfer safeguard), so the JSON form can be read by other tools. Built from the same configuration the code
// enforces; written as JSON, CSV (one row per activity) or one self-contained accessible HTML page.
//
// Thread safety: pure functions of their arguments.
#ifndef TILLIT_POLICY_ROPA_H_
#define TILLIT_POLICY_ROPA_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace tillit::policy {

// One item of the record: a config id, its name in the record's language, and its vocabulary terms.
struct RopaTerm {
  std::string id;
  std::string name;
  std::string dpv;     // "dpv:…" or "pd:…"; "" when no term fits
  std::string gdpr;    // "eu-gdpr:A6-1-a" …; "" when none
  std::string detail;  // a description, a safeguard, a retention rule …
};

struct RopaActivity {
  RopaTerm purpose;
  RopaTerm legal_basis;
  std::vector<RopaTerm> data_subjects;
  std::vector<RopaTerm> personal_data;
  std::vector<std::string> recipients;  // recipient ids
  std::vector<std::string> transfers;   // recipient ids outside the EEA
  std::vector<std::string> retention;   // "contact.email: 3 years from last_activity"
};

struct RopaRecipient {
  RopaTerm recipient;  // detail: the description
  std::string role;    // "processor" | "controller" | "third_party"
  std::string country;
  std::string service;
  std::vector<std::string> categories;
  std::vector<std::string> purposes;
};

struct RopaTransfer {
  std::string recipient;
  std::string country;
  RopaTerm safeguard;  // id "scc" …, gdpr "eu-gdpr:A46-2-c"
};

struct Ropa {
  std::string language;
  std::string policy_version;
  config::Controller controller;
  std::vector<RopaActivity> activities;
  std::vector<RopaRecipient> recipients;
  std::vector<RopaTransfer> transfers;
  std::vector<RopaTerm> retention;          // id "category contact.email" / "record_kind order"; detail the period
  std::vector<RopaTerm> security_measures;  // what tillit enforces, then the controller's own description
};

// The record of `config` in `lang` (its names and texts; the default language when `lang` is empty).
Ropa BuildRopa(const config::Config& config, const std::string& policy_version, std::string_view lang = "");

enum class RopaFormat { kJson, kCsv, kHtml };
std::optional<RopaFormat> ParseRopaFormat(std::string_view name);

nlohmann::json RopaJson(const Ropa& ropa);
// A header row and one row per activity; every field quoted by libcsv's writer.
std::string RopaCsv(const Ropa& ropa);
std::string RopaHtml(const Ropa& ropa);

std::string RenderRopa(const Ropa& ropa, RopaFormat format);

// The vocabulary terms the record uses.
std::string_view PurposeDpv(std::string_view purpose_id, config::LegalBasis basis);
std::string_view LegalBasisGdpr(config::LegalBasis basis);   // "eu-gdpr:A6-1-a" …
std::string_view SafeguardGdpr(std::string_view safeguard);  // "eu-gdpr:A46-2-c" …

}  // namespace tillit::policy

#endif  // TILLIT_POLICY_ROPA_H_
