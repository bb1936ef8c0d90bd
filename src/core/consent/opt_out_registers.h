// National opt-out registers (Reservasjonsregisteret, NIX-Telefon, NIX-Adresserat, ASML's Robinson register, or one
// the configuration declares) that decisions consult for phone and post marketing (DESIGN.md, rule 6): reading a
// copy of one into blind indexes, and storing it in place of the previous copy. The file is either a list of phone
// numbers, one a line, or a CSV file with a header row naming some of the columns `phone`, `street`, `postal_code`,
// `country` (other columns, such as names, are ignored). Phone numbers are normalised with libphonenumber (national
// numbers read as the register's country), addresses with crypto::NormalisePostalAddress; only their blind indexes
// are kept, never a number or an address.
//
// Thread safety: the functions keep no state; StoreOptOutRegister blocks until the write has committed.
#ifndef TILLIT_CORE_CONSENT_OPT_OUT_REGISTERS_H_
#define TILLIT_CORE_CONSENT_OPT_OUT_REGISTERS_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "config/config.h"
#include "crypto/blind_index.h"
#include "store/store.h"
#include "util/status.h"

namespace tillit::core {

// A register's settings: from the configuration when it declares the register, else tillit's defaults.
struct OptOutRegisterSettings {
  std::string id;
  std::string name;
  std::string country;
  bool phone = false;
  bool post = false;
  bool declared = false;  // the configuration declares it
};

// InvalidArgument when `id` is neither a register tillit knows nor one `config` (may be null) declares.
Result<OptOutRegisterSettings> SettingsOfOptOutRegister(const std::string& id, const config::Config* config);

struct OptOutCounts {
  int64_t lines = 0;
  int64_t phones = 0;
  int64_t addresses = 0;
  int64_t skipped = 0;
};

// A copy of a register read from a file: its entries and counts. `skipped(line, why)` hears of each line that could
// not be read; `why` never repeats the line's content. InvalidArgument-free: a stream error is Unavailable.
struct OptOutCopy {
  std::vector<store::OptOutEntry> entries;
  OptOutCounts counts;
  int64_t last_line = 0;
};
Result<OptOutCopy> ReadOptOutRegister(std::istream& in, const OptOutRegisterSettings& settings,
                                      const crypto::BlindIndexer& indexer,
                                      const std::function<void(int64_t line, const std::string& why)>& skipped);

// Replaces the register's previous copy with `copy` in one transaction, tells running servers through the
// decision-change feed, and audits the import (counts only). Blocks until committed; never on an I/O thread.
Status StoreOptOutRegister(store::Store& store, const OptOutRegisterSettings& settings, const OptOutCopy& copy,
                           int64_t now);

}  // namespace tillit::core

#endif  // TILLIT_CORE_CONSENT_OPT_OUT_REGISTERS_H_
