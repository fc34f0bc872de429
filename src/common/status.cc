#include "common/status.h"

namespace sluice {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid argument";
    case StatusCode::kParseError: return "parse error";
    case StatusCode::kPlanError: return "plan error";
    case StatusCode::kNotFound: return "not found";
    case StatusCode::kDataError: return "data error";
    case StatusCode::kUnsupported: return "unsupported";
    case StatusCode::kIoError: return "I/O error";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kCancelled: return "cancelled";
    case StatusCode::kInternal: return "internal error";
  }
  return "unknown";
}

bool Status::is_user_error() const {
  switch (code_) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kParseError:
    case StatusCode::kPlanError:
    case StatusCode::kNotFound:
    case StatusCode::kDataError:
    case StatusCode::kUnsupported:
      return true;
    default:
      return false;
  }
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

Status Status::WithContext(const std::string& context) const {
  if (ok()) return *this;
  return Status(code_, context + ": " + message_);
}

}  // namespace sluice
