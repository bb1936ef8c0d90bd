// The record of processing activities as one self-contained HTML page: landmarks, one table per part with a caption
// and header cells scoped to their columns, the vocabulary terms in <code>, and no fetched resources (inline style,
// no scripts, fonts or images), so it can be archived or printed as it is.
#include <string>
#include <string_view>

#include "policy/document.h"
#include "policy/ropa.h"

namespace tillit::policy {
namespace {

constexpr std::string_view kCss = R"css(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; line-height: 1.5; color: #1a1a1a;
  background: #fff; margin: 0 auto; padding: 1rem 1.25rem 3rem; max-width: 80rem; }
h1 { font-size: 1.8rem; margin: 1rem 0 .5rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #c8c8c8; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; margin: .6rem 0 1.2rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border: 1px solid #b8b8b8; padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #eef1f5; }
code { font-size: .85em; color: #333; }
ul { margin: 0; padding-left: 1.1rem; }
:focus-visible { outline: 3px solid #e08a00; outline-offset: 2px; }
@media print { body { max-width: none; font-size: 9.5pt; } thead { display: table-header-group; } tr { break-inside: avoid; } }
)css";

std::string Term(const RopaTerm& t) {
  std::string out = EscapeHtml(t.name);
  if (!t.dpv.empty()) out += " <code>" + EscapeHtml(t.dpv) + "</code>";
  if (!t.gdpr.empty()) out += " <code>" + EscapeHtml(t.gdpr) + "</code>";
  return out;
}

std::string Items(const std::vector<std::string>& items) {
  if (items.empty()) return "—";
  std::string out = "<ul>";
  for (const auto& i : items) out += "<li>" + EscapeHtml(i) + "</li>";
  return out + "</ul>";
}

std::string TermItems(const std::vector<RopaTerm>& terms) {
  if (terms.empty()) return "—";
  std::string out = "<ul>";
  for (const auto& t : terms) out += "<li>" + Term(t) + "</li>";
  return out + "</ul>";
}

void Head(std::string& out, std::initializer_list<std::string_view> columns) {
  out += "<thead><tr>";
  for (auto c : columns) out += "<th scope=\"col\">" + std::string(c) + "</th>";
  out += "</tr></thead><tbody>\n";
}

void FactRow(std::string& out, std::string_view label, const std::string& value) {
  if (value.empty()) return;
  out += "<tr><th scope=\"row\">" + std::string(label) + "</th><td>" + EscapeHtml(value) + "</td></tr>\n";
}

}  // namespace

std::string RopaHtml(const Ropa& ropa) {
  const config::Controller& c = ropa.controller;
  std::string out = "<!DOCTYPE html>\n<html lang=\"" + EscapeHtml(ropa.language) +
                    "\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta name=\"tillit-policy-version\" content=\"" +
                    EscapeHtml(ropa.policy_version) + "\">\n<title>Record of processing activities — " +
                    EscapeHtml(c.name) + "</title>\n<style>" + std::string(kCss) +
                    "</style>\n</head>\n<body>\n<main>\n";
  out += "<h1>Record of processing activities</h1>\n<p>" + EscapeHtml(c.name) +
         " — GDPR Article 30(1). Policy version <code>" + EscapeHtml(ropa.policy_version) + "</code>.</p>\n";

  out +=
      "<h2 id=\"controller\">Controller</h2>\n<table>\n<caption>Controller, representative and data protection "
      "officer (Art. 30(1)(a))</caption>\n<tbody>\n";
  FactRow(out, "Name", c.name);
  FactRow(out, "Organisation number", c.org_number);
  FactRow(out, "Address", c.address);
  FactRow(out, "Country", c.country);
  FactRow(out, "E-mail", c.email);
  FactRow(out, "Phone", c.phone);
  FactRow(out, "Website", c.website);
  if (!c.representative.name.empty()) {
    FactRow(out, "Representative (Art. 27)",
            c.representative.name + ", " + c.representative.address +
                (c.representative.email.empty() ? "" : ", " + c.representative.email));
  }
  if (!c.dpo_name.empty() || !c.dpo_email.empty()) {
    FactRow(out, "Data protection officer", c.dpo_name + (c.dpo_email.empty() ? "" : ", " + c.dpo_email));
  }
  out += "</tbody>\n</table>\n";

  out +=
      "<h2 id=\"activities\">Processing activities</h2>\n<table>\n<caption>Purposes, legal bases, data subjects, "
      "personal data, recipients, transfers and erasure time limits (Art. 30(1)(b)–(f))</caption>\n";
  Head(out, {"Purpose", "Legal basis", "Data subjects", "Personal data", "Recipients", "Third-country transfers",
             "Erasure time limits"});
  for (const auto& a : ropa.activities) {
    out += "<tr><th scope=\"row\">" + Term(a.purpose) +
           (a.purpose.detail.empty() ? "" : "<br>" + EscapeHtml(a.purpose.detail)) + "</th><td>" + Term(a.legal_basis) +
           "</td><td>" + TermItems(a.data_subjects) + "</td><td>" + TermItems(a.personal_data) + "</td><td>" +
           Items(a.recipients) + "</td><td>" + Items(a.transfers) + "</td><td>" + Items(a.retention) + "</td></tr>\n";
  }
  out += "</tbody>\n</table>\n";

  out +=
      "<h2 id=\"recipients\">Recipients</h2>\n<table>\n<caption>Categories of recipients (Art. 30(1)(d))"
      "</caption>\n";
  Head(out, {"Recipient", "Role", "Country", "Service", "Personal data", "Purposes"});
  for (const auto& r : ropa.recipients) {
    out += "<tr><th scope=\"row\">" + EscapeHtml(r.recipient.name) + " <code>" + EscapeHtml(r.recipient.id) +
           "</code></th><td>" + EscapeHtml(r.role) + "</td><td>" + EscapeHtml(r.country) + "</td><td>" +
           EscapeHtml(r.service) + "</td><td>" + Items(r.categories) + "</td><td>" + Items(r.purposes) + "</td></tr>\n";
  }
  out += "</tbody>\n</table>\n";

  out += "<h2 id=\"transfers\">Transfers to third countries</h2>\n";
  if (ropa.transfers.empty()) {
    out += "<p>No personal data is transferred outside the EEA.</p>\n";
  } else {
    out += "<table>\n<caption>Transfers and their safeguards (Art. 30(1)(e))</caption>\n";
    Head(out, {"Recipient", "Country", "Safeguard"});
    for (const auto& t : ropa.transfers) {
      out += "<tr><th scope=\"row\">" + EscapeHtml(t.recipient) + "</th><td>" + EscapeHtml(t.country) + "</td><td>" +
             Term(t.safeguard) + "</td></tr>\n";
    }
    out += "</tbody>\n</table>\n";
  }

  out +=
      "<h2 id=\"retention\">Erasure time limits</h2>\n<table>\n<caption>Retention rules (Art. 30(1)(f))"
      "</caption>\n";
  Head(out, {"Data", "Kept"});
  for (const auto& r : ropa.retention) {
    out += "<tr><th scope=\"row\">" + EscapeHtml(r.id) + "</th><td>" + EscapeHtml(r.detail) + "</td></tr>\n";
  }
  out += "</tbody>\n</table>\n";

  out +=
      "<h2 id=\"security\">Security measures</h2>\n<table>\n<caption>Technical and organisational security "
      "measures (Art. 30(1)(g), Art. 32)</caption>\n";
  Head(out, {"Measure", "Description"});
  for (const auto& m : ropa.security_measures) {
    out += "<tr><th scope=\"row\">" + Term(m) + "</th><td>" + EscapeHtml(m.detail) + "</td></tr>\n";
  }
  out += "</tbody>\n</table>\n</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace tillit::policy
