#include "cli/requests.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <future>
#include <iostream>
#include <sstream>
#include <vector>

#include "cli/commands.h"
#include "cli/table.h"
#include "config/loader.h"
#include "core/consent/consents.h"
#include "core/install/data_dir.h"
#include "core/consent/decisions.h"
#include "core/rights/inbound_mail.h"
#include "core/mail/outbox.h"
#include "core/register/register.h"
#include "core/rights/requests.h"
#include "core/consent/snapshots.h"
#include "util/clock.h"
#include "util/random.h"

namespace tillit::cli {
namespace {

void Fail(const std::string& message) { std::cerr << "tillit: " << message << "\n"; }

std::string Format(int64_t micros) { return FormatRfc3339(FromMicros(micros)); }

}  // namespace

int RunRequests(const RequestListOptions& options) {
  static const std::vector<std::string> kStatuses = {"received", "verified",  "approved", "in_progress",
                                                     "extended", "completed", "rejected"};
  if (!options.status.empty() && std::find(kStatuses.begin(), kStatuses.end(), options.status) == kStatuses.end()) {
    std::cerr << "tillit requests: --status must be one of received, verified, approved, in_progress, extended, "
                 "completed, rejected\n";
    return 2;
  }
  auto opened = core::Open(options.data_dir, Clock::System(), Random::Secure(), StoreUrl());
  if (!opened.ok()) {
    Fail(opened.status().message());
    return 1;
  }
  const int64_t now = ToMicros(Clock::System().Now());
  store::RequestQuery q;
  q.status = options.status;
  q.limit = options.limit;
  if (options.overdue) {
    q.due_before = now;
    q.open_only = true;
  }
  auto rows = opened->store->ListRightsRequests(q);
  opened->store->Close();
  if (!rows.ok()) {
    Fail(rows.status().message());
    return 1;
  }
  Table table({"ID", "TYPE", "STATUS", "CHANNEL", "RECEIVED", "DUE", "OVERDUE"});
  for (const auto& r : *rows) {
    const bool overdue = !r.closed_at && now > r.due_at;
    table.Add({r.request_id, r.type, r.status, r.channel, Format(r.received_at),
               Format(r.due_at) + (r.extended ? "*" : ""), overdue ? "yes" : ""});
  }
  std::cout << table.Render();
  std::cerr << rows->size() << " request" << (rows->size() == 1 ? "" : "s") << (options.overdue ? " overdue" : "")
            << "; * marks an extended due date\n";
  return 0;
}

int RunMailIngest(const MailIngestOptions& options) {
  config::LoadResult loaded = config::LoadConfigFile(options.config_path);
  for (const auto& d : loaded.diagnostics) std::cerr << d.ToString() << "\n";
  if (!loaded.ok()) return 1;
  auto config = loaded.config;
  UseConfiguredStore(config->server.store);

  std::vector<std::string> files;
  struct stat st {};
  if (stat(options.path.c_str(), &st) != 0) {
    Fail(options.path + ": no such file or directory; name a message file or a directory of them");
    return 2;
  }
  if (S_ISDIR(st.st_mode)) {
    DIR* dir = opendir(options.path.c_str());
    while (dir != nullptr) {
      dirent* e = readdir(dir);
      if (e == nullptr) break;
      const std::string file = options.path + "/" + e->d_name;
      struct stat fst {};
      if (e->d_name[0] != '.' && stat(file.c_str(), &fst) == 0 && S_ISREG(fst.st_mode)) files.push_back(file);
    }
    if (dir != nullptr) closedir(dir);
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(options.path);
  }

  auto opened = core::Open(options.data_dir, Clock::System(), Random::Secure(), StoreUrl());
  if (!opened.ok()) {
    Fail(opened.status().message());
    return 1;
  }
  store::Store& store = *opened->store;
  auto published = core::PublishConfig(store, *config, Clock::System());
  auto deadlines = core::Deadlines::Create(config->controller.country, config->controller.time_zone);
  core::DecisionIndex decisions(config);
  Status loaded_index = decisions.Rebuild(store);
  if (!published.ok() || !deadlines.ok() || !loaded_index.ok()) {
    Fail(!published.ok() ? published.status().message()
                         : (!deadlines.ok() ? deadlines.status().message() : loaded_index.message()));
    store.Close();
    return 1;
  }
  core::Register reg(config, store, *opened->keyring, *opened->indexer, Clock::System(), Random::Secure(), &decisions);
  core::Consents consents(config, published->policy_version, store, decisions, *opened->keyring, *opened->indexer,
                          Clock::System(), Random::Secure());
  core::Outbox outbox(config, store, *opened->keyring, *opened->request_seal_key, Clock::System(), Random::Secure());
  core::Requests requests(config, store, *opened->keyring, *opened->indexer, *opened->request_seal_key,
                          *opened->code_hash_key, std::move(*deadlines), outbox, reg, consents, Clock::System(),
                          Random::Secure());
  int failures = 0;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream raw;
    raw << in.rdbuf();
    auto mail = core::ParseInboundMail(raw.str());
    if (!in || !mail.ok()) {
      std::cerr << file << ": " << (mail.ok() ? "cannot be read" : mail.status().message())
                << "; save the message as a raw RFC 5322 file (.eml)\n";
      ++failures;
      continue;
    }
    std::promise<Result<store::RightsRequestRow>> done;
    core::ReceiveMail(*config, *mail, reg, requests, core::Actor::Cli(), false,
                      [&done](Result<store::RightsRequestRow> r) { done.set_value(std::move(r)); });
    auto row = done.get_future().get();
    if (!row.ok()) {
      std::cerr << file << ": " << row.status().message() << "\n";
      ++failures;
      continue;
    }
    std::cout << file << ": request " << row->request_id << " (" << row->type << ") received\n";
  }
  store.Close();
  std::cerr << "mail queued in the outbox is sent by `tillit serve` ([mail] smtp_url)\n";
  return failures == 0 ? 0 : 1;
}

}  // namespace tillit::cli
