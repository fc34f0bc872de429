#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "runtime/pipeline_snapshot.h"

namespace sluice::cli {

/// Who a `sluice run` process is, in the records it publishes to its pipeline's status topic.
struct ProcessIdentity {
  std::string host;
  int64_t pid = 0;
  int64_t started_ms = 0;
  std::string http;  // its /api/status base URL, "" when it serves none

  /// The record key: "host:pid:started_ms" (a restarted process is a new one).
  std::string Key() const;
  /// This process: gethostname, getpid, now.
  static ProcessIdentity OfThisProcess(int64_t now_ms);
};

/// A process's status as `sluice status` shows it, parsed from its latest status record.
struct ProcessStatus {
  std::string id;     // host:pid
  std::string http;   // "" when it serves no HTTP
  std::string state;  // the pipeline's: running, restarting, stopped, finished, ...
  int64_t published_ms = 0;
  int64_t last_committed_epoch = 0;
  int64_t records = 0;      // read by its sources since it started
  int64_t lag = 0;          // records upstream not read yet, over the splits it owns
  bool lag_known = true;    // false when a split's backlog is unknown
  int64_t state_keys = 0;   // over its stateful operators
  int64_t state_bytes = 0;  // in their last checkpoints
  // The splits it owns, by source table: Kafka partitions as "<topic>-<partition>".
  std::map<std::string, std::vector<std::string>> splits;
};

/// The JSON record a process publishes: {"process":{...},"status":<the /api/status JSON>}.
std::string ProcessStatusRecord(const ProcessIdentity& process,
                                const runtime::PipelineSnapshot& snapshot, int64_t now_ms);

/// Parses a record written by ProcessStatusRecord; a malformed one is kInvalidArgument.
Result<ProcessStatus> ParseProcessStatus(const std::string& record);

}  // namespace sluice::cli
