// `tillit policy render`: the privacy policy (or the processor overview) of a configuration in one of its languages,
// as HTML or Markdown, named by the configuration's policy version — the same page `tillit serve` publishes at
// /privacy/{lang}. Needs no data directory.
//
// Thread safety: RunPolicyRender is meant to be called once, from main().
#ifndef TILLIT_CLI_POLICY_H_
#define TILLIT_CLI_POLICY_H_

#include <string>

namespace tillit::cli {

struct PolicyRenderOptions {
  std::string config_path;
  std::string lang;             // en, sv, nb or fi, and one the configuration lists
  std::string format = "html";  // html or md
  std::string out_path;         // empty: stdout
  std::string date;             // YYYY-MM-DD the policy states; empty: today (UTC)
  bool processors = false;      // the processor overview instead of the policy
};

// Writes the page to `options.out_path` or stdout. Returns 0 on success; 1 when the configuration does not load or
// the file cannot be written; 2 for bad usage: an unsupported language, a language the configuration does not list,
// an unknown format or a malformed date.
int RunPolicyRender(const PolicyRenderOptions& options);

}  // namespace tillit::cli

#endif  // TILLIT_CLI_POLICY_H_
