#include "server/status_json.h"

#include <fmt/format.h>

#include "common/json_string.h"
#include "server/pipeline_readiness.h"

namespace sluice::server {

std::string StatusJson(const runtime::PipelineSnapshot& snapshot, int64_t now_ms) {
  Readiness readiness = CheckReadiness(snapshot, now_ms);
  std::string out = fmt::format(
      "{{\"pipeline\":{},\"state\":{},\"uptime_seconds\":{:.3f},\"last_committed_epoch\":{},"
      "\"last_commit_age_seconds\":{:.3f},\"ready\":{},\"not_ready_reason\":{},"
      "\"bad_records\":{},\"sources\":[",
      JsonString(snapshot.name), JsonString(snapshot.state),
      (now_ms - snapshot.started_ms) / 1000.0, snapshot.last_committed_epoch,
      (now_ms - snapshot.last_commit_ms) / 1000.0, readiness.ready ? "true" : "false",
      JsonString(readiness.reason), snapshot.bad_records);
  for (size_t i = 0; i < snapshot.sources.size(); ++i) {
    const auto& s = snapshot.sources[i];
    out += fmt::format(
        "{}{{\"name\":{},\"open\":{},\"finished\":{},\"records\":{},\"watermark_ms\":{},"
        "\"splits\":[",
        i > 0 ? "," : "", JsonString(s.name), s.open ? "true" : "false",
        s.finished ? "true" : "false", s.records,
        s.watermark_ms ? std::to_string(*s.watermark_ms) : "null");
    for (size_t j = 0; j < s.splits.size(); ++j) {
      out += fmt::format("{}{{\"name\":{},\"backlog\":{}}}", j > 0 ? "," : "",
                         JsonString(s.splits[j].name), s.splits[j].backlog);
    }
    out += "]}";
  }
  out += "],\"sinks\":[";
  for (size_t i = 0; i < snapshot.sinks.size(); ++i) {
    out += fmt::format("{}{{\"name\":{},\"rows\":{}}}", i > 0 ? "," : "",
                       JsonString(snapshot.sinks[i].name), snapshot.sinks[i].rows);
  }
  out += "],\"operators\":[";
  for (size_t i = 0; i < snapshot.operators.size(); ++i) {
    const auto& o = snapshot.operators[i];
    out += fmt::format(
        "{}{{\"job\":{},\"name\":{},\"state_keys\":{},\"state_bytes\":{},"
        "\"late_dropped\":{},\"late_updated\":{}}}",
        i > 0 ? "," : "", JsonString(o.job), JsonString(o.name), o.state_keys,
        o.state_bytes ? std::to_string(*o.state_bytes) : "null", o.late_dropped, o.late_updated);
  }
  return out + "]}";
}

}  // namespace sluice::server
