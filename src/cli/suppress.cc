#include "cli/suppress.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "config/loader.h"
#include "core/install/data_dir.h"
#include "core/consent/opt_out_registers.h"
#include "crypto/blind_index.h"
#include "util/clock.h"
#include "util/random.h"
#include "util/status.h"
#include "util/text.h"

namespace tillit::cli {
namespace {

// Skipped lines reported one by one; the rest only counted.
constexpr int64_t kMaxReported = 20;

void Fail(const std::string& message) { std::cerr << "tillit: " << message << "\n"; }

}  // namespace

int RunSuppressImport(const SuppressImportOptions& options) {
  std::shared_ptr<const config::Config> config;
  if (!options.config_path.empty()) {
    config::LoadResult loaded = config::LoadConfigFile(options.config_path);
    for (const auto& d : loaded.diagnostics) std::cerr << d.ToString() << "\n";
    if (!loaded.ok()) {
      Fail(options.config_path + " has errors; fix them (`tillit check " + options.config_path + "`) and import again");
      return 1;
    }
    config = loaded.config;
    UseConfiguredStore(config->server.store);
  }
  auto settings = core::SettingsOfOptOutRegister(options.register_id, config.get());
  if (!settings.ok()) {
    Fail(settings.status().message());
    return 2;
  }
  if (config != nullptr && !settings->declared) {
    std::cerr << "tillit: warning: " << options.config_path << " does not declare " << options.register_id
              << ", so decisions do not consult it; add a [[marketing.opt_out_register]] with id = \""
              << options.register_id << "\"\n";
  }

  const std::string& path = options.file;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    Fail(path + " is a directory; name the register file to import");
    return 2;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Fail(path + ": cannot read the file (" + std::strerror(errno) + "); check the path and its permissions");
    return 2;
  }

  auto opened = core::Open(options.data_dir, Clock::System(), Random::Secure(), StoreUrl());
  if (!opened.ok()) {
    Fail(opened.status().message());
    return 1;
  }
  store::Store& store = *opened->store;
  const crypto::BlindIndexer& indexer = *opened->indexer;

  int64_t reported = 0;
  auto copy = core::ReadOptOutRegister(in, *settings, indexer, [&](int64_t line, const std::string& why) {
    if (++reported <= kMaxReported) std::cerr << path << ":" << line << ": " << why << "; line skipped\n";
  });
  if (!copy.ok()) {
    Fail(path + ": " + copy.status().message() + "; nothing was imported, the previous copy is kept");
    store.Close();
    return 1;
  }
  const core::OptOutCounts& counts = copy->counts;
  if (counts.skipped > kMaxReported) {
    std::cerr << path << ": " << (counts.skipped - kMaxReported) << " more lines skipped\n";
  }
  if (copy->entries.empty()) {
    Fail(path + ": no phone number or postal address could be read; nothing was imported and the previous copy of " +
         settings->name + " is kept");
    store.Close();
    return 2;
  }

  const int64_t now = ToMicros(Clock::System().Now());
  Status written = core::StoreOptOutRegister(store, *settings, *copy, now);
  store.Close();
  if (!written.ok()) {
    Fail("storing the register failed (" + written.message() + "); the previous copy is kept");
    return 1;
  }
  std::cout << "register          " << settings->name << " (" << settings->country << ")\n"
            << "lines read        " << counts.lines << "\n"
            << "phone numbers     " << counts.phones << "\n"
            << "postal addresses  " << counts.addresses << "\n"
            << "lines skipped     " << counts.skipped << "\n"
            << "imported at       " << FormatRfc3339(FromMicros(now)) << "\n";
  if (counts.skipped > 0) {
    std::cerr << "tillit: " << counts.skipped << " line" << (counts.skipped == 1 ? " was" : "s were")
              << " skipped (see above); fix them in " << path << " and import the whole file again\n";
    return 1;
  }
  return 0;
}

}  // namespace tillit::cli
