#pragma once

#include <string>

#include "common/status.h"

namespace sluice::runtime {

/// The identity of one life of a pipeline's state: a random id created with the state directory
/// (file `RUN_ID`), kept while that state lives, and replaced when the state starts over
/// (`--fresh`, a removed directory, a bounded run that finished and cleared it). Sinks carry it
/// in every write identity (`SinkContext::epoch_scope`), so epochs numbered from 1 again never
/// meet identities a sink remembers from an earlier state, and processes with different state
/// directories never share one. Used by the pipeline thread at start-up only.
class RunIdentity {
 public:
  /// Returns the id of the state in `state_dir`, or a new one when it has none, `fresh` is set or
  /// `state_dir` is empty. Returns "" for unfinished state a sluice without run ids left
  /// (checkpoints or `RUNNING` but no `RUN_ID`): its epochs were written without one, and
  /// recovering them must use the same identities.
  static std::string Resolve(const std::string& state_dir, bool fresh);

  /// Returns whether `id` (not empty) is the run id stored in `state_dir`.
  static bool IsStored(const std::string& state_dir, const std::string& id);

  /// Stores `id` as the state's run id (atomically and durably) unless it is stored already or
  /// empty. Call before the first epoch reaches a sink.
  static Status Persist(const std::string& state_dir, const std::string& id);

  /// Returns a new random id: 16 hexadecimal digits.
  static std::string NewId();
};

}  // namespace sluice::runtime
