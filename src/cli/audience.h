// `tillit audience`: the marketing export from the command line — the same NDJSON as GET /v1/audiences, built by
// core::Audiences from a decision index rebuilt from the store (no server is involved), with a progress bar on a
// terminal and one audit entry (actor {"cli","tillit"}) per export.
//
// Thread safety: RunAudience is meant to be called once, from main().
#ifndef TILLIT_CLI_AUDIENCE_H_
#define TILLIT_CLI_AUDIENCE_H_

#include <cstddef>
#include <string>

namespace tillit::cli {

struct AudienceOptions {
  std::string config_path;  // the shop's tillit.toml: purposes, their channels and categories
  std::string data_dir;     // an initialised data directory (`tillit init`)
  std::string purpose;
  std::string channel;    // empty: ids only
  bool ids_only = false;  // leave the contact field out: nothing is decrypted
  size_t limit = 0;       // 0: every allowed subject
  std::string out_path;   // empty: stdout
};

// Writes the audience to `options.out_path` (created with mode 0600 under tillit's umask) or stdout, only after its
// audit entry has committed, and a one-line summary to stderr. Returns 0 on success, 1 on failure, 2 for bad usage
// (unknown purpose or channel, a channel the purpose does not declare, a bad configuration).
int RunAudience(const AudienceOptions& options);

}  // namespace tillit::cli

#endif  // TILLIT_CLI_AUDIENCE_H_
