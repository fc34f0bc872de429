#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/status.h"
#include "runtime/restart_strategy.h"

namespace sluice::runtime {

/// The pipeline-wide settings (SET statements and --set flags), parsed and checked.
struct PipelineOptions {
  std::string name = "pipeline";                  // 'pipeline.name'
  int64_t epoch_interval_ms = 1000;               // 'execution.epoch-interval'
  int64_t epoch_max_output_bytes = 16 << 20;      // 'execution.epoch-max-output' (0: time only)
  size_t batch_rows = 4096;                       // 'execution.batch-size'
  int64_t allowed_lateness_ms = 0;                // 'table.exec.emit.allow-lateness'
  int64_t idle_timeout_ms = 0;                    // 'table.exec.source.idle-timeout' (0: never)
  int64_t state_ttl_ms = 0;                       // 'table.exec.state.ttl' (0: never; event time)
  std::string dead_letter_path;                   // 'pipeline.dead-letter.path'
  std::string dead_letter_table;                  // 'pipeline.dead-letter'
  std::string epoch_log_path;                     // 'execution.epoch-log.path' (empty: memory only)
  std::string server_bind_address = "127.0.0.1";  // 'server.bind-address'
  int server_port = -1;                           // 'server.port' (-1: no server; 0: any port)
  std::string server_auth_token;                  // 'server.auth-token' (empty: no auth)
  std::string server_dashboard;  // 'server.dashboard': definition file, relative to the SQL file
  std::string state_dir;         // 'state.dir' (default ./.sluice/state/<name>; '': none)
  int64_t checkpoint_interval_ms = 10'000;  // 'execution.checkpoint-interval'
  bool start_fresh = false;                 // 'state.start-fresh': drop the state at start-up
  int64_t shutdown_timeout_ms = 30'000;     // 'pipeline.shutdown-timeout': SIGTERM to exit
  int64_t max_state_bytes = 0;  // 'pipeline.max-memory': operator state in bytes (0: no bound)
  RestartStrategy restart;      // 'restart-strategy' and 'restart-strategy.*'
  // 'pipeline.status-topic': the Kafka topic where each process of the pipeline publishes its
  // status for `sluice status` (default <name>.status; 'none' gives "": not published).
  std::string status_topic;
  std::string run_id;  // not a setting: the state's run identity (Pipeline::Create)

  /// Reads the known keys from `settings`; an unknown key starting with 'execution.',
  /// 'pipeline.', 'server.' or 'table.exec.' is an error naming the known ones (a typo must not
  /// pass silently).
  /// Returns the name a pipeline file gets without 'pipeline.name': its base name up to the
  /// first '.' ("jobs/orders.sql" gives "orders").
  static std::string DefaultName(const std::string& file_name);

  static Result<PipelineOptions> FromSettings(const std::map<std::string, std::string>& settings,
                                              const std::string& default_name);
};

}  // namespace sluice::runtime
