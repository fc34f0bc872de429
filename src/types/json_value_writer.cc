#include "types/json_value_writer.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>

#include "common/civil_time.h"
#include "common/json_string.h"
#include "types/cell_text.h"

namespace sluice {

JsonValueWriter::JsonValueWriter(MapNullKeyMode map_null_key_mode, std::string map_null_key_literal)
    : map_null_key_mode_(map_null_key_mode),
      map_null_key_literal_(std::move(map_null_key_literal)) {}

Result<MapNullKeyMode> JsonValueWriter::ParseMapNullKeyMode(std::string_view text) {
  std::string upper;
  for (char c : text)
    upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (upper == "FAIL") return MapNullKeyMode::kFail;
  if (upper == "DROP") return MapNullKeyMode::kDrop;
  if (upper == "LITERAL") return MapNullKeyMode::kLiteral;
  return Status::InvalidArgument(
      fmt::format("'json.map-null-key.mode' is '{}'; expected 'FAIL', 'DROP' or 'LITERAL'", text));
}

Status JsonValueWriter::AppendMapKey(const Column& keys, size_t entry, const LogicalType& map,
                                     std::string* out) const {
  if (!keys.IsNull(entry)) {
    std::string key;
    AppendCellText(keys, entry, &key);
    AppendJsonString(key, out);
    return Status::Ok();
  }
  if (map_null_key_mode_ == MapNullKeyMode::kFail) {
    return Status::DataError(fmt::format(
        "a {} value has a NULL key, which JSON cannot write with 'json.map-null-key.mode' = "
        "'FAIL' (set it to 'DROP' or 'LITERAL')",
        map.WithNullable(true).ToString()));
  }
  AppendJsonString(map_null_key_literal_, out);
  return Status::Ok();
}

Status JsonValueWriter::AppendNested(const Column& col, size_t row, std::string* out) const {
  const LogicalType& t = col.type();
  if (t.id == TypeId::kRow) {
    out->push_back('{');
    for (size_t c = 0; c < col.num_children(); ++c) {
      if (c > 0) out->push_back(',');
      AppendJsonString(t.field_name(c), out);
      out->push_back(':');
      RETURN_IF_ERROR(Append(col.child(c), row, out));
    }
    out->push_back('}');
    return Status::Ok();
  }
  const bool is_map = t.id == TypeId::kMap;
  out->push_back(is_map ? '{' : '[');
  bool first = true;
  for (uint32_t e = col.offsets()[row]; e < col.offsets()[row + 1]; ++e) {
    const bool drop =
        is_map && col.child(0).IsNull(e) && map_null_key_mode_ == MapNullKeyMode::kDrop;
    if (drop) continue;
    if (!first) out->push_back(',');
    first = false;
    if (is_map) {
      RETURN_IF_ERROR(AppendMapKey(col.child(0), e, t, out));
      out->push_back(':');
    }
    RETURN_IF_ERROR(Append(col.child(is_map ? 1 : 0), e, out));
  }
  out->push_back(is_map ? '}' : ']');
  return Status::Ok();
}

Status JsonValueWriter::Append(const Column& col, size_t row, std::string* out) const {
  if (col.IsNull(row)) {
    out->append("null");
    return Status::Ok();
  }
  const LogicalType& t = col.type();
  switch (t.id) {
    case TypeId::kString:
      AppendJsonString(col.strings()[row], out);
      break;
    case TypeId::kTimestamp:
      out->push_back('"');
      out->append(FormatTimestamp(col.ints()[row], t.precision));
      out->push_back('"');
      break;
    case TypeId::kTimestampLtz:
      out->push_back('"');
      out->append(FormatTimestamp(col.ints()[row], t.precision));
      out->append("Z\"");
      break;
    case TypeId::kDate:
      out->push_back('"');
      out->append(FormatDate(col.ints()[row]));
      out->push_back('"');
      break;
    case TypeId::kFloat:
    case TypeId::kDouble:
      if (!std::isfinite(col.doubles()[row])) {
        AppendJsonString(FormatDouble(col.doubles()[row]), out);
      } else {
        AppendCellText(col, row, out);
      }
      break;
    case TypeId::kRow:
    case TypeId::kArray:
    case TypeId::kMap:
      return AppendNested(col, row, out);
    default:
      AppendCellText(col, row, out);
      break;
  }
  return Status::Ok();
}

}  // namespace sluice
