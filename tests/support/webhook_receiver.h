// Test support: a webhook receiver on a free loopback port (python3's http.server) that answers each POST with the
// next of a list of statuses, then 200, and logs every request it got ({"path","status","body","headers"}).
#ifndef TILLIT_TESTS_SUPPORT_WEBHOOK_RECEIVER_H_
#define TILLIT_TESTS_SUPPORT_WEBHOOK_RECEIVER_H_

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tillit::testing {

class WebhookReceiver {
 public:
  // Starts the receiver, keeping its script and log in `dir` (created); `statuses` as "500,503" (none: all 200).
  explicit WebhookReceiver(const std::string& dir, const std::string& statuses = "");
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }
  // The URL to configure; the path only shows in the log.
  std::string url(const std::string& path = "/hook") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  // Every request so far, oldest first.
  std::vector<nlohmann::json> Requests() const;
  // Waits up to 15 s for at least `n` requests.
  std::vector<nlohmann::json> WaitFor(size_t n) const;

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace tillit::testing

#endif  // TILLIT_TESTS_SUPPORT_WEBHOOK_RECEIVER_H_
