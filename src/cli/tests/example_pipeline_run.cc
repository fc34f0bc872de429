#include "cli/tests/example_pipeline_run.h"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <sstream>
#include <thread>

#include "cli/tests/loopback_http.h"
#include "cli/tests/metrics_scrape.h"

namespace sluice::cli::testing {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string ExamplePipelineRun::Binary() { return SLUICE_BINARY_DIR "/src/cli/sluice"; }

Result<std::unique_ptr<ExamplePipelineRun>> ExamplePipelineRun::Start(
    const std::string& example, const std::string& clickhouse_url, const std::string& topics,
    const EnvVars& env) {
  const std::string dir = std::string(SLUICE_SOURCE_DIR) + "/examples/" + example + "/";
  ASSIGN_OR_RETURN(SubprocessOutput applied,
                   Subprocess::Run({Binary(), "clickhouse", "apply", dir + "clickhouse.sql",
                                    "--url", clickhouse_url},
                                   {}, seconds(60)));
  if (applied.exit_code != 0) {
    return Status::Internal("clickhouse apply failed: " + applied.stderr_text);
  }
  std::unique_ptr<ExamplePipelineRun> run(new ExamplePipelineRun());
  run->topic_ = topics.substr(0, topics.find(','));
  ASSIGN_OR_RETURN(run->broker_, Subprocess::Start({Binary(), "kafka", "serve", "--partitions", "1",
                                                    "--topics", topics}));
  if (!run->broker_->ReadStdoutUntil(1, seconds(30))) {
    return Status::Internal("kafka serve printed no bootstrap address");
  }
  run->brokers_ = run->broker_->stdout_so_far();
  run->brokers_.erase(run->brokers_.find('\n'));
  const int port = run->port_ = FreeLoopbackPort();
  EnvVars all = {{"KAFKA_BROKERS", run->brokers_},
                 {"CLICKHOUSE_URL", clickhouse_url},
                 {"SLUICE_HTTP_PORT", std::to_string(port)},
                 {"EPOCH_INTERVAL", "200 ms"},
                 {"STATE_DIR", run->dir_.File("state")}};
  all.insert(all.end(), env.begin(), env.end());
  ASSIGN_OR_RETURN(run->pipeline_, Subprocess::Start({Binary(), "run", dir + "pipeline.sql"}, all));
  if (!WaitUntilServing(port, seconds(60))) {
    return Status::Internal("sluice run did not serve on its port: " + run->Stop().stderr_text);
  }
  return run;
}

Status ExamplePipelineRun::Produce(const std::vector<std::string>& lines,
                                   const std::string& topic) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  std::string file = dir_.Write(fmt::format("produce-{}.json", produced_files_++), text);
  ASSIGN_OR_RETURN(SubprocessOutput out,
                   Subprocess::Run({Binary(), "kafka", "produce", "--brokers", brokers_, "--topic",
                                    topic.empty() ? topic_ : topic, "--file", file, "--rate", "0"},
                                   {}, seconds(60)));
  if (out.exit_code != 0) return Status::Internal("kafka produce failed: " + out.stderr_text);
  return Status::Ok();
}

double ExamplePipelineRun::MetricSum(const std::string& name, const std::string& label_part) const {
  const ScrapeReply reply = ScrapeGet(port_, "/metrics");
  return reply.status == 200 ? SumSamples(reply.body, name, label_part) : -1;
}

SubprocessOutput ExamplePipelineRun::Stop() {
  SubprocessOutput out;
  if (pipeline_) {
    pipeline_->Signal(SIGTERM);
    out = pipeline_->Wait(seconds(60));
    pipeline_.reset();
  }
  if (broker_) {
    broker_->Signal(SIGTERM);
    broker_->Wait(seconds(10));
    broker_.reset();
  }
  return out;
}

std::vector<std::string> ExamplePipelineRun::SortedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

bool ExamplePipelineRun::WaitFor(const std::function<bool()>& done, seconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(200));
  }
  return done();
}

}  // namespace sluice::cli::testing
