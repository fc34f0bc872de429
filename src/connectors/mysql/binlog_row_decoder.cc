#include "connectors/mysql/binlog_row_decoder.h"

#include <fmt/format.h>

#include <cstring>

#include "common/civil_time.h"
#include "types/cell_text.h"

namespace sluice::connectors {
namespace {

// Column type codes of the binlog (enum_field_types).
enum FieldType : uint8_t {
  kDecimal = 0,
  kTiny = 1,
  kShort = 2,
  kLong = 3,
  kFloat = 4,
  kDouble = 5,
  kNull = 6,
  kTimestamp = 7,
  kLongLong = 8,
  kInt24 = 9,
  kDate = 10,
  kTime = 11,
  kDateTime = 12,
  kYear = 13,
  kNewDate = 14,
  kVarchar = 15,
  kBit = 16,
  kTimestamp2 = 17,
  kDateTime2 = 18,
  kTime2 = 19,
  kJson = 245,
  kNewDecimal = 246,
  kEnum = 247,
  kSet = 248,
  kTinyBlob = 249,
  kMediumBlob = 250,
  kLongBlob = 251,
  kBlob = 252,
  kVarString = 253,
  kString = 254,
  kGeometry = 255,
};

// A bounds-checked reader over an event body.
class Cursor {
 public:
  explicit Cursor(std::string_view data) : data_(data) {}
  // Written so that a huge length read from the event cannot wrap around (pos_ <= size).
  bool Has(size_t n) const { return n <= data_.size() - pos_; }
  bool done() const { return pos_ >= data_.size(); }
  const uint8_t* Take(size_t n) {
    if (!Has(n)) {
      failed_ = true;
      pos_ = data_.size();
      static const uint8_t kZeros[16] = {};
      return kZeros;  // callers check failed() before using results
    }
    const uint8_t* p = reinterpret_cast<const uint8_t*>(data_.data()) + pos_;
    pos_ += n;
    return p;
  }
  // Integers are at most 8 bytes wide; a wider one (from bad metadata) fails the cursor.
  uint64_t LittleEndian(size_t n) {
    if (n > 8) return Fail();
    const uint8_t* p = Take(n);
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
    return v;
  }
  uint64_t BigEndian(size_t n) {
    if (n > 8) return Fail();
    const uint8_t* p = Take(n);
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
    return v;
  }
  uint64_t LengthEncoded() {
    uint64_t first = LittleEndian(1);
    if (first < 0xfb) return first;
    if (first == 0xfc) return LittleEndian(2);
    if (first == 0xfd) return LittleEndian(3);
    return LittleEndian(8);
  }
  std::string_view Bytes(size_t n) {
    const uint8_t* p = Take(n);
    return failed_ ? std::string_view() : std::string_view(reinterpret_cast<const char*>(p), n);
  }
  bool failed() const { return failed_; }

 private:
  uint64_t Fail() {
    failed_ = true;
    pos_ = data_.size();
    return 0;
  }

  std::string_view data_;
  size_t pos_ = 0;
  bool failed_ = false;
};

bool BitSet(std::string_view bitmap, size_t i) {
  return (static_cast<uint8_t>(bitmap[i / 8]) >> (i % 8)) & 1;
}

std::string CivilText(int64_t year, int64_t month, int64_t day) {
  return fmt::format("{:04}-{:02}-{:02}", year, month, day);
}

// Appends ".ffffff" cut to `digits` digits (none for 0).
std::string FractionText(int64_t micros, int digits) {
  if (digits <= 0) return "";
  return "." + fmt::format("{:06}", micros).substr(0, static_cast<size_t>(digits));
}

std::string EpochSecondsText(int64_t seconds, int64_t micros, int digits) {
  // Civil date from days since 1970-01-01 (the inverse of DaysFromCivil).
  int64_t days = seconds / 86400;
  int64_t rest = seconds % 86400;
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t day = doy - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return fmt::format("{} {:02}:{:02}:{:02}{}", CivilText(year, month, day), rest / 3600,
                     rest / 60 % 60, rest % 60, FractionText(micros, digits));
}

// Reads the fractional seconds of a temporal2 value with `fsp` digits, in microseconds.
int64_t ReadFraction(Cursor* in, int fsp) {
  switch (fsp) {
    case 1:
    case 2:
      return static_cast<int64_t>(in->BigEndian(1)) * 10000;
    case 3:
    case 4:
      return static_cast<int64_t>(in->BigEndian(2)) * 100;
    case 5:
    case 6:
      return static_cast<int64_t>(in->BigEndian(3));
    default:
      return 0;
  }
}

// Decodes MySQL's binary DECIMAL(precision, scale) into text.
Result<std::string> ReadDecimal(Cursor* in, int precision, int scale) {
  static const int kDigitBytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
  if (scale > precision) {
    return Status::DataError(fmt::format(
        "mysql-cdc: DECIMAL({}, {}) in a TABLE_MAP event has more fraction digits than digits",
        precision, scale));
  }
  const int integral = precision - scale;
  const int int_full = integral / 9, int_rest = integral % 9;
  const int frac_full = scale / 9, frac_rest = scale % 9;
  const size_t size = static_cast<size_t>(int_full * 4 + kDigitBytes[int_rest] + frac_full * 4 +
                                          kDigitBytes[frac_rest]);
  std::string_view raw = in->Bytes(size);
  if (in->failed() || size == 0) return std::string("0");
  std::string bytes(raw);
  const bool negative = (static_cast<uint8_t>(bytes[0]) & 0x80) == 0;
  bytes[0] = static_cast<char>(bytes[0] ^ 0x80);
  if (negative) {
    for (char& b : bytes) b = static_cast<char>(~b);
  }
  Cursor digits(bytes);
  std::string int_text;
  auto group = [&](int n_digits, size_t n_bytes) {
    return fmt::format("{:0{}}", digits.BigEndian(n_bytes), n_digits);
  };
  if (int_rest > 0) int_text += group(int_rest, static_cast<size_t>(kDigitBytes[int_rest]));
  for (int i = 0; i < int_full; ++i) int_text += group(9, 4);
  size_t first = int_text.find_first_not_of('0');
  int_text = first == std::string::npos ? "0" : int_text.substr(first);
  std::string frac_text;
  for (int i = 0; i < frac_full; ++i) frac_text += group(9, 4);
  if (frac_rest > 0) frac_text += group(frac_rest, static_cast<size_t>(kDigitBytes[frac_rest]));
  std::string out = negative ? "-" + int_text : int_text;
  return scale > 0 ? out + "." + frac_text : out;
}

std::string ReadBinlogInteger(Cursor* in, size_t bytes, bool is_unsigned) {
  uint64_t v = in->LittleEndian(bytes);
  if (is_unsigned) return std::to_string(v);
  const int shift = static_cast<int>(64 - 8 * bytes);
  return std::to_string(static_cast<int64_t>(v << shift) >> shift);
}

std::string ReadSet(Cursor* in, size_t bytes, const std::vector<std::string>& labels) {
  uint64_t bits = in->LittleEndian(bytes);
  std::string out;
  for (size_t i = 0; i < labels.size() && i < 64; ++i) {
    if (!((bits >> i) & 1)) continue;
    if (!out.empty()) out += ',';
    out += labels[i];
  }
  return out;
}

std::string ReadEnum(Cursor* in, size_t bytes, const std::vector<std::string>& labels) {
  uint64_t index = in->LittleEndian(bytes);
  return index >= 1 && index <= labels.size() ? labels[index - 1] : std::string();
}

// Reads DATETIME2 / TIMESTAMP2 / TIME2 / old temporal values; nullopt for zero dates.
std::optional<std::string> ReadTemporal(Cursor* in, uint8_t type, uint16_t meta) {
  const int fsp = static_cast<int>(meta);
  switch (type) {
    case kDate:
    case kNewDate: {
      uint64_t v = in->LittleEndian(3);
      if (v == 0) return std::nullopt;
      return CivilText(static_cast<int64_t>(v >> 9), (v >> 5) & 15, v & 31);
    }
    case kDateTime2: {
      int64_t packed = static_cast<int64_t>(in->BigEndian(5)) - 0x8000000000LL;
      int64_t micros = ReadFraction(in, fsp);
      int64_t ymd = packed >> 17, hms = packed & 0x1FFFF;
      int64_t ym = ymd >> 5;
      if (ymd == 0) return std::nullopt;
      return fmt::format("{} {:02}:{:02}:{:02}{}", CivilText(ym / 13, ym % 13, ymd & 31), hms >> 12,
                         (hms >> 6) & 63, hms & 63, FractionText(micros, fsp));
    }
    case kTimestamp2: {
      int64_t seconds = static_cast<int64_t>(in->BigEndian(4));
      int64_t micros = ReadFraction(in, fsp);
      if (seconds == 0 && micros == 0) return std::nullopt;
      return EpochSecondsText(seconds, micros, fsp);
    }
    case kTimestamp: {
      int64_t seconds = static_cast<int64_t>(in->LittleEndian(4));
      if (seconds == 0) return std::nullopt;
      return EpochSecondsText(seconds, 0, 0);
    }
    case kDateTime: {
      uint64_t v = in->LittleEndian(8);  // YYYYMMDDhhmmss
      if (v == 0) return std::nullopt;
      uint64_t date = v / 1000000, time = v % 1000000;
      return fmt::format("{} {:02}:{:02}:{:02}",
                         CivilText(date / 10000, date / 100 % 100, date % 100), time / 10000,
                         time / 100 % 100, time % 100);
    }
    case kTime2: {
      int64_t packed = static_cast<int64_t>(in->BigEndian(3)) - 0x800000;
      int64_t micros = ReadFraction(in, fsp);
      std::string sign = packed < 0 ? "-" : "";
      if (packed < 0) packed = -packed;
      return fmt::format("{}{:02}:{:02}:{:02}{}", sign, (packed >> 12) & 0x3FF, (packed >> 6) & 63,
                         packed & 63, FractionText(micros, fsp));
    }
    default: {  // kTime: 3 bytes HHMMSS
      int64_t v = static_cast<int64_t>(in->LittleEndian(3));
      return fmt::format("{:02}:{:02}:{:02}", v / 10000, v / 100 % 100, v % 100);
    }
  }
}

// Reads one non-null value of column `column` (type `type`, metadata `meta`).
Result<std::optional<std::string>> ReadValue(Cursor* in, uint8_t type, uint16_t meta,
                                             const MySqlTableSchema::Column& column) {
  switch (type) {
    case kTiny:
      return {ReadBinlogInteger(in, 1, column.is_unsigned)};
    case kShort:
      return {ReadBinlogInteger(in, 2, column.is_unsigned)};
    case kInt24:
      return {ReadBinlogInteger(in, 3, column.is_unsigned)};
    case kLong:
      return {ReadBinlogInteger(in, 4, column.is_unsigned)};
    case kLongLong:
      return {ReadBinlogInteger(in, 8, column.is_unsigned)};
    case kYear: {
      uint64_t v = in->LittleEndian(1);
      return {v == 0 ? std::string("0000") : std::to_string(1900 + v)};
    }
    case kFloat: {
      uint32_t bits = static_cast<uint32_t>(in->LittleEndian(4));
      float f;
      std::memcpy(&f, &bits, sizeof f);
      return {FormatFloat(f)};
    }
    case kDouble: {
      uint64_t bits = in->LittleEndian(8);
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return {FormatDouble(d)};
    }
    case kNewDecimal: {
      ASSIGN_OR_RETURN(std::string text, ReadDecimal(in, meta >> 8, meta & 0xFF));
      return {std::move(text)};
    }
    case kBit: {
      size_t bytes = (meta >> 8) + ((meta & 0xFF) > 0 ? 1 : 0);
      return {std::to_string(in->BigEndian(bytes))};
    }
    case kEnum:
      return {ReadEnum(in, meta & 0xFF, column.labels)};
    case kSet:
      return {ReadSet(in, meta & 0xFF, column.labels)};
    case kVarchar:
    case kVarString: {
      size_t length = static_cast<size_t>(in->LittleEndian(meta > 255 ? 2 : 1));
      return {std::string(in->Bytes(length))};
    }
    case kString: {
      const uint8_t real_type = static_cast<uint8_t>(meta >> 8);
      if (real_type == kEnum) return {ReadEnum(in, meta & 0xFF, column.labels)};
      if (real_type == kSet) return {ReadSet(in, meta & 0xFF, column.labels)};
      const size_t max_length = (((meta >> 4) & 0x300) ^ 0x300) + (meta & 0xFF);
      size_t length = static_cast<size_t>(in->LittleEndian(max_length > 255 ? 2 : 1));
      return {std::string(in->Bytes(length))};
    }
    case kTinyBlob:
    case kMediumBlob:
    case kLongBlob:
    case kBlob: {
      size_t length = static_cast<size_t>(in->LittleEndian(meta));
      return {std::string(in->Bytes(length))};
    }
    case kDate:
    case kNewDate:
    case kDateTime2:
    case kTimestamp2:
    case kTimestamp:
    case kDateTime:
    case kTime2:
    case kTime:
      return ReadTemporal(in, type, meta);
    default:
      return Status::Unsupported(
          fmt::format("mysql-cdc: column {} has binlog type {}, which sluice does not decode",
                      column.name, type));
  }
}

Status Truncated(const BinlogRowDecoder::TableMap& map) {
  return Status::DataError(fmt::format(
      "mysql-cdc: truncated or malformed row in binlog event of {}.{}", map.database, map.table));
}

// Reads one row image: a null bitmap over the present columns, then their values.
Status ReadImage(Cursor* in, std::string_view present, const BinlogRowDecoder::TableMap& map,
                 const MySqlTableSchema& schema, std::vector<std::optional<std::string>>* out) {
  const size_t n = map.types.size();
  size_t n_present = 0;
  for (size_t i = 0; i < n; ++i) n_present += BitSet(present, i) ? 1 : 0;
  std::string_view nulls = in->Bytes((n_present + 7) / 8);
  out->assign(n, std::nullopt);
  if (in->failed()) return Truncated(map);  // no null bitmap to read
  size_t j = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!BitSet(present, i)) continue;
    if (BitSet(nulls, j++)) continue;
    ASSIGN_OR_RETURN((*out)[i], ReadValue(in, map.types[i], map.metadata[i], schema.columns[i]));
  }
  return in->failed() ? Truncated(map) : Status::Ok();
}

bool AllSet(std::string_view bitmap, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (!BitSet(bitmap, i)) return false;
  }
  return true;
}

}  // namespace

Result<uint64_t> BinlogRowDecoder::RowsTableId(std::string_view body) {
  Cursor in(body);
  uint64_t id = in.LittleEndian(6);
  if (in.failed()) return Status::DataError("mysql-cdc: truncated rows event");
  return id;
}

Result<BinlogRowDecoder::TableMap> BinlogRowDecoder::ParseTableMap(std::string_view body) {
  Cursor in(body);
  TableMap map;
  map.table_id = in.LittleEndian(6);
  in.LittleEndian(2);  // flags
  map.database = std::string(in.Bytes(in.LittleEndian(1)));
  in.LittleEndian(1);  // NUL
  map.table = std::string(in.Bytes(in.LittleEndian(1)));
  in.LittleEndian(1);
  const size_t n = static_cast<size_t>(in.LengthEncoded());
  std::string_view types = in.Bytes(n);
  map.types.assign(types.begin(), types.end());
  Cursor meta(in.Bytes(static_cast<size_t>(in.LengthEncoded())));
  for (uint8_t type : map.types) {
    switch (type) {
      case kFloat:
      case kDouble:
      case kTinyBlob:
      case kMediumBlob:
      case kLongBlob:
      case kBlob:
      case kJson:
      case kGeometry:
      case kTime2:
      case kDateTime2:
      case kTimestamp2:
        map.metadata.push_back(static_cast<uint16_t>(meta.LittleEndian(1)));
        break;
      case kVarchar:
      case kVarString:
      case kBit:
        map.metadata.push_back(static_cast<uint16_t>(meta.LittleEndian(2)));
        break;
      case kNewDecimal:
      case kString:
      case kEnum:
      case kSet:
        map.metadata.push_back(static_cast<uint16_t>(meta.BigEndian(2)));
        break;
      default:
        map.metadata.push_back(0);
    }
  }
  if (in.failed() || meta.failed()) return Status::DataError("mysql-cdc: truncated TABLE_MAP");
  return map;
}

Status BinlogRowDecoder::DecodeRows(uint8_t type, std::string_view body, const TableMap& map,
                                    const MySqlTableSchema& schema, std::vector<Change>* out) {
  Cursor in(body);
  in.LittleEndian(6);  // table id
  in.LittleEndian(2);  // flags
  if (type >= kWriteRowsV2) {
    size_t extra = static_cast<size_t>(in.LittleEndian(2));
    if (extra >= 2) in.Bytes(extra - 2);
  }
  const size_t n = static_cast<size_t>(in.LengthEncoded());
  if (n != map.types.size() || n != schema.columns.size()) {
    return Status::DataError(fmt::format(
        "mysql-cdc: {}.{} has {} columns in the binlog but {} in information_schema (the table "
        "was altered; restart the pipeline with a fresh snapshot)",
        map.database, map.table, n, schema.columns.size()));
  }
  if (n == 0) {  // no row image could consume a byte: reading images would never end
    return Status::DataError(
        fmt::format("mysql-cdc: rows event of {}.{} without columns", map.database, map.table));
  }
  const bool update = type == kUpdateRowsV1 || type == kUpdateRowsV2;
  std::string_view present = in.Bytes((n + 7) / 8);
  std::string_view present_after = update ? in.Bytes((n + 7) / 8) : present;
  if (in.failed()) return Status::DataError("mysql-cdc: truncated rows event");
  if (!AllSet(present, n) || !AllSet(present_after, n)) {
    return Status::InvalidArgument(fmt::format(
        "mysql-cdc: the binlog event of {}.{} does not carry every column: the server must run "
        "with binlog_row_image=FULL",
        map.database, map.table));
  }
  while (!in.done()) {
    Change change;
    change.kind = type == kWriteRowsV1 || type == kWriteRowsV2 ? RowKind::kInsert
                  : update                                     ? RowKind::kUpdateBefore
                                                               : RowKind::kDelete;
    RETURN_IF_ERROR(ReadImage(&in, present, map, schema, &change.values));
    out->push_back(std::move(change));
    if (!update) continue;
    Change after;
    after.kind = RowKind::kUpdateAfter;
    RETURN_IF_ERROR(ReadImage(&in, present_after, map, schema, &after.values));
    out->push_back(std::move(after));
  }
  return Status::Ok();
}

}  // namespace sluice::connectors
