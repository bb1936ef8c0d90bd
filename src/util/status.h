// Status and Result<T>: expected failures as values. A Status is either ok or carries one of a few codes and a
// message meant for the caller (never personal data). Library errors are mapped to a Status once, where the
// library is called; Status is mapped to HTTP in exactly one place (http/errors).
//
// Thread safety: values; a const Status may be read from any thread.
#ifndef TILLIT_UTIL_STATUS_H_
#define TILLIT_UTIL_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tillit {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad input: 400
  kNotFound,            // 404
  kConflict,            // 409
  kUnauthenticated,     // 401
  kPermissionDenied,    // 403
  kFailedPrecondition,  // a rule says no: 422
  kGone,                // existed once, no longer served (an expired download): 410
  kTooLarge,            // 413
  kResourceExhausted,   // rate limit: 429
  kUnavailable,         // 503
  kInternal,            // 500: a bug or an environment failure, never bad input
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg, std::string reason = "invalid_argument") {
    return Status(StatusCode::kInvalidArgument, std::move(msg), std::move(reason));
  }
  static Status NotFound(std::string msg, std::string reason = "not_found") {
    return Status(StatusCode::kNotFound, std::move(msg), std::move(reason));
  }
  static Status Conflict(std::string msg, std::string reason = "conflict") {
    return Status(StatusCode::kConflict, std::move(msg), std::move(reason));
  }
  static Status Unauthenticated(std::string msg, std::string reason = "unauthenticated") {
    return Status(StatusCode::kUnauthenticated, std::move(msg), std::move(reason));
  }
  static Status PermissionDenied(std::string msg, std::string reason = "permission_denied") {
    return Status(StatusCode::kPermissionDenied, std::move(msg), std::move(reason));
  }
  static Status FailedPrecondition(std::string msg, std::string reason = "failed_precondition") {
    return Status(StatusCode::kFailedPrecondition, std::move(msg), std::move(reason));
  }
  static Status Gone(std::string msg, std::string reason = "gone") {
    return Status(StatusCode::kGone, std::move(msg), std::move(reason));
  }
  static Status TooLarge(std::string msg, std::string reason = "too_large") {
    return Status(StatusCode::kTooLarge, std::move(msg), std::move(reason));
  }
  static Status ResourceExhausted(std::string msg, std::string reason = "rate_limited") {
    return Status(StatusCode::kResourceExhausted, std::move(msg), std::move(reason));
  }
  static Status Unavailable(std::string msg, std::string reason = "unavailable") {
    return Status(StatusCode::kUnavailable, std::move(msg), std::move(reason));
  }
  static Status Internal(std::string msg, std::string reason = "internal") {
    return Status(StatusCode::kInternal, std::move(msg), std::move(reason));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // A snake_case machine-readable reason, e.g. "consent_required"; the API's error.code.
  const std::string& reason() const { return reason_; }
  const std::string& message() const { return message_; }
  // "NotFound: subject not found".
  std::string ToString() const;

 private:
  Status(StatusCode code, std::string msg, std::string reason)
      : code_(code), message_(std::move(msg)), reason_(std::move(reason)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string reason_;
};

// A value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}                                  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace tillit

#define TILLIT_RETURN_IF_ERROR(expr) \
  do {                               \
    ::tillit::Status _st = (expr);   \
    if (!_st.ok()) return _st;       \
  } while (0)

#define TILLIT_CONCAT_INNER(a, b) a##b
#define TILLIT_CONCAT(a, b) TILLIT_CONCAT_INNER(a, b)
#define TILLIT_ASSIGN_OR_RETURN(lhs, expr) TILLIT_ASSIGN_OR_RETURN_IMPL(TILLIT_CONCAT(_res_, __LINE__), lhs, expr)
#define TILLIT_ASSIGN_OR_RETURN_IMPL(res, lhs, expr) \
  auto res = (expr);                                 \
  if (!res.ok()) return res.status();                \
  lhs = std::move(res).value()

#endif  // TILLIT_UTIL_STATUS_H_
