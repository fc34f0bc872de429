#include "cli/process_status.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <unistd.h>

#include "common/json_string.h"
#include "server/status_json.h"

namespace sluice::cli {
namespace {

namespace dom = simdjson::dom;

Status Malformed(const std::string& what) {
  return Status::InvalidArgument("malformed status record: " + what);
}

// Adds the source's owned splits and their backlog to `out`.
Status AddSource(dom::element source, ProcessStatus* out) {
  std::string_view name;
  int64_t records = 0;
  dom::array splits;
  if (source["name"].get(name) || source["records"].get(records) || source["splits"].get(splits)) {
    return Malformed("a source without name, records or splits");
  }
  out->records += records;
  std::vector<std::string>& owned = out->splits[std::string(name)];
  for (dom::element split : splits) {
    std::string_view split_name;
    int64_t backlog = 0;
    if (split["name"].get(split_name) || split["backlog"].get(backlog)) {
      return Malformed("a split without name or backlog");
    }
    owned.emplace_back(split_name);
    if (backlog < 0) out->lag_known = false;
    if (backlog > 0) out->lag += backlog;
  }
  return Status::Ok();
}

Status AddOperators(dom::array operators, ProcessStatus* out) {
  for (dom::element op : operators) {
    int64_t keys = 0;
    if (op["state_keys"].get(keys)) return Malformed("an operator without state_keys");
    out->state_keys += keys;
    int64_t bytes = 0;
    if (!op["state_bytes"].get(bytes)) out->state_bytes += bytes;  // null before a checkpoint
  }
  return Status::Ok();
}

}  // namespace

std::string ProcessIdentity::Key() const { return fmt::format("{}:{}:{}", host, pid, started_ms); }

ProcessIdentity ProcessIdentity::OfThisProcess(int64_t now_ms) {
  ProcessIdentity id;
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) std::snprintf(host, sizeof(host), "unknown");
  id.host = host;
  id.pid = getpid();
  id.started_ms = now_ms;
  return id;
}

std::string ProcessStatusRecord(const ProcessIdentity& process,
                                const runtime::PipelineSnapshot& snapshot, int64_t now_ms) {
  return fmt::format(
      "{{\"process\":{{\"id\":{},\"host\":{},\"pid\":{},\"started_ms\":{},\"http\":{},"
      "\"published_ms\":{}}},\"status\":{}}}",
      JsonString(fmt::format("{}:{}", process.host, process.pid)), JsonString(process.host),
      process.pid, process.started_ms, JsonString(process.http), now_ms,
      server::StatusJson(snapshot, now_ms));
}

Result<ProcessStatus> ParseProcessStatus(const std::string& record) {
  dom::parser parser;
  dom::element root;
  if (parser.parse(record).get(root)) return Malformed("not JSON");
  ProcessStatus out;
  std::string_view id, http, state;
  dom::array sources, operators;
  if (root["process"]["id"].get(id) || root["process"]["http"].get(http) ||
      root["process"]["published_ms"].get(out.published_ms) || root["status"]["state"].get(state) ||
      root["status"]["last_committed_epoch"].get(out.last_committed_epoch) ||
      root["status"]["sources"].get(sources) || root["status"]["operators"].get(operators)) {
    return Malformed("missing process or status fields");
  }
  out.id = id;
  out.http = http;
  out.state = state;
  for (dom::element source : sources) RETURN_IF_ERROR(AddSource(source, &out));
  RETURN_IF_ERROR(AddOperators(operators, &out));
  return out;
}

}  // namespace sluice::cli
