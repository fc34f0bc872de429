#include "common/env_substitution.h"

#include <fmt/format.h>

#include <cstdlib>

namespace sluice {
namespace {

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }

bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

bool IsValidName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0])) return false;
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

// Resolves the body of one `${...}` reference (the text between the braces).
Result<std::string> ResolveReference(std::string_view body) {
  size_t sep = body.find(":-");
  std::string_view name = body.substr(0, sep);
  if (!IsValidName(name)) {
    return Status::InvalidArgument(
        fmt::format("invalid environment variable name '{}' in '${{{}}}'", name, body));
  }
  const char* value = std::getenv(std::string(name).c_str());
  if (sep == std::string_view::npos) {
    if (value == nullptr) {
      return Status::InvalidArgument(fmt::format(
          "environment variable {} is not set (write ${{{}:-default}} to give a default)", name,
          name));
    }
    return std::string(value);
  }
  if (value == nullptr || *value == '\0') return std::string(body.substr(sep + 2));
  return std::string(value);
}

}  // namespace

Result<std::string> SubstituteEnv(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t start = text.find("${", i);
    if (start == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, start - i));
    size_t end = text.find('}', start + 2);
    if (end == std::string_view::npos) {
      return Status::InvalidArgument(
          fmt::format("unterminated '${{' at offset {}: expected '}}' in '{}'", start, text));
    }
    ASSIGN_OR_RETURN(std::string value, ResolveReference(text.substr(start + 2, end - start - 2)));
    out.append(value);
    i = end + 1;
  }
  return out;
}

}  // namespace sluice
