#include "runtime/aggregate_state_arena.h"

#include <algorithm>

namespace sluice::runtime {
namespace {

constexpr size_t kAlign = 8;
constexpr size_t kFirstChunkRegions = 8;
constexpr size_t kMaxChunkBytes = 256 * 1024;

size_t AlignUp(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

}  // namespace

std::vector<size_t> AggregateStateArena::StateOffsets(
    const std::vector<const expr::AggregateFunction*>& functions) {
  std::vector<size_t> offsets;
  size_t offset = 0;
  for (const auto* f : functions) {
    offsets.push_back(offset);
    offset += AlignUp(f->state_size());
  }
  return offsets;
}

AggregateStateArena::AggregateStateArena(std::vector<const expr::AggregateFunction*> functions)
    : functions_(std::move(functions)), offsets_(StateOffsets(functions_)) {
  for (const auto* f : functions_) region_size_ += AlignUp(f->state_size());
  region_size_ = std::max(region_size_, kAlign);
}

AggregateStateArena::~AggregateStateArena() {
  for (uint8_t* region : groups_) DestroyRegion(region);
}

void AggregateStateArena::InitRegion(uint8_t* region) const {
  for (size_t a = 0; a < functions_.size(); ++a) functions_[a]->Init(region + offsets_[a]);
}

void AggregateStateArena::DestroyRegion(uint8_t* region) const {
  for (size_t a = 0; a < functions_.size(); ++a) functions_[a]->Destroy(region + offsets_[a]);
}

uint32_t AggregateStateArena::Add() {
  if (chunk_used_ == chunk_capacity_) {
    // Chunks grow geometrically (small windows stay small) up to a fixed size.
    size_t regions = chunk_capacity_ == 0 ? kFirstChunkRegions : chunk_capacity_ * 2;
    regions = std::max<size_t>(1, std::min(regions, kMaxChunkBytes / region_size_));
    chunks_.push_back(std::make_unique<uint64_t[]>(regions * region_size_ / kAlign));
    chunk_bytes_ += regions * region_size_;
    chunk_capacity_ = regions;
    chunk_used_ = 0;
  }
  uint8_t* region = reinterpret_cast<uint8_t*>(chunks_.back().get()) + chunk_used_ * region_size_;
  ++chunk_used_;
  InitRegion(region);
  groups_.push_back(region);
  return static_cast<uint32_t>(groups_.size() - 1);
}

void AggregateStateArena::Reset(uint32_t group) {
  DestroyRegion(groups_[group]);
  InitRegion(groups_[group]);
}

void AggregateStateArena::SaveState(StateEncoder* out) const {
  out->PutI64(static_cast<int64_t>(groups_.size()));
  std::string state;
  for (uint8_t* region : groups_) {
    state.clear();
    for (size_t a = 0; a < functions_.size(); ++a) {
      functions_[a]->Serialize(region + offsets_[a], &state);
    }
    out->PutString(state);
  }
}

Status AggregateStateArena::RestoreState(StateDecoder* in) {
  int64_t groups = 0;
  RETURN_IF_ERROR(in->GetI64(&groups));
  if (groups < 0) return in->Corrupt("negative group count");
  std::string state;
  for (int64_t g = 0; g < groups; ++g) {
    RETURN_IF_ERROR(in->GetString(&state));
    uint8_t* region = group(Add());
    std::string_view rest(state);
    for (size_t a = 0; a < functions_.size(); ++a) {
      RETURN_IF_ERROR(functions_[a]->Deserialize(&rest, region + offsets_[a]));
    }
    if (!rest.empty()) return in->Corrupt("aggregate state longer than its functions read");
  }
  return Status::Ok();
}
}  // namespace sluice::runtime
