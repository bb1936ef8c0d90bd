#include "util/csv.h"

#include <csv.h>

#include <cstdlib>

namespace tillit {
namespace {

// "-12.50", "+3", "1e5": a number a spreadsheet reads as one, not as a formula.
bool IsNumber(std::string_view value) {
  if (value.empty() || value.size() > 64) return false;
  const std::string text(value);
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

bool RunsAsFormula(std::string_view value) {
  if (value.empty()) return false;
  switch (value.front()) {
    case '=':
    case '@':
    case '\t':
    case '\r':
      return true;
    case '+':
    case '-':
      return !IsNumber(value);
    default:
      return false;
  }
}

}  // namespace

std::string CsvCell(std::string_view value) {
  std::string guarded;
  if (RunsAsFormula(value)) {
    guarded = "'" + std::string(value);
    value = guarded;
  }
  std::string out(value.size() * 2 + 2, '\0');
  out.resize(csv_write(out.data(), out.size(), value.data(), value.size()));
  return out;
}

std::string CsvRecord(const std::vector<std::string>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    out += CsvCell(cells[i]);
  }
  out += "\r\n";  // RFC 4180
  return out;
}

}  // namespace tillit
