#include "http/server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <nlohmann/json.hpp>
#include <restinio/all.hpp>
#include <restinio/tls.hpp>

#include "http/auth.h"
#include "http/errors.h"
#include "http/tls.h"
#include "util/mutex.h"
#include "util/random.h"
#include "util/text.h"

namespace tillit::http {
namespace {

using RouterT = restinio::router::express_router_t<>;
using PlainTraits = restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t>;
using TlsTraits = restinio::tls_traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t>;

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
    case 410:
      return "Gone";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 431:
      return "Request Header Fields Too Large";
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
  Impl(Router router, Metrics& metrics, core::ApiKeys& keys, ServerOptions options)
      : router_(std::move(router)), metrics_(metrics), keys_(keys), options_(std::move(options)) {}

  Status Start() {
    // http-parser closes the connection on headers over 80 KiB by default; Dispatch answers 431 instead.
    http_parser_set_max_header_size(kMaxFieldCap);
    express_ = std::make_shared<RouterT>();
    for (const Route& route : router_.routes()) {
      const Route* r = &route;
      if (route.param_names.empty()) static_routes_.emplace(route.method + " " + route.pattern, r);
      express_->add_handler(MethodId(route.method), route.pattern,
                            [this, r](restinio::request_handle_t req, restinio::router::route_params_t params) {
                              return Dispatch(r, std::move(req), &params);
                            });
    }
    express_->non_matched_request_handler(
        [this](restinio::request_handle_t req) { return Dispatch(nullptr, std::move(req), nullptr); });
    try {
      if (options_.tls_certificate.empty()) return StartWith<PlainTraits>(restinio::server_settings_t<PlainTraits>{});
      auto certs = TlsCertificates::Load(options_.tls_certificate, options_.tls_key);
      if (!certs.ok()) return certs.status();
      certs_ = std::move(*certs);
      auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
      TILLIT_RETURN_IF_ERROR(certs_->Install(context->native_handle()));
      return StartWith<TlsTraits>(restinio::server_settings_t<TlsTraits>{}.tls_context(std::move(context)));
    } catch (const std::exception& e) {
      return Status::Unavailable("cannot listen on " + options_.address + ":" + std::to_string(options_.port) + ": " +
                                 e.what());
    }
  }

  Status ReloadTls() {
    if (!certs_) return Status::FailedPrecondition("the server does not use TLS");
    return certs_->Reload();
  }

  uint16_t port() const { return bound_port_; }

  bool Drain(std::chrono::milliseconds timeout) {
    draining_ = true;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    MutexLock lock(mu_);
    while (in_flight_ != 0) {
      if (idle_cv_.wait_until(mu_, deadline) == std::cv_status::timeout) return in_flight_ == 0;
    }
    return true;
  }

  void Stop() {
    if (plain_) {
      plain_->stop();
      plain_->wait();
      plain_.reset();
    }
    if (tls_) {
      tls_->stop();
      tls_->wait();
      tls_.reset();
    }
  }

 private:
  template <typename T>
  Status StartWith(restinio::server_settings_t<T>&& settings) {
    // RESTinio drops a connection whose request exceeds these caps without an answer, so they sit far above what
    // Dispatch answers with a JSON 413, 414 or 431.
    restinio::incoming_http_msg_limits_t limits;
    limits.max_body_size(std::max<uint64_t>(options_.max_body_bytes * 4, kMaxBodyCap));
    limits.max_url_size(kMaxUriCap);
    limits.max_field_name_size(kMaxFieldCap);
    limits.max_field_value_size(kMaxFieldCap);
    limits.max_field_count(kMaxFieldCount);
    auto handle = restinio::run_async<T>(
        restinio::own_io_context(),
        std::move(settings)
            .address(options_.address)
            .port(options_.port)
            .incoming_http_msg_limits(limits)
            // RESTinio closes the connection without an answer when a handler has not answered within this time
            // (10 s by default). An erasure answers only after its commit and the write-ahead-log checkpoint, which
            // on a busy PostgreSQL can take longer; the work is done either way, so the caller must hear of it.
            .handle_request_timeout(std::chrono::seconds(120))
            .request_handler([this](restinio::request_handle_t req) { return FindRoute(std::move(req)); })
            .acceptor_post_bind_hook(
                [this](asio::ip::tcp::acceptor& acceptor) { bound_port_ = acceptor.local_endpoint().port(); }),
        options_.threads);
    if constexpr (std::is_same_v<T, TlsTraits>) {
      tls_ = std::move(handle);
    } else {
      plain_ = std::move(handle);
    }
    return Status::Ok();
  }

  // Finds the route. A route without parameters (the hot ones: decisions, reads by e-mail, creates) is found by a
  // hash look-up; the express router's regular expressions only match the others. What the express router cannot
  // take (a path with bad percent-encoding, which it throws on) is answered before it.
  restinio::request_handling_status_t FindRoute(restinio::request_handle_t req) {
    if (!ValidPercentEncoding(req->header().path())) return Dispatch(nullptr, std::move(req), nullptr);
    std::string key = req->header().method().c_str();
    key += ' ';
    key += req->header().path();
    auto it = static_routes_.find(key);
    if (it != static_routes_.end()) return Dispatch(it->second, std::move(req), nullptr);
    return (*express_)(std::move(req));
  }

  static bool ValidPercentEncoding(std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '%') continue;
      if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
        return false;
      }
      i += 2;
    }
    return true;
  }

  static restinio::http_method_id_t MethodId(const std::string& m) {
    if (m == "GET") return restinio::http_method_get();
    if (m == "POST") return restinio::http_method_post();
    if (m == "PUT") return restinio::http_method_put();
    if (m == "PATCH") return restinio::http_method_patch();
    if (m == "DELETE") return restinio::http_method_delete();
    if (m == "HEAD") return restinio::http_method_head();
    return restinio::http_method_options();
  }

  // What is wrong with the request before any route looks at it, or nullopt.
  std::optional<HttpResponse> Malformed(const restinio::request_handle_t& req) const {
    if (req->header().request_target().size() > kMaxUriBytes) {
      return HttpError(414, "uri_too_long",
                       "the request URI is " + std::to_string(req->header().request_target().size()) +
                           " bytes; the limit is " + std::to_string(kMaxUriBytes));
    }
    size_t header_bytes = 0;
    req->header().for_each_field([&](const restinio::http_header_field_t& f) {
      header_bytes += f.name().size() + f.value().size() + 4;
    });
    if (header_bytes > kMaxHeaderBytes) {
      return HttpError(431, "headers_too_large",
                       "the request headers are " + std::to_string(header_bytes) + " bytes; the limit is " +
                           std::to_string(kMaxHeaderBytes));
    }
    if (!ValidPercentEncoding(req->header().path())) {
      return HttpError(400, "invalid_path", "the path is not valid percent-encoding");
    }
    if (req->body().size() > options_.max_body_bytes) {
      return ErrorResponse(Status::TooLarge("the request body is " + std::to_string(req->body().size()) +
                                                " bytes; the limit is " + std::to_string(options_.max_body_bytes),
                                            "body_too_large"));
    }
    return std::nullopt;
  }

  // The end client's address from the trusted proxy's header: its last entry, the one that proxy added. "" when
  // there is no such header.
  std::string ClientIp(const HttpRequest& request) const {
    if (options_.trusted_proxy_header.empty()) return "";
    auto value = request.Header(options_.trusted_proxy_header);
    if (!value) return "";
    std::string_view v = *value;
    const size_t comma = v.rfind(',');
    if (comma != std::string_view::npos) v.remove_prefix(comma + 1);
    return Trim(v);
  }

  restinio::request_handling_status_t Dispatch(const Route* route, restinio::request_handle_t req,
                                               const restinio::router::route_params_t* params) {
    const auto started = std::chrono::steady_clock::now();
    {
      MutexLock lock(mu_);
      ++in_flight_;
    }
    auto request = std::make_shared<HttpRequest>();
    request->method = std::string(req->header().method().c_str());
    request->request_id = Random::Secure().NewId("req_");
    request->remote_ip = req->remote_endpoint().address().to_string();
    const std::string route_name = route != nullptr ? route->name() : "unmatched";
    auto responded = std::make_shared<std::atomic<bool>>(false);
    Responder respond = [this, req, route_name, started, responded, request_id = request->request_id,
                         method = request->method](HttpResponse response) {
      if (responded->exchange(true)) return;  // a handler bug must not send twice
      auto builder = req->create_response(
          restinio::http_status_line_t{restinio::http_status_code_t{static_cast<std::uint16_t>(response.status)},
                                       std::string(ReasonPhrase(response.status))});
      builder.append_header(restinio::http_field::content_type, response.content_type);
      builder.append_header("X-Request-Id", request_id);
      bool cache_control = false;
      for (const auto& [k, v] : response.headers) cache_control = cache_control || Lower(k) == "cache-control";
      if (!cache_control) builder.append_header("Cache-Control", "no-store");
      if (certs_ || options_.hsts) builder.append_header("Strict-Transport-Security", "max-age=31536000");
      for (auto& [k, v] : response.headers) builder.append_header(k, v);
      builder.set_body(std::move(response.body));
      // Count the request before it is sent, so a client that reads /metrics right after its answer sees it.
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      metrics_.RecordRequest(route_name, response.status, seconds);
      if (options_.access_log) {
        nlohmann::json line = {{"event", "http_request"},
                               {"request_id", request_id},
                               {"method", method},
                               {"route", route_name},
                               {"status", response.status},
                               {"duration_ms", std::round(seconds * 1e6) / 1e3}};
        spdlog::info(line.dump());
      }
      builder.done();
      MutexLock lock(mu_);
      if (--in_flight_ == 0) idle_cv_.notify_all();
    };

    try {
      if (draining_) {
        respond(ErrorResponse(Status::Unavailable("the server is shutting down", "shutting_down")));
        return restinio::request_accepted();
      }
      if (auto bad = Malformed(req)) {
        respond(std::move(*bad));
        return restinio::request_accepted();
      }
      if (route == nullptr) {
        const std::string path(req->header().path());
        std::vector<std::string> allowed = router_.MethodsFor(path);
        if (allowed.empty()) {
          respond(ErrorResponse(Status::NotFound("no route for " + request->method + " " + path, "route_not_found")));
        } else {
          std::string allow;
          for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
          HttpResponse r = HttpError(405, "method_not_allowed", path + " answers " + allow + ", not " + request->method,
                                     nlohmann::json{{"allowed", allowed}}.dump());
          r.headers.emplace_back("Allow", allow);
          respond(std::move(r));
        }
        return restinio::request_accepted();
      }
      request->path = std::string(req->header().path());
      if (params != nullptr) {
        for (const auto& name : route->param_names) {
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
        utf8_ok = utf8_ok && IsValidUtf8(kv.first) && IsValidUtf8(kv.second);
      }
      for (auto& [name, value] : request->params) utf8_ok = utf8_ok && IsValidUtf8(value);
      req->header().for_each_field(
          [&](const restinio::http_header_field_t& f) { request->headers.emplace_back(Lower(f.name()), f.value()); });
      request->body = req->body();
      if (!utf8_ok || !IsValidUtf8(request->body)) {
        respond(ErrorResponse(Status::InvalidArgument("the request is not valid UTF-8", "invalid_utf8")));
        return restinio::request_accepted();
      }
      request->client_ip = ClientIp(*request);
      if (auto refused = Admit(*route, *request, keys_)) {
        respond(std::move(*refused));
        return restinio::request_accepted();
      }
      route->handler(*request, respond);
    } catch (const std::exception& e) {
      spdlog::error(
          nlohmann::json{{"event", "handler_exception"}, {"route", route_name}, {"request_id", request->request_id}}
              .dump());
      respond(ErrorResponse(Status::Internal("internal error; quote request id " + request->request_id)));
    }
    return restinio::request_accepted();
  }

  static constexpr uint64_t kMaxBodyCap = 32u << 20;
  static constexpr size_t kMaxUriCap = 1u << 20;
  static constexpr size_t kMaxFieldCap = 4u << 20;
  static constexpr size_t kMaxFieldCount = 10000;

  Router router_;
  std::unordered_map<std::string, const Route*> static_routes_;  // "GET /v1/decide" → route; read-only
  std::shared_ptr<RouterT> express_;
  Metrics& metrics_;
  core::ApiKeys& keys_;
  const ServerOptions options_;
  std::unique_ptr<TlsCertificates> certs_;
  std::atomic<uint16_t> bound_port_{0};
  std::atomic<bool> draining_{false};
  Mutex mu_;
  std::condition_variable_any idle_cv_;
  int in_flight_ TILLIT_GUARDED_BY(mu_) = 0;
  restinio::running_server_handle_t<PlainTraits> plain_;
  restinio::running_server_handle_t<TlsTraits> tls_;
};

HttpServer::HttpServer(Router router, Metrics& metrics, core::ApiKeys& keys, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(router), metrics, keys, std::move(options))) {}
HttpServer::~HttpServer() { impl_->Stop(); }
Status HttpServer::Start() { return impl_->Start(); }
Status HttpServer::ReloadTls() { return impl_->ReloadTls(); }
uint16_t HttpServer::port() const { return impl_->port(); }
bool HttpServer::Drain(std::chrono::milliseconds timeout) { return impl_->Drain(timeout); }
void HttpServer::Stop() { impl_->Stop(); }

}  // namespace tillit::http
