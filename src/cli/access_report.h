// `tillit access-report`: a subject's access report (GDPR Art. 15) as JSON or HTML, or their portability archive
// (Art. 20) as ZIP, from the command line — built by core::AccessReports / core::Portability in-process (no server
// is involved), with one audit entry (actor {"cli","tillit"}, purpose rights_fulfilment) per answer. Nothing is
// stored: the file written is the answer.
//
// Thread safety: RunAccessReport is meant to be called once, from main().
#ifndef TILLIT_CLI_ACCESS_REPORT_H_
#define TILLIT_CLI_ACCESS_REPORT_H_

#include <string>

namespace tillit::cli {

struct AccessReportOptions {
  std::string config_path;      // the shop's tillit.toml
  std::string data_dir;         // an initialised data directory (`tillit init`)
  std::string subject;          // the subject id
  std::string format = "json";  // json | html | zip
  std::string language;         // en, sv, nb, fi; empty: the controller's default
  std::string out_path;         // empty: stdout
};

// Returns 0 on success, 1 on failure, 2 for bad usage (unknown format or language, a bad configuration, an unknown
// subject).
int RunAccessReport(const AccessReportOptions& options);

}  // namespace tillit::cli

#endif  // TILLIT_CLI_ACCESS_REPORT_H_
