#pragma once

#include <string>
#include <utility>
#include <variant>

namespace sluice {

/// Classifies an error. User errors (bad SQL, bad options, bad input) are reported to the user
/// as they are; internal errors are bugs; kUnavailable is the retryable class (a server that is
/// down, a broker that is gone).
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // user: a bad option, flag or value
  kParseError,       // user: SQL that does not parse
  kPlanError,        // user: SQL that parses but cannot be bound or planned
  kNotFound,         // user: a missing file, table or column
  kDataError,        // user: a bad record
  kUnsupported,      // user: a feature this version does not have
  kIoError,          // environment: a local file system failure
  kUnavailable,      // environment, retryable: a remote system that did not answer
  kCancelled,        // the pipeline was asked to stop
  kInternal,         // a bug in sluice
};

/// Returns the stable lower-case name of `code`, e.g. "parse error".
const char* StatusCodeName(StatusCode code);

/// Holds the outcome of an operation: ok, or a code and a message. Cheap to copy when ok.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status ParseError(std::string m) { return {StatusCode::kParseError, std::move(m)}; }
  static Status PlanError(std::string m) { return {StatusCode::kPlanError, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status DataError(std::string m) { return {StatusCode::kDataError, std::move(m)}; }
  static Status Unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  /// Returns true when the same call may succeed later (the remote side was unavailable).
  bool retryable() const { return code_ == StatusCode::kUnavailable; }
  /// Returns true when the error is the user's to fix (SQL, options, input data).
  bool is_user_error() const;

  /// Returns "<code name>: <message>", or "ok".
  std::string ToString() const;

  /// Returns a copy whose message is prefixed by `context` and ": ".
  Status WithContext(const std::string& context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

/// Holds either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace sluice

#define SLUICE_CONCAT_INNER(a, b) a##b
#define SLUICE_CONCAT(a, b) SLUICE_CONCAT_INNER(a, b)

/// Returns the Status of `expr` from the enclosing function when it is not ok.
#define RETURN_IF_ERROR(expr)                       \
  do {                                              \
    ::sluice::Status _sluice_status = (expr);       \
    if (!_sluice_status.ok()) return _sluice_status; \
  } while (0)

#define SLUICE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()

/// Assigns the value of the Result `expr` to `lhs`, or returns its Status when it is not ok.
#define ASSIGN_OR_RETURN(lhs, expr) \
  SLUICE_ASSIGN_OR_RETURN_IMPL(SLUICE_CONCAT(_sluice_result_, __LINE__), lhs, expr)
