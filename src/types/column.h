#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "types/logical_type.h"
#include "types/string_arena.h"

namespace sluice {

/// One typed column of a Batch: values in a contiguous vector chosen by the physical type
/// (int64 for integers, DECIMAL, DATE, TIMESTAMP and INTERVAL; double; uint8 for booleans;
/// string_view into arenas the column keeps alive) and nulls in a validity bitmap that is empty
/// when no value is null. Built by one thread, then shared read-only as ColumnPtr.
///
/// Nested types (PhysicalType::kNested) hold child columns instead of values:
/// - ROW: one child per field, each with exactly one value per row (NULL where the row is NULL);
/// - ARRAY: one child holding the elements of all rows, MAP: a key child and a value child;
///   row i spans child rows offsets()[i] .. offsets()[i + 1] (offsets() has size() + 1 entries).
/// Fill a nested row by appending to the children, then calling EndNestedValue().
class Column {
 public:
  explicit Column(LogicalType type);

  const LogicalType& type() const { return type_; }
  PhysicalType physical() const { return physical_; }
  size_t size() const { return size_; }

  std::vector<int64_t>& ints() { return ints_; }
  const std::vector<int64_t>& ints() const { return ints_; }
  std::vector<double>& doubles() { return doubles_; }
  const std::vector<double>& doubles() const { return doubles_; }
  std::vector<uint8_t>& bools() { return bools_; }
  const std::vector<uint8_t>& bools() const { return bools_; }
  std::vector<std::string_view>& strings() { return strings_; }
  const std::vector<std::string_view>& strings() const { return strings_; }

  size_t num_children() const { return children_.size(); }
  Column& child(size_t i) { return *children_[i]; }
  const Column& child(size_t i) const { return *children_[i]; }
  /// Returns child `i` to share with another batch: the column itself, not a copy.
  const std::shared_ptr<Column>& shared_child(size_t i) const { return children_[i]; }
  const std::vector<uint32_t>& offsets() const { return offsets_; }
  /// Returns the number of elements of ARRAY or MAP row `i`.
  uint32_t ElementCount(size_t i) const { return offsets_[i + 1] - offsets_[i]; }
  /// Ends a valid nested row whose values were appended to the children (ROW: one per child;
  /// ARRAY/MAP: the elements, as many to each child).
  void EndNestedValue();

  bool has_nulls() const { return null_count_ > 0; }
  size_t null_count() const { return null_count_; }
  /// Rows past the bitmap are valid: values appended after the last NULL do not grow it.
  bool IsNull(size_t i) const {
    return null_count_ > 0 && (i >> 6) < validity_.size() && !((validity_[i >> 6] >> (i & 63)) & 1);
  }
  /// Marks row `i` (already present) null.
  void SetNull(size_t i);

  /// Sets the number of rows; new rows hold zero values and are valid (ARRAY/MAP: empty). Use
  /// with the typed vectors to fill by index. On a nested column it also drops child values
  /// appended for a row that was never ended.
  void Resize(size_t n);
  void Reserve(size_t n);
  void AppendNull();
  void AppendInt(int64_t v) {
    ints_.push_back(v);
    ++size_;
  }
  void AppendDouble(double v) {
    doubles_.push_back(v);
    ++size_;
  }
  void AppendBool(bool v) {
    bools_.push_back(v ? 1 : 0);
    ++size_;
  }
  /// Copies `v` into this column's own arena.
  void AppendString(std::string_view v) {
    strings_.push_back(own_arena().Add(v));
    ++size_;
  }
  /// Appends a view whose bytes some arena shared with ShareArenasOf or KeepAlive owns.
  void AppendStringView(std::string_view v) {
    strings_.push_back(v);
    ++size_;
  }
  /// Appends row `row` of `other` (same physical type); string bytes are not copied, so call
  /// ShareArenasOf(other) once before.
  void AppendFrom(const Column& other, size_t row);

  /// Returns this column's own arena, creating it on first use.
  StringArena& own_arena();
  /// Keeps the arenas of `other` alive as long as this column, so views into them stay valid.
  void ShareArenasOf(const Column& other);
  void KeepAlive(std::shared_ptr<const StringArena> arena);

 private:
  void EnsureValidity();
  void GrowValidity();
  void ResizeNested(size_t n);
  void AppendNestedFrom(const Column& other, size_t row);

  LogicalType type_;
  PhysicalType physical_;
  size_t size_ = 0;
  size_t null_count_ = 0;
  std::vector<int64_t> ints_;
  std::vector<double> doubles_;
  std::vector<uint8_t> bools_;
  std::vector<std::string_view> strings_;
  std::vector<std::shared_ptr<Column>> children_;
  std::vector<uint32_t> offsets_;   // ARRAY and MAP: size_ + 1 entries
  std::vector<uint64_t> validity_;  // bit set = valid; empty while null_count_ == 0
  std::shared_ptr<StringArena> own_arena_;
  std::vector<std::shared_ptr<const StringArena>> shared_arenas_;
};

using ColumnPtr = std::shared_ptr<const Column>;

}  // namespace sluice
