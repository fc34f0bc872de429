#include "expr/json_path.h"

namespace sluice::expr {

std::optional<std::string> JsonPointer(std::string_view path) {
  if (path.empty() || path[0] != '$') return std::nullopt;
  std::string out;
  size_t i = 1;
  while (i < path.size()) {
    if (path[i] == '.') {
      size_t j = path.find_first_of(".[", i + 1);
      if (j == std::string_view::npos) j = path.size();
      if (j == i + 1) return std::nullopt;
      out += '/';
      for (char c : path.substr(i + 1, j - i - 1))
        out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
      i = j;
    } else if (path[i] == '[') {
      size_t j = path.find(']', i);
      if (j == std::string_view::npos) return std::nullopt;
      std::string_view key = path.substr(i + 1, j - i - 1);
      if (key.size() >= 2 && (key[0] == '\'' || key[0] == '"')) key = key.substr(1, key.size() - 2);
      out += '/';
      out.append(key);
      i = j + 1;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace sluice::expr
