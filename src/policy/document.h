// Document: the generated policy as structure — sections, headings, paragraphs, lists, label/value facts and
// tables — built once from the configuration and then written out as HTML or Markdown, so both formats say exactly
// the same things. Text inside a document is *inline markup*: UTF-8 with two kinds of marked spans, a link and a
// strong (bold) span, encoded with ASCII control characters that configuration text cannot carry (Plain() strips
// them). Each writer turns the marks into its own syntax and escapes everything else.
//
// Internal to src/policy/. Thread safety: values.
#ifndef TILLIT_POLICY_DOCUMENT_H_
#define TILLIT_POLICY_DOCUMENT_H_

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace tillit::policy {

namespace markup {

inline constexpr char kLinkOpen = '\x01';  // kLinkOpen href kLinkText text kLinkClose
inline constexpr char kLinkText = '\x02';
inline constexpr char kLinkClose = '\x03';
inline constexpr char kStrongOpen = '\x04';  // kStrongOpen text kStrongClose
inline constexpr char kStrongClose = '\x05';

// `text` as inline markup: control characters (the marks among them) become spaces, runs of white space one space.
std::string Plain(std::string_view text);
// A link to `href` showing `text` (plain text).
std::string Link(std::string_view href, std::string_view text);
// A mailto: link showing the address; "" for "".
std::string Mailto(std::string_view email);
// A link whose text is its target; "" for "".
std::string Url(std::string_view url);
// `inline_markup` in bold.
std::string Strong(std::string_view inline_markup);
// The text a reader sees: marks and link targets removed.
std::string Visible(std::string_view inline_markup);
// True iff a writer may make `href` a link: http(s), mailto: and tel: URLs, paths and fragments. Anything else
// (javascript:, data: …) is written as its text only.
bool IsSafeHref(std::string_view href);

}  // namespace markup

struct Table {
  std::string caption;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // the first cell of each row is its header (th scope="row")
};

struct Fact {
  std::string label;  // plain text
  std::string value;  // inline markup
};

struct Block {
  enum class Kind { kParagraph, kList, kFacts, kTable };
  Kind kind = Kind::kParagraph;
  std::string text;                // kParagraph
  std::vector<std::string> items;  // kList
  std::vector<Fact> facts;         // kFacts
  Table table;                     // kTable

  static Block Paragraph(std::string text);
  static Block List(std::vector<std::string> items);
  static Block Facts(std::vector<Fact> facts);
  static Block MakeTable(Table table);
};

struct Section {
  std::string id;       // HTML anchor, e.g. "controller"
  std::string heading;  // plain text
  std::vector<Block> blocks;
  std::vector<Section> children;  // one heading level down
};

struct Document {
  std::string lang;
  std::string title;           // plain text: the <h1>
  std::string meta;            // inline markup under the title: version and date
  std::string skip_label;      // "Skip to content"
  std::string contents_label;  // "Contents"; empty: no table of contents
  std::string policy_version;  // for the HTML <meta>
  std::vector<Block> lead;     // before the first section
  std::vector<Section> sections;
  std::string footer;  // inline markup
};

// One self-contained HTML5 page: lang attribute, skip link, table of contents, h1 > h2 > h3, tables with
// <caption> and <th scope>, inline screen and print CSS; no scripts, no external resources.
Result<std::string> WriteHtml(const Document& doc);

// `text` with & < > " ' as character references, safe in HTML text and quoted attributes.
std::string EscapeHtml(std::string_view text);

// CommonMark with GitHub pipe tables; the same content as the HTML but for the navigation aids.
std::string WriteMarkdown(const Document& doc);

}  // namespace tillit::policy

#endif  // TILLIT_POLICY_DOCUMENT_H_
