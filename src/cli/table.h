// Text tables for the command line: columns padded to the widest cell as a terminal shows it, counted in display
// columns rather than bytes, so names in Nordic letters ("Bokføring", "Käyttö") or with an ellipsis line up.
//
// Thread safety: a Table is a plain value; DisplayWidth is a pure function.
#ifndef TILLIT_CLI_TABLE_H_
#define TILLIT_CLI_TABLE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tillit::cli {

// The columns `text` (UTF-8) takes in a terminal: combining marks and other zero-width code points count 0, East
// Asian wide and fullwidth characters 2, every other character 1. Bytes that are not UTF-8 count 1 each.
size_t DisplayWidth(std::string_view text);

class Table {
 public:
  explicit Table(std::vector<std::string> header) : rows_{std::move(header)} {}
  // A row with fewer cells than the header is padded with empty cells.
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Every row, cells separated by two spaces, each column but the last padded to its widest cell; one line each.
  std::string Render() const;

 private:
  std::vector<std::vector<std::string>> rows_;  // the header first
};

}  // namespace tillit::cli

#endif  // TILLIT_CLI_TABLE_H_
