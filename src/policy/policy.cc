#include "policy/policy.h"

#include <algorithm>
#include <array>

#include "policy/builder.h"
#include "policy/catalog.h"
#include "policy/document.h"

namespace tillit::policy {
namespace {

constexpr std::array<std::string_view, 4> kLanguages = {"en", "sv", "nb", "fi"};

Result<const Catalog*> CatalogFor(std::string_view lang) {
  const Catalog* catalog = FindCatalog(lang);
  if (catalog == nullptr) {
    return Status::InvalidArgument("tillit writes policies in en, sv, nb and fi, not '" + std::string(lang) + "'",
                                   "unsupported_language");
  }
  return catalog;
}

Result<std::string> Write(Result<Document> doc, Format format) {
  if (!doc.ok()) return doc.status();
  if (format == Format::kMarkdown) return WriteMarkdown(*doc);
  return WriteHtml(*doc);
}

std::string Prefix(const config::Config& config) {
  std::string base = config.server.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

}  // namespace

std::optional<Format> ParseFormat(std::string_view name) {
  if (name == "html") return Format::kHtml;
  if (name == "md" || name == "markdown") return Format::kMarkdown;
  return std::nullopt;
}

std::span<const std::string_view> SupportedLanguages() { return kLanguages; }

bool IsSupportedLanguage(std::string_view lang) {
  return std::find(kLanguages.begin(), kLanguages.end(), lang) != kLanguages.end();
}

std::string PolicyPath(const config::Config& config, std::string_view lang) {
  return Prefix(config) + "/privacy/" + std::string(lang);
}

std::string ProcessorsPath(const config::Config& config, std::string_view lang) {
  return PolicyPath(config, lang) + "/processors";
}

Result<std::string> RenderPolicy(const config::Config& config, std::string_view policy_version, std::string_view lang,
                                 Format format, const RenderOptions& options) {
  TILLIT_ASSIGN_OR_RETURN(const Catalog* catalog, CatalogFor(lang));
  Builder builder(config, *catalog, std::string(policy_version), options.date.value_or(Clock::System().Now()));
  return Write(builder.BuildPolicy(), format);
}

Result<std::string> RenderProcessors(const config::Config& config, std::string_view policy_version,
                                     std::string_view lang, Format format, const RenderOptions& options) {
  TILLIT_ASSIGN_OR_RETURN(const Catalog* catalog, CatalogFor(lang));
  Builder builder(config, *catalog, std::string(policy_version), options.date.value_or(Clock::System().Now()));
  return Write(builder.BuildProcessors(), format);
}

}  // namespace tillit::policy
