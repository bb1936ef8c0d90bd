// tillit: the command line. Parses arguments with CLI11 and hands over to cli/commands.
#include <curl/curl.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>

#include "cli/access_report.h"
#include "cli/audience.h"
#include "cli/commands.h"
#include "cli/import.h"
#include "cli/policy.h"
#include "cli/requests.h"
#include "cli/suppress.h"
#include "util/text.h"
#include "version.h"

namespace {

// An unknown subcommand is a typo more often than not: "unknown command 'chek' — did you mean 'check'?" (exit 2).
// Walks the words before the first option down the subcommand tree; true when it printed such a message.
bool ReportUnknownCommand(const CLI::App& app, int argc, char** argv) {
  const CLI::App* current = &app;
  std::string path = "tillit";
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word[0] == '-') return false;
    const auto subcommands = current->get_subcommands([](const CLI::App*) { return true; });
    if (subcommands.empty()) return false;
    std::vector<std::string> names;
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : subcommands) {
      names.push_back(sub->get_name());
      if (sub->get_name() == word) next = sub;
    }
    if (next == nullptr) {
      if (current->get_require_subcommand_min() == 0) return false;  // a positional argument, not a command
      const std::string suggestion = tillit::ClosestMatch(word, names);
      std::string known;
      for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
      std::cerr << path << ": unknown command '" << word << "'"
                << (suggestion.empty() ? " — the commands are " + known : " — did you mean '" + suggestion + "'?")
                << "\nRun `" << path << " --help` for the list.\n";
      return true;
    }
    current = next;
    path += " " + word;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  // Everything tillit creates (key file, databases, exports) is for its own user only.
  umask(077);
  curl_global_init(CURL_GLOBAL_DEFAULT);  // before any thread starts
  CLI::App app{"tillit — a customer register that keeps the promises of a privacy policy"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  app.set_version_flag("--version", std::string("tillit ") + TILLIT_VERSION, "Print the version and exit");

  std::string config_path, data_dir, listen, name, purposes, store_url;
  constexpr const char* kStoreHelp =
      "Store: postgres://… for PostgreSQL, or sqlite (the default, in the data directory; or set TILLIT_STORE)";
  bool list_categories = false;

  auto* check = app.add_subcommand("check", "Validate a configuration file");
  check->add_option("FILE", config_path, "tillit.toml to check");
  check->add_flag("--list-categories", list_categories, "List the built-in personal-data categories");

  auto* init = app.add_subcommand("init", "Create a data directory: master key, databases, migrations");
  init->add_option("--config", config_path, "Configuration file")->required();
  init->add_option("--data", data_dir, "Data directory")->required();
  init->add_option("--store", store_url, kStoreHelp);

  tillit::cli::ServeOptions serve_options;
  bool no_access_log = false;
  auto* serve = app.add_subcommand("serve", "Run the HTTP server");
  serve->add_option("--config", serve_options.config_path, "Configuration file")->required();
  serve->add_option("--data", serve_options.data_dir, "Data directory")->required();
  serve->add_option("--store", store_url, kStoreHelp);
  serve->add_option("--listen", serve_options.listen, "Address to listen on (default from config: 127.0.0.1:8080)");
  serve->add_option("--threads", serve_options.threads, "HTTP threads (default: one per core, at least 2)");
  serve->add_flag("--no-access-log", no_access_log, "Do not write a log line per request");
  serve->add_flag("--print-routes", serve_options.print_routes,
                  "Print every route this configuration serves (METHOD /pattern) and exit without listening");

  auto* key = app.add_subcommand("key", "Manage API keys");
  key->require_subcommand(1);
  auto* key_create = key->add_subcommand("create", "Create an API key; prints it once");
  key_create->add_option("--data", data_dir, "Data directory")->required();
  key_create->add_option("--store", store_url, kStoreHelp);
  key_create->add_option("--name", name, "Key name")->required();
  key_create->add_option("--purposes", purposes, "Purposes the key's reads may name, comma-separated")->required();
  std::string key_preset, key_actions;
  key_create->add_option("--preset", key_preset,
                         "Named set of actions: shop (the default), newsletter, analytics, privacy-desk");
  key_create->add_option("--actions", key_actions,
                         "Actions the key may perform, comma-separated (added to the preset's); "
                         "`tillit key actions` lists them");
  auto* key_actions_cmd = key->add_subcommand("actions", "List the actions and presets a key can be given");
  auto* key_list = key->add_subcommand("list", "List API keys");
  key_list->add_option("--data", data_dir, "Data directory")->required();
  key_list->add_option("--store", store_url, kStoreHelp);
  auto* key_revoke = key->add_subcommand("revoke", "Revoke an API key");
  key_revoke->add_option("NAME", name, "Key name")->required();
  key_revoke->add_option("--data", data_dir, "Data directory")->required();
  key_revoke->add_option("--store", store_url, kStoreHelp);

  auto* audit = app.add_subcommand("audit", "Check the audit log");
  audit->require_subcommand(1);
  tillit::cli::AuditVerifyOptions verify_options;
  auto* audit_verify = audit->add_subcommand(
      "verify", "Verify the hash chain, its signed heads in the database and the key store, and the witness file");
  audit_verify->add_option("--data", verify_options.data_dir, "Data directory")->required();
  audit_verify->add_option("--store", store_url, kStoreHelp);
  audit_verify->add_option("--config", verify_options.config_path,
                           "Configuration file (its store, and its [audit] witness_file unless --witness is given)");
  audit_verify->add_option("--witness", verify_options.witness_file,
                           "A witness file of signed heads (a copy shipped elsewhere) the chain must agree with");

  size_t batch = 500, stop_after = 0;
  auto* keys = app.add_subcommand("keys", "Manage the master key");
  keys->require_subcommand(1);
  auto* keys_rotate = keys->add_subcommand("rotate", "Add a master key version and re-wrap every key under it");
  keys_rotate->add_option("--data", data_dir, "Data directory")->required();
  keys_rotate->add_option("--store", store_url, kStoreHelp);
  keys_rotate->add_option("--batch", batch, "Keys re-wrapped per commit");
  keys_rotate->add_option("--stop-after-batches", stop_after, "Stop early (to test resumption)")->group("");
  auto* keys_retire = keys->add_subcommand("retire", "Remove master key versions no key uses any more");
  keys_retire->add_option("--data", data_dir, "Data directory")->required();
  keys_retire->add_option("--store", store_url, kStoreHelp);

  tillit::cli::ImportOptions import_options;
  auto* import_command = app.add_subcommand("import", "Import data from files");
  import_command->require_subcommand(1);
  auto* import_subjects = import_command->add_subcommand(
      "subjects", "Import customers from a CSV (header row) or NDJSON file; rejected rows go to a rejects file");
  import_subjects->add_option("FILE", import_options.file, "CSV or NDJSON file")->required();
  import_subjects->add_option("--config", import_options.config_path, "Configuration file")->required();
  import_subjects->add_option("--data", import_options.data_dir, "Data directory")->required();
  import_subjects->add_option("--store", store_url, kStoreHelp);
  import_subjects->add_option("--rejects", import_options.rejects_path,
                              "Where rejected rows go (default: FILE.rejects.csv, or .rejects.ndjson)");
  import_subjects->add_option("--source", import_options.source, "Source of rows that name none (default: import)");

  tillit::cli::SuppressImportOptions suppress_options;
  auto* suppress = app.add_subcommand("suppress", "National opt-out registers for phone and post marketing");
  suppress->require_subcommand(1);
  auto* suppress_import = suppress->add_subcommand(
      "import",
      "Replace a register's copy (reservasjonsregisteret, nix_telefon, nix_adresserat, asml) with FILE: phone numbers "
      "one a line, or CSV with a header naming phone, street, postal_code, country");
  suppress_import->add_option("FILE", suppress_options.file, "The register's file")->required();
  suppress_import->add_option("--register", suppress_options.register_id, "Register id, e.g. nix_telefon")->required();
  suppress_import->add_option("--data", suppress_options.data_dir, "Data directory")->required();
  suppress_import->add_option("--store", store_url, kStoreHelp);
  suppress_import->add_option("--config", suppress_options.config_path,
                              "Configuration file (the register's settings when it declares it)");

  tillit::cli::AudienceOptions audience_options;
  auto* audience = app.add_subcommand(
      "audience", "Write the subjects who may be contacted now for a purpose (over a channel) as NDJSON");
  audience->add_option("--config", audience_options.config_path, "Configuration file")->required();
  audience->add_option("--data", audience_options.data_dir, "Data directory")->required();
  audience->add_option("--store", store_url, kStoreHelp);
  audience->add_option("--purpose", audience_options.purpose, "Purpose, e.g. marketing")->required();
  audience->add_option("--channel", audience_options.channel,
                       "Channel: email, sms, phone or post (default: none, ids only)");
  audience->add_flag("--ids-only", audience_options.ids_only, "Subject ids only: no contact field is decrypted");
  audience->add_option("--limit", audience_options.limit, "At most this many subjects (default: all)");
  audience->add_option("--out", audience_options.out_path, "Output file (default: stdout)");

  std::string migrate_from, migrate_to;
  auto* migrate = app.add_subcommand("migrate", "Copy the register, keys and audit chain into another, empty store");
  migrate->add_option("--from", migrate_from, "sqlite:DIR or postgres://…")->required();
  migrate->add_option("--to", migrate_to, "postgres://… or sqlite:DIR")->required();
  migrate->add_option("--data", data_dir, "Data directory with the master key (when neither side is sqlite:DIR)");

  tillit::cli::PolicyRenderOptions policy_options;
  auto* policy = app.add_subcommand("policy", "The generated privacy policy");
  policy->require_subcommand(1);
  auto* policy_render = policy->add_subcommand(
      "render", "Write the privacy policy of a configuration in one of its languages (as served at /privacy/LANG)");
  policy_render->add_option("--config", policy_options.config_path, "Configuration file")->required();
  policy_render->add_option("--lang", policy_options.lang, "Language: en, sv, nb or fi, one the configuration lists")
      ->required();
  policy_render->add_option("--format", policy_options.format, "html (default) or md");
  policy_render->add_option("--out", policy_options.out_path, "Output file (default: stdout)");
  policy_render->add_option("--date", policy_options.date, "Date the policy states, YYYY-MM-DD (default: today)");
  policy_render->add_flag("--processors", policy_options.processors,
                          "The overview of processors and other recipients instead of the policy");

  tillit::cli::PolicyDiffOptions diff_options;
  auto* policy_diff = policy->add_subcommand(
      "diff", "What changed between two published versions (with --data) or two configuration files");
  policy_diff->add_option("FROM", diff_options.from_version, "Earlier published version (pv-…)");
  policy_diff->add_option("TO", diff_options.to_version, "Later published version (pv-…)");
  policy_diff->add_option("--from", diff_options.from_file, "Earlier configuration file");
  policy_diff->add_option("--to", diff_options.to_file, "Later configuration file");
  policy_diff->add_option("--data", diff_options.data_dir, "Data directory (for published versions)");
  policy_diff->add_option("--store", store_url, kStoreHelp);
  policy_diff->add_option("--format", diff_options.format, "text (default) or json");

  tillit::cli::RopaOptions ropa_options;
  auto* ropa = app.add_subcommand("ropa", "Write the record of processing activities (GDPR Art. 30)");
  ropa->add_option("--config", ropa_options.config_path, "Configuration file")->required();
  ropa->add_option("--format", ropa_options.format, "csv, json or html (default)");
  ropa->add_option("--lang", ropa_options.lang, "Language of names and texts (default: the configuration's first)");
  ropa->add_option("--out", ropa_options.out_path, "Output file (default: stdout)");
  tillit::cli::AccessReportOptions report_options;
  auto* access_report = app.add_subcommand(
      "access-report", "Write a subject's access report (Art. 15) as JSON or HTML, or their portability ZIP (Art. 20)");
  access_report->add_option("--config", report_options.config_path, "Configuration file")->required();
  access_report->add_option("--data", report_options.data_dir, "Data directory")->required();
  access_report->add_option("--store", store_url, kStoreHelp);
  access_report->add_option("--subject", report_options.subject, "Subject id")->required();
  access_report->add_option("--format", report_options.format, "json (default), html or zip (portability)");
  access_report->add_option("--language", report_options.language,
                            "en, sv, nb or fi (default: the configuration's first language)");
  access_report->add_option("--out", report_options.out_path, "Output file, written with mode 0600 (default: stdout)");
  bool dry_run = false;
  auto* retention = app.add_subcommand("retention", "Retention of personal data");
  retention->require_subcommand(1);
  auto* retention_run =
      retention->add_subcommand("run", "Delete what the retention rules say has expired (erase expired subjects)");
  retention_run->add_option("--config", config_path, "Configuration file")->required();
  retention_run->add_option("--data", data_dir, "Data directory")->required();
  retention_run->add_option("--store", store_url, kStoreHelp);
  retention_run->add_flag("--dry-run", dry_run, "Only list what would go, by category and count");
  retention_run->add_option("--batch", batch, "Rows deleted per commit (default 500)");

  std::string subject_id, reason = "request", ids_file;
  auto* erase = app.add_subcommand(
      "erase", "Erase a subject (GDPR Art. 17) and print the erasure receipt, or many subjects listed in a file");
  auto* erase_subject = erase->add_option("SUBJECT", subject_id, "Subject id");
  erase->add_option("--ids", ids_file, "File of subject ids, one per line, erased in batches")->excludes(erase_subject);
  erase->add_option("--config", config_path, "Configuration file")->required();
  erase->add_option("--data", data_dir, "Data directory")->required();
  erase->add_option("--store", store_url, kStoreHelp);
  erase->add_option("--reason", reason, "request (default), no_longer_necessary, consent_withdrawn, objection, …");
  tillit::cli::RequestListOptions request_options;
  auto* requests = app.add_subcommand("requests", "List rights requests (the staff queue) as a table");
  requests->add_option("--data", request_options.data_dir, "Data directory")->required();
  requests->add_option("--store", store_url, kStoreHelp);
  requests->add_flag("--overdue", request_options.overdue, "Only open requests past their due date");
  requests->add_option("--status", request_options.status,
                       "Only requests in this status: received, verified, approved, in_progress, extended, "
                       "completed, rejected");

  tillit::cli::MailIngestOptions mail_options;
  auto* mail = app.add_subcommand("mail", "Incoming mail");
  mail->require_subcommand(1);
  auto* mail_ingest =
      mail->add_subcommand("ingest", "Turn raw messages (a file or a directory of .eml files) into rights requests");
  mail_ingest->add_option("PATH", mail_options.path, "Message file or directory")->required();
  mail_ingest->add_option("--config", mail_options.config_path, "Configuration file")->required();
  mail_ingest->add_option("--data", mail_options.data_dir, "Data directory")->required();
  mail_ingest->add_option("--store", store_url, kStoreHelp);

  auto* version = app.add_subcommand("version", "Print the version");

  if (ReportUnknownCommand(app, argc, argv)) return 2;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  using namespace tillit::cli;
  LogToStderr();
  if (!store_url.empty()) SetStoreUrl(store_url);
  if (*check) {
    if (config_path.empty() && !list_categories) {
      std::cerr << "tillit check: name the configuration file, e.g. `tillit check tillit.toml`\n";
      return 2;
    }
    return RunCheck(config_path, list_categories);
  }
  if (*init) return RunInit(config_path, data_dir);
  if (*serve) {
    serve_options.access_log = !no_access_log;
    return RunServe(serve_options);
  }
  if (*key_create) return RunKeyCreate(data_dir, name, purposes, key_preset, key_actions);
  if (*key_actions_cmd) return RunKeyActions();
  if (*key_list) return RunKeyList(data_dir);
  if (*key_revoke) return RunKeyRevoke(data_dir, name);
  if (*audit_verify) return RunAuditVerify(verify_options);
  if (*keys_rotate) return RunKeysRotate(data_dir, batch, stop_after);
  if (*keys_retire) return RunKeysRetire(data_dir);
  if (*import_subjects) return RunImportSubjects(import_options);
  if (*suppress_import) return RunSuppressImport(suppress_options);
  if (*audience) return RunAudience(audience_options);
  if (*policy_render) return RunPolicyRender(policy_options);
  if (*policy_diff) return RunPolicyDiff(diff_options);
  if (*ropa) return RunRopa(ropa_options);
  if (*access_report) return RunAccessReport(report_options);
  if (*migrate) return RunMigrate(migrate_from, migrate_to, data_dir);
  if (*retention_run) return RunRetention(config_path, data_dir, dry_run, batch);
  if (*erase) {
    if (!ids_file.empty()) return RunEraseMany(config_path, data_dir, ids_file, reason);
    if (subject_id.empty()) {
      std::cerr << "tillit erase: name a SUBJECT id, or a file of ids with --ids FILE\n";
      return 2;
    }
    return RunErase(config_path, data_dir, subject_id, reason);
  }
  if (*requests) return RunRequests(request_options);
  if (*mail_ingest) return RunMailIngest(mail_options);
  if (*version) return RunVersion();
  return 2;
}
