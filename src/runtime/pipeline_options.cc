#include "runtime/pipeline_options.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdlib>

#include "common/byte_size.h"
#include "common/duration.h"

namespace sluice::runtime {
namespace {

bool HasPrefix(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

Result<int64_t> PositiveInt(const std::string& key, const std::string& value) {
  char* end = nullptr;
  long long v = std::strtoll(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || v <= 0) {
    return Status::InvalidArgument(
        fmt::format("SET '{}' = '{}': expected a positive integer", key, value));
  }
  return static_cast<int64_t>(v);
}

}  // namespace

std::string PipelineOptions::DefaultName(const std::string& file_name) {
  std::string name = file_name.substr(file_name.find_last_of('/') + 1);
  return name.substr(0, name.find('.'));
}

Result<PipelineOptions> PipelineOptions::FromSettings(
    const std::map<std::string, std::string>& settings, const std::string& default_name) {
  static const char* kKnown[] = {"pipeline.name",
                                 "execution.epoch-interval",
                                 "execution.epoch-max-output",
                                 "execution.batch-size",
                                 "table.exec.emit.allow-lateness",
                                 "table.exec.state.ttl",
                                 "table.exec.source.idle-timeout",
                                 "pipeline.dead-letter",
                                 "pipeline.dead-letter.path",
                                 "execution.epoch-log.path",
                                 "server.bind-address",
                                 "server.port",
                                 "server.auth-token",
                                 "server.dashboard",
                                 "execution.checkpoint-interval",
                                 "pipeline.shutdown-timeout",
                                 "pipeline.max-memory",
                                 "pipeline.repartition",
                                 "pipeline.repartition.partitions",
                                 "pipeline.status-topic"};
  PipelineOptions o;
  o.name = default_name;
  bool status_topic_set = false;
  for (const auto& setting : settings) {
    // Named references, not a structured binding: clang 14 (the fuzz build) cannot capture one.
    const std::string& key = setting.first;
    const std::string& value = setting.second;
    auto duration = [&](int64_t* out) -> Status {
      auto ms = ParseDurationMillis(value);
      if (!ms.ok()) return ms.status().WithContext(fmt::format("SET '{}'", key));
      *out = *ms;
      return Status::Ok();
    };
    auto byte_size = [&](int64_t* out) -> Status {
      auto bytes = ParseByteSize(value);
      if (!bytes.ok()) return bytes.status().WithContext(fmt::format("SET '{}'", key));
      *out = *bytes;
      return Status::Ok();
    };
    if (key == "pipeline.name") {
      o.name = value;
    } else if (key == "execution.epoch-interval") {
      RETURN_IF_ERROR(duration(&o.epoch_interval_ms));
      if (o.epoch_interval_ms <= 0)
        return Status::InvalidArgument("execution.epoch-interval must be positive");
    } else if (key == "execution.epoch-max-output") {
      RETURN_IF_ERROR(byte_size(&o.epoch_max_output_bytes));
    } else if (key == "execution.batch-size") {
      ASSIGN_OR_RETURN(int64_t rows, PositiveInt(key, value));
      o.batch_rows = static_cast<size_t>(rows);
    } else if (key == "table.exec.emit.allow-lateness") {
      RETURN_IF_ERROR(duration(&o.allowed_lateness_ms));
    } else if (key == "table.exec.state.ttl") {
      RETURN_IF_ERROR(duration(&o.state_ttl_ms));
    } else if (key == "table.exec.source.idle-timeout") {
      RETURN_IF_ERROR(duration(&o.idle_timeout_ms));
    } else if (key == "pipeline.dead-letter") {
      o.dead_letter_table = value;
    } else if (key == "pipeline.dead-letter.path") {
      o.dead_letter_path = value;
    } else if (key == "execution.epoch-log.path") {
      o.epoch_log_path = value;
    } else if (key == "server.bind-address") {
      o.server_bind_address = value;
    } else if (key == "server.port") {
      char* end = nullptr;
      long port = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || port < 0 || port > 65535) {
        return Status::InvalidArgument(
            fmt::format("SET 'server.port' = '{}': expected a port number 0..65535", value));
      }
      o.server_port = static_cast<int>(port);
    } else if (key == "server.dashboard") {
      o.server_dashboard = value;
    } else if (key == "server.auth-token") {
      o.server_auth_token = value;
    } else if (key == "execution.checkpoint-interval") {
      RETURN_IF_ERROR(duration(&o.checkpoint_interval_ms));
      if (o.checkpoint_interval_ms <= 0)
        return Status::InvalidArgument("execution.checkpoint-interval must be positive");
    } else if (key == "pipeline.shutdown-timeout") {
      RETURN_IF_ERROR(duration(&o.shutdown_timeout_ms));
    } else if (key == "pipeline.max-memory") {
      RETURN_IF_ERROR(byte_size(&o.max_state_bytes));
    } else if (key == "pipeline.status-topic") {
      o.status_topic = value == "none" ? "" : value;
      status_topic_set = true;
    } else if (key == "pipeline.repartition" || key == "pipeline.repartition.partitions") {
      // Planned by sql::RepartitionRewriter.
    } else if (HasPrefix(key, "execution.") || HasPrefix(key, "pipeline.") ||
               HasPrefix(key, "table.exec.") || HasPrefix(key, "server.")) {
      return Status::InvalidArgument(
          fmt::format("unknown setting '{}'; known: {}", key, fmt::join(kKnown, ", ")));
    }
  }
  if (!status_topic_set) o.status_topic = o.name + ".status";
  ASSIGN_OR_RETURN(o.restart, RestartStrategy::FromSettings(settings));
  auto state_dir = settings.find("state.dir");
  o.state_dir = state_dir != settings.end() ? state_dir->second : "./.sluice/state/" + o.name;
  auto fresh = settings.find("state.start-fresh");
  if (fresh != settings.end()) {
    if (fresh->second != "true" && fresh->second != "false") {
      return Status::InvalidArgument(
          fmt::format("SET 'state.start-fresh' = '{}': expected true or false", fresh->second));
    }
    o.start_fresh = fresh->second == "true";
  }
  return o;
}

}  // namespace sluice::runtime
