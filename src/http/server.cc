#include "http/server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <nlohmann/json.hpp>
#include <restinio/all.hpp>

#include "http/errors.h"
#include "util/random.h"
#include "util/text.h"

namespace tillit::http {
namespace {

using RouterT = restinio::router::express_router_t<>;
using Traits = restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t>;

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 >= listen.size()) {
    return Status::InvalidArgument("listen address '" + listen + "' needs a port, e.g. 127.0.0.1:8080");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = -1;
  try {
    size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535 || host.empty()) {
    return Status::InvalidArgument("listen address '" + listen + "' is not HOST:PORT with a port from 0 to 65535");
  }
  return std::make_pair(host, static_cast<uint16_t>(port));
}

class HttpServer::Impl {
 public:
  Impl(Router router, Metrics& metrics, ServerOptions options)
      : router_(std::move(router)), metrics_(metrics), options_(std::move(options)) {}

  Status Start() {
    auto express = std::make_shared<RouterT>();
    for (const Route& route : router_.routes()) {
      const Route* r = &route;
      if (route.param_names.empty()) static_routes_.emplace(route.method + " " + route.pattern, r);
      express->add_handler(MethodId(route.method), route.pattern,
                           [this, r](restinio::request_handle_t req, restinio::router::route_params_t params) {
                             return Dispatch(*r, std::move(req), &params);
                           });
    }
    express->non_matched_request_handler([this](restinio::request_handle_t req) {
      static const Route kNotFound{"ANY", "(unmatched)", {}, nullptr};
      return Dispatch(kNotFound, std::move(req), nullptr);
    });
    // RESTinio's own cap only closes the connection; keep it well above the application limit, which answers 413.
    restinio::incoming_http_msg_limits_t limits;
    limits.max_body_size(options_.max_body_bytes * 4 + 4096);
    try {
      server_ = restinio::run_async<Traits>(restinio::own_io_context(),
                                            restinio::server_settings_t<Traits>{}
                                                .address(options_.address)
                                                .port(options_.port)
                                                .incoming_http_msg_limits(limits)
                                                .request_handler([this, express](restinio::request_handle_t req) {
                                                  // A route without parameters (the hot ones: decisions, reads by
                                                  // e-mail, creates) is found by a hash look-up; the express
                                                  // router's regular expressions only match the others.
                                                  std::string key = req->header().method().c_str();
                                                  key += ' ';
                                                  key += req->header().path();
                                                  auto it = static_routes_.find(key);
                                                  if (it != static_routes_.end()) {
                                                    return Dispatch(*it->second, std::move(req), nullptr);
                                                  }
                                                  return (*express)(std::move(req));
                                                })
                                                .acceptor_post_bind_hook([this](asio::ip::tcp::acceptor& acceptor) {
                                                  bound_port_ = acceptor.local_endpoint().port();
                                                }),
                                            options_.threads);
    } catch (const std::exception& e) {
      return Status::Unavailable("cannot listen on " + options_.address + ":" + std::to_string(options_.port) + ": " +
                                 e.what());
    }
    return Status::Ok();
  }

  uint16_t port() const { return bound_port_; }

  bool Drain(std::chrono::milliseconds timeout) {
    draining_ = true;
    std::unique_lock lock(mu_);
    return idle_cv_.wait_for(lock, timeout, [this] { return in_flight_ == 0; });
  }

  void Stop() {
    if (server_) {
      server_->stop();
      server_->wait();
      server_.reset();
    }
  }

 private:
  static restinio::http_method_id_t MethodId(const std::string& m) {
    if (m == "GET") return restinio::http_method_get();
    if (m == "POST") return restinio::http_method_post();
    if (m == "PUT") return restinio::http_method_put();
    if (m == "PATCH") return restinio::http_method_patch();
    if (m == "DELETE") return restinio::http_method_delete();
    if (m == "HEAD") return restinio::http_method_head();
    return restinio::http_method_options();
  }

  restinio::request_handling_status_t Dispatch(const Route& route, restinio::request_handle_t req,
                                               const restinio::router::route_params_t* params) {
    const auto started = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(mu_);
      ++in_flight_;
    }
    auto request = std::make_shared<HttpRequest>();
    request->method = std::string(req->header().method().c_str());
    request->request_id = Random::Secure().NewId("req_");
    request->remote_ip = req->remote_endpoint().address().to_string();
    const std::string route_name = route.handler ? route.name() : "unmatched";
    auto responded = std::make_shared<std::atomic<bool>>(false);
    Responder respond = [this, req, route_name, started, responded, request_id = request->request_id,
                         method = request->method](HttpResponse response) {
      if (responded->exchange(true)) return;  // a handler bug must not send twice
      auto builder = req->create_response(
          restinio::http_status_line_t{restinio::http_status_code_t{static_cast<std::uint16_t>(response.status)},
                                       std::string(ReasonPhrase(response.status))});
      builder.append_header(restinio::http_field::content_type, response.content_type);
      builder.append_header("X-Request-Id", request_id);
      builder.append_header("Cache-Control", "no-store");
      for (auto& [k, v] : response.headers) builder.append_header(k, v);
      builder.set_body(std::move(response.body));
      // Count the request before it is sent, so a client that reads /metrics right after its answer sees it.
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      metrics_.RecordRequest(route_name, response.status, seconds);
      if (options_.access_log) {
        nlohmann::json line = {{"event", "http_request"},   {"request_id", request_id},
                               {"method", method},          {"route", route_name},
                               {"status", response.status}, {"duration_ms", seconds * 1000.0}};
        spdlog::info(line.dump());
      }
      builder.done();
      std::lock_guard lock(mu_);
      if (--in_flight_ == 0) idle_cv_.notify_all();
    };

    try {
      if (draining_) {
        respond(ErrorResponse(Status::Unavailable("the server is shutting down", "shutting_down")));
        return restinio::request_accepted();
      }
      if (!route.handler) {
        respond(ErrorResponse(Status::NotFound(
            "no route for " + request->method + " " + std::string(req->header().path()), "route_not_found")));
        return restinio::request_accepted();
      }
      request->path = std::string(req->header().path());
      if (params != nullptr) {
        for (const auto& name : route.param_names) {
          if (params->has(name)) request->params.emplace_back(name, std::string((*params)[name]));
        }
      }
      auto query = restinio::try_parse_query<restinio::parse_query_traits::relaxed>(req->header().query());
      if (!query) {
        respond(
            ErrorResponse(Status::InvalidArgument("the query string is not valid percent-encoding", "invalid_query")));
        return restinio::request_accepted();
      }
      bool utf8_ok = IsValidUtf8(request->path);
      for (const auto& kv : *query) {
        request->query.emplace_back(std::string(kv.first), std::string(kv.second));
        utf8_ok = utf8_ok && IsValidUtf8(kv.second);
      }
      for (auto& [name, value] : request->params) utf8_ok = utf8_ok && IsValidUtf8(value);
      req->header().for_each_field(
          [&](const restinio::http_header_field_t& f) { request->headers.emplace_back(Lower(f.name()), f.value()); });
      if (req->body().size() > options_.max_body_bytes) {
        respond(ErrorResponse(Status::TooLarge("the request body is " + std::to_string(req->body().size()) +
                                                   " bytes; the limit is " + std::to_string(options_.max_body_bytes),
                                               "body_too_large")));
        return restinio::request_accepted();
      }
      request->body = req->body();
      if (!utf8_ok || !IsValidUtf8(request->body)) {
        respond(ErrorResponse(Status::InvalidArgument("the request is not valid UTF-8", "invalid_utf8")));
        return restinio::request_accepted();
      }
      route.handler(*request, respond);
    } catch (const std::exception& e) {
      spdlog::error(
          nlohmann::json{{"event", "handler_exception"}, {"route", route_name}, {"request_id", request->request_id}}
              .dump());
      respond(ErrorResponse(Status::Internal("internal error; quote request id " + request->request_id)));
    }
    return restinio::request_accepted();
  }

  Router router_;
  std::unordered_map<std::string, const Route*> static_routes_;  // "GET /v1/decide" → route; read-only once started
  Metrics& metrics_;
  const ServerOptions options_;
  std::atomic<uint16_t> bound_port_{0};
  std::atomic<bool> draining_{false};
  std::mutex mu_;
  std::condition_variable idle_cv_;
  int in_flight_ = 0;  // guarded by mu_
  restinio::running_server_handle_t<Traits> server_;
};

HttpServer::HttpServer(Router router, Metrics& metrics, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(router), metrics, std::move(options))) {}
HttpServer::~HttpServer() { impl_->Stop(); }
Status HttpServer::Start() { return impl_->Start(); }
uint16_t HttpServer::port() const { return impl_->port(); }
bool HttpServer::Drain(std::chrono::milliseconds timeout) { return impl_->Drain(timeout); }
void HttpServer::Stop() { impl_->Stop(); }

}  // namespace tillit::http
