#include "cli/audience.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/progress.h"
#include "config/loader.h"
#include "core/consent/audience.h"
#include "core/install/data_dir.h"
#include "core/consent/decisions.h"
#include "core/consent/snapshots.h"
#include "util/clock.h"
#include "util/random.h"

namespace tillit::cli {
namespace {

void Fail(const std::string& message) { std::cerr << "tillit: " << message << "\n"; }

struct FileClose {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// Writes `text` to `out` and flushes it; false (with errno set) if any of it failed.
bool WriteAll(std::FILE* out, const std::string& text) {
  return std::fwrite(text.data(), 1, text.size(), out) == text.size() && std::fflush(out) == 0;
}

}  // namespace

int RunAudience(const AudienceOptions& options) {
  config::LoadResult loaded = config::LoadConfigFile(options.config_path);
  for (const auto& d : loaded.diagnostics) std::cerr << d.ToString() << "\n";
  if (!loaded.ok()) {
    Fail(options.config_path + ": fix the configuration's errors and run `tillit check " + options.config_path +
         "` again");
    return 1;
  }
  std::shared_ptr<const config::Config> config = loaded.config;

  auto opened = core::Open(options.data_dir, Clock::System(), Random::Secure(), StoreUrl());
  if (!opened.ok()) {
    Fail(opened.status().message());
    return 1;
  }
  store::Store& store = *opened->store;
  if (auto published = core::PublishConfig(store, *config, Clock::System()); !published.ok()) {
    Fail(published.status().message());
    store.Close();
    return 1;
  }
  core::DecisionIndex decisions(config);
  decisions.SetIndexer(*opened->indexer);
  if (Status s = decisions.Rebuild(store); !s.ok()) {
    Fail("cannot load the decision index: " + s.message());
    store.Close();
    return 1;
  }

  std::unique_ptr<std::FILE, FileClose> file;
  if (!options.out_path.empty()) {
    file.reset(std::fopen(options.out_path.c_str(), "w"));
    if (!file) {
      Fail(options.out_path + ": cannot write the audience (" + std::strerror(errno) + "); name a writable --out");
      store.Close();
      return 1;
    }
  }
  auto remove_out = [&] {
    if (!file) return;
    file.reset();
    std::remove(options.out_path.c_str());
  };

  core::Audiences audiences(config, store, *opened->keyring, decisions, Clock::System());
  const core::AudienceQuery query{options.purpose, options.channel, options.ids_only, options.limit};
  Result<core::AudienceExport> audience = Status::Internal("not run");
  {
    ProgressBar bar("building the audience");
    audience = audiences.ExportAndWait(query, core::Actor::Cli(), [&bar](int64_t walked, int64_t total) {
      bar.set_total(total);
      bar.Update(walked);
    });
  }
  store.Close();
  if (!audience.ok()) {
    remove_out();
    Fail(audience.status().message());
    return audience.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }

  const bool written = WriteAll(file ? file.get() : stdout, audience->ndjson);
  const int write_errno = errno;
  if (file) {
    const bool closed = std::fclose(file.release()) == 0;
    if (!written || !closed) {
      Fail(options.out_path + ": writing the audience failed (" + std::strerror(write_errno) + ")");
      std::remove(options.out_path.c_str());
      return 1;
    }
  } else if (!written) {
    Fail(std::string("writing the audience failed (") + std::strerror(write_errno) + ")");
    return 1;
  }
  std::cerr << "audience for " << audience->purpose << (audience->channel.empty() ? "" : " over " + audience->channel)
            << ": " << audience->count << " subject" << (audience->count == 1 ? "" : "s");
  if (audience->skipped != 0) std::cerr << ", " << audience->skipped << " skipped without a contact field";
  std::cerr << (options.out_path.empty() ? "" : ", written to " + options.out_path) << "\n";
  return 0;
}

}  // namespace tillit::cli
