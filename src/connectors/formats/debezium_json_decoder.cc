#include "connectors/formats/debezium_json_decoder.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cmath>
#include <limits>
#include <map>

#include "common/civil_time.h"
#include "connectors/formats/text_value_parser.h"

namespace sluice::connectors {

namespace dom = simdjson::dom;

// How Debezium encoded one column, from the message's schema (when included). Outside the
// anonymous namespace: DebeziumJsonDecoder::Parser holds it.
struct DebeziumFieldEncoding {
  std::string_view semantic;  // e.g. "io.debezium.time.Date"; empty: plain
  std::optional<int> scale;   // Kafka Connect Decimal's 'scale' parameter
};

namespace {

constexpr std::string_view kDate = "io.debezium.time.Date";
constexpr std::string_view kConnectDate = "org.apache.kafka.connect.data.Date";
constexpr std::string_view kMicroTimestamp = "io.debezium.time.MicroTimestamp";
constexpr std::string_view kNanoTimestamp = "io.debezium.time.NanoTimestamp";
constexpr std::string_view kConnectDecimal = "org.apache.kafka.connect.data.Decimal";

// Returns epoch milliseconds of an integer timestamp encoded as `semantic` says, or, without a
// schema, as its magnitude suggests; nullopt for a day count whose milliseconds overflow.
std::optional<int64_t> TimestampMillis(int64_t v, std::string_view semantic) {
  if (semantic == kDate || semantic == kConnectDate) {
    int64_t millis = 0;
    if (__builtin_mul_overflow(v, int64_t{86'400'000}, &millis)) return std::nullopt;
    return millis;
  }
  if (semantic == kMicroTimestamp) return FloorDiv(v, 1'000);
  if (semantic == kNanoTimestamp) return FloorDiv(v, 1'000'000);
  if (!semantic.empty()) return v;  // io.debezium.time.Timestamp, Connect Timestamp: ms
  const int64_t magnitude = v < 0 ? -(v + 1) : v;
  if (magnitude < 100'000'000'000'000) return v;
  if (magnitude < 100'000'000'000'000'000) return FloorDiv(v, 1'000);
  return FloorDiv(v, 1'000'000);
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  auto digit = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    int d = digit(c);
    if (d < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(d);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  if (count >= 6) return std::nullopt;  // a single dangling character
  return out;
}

// Rescales an unscaled decimal from `from` to `to` digits after the point (HALF_UP), checking
// it fits `precision` digits.
std::optional<int64_t> Rescale(__int128 v, int from, int to, int precision) {
  for (; from < to; ++from) v *= 10;
  for (; from > to; --from) {
    __int128 q = v / 10;
    int r = static_cast<int>(v % 10);
    v = q + (r >= 5 ? 1 : r <= -5 ? -1 : 0);
  }
  __int128 limit = 1;
  for (int i = 0; i < precision; ++i) limit *= 10;
  if (v >= limit || v <= -limit) return std::nullopt;
  return static_cast<int64_t>(v);
}

// Kafka Connect's Decimal: big-endian two's complement bytes of the unscaled value.
std::optional<int64_t> DecodeDecimalBytes(std::string_view base64, int scale,
                                          const LogicalType& type) {
  auto bytes = DecodeBase64(base64);
  if (!bytes || bytes->empty() || bytes->size() > 15) return std::nullopt;
  __int128 v = static_cast<int8_t>((*bytes)[0]);
  for (size_t i = 1; i < bytes->size(); ++i) v = v * 256 + static_cast<uint8_t>((*bytes)[i]);
  return Rescale(v, scale, type.scale, type.precision);
}

// Appends an integer JSON value to `col` as Debezium encodes integers for its type.
bool AppendInteger(int64_t v, const DebeziumFieldEncoding& enc, Column* col) {
  const LogicalType& t = col->type();
  switch (t.id) {
    case TypeId::kInt:
      if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
        return false;
      }
      col->AppendInt(v);
      return true;
    case TypeId::kBigInt:
    case TypeId::kInterval:
      col->AppendInt(v);
      return true;
    case TypeId::kDate:
      if (enc.semantic.empty() || enc.semantic == kDate || enc.semantic == kConnectDate) {
        col->AppendInt(v);
      } else {
        col->AppendInt(FloorDiv(*TimestampMillis(v, enc.semantic), 86'400'000));
      }
      return true;
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: {
      std::optional<int64_t> millis = TimestampMillis(v, enc.semantic);
      if (millis) col->AppendInt(TruncateMillis(*millis, t.precision));
      return millis.has_value();
    }
    case TypeId::kDecimal: {
      auto d = Rescale(v, enc.scale.value_or(0), t.scale, t.precision);
      if (d) col->AppendInt(*d);
      return d.has_value();
    }
    case TypeId::kFloat:
    case TypeId::kDouble:
      col->AppendDouble(static_cast<double>(v));
      return true;
    case TypeId::kBoolean:
      if (v != 0 && v != 1) return false;
      col->AppendBool(v == 1);
      return true;
    case TypeId::kString:
      col->AppendString(std::to_string(v));
      return true;
    case TypeId::kNull:
      col->AppendNull();
      return true;
    case TypeId::kRow:
    case TypeId::kArray:
    case TypeId::kMap:
      return false;  // refused by the format factory
  }
  return false;
}

bool AppendEncodedText(std::string_view s, const DebeziumFieldEncoding& enc, Column* col) {
  if (col->type().id == TypeId::kDecimal && enc.semantic == kConnectDecimal && enc.scale) {
    auto d = DecodeDecimalBytes(s, *enc.scale, col->type());
    if (d) col->AppendInt(*d);
    return d.has_value();
  }
  return AppendValueFromText(s, "", col).ok();
}

// VariableScaleDecimal: {"scale": s, "value": base64}.
bool AppendVariableScaleDecimal(dom::object o, Column* col) {
  int64_t scale = 0;
  std::string_view value;
  if (o["scale"].get_int64().get(scale) || o["value"].get_string().get(value)) return false;
  if (scale < 0 || scale > 38) return false;
  auto d = DecodeDecimalBytes(value, static_cast<int>(scale), col->type());
  if (d) col->AppendInt(*d);
  return d.has_value();
}

// Appends one non-null JSON value; false when it does not fit the column's type.
bool AppendValue(dom::element v, const DebeziumFieldEncoding& enc, Column* col) {
  const TypeId id = col->type().id;
  switch (v.type()) {
    case dom::element_type::INT64:
      return AppendInteger(v.get_int64().value_unsafe(), enc, col);
    case dom::element_type::UINT64:
      return id == TypeId::kString &&
             AppendValueFromText(fmt::format("{}", v.get_uint64().value_unsafe()), "", col).ok();
    case dom::element_type::DOUBLE: {
      const double d = v.get_double().value_unsafe();
      if (id == TypeId::kFloat || id == TypeId::kDouble) {
        col->AppendDouble(d);
        return true;
      }
      return AppendValueFromText(fmt::format("{}", d), "", col).ok();
    }
    case dom::element_type::STRING:
      return AppendEncodedText(v.get_string().value_unsafe(), enc, col);
    case dom::element_type::BOOL: {
      const bool b = v.get_bool().value_unsafe();
      if (id == TypeId::kBoolean) {
        col->AppendBool(b);
        return true;
      }
      return id == TypeId::kString && AppendValueFromText(b ? "true" : "false", "", col).ok();
    }
    case dom::element_type::OBJECT:
      if (id == TypeId::kDecimal) {
        return AppendVariableScaleDecimal(v.get_object().value_unsafe(), col);
      }
      [[fallthrough]];
    case dom::element_type::ARRAY:
      if (id != TypeId::kString) return false;
      col->AppendString(simdjson::minify(v));
      return true;
    case dom::element_type::NULL_VALUE:
      break;
  }
  return false;
}

std::string_view ShortText(std::string_view s) { return s.size() > 60 ? s.substr(0, 60) : s; }

// Appends the metadata `m` of the message to `col`.
bool AppendMetadata(DebeziumMetadata m, dom::object payload, std::string_view op, Column* col) {
  dom::element v;
  simdjson::error_code error = simdjson::SUCCESS;
  switch (m) {
    case DebeziumMetadata::kOp:
      col->AppendString(op);
      return true;
    case DebeziumMetadata::kSourceTimestamp:
      error = payload.at_pointer("/source/ts_ms").get(v);
      break;
    case DebeziumMetadata::kIngestionTimestamp:
      error = payload["ts_ms"].get(v);
      break;
    case DebeziumMetadata::kSourceDatabase:
      error = payload.at_pointer("/source/db").get(v);
      break;
    case DebeziumMetadata::kSourceSchema:
      error = payload.at_pointer("/source/schema").get(v);
      break;
    case DebeziumMetadata::kSourceTable:
      error = payload.at_pointer("/source/table").get(v);
      if (error) error = payload.at_pointer("/source/collection").get(v);
      break;
    case DebeziumMetadata::kSourceProperties:
      error = payload["source"].get(v);
      break;
    case DebeziumMetadata::kNone:
      return false;
  }
  if (error || v.is_null()) {
    col->AppendNull();
    return true;
  }
  return AppendValue(v, DebeziumFieldEncoding{"io.debezium.time.Timestamp", std::nullopt}, col);
}

}  // namespace

/// The reusable parsing state and the per-message view of the event.
struct DebeziumJsonDecoder::Parser {
  dom::parser parser;
  dom::object payload;
  std::string_view op;
  std::map<std::string_view, DebeziumFieldEncoding> encodings;  // from the schema, when included

  // Reads the encodings of the row's columns from {"schema": {"fields": [{"field": "before",
  // "fields": [...]}, ...]}}.
  void ReadSchema(dom::element schema) {
    encodings.clear();
    dom::array parts;
    if (schema["fields"].get_array().get(parts)) return;
    for (dom::element part : parts) {
      std::string_view name;
      if (part["field"].get_string().get(name) || (name != "after" && name != "before")) continue;
      dom::array columns;
      if (part["fields"].get_array().get(columns)) continue;
      for (dom::element c : columns) {
        DebeziumFieldEncoding enc;
        std::string_view field;
        if (c["field"].get_string().get(field)) continue;
        if (c["name"].get_string().get(enc.semantic)) enc.semantic = {};
        std::string_view scale;
        if (!c["parameters"]["scale"].get_string().get(scale)) {
          if (auto s = ParseIntegerText(scale)) enc.scale = static_cast<int>(*s);
        }
        encodings[field] = enc;
      }
      return;
    }
  }

  // Appends the values of `row` (and the message's metadata) for every field of `schema`.
  Status AppendRow(dom::object row, const Schema& schema,
                   const std::vector<DebeziumMetadata>& metadata, runtime::BatchBuilder* out) {
    for (size_t f = 0; f < schema.size(); ++f) {
      const Field& field = schema.field(f);
      Column* col = &out->column(f);
      if (metadata[f] != DebeziumMetadata::kNone) {
        if (!AppendMetadata(metadata[f], payload, op, col)) {
          return WrongTypeError(field.name, field.type, "(metadata)");
        }
        continue;
      }
      dom::element v;
      if (row[field.name].get(v) || v.is_null()) {
        if (!field.type.nullable) {
          return Status::DataError(fmt::format("field '{}' is null or missing but declared {}",
                                               field.name, field.type.ToString()));
        }
        col->AppendNull();
        continue;
      }
      auto enc = encodings.find(field.name);
      if (!AppendValue(v, enc == encodings.end() ? DebeziumFieldEncoding{} : enc->second, col)) {
        return WrongTypeError(field.name, field.type, ShortText(simdjson::minify(v)));
      }
    }
    return Status::Ok();
  }
};

std::optional<DebeziumMetadata> DebeziumJsonDecoder::ParseMetadataKey(std::string_view key) {
  static const std::map<std::string_view, DebeziumMetadata> kKeys = {
      {"op", DebeziumMetadata::kOp},
      {"ts_ms", DebeziumMetadata::kIngestionTimestamp},
      {"ingestion-timestamp", DebeziumMetadata::kIngestionTimestamp},
      {"source.ts_ms", DebeziumMetadata::kSourceTimestamp},
      {"source.timestamp", DebeziumMetadata::kSourceTimestamp},
      {"source.database", DebeziumMetadata::kSourceDatabase},
      {"source.schema", DebeziumMetadata::kSourceSchema},
      {"source.table", DebeziumMetadata::kSourceTable},
      {"source.properties", DebeziumMetadata::kSourceProperties}};
  if (key.rfind("value.", 0) == 0) key.remove_prefix(6);
  auto it = kKeys.find(key);
  if (it == kKeys.end()) return std::nullopt;
  return it->second;
}

DebeziumJsonDecoder::DebeziumJsonDecoder(SchemaPtr schema, std::vector<DebeziumMetadata> metadata,
                                         DebeziumJsonOptions options)
    : schema_(std::move(schema)),
      metadata_(std::move(metadata)),
      options_(options),
      parser_(std::make_unique<Parser>()) {
  metadata_.resize(schema_->size(), DebeziumMetadata::kNone);
}

DebeziumJsonDecoder::~DebeziumJsonDecoder() = default;

Status DebeziumJsonDecoder::Decode(std::string_view record, runtime::BatchBuilder* out) {
  Status status = DecodeMessage(record, out);
  if (status.ok()) return status;
  out->RollbackRow();
  if (options_.ignore_parse_errors) {
    ++ignored_errors_;
    return Status::Ok();
  }
  return status;
}

Status DebeziumJsonDecoder::DecodeMessage(std::string_view record, runtime::BatchBuilder* out) {
  Parser& p = *parser_;
  if (TrimBlanks(record).empty()) return Status::Ok();  // a tombstone
  dom::element root;
  auto error = p.parser.parse(record.data(), record.size()).get(root);
  if (error) {
    return Status::DataError(fmt::format("malformed JSON: {}", simdjson::error_message(error)));
  }
  if (root.is_null()) return Status::Ok();
  dom::element payload = root;
  p.encodings.clear();
  if (options_.schema_include) {
    dom::element schema;
    if (root["payload"].get(payload) || root["schema"].get(schema)) {
      return Status::DataError(
          "not a {\"schema\", \"payload\"} message, but 'debezium-json.schema-include' is true");
    }
    if (payload.is_null()) return Status::Ok();
    p.ReadSchema(schema);
  }
  if (payload.get_object().get(p.payload)) return Status::DataError("not a JSON object");
  if (p.payload["op"].get_string().get(p.op)) {
    if (!options_.schema_include && !p.payload["payload"].error() && !p.payload["schema"].error()) {
      return Status::DataError(
          "the message holds \"schema\" and \"payload\": set 'debezium-json.schema-include' to "
          "'true'");
    }
    return Status::DataError("field \"op\" is missing or not a string");
  }
  struct Image {
    const char* name;
    RowKind kind;
  };
  Image images[2];
  size_t n = 0;
  if (p.op == "c" || p.op == "r") {
    images[n++] = {"after", RowKind::kInsert};
  } else if (p.op == "u") {
    images[n++] = {"before", RowKind::kUpdateBefore};
    images[n++] = {"after", RowKind::kUpdateAfter};
  } else if (p.op == "d") {
    images[n++] = {"before", RowKind::kDelete};
  } else {
    return Status::DataError(fmt::format("unknown \"op\" value \"{}\"", ShortText(p.op)));
  }
  for (size_t i = 0; i < n; ++i) {
    dom::object row;
    if (p.payload[images[i].name].get_object().get(row)) {
      return Status::DataError(fmt::format(
          "field \"{}\" of an \"op\": \"{}\" event is missing or null{}", images[i].name, p.op,
          p.op == "c" || p.op == "r"
              ? ""
              : " (the source must capture full row images: MySQL binlog_row_image=FULL, "
                "PostgreSQL REPLICA IDENTITY FULL)"));
    }
    RETURN_IF_ERROR(p.AppendRow(row, *schema_, metadata_, out));
  }
  for (size_t i = 0; i < n; ++i) out->CommitRow(images[i].kind);
  return Status::Ok();
}

}  // namespace sluice::connectors
