// Expanding the catalog's mustache templates (kainjow mustache) with the values the policy builder supplies.
// Stricter than mustache itself: a template that names a variable its caller did not supply is an error (mustache
// would silently say nothing), so a catalog entry can never lose a fact, and a template that does not parse is an
// error too. Values are inline markup (see document.h); nothing is HTML-escaped here, the writers escape.
//
// Internal to src/policy/. Thread safety: values; Expand may be called from any thread.
#ifndef TILLIT_POLICY_TEMPLATE_H_
#define TILLIT_POLICY_TEMPLATE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace tillit::policy {

class Vars {
 public:
  // A value given as plain text (marks and control characters are removed).
  Vars& Text(std::string name, std::string_view plain);
  // A value that is already inline markup (a link, a bold name, a list built from markup).
  Vars& Markup(std::string name, std::string inline_markup);
  // A section flag: `{{#name}}…{{/name}}` is said iff `on`, `{{^name}}…{{/name}}` iff not.
  Vars& Flag(std::string name, bool on);

  struct Entry {
    std::string name;
    std::string value;
    bool is_flag = false;
    bool on = false;
  };
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

// The variable names `tmpl` refers to, in order of appearance, without repeats.
std::vector<std::string> TemplateVariables(std::string_view tmpl);

// `tmpl` with its variables replaced. InvalidArgument when the template does not parse or names a variable `vars`
// lacks; the message names the variable.
Result<std::string> Expand(std::string_view tmpl, const Vars& vars);

}  // namespace tillit::policy

#endif  // TILLIT_POLICY_TEMPLATE_H_
