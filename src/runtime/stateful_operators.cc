#include "runtime/stateful_operators.h"

#include <fmt/format.h>

namespace sluice::runtime {
namespace {

std::string KindOf(const Operator& op) {
  const std::string description = op.Describe();
  return description.substr(0, description.find('['));
}

}  // namespace

StatefulOperators::StatefulOperators(const std::vector<Job>& jobs) {
  for (const Job& job : jobs) {
    std::map<std::string, int> seen;  // kind -> operators of it so far in this job
    for (const auto& op : job.operators) {
      if (!op->stats()) continue;
      const std::string kind = KindOf(*op);
      const int n = ++seen[kind];
      entries_.push_back({job.name, n == 1 ? kind : fmt::format("{}#{}", kind, n), op.get()});
    }
  }
}

std::vector<OperatorStats> StatefulOperators::Stats() const {
  std::vector<OperatorStats> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) out.push_back(e.op->stats().value_or(OperatorStats{}));
  return out;
}

void StatefulOperators::SetStateBytes(const std::map<const Operator*, int64_t>& bytes) {
  for (Entry& e : entries_) {
    auto it = bytes.find(e.op);
    if (it != bytes.end()) e.state_bytes = it->second;
  }
}

std::vector<OperatorSnapshot> StatefulOperators::Snapshot() const {
  std::vector<OperatorSnapshot> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) {
    const OperatorStats stats = e.op->stats().value_or(OperatorStats{});
    OperatorSnapshot snap;
    snap.job = e.job;
    snap.name = e.name;
    snap.state_keys = stats.state_keys;
    if (e.state_bytes >= 0) snap.state_bytes = e.state_bytes;
    snap.late_dropped = stats.late_dropped;
    snap.late_updated = stats.late_updated;
    out.push_back(std::move(snap));
  }
  return out;
}

}  // namespace sluice::runtime
