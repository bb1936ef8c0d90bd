// The HTML writer of a policy Document (see document.h): the page skeleton is a mustache template; the body is
// written here from the document's blocks.
#include <kainjow/mustache.hpp>
#include <string>
#include <string_view>

#include "policy/document.h"

namespace tillit::policy {
namespace {

namespace mustache = kainjow::mustache;

// Readable on screen, printable on paper; no web fonts, images or other fetched resources.
constexpr std::string_view kCss = R"css(
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  line-height: 1.55; color: #1a1a1a; background: #fff; max-width: 48rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
.skip-link { position: absolute; left: -10000px; top: 0; background: #1a1a1a; color: #fff; padding: .6rem 1rem;
  z-index: 10; }
.skip-link:focus { left: 1rem; top: 1rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 1.5rem 0 .5rem; }
h2 { font-size: 1.4rem; line-height: 1.3; margin: 2.4rem 0 .6rem; padding-bottom: .2rem; border-bottom: 1px solid #c8c8c8; }
h3 { font-size: 1.12rem; margin: 1.6rem 0 .4rem; }
p, ul, ol, dl { margin: .6rem 0; }
a { color: #0b4ea2; text-underline-offset: .15em; }
a:focus, a:hover { color: #062f63; }
:focus-visible { outline: 3px solid #e08a00; outline-offset: 2px; }
.meta { color: #444; }
nav ol { padding-left: 1.4rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.table-wrap { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border: 1px solid #b8b8b8; padding: .4rem .55rem; text-align: left; vertical-align: top; }
thead th { background: #eef1f5; }
tbody th { font-weight: 600; }
footer { margin-top: 3rem; padding-top: .6rem; border-top: 1px solid #c8c8c8; color: #444; font-size: .9rem; }
@media print {
  .skip-link, nav { display: none; }
  body { max-width: none; padding: 0; font-size: 10.5pt; color: #000; }
  h1 { font-size: 18pt; } h2 { font-size: 14pt; } h3 { font-size: 12pt; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  table, tr, dl, li { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: #000; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: 90%; }
  .table-wrap { overflow: visible; }
  thead th { background: #fff; }
}
)css";

constexpr std::string_view kPage = R"html(<!DOCTYPE html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="tillit-policy-version" content="{{version}}">
<title>{{title}}</title>
<style>{{{css}}}</style>
</head>
<body>
<a class="skip-link" href="#content">{{skip}}</a>
<header>
<h1>{{title}}</h1>
{{#has_meta}}<p class="meta">{{{meta}}}</p>{{/has_meta}}
</header>
{{#has_toc}}<nav aria-labelledby="toc-title">
<h2 id="toc-title">{{contents}}</h2>
<ol>
{{#toc}}<li><a href="#{{id}}">{{heading}}</a></li>
{{/toc}}</ol>
</nav>
{{/has_toc}}<main id="content" tabindex="-1">
{{{body}}}</main>
{{#has_footer}}<footer>
<p>{{{footer}}}</p>
</footer>
{{/has_footer}}</body>
</html>
)html";

void AppendEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

std::string Escaped(std::string_view text) {
  std::string out;
  AppendEscaped(out, text);
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
        out += "<a href=\"";
        AppendEscaped(out, href);
        out += "\">";
        AppendEscaped(out, m.substr(mid + 1, end - mid - 1));
        out += "</a>";
      } else {
        AppendEscaped(out, m.substr(mid + 1, end - mid - 1));
      }
      i = end + 1;
      continue;
    }
    if (c == markup::kStrongOpen) {
      out += "<strong>";
    } else if (c == markup::kStrongClose) {
      out += "</strong>";
    } else {
      AppendEscaped(out, std::string_view(&m[i], 1));
    }
    ++i;
  }
  return out;
}

class BodyWriter {
 public:
  void Blocks(const std::vector<Block>& blocks) {
    for (const auto& b : blocks) WriteBlock(b);
  }

  void WriteSection(const Section& s, int level, const std::string& id) {
    const std::string h = "h" + std::to_string(level);
    out_ += "<section aria-labelledby=\"" + id + "\">\n<" + h + " id=\"" + id + "\">" + Escaped(s.heading) + "</" + h +
            ">\n";
    Blocks(s.blocks);
    for (const auto& child : s.children) WriteSection(child, level + 1, id + "-" + child.id);
    out_ += "</section>\n";
  }

  std::string Take() { return std::move(out_); }

 private:
  void WriteBlock(const Block& b) {
    switch (b.kind) {
      case Block::Kind::kParagraph:
        out_ += "<p>" + Inline(b.text) + "</p>\n";
        break;
      case Block::Kind::kList:
        out_ += "<ul>\n";
        for (const auto& item : b.items) out_ += "<li>" + Inline(item) + "</li>\n";
        out_ += "</ul>\n";
        break;
      case Block::Kind::kFacts:
        out_ += "<dl class=\"facts\">\n";
        for (const auto& f : b.facts) out_ += "<dt>" + Escaped(f.label) + "</dt><dd>" + Inline(f.value) + "</dd>\n";
        out_ += "</dl>\n";
        break;
      case Block::Kind::kTable:
        WriteTable(b.table);
        break;
    }
  }

  void WriteTable(const Table& t) {
    const std::string caption_id = "table-" + std::to_string(++tables_);
    out_ +=
        "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"" + caption_id + "\" tabindex=\"0\">\n<table>\n";
    out_ += "<caption id=\"" + caption_id + "\">" + Escaped(t.caption) + "</caption>\n<thead><tr>";
    for (const auto& h : t.header) out_ += "<th scope=\"col\">" + Inline(h) + "</th>";
    out_ += "</tr></thead>\n<tbody>\n";
    for (const auto& row : t.rows) {
      out_ += "<tr>";
      for (size_t i = 0; i < row.size(); ++i) {
        out_ += i == 0 ? "<th scope=\"row\">" + Inline(row[i]) + "</th>" : "<td>" + Inline(row[i]) + "</td>";
      }
      out_ += "</tr>\n";
    }
    out_ += "</tbody>\n</table>\n</div>\n";
  }

  std::string out_;
  int tables_ = 0;
};

}  // namespace

Result<std::string> WriteHtml(const Document& doc) {
  BodyWriter body;
  body.Blocks(doc.lead);
  mustache::data toc = mustache::data::type::list;
  for (const auto& s : doc.sections) {
    body.WriteSection(s, 2, s.id);
    mustache::data entry;
    entry.set("id", s.id);
    entry.set("heading", s.heading);
    toc.push_back(entry);
  }
  mustache::data data;
  data.set("lang", doc.lang);
  data.set("version", doc.policy_version);
  data.set("title", doc.title);
  data.set("css", std::string(kCss));
  data.set("skip", doc.skip_label);
  data.set("has_meta", mustache::data(!doc.meta.empty()));
  data.set("meta", Inline(doc.meta));
  data.set("has_toc", mustache::data(!doc.contents_label.empty() && !doc.sections.empty()));
  data.set("contents", doc.contents_label);
  data.set("toc", toc);
  data.set("body", body.Take());
  data.set("has_footer", mustache::data(!doc.footer.empty()));
  data.set("footer", Inline(doc.footer));

  mustache::mustache page{std::string(kPage)};
  if (!page.is_valid()) return Status::Internal("the policy page template does not parse: " + page.error_message());
  std::string html = page.render(data);
  if (!page.is_valid()) return Status::Internal("the policy page did not render: " + page.error_message());
  return html;
}

std::string EscapeHtml(std::string_view text) { return Escaped(text); }

}  // namespace tillit::policy
