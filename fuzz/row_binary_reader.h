#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/clickhouse/clickhouse_type.h"

namespace sluice::fuzz {

/// One value read back from RowBinary: NULL, an integer (integers, Decimal, Date, DateTime,
/// DateTime64, Enum), a float, bytes (String, FixedString, UUID), or array elements.
struct RowBinaryValue {
  bool null = false;
  __int128 integer = 0;
  double real = 0;
  std::string bytes;
  std::vector<RowBinaryValue> elements;
};

/// Reads RowBinary values by their ClickHouse type, as the server's parser does: the reference
/// that RowBinaryEncoder's output is checked against. Every read is bounds-checked; a read past
/// the end sets failed().
class RowBinaryReader {
 public:
  using Kind = connectors::ClickHouseType::Kind;

  explicit RowBinaryReader(std::string_view data) : data_(data) {}

  bool failed() const { return failed_; }
  bool done() const { return pos_ == data_.size(); }

  RowBinaryValue Read(const connectors::ClickHouseType& type) {
    RowBinaryValue value;
    if (type.nullable && Bytes(1) == std::string_view("\x01", 1)) {
      value.null = true;
      return value;
    }
    switch (type.kind) {
      case Kind::kFloat32: {
        float f = 0;
        std::memcpy(&f, Bytes(4).data(), failed_ ? 0 : 4);
        value.real = f;
        break;
      }
      case Kind::kFloat64:
        std::memcpy(&value.real, Bytes(8).data(), failed_ ? 0 : 8);
        break;
      case Kind::kString:
        value.bytes = Bytes(VarUInt());
        break;
      case Kind::kFixedString:
        value.bytes = Bytes(static_cast<size_t>(type.fixed_size));
        break;
      case Kind::kUUID:
        value.bytes = Bytes(16);
        break;
      case Kind::kArray:
        for (uint64_t n = VarUInt(); n > 0 && !failed_; --n) {
          value.elements.push_back(Read(*type.element));
        }
        break;
      default:
        value.integer = Integer(type.byte_width(), IsSigned(type));
    }
    return value;
  }

 private:
  static bool IsSigned(const connectors::ClickHouseType& type) {
    return type.is_signed_integer() || type.kind == Kind::kDecimal || type.kind == Kind::kEnum8 ||
           type.kind == Kind::kEnum16 || type.kind == Kind::kDateTime64;
  }

  std::string_view Bytes(uint64_t n) {
    if (failed_ || n > data_.size() - pos_) {
      failed_ = true;
      return std::string_view();
    }
    std::string_view s = data_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return s;
  }

  uint64_t VarUInt() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      std::string_view b = Bytes(1);
      if (failed_) return 0;
      v |= uint64_t{static_cast<uint8_t>(b[0]) & 0x7fu} << shift;
      if ((static_cast<uint8_t>(b[0]) & 0x80) == 0) return v;
    }
    failed_ = true;
    return 0;
  }

  __int128 Integer(int width, bool is_signed) {
    std::string_view b = Bytes(static_cast<uint64_t>(width));
    if (failed_ || width == 0) return 0;
    unsigned __int128 u = 0;
    for (int i = width - 1; i >= 0; --i) u = (u << 8) | static_cast<uint8_t>(b[i]);
    if (is_signed && width < 16 && (u >> (8 * width - 1)) != 0) {
      u |= ~((static_cast<unsigned __int128>(1) << (8 * width)) - 1);  // sign-extend
    }
    return static_cast<__int128>(u);
  }

  std::string_view data_;
  size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace sluice::fuzz
