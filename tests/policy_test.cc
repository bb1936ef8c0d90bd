// Tests of the generated privacy policy (src/policy/): every seed shop's policy, rendered from its example
// configuration in the seed's language, states every fact of tests/golden/<shop>.facts; every example renders in
// every language as HTML and Markdown with no empty section, no template left unexpanded and no external resource;
// every catalog says the same things as the English one.
#include "policy/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "config/loader.h"
#include "core/consent/snapshots.h"
#include "policy/catalog.h"
#include "policy/template.h"

namespace tillit::policy {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

const std::vector<std::string> kShops = {"minimagi", "znorky", "lillemini", "minime", "smarti"};

fs::path SourceDir() { return fs::path(__FILE__).parent_path().parent_path(); }

std::shared_ptr<const config::Config> LoadExample(const std::string& shop) {
  config::LoadResult loaded = config::LoadConfigFile((SourceDir() / "examples" / (shop + ".toml")).string());
  EXPECT_TRUE(loaded.ok()) << shop << ": " << (loaded.diagnostics.empty() ? "" : loaded.diagnostics[0].ToString());
  return loaded.config;
}

RenderOptions FixedDate() {
  RenderOptions options;
  options.date = *ParseRfc3339("2026-03-01T00:00:00Z");
  return options;
}

std::string Render(const config::Config& config, std::string_view lang, Format format, bool processors = false) {
  const std::string version = core::PolicyVersionOf(config);
  auto page = processors ? RenderProcessors(config, version, lang, format, FixedDate())
                         : RenderPolicy(config, version, lang, format, FixedDate());
  EXPECT_TRUE(page.ok()) << lang << ": " << page.status().ToString();
  return page.ok() ? *page : "";
}

// The text the golden facts are matched against: the Markdown with links reduced to their text and backslash
// escapes removed (tests/golden/README.md).
std::string FactText(const std::string& markdown) {
  std::string text = std::regex_replace(markdown, std::regex(R"(\[((?:[^\]\\]|\\.)*)\]\([^)]*\))"), "$1");
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && std::ispunct(static_cast<unsigned char>(text[i + 1]))) ++i;
    out += text[i];
  }
  return out;
}

std::string HtmlEscaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '"') {
      out += "&quot;";
    } else if (c == '\'') {
      out += "&#39;";
    } else {
      out += c;
    }
  }
  return out;
}

struct Facts {
  std::string lang;
  std::vector<std::string> facts;
};

Facts ReadFacts(const std::string& shop) {
  std::ifstream in(SourceDir() / "tests" / "golden" / (shop + ".facts"));
  EXPECT_TRUE(in.good()) << "tests/golden/" << shop << ".facts is missing";
  Facts f;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("lang: ", 0) == 0) {
      f.lang = line.substr(6);
      continue;
    }
    f.facts.push_back(line);
  }
  return f;
}

// ---- the golden facts ----

class GoldenFactsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenFactsTest, PolicyStatesEveryFactOfTheSeed) {
  const std::string& shop = GetParam();
  auto config = LoadExample(shop);
  ASSERT_NE(config, nullptr);
  Facts facts = ReadFacts(shop);
  ASSERT_FALSE(facts.lang.empty()) << shop << ".facts names no language";
  ASSERT_GE(facts.facts.size(), 20u) << shop << ".facts is too short to be a checklist";
  EXPECT_EQ(config->default_language(), facts.lang) << "the seed's language is the shop's default language";
  const std::string text = FactText(Render(*config, facts.lang, Format::kMarkdown));
  for (const auto& fact : facts.facts) EXPECT_THAT(text, HasSubstr(fact)) << shop << " (" << facts.lang << ")";
  // The same facts hold for the HTML page, whose text is the same.
  const std::string html = Render(*config, facts.lang, Format::kHtml);
  EXPECT_THAT(html, HasSubstr(config->controller.name));
}

INSTANTIATE_TEST_SUITE_P(Seeds, GoldenFactsTest, ::testing::ValuesIn(kShops));

// ---- every example in every language ----

struct Heading {
  int level;
  std::string text;
  bool has_content;  // anything but blank lines before the next heading
};

std::vector<Heading> MarkdownHeadings(const std::string& md) {
  std::vector<Heading> headings;
  std::istringstream in(md);
  std::string line;
  while (std::getline(in, line)) {
    size_t level = 0;
    while (level < line.size() && line[level] == '#') ++level;
    if (level > 0 && level < line.size() && line[level] == ' ') {
      headings.push_back({static_cast<int>(level), line.substr(level + 1), false});
    } else if (!line.empty() && !headings.empty()) {
      headings.back().has_content = true;
    }
  }
  return headings;
}

void ExpectNoLeftovers(const std::string& page, const std::string& where) {
  EXPECT_THAT(page, Not(HasSubstr("{{"))) << where;
  EXPECT_THAT(page, Not(HasSubstr("}}"))) << where;
  for (char c : page) {
    ASSERT_FALSE(c >= '\x01' && c <= '\x05') << where << ": inline markup left in the output";
  }
}

void CheckMarkdown(const std::string& md, const std::string& version, const std::string& where) {
  ExpectNoLeftovers(md, where);
  EXPECT_THAT(md, HasSubstr(version)) << where;
  auto headings = MarkdownHeadings(md);
  ASSERT_GE(headings.size(), 1u) << where;  // a processor overview with no recipients has its title only
  EXPECT_EQ(headings[0].level, 1) << where;
  for (size_t i = 0; i < headings.size(); ++i) {
    EXPECT_FALSE(headings[i].text.empty()) << where << ": empty heading";
    const bool next_is_deeper = i + 1 < headings.size() && headings[i + 1].level > headings[i].level;
    EXPECT_TRUE(headings[i].has_content || next_is_deeper) << where << ": empty section '" << headings[i].text << "'";
    if (i > 0) {
      EXPECT_LE(headings[i].level, headings[i - 1].level + 1) << where << ": heading level skipped";
    }
  }
}

// True iff `url` may appear in an href: a fragment, a relative path, mailto/tel, or the shop's own addresses.
bool IsOwnOrLocal(const std::string& url, const config::Config& config) {
  if (url.empty() || url[0] == '#' || url[0] == '/' || url.rfind("mailto:", 0) == 0 || url.rfind("tel:", 0) == 0) {
    return true;
  }
  for (const std::string& own : {config.controller.website, config.rights.portal_url, config.server.public_url}) {
    if (!own.empty() && url.rfind(own, 0) == 0) return true;
  }
  return url.find("http") == std::string::npos && url.find("//") == std::string::npos;
}

void CheckHtml(const std::string& html, const config::Config& config, std::string_view lang, const std::string& version,
               const std::string& where) {
  ExpectNoLeftovers(html, where);
  EXPECT_THAT(html, HasSubstr("<html lang=\"" + std::string(lang) + "\">")) << where;
  EXPECT_THAT(html, HasSubstr("<a class=\"skip-link\" href=\"#content\">")) << where;
  EXPECT_THAT(html, HasSubstr("<main id=\"content\"")) << where;
  EXPECT_THAT(html, HasSubstr(version)) << where;
  for (const char* forbidden : {"<script", "<link", "<img", "<iframe", "<object", "@import", "url("}) {
    EXPECT_THAT(html, Not(HasSubstr(forbidden))) << where;
  }
  const std::regex attribute(R"re(\s(src|href|action|srcset)="([^"]*)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), attribute); it != std::sregex_iterator(); ++it) {
    EXPECT_NE((*it)[1], "src") << where << ": the page loads " << (*it)[2];
    EXPECT_TRUE(IsOwnOrLocal((*it)[2], config)) << where << ": links outside the shop: " << (*it)[2];
  }
  // Headings: one h1, no level skipped, none empty.
  const std::regex heading(R"(<h([1-6])[^>]*>([^<]*)</h[1-6]>)");
  int previous = 0, h1 = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), heading); it != std::sregex_iterator(); ++it) {
    const int level = std::stoi((*it)[1]);
    h1 += level == 1;
    EXPECT_LE(level, previous + 1) << where << ": heading level skipped at " << (*it)[2];
    EXPECT_FALSE((*it)[2].str().empty()) << where << ": empty heading";
    previous = level;
  }
  EXPECT_EQ(h1, 1) << where;
  // Every header cell says what it heads.
  size_t th = 0, scoped = 0;
  for (size_t p = html.find("<th"); p != std::string::npos; p = html.find("<th", p + 1)) {
    if (html.compare(p, 4, "<th ") == 0 || html.compare(p, 4, "<th>") == 0) ++th;
    if (html.compare(p, 10, "<th scope=") == 0) ++scoped;
  }
  EXPECT_EQ(th, scoped) << where << ": a <th> without scope";
  EXPECT_THAT(html, HasSubstr("@media print")) << where;
}

class EveryLanguageTest : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryLanguageTest, RendersCompleteAccessibleSelfContainedPages) {
  auto config = LoadExample(GetParam());
  ASSERT_NE(config, nullptr);
  const std::string version = core::PolicyVersionOf(*config);
  for (std::string_view lang : SupportedLanguages()) {
    const std::string where = GetParam() + "/" + std::string(lang);
    CheckMarkdown(Render(*config, lang, Format::kMarkdown), version, where + " policy.md");
    CheckHtml(Render(*config, lang, Format::kHtml), *config, lang, version, where + " policy.html");
    CheckMarkdown(Render(*config, lang, Format::kMarkdown, true), version, where + " processors.md");
    CheckHtml(Render(*config, lang, Format::kHtml, true), *config, lang, version, where + " processors.html");
  }
}

TEST_P(EveryLanguageTest, HtmlAndMarkdownSayTheSameThings) {
  auto config = LoadExample(GetParam());
  ASSERT_NE(config, nullptr);
  for (std::string_view lang : SupportedLanguages()) {
    const std::string html = Render(*config, lang, Format::kHtml);
    const std::string md = Render(*config, lang, Format::kMarkdown);
    // Every heading of the Markdown is a heading of the HTML, and every table row's first cell is in both.
    for (const auto& h : MarkdownHeadings(md)) {
      EXPECT_THAT(html, HasSubstr(">" + HtmlEscaped(FactText(h.text)) + "</h")) << GetParam() << "/" << lang;
    }
    for (const auto& p : config->purposes) EXPECT_THAT(html, HasSubstr("id=\"purposes-" + p.id + "\"")) << p.id;
    for (const auto& r : config->recipients) {
      EXPECT_THAT(html, HasSubstr("<th scope=\"row\">" + HtmlEscaped(r.name) + "</th>"));
      EXPECT_THAT(FactText(md), HasSubstr("| " + r.name + " |"));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Examples, EveryLanguageTest, ::testing::ValuesIn(kShops));

// ---- language fallbacks and refusals ----

TEST(PolicyTest, AnUnlistedLanguageUsesTheCatalogsWordingNeverAnotherLanguagesText) {
  auto config = LoadExample("minimagi");  // English only
  ASSERT_NE(config, nullptr);
  const std::string sv = Render(*config, "sv", Format::kMarkdown);
  EXPECT_THAT(sv, HasSubstr("# Integritetspolicy – Minimagi"));
  EXPECT_THAT(sv, HasSubstr("| Marknadsföring | Berättigat intresse |"));  // the catalog's name for `marketing`
  EXPECT_THAT(sv, HasSubstr("I denna integritetspolicy förklarar vi hur Minimagi behandlar personuppgifter"));
  EXPECT_THAT(sv, Not(HasSubstr("We use your personal data")));
  EXPECT_THAT(sv, Not(HasSubstr("gdprcontrol.no")));  // the English intro is not borrowed
  const std::string fi = Render(*config, "fi", Format::kMarkdown);
  EXPECT_THAT(fi, HasSubstr("| Profilointi osuvampaa markkinointia varten | Suostumus |"));
  EXPECT_THAT(fi, HasSubstr("Lakisääteinen velvoite: Norjan kirjanpitolaki (bokføringsloven)."));
}

TEST(PolicyTest, UnsupportedLanguageIsRefused) {
  auto config = LoadExample("minime");
  ASSERT_NE(config, nullptr);
  auto page = RenderPolicy(*config, "pv-x", "de", Format::kHtml);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(page.status().reason(), "unsupported_language");
  EXPECT_FALSE(RenderProcessors(*config, "pv-x", "EN", Format::kMarkdown).ok());
  EXPECT_EQ(ParseFormat("md"), Format::kMarkdown);
  EXPECT_EQ(ParseFormat("html"), Format::kHtml);
  EXPECT_FALSE(ParseFormat("pdf").has_value());
}

TEST(PolicyTest, NamesTheBookkeepingLawAndTheAuthorityOfTheControllersCountry) {
  auto minime = LoadExample("minime");
  ASSERT_NE(minime, nullptr);
  const std::string fi = FactText(Render(*minime, "fi", Format::kMarkdown));
  EXPECT_THAT(fi, HasSubstr("niin kauan kuin kirjanpitolaki edellyttää (kirjanpito 10 vuotta ja tositteet 6 vuotta)"));
  EXPECT_THAT(fi, HasSubstr("Tietosuojavaltuutetun toimisto"));
  EXPECT_THAT(fi, HasSubstr("PL 800, 00531 Helsinki"));
  auto lillemini = LoadExample("lillemini");
  ASSERT_NE(lillemini, nullptr);
  const std::string nb = FactText(Render(*lillemini, "nb", Format::kMarkdown));
  EXPECT_THAT(nb, HasSubstr("så lenge bokføringsloven krever (5 år)"));
  EXPECT_THAT(nb, HasSubstr("Postboks 458 Sentrum, 0105 Oslo"));
  EXPECT_THAT(nb, HasSubstr("Versjon pv-"));
  EXPECT_THAT(nb, HasSubstr("datert 1. mars 2026"));
}

TEST(PolicyTest, ProcessorOverviewListsEveryRecipientWithCountryAndSafeguard) {
  auto config = LoadExample("lillemini");
  ASSERT_NE(config, nullptr);
  const std::string md = FactText(Render(*config, "nb", Format::kMarkdown, true));
  for (const auto& r : config->recipients) EXPECT_THAT(md, HasSubstr("## " + r.name));
  EXPECT_THAT(md, HasSubstr("- **Land:** Israel"));
  EXPECT_THAT(md, HasSubstr("- **Overføringsgrunnlag:** Personvernrammeverket mellom EU og USA"));
  EXPECT_THAT(Render(*config, "nb", Format::kHtml, true), HasSubstr("href=\"/privacy/nb\""));
}

TEST(PolicyTest, OptOutSubjectLineAndOverviewLinkFollowTheConfiguration) {
  auto smarti = LoadExample("smarti");
  ASSERT_NE(smarti, nullptr);
  const std::string html = Render(*smarti, "en", Format::kHtml);
  EXPECT_THAT(html, HasSubstr("<a href=\"mailto:contact@domotics.no\">contact@domotics.no</a> with the subject line "
                              "“Opt-out of telemarketing and addressed advertising”"));
  EXPECT_THAT(html, Not(HasSubstr("/processors")));  // smarti does not offer the overview
  auto lillemini = LoadExample("lillemini");
  ASSERT_NE(lillemini, nullptr);
  EXPECT_THAT(Render(*lillemini, "en", Format::kHtml), HasSubstr("<a href=\"/privacy/en/processors\">"));
}

TEST(PolicyTest, ConfigurationTextIsEscapedInBothFormats) {
  const std::string toml =
      "languages = [\"en\"]\ncategories = [\"identity.name\", \"contact.email\"]\n"
      "[controller]\nname = \"Kiosk <b>A|S</b>\"\naddress = \"Gate 1\"\ncountry = \"NO\"\nemail = \"a@kiosk.no\"\n"
      "website = \"javascript:alert(2)\"\n"
      "[[purpose]]\nid = \"contract\"\nlegal_basis = \"contract\"\ncategories = [\"identity.name\"]\n"
      "name.en = \"Orders *now*\"\ndescription.en = \"<script>alert(1)</script> [x](http://evil.example)\"\n"
      "[policy.en]\nintro = \"Hello {{name}} # not a heading\"\n";
  config::LoadResult loaded = config::LoadConfigString(toml, "kiosk.toml");
  ASSERT_TRUE(loaded.ok()) << (loaded.diagnostics.empty() ? "" : loaded.diagnostics[0].ToString());
  const std::string html = Render(*loaded.config, "en", Format::kHtml);
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("Kiosk &lt;b&gt;A|S&lt;/b&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("href=\"http://evil.example\"")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"javascript:")));  // only http(s), mailto, tel and paths become links
  EXPECT_THAT(html, HasSubstr("javascript:alert(2)"));
  const std::string md = Render(*loaded.config, "en", Format::kMarkdown);
  EXPECT_THAT(md, HasSubstr("Kiosk \\<b\\>A\\|S\\</b\\>"));
  EXPECT_THAT(md, HasSubstr("Orders \\*now\\*"));
  EXPECT_THAT(md, HasSubstr("\\[x\\](http://evil.example)"));
  // A configuration's own braces are its text, not a template.
  EXPECT_THAT(md, HasSubstr("Hello {{name}} # not a heading"));
}

// ---- the catalogs ----

TEST(CatalogTest, EveryLanguageUsesTheSameVariablesAsEnglishAndExpands) {
  const Catalog* en = FindCatalog("en");
  ASSERT_NE(en, nullptr);
  for (std::string_view lang : SupportedLanguages()) {
    const Catalog* catalog = FindCatalog(lang);
    ASSERT_NE(catalog, nullptr) << lang;
    for (size_t i = 0; i < kMessageCount; ++i) {
      const Msg id = static_cast<Msg>(i);
      const auto vars = TemplateVariables(catalog->Get(id));
      if (id != Msg::kDate) {  // dates are written differently: "1 March 2026", "1.3.2026"
        const auto english = TemplateVariables(en->Get(id));
        EXPECT_EQ(std::set<std::string>(vars.begin(), vars.end()),
                  std::set<std::string>(english.begin(), english.end()))
            << lang << " " << MessageName(id) << " must say what the English says";
      }
      Vars given;
      for (const auto& v : vars) given.Text(v, "x");
      auto text = Expand(catalog->Get(id), given);
      EXPECT_TRUE(text.ok()) << lang << " " << MessageName(id) << ": " << text.status().message();
    }
  }
}

TEST(CatalogTest, ExpandRefusesMissingVariablesAndBrokenTemplates) {
  auto missing = Expand("Write to {{email}}.", Vars());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("'email'"));
  EXPECT_FALSE(Expand("{{#open}}never closed", Vars().Flag("open", true)).ok());
  auto flagged = Expand("a{{#on}} b{{/on}}{{^on}} c{{/on}}", Vars().Flag("on", false));
  ASSERT_TRUE(flagged.ok());
  EXPECT_EQ(*flagged, "a c");
  auto raw = Expand("{{x}}", Vars().Text("x", "<b>&"));
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(*raw, "<b>&");  // escaping is the writers' job
}

}  // namespace
}  // namespace tillit::policy
