// `tillit requests` (the staff queue of rights requests as a table) and `tillit mail ingest` (incoming mail from
// files, as POST /v1/mail/inbound takes it), run in-process against the data directory.
//
// Thread safety: meant to be called once, from main().
#ifndef TILLIT_CLI_REQUESTS_H_
#define TILLIT_CLI_REQUESTS_H_

#include <string>

namespace tillit::cli {

struct RequestListOptions {
  std::string data_dir;
  std::string status;  // "" for every status
  bool overdue = false;
  size_t limit = 1000;
};
// Prints ID, TYPE, STATUS, CHANNEL, RECEIVED, DUE and OVERDUE, oldest first. 2 for an unknown status.
int RunRequests(const RequestListOptions& options);

struct MailIngestOptions {
  std::string config_path;
  std::string data_dir;
  std::string path;  // a message file, or a directory whose regular files are messages
};
// Turns each message into a request (an objection to phone and post for an opt-out subject line, else an inquiry)
// and prints one line per file. 1 if any file could not be read or parsed.
int RunMailIngest(const MailIngestOptions& options);

}  // namespace tillit::cli

#endif  // TILLIT_CLI_REQUESTS_H_
