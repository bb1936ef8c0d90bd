// The command line's text tables: widths are counted in terminal columns, not bytes, so names in Nordic letters,
// combining accents and an ellipsis line up with plain ASCII.
#include "cli/table.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace tillit::cli {
namespace {

TEST(DisplayWidth, CountsColumnsNotBytes) {
  EXPECT_EQ(DisplayWidth("check"), 5u);
  EXPECT_EQ(DisplayWidth("Bokføring"), 9u);       // ø is two bytes, one column
  EXPECT_EQ(DisplayWidth("Käyttö"), 6u);
  EXPECT_EQ(DisplayWidth("tk_1a2b\xE2\x80\xA6"), 8u);  // … is three bytes
  EXPECT_EQ(DisplayWidth("e\xCC\x81"), 1u);       // e + combining acute accent
  EXPECT_EQ(DisplayWidth("\xE6\x97\xA5\xE6\x9C\xAC"), 4u);  // two wide CJK characters
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("\xFF"), 1u);            // not UTF-8: a column per byte
}

// The column where the second cell starts on each line, in display columns.
std::vector<size_t> SecondColumnStarts(const std::string& rendered) {
  std::vector<size_t> starts;
  std::istringstream in(rendered);
  std::string line;
  while (std::getline(in, line)) {
    const size_t gap = line.find("  ");
    size_t end = gap;
    while (end < line.size() && line[end] == ' ') ++end;
    starts.push_back(DisplayWidth(line.substr(0, end)));
  }
  return starts;
}

TEST(Table, AlignsColumnsByDisplayWidth) {
  Table table({"NAME", "PREFIX", "STATUS"});
  table.Add({"bokføring", "tk_ab12…", "active"});
  table.Add({"käyttö-ääni", "tk_cd34…", "revoked"});
  table.Add({"webshop", "tk_ef56…"});
  const std::string out = table.Render();
  const std::vector<size_t> starts = SecondColumnStarts(out);
  ASSERT_EQ(starts.size(), 4u) << out;
  for (size_t s : starts) EXPECT_EQ(s, DisplayWidth("käyttö-ääni") + 2) << out;
  EXPECT_EQ(out.substr(0, out.find('\n')), "NAME         PREFIX    STATUS");
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find(" \n"), std::string::npos) << "no trailing spaces";
}

}  // namespace
}  // namespace tillit::cli
