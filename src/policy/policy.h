// The generated privacy policy. RenderPolicy writes the policy a data subject reads — who the controller is, what
// data is processed and why, on which legal basis, who receives it, how long it is kept, cookies, marketing, the
// rights and exactly how to use them, the supervisory authority, version and date — from the same configuration
// the services enforce, in English, Swedish, Norwegian Bokmål or Finnish, as one self-contained accessible HTML
// page or as Markdown with the same content. RenderProcessors writes the overview of processors and other recipients
// (served at /privacy/{lang}/processors). The configuration's own texts ([policy.<lang>]) and purpose names are used
// where the language has them; otherwise the catalog's own wording stands in, never another language's text.
//
// Thread safety: pure functions of their arguments; callable from any thread.
#ifndef TILLIT_POLICY_POLICY_H_
#define TILLIT_POLICY_POLICY_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "config/config.h"
#include "util/clock.h"
#include "util/status.h"

namespace tillit::policy {

enum class Format { kHtml, kMarkdown };

// "html" or "md" (also "markdown"); nullopt otherwise.
std::optional<Format> ParseFormat(std::string_view name);

// The languages tillit writes policies in: en, sv, nb, fi.
std::span<const std::string_view> SupportedLanguages();
bool IsSupportedLanguage(std::string_view lang);

struct RenderOptions {
  // The date the policy states, as a calendar date in UTC; nullopt: today.
  std::optional<TimePoint> date;
};

// The privacy policy of `config` in `lang`, naming `policy_version` (core::PolicyVersionOf(config)).
// InvalidArgument "unsupported_language" when tillit has no catalog for `lang`; Internal when a catalog template is
// broken (a bug, caught by the tests). Languages the configuration does not list still render, with the catalog's
// wording where the configuration has no text in that language; callers that serve only the configured languages
// check `config.languages` themselves.
Result<std::string> RenderPolicy(const config::Config& config, std::string_view policy_version, std::string_view lang,
                                 Format format, const RenderOptions& options = {});

// The overview of processors and other recipients: for each, its role, what it does, the data it receives, the
// purposes, its country and the transfer safeguard. Errors as RenderPolicy.
Result<std::string> RenderProcessors(const config::Config& config, std::string_view policy_version,
                                     std::string_view lang, Format format, const RenderOptions& options = {});

// Where the policy and the processor overview of `lang` are published: "/privacy/{lang}" and
// "/privacy/{lang}/processors", prefixed with `config.server.public_url` when it is set.
std::string PolicyPath(const config::Config& config, std::string_view lang);
std::string ProcessorsPath(const config::Config& config, std::string_view lang);

}  // namespace tillit::policy

#endif  // TILLIT_POLICY_POLICY_H_
