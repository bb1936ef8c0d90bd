// Test support: a real SMTP server on loopback (Debian's python3-aiosmtpd) that stores every message it receives in
// a maildir, and the messages read back with GMime — what a data subject's mail server would have received.
#ifndef TILLIT_TESTS_SUPPORT_SMTP_PEER_H_
#define TILLIT_TESTS_SUPPORT_SMTP_PEER_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace tillit::testing {

struct ReceivedMail {
  std::string to;
  std::string subject;  // decoded
  std::string body;     // the text/plain body, decoded
};

// The six-digit one-time code in a mail's body; "" when there is none.
std::string CodeIn(const ReceivedMail& mail);

class SmtpPeer {
 public:
  // Starts the server on a free loopback port, storing into the maildir `dir` (created by the server).
  explicit SmtpPeer(const std::string& dir);
  ~SmtpPeer();
  SmtpPeer(const SmtpPeer&) = delete;
  SmtpPeer& operator=(const SmtpPeer&) = delete;

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  // Every message delivered so far, in the order of arrival.
  std::vector<ReceivedMail> Messages() const;
  // Waits up to 15 s for the `n`-th message (1-based); adds a test failure and answers an empty mail if none came.
  ReceivedMail WaitFor(size_t n) const;

 private:
  std::string dir_;
  int port_;
  pid_t pid_ = -1;
};

}  // namespace tillit::testing

#endif  // TILLIT_TESTS_SUPPORT_SMTP_PEER_H_
