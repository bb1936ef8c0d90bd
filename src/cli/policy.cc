#include "cli/policy.h"

#include <algorithm>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "config/loader.h"
#include "config/public_view.h"
#include "core/install/data_dir.h"
#include "core/consent/snapshots.h"
#include "policy/diff.h"
#include "policy/policy.h"
#include "policy/ropa.h"
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

namespace {

// The configuration at `path`, or null after printing its diagnostics.
std::shared_ptr<const config::Config> LoadOrReport(const std::string& path, const char* command) {
  config::LoadResult loaded = config::LoadConfigFile(path);
  for (const auto& d : loaded.diagnostics) std::cerr << d.ToString() << "\n";
  if (!loaded.ok()) {
    std::cerr << command << ": " << path << " has errors; fix them and run `tillit check " << path << "` again\n";
  }
  return loaded.config;
}

int Write(const std::string& text, const std::string& out_path, const char* command) {
  if (out_path.empty()) {
    std::cout << text << std::flush;
    return std::cout ? 0 : 1;
  }
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << command << ": cannot write " << out_path << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int RunPolicyDiff(const PolicyDiffOptions& options) {
  constexpr const char* kDiff = "tillit policy diff";
  if (options.format != "text" && options.format != "json") {
    std::cerr << kDiff << ": --format must be text or json, not '" << options.format << "'\n";
    return 2;
  }
  const bool from_ok = options.from_version.empty() != options.from_file.empty();
  const bool to_ok = options.to_version.empty() != options.to_file.empty();
  if (!from_ok || !to_ok) {
    std::cerr << kDiff
              << ": name each side once: two published versions (`tillit policy diff pv-A pv-B --data DIR`) "
                 "or two files (`--from old.toml --to tillit.toml`)\n";
    return 2;
  }
  const bool needs_store = !options.from_version.empty() || !options.to_version.empty();
  if (needs_store && options.data_dir.empty()) {
    std::cerr << kDiff << ": published versions are read from the data directory: add --data DIR\n";
    return 2;
  }
  std::optional<core::OpenDataDir> opened;
  if (needs_store) {
    auto o = core::Open(options.data_dir, Clock::System(), Random::Secure(), StoreUrl());
    if (!o.ok()) {
      std::cerr << kDiff << ": " << o.status().message() << "\n";
      return 1;
    }
    opened = std::move(*o);
  }
  // One side: its canonical configuration and its version.
  int failure = 1;  // a configuration with errors: 1; a version that names nothing: 2
  auto side = [&](const std::string& version, const std::string& file, nlohmann::json& out, std::string& id) -> bool {
    if (!file.empty()) {
      auto config = LoadOrReport(file, kDiff);
      if (!config) return false;
      out = nlohmann::json::parse(config::CanonicalConfigJson(*config));
      id = core::PolicyVersionOf(*config);
      return true;
    }
    auto published = core::PublishedConfig(*opened->store, version);
    if (!published.ok()) {
      std::cerr << kDiff << ": " << published.status().message()
                << (published.status().reason() == "policy_version_not_found"
                        ? "; `GET /v1/policy/versions` lists the published ones"
                        : "")
                << "\n";
      failure = ExitCodeOf(published.status());
      return false;
    }
    out = std::move(*published);
    id = version;
    return true;
  };
  nlohmann::json from, to;
  std::string from_id, to_id;
  const bool ok = side(options.from_version, options.from_file, from, from_id) &&
                  side(options.to_version, options.to_file, to, to_id);
  if (opened) opened->store->Close();
  if (!ok) return failure;
  policy::PolicyDiff diff = policy::DiffPolicies(from, to);
  diff.from_version = from_id;
  diff.to_version = to_id;
  if (options.format == "json") {
    std::cout << policy::DiffJson(diff).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << policy::DiffText(diff);
  }
  return std::cout ? 0 : 1;
}

int RunRopa(const RopaOptions& options) {
  constexpr const char* kRopa = "tillit ropa";
  auto format = policy::ParseRopaFormat(options.format);
  if (!format) {
    std::cerr << kRopa << ": --format must be csv, json or html, not '" << options.format << "'\n";
    return 2;
  }
  auto config = LoadOrReport(options.config_path, kRopa);
  if (!config) return 1;
  if (!options.lang.empty() &&
      std::find(config->languages.begin(), config->languages.end(), options.lang) == config->languages.end()) {
    std::cerr << kRopa << ": " << options.config_path << " is written in " << Listed(config->languages) << ", not in '"
              << options.lang << "'\n";
    return 2;
  }
  const policy::Ropa ropa = policy::BuildRopa(*config, core::PolicyVersionOf(*config), options.lang);
  return Write(policy::RenderRopa(ropa, *format), options.out_path, kRopa);
}

}  // namespace tillit::cli
