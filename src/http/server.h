// HttpServer: serves a Router over HTTP/1.1 on RESTinio, in plain HTTP or TLS. The server library stays inside
// server.cc. Every request runs behind one wrapper that answers what is malformed with a JSON error instead of a
// dropped connection — a path with bad percent-encoding (400), a URI over 8 KiB (414), headers over 64 KiB (431), a
// body over the limit (413), text that is not UTF-8 (400), a known path with another method (405 with Allow) —
// authenticates and authorizes the caller against the route's Access (http/auth.h), turns an escaped exception
// into a JSON 500, records metrics and writes a JSON access-log line that holds no personal data (route pattern,
// status, time; never the path, query or body).
//
// Shutdown: Drain() refuses new requests with 503 and waits for those in flight; Stop() then closes the server.
//
// Thread safety: Start, Drain and Stop from the owning thread; handlers run on the server's threads.
#ifndef TILLIT_HTTP_SERVER_H_
#define TILLIT_HTTP_SERVER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/access/api_keys.h"
#include "http/metrics.h"
#include "http/router.h"
#include "util/status.h"

namespace tillit::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port; see HttpServer::port()
  size_t threads = 2;
  uint64_t max_body_bytes = 1 << 20;
  bool access_log = true;
  // With both, HTTPS only (http/tls.h); Strict-Transport-Security is sent with every answer.
  std::string tls_certificate;
  std::string tls_key;
  bool hsts = false;  // send Strict-Transport-Security without TLS here (a TLS proxy in front)
  // Lower-case header a trusted proxy names the end client's address in; "" when there is none.
  std::string trusted_proxy_header;
};

inline constexpr size_t kMaxUriBytes = 8 * 1024;
inline constexpr size_t kMaxHeaderBytes = 64 * 1024;

// Splits "127.0.0.1:8080" or "[::1]:8080" into address and port.
Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen);

class HttpServer {
 public:
  // `keys` authenticates the callers of keyed routes and must outlive the server.
  HttpServer(Router router, Metrics& metrics, core::ApiKeys& keys, ServerOptions options);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  // Binds and starts serving. Unavailable if the address cannot be bound; InvalidArgument if the TLS files cannot
  // be used.
  Status Start();
  // Reads the TLS certificate and key again (SIGHUP). FailedPrecondition without TLS.
  Status ReloadTls();
  // The bound port (after Start).
  uint16_t port() const;
  // Stops accepting work and waits up to `timeout` for in-flight requests. Returns true iff all finished.
  bool Drain(std::chrono::milliseconds timeout);
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tillit::http

#endif  // TILLIT_HTTP_SERVER_H_
