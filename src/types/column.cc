#include "types/column.h"

namespace sluice {

Column::Column(LogicalType type) : type_(std::move(type)), physical_(type_.physical()) {
  if (physical_ != PhysicalType::kNested) return;
  for (size_t i = 0; i < type_.num_children(); ++i) {
    children_.push_back(std::make_shared<Column>(type_.child(i)));
  }
  if (type_.id != TypeId::kRow) offsets_.push_back(0);
}

void Column::EnsureValidity() {
  size_t words = (size_ + 64) / 64;
  if (validity_.size() < words) validity_.resize(words, ~uint64_t{0});
}

void Column::GrowValidity() {
  if (!validity_.empty() && validity_.size() < (size_ + 64) / 64) {
    validity_.resize((size_ + 64) / 64, ~uint64_t{0});
  }
}

void Column::SetNull(size_t i) {
  if (IsNull(i)) return;
  EnsureValidity();
  validity_[i >> 6] &= ~(uint64_t{1} << (i & 63));
  ++null_count_;
}

void Column::ResizeNested(size_t n) {
  if (type_.id == TypeId::kRow) {
    for (auto& c : children_) c->Resize(n);
    return;
  }
  if (n <= size_) {  // also drops elements of a value that was never ended
    for (auto& c : children_) c->Resize(offsets_[n]);
    offsets_.resize(n + 1);
  } else {
    offsets_.resize(n + 1, offsets_.back());
  }
}

void Column::Resize(size_t n) {
  switch (physical_) {
    case PhysicalType::kBool:
      bools_.resize(n);
      break;
    case PhysicalType::kInt64:
      ints_.resize(n);
      break;
    case PhysicalType::kDouble:
      doubles_.resize(n);
      break;
    case PhysicalType::kString:
      strings_.resize(n);
      break;
    case PhysicalType::kNested:
      ResizeNested(n);
      break;
  }
  if (n < size_) {
    // Values appended after the last null do not grow the bitmap: cover every row before
    // reading it (rows past its end are valid).
    GrowValidity();
    // Recount nulls that remain.
    size_t nulls = 0;
    for (size_t i = 0; i < n && null_count_ > 0; ++i) nulls += IsNull(i);
    size_ = n;
    null_count_ = nulls;
    if (null_count_ == 0)
      validity_.clear();
    else
      validity_.resize((n + 64) / 64, ~uint64_t{0});
    return;
  }
  size_ = n;
  if (!validity_.empty()) validity_.resize((n + 64) / 64, ~uint64_t{0});
}

void Column::Reserve(size_t n) {
  switch (physical_) {
    case PhysicalType::kBool:
      bools_.reserve(n);
      break;
    case PhysicalType::kInt64:
      ints_.reserve(n);
      break;
    case PhysicalType::kDouble:
      doubles_.reserve(n);
      break;
    case PhysicalType::kString:
      strings_.reserve(n);
      break;
    case PhysicalType::kNested:
      if (type_.id == TypeId::kRow) {
        for (auto& c : children_) c->Reserve(n);
      } else {
        offsets_.reserve(n + 1);
      }
      break;
  }
}

void Column::AppendNull() {
  switch (physical_) {
    case PhysicalType::kBool:
      bools_.push_back(0);
      break;
    case PhysicalType::kInt64:
      ints_.push_back(0);
      break;
    case PhysicalType::kDouble:
      doubles_.push_back(0);
      break;
    case PhysicalType::kString:
      strings_.emplace_back();
      break;
    case PhysicalType::kNested:
      if (type_.id == TypeId::kRow) {
        for (auto& c : children_) c->AppendNull();
      } else {
        offsets_.push_back(offsets_.back());
      }
      break;
  }
  ++size_;
  if (validity_.size() < (size_ + 64) / 64) validity_.resize((size_ + 64) / 64, ~uint64_t{0});
  size_t i = size_ - 1;
  validity_[i >> 6] &= ~(uint64_t{1} << (i & 63));
  ++null_count_;
}

void Column::EndNestedValue() {
  if (type_.id != TypeId::kRow) offsets_.push_back(static_cast<uint32_t>(children_[0]->size()));
  ++size_;
  GrowValidity();
}

void Column::AppendNestedFrom(const Column& other, size_t row) {
  if (type_.id == TypeId::kRow) {
    for (size_t c = 0; c < children_.size(); ++c)
      children_[c]->AppendFrom(*other.children_[c], row);
    return;
  }
  for (uint32_t e = other.offsets_[row]; e < other.offsets_[row + 1]; ++e) {
    for (size_t c = 0; c < children_.size(); ++c) children_[c]->AppendFrom(*other.children_[c], e);
  }
  offsets_.push_back(static_cast<uint32_t>(children_[0]->size()));
}

void Column::AppendFrom(const Column& other, size_t row) {
  if (other.IsNull(row)) {
    AppendNull();
    return;
  }
  switch (physical_) {
    case PhysicalType::kBool:
      bools_.push_back(other.bools_[row]);
      break;
    case PhysicalType::kInt64:
      ints_.push_back(other.ints_[row]);
      break;
    case PhysicalType::kDouble:
      doubles_.push_back(other.doubles_[row]);
      break;
    case PhysicalType::kString:
      strings_.push_back(other.strings_[row]);
      break;
    case PhysicalType::kNested:
      AppendNestedFrom(other, row);
      break;
  }
  ++size_;
  GrowValidity();
}

StringArena& Column::own_arena() {
  if (!own_arena_) {
    own_arena_ = std::make_shared<StringArena>();
    shared_arenas_.push_back(own_arena_);
  }
  return *own_arena_;
}

void Column::ShareArenasOf(const Column& other) {
  for (const auto& a : other.shared_arenas_) KeepAlive(a);
  if (children_.size() != other.children_.size()) return;
  for (size_t c = 0; c < children_.size(); ++c) children_[c]->ShareArenasOf(*other.children_[c]);
}

void Column::KeepAlive(std::shared_ptr<const StringArena> arena) {
  for (const auto& a : shared_arenas_) {
    if (a == arena) return;
  }
  shared_arenas_.push_back(std::move(arena));
}

}  // namespace sluice
