// CSV cells for files people open in a spreadsheet (the portability archive, the record of processing activities):
// every cell quoted by libcsv's writer (RFC 4180: embedded quotes doubled), and a cell that a spreadsheet would run
// as a formula — one starting with =, +, -, @, a tab or a carriage return, unless it is a plain number such as
// "-12.50" — prefixed with an apostrophe, so a name like "=HYPERLINK(…)" stays text (CSV injection).
#ifndef TILLIT_UTIL_CSV_H_
#define TILLIT_UTIL_CSV_H_

#include <string>
#include <string_view>
#include <vector>

namespace tillit {

// One quoted, formula-safe cell.
std::string CsvCell(std::string_view value);

// One record: the cells separated by commas, ended by CRLF.
std::string CsvRecord(const std::vector<std::string>& cells);

}  // namespace tillit

#endif  // TILLIT_UTIL_CSV_H_
