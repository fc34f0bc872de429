#include "connectors/datagen/field_generator.h"

#include <fmt/format.h>

#include <limits>

#include "common/civil_time.h"
#include "connectors/formats/text_value_parser.h"

namespace sluice::connectors {
namespace {

uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

uint64_t HashName(std::string_view name) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

std::vector<std::string_view> SplitList(std::string_view list) {
  std::vector<std::string_view> items;
  size_t begin = 0;
  while (true) {
    size_t comma = list.find(',', begin);
    items.push_back(TrimBlanks(list.substr(begin, comma - begin)));
    if (comma == std::string_view::npos) break;
    begin = comma + 1;
  }
  return items;
}

}  // namespace

uint64_t FieldGenerator::Hash(uint64_t seed, uint64_t field, uint64_t row, uint64_t salt) {
  uint64_t x = Mix(seed ^ Mix(field + 0x9E3779B97F4A7C15ULL));
  x = Mix(x ^ (row * 0xD1B54A32D192ED03ULL));
  return Mix(x + salt * 0x9E3779B97F4A7C15ULL);
}

Status FieldGenerator::ReadRandomRange(const ConnectorOptions& options, const std::string& prefix) {
  switch (type_.id) {
    case TypeId::kInt: {
      ASSIGN_OR_RETURN(min_int_,
                       options.GetInt(prefix + "min", std::numeric_limits<int32_t>::min()));
      ASSIGN_OR_RETURN(max_int_,
                       options.GetInt(prefix + "max", std::numeric_limits<int32_t>::max()));
      break;
    }
    case TypeId::kBigInt:
    case TypeId::kInterval: {
      ASSIGN_OR_RETURN(min_int_,
                       options.GetInt(prefix + "min", std::numeric_limits<int64_t>::min()));
      ASSIGN_OR_RETURN(max_int_,
                       options.GetInt(prefix + "max", std::numeric_limits<int64_t>::max()));
      break;
    }
    case TypeId::kFloat:
    case TypeId::kDouble: {
      ASSIGN_OR_RETURN(min_double_, options.GetDouble(prefix + "min", 0));
      ASSIGN_OR_RETURN(max_double_, options.GetDouble(prefix + "max", 1000));
      if (min_double_ > max_double_) {
        return Status::InvalidArgument(
            fmt::format("option '{}min' is above '{}max'", prefix, prefix));
      }
      return Status::Ok();
    }
    case TypeId::kDecimal: {
      int64_t fits = 1;
      for (int i = 0; i < std::min(type_.precision, 18); ++i) fits *= 10;
      min_int_ = 0;
      max_int_ = std::min(fits - 1, 1000 * DecimalScaleFactor(type_.scale));
      for (const char* bound : {"min", "max"}) {
        std::string key = prefix + bound;
        if (!options.Has(key)) continue;
        auto v = ParseDecimalText(options.GetString(key), type_.precision, type_.scale);
        if (!v) {
          return Status::InvalidArgument(fmt::format("option '{}' = '{}' is not a {}", key,
                                                     options.GetString(key), type_.ToString()));
        }
        (bound[1] == 'i' ? min_int_ : max_int_) = *v;
      }
      break;
    }
    default:
      return Status::Ok();
  }
  if (min_int_ > max_int_) {
    return Status::InvalidArgument(fmt::format("option '{}min' is above '{}max'", prefix, prefix));
  }
  return Status::Ok();
}

Result<FieldGenerator> FieldGenerator::Create(const Field& field, const ConnectorOptions& options) {
  if (field.type.is_nested()) {
    return Status::InvalidArgument(fmt::format("datagen cannot generate column '{}' of type {}",
                                               field.name, field.type.ToString()));
  }
  FieldGenerator g;
  g.name_ = field.name;
  g.type_ = field.type;
  g.name_hash_ = HashName(field.name);
  const std::string prefix = "fields." + field.name + ".";
  std::string kind = options.GetString(prefix + "kind", "random");
  if (kind == "sequence") {
    g.kind_ = Kind::kSequence;
  } else if (kind != "random") {
    return Status::InvalidArgument(
        fmt::format("option '{}kind' = '{}' must be 'random' or 'sequence'", prefix, kind));
  }
  if (options.Has(prefix + "values")) {
    if (g.kind_ == Kind::kSequence) {
      return Status::InvalidArgument(fmt::format(
          "options '{}values' and '{}kind' = 'sequence' exclude each other", prefix, prefix));
    }
    g.kind_ = Kind::kValues;
    g.values_ = std::make_shared<Column>(field.type);
    const std::string list = options.GetString(prefix + "values");  // views below point into it
    for (std::string_view item : SplitList(list)) {
      Status s = AppendValueFromText(item, field.name, g.values_.get());
      if (!s.ok()) return s.WithContext(fmt::format("option '{}values'", prefix));
    }
  }
  if (g.kind_ == Kind::kSequence) {
    bool numeric = field.type.is_integer() || field.type.id == TypeId::kDecimal ||
                   field.type.id == TypeId::kDouble || field.type.id == TypeId::kFloat ||
                   field.type.id == TypeId::kString;
    if (!numeric) {
      return Status::InvalidArgument(
          fmt::format("field '{}': kind 'sequence' is not supported for {}", field.name,
                      field.type.ToString()));
    }
    if (!options.Has(prefix + "start") || !options.Has(prefix + "end")) {
      return Status::InvalidArgument(
          fmt::format("field '{}': kind 'sequence' needs options '{}start' and '{}end'", field.name,
                      prefix, prefix));
    }
    ASSIGN_OR_RETURN(g.start_, options.GetInt(prefix + "start", 0));
    ASSIGN_OR_RETURN(g.end_, options.GetInt(prefix + "end", 0));
    if (g.start_ > g.end_) {
      return Status::InvalidArgument(
          fmt::format("option '{}start' is above '{}end'", prefix, prefix));
    }
  } else if (g.kind_ == Kind::kRandom) {
    RETURN_IF_ERROR(g.ReadRandomRange(options, prefix));
  }
  ASSIGN_OR_RETURN(g.length_, options.GetInt(prefix + "length", 100));
  if (g.length_ < 0) return Status::InvalidArgument(fmt::format("option '{}length' < 0", prefix));
  ASSIGN_OR_RETURN(g.max_past_ms_, options.GetDurationMillis(prefix + "max-past", 0));
  ASSIGN_OR_RETURN(double null_rate, options.GetDouble(prefix + "null-rate", 0));
  if (null_rate < 0 || null_rate > 1) {
    return Status::InvalidArgument(fmt::format("option '{}null-rate' must be in [0, 1]", prefix));
  }
  g.null_threshold_ = null_rate >= 1 ? std::numeric_limits<uint64_t>::max()
                                     : static_cast<uint64_t>(null_rate * 18446744073709551616.0L);
  return g;
}

std::optional<int64_t> FieldGenerator::sequence_length() const {
  if (kind_ != Kind::kSequence) return std::nullopt;
  return end_ - start_ + 1;
}

void FieldGenerator::Append(uint64_t seed, int64_t row, int64_t row_time, Column* out) const {
  const auto urow = static_cast<uint64_t>(row);
  if (null_threshold_ != 0 && Hash(seed, name_hash_, urow, 1) < null_threshold_) {
    out->AppendNull();
    return;
  }
  const uint64_t r = Hash(seed, name_hash_, urow, 0);
  if (kind_ == Kind::kSequence) {
    int64_t v = start_ + row;
    switch (type_.id) {
      case TypeId::kDecimal:
        out->AppendInt(v * DecimalScaleFactor(type_.scale));
        return;
      case TypeId::kFloat:
      case TypeId::kDouble:
        out->AppendDouble(static_cast<double>(v));
        return;
      case TypeId::kString:
        out->AppendString(std::to_string(v));
        return;
      default:
        out->AppendInt(v);
        return;
    }
  }
  if (kind_ == Kind::kValues) {
    size_t index = r % values_->size();
    if (type_.id == TypeId::kString) {
      out->AppendString(values_->strings()[index]);
    } else {
      out->AppendFrom(*values_, index);
    }
    return;
  }
  switch (type_.id) {
    case TypeId::kNull:
      out->AppendNull();
      return;
    case TypeId::kBoolean:
      out->AppendBool((r >> 17) & 1);
      return;
    case TypeId::kInt:
    case TypeId::kBigInt:
    case TypeId::kInterval:
    case TypeId::kDecimal: {
      uint64_t range = static_cast<uint64_t>(max_int_) - static_cast<uint64_t>(min_int_) + 1;
      out->AppendInt(range == 0
                         ? static_cast<int64_t>(r)
                         : static_cast<int64_t>(static_cast<uint64_t>(min_int_) + r % range));
      return;
    }
    case TypeId::kFloat:
    case TypeId::kDouble: {
      double unit = static_cast<double>(r >> 11) * 0x1p-53;
      double v = min_double_ + unit * (max_double_ - min_double_);
      out->AppendDouble(v);
      return;
    }
    case TypeId::kString: {
      static constexpr char kHex[] = "0123456789abcdef";
      auto n = static_cast<size_t>(length_);
      char* p = out->own_arena().Allocate(n);
      for (size_t i = 0; i < n; i += 16) {
        uint64_t bits = i == 0 ? r : Hash(seed, name_hash_, urow, 2 + i / 16);
        for (size_t j = i; j < n && j < i + 16; ++j, bits >>= 4) p[j] = kHex[bits & 15];
      }
      out->AppendStringView(std::string_view(p, n));
      return;
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz:
    case TypeId::kDate: {
      int64_t past = max_past_ms_ > 0 ? static_cast<int64_t>(r % (max_past_ms_ + 1)) : 0;
      int64_t t = row_time - past;
      out->AppendInt(type_.id == TypeId::kDate ? FloorDiv(t, 86'400'000)
                                               : TruncateMillis(t, type_.precision));
      return;
    }
    case TypeId::kRow:
    case TypeId::kArray:
    case TypeId::kMap:
      out->AppendNull();  // never: Create refuses nested fields
      return;
  }
}

}  // namespace sluice::connectors
