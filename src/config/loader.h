// Loading and validating tillit.toml. Every problem found becomes a Diagnostic naming the file, line, column and
// key, what is wrong and how to fix it; loading goes on after a problem so one run reports all of them.
//
// Thread safety: the functions are reentrant.
#ifndef TILLIT_CONFIG_LOADER_H_
#define TILLIT_CONFIG_LOADER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace tillit::config {

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string file;
  int line = 0;
  int column = 0;
  std::string key;   // "purpose.marketing.legal_basis"
  std::string what;  // what is wrong
  std::string fix;   // how to fix it

  // "FILE:LINE:COLUMN: key: what — fix" (warnings say "warning: " before `what`).
  std::string ToString() const;
};

struct LoadResult {
  std::shared_ptr<const Config> config;  // null iff there is an error
  std::vector<Diagnostic> diagnostics;   // errors and warnings in file order

  bool ok() const { return config != nullptr; }
  size_t error_count() const;
};

LoadResult LoadConfigFile(const std::string& path);
// `path` is used in diagnostics only.
LoadResult LoadConfigString(std::string_view toml_text, const std::string& path);

}  // namespace tillit::config

#endif  // TILLIT_CONFIG_LOADER_H_
