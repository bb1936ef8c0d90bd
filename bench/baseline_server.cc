// baseline_server: the HTTP baseline of bench/run — a bare RESTinio server that answers every GET with one constant
// JSON body, the size of a decision's answer. It is set up as src/http/server.cc sets up tillit's server (same
// traits: express router, null logger, asio timer manager; same message limits; run_async on its own io_context with
// the same thread count), so the ratio tillit / baseline measures what tillit adds per request: authentication,
// routing into its handler wrapper, the decision and its JSON encoding, metrics.
//
// Workload (bench/run): `wrk -c 64` against /v1/decide, beside tillit's real /v1/decide in the same run.
//
// usage: baseline_server [--listen 127.0.0.1:0] [--threads N]
// Prints "listening on http://127.0.0.1:PORT" once bound; stops on SIGTERM or SIGINT.
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <restinio/all.hpp>
#include <string>
#include <string_view>

namespace {

using RouterT = restinio::router::express_router_t<>;
using Traits = restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t, RouterT>;

constexpr std::string_view kBody =
    R"({"allow":true,"basis":"legitimate_interest","channel":"email","purpose":"marketing",)"
    R"("rule":"existing_customer","subject":"sub_abcdefghijklmnopqrstuvwxyz"})";

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  size_t threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--listen") {
      listen = argv[i + 1];
    } else if (flag == "--threads") {
      threads = std::strtoul(argv[i + 1], nullptr, 10);
    } else {
      std::cerr << "usage: baseline_server [--listen HOST:PORT] [--threads N]\n";
      return 2;
    }
  }
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || threads == 0) {
    std::cerr << "baseline_server: --listen takes HOST:PORT and --threads a positive number\n";
    return 2;
  }
  const std::string address = listen.substr(0, colon);
  const auto port = static_cast<uint16_t>(std::strtoul(listen.c_str() + colon + 1, nullptr, 10));

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto router = std::make_unique<RouterT>();
  auto answer = [](restinio::request_handle_t req, auto&&...) {
    req->create_response()
        .append_header(restinio::http_field::content_type, "application/json")
        .append_header("Cache-Control", "no-store")
        .set_body(std::string(kBody))
        .done();
    return restinio::request_accepted();
  };
  router->http_get("/v1/decide", answer);
  router->non_matched_request_handler(answer);

  restinio::incoming_http_msg_limits_t limits;
  limits.max_body_size((1 << 20) * 4 + 4096);
  std::atomic<uint16_t> bound{0};
  restinio::running_server_handle_t<Traits> server;
  try {
    server = restinio::run_async<Traits>(restinio::own_io_context(),
                                         restinio::server_settings_t<Traits>{}
                                             .address(address)
                                             .port(port)
                                             .incoming_http_msg_limits(limits)
                                             .request_handler(std::move(router))
                                             .acceptor_post_bind_hook([&bound](asio::ip::tcp::acceptor& acceptor) {
                                               bound = acceptor.local_endpoint().port();
                                             }),
                                         threads);
  } catch (const std::exception& e) {
    std::cerr << "baseline_server: cannot listen on " << listen << ": " << e.what() << "\n";
    return 1;
  }
  std::cout << "baseline listening on http://" << address << ":" << bound.load() << std::endl;
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  server->stop();
  server->wait();
  return 0;
}
