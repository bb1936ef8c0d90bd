// Router: the table of routes the server serves. A route is a method, a path pattern in express syntax
// ("/v1/subjects/:id"), who may call it (Access: public, or an API key holding one action), the media types its
// body may have, and a handler. Routes are registered once, before the server starts; the server authenticates and
// authorizes every request from the route's Access before its handler runs (http/auth.h), so a handler of a keyed
// route always finds `HttpRequest::principal` set and allowed the route's action.
#ifndef TILLIT_HTTP_ROUTER_H_
#define TILLIT_HTTP_ROUTER_H_

#include <string>
#include <vector>

#include "http/http_types.h"

namespace tillit::http {

// Who may call a route.
struct Access {
  enum class Kind {
    kPublic,       // anyone; no key is read
    kAnyKey,       // any valid key (the key check itself)
    kKey,          // a valid key holding `action`
    kOptionalKey,  // anyone; but a key, when sent, must be valid and hold `action`
  };
  Kind kind = Kind::kPublic;
  std::string action;

  static Access Public() { return {Kind::kPublic, ""}; }
  static Access AnyKey() { return {Kind::kAnyKey, ""}; }
  static Access Key(std::string action) { return {Kind::kKey, std::move(action)}; }
  static Access OptionalKey(std::string action) { return {Kind::kOptionalKey, std::move(action)}; }
  // "public", "key", "key:subjects.write", "public|key:reports.create" — as `tillit serve --print-routes` prints it.
  std::string ToString() const;
};

// The media types a route's body may have. Empty: the route reads no body (a body sent anyway is refused with 415
// unless it is empty).
using MediaTypes = std::vector<std::string>;
inline const MediaTypes kJsonBody = {"application/json"};

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> param_names;  // from the pattern's ":name" segments
  Access access;
  MediaTypes accepts;
  Handler handler;
  std::string name() const { return method + " " + pattern; }
};

class Router {
 public:
  // `accepts` defaults to JSON for POST, PUT and PATCH and to no body otherwise.
  void Add(std::string method, std::string pattern, Access access, Handler handler);
  void Add(std::string method, std::string pattern, Access access, MediaTypes accepts, Handler handler);
  const std::vector<Route>& routes() const { return routes_; }
  std::vector<Route>& mutable_routes() { return routes_; }

  // The methods of the routes whose pattern matches `path` (for 405 and its Allow header), sorted.
  std::vector<std::string> MethodsFor(std::string_view path) const;

 private:
  std::vector<Route> routes_;
};

// True iff `pattern` ("/v1/subjects/:id") matches `path` ("/v1/subjects/sub_1"): the same segments, where a ":name"
// segment matches any non-empty one.
bool PatternMatches(std::string_view pattern, std::string_view path);

}  // namespace tillit::http

#endif  // TILLIT_HTTP_ROUTER_H_
