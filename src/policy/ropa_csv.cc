// The record of processing activities as CSV: a header row and one row per activity (purpose). Lists inside a field
// are separated by "; ". Every field goes through util/csv (libcsv's writer quotes it and doubles embedded quotes, and
// a cell that would run as a formula is kept text), so names and descriptions survive any spreadsheet.
#include "policy/ropa.h"
#include "util/csv.h"

namespace tillit::policy {
namespace {

void AppendRow(std::string& out, const std::vector<std::string>& fields) { out += CsvRecord(fields); }

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
