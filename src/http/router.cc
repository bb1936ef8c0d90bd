#include "http/router.h"

namespace tillit::http {

void Router::Add(std::string method, std::string pattern, Handler handler) {
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
  r.handler = std::move(handler);
  routes_.push_back(std::move(r));
}

}  // namespace tillit::http
