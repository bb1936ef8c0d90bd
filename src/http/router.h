// Router: the table of routes the server serves. A route is a method, a path pattern in express syntax
// ("/v1/subjects/:id") and a handler. Routes are registered once, before the server starts.
#ifndef TILLIT_HTTP_ROUTER_H_
#define TILLIT_HTTP_ROUTER_H_

#include <string>
#include <vector>

#include "http/http_types.h"

namespace tillit::http {

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> param_names;  // from the pattern's ":name" segments
  Handler handler;
  std::string name() const { return method + " " + pattern; }
};

class Router {
 public:
  void Add(std::string method, std::string pattern, Handler handler);
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace tillit::http

#endif  // TILLIT_HTTP_ROUTER_H_
