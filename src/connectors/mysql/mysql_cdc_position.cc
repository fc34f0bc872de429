#include "connectors/mysql/mysql_cdc_position.h"

#include <fmt/format.h>

#include "connectors/formats/text_value_parser.h"

namespace sluice::connectors {
namespace {

std::string Hex(const std::string& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::optional<std::string> Unhex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    int value = 0;
    for (size_t j = i; j < i + 2; ++j) {
      char c = hex[j];
      int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (digit < 0) return std::nullopt;
      value = value * 16 + digit;
    }
    out += static_cast<char>(value);
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

}  // namespace

std::string MySqlCdcPosition::ToString() const {
  if (!snapshot) return fmt::format("binlog:{}:{}:{}", file, pos, rows);
  std::string encoded;
  for (size_t i = 0; i < key.size(); ++i) encoded += (i ? "," : "") + Hex(key[i]);
  return fmt::format("snapshot:{}:{}:{}:{}", file, pos, table, encoded);
}

Result<MySqlCdcPosition> MySqlCdcPosition::Parse(const std::string& text) {
  auto bad = [&] { return Status::DataError("mysql-cdc: not a position: '" + text + "'"); };
  std::vector<std::string_view> parts = Split(text, ':');
  MySqlCdcPosition p;
  p.snapshot = parts[0] == "snapshot";
  if (parts.size() != (p.snapshot ? 5u : 4u) || (!p.snapshot && parts[0] != "binlog")) {
    return bad();
  }
  p.file = std::string(parts[1]);
  std::optional<int64_t> pos = ParseIntegerText(parts[2]);
  std::optional<int64_t> third = ParseIntegerText(parts[3]);
  if (!pos || !third || *pos < 0 || *third < 0) return bad();
  p.pos = static_cast<uint64_t>(*pos);
  if (!p.snapshot) {
    p.rows = static_cast<uint64_t>(*third);
    return p;
  }
  p.table = static_cast<size_t>(*third);
  if (!parts[4].empty()) {
    for (std::string_view hex : Split(parts[4], ',')) {
      std::optional<std::string> value = Unhex(hex);
      if (!value) return bad();
      p.key.push_back(std::move(*value));
    }
  }
  return p;
}

}  // namespace sluice::connectors
