#include "runtime/repartitioned_splits.h"

#include <fmt/format.h>

#include "common/crash_point.h"
#include "runtime/state_decoder.h"
#include "runtime/state_encoder.h"

namespace sluice::runtime {

void RepartitionedSplits::Add(size_t source, SourceReader* reader,
                              RepartitionedWindowAggregateOperator* op) {
  Source& s = sources_[source];
  s.reader = reader;
  s.ops.push_back(op);
}

Status RepartitionedSplits::BeforeBatch(const EpochLogEntry& entry, bool has_rows) {
  auto it = sources_.find(entry.source);
  if (it == sources_.end()) return Status::Ok();
  Source& s = it->second;
  if (has_rows) s.read.insert(entry.split);
  const int64_t generation = s.reader->split_generation(SplitId(entry.split));
  auto known = s.generation.find(entry.split);
  if (generation == (known == s.generation.end() ? 0 : known->second)) return Status::Ok();
  return RestoreAssigned(entry.source, s);
}

Status RepartitionedSplits::RestoreAssigned(size_t source, Source& s) {
  std::vector<SplitId> moved;
  for (size_t i = 0; i < s.reader->num_splits(); ++i) {
    const SplitId split(static_cast<int64_t>(i));
    const int64_t generation = s.reader->split_generation(split);
    auto known = s.generation.find(split.value());
    if (generation != (known == s.generation.end() ? 0 : known->second)) moved.push_back(split);
  }
  ASSIGN_OR_RETURN(auto states, s.reader->LoadSplitStates(moved));
  for (SplitId split : moved) {
    auto state = states.find(split);
    RETURN_IF_ERROR(
        RestoreSplit(source, s, split.value(), state == states.end() ? nullptr : &state->second)
            .WithContext(fmt::format("restoring the state of {}", s.reader->split_name(split))));
    s.generation[split.value()] = s.reader->split_generation(split);
  }
  return Status::Ok();
}

Status RepartitionedSplits::RestoreSplit(size_t source, const Source& s, int64_t split,
                                         const std::string* state) {
  const Key key{source, split};
  if (state == nullptr) {
    for (auto* op : s.ops) op->DropSplit(key);
    return Status::Ok();
  }
  StateDecoder in(*state, "split state of " + s.reader->split_name(SplitId(split)));
  for (auto* op : s.ops) RETURN_IF_ERROR(op->RestoreSplit(key, &in));
  if (!in.done()) return in.Corrupt("state not fully read");
  return Status::Ok();
}

Status RepartitionedSplits::FlushEpoch() {
  // Named references, not a structured binding: clang 14 (the fuzz build) cannot capture one.
  for (auto& entry : sources_) {
    const auto& source = entry.first;
    auto& s = entry.second;
    std::vector<SplitId> read;
    for (int64_t split : s.read) read.push_back(SplitId(split));
    ASSIGN_OR_RETURN(std::vector<SplitId> recorded, s.reader->RecordIntents(read));
    s.recorded.clear();
    for (SplitId split : recorded) s.recorded.insert(split.value());
    const size_t index = source;
    auto keep = [&](const Key& key) {
      if (key.first != index) return true;
      const SplitId split(key.second);
      if (s.read.count(key.second)) return s.recorded.count(key.second) > 0;
      // Not read this epoch: dropped once the group gave the split to another process.
      return s.reader->split_generation(split) == 0 || s.reader->split_owned(split);
    };
    for (auto* op : s.ops) RETURN_IF_ERROR(op->FlushEpoch(keep));
    for (int64_t split : s.read) {
      // A split read but not recorded lost its state: restore it when it is read next.
      if (!s.recorded.count(split)) s.generation[split] = -1;
    }
  }
  return Status::Ok();
}

Status RepartitionedSplits::StoreStates() {
  for (auto& [source, s] : sources_) {
    std::vector<std::pair<SplitId, std::string>> states;
    for (int64_t split : s.recorded) {
      StateEncoder out;
      for (auto* op : s.ops) RETURN_IF_ERROR(op->SaveSplit({source, split}, &out));
      states.emplace_back(SplitId(split), std::move(out.data()));
    }
    RETURN_IF_ERROR(s.reader->StoreSplitStates(states));
    if (!states.empty()) CrashPoint("split-states-stored");
  }
  return Status::Ok();
}

void RepartitionedSplits::EndEpoch() {
  for (auto& [source, s] : sources_) {
    s.read.clear();
    s.recorded.clear();
  }
}

}  // namespace sluice::runtime
