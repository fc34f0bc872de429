#include "cli/bench_command.h"

#include <cstdio>

#include "cli/sluice_cli.h"

namespace sluice::cli {

BenchCommand::BenchCommand(CLI::App* app) {
  bench_ = app->add_subcommand("bench", "Benchmarks");
  bench_->require_subcommand(1);
  nexmark_ = bench_->add_subcommand(
      "nexmark",
      "Run Nexmark queries over generated events, one child process and one pipeline thread "
      "each; print events/s, CPU seconds and peak RSS per query beside Flink's per-core figures");
  nexmark_->add_option("--events", options_.events, "Events of the Nexmark stream per query")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  nexmark_
      ->add_option("--rate", options_.rate,
                   "Events per second of event time (the Flink benchmark: 10,000,000)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  nexmark_->add_option("--queries", queries_, "Queries to run, e.g. q0,q7 (default: all)")
      ->delimiter(',');
  nexmark_->add_option("--dir", options_.query_dir, "Folder of ddl.sql and the q<N>.sql files")
      ->capture_default_str();
  e2e_ = bench_->add_subcommand(
      "e2e",
      "Orders from an NDJSON file into a ClickHouse server started here: by sluice (bench/e2e/"
      "pipeline.sql), by ClickHouse alone (JSONEachRow into materialized views) and by curl "
      "posting RowBinary (the ceiling); check the rows, print rows/s, CPU seconds and peak RSS");
  e2e_->add_option("--orders", e2e_options_.orders, "Orders to generate")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  e2e_->add_option("--seed", e2e_options_.seed, "Seed of the orders")->capture_default_str();
  e2e_->add_option("--dir", e2e_options_.bench_dir, "Folder of pipeline.sql and clickhouse.sql")
      ->capture_default_str();
  e2e_->add_option("--sluice", e2e_options_.sluice_binary,
                   "The sluice binary run 1 runs (default: this one), e.g. an older build to "
                   "compare");
  e2e_->add_flag("--keep", e2e_options_.keep_files,
                 "Keep the orders file, the RowBinary dump and ClickHouse's data in the work dir");
  e2e_->add_option("--work-dir", e2e_options_.work_dir,
                   "Where the orders file, ClickHouse's data and the logs go")
      ->capture_default_str();
  scaleout_ = bench_->add_subcommand(
      "scaleout",
      "Run one TUMBLE job, grouped by a column the Kafka topic is not partitioned by, by 1, 2, "
      "... processes of one consumer group (development broker, ClickHouse started here unless "
      "--clickhouse-url), with partial aggregation and with repartitioning; print wall time to "
      "the last order counted, events/s and CPU seconds per round");
  scaleout_->add_option("--events", scaleout_options_.events, "Orders (~100 bytes each)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  scaleout_->add_option("--partitions", scaleout_options_.partitions, "Partitions of the topic")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  scaleout_->add_option("--processes", scaleout_options_.processes, "Rounds, e.g. 1,2")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  scaleout_->add_option("--modes", scaleout_options_.modes, "partial, repartition or both")
      ->delimiter(',')
      ->check(CLI::IsMember({"partial", "repartition"}));
  scaleout_->add_option("--clickhouse-url", scaleout_options_.clickhouse_url,
                        "A ClickHouse server to use instead of starting one");
  scaleout_
      ->add_option("--work-dir", scaleout_options_.work_dir,
                   "Where the pipeline files, logs, state and ClickHouse's data go")
      ->capture_default_str();
}

int BenchCommand::Run() {
  if (scaleout_->parsed()) return RunScaleOut();
  return e2e_->parsed() ? RunE2e() : RunNexmark();
}

int BenchCommand::RunScaleOut() {
  ScaleOutBench bench(scaleout_options_);
  auto rounds = bench.Run();
  if (!rounds.ok()) {
    std::fprintf(stderr, "%s\n", rounds.status().ToString().c_str());
    return kExitRuntimeError;
  }
  std::printf("%s", ScaleOutBench::Format(*rounds).c_str());
  std::printf(
      "wall: the first order sent (the processes had joined the group) to the last one counted in "
      "ClickHouse; produce s: sending the orders from this process, read meanwhile; CPU: "
      "user+system of the sluice processes (not this process's broker and producer, not "
      "ClickHouse's); every round counted every order once.\n");
  return kExitOk;
}

int BenchCommand::RunE2e() {
  E2eBench bench(e2e_options_);
  Status st = bench.Run();
  std::printf("End to end, %lld orders (NDJSON file) into ClickHouse 18.16 on 127.0.0.1\n%s",
              static_cast<long long>(e2e_options_.orders),
              E2eBench::FormatTable(bench.runs()).c_str());
  if (!st.ok()) {
    std::fprintf(stderr, "bench e2e: %s\n", st.message().c_str());
    return st.is_user_error() ? kExitUserError : kExitRuntimeError;
  }
  return kExitOk;
}

int BenchCommand::RunNexmark() {
  std::vector<std::string> queries =
      queries_.empty() ? ListNexmarkQueries(options_.query_dir) : queries_;
  if (queries.empty()) {
    std::fprintf(stderr, "no q<N>.sql files in '%s' (use --dir)\n", options_.query_dir.c_str());
    return kExitUserError;
  }
  std::vector<NexmarkQueryRun> runs;
  int exit_code = kExitOk;
  for (const std::string& query : queries) {
    std::fprintf(stderr, "running %s over %lld events...\n", query.c_str(),
                 static_cast<long long>(options_.events));
    auto run = RunNexmarkQuery(options_, query);
    if (!run.ok()) {
      std::fprintf(stderr, "%s\n", run.status().message().c_str());
      exit_code = kExitRuntimeError;
      continue;
    }
    runs.push_back(*run);
  }
  std::printf("Nexmark, %lld events at %lld events/s of event time, each query on one CPU\n%s",
              static_cast<long long>(options_.events), static_cast<long long>(options_.rate),
              FormatNexmarkTable(runs).c_str());
  std::printf(
      "events/CPU-s: events over the child's user+system CPU time; ratio: that over Flink 1.13's "
      "events/s per core (issue 10). RSS: peak of the child process.\n");
  return exit_code;
}

}  // namespace sluice::cli
