#include "support/smtp_peer.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <gmime/gmime.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <thread>

#include "support/process.h"

namespace tillit::testing {
namespace {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

}  // namespace

SmtpPeer::SmtpPeer(const std::string& dir) : dir_(dir), port_(FreePort()) {
  g_mime_init();
  pid_ = fork();
  if (pid_ == 0) {
    const std::string listen = "127.0.0.1:" + std::to_string(port_);
    execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c",
          "aiosmtpd.handlers.Mailbox", dir_.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 100 && !Accepts(port_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

SmtpPeer::~SmtpPeer() {
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
}

std::vector<ReceivedMail> SmtpPeer::Messages() const {
  std::vector<ReceivedMail> out;
  DIR* d = opendir((dir_ + "/new").c_str());
  if (d == nullptr) return out;
  // Maildir names do not sort by arrival within a second: order by modification time.
  std::vector<std::pair<int64_t, std::string>> files;
  while (dirent* e = readdir(d)) {
    struct stat st {};
    const std::string path = dir_ + "/new/" + e->d_name;
    if (e->d_name[0] != '.' && stat(path.c_str(), &st) == 0) {
      files.emplace_back(int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec, e->d_name);
    }
  }
  closedir(d);
  std::sort(files.begin(), files.end());
  for (const auto& [mtime, name] : files) {
    const std::string raw = ReadFile(dir_ + "/new/" + name);
    GMimeStream* stream = g_mime_stream_mem_new_with_buffer(raw.data(), raw.size());
    GMimeParser* parser = g_mime_parser_new_with_stream(stream);
    GMimeMessage* message = g_mime_parser_construct_message(parser, nullptr);
    ReceivedMail m;
    if (message != nullptr) {
      InternetAddressList* to = g_mime_message_get_to(message);
      if (to != nullptr && internet_address_list_length(to) > 0) {
        InternetAddress* a = internet_address_list_get_address(to, 0);
        if (INTERNET_ADDRESS_IS_MAILBOX(a)) m.to = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
      }
      const char* subject = g_mime_message_get_subject(message);
      m.subject = subject != nullptr ? subject : "";
      GMimeObject* body = g_mime_message_get_body(message);
      if (body != nullptr && GMIME_IS_TEXT_PART(body)) {
        char* text = g_mime_text_part_get_text(GMIME_TEXT_PART(body));
        m.body = text != nullptr ? text : "";
        g_free(text);
      }
      g_object_unref(message);
    }
    g_object_unref(parser);
    g_object_unref(stream);
    out.push_back(std::move(m));
  }
  return out;
}

ReceivedMail SmtpPeer::WaitFor(size_t n) const {
  for (int i = 0; i < 150; ++i) {
    auto all = Messages();
    if (all.size() >= n) return all[n - 1];
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "mail " << n << " did not arrive";
  return {};
}

std::string CodeIn(const ReceivedMail& mail) {
  std::smatch match;
  if (std::regex_search(mail.body, match, std::regex(R"(\b(\d{6})\b)"))) return match[1];
  return "";
}

}  // namespace tillit::testing
