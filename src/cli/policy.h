// `tillit policy render`, `tillit policy diff` and `tillit ropa`. Render: the privacy policy (or the processor
// overview) of a configuration in one of its languages, as HTML or Markdown, named by the configuration's policy
// version — the same page `tillit serve` publishes at /privacy/{lang}. Needs no data directory.
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

struct PolicyDiffOptions {
  // Each side is a published version (with data_dir) or a configuration file.
  std::string from_version;
  std::string to_version;
  std::string from_file;
  std::string to_file;
  std::string data_dir;
  std::string format = "text";  // text or json
};

// Prints what changed between two versions of the policy. Returns 0 whether or not anything changed; 1 when a
// configuration does not load or a version is not published; 2 for bad usage (not exactly one source per side, an
// unknown format, versions without --data).
int RunPolicyDiff(const PolicyDiffOptions& options);

struct RopaOptions {
  std::string config_path;
  std::string format = "html";  // csv, json or html
  std::string lang;             // names and texts in this language; the configuration's default when empty
  std::string out_path;         // empty: stdout
};

// Writes the record of processing activities (GDPR Art. 30). Exit codes as RunPolicyRender.
int RunRopa(const RopaOptions& options);

}  // namespace tillit::cli

#endif  // TILLIT_CLI_POLICY_H_
