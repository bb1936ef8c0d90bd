#include "cli/commands.h"

#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/progress.h"
#include "cli/table.h"
#include "config/loader.h"
#include "config/taxonomy.h"
#include "core/rights/access_report.h"
#include "core/access/api_keys.h"
#include "core/consent/audience.h"
#include "core/audit/audit.h"
#include "core/disclosure/audit_witness.h"
#include "core/consent/consents.h"
#include "core/install/data_dir.h"
#include "core/consent/decision_sync.h"
#include "core/consent/decisions.h"
#include "core/disclosure/disclosures.h"
#include "core/register/erasure.h"
#include "core/install/migrate.h"
#include "core/install/operations.h"
#include "core/mail/outbox.h"
#include "core/rights/requests.h"
#include "core/register/retention.h"
#include "core/install/rotation.h"
#include "core/consent/snapshots.h"
#include "core/disclosure/webhook_dispatcher.h"
#include "core/disclosure/webhooks.h"
#include "http/routes.h"
#include "http/server.h"
#include "util/clock.h"
#include "util/net.h"
#include "util/random.h"
#include "util/text.h"
#include "util/worker_pool.h"
#include "version.h"

namespace tillit::cli {
namespace {

std::string& StoreUrlFlag() {
  static std::string url;
  return url;
}

void Fail(const std::string& message) { std::cerr << "tillit: " << message << "\n"; }

// Prints every diagnostic; returns the configuration or null when it has errors.
std::shared_ptr<const config::Config> LoadAndReport(const std::string& path) {
  config::LoadResult result = config::LoadConfigFile(path);
  for (const auto& d : result.diagnostics) std::cerr << d.ToString() << "\n";
  if (!result.ok()) {
    std::cerr << path << ": " << result.error_count() << " error" << (result.error_count() == 1 ? "" : "s")
              << "; fix them and run `tillit check " << path << "` again\n";
  }
  return result.config;
}

// JSON log lines on stderr: {"ts":…,"level":…,"log":{…}}. Messages are JSON objects built by the caller.
void SetUpLogging() {
  auto logger = spdlog::stderr_logger_mt("tillit");
  logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","log":%v})", spdlog::pattern_time_type::utc);
  spdlog::set_default_logger(logger);
}

std::string FormatTime(int64_t micros) { return FormatRfc3339(FromMicros(micros)); }

// The disclosure log as the access report's "recipients actually disclosed to": one entry per recipient and
// purpose, dated by the latest hand-over.
core::DisclosureSource DisclosureLog(store::Store& store) {
  return [&store](std::string_view subject_id) -> Result<std::vector<core::DisclosureEntry>> {
    TILLIT_ASSIGN_OR_RETURN(auto recipients, core::DisclosedTo(store, subject_id));
    std::vector<core::DisclosureEntry> out;
    for (const auto& r : recipients) {
      for (const auto& purpose : r.purposes) out.push_back({r.recipient, r.categories, purpose, r.last_at});
    }
    return out;
  };
}

// Access is answered with a stored access report, whose download links are mailed (as HTML and as JSON, the
// machine-readable copy), portability with a stored archive, whose link is mailed; erasure marks the request completed in its own write, because it destroys the
// key the request and its mail are sealed under (the confirmation is sealed under the service's key instead).
void RegisterExecutors(core::Requests& requests, core::Erasure& erasure, core::AccessReports& reports,
                       core::Portability& portability, const config::Config& config) {
  std::string prefix = config.server.public_url;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  // The subject is mailed the link; the request's history keeps only the download's id and expiry, so whoever
  // reads the request later cannot fetch the answer.
  auto answered = [prefix](const std::string& report_id, const std::string& token, int64_t expires_at,
                           const std::vector<std::string>& formats) {
    core::ExecutionOutcome outcome;
    outcome.answer_ready = true;
    const std::string link = prefix + "/v1/reports/" + token;
    for (const auto& f : formats) outcome.secret_note += link + f + "\n";
    outcome.secret_note += "(" + FormatTime(expires_at) + ")";
    outcome.note = "download " + report_id + " until " + FormatTime(expires_at);
    return outcome;
  };
  // A request filed in a language the shop has stopped offering since is answered in its default language.
  auto language_of = [&config](const core::RightsRequest& r) {
    return config.CheckOfferedLanguage(r.row.language).ok() ? r.row.language : config.default_language();
  };
  requests.RegisterExecutor(
      "access", std::make_shared<core::FunctionExecutor>(
                    [&reports, answered, language_of](const core::RightsRequest& r,
                                                      std::function<void(Result<core::ExecutionOutcome>)> done) {
                      reports.Create(r.row.subject_id, language_of(r), core::Actor{"system", "requests"},
                                     [answered, done](Result<core::StoredReport> stored) {
                                       if (!stored.ok()) return done(stored.status());
                                       done(answered(stored->report_id, stored->token, stored->expires_at,
                                                     {"?format=html", "?format=json"}));
                                     });
                    }));
  requests.RegisterExecutor(
      "portability", std::make_shared<core::FunctionExecutor>(
                         [&portability, answered, language_of](const core::RightsRequest& r,
                                                               std::function<void(Result<core::ExecutionOutcome>)> done) {
                           portability.CreateArchive(r.row.subject_id, language_of(r),
                                                     core::Actor{"system", "requests"},
                                                     [answered, done](Result<core::DownloadTicket> t) {
                                                       if (!t.ok()) return done(t.status());
                                                       done(answered(t->report_id, t->token, t->expires_at, {""}));
                                                     });
                         }));
  requests.RegisterExecutor(
      "erasure",
      std::make_shared<core::FunctionExecutor>([&erasure, &config](const core::RightsRequest& r,
                                                                   std::function<void(Result<core::ExecutionOutcome>)>
                                                                       done) {
        // Checked before the request is marked completed; Erase checks again in its write. The confirmation says
        // what the erasure keeps under legal hold, why and until when: the erasure runs at the preview's time, so
        // its receipt states the same.
        auto preview = erasure.Preview(r.row.subject_id);
        if (!preview.ok()) {
          if (preview.status().reason() == "subject_not_found") {
            return done(Status::Conflict("the subject is erased already", "already_erased"));
          }
          return done(preview.status());
        }
        core::ExecutionOutcome outcome;
        outcome.note = core::KeptDataNote(config, r.row.language, core::KeptDataOf(config, preview->holds,
                                                                                  r.row.language));
        outcome.after = [&erasure, id = r.row.subject_id, at = preview->at](
                            core::ExecutionOutcome::Completion completion, std::function<void(Status)> erased) {
          erasure.EraseAsync(
              id, "request", core::Actor{"system", "requests"},
              [erased](Result<core::ErasureResult> result) { erased(result.ok() ? Status::Ok() : result.status()); },
              std::move(completion), at);
        };
        done(std::move(outcome));
      }));
}

}  // namespace

void LogToStderr() {
  static bool done = false;
  if (done) return;
  done = true;
  spdlog::set_default_logger(spdlog::stderr_logger_mt("cli"));
}

int ExitCodeOf(const Status& status) {
  if (status.ok()) return 0;
  const StatusCode code = status.code();
  return code == StatusCode::kInvalidArgument || code == StatusCode::kNotFound ? 2 : 1;
}

void SetStoreUrl(std::string url) { StoreUrlFlag() = std::move(url); }

std::string StoreUrl() {
  if (StoreUrlFlag() == "sqlite") return "";  // SQLite explicitly, whatever TILLIT_STORE says
  if (!StoreUrlFlag().empty()) return StoreUrlFlag();
  const char* env = std::getenv("TILLIT_STORE");
  if (env == nullptr || std::string_view(env) == "sqlite") return "";  // TILLIT_STORE=sqlite is --store sqlite
  return env;
}

void UseConfiguredStore(const std::string& configured) {
  if (configured.empty() || !StoreUrlFlag().empty() || std::getenv("TILLIT_STORE") != nullptr) return;
  SetStoreUrl(configured);
}

// The configuration and the data directory a command works on, opened on the configured store; nullopt once the
// problem was reported.
struct Configured {
  std::shared_ptr<const config::Config> config;
  core::OpenDataDir data;
};
std::optional<Configured> OpenConfigured(const std::string& config_path, const std::string& data_dir) {
  auto config = LoadAndReport(config_path);
  if (!config) return std::nullopt;
  UseConfiguredStore(config->server.store);
  auto opened = core::Open(data_dir, Clock::System(), Random::Secure(), StoreUrl());
  if (!opened.ok()) {
    Fail(opened.status().message());
    return std::nullopt;
  }
  return Configured{std::move(config), std::move(*opened)};
}

int RunCheck(const std::string& config_path, bool list_categories) {
  if (list_categories) {
    Table table({"ID", "DPV", "FIDESLANG", "NAME"});
    for (const auto& c : config::BuiltinCategories()) {
      table.Add({std::string(c.id), std::string(c.dpv), std::string(c.fideslang), std::string(c.name_en)});
    }
    std::cout << table.Render();
    if (config_path.empty()) return 0;
  }
  auto config = LoadAndReport(config_path);
  if (!config) return 1;
  for (const auto& warning : core::OperationalWarnings(*config)) std::cerr << warning << "\n";
  std::cout << config_path << ": ok — " << config->controller.name << ", " << config->purposes.size() << " purposes, "
            << config->categories.size() << " categories, " << config->recipients.size()
            << " recipients, policy version " << core::PolicyVersionOf(*config) << "\n";
  return 0;
}

int RunInit(const std::string& config_path, const std::string& data_dir) {
  auto config = LoadAndReport(config_path);
  if (!config) return 1;
  UseConfiguredStore(config->server.store);
  auto report = core::InitDataDir(data_dir, Random::Secure(), StoreUrl());
  if (!report.ok()) {
    Fail(report.status().message());
    return 1;
  }
  auto opened = core::Open(data_dir, Clock::System(), Random::Secure(), StoreUrl());
  if (!opened.ok()) {
    Fail(opened.status().message());
    return 1;
  }
  auto published = core::PublishConfig(*opened->store, *config, Clock::System());
  opened->store->Close();
  if (!published.ok()) {
    Fail(published.status().message());
    return 1;
  }
  std::cout << "data directory " << data_dir << (report->created_dir ? " created" : " exists") << "\n"
            << "master key " << core::MasterKeyPath(data_dir)
            << (report->created_key ? " created (mode 0600) — back it up apart from the data" : " kept") << "\n"
            << "database at schema version " << report->schema_version << "\n"
            << "configuration published as policy version " << published->policy_version
            << (published->new_version ? "" : " (unchanged)") << "\n";
  return 0;
}

int RunServe(const ServeOptions& options) {
  SetUpLogging();
  auto config = LoadAndReport(options.config_path);
  if (!config) return 1;
  UseConfiguredStore(config->server.store);
  const std::string listen = options.listen.empty() ? config->server.listen : options.listen;
  auto address = http::ParseListen(listen);
  if (!address.ok()) {
    Fail(address.status().message());
    return 2;
  }
  const bool tls = !config->server.tls_certificate.empty();
  if (!tls && !config->server.behind_tls_proxy && !options.print_routes && !IsLoopbackHost(address->first)) {
    Fail("refusing to listen on " + listen +
         " in plain HTTP: API keys and personal data would cross the network unencrypted. Set [server] "
         "tls_certificate and tls_key, or behind_tls_proxy = true when a TLS proxy in front terminates the "
         "connections, or listen on 127.0.0.1");
    return 2;
  }

  // Block the shutdown signals before any thread starts, so every thread inherits the mask and this thread
  // receives them with sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

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
  auto deadlines = core::Deadlines::Create(config->controller.country, config->controller.time_zone);
  if (!deadlines.ok()) {
    Fail(deadlines.status().message() + " — fix [controller] time_zone in " + options.config_path);
    store.Close();
    return 1;
  }
  core::ApiKeys api_keys(store, Clock::System(), Random::Secure());
  http::Metrics metrics;
  core::DecisionIndex decisions(config);
  decisions.SetIndexer(*opened->indexer);
  // The feed's end is read before the index is loaded, so a change made meanwhile by another server is applied.
  auto feed_end = store.LastDecisionChange();
  Status loaded = feed_end.ok() ? decisions.Rebuild(store) : feed_end.status();
  if (!loaded.ok()) {
    Fail("cannot load the decision index: " + loaded.message());
    store.Close();
    return 1;
  }
  core::DecisionSync sync(decisions, store, std::chrono::milliseconds(200));
  sync.Start(*feed_end);
  core::Register reg(config, store, *opened->keyring, *opened->indexer, Clock::System(), Random::Secure(), &decisions);
  core::Webhooks webhooks(config, Clock::System(), Random::Secure());
  reg.SetWebhooks(&webhooks);
  core::Consents consents(config, published->policy_version, store, decisions, *opened->keyring, *opened->indexer,
                          Clock::System(), Random::Secure(), &webhooks);
  core::Audiences audiences(config, store, *opened->keyring, decisions, Clock::System());
  core::Disclosures disclosures(config, store, *opened->keyring, Clock::System(), Random::Secure());
  // Runs even when no recipient subscribes now: deliveries enqueued under an earlier configuration still go out,
  // or are given up if their webhook is gone.
  core::WebhookDispatcher dispatcher(config, store, Clock::System());
  dispatcher.Start();
  core::AccessReports reports(config, published->policy_version, store, *opened->keyring, Clock::System(),
                              Random::Secure());
  core::Portability portability(config, store, *opened->keyring, Clock::System(), Random::Secure());
  core::Downloads downloads(config, store, *opened->keyring, Clock::System(), Random::Secure());
  WorkerPool background(2);
  core::Erasure erasure(config, store, *opened->keyring, *opened->indexer, Clock::System(), Random::Secure(),
                        &decisions);
  core::RetentionSweeper sweeper(config, store, erasure, Clock::System());
  if (const char* ms = std::getenv("TILLIT_TEST_SWEEP_MS"); ms != nullptr && std::atoi(ms) > 0) {
    sweeper.Start(std::chrono::milliseconds(std::atoi(ms)));  // tests: the schedule in milliseconds
  } else if (config->server.retention_sweep_minutes > 0) {
    sweeper.Start(std::chrono::minutes(config->server.retention_sweep_minutes));
  }
  core::Outbox outbox(config, store, *opened->keyring, *opened->request_seal_key, Clock::System(), Random::Secure());
  core::Requests requests(config, store, *opened->keyring, *opened->indexer, *opened->request_seal_key,
                          *opened->code_hash_key, std::move(*deadlines), outbox, reg, consents, Clock::System(),
                          Random::Secure());
  http::AppContext app{.config = config,
                       .policy_version = published->policy_version,
                       .store = store,
                       .api_keys = api_keys,
                       .metrics = metrics,
                       .clock = Clock::System(),
                       .reg = reg,
                       .consents = consents,
                       .decisions = decisions,
                       .audiences = audiences,
                       .disclosures = disclosures,
                       .reports = reports,
                       .portability = portability,
                       .erasure = erasure,
                       .requests = requests,
                       .downloads = downloads,
                       .background = background};
  reports.SetDisclosureSource(DisclosureLog(store));
  erasure.SetWebhooks(&webhooks);
  requests.SetWebhooks(&webhooks);
  RegisterExecutors(requests, erasure, reports, portability, *config);
  // Mail is delivered in the background; without [mail] smtp_url it stays queued in the outbox.
  std::unique_ptr<core::OutboxSender> sender;
  if (!config->mail.smtp_url.empty()) {
    sender = std::make_unique<core::OutboxSender>(outbox, core::NewSmtpTransport(config->mail),
                                                  std::chrono::milliseconds(200));
    sender->Start();
  }

  http::ServerOptions server_options;
  server_options.address = address->first;
  server_options.port = address->second;
  server_options.threads = options.threads != 0 ? options.threads : std::max(2u, std::thread::hardware_concurrency());
  server_options.max_body_bytes = config->server.max_body_bytes;
  server_options.access_log = options.access_log;
  server_options.tls_certificate = config->server.tls_certificate;
  server_options.tls_key = config->server.tls_key;
  server_options.hsts = config->server.behind_tls_proxy;
  server_options.trusted_proxy_header = config->server.trusted_proxy_header;
  // The signed heads of the audit chain, sent outside ([audit] witness_file, audit.checkpoint events).
  core::AuditWitness witness(config->audit, store, &webhooks);
  // What stalls without notice is watched: a warning now, gauges on /metrics.
  for (const auto& warning : core::OperationalWarnings(*config)) {
    spdlog::warn(R"({{"event":"configuration_warning","message":{}}})", nlohmann::json(warning).dump());
  }
  core::SetOperationsGauges([&store, config] {
    auto status = core::ReadOperations(store, *config, Clock::System().Now());
    return status.ok() ? core::OperationsMetricsText(*status) : std::string();
  });
  // The background services stop before the store closes, in the reverse order of their dependencies; the witness
  // last, so that its final head covers every write.
  auto stop_services = [&] {
    core::SetOperationsGauges(nullptr);
    background.Stop();
    if (sender) sender->Stop();
    dispatcher.Stop();
    sweeper.Stop();
    erasure.Stop();
    sync.Stop();
    witness.Stop();
    store.Close();
  };
  http::Router router = http::BuildRouter(app);
  if (options.print_routes) {
    for (const auto& route : router.routes()) std::cout << route.name() << " " << route.access.ToString() << "\n";
    std::cout.flush();
    stop_services();
    return 0;
  }
  if (Status s = witness.Start(); !s.ok()) {
    Fail(s.message());
    stop_services();
    return 1;
  }
  http::HttpServer server(std::move(router), metrics, api_keys, server_options);
  if (Status s = server.Start(); !s.ok()) {
    Fail(s.message());
    stop_services();
    return 1;
  }
  const std::string host = address->first.find(':') != std::string::npos ? "[" + address->first + "]" : address->first;
  const std::string base = (tls ? "https://" : "http://") + host + ":" + std::to_string(server.port());
  std::cout << "tillit " << TILLIT_VERSION << " listening on " << base << "\n"
            << "  policy version  " << published->policy_version << "\n"
            << "  health          " << base << "/healthz\n"
            << "  configuration   " << base << "/v1/config\n"
            << "  metrics         " << base << "/metrics" << std::endl;
  spdlog::info(R"({{"event":"started","port":{},"policy_version":"{}"}})", server.port(), published->policy_version);

  int signal_number = 0;
  for (;;) {
    sigwait(&signals, &signal_number);
    if (signal_number != SIGHUP) break;
    // SIGHUP: new TLS certificate files (a renewal), without a restart.
    Status reloaded = tls ? server.ReloadTls() : Status::Ok();
    spdlog::info(nlohmann::json{{"event", "reload"}, {"tls", tls}, {"ok", reloaded.ok()},
                                {"error", reloaded.ok() ? "" : reloaded.message()}}
                     .dump());
  }
  spdlog::info(R"({{"event":"stopping","signal":{}}})", signal_number);
  const bool drained = server.Drain(std::chrono::seconds(10));
  server.Stop();
  stop_services();
  spdlog::info(R"({{"event":"stopped","drained":{}}})", drained ? "true" : "false");
  return 0;
}

int RunKeyCreate(const std::string& data_dir, const std::string& name, const std::string& purposes,
                 const std::string& preset, const std::string& actions) {
  auto resolved = core::ResolveActions(preset.empty() && actions.empty() ? "shop" : preset, SplitList(actions));
  if (!resolved.ok()) {
    Fail(resolved.status().message());
    return 2;
  }
  auto opened = core::Open(data_dir, Clock::System(), Random::Secure(), StoreUrl());
  if (!opened.ok()) {
    Fail(opened.status().message());
    return 1;
  }
  auto known = core::LatestPurposeIds(*opened->store);
  if (!known.ok()) {
    Fail(known.status().message());
    return 1;
  }
  core::ApiKeys keys(*opened->store, Clock::System(), Random::Secure());
  auto secret = keys.Create(name, *resolved, SplitList(purposes), *known);
  opened->store->Close();
  if (!secret.ok()) {
    Fail(secret.status().message());
    return 1;
  }
  std::cout << *secret << std::endl;
  std::string listed;
  for (const auto& a : *resolved) listed += (listed.empty() ? "" : ", ") + a;
  std::cerr << "API key '" << name << "' created with actions " << listed
            << ". It is shown only now: store it in the shop's secrets.\n";
  return 0;
}

int RunKeyActions() {
  std::cout << "Actions (each route performs one; `tillit key create --actions a,b`):\n";
  size_t width = 0;
  for (const auto& a : core::Actions()) width = std::max(width, a.id.size());
  for (const auto& a : core::Actions()) {
    std::cout << "  " << a.id << std::string(width - a.id.size() + 2, ' ') << a.description << "\n";
  }
  std::cout << "\nPresets (`tillit key create --preset NAME`):\n";
  for (const auto& p : core::Presets()) {
    std::cout << "  " << p.name << ": " << p.description << "\n    ";
    for (size_t i = 0; i < p.actions.size(); ++i) std::cout << (i ? ", " : "") << p.actions[i];
    std::cout << "\n";
  }
  return 0;
}

int RunKeyList(const std::string& data_dir) {
  auto opened = core::Open(data_dir, Clock::System(), Random::Secure(), StoreUrl());
  if (!opened.ok()) {
    Fail(opened.status().message());
    return 1;
  }
  core::ApiKeys keys(*opened->store, Clock::System(), Random::Secure());
  auto rows = keys.List();
  opened->store->Close();
  if (!rows.ok()) {
    Fail(rows.status().message());
    return 1;
  }
  // One line per key; the preset a key's actions equal is named instead of the list.
  auto joined = [](const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
    return out.empty() ? std::string("-") : out;
  };
  auto actions_of = [&joined](const store::ApiKeyRow& r) {
    std::vector<std::string> held = r.actions;
    std::sort(held.begin(), held.end());
    for (const auto& p : core::Presets()) {
      std::vector<std::string> preset(p.actions.begin(), p.actions.end());
      std::sort(preset.begin(), preset.end());
      if (preset == held) {
        return "preset:" + std::string(p.name);
      }
    }
    return joined(r.actions);
  };
  std::printf("%-24s %-18s %-22s %-10s %-40s %s\n", "NAME", "PREFIX", "CREATED", "STATUS", "PURPOSES", "ACTIONS");
  for (const auto& r : *rows) {
    std::printf("%-24s %-18s %-22s %-10s %-40s %s\n", r.name.c_str(), (r.prefix + "...").c_str(),
                FormatTime(r.created_at).c_str(), r.revoked_at ? "revoked" : "active", joined(r.purposes).c_str(),
                actions_of(r).c_str());
  }
  return 0;
}

int RunKeyRevoke(const std::string& data_dir, const std::string& name) {
  auto opened = core::Open(data_dir, Clock::System(), Random::Secure(), StoreUrl());
  if (!opened.ok()) {
    Fail(opened.status().message());
    return 1;
  }
  core::ApiKeys keys(*opened->store, Clock::System(), Random::Secure());
  Status s = keys.Revoke(name);
  opened->store->Close();
  if (!s.ok()) {
    Fail(s.message());
    return 1;
  }
  std::cout << "API key '" << name << "' revoked\n";
  return 0;
}

int RunAuditVerify(const AuditVerifyOptions& options) {
  std::string witness_file = options.witness_file;
  if (!options.config_path.empty()) {
    auto config = LoadAndReport(options.config_path);
    if (!config) return 1;
    UseConfiguredStore(config->server.store);
    if (witness_file.empty()) witness_file = config->audit.witness_file;
  }
  std::vector<core::WitnessedHead> witnessed;
  if (!witness_file.empty()) {
    auto heads = core::ReadWitnessFile(witness_file);
    if (!heads.ok()) {
      if (heads.status().code() == StatusCode::kNotFound) {
        // tillit serve creates the configured file at start: a missing one was removed.
        std::cout << "audit log NOT VERIFIED: " << heads.status().message()
                  << "; restore it from the copy shipped elsewhere, or name that copy with --witness FILE\n";
      } else {
        std::cout << "audit log NOT VERIFIED: " << heads.status().message() << "\n";
      }
      return 1;
    }
    witnessed = std::move(*heads);
  }
  auto opened = core::Open(options.data_dir, Clock::System(), Random::Secure(), StoreUrl());
  if (!opened.ok()) {
    Fail(opened.status().message());
    return 1;
  }
  auto result = core::VerifyAudit(*opened->store, *opened->audit_signer, witnessed);
  opened->store->Close();
  if (!result.ok()) {
    Fail(result.status().message());
    return 1;
  }
  if (!result->ok) {
    std::cout << "audit log BROKEN: " << result->problem << "\n";
    if (result->first_bad != 0) std::cout << "first bad entry: " << result->first_bad << "\n";
    std::cout << "entries before it are intact; restore the database from a backup and compare\n";
    return 1;
  }
  std::cout << "audit log intact: " << result->entries << " entries, chain head signed\n";
  if (result->key_store_seq) {
    std::cout << "the key store's signed head (entry " << *result->key_store_seq << ") agrees\n";
  } else if (result->entries > 0) {
    std::cout << "the key store holds no signed head yet: it gets one with the next write\n";
  }
  if (!witness_file.empty()) {
    std::cout << "the witness file " << witness_file << " agrees: " << result->witnessed << " signed head"
              << (result->witnessed == 1 ? "" : "s");
    if (result->witnessed > 0) std::cout << ", the newest for entry " << result->witnessed_seq;
    std::cout << "\n";
  }
  return 0;
}

int RunKeysRotate(const std::string& data_dir, size_t batch, size_t stop_after_batches) {
  ProgressBar bar("re-wrapping data keys");
  core::RotationOptions options;
  options.store_url = StoreUrl();
  options.batch = batch == 0 ? 500 : batch;
  options.stop_after_batches = stop_after_batches;
  options.progress = [&bar](int64_t done, int64_t total) {
    bar.set_total(total);
    bar.Update(done);
  };
  auto report = core::RotateKeys(data_dir, options, Clock::System(), Random::Secure());
  if (!report.ok()) {
    Fail(report.status().message() + " — run `tillit keys rotate --data " + data_dir + "` again to finish");
    return 1;
  }
  std::cout << (report->resumed ? "finished the interrupted rotation: " : "rotated: ") << report->data_keys
            << " data keys and " << report->secrets << " secrets re-wrapped; every key is now under master key "
            << "version " << report->version << "\n"
            << "older master key versions are no longer needed: `tillit keys retire --data " << data_dir
            << "` removes them from " << core::MasterKeyPath(data_dir) << "\n";
  return 0;
}

int RunRetention(const std::string& config_path, const std::string& data_dir, bool dry_run, size_t batch) {
  auto configured = OpenConfigured(config_path, data_dir);
  if (!configured) return 1;
  const auto& config = configured->config;
  store::Store& store = *configured->data.store;
  core::Erasure erasure(config, store, *configured->data.keyring, *configured->data.indexer, Clock::System(),
                        Random::Secure());
  core::RetentionSweeper sweeper(config, store, erasure, Clock::System());
  core::RetentionSweeper::Options options;
  options.dry_run = dry_run;
  options.batch = batch == 0 ? 500 : batch;
  Result<core::SweepReport> report = Status::Unavailable("the sweep did not run");
  double sweep_ms = 0;
  {
    ProgressBar bar(dry_run ? "looking for expired data" : "deleting expired data");
    options.progress = [&bar](int64_t done, int64_t found) {
      bar.set_total(found);
      bar.Update(done);
    };
    const auto started = std::chrono::steady_clock::now();
    report = sweeper.Sweep(options);
    sweep_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  }
  erasure.Stop();
  store.Close();
  if (!report.ok()) {
    Fail(report.status().message() + " — run `tillit retention run` again: a sweep resumes where it stopped");
    return 1;
  }
  // The same words for what a dry run would delete and what a run deleted, so the two can be compared line by line.
  const core::SweepReport& r = *report;
  if (dry_run) std::cout << "dry run: nothing was changed; a run now would do this:\n";
  std::cout << (dry_run ? "would erase " : "erased ") << r.subjects_erased << " subjects whose time was up ("
            << (dry_run ? "deleting " : "deleted ") << r.subject_records_deleted << " of their records; "
            << r.subject_records_held << " kept only their accounting fields under legal hold)\n";
  std::cout << (dry_run ? "would delete " : "deleted ") << r.records_deleted << " records whose time was up, "
            << (dry_run ? "would remove " : "removed ") << "everything but the accounting fields from "
            << r.records_stripped << " records, and " << (dry_run ? "would delete " : "deleted ")
            << "the accounting fields of " << r.holds_released << " records whose legal hold had ended\n";
  if (!dry_run) {
    std::cout << "deleted " << r.keys_deleted << " legal-hold keys with nothing left under them, "
              << r.reports_deleted << " expired access reports, " << r.mail_deleted << " finished mails, "
              << r.webhook_deliveries_deleted << " finished webhook deliveries and " << r.feed_entries_deleted
              << " old decision-change entries\n";
  }
  std::cout << "the sweep took " << static_cast<int64_t>(sweep_ms + 0.5) << " ms\n";
  if (!report->by_kind.empty()) {
    std::cout << "records " << (dry_run ? "that would be deleted or reduced" : "deleted or reduced") << ", by kind:\n";
    for (const auto& [kind, n] : report->by_kind) std::cout << "  " << kind << "  " << n << "\n";
  }
  if (!report->by_category.empty()) {
    std::cout << "by category:\n";
    for (const auto& [category, n] : report->by_category) std::cout << "  " << category << "  " << n << "\n";
  }
  return 0;
}

int RunErase(const std::string& config_path, const std::string& data_dir, const std::string& subject_id,
             const std::string& reason) {
  auto configured = OpenConfigured(config_path, data_dir);
  if (!configured) return 1;
  core::OpenDataDir& opened = configured->data;
  core::Erasure erasure(configured->config, *opened.store, *opened.keyring, *opened.indexer, Clock::System(),
                        Random::Secure());
  auto result = erasure.Erase(subject_id, reason, core::Actor::Cli());
  erasure.Stop();
  opened.store->Close();
  if (!result.ok()) {
    Fail(result.status().message());
    return ExitCodeOf(result.status());
  }
  std::cout << result->receipt.dump(2) << "\n";
  std::cerr << "erased " << subject_id << "; the write-ahead log was checkpointed (" << result->checkpoint << ")\n";
  return 0;
}

int RunEraseMany(const std::string& config_path, const std::string& data_dir, const std::string& ids_file,
                 const std::string& reason) {
  if (std::find(core::ErasureReasons().begin(), core::ErasureReasons().end(), reason) ==
      core::ErasureReasons().end()) {
    std::string known;
    for (const auto& r : core::ErasureReasons()) known += (known.empty() ? "" : ", ") + r;
    Fail("unknown erasure reason '" + reason + "'; use one of " + known);
    return 2;
  }
  std::ifstream in(ids_file);
  if (!in) {
    Fail("cannot read " + ids_file + " — give a file of subject ids, one per line");
    return 2;
  }
  std::vector<std::string> ids;
  std::vector<size_t> lines;  // the line of each id, for the messages
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    const std::string id = Trim(line);
    if (id.empty() || id[0] == '#') continue;
    ids.push_back(id);
    lines.push_back(n);
  }
  auto configured = OpenConfigured(config_path, data_dir);
  if (!configured) return 1;
  core::OpenDataDir& opened = configured->data;
  core::Erasure erasure(configured->config, *opened.store, *opened.keyring, *opened.indexer, Clock::System(),
                        Random::Secure());
  const auto started = std::chrono::steady_clock::now();
  Result<core::BulkErasure> result = Status::Unavailable("the erasure did not run");
  {
    ProgressBar bar("erasing subjects", static_cast<int64_t>(ids.size()));
    core::Erasure::BulkOptions options;
    options.progress = [&bar](int64_t erased) { bar.Update(erased); };
    result = erasure.EraseMany(ids, reason, core::Actor::Cli(), options);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  erasure.Stop();
  opened.store->Close();
  if (!result.ok()) {
    Fail(result.status().message() + " — the subjects erased before the error stay erased; run the command again");
    return ExitCodeOf(result.status());
  }
  for (const auto& [index, status] : result->failed) {
    std::cerr << ids_file << ":" << lines[index] << ": " << ids[index] << ": " << status.message() << "\n";
  }
  std::cout << "erased " << result->erased << " subjects in " << static_cast<int64_t>(seconds * 1000) << " ms ("
            << static_cast<int64_t>(seconds > 0 ? static_cast<double>(result->erased) / seconds : 0) << "/s); "
            << result->already_erased << " were erased already, " << result->failed.size() << " not found\n";
  if (result->erased > 0) std::cerr << "the write-ahead log was checkpointed (" << result->checkpoint << ")\n";
  return result->failed.empty() ? 0 : 1;
}

int RunKeysRetire(const std::string& data_dir) {
  auto removed = core::RetireOldKeys(data_dir, Clock::System(), Random::Secure(), StoreUrl());
  if (!removed.ok()) {
    Fail(removed.status().message());
    return 1;
  }
  std::cout << "removed " << *removed << " old master key version" << (*removed == 1 ? "" : "s") << " from "
            << core::MasterKeyPath(data_dir) << "\n";
  return 0;
}

int RunMigrate(const std::string& from, const std::string& to, const std::string& data_dir) {
  core::MigrateOptions options;
  options.data_dir = data_dir;
  // "sqlite:DIR" names the SQLite store of a data directory, which also holds the master key.
  auto side = [&options](const std::string& spec, std::string& url) -> bool {
    if (spec.rfind("sqlite:", 0) == 0) {
      const std::string dir = spec.substr(7);
      if (!options.data_dir.empty() && options.data_dir != dir) return false;
      options.data_dir = dir;
      url.clear();
      return true;
    }
    url = spec;
    return spec.rfind("postgres://", 0) == 0 || spec.rfind("postgresql://", 0) == 0;
  };
  if (!side(from, options.from_url) || !side(to, options.to_url) || options.data_dir.empty()) {
    std::cerr << "tillit migrate: name each side as sqlite:DIR or postgres://…, e.g. `tillit migrate --from "
                 "sqlite:/var/lib/tillit --to postgresql://tillit@db/tillit`; with two PostgreSQL stores add --data "
                 "DIR for the master key\n";
    return 2;
  }
  ProgressBar bar("copying subjects");
  options.progress = [&bar](int64_t done, int64_t total) {
    bar.set_total(total);
    bar.Update(done);
  };
  auto report = core::MigrateStore(options, Clock::System(), Random::Secure());
  if (!report.ok()) {
    Fail(report.status().message());
    return 1;
  }
  std::cout << "migrated " << report->subjects << " subjects, " << report->records << " records, "
            << report->consent_events << " consent events, " << report->visitor_choices << " visitor choices, "
            << report->api_keys << " API keys and " << report->audit_entries
            << " audit entries; counts match and the audit chain verifies in the target\n"
            << "start tillit with --store " << (options.to_url.empty() ? "sqlite" : "<the target URL>")
            << " from now on\n";
  return 0;
}

int RunVersion() {
  std::cout << "tillit " << TILLIT_VERSION << "\n";
  return 0;
}

}  // namespace tillit::cli
