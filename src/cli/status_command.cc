#include "cli/status_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

#include "cli/process_status.h"
#include "cli/sluice_cli.h"
#include "cli/status_topic.h"
#include "common/byte_size.h"
#include "common/json_string.h"
#include "common/wall_clock.h"
#include "connectors/kafka/kafka_client_config.h"
#include "connectors/kafka/kafka_latest_records.h"
#include "connectors/kafka/kafka_topic_creator.h"

namespace sluice::cli {
namespace {

constexpr int64_t kForgetAfterMs = 3'600'000;  // records older than this are not listed

struct Listed {
  ProcessStatus status;
  bool live = false;
};

// Who owns each partition of one Kafka topic, among the live processes.
struct TopicCoverage {
  std::string source;
  std::string topic;
  int partitions = 0;  // in the cluster (0: unknown)
  std::map<int, std::vector<std::string>> owners;
};

// Splits "orders-3" into ("orders", 3); false for a split that is not a Kafka partition.
bool ParsePartition(const std::string& split, std::string* topic, int* partition) {
  const size_t dash = split.rfind('-');
  if (dash == std::string::npos || dash + 1 == split.size()) return false;
  if (!std::all_of(split.begin() + dash + 1, split.end(), ::isdigit)) return false;
  *topic = split.substr(0, dash);
  *partition = std::atoi(split.c_str() + dash + 1);
  return true;
}

std::vector<TopicCoverage> Coverage(const std::vector<Listed>& listed, rd_kafka_t* client) {
  std::map<std::string, TopicCoverage> by_topic;
  for (const Listed& p : listed) {
    for (const auto& [source, splits] : p.status.splits) {
      for (const std::string& split : splits) {
        std::string topic;
        int partition = 0;
        if (!ParsePartition(split, &topic, &partition)) continue;
        TopicCoverage& c = by_topic[topic];
        c.source = source;
        c.topic = topic;
        if (p.live) c.owners[partition].push_back(p.status.id);
      }
    }
  }
  std::vector<TopicCoverage> out;
  for (auto& [topic, c] : by_topic) {
    if (client != nullptr) {
      auto count = connectors::KafkaTopicCreator::PartitionCount(client, topic);
      if (count.ok()) c.partitions = *count;
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::string Joined(const std::vector<int>& values) {
  return values.empty() ? "none" : fmt::format("{}", fmt::join(values, ","));
}

std::vector<int> Unowned(const TopicCoverage& c) {
  std::vector<int> out;
  for (int p = 0; p < c.partitions; ++p) {
    if (c.owners.count(p) == 0) out.push_back(p);
  }
  return out;
}

std::vector<int> Shared(const TopicCoverage& c) {
  std::vector<int> out;
  for (const auto& [p, owners] : c.owners) {
    if (owners.size() > 1) out.push_back(p);
  }
  return out;
}

std::string SplitList(const ProcessStatus& s) {
  std::string out;
  for (const auto& [source, splits] : s.splits) {
    std::vector<int> partitions;
    for (const std::string& split : splits) {
      std::string topic;
      int partition = 0;
      if (ParsePartition(split, &topic, &partition)) partitions.push_back(partition);
    }
    std::sort(partitions.begin(), partitions.end());
    out +=
        fmt::format("{}{}: {}", out.empty() ? "" : "  ", source,
                    partitions.size() == splits.size() ? Joined(partitions)
                                                       : fmt::format("{}", fmt::join(splits, ",")));
  }
  return out;
}

void PrintTable(const std::string& pipeline, const StatusTopic& topic,
                const std::vector<Listed>& listed, const std::vector<TopicCoverage>& coverage,
                int64_t now_ms) {
  const auto live = std::count_if(listed.begin(), listed.end(), [](auto& p) { return p.live; });
  std::printf("pipeline '%s': %ld live process(es), %ld stopped or gone (status topic '%s')\n",
              pipeline.c_str(), static_cast<long>(live), static_cast<long>(listed.size() - live),
              topic.topic.c_str());
  std::printf("%-24s %-10s %10s %8s %10s %10s %11s  %-26s %s\n", "PROCESS", "STATE", "SEEN",
              "EPOCH", "LAG", "STATE KEYS", "STATE BYTES", "HTTP", "OWNS");
  for (const Listed& p : listed) {
    const ProcessStatus& s = p.status;
    std::printf("%-24s %-10s %6.1fs ago %8ld %10s %10ld %11s  %-26s %s\n", s.id.c_str(),
                (p.live ? s.state : (s.state == "running" ? "gone" : s.state)).c_str(),
                (now_ms - s.published_ms) / 1000.0, static_cast<long>(s.last_committed_epoch),
                s.lag_known ? std::to_string(s.lag).c_str() : "?", static_cast<long>(s.state_keys),
                FormatByteSize(s.state_bytes).c_str(), s.http.empty() ? "-" : s.http.c_str(),
                p.live ? SplitList(s).c_str() : "");
  }
  for (const TopicCoverage& c : coverage) {
    std::printf(
        "%s (topic %s): %zu of %d partition(s) owned by live processes; not owned: %s; "
        "owned by several: %s\n",
        c.source.c_str(), c.topic.c_str(), c.owners.size(), c.partitions,
        Joined(Unowned(c)).c_str(), Joined(Shared(c)).c_str());
  }
}

void PrintJson(const std::string& pipeline, const StatusTopic& topic,
               const std::vector<Listed>& listed, const std::vector<TopicCoverage>& coverage) {
  std::string out = fmt::format("{{\"pipeline\":{},\"status_topic\":{},\"processes\":[",
                                JsonString(pipeline), JsonString(topic.topic));
  for (size_t i = 0; i < listed.size(); ++i) {
    const ProcessStatus& s = listed[i].status;
    std::string splits;
    for (const auto& [source, names] : s.splits) {
      std::vector<std::string> quoted;
      for (const auto& n : names) quoted.push_back(JsonString(n));
      splits += fmt::format("{}{}:[{}]", splits.empty() ? "" : ",", JsonString(source),
                            fmt::join(quoted, ","));
    }
    out += fmt::format(
        "{}{{\"id\":{},\"live\":{},\"state\":{},\"http\":{},\"published_ms\":{},"
        "\"last_committed_epoch\":{},\"records\":{},\"lag\":{},\"state_keys\":{},"
        "\"state_bytes\":{},\"splits\":{{{}}}}}",
        i > 0 ? "," : "", JsonString(s.id), listed[i].live ? "true" : "false", JsonString(s.state),
        JsonString(s.http), s.published_ms, s.last_committed_epoch, s.records,
        s.lag_known ? std::to_string(s.lag) : "null", s.state_keys, s.state_bytes, splits);
  }
  out += "],\"topics\":[";
  for (size_t i = 0; i < coverage.size(); ++i) {
    const TopicCoverage& c = coverage[i];
    out += fmt::format(
        "{}{{\"source\":{},\"topic\":{},\"partitions\":{},\"owned\":{},\"not_owned\":[{}],"
        "\"owned_by_several\":[{}]}}",
        i > 0 ? "," : "", JsonString(c.source), JsonString(c.topic), c.partitions, c.owners.size(),
        fmt::join(Unowned(c), ","), fmt::join(Shared(c), ","));
  }
  std::printf("%s]}\n", out.c_str());
}

// The processes to list: parsed, recent enough, newest first within live ones.
std::vector<Listed> ListProcesses(const std::vector<connectors::KafkaKeyedRecord>& records,
                                  int64_t now_ms, int64_t stale_after_ms) {
  std::vector<Listed> listed;
  for (const auto& record : records) {
    auto parsed = ParseProcessStatus(record.value);
    if (!parsed.ok()) {
      std::fprintf(stderr, "status record '%s': %s\n", record.key.c_str(),
                   parsed.status().message().c_str());
      continue;
    }
    const int64_t age = now_ms - parsed->published_ms;
    if (age > kForgetAfterMs) continue;
    const bool ended = parsed->state == "stopped" || parsed->state == "finished";
    listed.push_back({std::move(*parsed), !ended && age <= stale_after_ms});
  }
  std::stable_sort(listed.begin(), listed.end(),
                   [](const Listed& a, const Listed& b) { return a.live > b.live; });
  return listed;
}

}  // namespace

int PrintPipelineStatus(const LoadedPipeline& loaded, const StatusCommandOptions& options) {
  auto pipeline = runtime::PipelineOptions::FromSettings(
      loaded.plan.settings, runtime::PipelineOptions::DefaultName(loaded.plan.file_name));
  if (!pipeline.ok()) {
    std::fprintf(stderr, "%s\n", pipeline.status().message().c_str());
    return kExitUserError;
  }
  std::optional<StatusTopic> topic = StatusTopicOf(loaded.plan, *pipeline);
  if (!topic) {
    std::fprintf(stderr,
                 "pipeline '%s' publishes no status: it reads no Kafka table in a consumer group "
                 "(or sets 'pipeline.status-topic' = 'none'); ask its process for /api/status "
                 "(sluice run --http-port)\n",
                 pipeline->name.c_str());
    return kExitUserError;
  }
  auto records =
      connectors::KafkaLatestRecords::Read(topic->properties, topic->topic, options.timeout_ms);
  if (!records.ok()) {
    std::fprintf(stderr, "pipeline '%s': %s%s\n", pipeline->name.c_str(),
                 records.status().message().c_str(),
                 records.status().code() == StatusCode::kNotFound
                     ? " (no process of the pipeline has published its status yet)"
                     : "");
    return kExitRuntimeError;
  }
  const int64_t now = WallClockMillis();
  std::vector<Listed> listed = ListProcesses(*records, now, options.stale_after_ms);
  auto conf = connectors::KafkaClientConfig::Build(topic->properties, {});
  connectors::RdKafkaHandle client;
  if (conf.ok()) {
    auto created = connectors::KafkaClientConfig::CreateClient(RD_KAFKA_PRODUCER, std::move(*conf));
    if (created.ok()) client = std::move(*created);
  }
  std::vector<TopicCoverage> coverage = Coverage(listed, client.get());
  if (options.json) {
    PrintJson(pipeline->name, *topic, listed, coverage);
  } else {
    PrintTable(pipeline->name, *topic, listed, coverage, now);
  }
  return kExitOk;
}

}  // namespace sluice::cli
