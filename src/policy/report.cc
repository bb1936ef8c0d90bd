#include "policy/report.h"

#include "policy/builder.h"
#include "policy/catalog.h"
#include "policy/document.h"

namespace tillit::policy {

Result<std::string> RenderAccessReport(const config::Config& config, const nlohmann::json& report,
                                       std::string_view lang) {
  const Catalog* catalog = FindCatalog(lang);
  if (catalog == nullptr) {
    return Status::InvalidArgument("tillit writes reports in en, sv, nb and fi, not '" + std::string(lang) + "'",
                                   "unsupported_language");
  }
  TimePoint date = Clock::System().Now();
  if (auto at = report.find("generated_at"); at != report.end() && at->is_string()) {
    if (auto parsed = ParseRfc3339(at->get<std::string>()); parsed.ok()) date = *parsed;
  }
  Builder builder(config, *catalog, report.value("policy_version", std::string()), date);
  TILLIT_ASSIGN_OR_RETURN(Document doc, builder.BuildAccessReport(report));
  return WriteHtml(doc);
}

}  // namespace tillit::policy
