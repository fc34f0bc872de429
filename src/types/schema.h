#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "types/logical_type.h"

namespace sluice {

struct Field {
  std::string name;
  LogicalType type;
};

/// An ordered list of named, typed fields. Immutable once shared (SchemaPtr).
class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}

  const std::vector<Field>& fields() const { return fields_; }
  const Field& field(size_t i) const { return fields_[i]; }
  size_t size() const { return fields_.size(); }
  void Add(Field f) { fields_.push_back(std::move(f)); }

  /// Returns the index of the field named `name` (exact, case-sensitive match, as Flink).
  std::optional<size_t> Find(std::string_view name) const;
  /// Returns "name TYPE, name TYPE, ...".
  std::string ToString() const;

 private:
  std::vector<Field> fields_;
};

using SchemaPtr = std::shared_ptr<const Schema>;

}  // namespace sluice
