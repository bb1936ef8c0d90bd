// The access report (GDPR Art. 15, see core/rights/access_report.h) as a page the subject reads: one self-contained,
// accessible and printable HTML page in their language, with the same content as the report's JSON. Written with
// the policy's document writer (escaping, headings, captioned tables, print CSS, no external resources) and reusing
// the policy's wording for legal bases, retention periods, recipients, rights and the supervisory authority.
//
// Thread safety: a pure function of its arguments; callable from any thread.
#ifndef TILLIT_POLICY_REPORT_H_
#define TILLIT_POLICY_REPORT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "config/config.h"
#include "util/status.h"

namespace tillit::policy {

// `report` (core::BuildAccessReport's JSON) in `lang`. InvalidArgument "unsupported_language" for a language other
// than en, sv, nb, fi; Internal when a catalog template is broken (a bug, caught by the tests).
Result<std::string> RenderAccessReport(const config::Config& config, const nlohmann::json& report,
                                       std::string_view lang);

}  // namespace tillit::policy

#endif  // TILLIT_POLICY_REPORT_H_
