#include "cli/policy.h"

#include <algorithm>
#include <fstream>
#include <iostream>

#include "config/loader.h"
#include "core/snapshots.h"
#include "policy/policy.h"
#include "util/clock.h"

namespace tillit::cli {
namespace {

constexpr const char* kCommand = "tillit policy render";

int Usage(const std::string& message) {
  std::cerr << kCommand << ": " << message << "\n";
  return 2;
}

std::string Listed(const std::vector<std::string>& languages) {
  std::string out;
  for (const auto& l : languages) out += (out.empty() ? "" : ", ") + l;
  return out;
}

}  // namespace

int RunPolicyRender(const PolicyRenderOptions& options) {
  auto format = policy::ParseFormat(options.format);
  if (!format) return Usage("--format must be html or md, not '" + options.format + "'");
  if (!policy::IsSupportedLanguage(options.lang)) {
    return Usage("tillit writes policies in en, sv, nb and fi; '" + options.lang + "' is not one of them");
  }
  policy::RenderOptions render_options;
  if (!options.date.empty()) {
    auto date = ParseRfc3339(options.date + "T00:00:00Z");
    if (options.date.size() != 10 || !date.ok()) {
      return Usage("--date must be a calendar date written YYYY-MM-DD, not '" + options.date + "'");
    }
    render_options.date = *date;
  }

  config::LoadResult loaded = config::LoadConfigFile(options.config_path);
  for (const auto& d : loaded.diagnostics) std::cerr << d.ToString() << "\n";
  if (!loaded.ok()) {
    std::cerr << options.config_path << ": the configuration has errors; fix them and run `tillit check "
              << options.config_path << "` again\n";
    return 1;
  }
  const config::Config& config = *loaded.config;
  const auto& languages = config.languages;
  if (std::find(languages.begin(), languages.end(), options.lang) == languages.end()) {
    return Usage(options.config_path + " publishes its policy in " + Listed(languages) + ", not in '" + options.lang +
                 "'; add it to `languages` with a [policy." + options.lang +
                 "] section and the purposes' texts in that language");
  }

  const std::string version = core::PolicyVersionOf(config);
  auto page = options.processors ? policy::RenderProcessors(config, version, options.lang, *format, render_options)
                                 : policy::RenderPolicy(config, version, options.lang, *format, render_options);
  if (!page.ok()) {
    std::cerr << kCommand << ": " << page.status().message() << "\n";
    return 1;
  }
  if (options.out_path.empty()) {
    std::cout << *page << std::flush;
    return std::cout ? 0 : 1;
  }
  std::ofstream out(options.out_path, std::ios::binary | std::ios::trunc);
  out << *page;
  out.close();
  if (!out) {
    std::cerr << kCommand << ": cannot write " << options.out_path << "\n";
    return 1;
  }
  return 0;
}

}  // namespace tillit::cli
