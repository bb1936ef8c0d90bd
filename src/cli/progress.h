// A progress bar on stderr for long commands (key rotation, imports). Drawn only when stderr is a terminal; in a
// pipe or a log it stays silent and the command's summary line says what happened.
#ifndef TILLIT_CLI_PROGRESS_H_
#define TILLIT_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace tillit::cli {

class ProgressBar {
 public:
  // `label` names the work ("re-wrapping keys"); `total` may be 0 when unknown (then only the count is shown).
  explicit ProgressBar(std::string label, int64_t total = 0);
  ~ProgressBar();  // finishes the line

  void set_total(int64_t total) { total_ = total; }
  // Redraws at most ten times a second, and always at the end.
  void Update(int64_t done);

 private:
  void Draw(int64_t done);

  std::string label_;
  int64_t total_;
  int64_t last_ = 0;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace tillit::cli

#endif  // TILLIT_CLI_PROGRESS_H_
