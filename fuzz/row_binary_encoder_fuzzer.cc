// libFuzzer target: RowBinaryEncoder, round trip. The input chooses 1-4 columns (a pipeline type
// and a ClickHouse type spelling, or a fuzzed spelling for ClickHouseType::Parse) and up to 8
// rows of values. A mapping Create refuses is a kPlanError; a value Encode refuses is a
// kDataError; otherwise the bytes are read back with RowBinaryReader (row_binary_reader.h),
// which must consume them exactly, and each value must come back as what it was: integers,
// decimals (rescaled), dates and times (in the target's unit), strings, enum names, UUIDs and
// NULLs exactly, floats and decimals from DOUBLE to rounding.

#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "connectors/clickhouse/row_binary_encoder.h"
#include "fuzz/row_binary_reader.h"

namespace sluice::fuzz {
namespace {

using connectors::ClickHouseType;
using connectors::RowBinaryEncoder;
using Kind = ClickHouseType::Kind;
using int128 = __int128;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "invariant broken: %s\n", what.c_str());
  std::abort();
}

LogicalType PickSource(FuzzedDataProvider* in) {
  switch (in->ConsumeIntegralInRange<int>(0, 10)) {
    case 0:
      return LogicalType::Boolean();
    case 1:
      return LogicalType::Int();
    case 2:
      return LogicalType::BigInt();
    case 3:
      return LogicalType::Double();
    case 4:
      return LogicalType::Float();
    case 5: {
      const int precision = in->ConsumeIntegralInRange<int>(1, 18);
      return LogicalType::Decimal(precision, in->ConsumeIntegralInRange<int>(0, precision));
    }
    case 6:
      return LogicalType::Date();
    case 7:
      return LogicalType::Timestamp(3);
    case 8:
      return LogicalType::TimestampLtz(3);
    case 9:
      return LogicalType::Interval();
    default:
      return LogicalType::String();
  }
}

std::string PickTargetSpelling(FuzzedDataProvider* in) {
  static const char* const kBases[] = {"Int8",
                                       "Int16",
                                       "Int32",
                                       "Int64",
                                       "UInt8",
                                       "UInt16",
                                       "UInt32",
                                       "UInt64",
                                       "Float32",
                                       "Float64",
                                       "String",
                                       "Date",
                                       "DateTime",
                                       "UUID",
                                       "Bool",
                                       "FixedString(4)",
                                       "Enum8('a' = 1, 'b' = -2)",
                                       "Enum16('a' = 1000, 'zz' = -3)",
                                       "Array(Int32)",
                                       "Array(Nullable(String))",
                                       "Array(FixedString(2))",
                                       "Array(Float64)",
                                       "Array(UInt8)"};
  const int choice = in->ConsumeIntegralInRange<int>(0, static_cast<int>(std::size(kBases)) + 3);
  std::string base;
  if (choice < static_cast<int>(std::size(kBases))) {
    base = kBases[choice];
  } else if (choice == static_cast<int>(std::size(kBases))) {
    const int precision = in->ConsumeIntegralInRange<int>(1, 38);
    base = "Decimal(" + std::to_string(precision) + ", " +
           std::to_string(in->ConsumeIntegralInRange<int>(0, precision)) + ")";
  } else if (choice == static_cast<int>(std::size(kBases)) + 1) {
    base = "DateTime64(" + std::to_string(in->ConsumeIntegralInRange<int>(0, 9)) + ", 'UTC')";
  } else if (choice == static_cast<int>(std::size(kBases)) + 2) {
    base = "FixedString(" + std::to_string(in->ConsumeIntegralInRange<int>(1, 20)) + ")";
  } else {
    return in->ConsumeRandomLengthString(64);  // anything: Parse must refuse or accept it
  }
  switch (in->ConsumeIntegralInRange<int>(0, 3)) {
    case 0:
      return "Nullable(" + base + ")";
    case 1:
      return "LowCardinality(" + base + ")";
    default:
      return base;
  }
}

std::string PickString(FuzzedDataProvider* in) {
  switch (in->ConsumeIntegralInRange<int>(0, 4)) {
    case 0: {  // a UUID in its text form
      static const char kHex[] = "0123456789abcdef";
      std::string s;
      for (int i = 0; i < 32; ++i) {
        if (i == 8 || i == 12 || i == 16 || i == 20) s += '-';
        s += kHex[in->ConsumeIntegralInRange<int>(0, 15)];
      }
      return s;
    }
    case 1: {  // a JSON array of numbers, strings and nulls
      std::string s = "[";
      for (int n = in->ConsumeIntegralInRange<int>(0, 4); n > 0; --n) {
        if (s.size() > 1) s += ',';
        s += in->ConsumeBool() ? std::to_string(in->ConsumeIntegral<int32_t>())
             : in->ConsumeBool()
                 ? "null"
                 : "\"" + std::to_string(in->ConsumeIntegralInRange<int>(0, 99)) + "\"";
      }
      return s + "]";
    }
    case 2:
      return in->PickValueInArray({"a", "b", "zz", ""});
    default:
      return in->ConsumeRandomLengthString(40);
  }
}

ColumnPtr MakeColumn(const LogicalType& type, size_t rows, FuzzedDataProvider* in) {
  auto column = std::make_shared<Column>(type);
  for (size_t r = 0; r < rows; ++r) {
    if (in->ConsumeIntegralInRange<int>(0, 7) == 0) {
      column->AppendNull();
      continue;
    }
    switch (type.physical()) {
      case PhysicalType::kBool:
        column->AppendBool(in->ConsumeBool());
        break;
      case PhysicalType::kInt64: {
        int64_t v = in->ConsumeBool() ? in->ConsumeIntegralInRange<int64_t>(-100000, 100000)
                                      : in->ConsumeIntegral<int64_t>();
        if (type.id == TypeId::kInt) v = static_cast<int32_t>(v);
        column->AppendInt(v);
        break;
      }
      case PhysicalType::kDouble: {
        double v = in->ConsumeBool() ? in->ConsumeFloatingPointInRange(-1e6, 1e6)
                                     : in->ConsumeFloatingPoint<double>();
        if (type.id == TypeId::kFloat) v = static_cast<float>(v);
        column->AppendDouble(v);
        break;
      }
      case PhysicalType::kString:
        column->AppendString(PickString(in));
        break;
      case PhysicalType::kNested:  // never: the fuzzed types are scalars
        column->AppendNull();
        break;
    }
  }
  return column;
}

int128 Pow10(int n) {
  int128 r = 1;
  while (n-- > 0) r *= 10;
  return r;
}

int128 FloorDiv(int128 a, int128 b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::string Hex(uint64_t v) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(v));
  return text;
}

bool CloseTo(long double actual, long double expected) {
  return std::fabs(actual - expected) <= 1e-6L * std::fabs(expected) + 1;
}

// Checks that `got` is the value of row `row` of `column` encoded as `target`.
void CheckValue(const RowBinaryValue& got, const Column& column, size_t row,
                const ClickHouseType& target) {
  if (got.null != column.IsNull(row)) Fail("NULL flag of " + target.spelling);
  if (got.null) return;
  const LogicalType& s = column.type();
  switch (target.kind) {
    case Kind::kFloat32:
    case Kind::kFloat64: {
      long double expected =
          s.physical() == PhysicalType::kDouble ? column.doubles()[row] : column.ints()[row];
      if (s.id == TypeId::kDecimal) expected /= static_cast<long double>(Pow10(s.scale));
      if (std::isnan(static_cast<double>(expected))) return;
      if (target.kind == Kind::kFloat32 && std::fabs(expected) > 3.4e38L) return;  // infinity
      if (std::fabs(static_cast<long double>(got.real) - expected) >
          1e-6L * std::fabs(expected) + 1e-30L) {
        Fail("float value of " + target.spelling);
      }
      return;
    }
    case Kind::kDecimal:
      if (s.physical() == PhysicalType::kDouble) {
        const long double expected = column.doubles()[row] * powl(10.0L, target.scale);
        if (!CloseTo(static_cast<long double>(got.integer), expected)) {
          Fail("decimal from DOUBLE " + std::to_string(column.doubles()[row]) + " into " +
               target.spelling);
        }
        return;
      }
      if (got.integer !=
          column.ints()[row] * Pow10(target.scale - (s.id == TypeId::kDecimal ? s.scale : 0))) {
        Fail("decimal value " + std::to_string(column.ints()[row]) + " of " + s.ToString() +
             " into " + target.spelling);
      }
      return;
    case Kind::kString:
      if (target.kind == Kind::kString && got.bytes != column.strings()[row]) Fail("string");
      return;
    case Kind::kFixedString: {
      std::string expected(column.strings()[row]);
      expected.resize(static_cast<size_t>(target.fixed_size), '\0');
      if (got.bytes != expected) Fail("fixed string");
      return;
    }
    case Kind::kEnum8:
    case Kind::kEnum16:
      for (const auto& [name, value] : target.enum_values) {
        if (value == got.integer && name == column.strings()[row]) return;
      }
      Fail("enum value of " + std::string(column.strings()[row]));
    case Kind::kUUID: {
      std::string expected;
      for (char c : column.strings()[row]) {
        if (c != '-') expected += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      uint64_t high = 0, low = 0;
      std::memcpy(&high, got.bytes.data(), 8);
      std::memcpy(&low, got.bytes.data() + 8, 8);
      if (Hex(high) + Hex(low) != expected) Fail("UUID " + std::string(column.strings()[row]));
      return;
    }
    case Kind::kArray:
      return;  // its structure was checked by reading it
    case Kind::kDate:
      if (got.integer != column.ints()[row]) Fail("date");
      return;
    case Kind::kDateTime: {
      const int128 v = column.ints()[row];
      if (got.integer != (s.id == TypeId::kDate ? v * 86400 : FloorDiv(v, 1000))) Fail("DateTime");
      return;
    }
    case Kind::kDateTime64: {
      int128 millis = column.ints()[row];
      if (s.id == TypeId::kDate) millis *= 86'400'000;
      const int128 expected = target.precision >= 3 ? millis * Pow10(target.precision - 3)
                                                    : FloorDiv(millis, Pow10(3 - target.precision));
      if (got.integer != expected) Fail("DateTime64 of " + std::to_string(column.ints()[row]));
      return;
    }
    default: {  // integers
      const int128 expected = s.id == TypeId::kBoolean ? column.bools()[row] : column.ints()[row];
      if (got.integer != expected) Fail("integer into " + target.spelling);
      return;
    }
  }
}

}  // namespace
}  // namespace sluice::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice;
  using namespace sluice::fuzz;
  FuzzedDataProvider in(data, size);
  std::vector<RowBinaryEncoder::ColumnSpec> specs;
  std::vector<Field> fields;
  for (int n = in.ConsumeIntegralInRange<int>(1, 4), i = 0; i < n; ++i) {
    const std::string name = "c" + std::to_string(i);
    LogicalType source = PickSource(&in);
    auto target = ClickHouseType::Parse(PickTargetSpelling(&in));
    if (!target.ok()) {
      if (target.status().code() != StatusCode::kInvalidArgument &&
          target.status().code() != StatusCode::kUnsupported) {
        Fail("ClickHouseType::Parse: " + target.status().ToString());
      }
      return 0;
    }
    specs.push_back({static_cast<size_t>(i), name, source, *target});
    fields.push_back({name, source});
  }
  auto encoder = RowBinaryEncoder::Create(specs, "db.t");
  if (!encoder.ok()) {
    if (encoder.status().code() != StatusCode::kPlanError) Fail(encoder.status().ToString());
    return 0;
  }
  Batch batch;
  batch.schema = std::make_shared<Schema>(fields);
  batch.num_rows = in.ConsumeIntegralInRange<size_t>(0, 8);
  for (const Field& field : fields) {
    batch.columns.push_back(MakeColumn(field.type, batch.num_rows, &in));
  }
  const std::string prefix = "prefix";
  std::string out = prefix;
  Status status = encoder->Encode(batch, &out);
  if (!status.ok()) {
    if (status.code() != StatusCode::kDataError || status.message().empty()) {
      Fail("Encode: " + status.ToString());
    }
    return 0;
  }
  std::string again;
  if (!encoder->Encode(batch, &again).ok() || prefix + again != out) Fail("not deterministic");
  if (out.compare(0, prefix.size(), prefix) != 0) Fail("the bytes before were changed");
  RowBinaryReader reader(std::string_view(out).substr(prefix.size()));
  for (size_t r = 0; r < batch.num_rows; ++r) {
    for (const auto& spec : specs) {
      RowBinaryValue value = reader.Read(spec.target);
      if (reader.failed()) Fail("the bytes end inside row " + std::to_string(r));
      CheckValue(value, batch.column(spec.batch_column), r, spec.target);
    }
  }
  if (!reader.done()) Fail("bytes left after the last row");
  return 0;
}
