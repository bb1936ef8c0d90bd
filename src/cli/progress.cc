#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace tillit::cli {

ProgressBar::ProgressBar(std::string label, int64_t total)
    : label_(std::move(label)), total_(total), enabled_(::isatty(STDERR_FILENO) == 1) {}

ProgressBar::~ProgressBar() {
  if (!enabled_) return;
  Draw(last_);
  std::fputc('\n', stderr);
}

void ProgressBar::Update(int64_t done) {
  last_ = done;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100) && done != total_) return;
  last_draw_ = now;
  Draw(done);
}

void ProgressBar::Draw(int64_t done) {
  drawn_ = true;
  constexpr int kWidth = 30;
  if (total_ <= 0) {
    std::fprintf(stderr, "\r%s: %lld", label_.c_str(), static_cast<long long>(done));
  } else {
    const double fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(kWidth - filled), ' ');
    std::fprintf(stderr, "\r%s [%s] %3d%% %lld/%lld", label_.c_str(), bar.c_str(), static_cast<int>(fraction * 100),
                 static_cast<long long>(done), static_cast<long long>(total_));
  }
  std::fflush(stderr);
}

}  // namespace tillit::cli
