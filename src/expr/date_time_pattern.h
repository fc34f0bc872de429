#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::expr {

/// A Java SimpleDateFormat-style pattern ('yyyy-MM-dd HH:mm:ss.SSS') compiled once, then used to
/// format and parse epoch milliseconds in UTC. Letters: y M d H m s S; text in single quotes and
/// other characters are literals. Immutable after construction; thread-safe.
class DateTimePattern {
 public:
  explicit DateTimePattern(std::string_view pattern);

  /// Appends `millis` formatted by the pattern to `out`.
  void Format(int64_t millis, std::string* out) const;
  /// Parses the whole of `text`; nullopt when it does not match the pattern.
  std::optional<int64_t> Parse(std::string_view text) const;

 private:
  struct Token {
    char letter;  // 0 for a literal
    int count;
    std::string literal;
  };
  std::vector<Token> tokens_;
};

}  // namespace sluice::expr
