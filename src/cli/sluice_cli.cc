#include "cli/sluice_cli.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli/bench_command.h"
#include "cli/clickhouse_command.h"
#include "cli/demo_command.h"
#include "cli/grafana_command.h"
#include "cli/kafka_command.h"
#include "cli/pipeline_loader.h"
#include "cli/pipeline_supervisor.h"
#include "cli/status_command.h"
#include "cli/status_reporter.h"
#include "cli/status_topic.h"
#include "cli/version.h"
#include "common/duration.h"
#include "common/logging.h"
#include "common/metrics_registry.h"
#include "common/process_metrics.h"
#include "common/secret_redactor.h"
#include "common/wall_clock.h"
#include "runtime/pipeline.h"
#include "server/dashboard_service.h"
#include "server/http_server.h"

namespace sluice::cli {
namespace {

std::atomic<bool> g_stop{false};
bool g_json_log = false;  // --log-format json: errors too are written as JSON lines

extern "C" void HandleStopSignal(int /*signal*/) {
  if (g_stop.exchange(true)) std::_Exit(130);  // a second signal stops at once
}

int ExitCodeFor(const Status& status) {
  if (status.ok()) return kExitOk;
  if (status.is_user_error()) return kExitUserError;
  if (status.code() == StatusCode::kInternal) return kExitInternal;
  return kExitRuntimeError;
}

int Fail(const Status& status) {
  // Messages from the pipeline file start with file:line:col; print them as they are, but for
  // the secrets (a JSON log gets a JSON line).
  if (g_json_log) {
    LogLine(LogLevel::kError, status.message());
  } else {
    std::fprintf(stderr, "%s\n", SecretRedactor::Global().Redact(status.message()).c_str());
  }
  return ExitCodeFor(status);
}

struct CommonArgs {
  std::string file;
  std::vector<std::string> sets;
  std::string log_level = "info";
  std::string log_format = "text";
};

void AddCommonArgs(CLI::App* cmd, CommonArgs* args) {
  cmd->add_option("FILE", args->file, "Pipeline file (.sql)")->required();
  cmd->add_option("--set", args->sets,
                  "Override a setting, e.g. --set execution.epoch-interval='2 s' (repeatable)")
      ->type_name("KEY=VALUE");
  cmd->add_option("--log-level", args->log_level, "debug, info, warn, error or off")
      ->capture_default_str();
  cmd->add_option("--log-format", args->log_format,
                  "text (human-readable) or json (one object a line: ts, level, msg, fields)")
      ->capture_default_str();
}

Result<std::map<std::string, std::string>> ParseSets(const std::vector<std::string>& sets) {
  std::map<std::string, std::string> out;
  for (const auto& s : sets) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument("--set '" + s + "': expected KEY=VALUE");
    }
    out[s.substr(0, eq)] = s.substr(eq + 1);
  }
  return out;
}

Result<LoadedPipeline> Load(const CommonArgs& args) {
  LogLevel level;
  if (!ParseLogLevel(args.log_level, &level)) {
    return Status::InvalidArgument("--log-level '" + args.log_level +
                                   "': use debug, info, warn, error or off");
  }
  SetLogLevel(level);
  LogFormat format;
  if (!ParseLogFormat(args.log_format, &format)) {
    return Status::InvalidArgument("--log-format '" + args.log_format + "': use text or json");
  }
  SetLogFormat(format);
  g_json_log = format == LogFormat::kJson;
  ASSIGN_OR_RETURN(auto overrides, ParseSets(args.sets));
  SecretRedactor::Global().AddFromOptions(overrides);
  ASSIGN_OR_RETURN(LoadedPipeline loaded, LoadPipeline(args.file, overrides));
  // From here on no log line, error, plan or scrape shows a password or token.
  SecretRedactor::Global().AddFromOptions(loaded.plan.settings);
  for (const auto& [name, table] : loaded.plan.tables) {
    SecretRedactor::Global().AddFromOptions(table->options);
  }
  return loaded;
}

// Returns where a table's connector reads or writes (URL, brokers, host, path), or "".
std::string Endpoint(const sql::CatalogTable& table) {
  for (const char* key : {"url", "properties.bootstrap.servers", "hostname", "path", "topic"}) {
    std::string value = table.option(key);
    if (!value.empty()) return value;
  }
  return "";
}

// Logs the plan summary and each table's connector and endpoint (credentials redacted by the
// logger).
void LogStartup(const LoadedPipeline& loaded, const runtime::Pipeline& pipeline) {
  const runtime::PipelineOptions& o = pipeline.options();
  LogLine(LogLevel::kInfo, "pipeline plan",
          {{"pipeline", o.name},
           {"tables", std::to_string(loaded.plan.tables.size())},
           {"jobs", std::to_string(loaded.plan.jobs.size())},
           {"epoch_interval_ms", std::to_string(o.epoch_interval_ms)},
           {"state_dir", o.state_dir.empty() ? "(none)" : o.state_dir},
           {"restart_strategy", o.restart.Describe()}});
  for (const auto& [name, table] : loaded.plan.tables) {
    LogLine(LogLevel::kInfo, "table " + name,
            {{"connector", table->option("connector")}, {"endpoint", Endpoint(*table)}});
  }
}

// Prefixes an error about a table option ("option 'k' ...", from a connector) with the
// file:line:col of the one table that sets option k, as errors from the parser have.
Status LocateOptionError(const Status& status, const LoadedPipeline& loaded) {
  const std::string& m = status.message();
  const size_t at = m.find("option '");
  const size_t end = at == std::string::npos ? at : m.find('\'', at + 8);
  if (end == std::string::npos || m.rfind(loaded.plan.file_name + ":", 0) == 0) return status;
  const std::string key = m.substr(at + 8, end - at - 8);
  const sql::CatalogTable* found = nullptr;
  for (const auto& [name, table] : loaded.plan.tables) {
    if (table->options.count(key) == 0) continue;
    if (found != nullptr) return status;  // ambiguous
    found = table.get();
  }
  if (found == nullptr || found->pos.line == 0) return status;
  return Status(status.code(), fmt::format("{}:{}:{}: table '{}': {}", loaded.plan.file_name,
                                           found->pos.line, found->pos.column, found->name, m));
}

Result<std::unique_ptr<runtime::Pipeline>> CreatePipeline(const LoadedPipeline& loaded) {
  auto pipeline = runtime::Pipeline::Create(loaded.plan, *loaded.connectors, *loaded.functions);
  if (!pipeline.ok()) return LocateOptionError(pipeline.status(), loaded);
  return pipeline;
}

int ExplainLoaded(const LoadedPipeline& loaded) {
  std::printf("== Logical plan ==\n%s",
              SecretRedactor::Global().Redact(loaded.plan.ToString()).c_str());
  auto pipeline = CreatePipeline(loaded);
  if (!pipeline.ok()) return Fail(pipeline.status());
  std::printf("\n== Physical plan ==\n%s",
              SecretRedactor::Global().Redact((*pipeline)->Describe()).c_str());
  return kExitOk;
}

// Starts the HTTP server when 'server.port' is set or --http-port given (-1: neither); returns
// nullptr when there is none. The auth token is never logged.
Result<std::unique_ptr<server::HttpServer>> StartHttpServer(
    const runtime::PipelineOptions& o, const PipelineSupervisor& supervisor,
    const MetricsRegistry& metrics, int http_port, const server::DashboardService* dashboard) {
  server::HttpServerOptions options;
  options.bind_address = o.server_bind_address;
  options.port = http_port >= 0 ? http_port : o.server_port;
  options.auth_token = o.server_auth_token;
  if (options.port < 0) return std::unique_ptr<server::HttpServer>();
  if (dashboard) {
    options.extra_routes.push_back([dashboard](httplib::Server& s) { dashboard->Register(s); });
  }
  ASSIGN_OR_RETURN(auto http, server::HttpServer::Start(options, &metrics, [&supervisor] {
                     return supervisor.snapshot();
                   }));
  LogInfo("serving metrics on http://{}:{}{}", options.bind_address, http->port(),
          options.auth_token.empty() ? "" : " (bearer token required)");
  if (dashboard) LogInfo("dashboard at http://{}:{}/", options.bind_address, http->port());
  return http;
}

// Starts publishing this process's status to the pipeline's status topic, when it has one
// (cli/status_topic.h); returns nullptr otherwise. Never fails the run: a status topic that
// cannot be reached is logged.
std::unique_ptr<StatusReporter> StartStatusReporter(const LoadedPipeline& loaded,
                                                    const runtime::PipelineOptions& o,
                                                    const PipelineSupervisor& supervisor,
                                                    const server::HttpServer* http) {
  constexpr int64_t kIntervalMs = 2000;
  std::optional<StatusTopic> topic = StatusTopicOf(loaded.plan, o);
  if (!topic) return nullptr;
  auto publisher = connectors::KafkaStatusPublisher::Create(topic->properties, topic->topic);
  if (!publisher.ok()) {
    LogWarn("status topic '{}': {}; sluice status will not show this process", topic->topic,
            publisher.status().message());
    return nullptr;
  }
  ProcessIdentity process = ProcessIdentity::OfThisProcess(WallClockMillis());
  if (http != nullptr)
    process.http = fmt::format("http://{}:{}", o.server_bind_address, http->port());
  auto reporter = std::make_unique<StatusReporter>(
      std::move(*publisher), std::move(process), [&supervisor] { return supervisor.snapshot(); },
      kIntervalMs);
  reporter->Start();
  LogInfo("publishing this process's status to topic '{}' every {}", topic->topic,
          FormatDurationMillis(kIntervalMs));
  return reporter;
}

// Once a stop signal arrives, gives the pipeline `timeout_ms` to commit its current epoch and
// return (`done`); after that ends the process with kExitRuntimeError, saying so.
std::thread StartShutdownWatchdog(int64_t timeout_ms, const std::atomic<bool>* done) {
  return std::thread([timeout_ms, done] {
    while (!done->load() && !g_stop.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!done->load()) {
      if (std::chrono::steady_clock::now() >= deadline) {
        LogError(
            "shutdown timeout: the pipeline did not finish and commit its current epoch within "
            "'pipeline.shutdown-timeout' = {}; exiting without it (it is recovered from the epoch "
            "log at the next start)",
            FormatDurationMillis(timeout_ms));
        std::fflush(stderr);
        std::_Exit(kExitRuntimeError);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
}

Status RunSupervised(PipelineSupervisor* supervisor, const std::string& replay_log,
                     int64_t shutdown_timeout_ms) {
  std::atomic<bool> done{false};
  std::thread watchdog = StartShutdownWatchdog(shutdown_timeout_ms, &done);
  Status status;
  if (replay_log.empty()) {
    status = supervisor->Run(g_stop);
  } else {
    // Replay re-executes a log once; it is never restarted.
    status = supervisor->Replay(replay_log);
  }
  done = true;
  watchdog.join();
  return status;
}

int RunCommand(const CommonArgs& args, const std::string& replay_log, int http_port = -1) {
  auto loaded = Load(args);
  if (!loaded.ok()) return Fail(loaded.status());
  // A file of EXPLAIN statements is explained, not run (as Flink's SQL client does).
  if (loaded->plan.explain_only) return ExplainLoaded(*loaded);
  auto pipeline = CreatePipeline(*loaded);
  if (!pipeline.ok()) return Fail(pipeline.status());
  std::signal(SIGINT, HandleStopSignal);
  std::signal(SIGTERM, HandleStopSignal);
  const runtime::PipelineOptions options = (*pipeline)->options();
  LogStartup(*loaded, **pipeline);
  MetricsRegistry metrics;
  RegisterProcessMetrics(&metrics);
  PipelineSupervisor supervisor(&*loaded, std::move(*pipeline), &metrics);
  auto dashboard = server::DashboardService::Load(options.server_dashboard, args.file);
  if (!dashboard.ok()) return Fail(dashboard.status());
  auto http = StartHttpServer(options, supervisor, metrics, http_port, dashboard->get());
  if (!http.ok()) return Fail(http.status());
  LogInfo("pipeline '{}' starting ({} job(s))", options.name, loaded->plan.jobs.size());
  std::unique_ptr<StatusReporter> reporter;
  if (replay_log.empty()) reporter = StartStatusReporter(*loaded, options, supervisor, http->get());
  Status status = RunSupervised(&supervisor, replay_log, options.shutdown_timeout_ms);
  if (reporter) reporter->Stop();
  if (*http) (*http)->Stop();
  if (supervisor.pipeline() != nullptr) {
    runtime::PipelineStats st = supervisor.pipeline()->stats();
    LogInfo("pipeline '{}' {}: {} records in, {} rows out, {} bad records, {} epochs", options.name,
            status.ok() ? "stopped" : "failed", st.records_in, st.rows_out, st.bad_records,
            st.epochs_committed);
  } else {
    LogInfo("pipeline '{}' stopped while waiting to restart", options.name);
  }
  if (!status.ok()) return Fail(status);
  return kExitOk;
}

int CheckCommand(const CommonArgs& args) {
  auto loaded = Load(args);
  if (!loaded.ok()) return Fail(loaded.status());
  auto pipeline = CreatePipeline(*loaded);
  if (!pipeline.ok()) return Fail(pipeline.status());
  std::printf("%s: OK (%zu table(s), %zu job(s))\n", args.file.c_str(), loaded->plan.tables.size(),
              loaded->plan.jobs.size());
  return kExitOk;
}

int ExplainCommand(const CommonArgs& args) {
  auto loaded = Load(args);
  if (!loaded.ok()) return Fail(loaded.status());
  return ExplainLoaded(*loaded);
}

int StatusCommand(const CommonArgs& args, const std::string& stale_after,
                  StatusCommandOptions* options) {
  auto stale = ParseDurationMillis(stale_after);
  if (!stale.ok()) return Fail(stale.status().WithContext("--stale-after"));
  options->stale_after_ms = *stale;
  auto loaded = Load(args);
  if (!loaded.ok()) return Fail(loaded.status());
  return PrintPipelineStatus(*loaded, *options);
}

}  // namespace

int RunSluiceCli(int argc, char** argv) {
  CLI::App app{"sluice: real-time event pipelines written in SQL", "sluice"};
  app.set_version_flag("--version", std::string("sluice ") + kVersion);
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 success or graceful stop (SIGINT/SIGTERM), 1 the pipeline failed while "
      "running, 2 bad command line or pipeline file, 3 internal error.");

  CommonArgs run_args, check_args, explain_args;
  std::string replay_log;
  int http_port = -1;
  CLI::App* run =
      app.add_subcommand("run", "Run a pipeline file until its input ends or it is stopped");
  AddCommonArgs(run, &run_args);
  run->add_option("--replay", replay_log,
                  "Re-execute the epochs recorded in this epoch log instead of reading new input");
  bool fresh = false;
  run->add_flag("--fresh", fresh,
                "Drop the pipeline's state directory (checkpoints, epoch log) and start over; "
                "same as SET 'state.start-fresh' = 'true'");
  run->add_option("--http-port", http_port,
                  "Serve /metrics, /healthz, /readyz and /api/status on this port (0: any free "
                  "port, logged); overrides SET 'server.port'")
      ->check(CLI::Range(0, 65535));
  CLI::App* check = app.add_subcommand(
      "check", "Parse and plan a pipeline file; report errors with file:line:col");
  AddCommonArgs(check, &check_args);
  CLI::App* explain =
      app.add_subcommand("explain", "Print the logical and physical plans of a pipeline file");
  AddCommonArgs(explain, &explain_args);
  CommonArgs status_args;
  StatusCommandOptions status_options;
  CLI::App* status = app.add_subcommand(
      "status",
      "Show every process running a pipeline (from its status topic): the partitions each owns, "
      "their lag, state size, and partitions no live process owns");
  AddCommonArgs(status, &status_args);
  status->add_flag("--json", status_options.json, "Print one JSON object instead of a table");
  std::string stale_after = "10 s";
  status
      ->add_option("--stale-after", stale_after,
                   "A process that published nothing for this long is shown as gone")
      ->capture_default_str();
  KafkaCommand kafka(&app);
  ClickHouseCommand clickhouse(&app);
  DemoCommand demo(&app);
  GrafanaCommand grafana(&app);
  BenchCommand bench(&app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUserError;
  }
  if (fresh) run_args.sets.push_back("state.start-fresh=true");
  if (run->parsed()) return RunCommand(run_args, replay_log, http_port);
  if (check->parsed()) return CheckCommand(check_args);
  if (explain->parsed()) return ExplainCommand(explain_args);
  if (status->parsed()) return StatusCommand(status_args, stale_after, &status_options);
  if (kafka.parsed()) return kafka.Run();
  if (clickhouse.parsed()) return clickhouse.Run();
  if (demo.parsed()) return demo.Run();
  if (grafana.parsed()) return grafana.Run();
  if (bench.parsed()) return bench.Run();
  return kExitOk;
}

}  // namespace sluice::cli
