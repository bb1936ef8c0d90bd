// The record of processing activities as CSV: a header row and one row per activity (purpose). Lists inside a field
// are separated by "; ". Every field goes through libcsv's writer, which quotes it and doubles embedded quotes, so
// commas, quotes and line breaks in names and descriptions survive any spreadsheet.
#include <csv.h>

#include "policy/ropa.h"

namespace tillit::policy {
namespace {

void AppendField(std::string& out, std::string_view field, bool first) {
  if (!first) out += ',';
  const size_t needed = csv_write(nullptr, 0, field.data(), field.size());
  std::string quoted(needed, '\0');
  csv_write(quoted.data(), quoted.size(), field.data(), field.size());
  out += quoted;
}

void AppendRow(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) AppendField(out, fields[i], i == 0);
  out += "\r\n";  // RFC 4180
}

template <typename T, typename Fn>
std::string List(const std::vector<T>& items, Fn fn) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : "; ") + fn(item);
  return out;
}

std::string Same(const std::string& s) { return s; }

}  // namespace

std::string RopaCsv(const Ropa& ropa) {
  std::string out;
  AppendRow(out, {"controller",
                  "controller_contact",
                  "representative",
                  "dpo",
                  "purpose_id",
                  "purpose",
                  "purpose_dpv",
                  "description",
                  "legal_basis",
                  "legal_basis_dpv",
                  "legal_basis_gdpr",
                  "data_subjects",
                  "data_subjects_dpv",
                  "personal_data",
                  "personal_data_dpv",
                  "recipients",
                  "third_country_transfers",
                  "erasure_time_limits",
                  "security_measures",
                  "policy_version"});
  const config::Controller& c = ropa.controller;
  const std::string contact = c.address + "; " + c.email + (c.phone.empty() ? "" : "; " + c.phone);
  const std::string representative = c.representative.name.empty()
                                         ? ""
                                         : c.representative.name + "; " + c.representative.address +
                                               (c.representative.email.empty() ? "" : "; " + c.representative.email);
  const std::string dpo = c.dpo_name.empty() && c.dpo_email.empty() ? "" : c.dpo_name + "; " + c.dpo_email;
  const std::string measures =
      List(ropa.security_measures, [](const RopaTerm& t) { return t.name + " (" + t.dpv + ")"; });
  for (const auto& a : ropa.activities) {
    std::string transfers;
    for (const auto& id : a.transfers) {
      for (const auto& t : ropa.transfers) {
        if (t.recipient != id) continue;
        transfers += (transfers.empty() ? "" : "; ") + id + " → " + t.country + " (" + t.safeguard.id + ", " +
                     t.safeguard.gdpr + ")";
      }
    }
    AppendRow(out, {c.name,
                    contact,
                    representative,
                    dpo,
                    a.purpose.id,
                    a.purpose.name,
                    a.purpose.dpv,
                    a.purpose.detail,
                    a.legal_basis.id,
                    a.legal_basis.dpv,
                    a.legal_basis.gdpr,
                    List(a.data_subjects, [](const RopaTerm& t) { return t.name; }),
                    List(a.data_subjects, [](const RopaTerm& t) { return t.dpv; }),
                    List(a.personal_data, [](const RopaTerm& t) { return t.id; }),
                    List(a.personal_data, [](const RopaTerm& t) { return t.dpv; }),
                    List(a.recipients, Same),
                    transfers,
                    List(a.retention, Same),
                    measures,
                    ropa.policy_version});
  }
  return out;
}

}  // namespace tillit::policy
