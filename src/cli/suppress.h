// `tillit suppress import`: loads a fresh copy of a national opt-out register (Reservasjonsregisteret, NIX-Telefon,
// NIX-Adresserat, ASML's Robinson register, or a register the configuration declares) that decisions consult for
// phone and post marketing (DESIGN.md, rule 6). The file is either a list of phone numbers, one a line, or a CSV
// file with a header row naming some of the columns `phone`, `street`, `postal_code`, `city`, `country` (other
// columns, such as names, are ignored). Phone numbers are normalised with libphonenumber (national numbers read as
// the register's country), addresses with crypto::NormalisePostalAddress; only their blind indexes are stored, with
// the register's id and the import time, never a number or an address. The new copy replaces the register's
// previous one in one transaction; running servers reload it through the decision-change feed. Lines that cannot
// be read are reported with file and line, skipped and counted; the reports never repeat the line's content.
//
// Thread safety: RunSuppressImport is meant to be called once, from main().
#ifndef TILLIT_CLI_SUPPRESS_H_
#define TILLIT_CLI_SUPPRESS_H_

#include <string>

namespace tillit::cli {

struct SuppressImportOptions {
  std::string register_id;  // reservasjonsregisteret | nix_telefon | nix_adresserat | asml | a declared one
  std::string file;
  std::string data_dir;
  std::string config_path;  // optional: the register's settings and the store ([server] store) come from it
};

// Prints counts (lines read, phone numbers, postal addresses, lines skipped) on stdout. Returns 0 when every line
// was imported, 1 when some line was skipped (the copy is imported all the same), 2 when nothing was imported
// (unknown register, unreadable file, broken CSV quoting, no usable entry at all, data directory not initialised).
int RunSuppressImport(const SuppressImportOptions& options);

}  // namespace tillit::cli

#endif  // TILLIT_CLI_SUPPRESS_H_
