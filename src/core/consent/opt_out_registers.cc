#include "core/consent/opt_out_registers.h"

#include <csv.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>

#include "config/countries.h"
#include "core/audit/audit.h"
#include "core/consent/decisions.h"
#include "util/text.h"

namespace tillit::core {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

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

}  // namespace

Result<OptOutRegisterSettings> SettingsOfOptOutRegister(const std::string& id, const config::Config* config) {
  OptOutRegisterSettings r;
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


Result<OptOutCopy> ReadOptOutRegister(std::istream& in, const OptOutRegisterSettings& settings,
                                      const crypto::BlindIndexer& indexer,
                                      const std::function<void(int64_t line, const std::string& why)>& skipped) {
  OptOutCopy copy;
  OptOutCounts& counts = copy.counts;
  auto skip = [&](int64_t line, const std::string& why) {
    ++counts.skipped;
    skipped(line, why);
  };
  auto add_phone = [&](int64_t line, const std::string& raw) {
    if (!settings.phone) {
      skip(line, "a phone number, but " + settings.name + " lists postal addresses only");
      return;
    }
    auto phone = crypto::NormalisePhone(raw, settings.country);
    if (!phone.ok()) {
      skip(line, "not a valid phone number for " + settings.country +
                     " (give it with its country code, e.g. +47 912 34 567, or as a national number)");
      return;
    }
    copy.entries.push_back({store::IndexKind::kPhone, indexer.Index(crypto::IndexKind::kPhone, *phone)});
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
    if (!settings.post) {
      skip(line, "a postal address, but " + settings.name + " lists phone numbers only");
      continue;
    }
    std::string country = Cell(*cells, columns->country);
    if (country.empty()) country = settings.country;
    auto address = crypto::NormalisePostalAddress(street, postal_code, country);
    if (!address.ok()) {
      skip(line, "a postal address needs both a street and a postal code");
      continue;
    }
    copy.entries.push_back({store::IndexKind::kPostalAddress, indexer.Index(crypto::IndexKind::kPostalAddress, *address)});
    ++counts.addresses;
  }
  copy.last_line = line;
  if (in.bad()) return Status::Unavailable("the file could not be read past line " + std::to_string(line));
  return copy;
}

Status StoreOptOutRegister(store::Store& store, const OptOutRegisterSettings& settings, const OptOutCopy& copy,
                           int64_t now) {
  const OptOutCounts& counts = copy.counts;
  store::OptOutRegisterRow row{settings.id, now, counts.phones, counts.addresses, "tillit"};
  AuditEvent event{Actor::Cli(), "", "opt_out_register.import", "",
                   "register=" + settings.id + " phones=" + std::to_string(counts.phones) +
                       " addresses=" + std::to_string(counts.addresses)};
  return store.WriteAndWait([&](store::WriteTxn& txn) -> Status {
    TILLIT_RETURN_IF_ERROR(txn.ReplaceOptOutRegister(row, copy.entries));
    TILLIT_RETURN_IF_ERROR(txn.AppendDecisionChange(DecisionIndex::kRegistersChanged, now));
    return AppendAudit(txn, event, now);
  });
}

}  // namespace tillit::core
