#include "policy/document.h"

namespace tillit::policy {

namespace markup {

std::string Plain(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ' ') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string Link(std::string_view href, std::string_view text) {
  std::string out;
  out += kLinkOpen;
  out += Plain(href);
  out += kLinkText;
  out += Plain(text);
  out += kLinkClose;
  return out;
}

std::string Mailto(std::string_view email) {
  if (email.empty()) return "";
  return Link("mailto:" + std::string(email), email);
}

std::string Url(std::string_view url) {
  if (url.empty()) return "";
  return Link(url, url);
}

std::string Strong(std::string_view inline_markup) {
  std::string out;
  out += kStrongOpen;
  out += inline_markup;
  out += kStrongClose;
  return out;
}

std::string Visible(std::string_view inline_markup) {
  std::string out;
  bool in_href = false;
  for (char c : inline_markup) {
    switch (c) {
      case kLinkOpen:
        in_href = true;
        break;
      case kLinkText:
        in_href = false;
        break;
      case kLinkClose:
      case kStrongOpen:
      case kStrongClose:
        break;
      default:
        if (!in_href) out += c;
    }
  }
  return out;
}

bool IsSafeHref(std::string_view href) {
  for (std::string_view prefix : {"https://", "http://", "mailto:", "tel:", "/", "#"}) {
    if (href.starts_with(prefix)) return !href.starts_with("//");
  }
  return false;
}

}  // namespace markup

Block Block::Paragraph(std::string text) {
  Block b;
  b.kind = Kind::kParagraph;
  b.text = std::move(text);
  return b;
}

Block Block::List(std::vector<std::string> items) {
  Block b;
  b.kind = Kind::kList;
  b.items = std::move(items);
  return b;
}

Block Block::Facts(std::vector<Fact> facts) {
  Block b;
  b.kind = Kind::kFacts;
  b.facts = std::move(facts);
  return b;
}

Block Block::MakeTable(Table table) {
  Block b;
  b.kind = Kind::kTable;
  b.table = std::move(table);
  return b;
}

}  // namespace tillit::policy
