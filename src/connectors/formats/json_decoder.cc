#include "connectors/formats/json_decoder.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "common/civil_time.h"
#include "connectors/formats/json_key_table.h"
#include "connectors/formats/text_value_parser.h"

namespace sluice::connectors {

namespace sj = simdjson::ondemand;

namespace {

// How decoding one value went.
enum class ValueOutcome { kOk, kWrongType, kMalformed };

Status MalformedError(simdjson::error_code error) {
  return Status::DataError(fmt::format("malformed JSON: {}", simdjson::error_message(error)));
}

bool InInt32(int64_t v) {
  return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
}

// Reads an integral JSON number: an integer token, or a float token with an integral value.
ValueOutcome ReadInteger(sj::value& v, int64_t* out) {
  auto error = v.get_int64().get(*out);
  if (!error) return ValueOutcome::kOk;
  if (error != simdjson::INCORRECT_TYPE && error != simdjson::NUMBER_OUT_OF_RANGE) {
    return ValueOutcome::kMalformed;
  }
  double d = 0;
  if (v.get_double().get(d)) return ValueOutcome::kWrongType;
  if (d != std::floor(d) || !(std::fabs(d) < 9.2e18)) return ValueOutcome::kWrongType;
  *out = static_cast<int64_t>(d);
  return ValueOutcome::kOk;
}

// Reads a JSON string value, or nullopt (malformed) when it cannot be read.
std::optional<std::string_view> ReadString(sj::value& v) {
  std::string_view s;
  if (v.get_string().get(s)) return std::nullopt;
  return s;
}

ValueOutcome AppendIntegerLike(sj::value& v, sj::json_type t, Column* col) {
  const TypeId id = col->type().id;
  int64_t x = 0;
  if (t == sj::json_type::number) {
    ValueOutcome o = ReadInteger(v, &x);
    if (o != ValueOutcome::kOk) return o;
  } else if (t == sj::json_type::string) {
    auto s = ReadString(v);
    if (!s) return ValueOutcome::kMalformed;
    std::optional<int64_t> parsed;
    if (id == TypeId::kTimestamp || id == TypeId::kTimestampLtz) {
      parsed = ParseTimestamp(TrimBlanks(*s));
    } else if (id == TypeId::kDate) {
      parsed = ParseDate(TrimBlanks(*s));
    } else {
      parsed = ParseIntegerText(*s);
    }
    if (!parsed) return ValueOutcome::kWrongType;
    x = *parsed;
  } else {
    return ValueOutcome::kWrongType;
  }
  if (id == TypeId::kInt && !InInt32(x)) return ValueOutcome::kWrongType;
  if (id == TypeId::kTimestamp || id == TypeId::kTimestampLtz) {
    x = TruncateMillis(x, col->type().precision);
  }
  col->AppendInt(x);
  return ValueOutcome::kOk;
}

ValueOutcome AppendFloating(sj::value& v, sj::json_type t, Column* col) {
  double d = 0;
  if (t == sj::json_type::number) {
    if (v.get_double().get(d)) return ValueOutcome::kMalformed;
  } else if (t == sj::json_type::string) {
    auto s = ReadString(v);
    if (!s) return ValueOutcome::kMalformed;
    auto parsed = ParseDoubleText(*s);
    if (!parsed) return ValueOutcome::kWrongType;
    d = *parsed;
  } else {
    return ValueOutcome::kWrongType;
  }
  col->AppendDouble(d);
  return ValueOutcome::kOk;
}

ValueOutcome AppendDecimal(sj::value& v, sj::json_type t, Column* col) {
  std::string_view text;
  if (t == sj::json_type::number) {
    text = v.raw_json_token();
  } else if (t == sj::json_type::string) {
    auto s = ReadString(v);
    if (!s) return ValueOutcome::kMalformed;
    text = *s;
  } else {
    return ValueOutcome::kWrongType;
  }
  auto parsed = ParseDecimalText(text, col->type().precision, col->type().scale);
  if (!parsed) return ValueOutcome::kWrongType;
  col->AppendInt(*parsed);
  return ValueOutcome::kOk;
}

ValueOutcome AppendBoolean(sj::value& v, sj::json_type t, Column* col) {
  bool b = false;
  if (t == sj::json_type::boolean) {
    if (v.get_bool().get(b)) return ValueOutcome::kMalformed;
  } else if (t == sj::json_type::string) {
    auto s = ReadString(v);
    if (!s) return ValueOutcome::kMalformed;
    auto parsed = ParseBooleanText(*s);
    if (!parsed) return ValueOutcome::kWrongType;
    b = *parsed;
  } else {
    return ValueOutcome::kWrongType;
  }
  col->AppendBool(b);
  return ValueOutcome::kOk;
}

// STRING takes a string's text, a scalar's token, or a nested value's JSON (as Flink does).
ValueOutcome AppendText(sj::value& v, sj::json_type t, Column* col) {
  std::string_view text;
  simdjson::error_code error = simdjson::SUCCESS;
  switch (t) {
    case sj::json_type::string:
      error = v.get_string().get(text);
      break;
    case sj::json_type::object: {
      sj::object o;
      error = v.get_object().get(o);
      if (!error) error = o.raw_json().get(text);
      break;
    }
    case sj::json_type::array: {
      sj::array a;
      error = v.get_array().get(a);
      if (!error) error = a.raw_json().get(text);
      break;
    }
    default:
      text = TrimBlanks(v.raw_json_token());
      break;
  }
  if (error) return ValueOutcome::kMalformed;
  col->AppendString(text);
  return ValueOutcome::kOk;
}

ValueOutcome AppendJsonValue(sj::value& v, sj::json_type t, Column* col);

// Returns the index of the name in `names` that the raw (still escaped) key equals, starting the
// search at `*hint` (keys usually come in declaration order); -1 when none does.
int FindName(const std::vector<std::string>& names, sj::field& field, size_t* hint,
             simdjson::error_code* error) {
  const size_t n = names.size();
  sj::raw_json_string raw = field.key();
  for (size_t k = 0; k < n; ++k) {
    size_t i = *hint + k < n ? *hint + k : *hint + k - n;
    if (raw.unsafe_is_equal(names[i])) {
      *hint = i + 1 < n ? i + 1 : 0;
      return static_cast<int>(i);
    }
  }
  const char* p = raw.raw();
  while (*p != '"' && *p != '\\') ++p;
  if (*p != '\\') return -1;
  std::string_view key;
  if ((*error = field.unescaped_key().get(key))) return -1;
  for (size_t i = 0; i < n; ++i) {
    if (names[i] == key) return static_cast<int>(i);
  }
  return -1;
}

// Appends a value nested in an object or array: JSON null as NULL (a wrong type for NOT NULL).
ValueOutcome AppendNested(sj::value& v, Column* col) {
  sj::json_type t;
  if (v.type().get(t)) return ValueOutcome::kMalformed;
  if (t != sj::json_type::null) return AppendJsonValue(v, t, col);
  bool is_null = false;
  if (v.is_null().get(is_null) || !is_null) return ValueOutcome::kMalformed;
  if (!col->type().nullable) return ValueOutcome::kWrongType;
  col->AppendNull();
  return ValueOutcome::kOk;
}

// Drops what a failed nested value appended to the children of `col` (which has `rows` rows).
ValueOutcome Undo(Column* col, size_t rows, ValueOutcome outcome) {
  col->Resize(rows);
  return outcome;
}

// A JSON object into a ROW: fields matched by name, missing ones NULL, others and those the
// plan never reads (NestedType::unread) skipped unread.
ValueOutcome AppendRow(sj::value& v, sj::json_type t, Column* col) {
  if (t != sj::json_type::object) return ValueOutcome::kWrongType;
  sj::object object;
  if (v.get_object().get(object)) return ValueOutcome::kMalformed;
  const size_t rows = col->size();
  const NestedType& type = *col->type().nested;
  const std::vector<std::string>& names = type.names;
  size_t hint = 0;
  for (auto field_result : object) {
    sj::field field;
    simdjson::error_code error = std::move(field_result).get(field);
    int i = error ? -1 : FindName(names, field, &hint, &error);
    if (error) return Undo(col, rows, ValueOutcome::kMalformed);
    if (i < 0 || type.IsUnread(i) || col->child(i).size() > rows) continue;  // or repeated
    sj::value value = field.value();
    ValueOutcome outcome = AppendNested(value, &col->child(i));
    if (outcome != ValueOutcome::kOk) return Undo(col, rows, outcome);
  }
  for (size_t i = 0; i < names.size(); ++i) {
    Column& child = col->child(i);
    if (child.size() > rows) continue;
    if (!child.type().nullable && !type.IsUnread(i)) {
      return Undo(col, rows, ValueOutcome::kWrongType);
    }
    child.AppendNull();
  }
  col->EndNestedValue();
  return ValueOutcome::kOk;
}

// A JSON array into an ARRAY.
ValueOutcome AppendArray(sj::value& v, sj::json_type t, Column* col) {
  if (t != sj::json_type::array) return ValueOutcome::kWrongType;
  sj::array array;
  if (v.get_array().get(array)) return ValueOutcome::kMalformed;
  const size_t rows = col->size();
  for (auto element_result : array) {
    sj::value element;
    if (std::move(element_result).get(element)) return Undo(col, rows, ValueOutcome::kMalformed);
    ValueOutcome outcome = AppendNested(element, &col->child(0));
    if (outcome != ValueOutcome::kOk) return Undo(col, rows, outcome);
  }
  col->EndNestedValue();
  return ValueOutcome::kOk;
}

// A map key (always a JSON string) into the key column: STRING, or an integer's text.
ValueOutcome AppendMapKey(std::string_view key, Column* keys) {
  if (keys->type().id == TypeId::kString) {
    keys->AppendString(key);
    return ValueOutcome::kOk;
  }
  if (!keys->type().is_integer()) return ValueOutcome::kWrongType;
  std::optional<int64_t> parsed = ParseIntegerText(key);
  if (!parsed || (keys->type().id == TypeId::kInt && !InInt32(*parsed))) {
    return ValueOutcome::kWrongType;
  }
  keys->AppendInt(*parsed);
  return ValueOutcome::kOk;
}

// A JSON object into a MAP: its keys and values in document order.
ValueOutcome AppendMap(sj::value& v, sj::json_type t, Column* col) {
  if (t != sj::json_type::object) return ValueOutcome::kWrongType;
  sj::object object;
  if (v.get_object().get(object)) return ValueOutcome::kMalformed;
  const size_t rows = col->size();
  for (auto field_result : object) {
    sj::field field;
    std::string_view key;
    if (std::move(field_result).get(field) || field.unescaped_key().get(key)) {
      return Undo(col, rows, ValueOutcome::kMalformed);
    }
    ValueOutcome outcome = AppendMapKey(key, &col->child(0));
    sj::value value = field.value();
    if (outcome == ValueOutcome::kOk) outcome = AppendNested(value, &col->child(1));
    if (outcome != ValueOutcome::kOk) return Undo(col, rows, outcome);
  }
  col->EndNestedValue();
  return ValueOutcome::kOk;
}

ValueOutcome AppendJsonValue(sj::value& v, sj::json_type t, Column* col) {
  switch (col->type().id) {
    case TypeId::kRow:
      return AppendRow(v, t, col);
    case TypeId::kArray:
      return AppendArray(v, t, col);
    case TypeId::kMap:
      return AppendMap(v, t, col);
    case TypeId::kNull:
      col->AppendNull();
      return ValueOutcome::kOk;
    case TypeId::kBoolean:
      return AppendBoolean(v, t, col);
    case TypeId::kFloat:
    case TypeId::kDouble:
      return AppendFloating(v, t, col);
    case TypeId::kDecimal:
      return AppendDecimal(v, t, col);
    case TypeId::kString:
      return AppendText(v, t, col);
    case TypeId::kInt:
    case TypeId::kBigInt:
    case TypeId::kInterval:
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz:
    case TypeId::kDate:
      return AppendIntegerLike(v, t, col);
  }
  return ValueOutcome::kWrongType;
}

std::vector<std::string_view> FieldNames(const Schema& schema) {
  std::vector<std::string_view> names;
  for (size_t i = 0; i < schema.size(); ++i) names.push_back(schema.field(i).name);
  return names;
}

}  // namespace

/// The reusable parsing state: simdjson parser, padded input buffer, per-record bookkeeping.
struct JsonDecoder::Parser {
  explicit Parser(const Schema& schema) : keys(FieldNames(schema)), seen(schema.size()) {}

  sj::parser parser;
  std::unique_ptr<char[]> buffer;
  size_t capacity = 0;
  JsonKeyTable keys;  // the schema's field names, matched against raw keys
  std::vector<uint8_t> seen;

  // Copies `record` into the padded buffer and returns its start.
  const char* Load(std::string_view record) {
    size_t needed = record.size() + simdjson::SIMDJSON_PADDING;
    if (needed > capacity) {
      capacity = std::max(needed * 2, size_t{4096});
      buffer = std::make_unique<char[]>(capacity);
    }
    std::memcpy(buffer.get(), record.data(), record.size());
    std::memset(buffer.get() + record.size(), 0, simdjson::SIMDJSON_PADDING);
    return buffer.get();
  }

  // Returns the index of the field named by the raw (still escaped) key, comparing bytes in
  // place; keys with escapes are unescaped first. -1 when the schema has no such field.
  int Find(const Schema& schema, sj::field& field, simdjson::error_code* error) {
    int index = keys.Find(field.key().raw());
    return index >= 0 ? index : FindEscaped(schema, field, error);
  }

  // No plain match: the key may hold escapes (rare), which only unescaping resolves.
  [[gnu::noinline]] static int FindEscaped(const Schema& schema, sj::field& field,
                                           simdjson::error_code* error) {
    const char* p = field.key().raw();
    while (*p != '"' && *p != '\\') ++p;
    if (*p != '\\') return -1;
    std::string_view key;
    if ((*error = field.unescaped_key().get(key))) return -1;
    for (size_t i = 0; i < schema.size(); ++i) {
      if (schema.field(i).name == key) return static_cast<int>(i);
    }
    return -1;
  }
};

JsonDecoder::JsonDecoder(SchemaPtr schema, JsonDecodeOptions options)
    : schema_(std::move(schema)), options_(options), parser_(std::make_unique<Parser>(*schema_)) {}

JsonDecoder::~JsonDecoder() = default;

Status JsonDecoder::Decode(std::string_view record, runtime::BatchBuilder* out) {
  Parser& p = *parser_;
  const Schema& schema = *schema_;
  bool malformed = false;
  auto fail = [&](Status status) {
    out->RollbackRow();
    if (malformed && options_.ignore_parse_errors) {
      ++ignored_errors_;
      return Status::Ok();
    }
    return status;
  };
  const char* data = p.Load(record);
  sj::document doc;
  sj::object object;
  auto error = p.parser.iterate(data, record.size(), p.capacity).get(doc);
  if (!error) error = doc.get_object().get(object);
  if (error) {
    malformed = true;
    return fail(error == simdjson::INCORRECT_TYPE ? Status::DataError("not a JSON object")
                                                  : MalformedError(error));
  }
  std::fill(p.seen.begin(), p.seen.end(), 0);
  p.keys.Restart();
  for (auto field_result : object) {
    sj::field field;
    if ((error = std::move(field_result).get(field))) {
      malformed = true;
      return fail(MalformedError(error));
    }
    int index = p.Find(schema, field, &error);
    if (error) {
      malformed = true;
      return fail(MalformedError(error));
    }
    if (index < 0 || p.seen[index]) continue;
    p.seen[index] = 1;
    const Field& f = schema.field(index);
    Column* col = &out->column(index);
    sj::value v = field.value();
    sj::json_type t;
    if ((error = v.type().get(t))) {
      malformed = true;
      return fail(MalformedError(error));
    }
    if (t == sj::json_type::null) {
      bool is_null = false;
      if (v.is_null().get(is_null) || !is_null) {
        malformed = true;
        return fail(Status::DataError(fmt::format("malformed JSON at field '{}'", f.name)));
      }
      if (!f.type.nullable) {
        return fail(Status::DataError(
            fmt::format("field '{}' is null but declared {}", f.name, f.type.ToString())));
      }
      col->AppendNull();
      continue;
    }
    ValueOutcome outcome = AppendJsonValue(v, t, col);
    if (outcome == ValueOutcome::kMalformed) {
      malformed = true;
      return fail(Status::DataError(fmt::format("malformed JSON at field '{}'", f.name)));
    }
    if (outcome == ValueOutcome::kWrongType) {
      if (options_.ignore_parse_errors && f.type.nullable) {
        ++ignored_errors_;
        col->AppendNull();
        continue;
      }
      return fail(WrongTypeError(f.name, f.type, TrimBlanks(v.raw_json_token())));
    }
  }
  const char* rest = nullptr;
  if (!doc.current_location().get(rest)) {
    malformed = true;
    return fail(Status::DataError("malformed JSON: content after the object"));
  }
  for (size_t i = 0; i < schema.size(); ++i) {
    if (p.seen[i]) continue;
    const Field& f = schema.field(i);
    if (options_.fail_on_missing_field || !f.type.nullable) {
      return fail(Status::DataError(fmt::format("field '{}' is missing", f.name)));
    }
    out->column(i).AppendNull();
  }
  out->CommitRow();
  return Status::Ok();
}

}  // namespace sluice::connectors
