// HttpServer: serves a Router over HTTP/1.1 on RESTinio. The server library stays inside server.cc.
// Every route runs behind one wrapper that checks the body limit (413) and UTF-8 (400), turns an escaped
// exception into a JSON 500 instead of a dropped connection, records metrics and writes a JSON access-log line
// that holds no personal data (route pattern, status, time; never the path, query or body).
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
};

// Splits "127.0.0.1:8080" or "[::1]:8080" into address and port.
Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen);

class HttpServer {
 public:
  HttpServer(Router router, Metrics& metrics, ServerOptions options);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  // Binds and starts serving. Unavailable if the address cannot be bound.
  Status Start();
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
