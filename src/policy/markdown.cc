// The Markdown writer of a policy Document (see document.h).
#include <string>
#include <string_view>

#include "policy/document.h"

namespace tillit::policy {
namespace {

// Backslash-escapes what CommonMark would read as markup anywhere in a line.
void AppendEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    if (std::string_view("\\`*_[]<>|").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
}

std::string EscapeHref(std::string_view href) {
  std::string out;
  for (char c : href) {
    if (c == ' ') {
      out += "%20";
    } else if (c == '(' || c == ')' || c == '<' || c == '>') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::string Inline(std::string_view m) {
  std::string out;
  size_t i = 0;
  while (i < m.size()) {
    const char c = m[i];
    if (c == markup::kLinkOpen) {
      const size_t mid = m.find(markup::kLinkText, i);
      const size_t end = m.find(markup::kLinkClose, i);
      if (mid == std::string_view::npos || end == std::string_view::npos || end < mid) break;  // malformed: stop
      const std::string_view href = m.substr(i + 1, mid - i - 1);
      if (markup::IsSafeHref(href)) {
        out += '[';
        AppendEscaped(out, m.substr(mid + 1, end - mid - 1));
        out += "](";
        out += EscapeHref(href);
        out += ')';
      } else {
        AppendEscaped(out, m.substr(mid + 1, end - mid - 1));
      }
      i = end + 1;
      continue;
    }
    if (c == markup::kStrongOpen || c == markup::kStrongClose) {
      out += "**";
    } else {
      AppendEscaped(out, std::string_view(&m[i], 1));
    }
    ++i;
  }
  return out;
}

// A paragraph must not start with what CommonMark reads as a heading, list item or block quote.
std::string BlockText(std::string_view m) {
  std::string out = Inline(m);
  if (out.empty()) return out;
  if (out[0] == '#' || ((out[0] == '-' || out[0] == '+') && out.size() > 1 && out[1] == ' ')) {
    out.insert(out.begin(), '\\');
    return out;
  }
  size_t digits = 0;
  while (digits < out.size() && out[digits] >= '0' && out[digits] <= '9') ++digits;
  if (digits > 0 && digits < out.size() && (out[digits] == '.' || out[digits] == ')')) out.insert(digits, "\\");
  return out;
}

void WriteBlock(std::string& out, const Block& b) {
  switch (b.kind) {
    case Block::Kind::kParagraph:
      out += BlockText(b.text) + "\n\n";
      break;
    case Block::Kind::kList:
      for (const auto& item : b.items) out += "- " + Inline(item) + "\n";
      out += "\n";
      break;
    case Block::Kind::kFacts:
      for (const auto& f : b.facts) out += "- **" + Inline(markup::Plain(f.label)) + ":** " + Inline(f.value) + "\n";
      out += "\n";
      break;
    case Block::Kind::kTable: {
      const Table& t = b.table;
      if (!t.caption.empty()) out += "*" + Inline(markup::Plain(t.caption)) + "*\n\n";
      out += "|";
      for (const auto& h : t.header) out += " " + Inline(h) + " |";
      out += "\n|";
      for (size_t i = 0; i < t.header.size(); ++i) out += " --- |";
      out += "\n";
      for (const auto& row : t.rows) {
        out += "|";
        for (const auto& cell : row) out += " " + Inline(cell) + " |";
        out += "\n";
      }
      out += "\n";
      break;
    }
  }
}

void WriteSection(std::string& out, const Section& s, int level) {
  out += std::string(static_cast<size_t>(level), '#') + " " + Inline(markup::Plain(s.heading)) + "\n\n";
  for (const auto& b : s.blocks) WriteBlock(out, b);
  for (const auto& child : s.children) WriteSection(out, child, level + 1);
}

}  // namespace

std::string WriteMarkdown(const Document& doc) {
  std::string out = "# " + Inline(markup::Plain(doc.title)) + "\n\n";
  if (!doc.meta.empty()) out += BlockText(doc.meta) + "\n\n";
  for (const auto& b : doc.lead) WriteBlock(out, b);
  for (const auto& s : doc.sections) WriteSection(out, s, 2);
  if (!doc.footer.empty()) out += "---\n\n" + BlockText(doc.footer) + "\n";
  return out;
}

}  // namespace tillit::policy
