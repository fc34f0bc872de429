#include "runtime/group_key_table.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>

#include "types/cell_equality.h"
#include "types/cell_hash.h"

namespace sluice::runtime {
namespace {

constexpr uint64_t kNullHash = cell_hash::kNull;
constexpr size_t kInitialSlots = 64;

using cell_hash::Combine;
using cell_hash::Mix;

int64_t ScalarBits(const Column& c, size_t row) {
  switch (c.physical()) {
    case PhysicalType::kBool:
      return c.bools()[row];
    case PhysicalType::kInt64:
      return c.ints()[row];
    case PhysicalType::kDouble:
      return cell_hash::DoubleBits(c.doubles()[row]);
    case PhysicalType::kNested:  // hashed and compared by CellEquality
    case PhysicalType::kString:
      return 0;
  }
  return 0;
}

// Appends row `row` of `from` to `to` with copies of its strings in `to`'s own arenas.
void AppendOwnedCopy(const Column& from, size_t row, Column* to) {
  if (from.IsNull(row)) {
    to->AppendNull();
    return;
  }
  if (to->physical() == PhysicalType::kString) {
    to->AppendString(from.strings()[row]);
    return;
  }
  if (to->physical() != PhysicalType::kNested) {
    to->AppendFrom(from, row);
    return;
  }
  const bool is_row = to->type().id == TypeId::kRow;
  const uint32_t first = is_row ? static_cast<uint32_t>(row) : from.offsets()[row];
  const uint32_t end = is_row ? first + 1 : from.offsets()[row + 1];
  for (uint32_t e = first; e < end; ++e) {
    for (size_t c = 0; c < to->num_children(); ++c) {
      AppendOwnedCopy(from.child(c), e, &to->child(c));
    }
  }
  to->EndNestedValue();
}

uint64_t ValueHash(const Column& c, size_t row) {
  if (c.physical() == PhysicalType::kString) {
    return std::hash<std::string_view>()(c.strings()[row]);
  }
  return Mix(static_cast<uint64_t>(ScalarBits(c, row)));
}

void HashColumn(const Column& c, size_t num_rows, uint64_t* hashes) {
  if (c.has_nulls()) {
    for (size_t i = 0; i < num_rows; ++i) {
      hashes[i] = Combine(hashes[i], c.IsNull(i) ? kNullHash : ValueHash(c, i));
    }
    return;
  }
  switch (c.physical()) {
    case PhysicalType::kInt64: {
      const int64_t* v = c.ints().data();
      for (size_t i = 0; i < num_rows; ++i) {
        hashes[i] = Combine(hashes[i], Mix(static_cast<uint64_t>(v[i])));
      }
      break;
    }
    case PhysicalType::kNested:
      for (size_t i = 0; i < num_rows; ++i) {
        hashes[i] = Combine(hashes[i], CellEquality::Hash(c, i));
      }
      break;
    case PhysicalType::kString: {
      const std::string_view* v = c.strings().data();
      std::hash<std::string_view> hasher;
      for (size_t i = 0; i < num_rows; ++i) hashes[i] = Combine(hashes[i], hasher(v[i]));
      break;
    }
    case PhysicalType::kBool:
    case PhysicalType::kDouble:
      for (size_t i = 0; i < num_rows; ++i) hashes[i] = Combine(hashes[i], ValueHash(c, i));
      break;
  }
}

}  // namespace

GroupKeyTable::GroupKeyTable(std::vector<LogicalType> key_types)
    : key_types_(std::move(key_types)), slots_(kInitialSlots, 0), mask_(kInitialSlots - 1) {
  for (const LogicalType& type : key_types_) {
    nested_keys_.push_back(type.is_nested() ? std::make_unique<Column>(type) : nullptr);
  }
}

void GroupKeyTable::HashRows(const std::vector<const Column*>& keys, size_t num_rows,
                             std::vector<uint64_t>* hashes) {
  hashes->assign(num_rows, 0);
  for (const Column* c : keys) HashColumn(*c, num_rows, hashes->data());
  for (size_t i = 0; i < num_rows; ++i) (*hashes)[i] = Mix((*hashes)[i]);
}

bool GroupKeyTable::Equals(uint32_t group, const std::vector<const Column*>& keys,
                           size_t row) const {
  const Cell* cells = cells_.data() + static_cast<size_t>(group) * keys.size();
  for (size_t k = 0; k < keys.size(); ++k) {
    const Column& c = *keys[k];
    const bool null = c.IsNull(row);
    if (null != cells[k].null) return false;
    if (null) continue;
    if (c.physical() == PhysicalType::kString) {
      if (c.strings()[row] != cells[k].str) return false;
    } else if (c.physical() == PhysicalType::kNested) {
      if (!CellEquality::Equal(*nested_keys_[k], static_cast<size_t>(cells[k].bits), c, row)) {
        return false;
      }
    } else if (ScalarBits(c, row) != cells[k].bits) {
      return false;
    }
  }
  return true;
}

void GroupKeyTable::Grow() {
  const size_t capacity = slots_.size() * 2;
  slots_.assign(capacity, 0);
  mask_ = capacity - 1;
  for (uint32_t g = 0; g < group_hashes_.size(); ++g) {
    uint64_t i = group_hashes_[g] & mask_;
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = g + 1;
  }
}

uint32_t GroupKeyTable::FindOrInsert(const std::vector<const Column*>& keys, size_t row,
                                     uint64_t hash, bool* inserted) {
  uint64_t i = hash & mask_;
  while (slots_[i] != 0) {
    const uint32_t g = slots_[i] - 1;
    if (group_hashes_[g] == hash && Equals(g, keys, row)) {
      *inserted = false;
      return g;
    }
    i = (i + 1) & mask_;
  }
  const auto g = static_cast<uint32_t>(group_hashes_.size());
  slots_[i] = g + 1;
  group_hashes_.push_back(hash);
  for (size_t k = 0; k < keys.size(); ++k) {
    const Column* c = keys[k];
    Cell cell;
    cell.null = c->IsNull(row);
    if (!cell.null) {
      if (c->physical() == PhysicalType::kString) {
        cell.str = arena_.Add(c->strings()[row]);
      } else if (c->physical() == PhysicalType::kNested) {
        cell.bits = static_cast<int64_t>(nested_keys_[k]->size());
        AppendOwnedCopy(*c, row, nested_keys_[k].get());
      } else {
        cell.bits = ScalarBits(*c, row);
      }
    }
    cells_.push_back(cell);
  }
  if (group_hashes_.size() * 2 > slots_.size()) Grow();
  *inserted = true;
  return g;
}

void GroupKeyTable::AppendKey(uint32_t group, const std::vector<Column*>& out) const {
  const Cell* cells = cells_.data() + static_cast<size_t>(group) * key_types_.size();
  for (size_t k = 0; k < key_types_.size(); ++k) {
    Column* c = out[k];
    if (cells[k].null) {
      c->AppendNull();
      continue;
    }
    switch (c->physical()) {
      case PhysicalType::kBool:
        c->AppendBool(cells[k].bits != 0);
        break;
      case PhysicalType::kInt64:
        c->AppendInt(cells[k].bits);
        break;
      case PhysicalType::kDouble:
        c->AppendDouble(std::bit_cast<double>(cells[k].bits));
        break;
      case PhysicalType::kNested:
        c->ShareArenasOf(*nested_keys_[k]);
        c->AppendFrom(*nested_keys_[k], static_cast<size_t>(cells[k].bits));
        break;
      case PhysicalType::kString:
        c->AppendString(cells[k].str);
        break;
    }
  }
}

void GroupKeyTable::SaveState(StateEncoder* out) const {
  out->PutI64(static_cast<int64_t>(size()));
  for (const LogicalType& type : key_types_) {
    Column column(type);
    const size_t k = static_cast<size_t>(&type - key_types_.data());
    for (uint32_t g = 0; g < size(); ++g) {
      const Cell& cell = cells_[g * key_types_.size() + k];
      if (cell.null) {
        column.AppendNull();
        continue;
      }
      switch (column.physical()) {
        case PhysicalType::kBool:
          column.AppendBool(cell.bits != 0);
          break;
        case PhysicalType::kInt64:
          column.AppendInt(cell.bits);
          break;
        case PhysicalType::kDouble: {
          double d;
          std::memcpy(&d, &cell.bits, sizeof d);
          column.AppendDouble(d);
          break;
        }
        case PhysicalType::kNested:
          column.AppendFrom(*nested_keys_[k], static_cast<size_t>(cell.bits));
          break;
        case PhysicalType::kString:
          column.AppendStringView(cell.str);
          break;
      }
    }
    out->PutColumn(column);
  }
}

Status GroupKeyTable::RestoreState(StateDecoder* in) {
  if (size() != 0) return Status::Internal("GroupKeyTable::RestoreState on a non-empty table");
  int64_t groups = 0;
  RETURN_IF_ERROR(in->GetI64(&groups));
  std::vector<std::unique_ptr<Column>> columns;
  std::vector<const Column*> keys;
  for (const LogicalType& type : key_types_) {
    columns.push_back(std::make_unique<Column>(type));
    RETURN_IF_ERROR(in->GetColumn(columns.back().get()));
    if (columns.back()->size() != static_cast<size_t>(groups)) return in->Corrupt("key rows");
    keys.push_back(columns.back().get());
  }
  std::vector<uint64_t> hashes;
  HashRows(keys, static_cast<size_t>(groups), &hashes);
  for (size_t row = 0; row < static_cast<size_t>(groups); ++row) {
    bool inserted = false;
    FindOrInsert(keys, row, hashes[row], &inserted);
    if (!inserted) return in->Corrupt("duplicate group key");
  }
  return Status::Ok();
}
}  // namespace sluice::runtime
