#include "cli/suppress.h"

#include <csv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "config/countries.h"
#include "config/loader.h"
#include "core/audit.h"
#include "core/data_dir.h"
#include "core/decisions.h"
#include "crypto/blind_index.h"
#include "util/clock.h"
#include "util/random.h"
#include "util/status.h"
#include "util/text.h"

namespace tillit::cli {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
// Skipped lines reported one by one; the rest only counted.
constexpr int64_t kMaxReported = 20;

void Fail(const std::string& message) { std::cerr << "tillit: " << message << "\n"; }

bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The cells of one CSV line (RFC 4180 quoting; a register file has no line breaks inside cells). nullopt when the
// quoting is broken.
std::optional<std::vector<std::string>> SplitCsvLine(const std::string& line) {
  csv_parser parser{};
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) return std::nullopt;
  std::vector<std::string> cells;
  auto on_cell = [](void* data, size_t size, void* out) {
    static_cast<std::vector<std::string>*>(out)->emplace_back(data != nullptr ? static_cast<const char*>(data) : "",
                                                              size);
  };
  const bool ok = csv_parse(&parser, line.data(), line.size(), on_cell, nullptr, &cells) == line.size() &&
                  csv_fini(&parser, on_cell, nullptr, &cells) == 0;
  csv_free(&parser);
  if (!ok) return std::nullopt;
  return cells;
}

// Where each known column is in a CSV file; -1 when absent.
struct Columns {
  int phone = -1;
  int street = -1;
  int postal_code = -1;
  int country = -1;
};

// A header row names at least one of phone / street / postal_code.
std::optional<Columns> HeaderOf(const std::vector<std::string>& cells) {
  Columns c;
  for (size_t i = 0; i < cells.size(); ++i) {
    const std::string name = Lower(Trim(cells[i]));
    const int at = static_cast<int>(i);
    if (name == "phone" || name == "telephone" || name == "phone_number") c.phone = at;
    if (name == "street" || name == "address" || name == "street_address") c.street = at;
    if (name == "postal_code" || name == "postcode" || name == "zip") c.postal_code = at;
    if (name == "country") c.country = at;
  }
  if (c.phone < 0 && c.street < 0 && c.postal_code < 0) return std::nullopt;
  return c;
}

std::string Cell(const std::vector<std::string>& cells, int at) {
  return at >= 0 && static_cast<size_t>(at) < cells.size() ? Trim(cells[at]) : std::string();
}

// The register's settings: from the configuration when it declares the register, else tillit's defaults.
struct RegisterSettings {
  std::string id;
  std::string name;
  std::string country;
  bool phone = false;
  bool post = false;
  bool declared = false;
};

Result<RegisterSettings> SettingsOf(const std::string& id, const config::Config* config) {
  RegisterSettings r;
  r.id = id;
  if (config != nullptr) {
    for (const auto& declared : config->marketing.opt_out_registers) {
      if (declared.id != id) continue;
      r.declared = true;
      r.name = id;
      r.country = declared.country;
      for (auto c : declared.channels) {
        r.phone = r.phone || c == config::Channel::kPhone;
        r.post = r.post || c == config::Channel::kPost;
      }
    }
  }
  if (const config::RegisterDefaults* known = config::FindRegister(id)) {
    r.name = std::string(known->name);
    if (!r.declared) {
      r.country = std::string(config::CountryOfRegister(id)->code);
      r.phone = known->channels.find("phone") != std::string_view::npos;
      r.post = known->channels.find("post") != std::string_view::npos;
    }
  } else if (!r.declared) {
    return Status::InvalidArgument(
        "--register " + id +
        " is not a register tillit knows (reservasjonsregisteret, nix_telefon, nix_adresserat, asml) and no "
        "[[marketing.opt_out_register]] of --config declares it");
  }
  return r;
}

struct Counts {
  int64_t lines = 0;
  int64_t phones = 0;
  int64_t addresses = 0;
  int64_t skipped = 0;
};

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
  auto settings = SettingsOf(options.register_id, config.get());
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

  Counts counts;
  std::vector<store::OptOutEntry> entries;
  auto skip = [&](int64_t line, const std::string& why) {
    ++counts.skipped;
    if (counts.skipped <= kMaxReported) std::cerr << path << ":" << line << ": " << why << "; line skipped\n";
  };
  auto add_phone = [&](int64_t line, const std::string& raw) {
    if (!settings->phone) {
      skip(line, "a phone number, but " + settings->name + " lists postal addresses only");
      return;
    }
    auto phone = crypto::NormalisePhone(raw, settings->country);
    if (!phone.ok()) {
      skip(line, "not a valid phone number for " + settings->country +
                     " (give it with its country code, e.g. +47 912 34 567, or as a national number)");
      return;
    }
    entries.push_back({store::IndexKind::kPhone, indexer.Index(crypto::IndexKind::kPhone, *phone)});
    ++counts.phones;
  };

  std::optional<Columns> columns;
  bool first = true;
  std::string text;
  int64_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (line == 1 && std::string_view(text).starts_with(kUtf8Bom)) text.erase(0, kUtf8Bom.size());
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (IsBlank(text) || text.front() == '#') continue;
    if (first) {
      first = false;
      auto cells = SplitCsvLine(text);
      if (cells) columns = HeaderOf(*cells);
      if (columns) continue;  // the header row
    }
    ++counts.lines;
    if (!columns) {
      add_phone(line, Trim(text));
      continue;
    }
    auto cells = SplitCsvLine(text);
    if (!cells) {
      skip(line, "broken CSV quoting: quote a whole cell and double every quote inside it");
      continue;
    }
    const std::string phone = Cell(*cells, columns->phone);
    const std::string street = Cell(*cells, columns->street);
    const std::string postal_code = Cell(*cells, columns->postal_code);
    if (phone.empty() && street.empty() && postal_code.empty()) {
      skip(line, "neither a phone number nor a street and postal code");
      continue;
    }
    if (!phone.empty()) add_phone(line, phone);
    if (street.empty() && postal_code.empty()) continue;
    if (!settings->post) {
      skip(line, "a postal address, but " + settings->name + " lists phone numbers only");
      continue;
    }
    std::string country = Cell(*cells, columns->country);
    if (country.empty()) country = settings->country;
    auto address = crypto::NormalisePostalAddress(street, postal_code, country);
    if (!address.ok()) {
      skip(line, "a postal address needs both a street and a postal code");
      continue;
    }
    entries.push_back({store::IndexKind::kPostalAddress, indexer.Index(crypto::IndexKind::kPostalAddress, *address)});
    ++counts.addresses;
  }
  if (in.bad()) {
    Fail(path + ": the file could not be read past line " + std::to_string(line) +
         "; nothing was imported, the previous copy is kept");
    store.Close();
    return 1;
  }
  if (counts.skipped > kMaxReported) {
    std::cerr << path << ": " << (counts.skipped - kMaxReported) << " more lines skipped\n";
  }
  if (entries.empty()) {
    Fail(path + ": no phone number or postal address could be read; nothing was imported and the previous copy of " +
         settings->name + " is kept");
    store.Close();
    return 2;
  }

  const int64_t now = ToMicros(Clock::System().Now());
  store::OptOutRegisterRow row{settings->id, now, counts.phones, counts.addresses, "tillit"};
  core::AuditEvent event{core::Actor::Cli(), "", "opt_out_register.import", "",
                         "register=" + settings->id + " phones=" + std::to_string(counts.phones) +
                             " addresses=" + std::to_string(counts.addresses)};
  Status written = store.WriteAndWait([&](store::WriteTxn& txn) -> Status {
    TILLIT_RETURN_IF_ERROR(txn.ReplaceOptOutRegister(row, entries));
    TILLIT_RETURN_IF_ERROR(txn.AppendDecisionChange(core::DecisionIndex::kRegistersChanged, now));
    return core::AppendAudit(txn, event, now);
  });
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
