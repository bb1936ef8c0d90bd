#include "support/webhook_receiver.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "support/process.h"

namespace tillit::testing {
namespace {

constexpr const char* kReceiverScript = R"py(
import http.server, json, os, sys
directory, statuses = sys.argv[1], [int(s) for s in sys.argv[2].split(',') if s]
log = open(os.path.join(directory, 'requests.jsonl'), 'a')
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0))).decode('utf-8')
        status = statuses.pop(0) if statuses else 200
        log.write(json.dumps({'path': self.path, 'status': status, 'body': body,
                              'headers': {k.lower(): v for k, v in self.headers.items()}}) + '\n')
        log.flush()
        self.send_response(status)
        self.send_header('Content-Length', '0')
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
with open(os.path.join(directory, 'port.tmp'), 'w') as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(directory, 'port.tmp'), os.path.join(directory, 'port'))
server.serve_forever()
)py";

}  // namespace

WebhookReceiver::WebhookReceiver(const std::string& dir, const std::string& statuses) : dir_(dir) {
  ::mkdir(dir_.c_str(), 0700);
  WriteFile(dir_ + "/receiver.py", kReceiverScript);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::execl("/usr/bin/python3", "python3", (dir_ + "/receiver.py").c_str(), dir_.c_str(), statuses.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 200 && port_ == 0; ++i) {
    std::ifstream in(dir_ + "/port");
    if (in >> port_) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

WebhookReceiver::~WebhookReceiver() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::vector<nlohmann::json> WebhookReceiver::Requests() const {
  std::vector<nlohmann::json> out;
  std::ifstream in(dir_ + "/requests.jsonl");
  std::string line;
  while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line, nullptr, false));
  return out;
}

std::vector<nlohmann::json> WebhookReceiver::WaitFor(size_t n) const {
  for (int i = 0; i < 300; ++i) {
    auto got = Requests();
    if (got.size() >= n) return got;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Requests();
}

}  // namespace tillit::testing
