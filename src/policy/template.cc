#include "policy/template.h"

#include <algorithm>
#include <kainjow/mustache.hpp>

#include "policy/document.h"

namespace tillit::policy {

namespace mustache = kainjow::mustache;

Vars& Vars::Text(std::string name, std::string_view plain) {
  entries_.push_back({std::move(name), markup::Plain(plain), false, false});
  return *this;
}

Vars& Vars::Markup(std::string name, std::string inline_markup) {
  entries_.push_back({std::move(name), std::move(inline_markup), false, false});
  return *this;
}

Vars& Vars::Flag(std::string name, bool on) {
  entries_.push_back({std::move(name), "", true, on});
  return *this;
}

std::vector<std::string> TemplateVariables(std::string_view tmpl) {
  std::vector<std::string> names;
  size_t pos = 0;
  while ((pos = tmpl.find("{{", pos)) != std::string_view::npos) {
    size_t start = pos + 2;
    const bool triple = start < tmpl.size() && tmpl[start] == '{';
    if (triple) ++start;
    const size_t end = tmpl.find("}}", start);
    if (end == std::string_view::npos) break;
    std::string_view tag = tmpl.substr(start, end - start);
    pos = end + 2 + (triple ? 1 : 0);
    if (!tag.empty() && tag.front() == '!') continue;  // a comment
    if (!tag.empty() && std::string_view("#^/&").find(tag.front()) != std::string_view::npos) tag.remove_prefix(1);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (std::find(names.begin(), names.end(), tag) == names.end()) names.emplace_back(tag);
  }
  return names;
}

Result<std::string> Expand(std::string_view tmpl, const Vars& vars) {
  mustache::data data;
  for (const auto& e : vars.entries()) {
    // kainjow has no number type; every value here is a string or a bool by construction.
    if (e.is_flag) {
      data.set(e.name, mustache::data(e.on));
    } else {
      data.set(e.name, mustache::data(e.value));
    }
  }
  for (const auto& name : TemplateVariables(tmpl)) {
    const bool given = std::any_of(vars.entries().begin(), vars.entries().end(),
                                   [&name](const Vars::Entry& e) { return e.name == name; });
    if (!given) {
      return Status::InvalidArgument("template variable '" + name + "' was not supplied", "template_variable");
    }
  }
  mustache::mustache engine{std::string(tmpl)};
  if (!engine.is_valid()) {
    return Status::InvalidArgument("template does not parse: " + engine.error_message(), "template_syntax");
  }
  engine.set_custom_escape([](const std::string& s) { return s; });  // the writers escape
  std::string out = engine.render(data);
  if (!engine.is_valid()) {
    return Status::InvalidArgument("template did not render: " + engine.error_message(), "template_syntax");
  }
  return out;
}

}  // namespace tillit::policy
