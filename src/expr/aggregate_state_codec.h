#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace sluice::expr {

/// Encodes and decodes the fixed-width little-endian fields of serialised aggregate states.
/// Stateless; every function is thread-safe.
class AggregateStateCodec {
 public:
  static void PutU8(uint8_t v, std::string* out) { out->push_back(static_cast<char>(v)); }
  static void PutI64(int64_t v, std::string* out) {
    uint64_t u = static_cast<uint64_t>(v);
    for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((u >> (8 * i)) & 0xff));
  }
  static void PutDouble(double v, std::string* out) {
    int64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    PutI64(bits, out);
  }
  static void PutString(std::string_view v, std::string* out) {
    PutI64(static_cast<int64_t>(v.size()), out);
    out->append(v);
  }

  /// Each Get reads one field from the front of `in` and advances it; false when `in` is short.
  static bool GetU8(std::string_view* in, uint8_t* v) {
    if (in->empty()) return false;
    *v = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    return true;
  }
  static bool GetI64(std::string_view* in, int64_t* v) {
    if (in->size() < 8) return false;
    uint64_t u = 0;
    for (int i = 0; i < 8; ++i) u |= uint64_t{static_cast<uint8_t>((*in)[i])} << (8 * i);
    *v = static_cast<int64_t>(u);
    in->remove_prefix(8);
    return true;
  }
  static bool GetDouble(std::string_view* in, double* v) {
    int64_t bits;
    if (!GetI64(in, &bits)) return false;
    std::memcpy(v, &bits, sizeof bits);
    return true;
  }
  static bool GetString(std::string_view* in, std::string* v) {
    int64_t n;
    if (!GetI64(in, &n) || n < 0 || static_cast<uint64_t>(n) > in->size()) return false;
    v->assign(in->substr(0, static_cast<size_t>(n)));
    in->remove_prefix(static_cast<size_t>(n));
    return true;
  }
};

}  // namespace sluice::expr
