#include "http/router.h"

#include <algorithm>

namespace tillit::http {

std::string Access::ToString() const {
  switch (kind) {
    case Kind::kPublic:
      return "public";
    case Kind::kAnyKey:
      return "key";
    case Kind::kKey:
      return "key:" + action;
    case Kind::kOptionalKey:
      return "public|key:" + action;
  }
  return "public";
}

void Router::Add(std::string method, std::string pattern, Access access, Handler handler) {
  MediaTypes accepts;
  if (method == "POST" || method == "PUT" || method == "PATCH") accepts = kJsonBody;
  Add(std::move(method), std::move(pattern), std::move(access), std::move(accepts), std::move(handler));
}

void Router::Add(std::string method, std::string pattern, Access access, MediaTypes accepts, Handler handler) {
  Route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  size_t pos = 0;
  while ((pos = r.pattern.find(':', pos)) != std::string::npos) {
    size_t end = pos + 1;
    while (end < r.pattern.size() &&
           (std::isalnum(static_cast<unsigned char>(r.pattern[end])) || r.pattern[end] == '_')) {
      ++end;
    }
    r.param_names.push_back(r.pattern.substr(pos + 1, end - pos - 1));
    pos = end;
  }
  r.access = std::move(access);
  r.accepts = std::move(accepts);
  r.handler = std::move(handler);
  routes_.push_back(std::move(r));
}

bool PatternMatches(std::string_view pattern, std::string_view path) {
  while (!pattern.empty() && !path.empty()) {
    if (pattern.front() != '/' || path.front() != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const size_t p_end = std::min(pattern.find('/'), pattern.size());
    const size_t s_end = std::min(path.find('/'), path.size());
    const std::string_view p_seg = pattern.substr(0, p_end);
    const std::string_view s_seg = path.substr(0, s_end);
    if (!p_seg.empty() && p_seg.front() == ':') {
      if (s_seg.empty()) return false;
    } else if (p_seg != s_seg) {
      return false;
    }
    pattern.remove_prefix(p_end);
    path.remove_prefix(s_end);
  }
  return pattern.empty() && path.empty();
}

std::vector<std::string> Router::MethodsFor(std::string_view path) const {
  std::vector<std::string> methods;
  for (const auto& r : routes_) {
    if (PatternMatches(r.pattern, path)) methods.push_back(r.method);
  }
  std::sort(methods.begin(), methods.end());
  methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
  return methods;
}

}  // namespace tillit::http
