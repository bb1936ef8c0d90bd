#include "http/route_support.h"

#include <charconv>

namespace tillit::http {

Result<size_t> LimitOf(const HttpRequest& req, size_t fallback, size_t max) {
  auto raw = req.Query("limit");
  if (!raw) return fallback;
  size_t limit = 0;
  auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), limit);
  if (ec != std::errc() || end != raw->data() + raw->size() || limit == 0 || limit > max) {
    return Status::InvalidArgument("limit must be a number from 1 to " + std::to_string(max), "invalid_limit");
  }
  return limit;
}

}  // namespace tillit::http
