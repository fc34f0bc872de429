#include "connectors/clickhouse/clickhouse_type.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <map>

namespace sluice::connectors {
namespace {

using Kind = ClickHouseType::Kind;

// A cursor over a type string with the few token kinds type strings have.
class TypeLexer {
 public:
  explicit TypeLexer(std::string_view text) : text_(text) {}

  void SkipSpaces() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Eat(char c) {
    SkipSpaces();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool AtEnd() {
    SkipSpaces();
    return pos_ >= text_.size();
  }
  size_t position() const { return pos_; }
  void Seek(size_t pos) { pos_ = pos; }
  std::string_view Identifier() {
    SkipSpaces();
    size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }
  bool Integer(int* out) {
    SkipSpaces();
    const char* begin = text_.data() + pos_;
    auto [end, ec] = std::from_chars(begin, text_.data() + text_.size(), *out);
    if (ec != std::errc()) return false;
    pos_ += end - begin;
    return true;
  }
  // A single-quoted string with backslash escapes (DESCRIBE's spelling of enum names and zones).
  bool Quoted(std::string* out) {
    if (!Eat('\'')) return false;
    out->clear();
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '\'') return true;
      if (c == '\\' && pos_ < text_.size()) c = text_[pos_++];
      out->push_back(c);
    }
    return false;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

Status Malformed(std::string_view text) {
  return Status::InvalidArgument(fmt::format("cannot parse ClickHouse type '{}'", text));
}

Result<ClickHouseType> ParseType(TypeLexer& lex, std::string_view text, int depth);

Status ParseEnum(TypeLexer& lex, std::string_view text, ClickHouseType* type) {
  if (!lex.Eat('(')) return Malformed(text);
  do {
    std::string name;
    int value = 0;
    if (!lex.Quoted(&name) || !lex.Eat('=') || !lex.Integer(&value)) return Malformed(text);
    type->enum_values.emplace_back(std::move(name), value);
  } while (lex.Eat(','));
  return lex.Eat(')') ? Status::Ok() : Malformed(text);
}

Status ParseDecimal(TypeLexer& lex, std::string_view name, std::string_view text,
                    ClickHouseType* type) {
  if (!lex.Eat('(')) return Malformed(text);
  if (name == "Decimal") {
    if (!lex.Integer(&type->precision) || !lex.Eat(',') || !lex.Integer(&type->scale)) {
      return Malformed(text);
    }
  } else {
    type->precision = name == "Decimal32" ? 9 : name == "Decimal64" ? 18 : 38;
    if (!lex.Integer(&type->scale)) return Malformed(text);
  }
  if (!lex.Eat(')')) return Malformed(text);
  if (type->precision < 1 || type->precision > 38 || type->scale < 0 ||
      type->scale > type->precision) {
    return Malformed(text);
  }
  return Status::Ok();
}

// Parses the optional "(...)" of DateTime('tz') and DateTime64(p[, 'tz']).
Status ParseDateTimeArgs(TypeLexer& lex, std::string_view text, ClickHouseType* type) {
  if (!lex.Eat('(')) {
    return type->kind == Kind::kDateTime64 ? Malformed(text) : Status::Ok();
  }
  if (type->kind == Kind::kDateTime64) {
    if (!lex.Integer(&type->precision) || type->precision < 0 || type->precision > 9) {
      return Malformed(text);
    }
    if (!lex.Eat(',')) return lex.Eat(')') ? Status::Ok() : Malformed(text);
  }
  if (!lex.Quoted(&type->timezone) || !lex.Eat(')')) return Malformed(text);
  return Status::Ok();
}

Result<ClickHouseType> ParseWrapped(TypeLexer& lex, std::string_view text, int depth) {
  if (!lex.Eat('(')) return Malformed(text);
  ASSIGN_OR_RETURN(ClickHouseType inner, ParseType(lex, text, depth + 1));
  if (!lex.Eat(')')) return Malformed(text);
  return inner;
}

// Parses "(min, T)" or "(max, T)" of AggregateFunction: T's type, Nullable-like with the state's
// flag byte (1 = has a value). Other functions and non-numeric T are kUnsupported.
Result<ClickHouseType> ParseSingleValueState(TypeLexer& lex, std::string_view text, int depth) {
  if (!lex.Eat('(')) return Malformed(text);
  std::string function(lex.Identifier());
  if (!lex.Eat(',')) return Malformed(text);
  ASSIGN_OR_RETURN(ClickHouseType inner, ParseType(lex, text, depth + 1));
  if (!lex.Eat(')')) return Malformed(text);
  const bool numeric = inner.is_integer() || inner.kind == Kind::kFloat32 ||
                       inner.kind == Kind::kFloat64 || inner.kind == Kind::kDecimal ||
                       inner.kind == Kind::kDate || inner.kind == Kind::kDateTime ||
                       inner.kind == Kind::kDateTime64;
  if ((function != "min" && function != "max") || !numeric || inner.nullable ||
      inner.low_cardinality) {
    return Status::Unsupported(fmt::format(
        "ClickHouse type '{}' is not supported (of AggregateFunction, only min and max of a "
        "number, Date or DateTime)",
        text));
  }
  inner.aggregate_function = function;
  inner.nullable = true;
  return inner;
}

// Parses "(T1, T2, ...)" or "(name1 T1, name2 T2, ...)" of Tuple and Map into type->elements.
Status ParseElements(TypeLexer& lex, std::string_view text, int depth, ClickHouseType* type) {
  if (!lex.Eat('(')) return Malformed(text);
  do {
    const size_t start = lex.position();
    lex.Identifier();
    lex.SkipSpaces();
    const size_t after = lex.position();
    const bool named = after < text.size() && std::isalpha(static_cast<unsigned char>(text[after]));
    if (!named) lex.Seek(start);
    ASSIGN_OR_RETURN(ClickHouseType element, ParseType(lex, text, depth + 1));
    type->elements.push_back(std::make_shared<const ClickHouseType>(std::move(element)));
  } while (lex.Eat(','));
  if (!lex.Eat(')')) return Malformed(text);
  return Status::Ok();
}

Result<ClickHouseType> ParseType(TypeLexer& lex, std::string_view text, int depth) {
  if (depth > 8) return Malformed(text);
  static const std::map<std::string_view, Kind> kSimple = {
      {"Int8", Kind::kInt8},       {"Int16", Kind::kInt16},       {"Int32", Kind::kInt32},
      {"Int64", Kind::kInt64},     {"UInt8", Kind::kUInt8},       {"UInt16", Kind::kUInt16},
      {"UInt32", Kind::kUInt32},   {"UInt64", Kind::kUInt64},     {"Float32", Kind::kFloat32},
      {"Float64", Kind::kFloat64}, {"String", Kind::kString},     {"Date", Kind::kDate},
      {"UUID", Kind::kUUID},       {"DateTime", Kind::kDateTime}, {"DateTime64", Kind::kDateTime64},
      {"Bool", Kind::kUInt8},
  };
  std::string_view name = lex.Identifier();
  if (name == "Nullable") {
    ASSIGN_OR_RETURN(ClickHouseType inner, ParseWrapped(lex, text, depth));
    inner.nullable = true;
    return inner;
  }
  if (name == "LowCardinality") {
    ASSIGN_OR_RETURN(ClickHouseType inner, ParseWrapped(lex, text, depth));
    inner.low_cardinality = true;
    return inner;
  }
  if (name == "AggregateFunction") return ParseSingleValueState(lex, text, depth);
  ClickHouseType type;
  if (name == "Array") {
    ASSIGN_OR_RETURN(ClickHouseType element, ParseWrapped(lex, text, depth));
    type.kind = Kind::kArray;
    type.element = std::make_shared<const ClickHouseType>(std::move(element));
    return type;
  }
  if (name == "Tuple" || name == "Map") {
    type.kind = name == "Tuple" ? Kind::kTuple : Kind::kMap;
    RETURN_IF_ERROR(ParseElements(lex, text, depth, &type));
    if (type.kind == Kind::kMap && type.elements.size() != 2) return Malformed(text);
    return type;
  }
  if (name == "Decimal" || name == "Decimal32" || name == "Decimal64" || name == "Decimal128") {
    type.kind = Kind::kDecimal;
    RETURN_IF_ERROR(ParseDecimal(lex, name, text, &type));
    return type;
  }
  if (name == "Enum8" || name == "Enum16") {
    type.kind = name == "Enum8" ? Kind::kEnum8 : Kind::kEnum16;
    RETURN_IF_ERROR(ParseEnum(lex, text, &type));
    return type;
  }
  if (name == "FixedString") {
    type.kind = Kind::kFixedString;
    if (!lex.Eat('(') || !lex.Integer(&type.fixed_size) || !lex.Eat(')') || type.fixed_size < 1) {
      return Malformed(text);
    }
    return type;
  }
  auto it = kSimple.find(name);
  if (it == kSimple.end()) {
    return Status::Unsupported(fmt::format("ClickHouse type '{}' is not supported", text));
  }
  type.kind = it->second;
  if (type.kind == Kind::kDateTime || type.kind == Kind::kDateTime64) {
    RETURN_IF_ERROR(ParseDateTimeArgs(lex, text, &type));
  }
  return type;
}

}  // namespace

Result<ClickHouseType> ClickHouseType::Parse(std::string_view text) {
  TypeLexer lex(text);
  ASSIGN_OR_RETURN(ClickHouseType type, ParseType(lex, text, 0));
  if (!lex.AtEnd()) return Malformed(text);
  type.spelling = std::string(text);
  return type;
}

int ClickHouseType::byte_width() const {
  switch (kind) {
    case Kind::kInt8:
    case Kind::kUInt8:
    case Kind::kEnum8:
      return 1;
    case Kind::kInt16:
    case Kind::kUInt16:
    case Kind::kEnum16:
    case Kind::kDate:
      return 2;
    case Kind::kInt32:
    case Kind::kUInt32:
    case Kind::kFloat32:
    case Kind::kDateTime:
      return 4;
    case Kind::kInt64:
    case Kind::kUInt64:
    case Kind::kFloat64:
    case Kind::kDateTime64:
      return 8;
    case Kind::kDecimal:
      return precision <= 9 ? 4 : precision <= 18 ? 8 : 16;
    case Kind::kUUID:
      return 16;
    default:
      return 0;
  }
}

}  // namespace sluice::connectors
