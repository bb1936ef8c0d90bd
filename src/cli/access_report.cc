#include "cli/access_report.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "config/loader.h"
#include "core/rights/access_report.h"
#include "core/install/data_dir.h"
#include "core/rights/portability.h"
#include "core/consent/snapshots.h"
#include "util/clock.h"
#include "util/random.h"

namespace tillit::cli {
namespace {

void Fail(const std::string& message) { std::cerr << "tillit: " << message << "\n"; }

// Writes `content` to `path` with mode 0600 (it is personal data), or to stdout for "".
Status WriteOut(const std::string& path, const std::string& content) {
  if (path.empty()) {
    std::cout.write(content.data(), static_cast<std::streamsize>(content.size()));
    std::cout.flush();
    return std::cout ? Status::Ok() : Status::Internal("writing to stdout failed");
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::Internal(path + ": cannot write the answer (" + std::strerror(errno) + "); name a writable --out");
  }
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(path.c_str());
      return Status::Internal(path + ": writing the answer failed (" + why + ")");
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return Status::Internal(path + ": writing the answer failed (" + std::strerror(errno) + ")");
  return Status::Ok();
}

// Runs a service call that answers through a callback and waits for it.
template <typename T, typename Call>
Result<T> Wait(Call call) {
  std::promise<Result<T>> promise;
  auto future = promise.get_future();
  call([&promise](Result<T> result) { promise.set_value(std::move(result)); });
  return future.get();
}

}  // namespace

int RunAccessReport(const AccessReportOptions& options) {
  if (options.format != "json" && options.format != "html" && options.format != "zip") {
    Fail("--format must be json, html or zip, not '" + options.format + "'");
    return 2;
  }
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
  auto published = core::PublishConfig(store, *config, Clock::System());
  if (!published.ok()) {
    Fail(published.status().message());
    store.Close();
    return 1;
  }

  Result<std::string> answer = Status::Internal("not run");
  if (options.format == "zip") {
    core::Portability portability(config, store, *opened->keyring, Clock::System(), Random::Secure());
    answer = Wait<std::string>(
        [&](auto done) { portability.Export(options.subject, options.language, core::Actor::Cli(), std::move(done)); });
  } else {
    core::AccessReports reports(config, published->policy_version, store, *opened->keyring, Clock::System(),
                                Random::Secure());
    auto report = Wait<nlohmann::json>(
        [&](auto done) { reports.Generate(options.subject, options.language, core::Actor::Cli(), std::move(done)); });
    if (!report.ok()) {
      answer = report.status();
    } else if (options.format == "html") {
      answer = reports.RenderHtml(*report, report->value("language", std::string()));
    } else {
      answer = report->dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    }
  }
  store.Close();
  if (!answer.ok()) {
    Fail(answer.status().message());
    const StatusCode code = answer.status().code();
    return code == StatusCode::kInvalidArgument || code == StatusCode::kNotFound ? 2 : 1;
  }
  if (Status s = WriteOut(options.out_path, *answer); !s.ok()) {
    Fail(s.message());
    return 1;
  }
  if (!options.out_path.empty()) {
    std::cerr << (options.format == "zip" ? "portability archive" : "access report") << " of " << options.subject
              << " written to " << options.out_path << "\n";
  }
  return 0;
}

}  // namespace tillit::cli
