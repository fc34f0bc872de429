#include "cli/nexmark_query_run.h"

#include <fmt/format.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cli/pipeline_loader.h"
#include "common/logging.h"
#include "runtime/pipeline.h"

namespace sluice::cli {
namespace {

namespace fs = std::filesystem;

// Issue 10: open-source Flink 1.13 on 8 cores x 3 machines, events/s per core.
const std::map<std::string, double> kFlinkPerCore = {
    {"q0", 155e3},  {"q1", 158e3}, {"q2", 175e3}, {"q4", 34e3},  {"q5", 22e3},
    {"q7", 12e3},   {"q8", 146e3}, {"q11", 40e3}, {"q12", 76e3}, {"q15", 72e3},
    {"q17", 117e3}, {"q18", 54e3}, {"q19", 44e3}};

Result<std::string> ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("cannot read '{}'", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes ddl.sql followed by <query>.sql to a file in the temporary directory; returns its path.
Result<std::string> WritePipelineFile(const NexmarkBenchOptions& options,
                                      const std::string& query) {
  ASSIGN_OR_RETURN(std::string ddl, ReadText(fs::path(options.query_dir) / "ddl.sql"));
  ASSIGN_OR_RETURN(std::string sql, ReadText(fs::path(options.query_dir) / (query + ".sql")));
  fs::path path =
      fs::temp_directory_path() / fmt::format("sluice-nexmark-{}-{}.sql", getpid(), query);
  std::ofstream out(path, std::ios::binary);
  out << ddl << "\n" << sql;
  if (!out) return Status::Unavailable(fmt::format("cannot write '{}'", path.string()));
  return path.string();
}

// In the child: runs the pipeline file and returns "<rows out> <wall seconds>" or an error.
Result<std::string> RunInChild(const NexmarkBenchOptions& options, const std::string& path) {
  SetLogLevel(LogLevel::kWarn);
  setenv("NEXMARK_EVENTS", std::to_string(options.events).c_str(), 1);
  setenv("NEXMARK_RATE", std::to_string(options.rate).c_str(), 1);
  ASSIGN_OR_RETURN(LoadedPipeline loaded, LoadPipeline(path, {{"state.dir", ""}}));
  ASSIGN_OR_RETURN(auto pipeline,
                   runtime::Pipeline::Create(loaded.plan, *loaded.connectors, *loaded.functions));
  std::atomic<bool> stop{false};
  const auto start = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(pipeline->Run(stop));
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return fmt::format("{} {}", pipeline->stats().rows_out, wall);
}

/// Keeps the calling process on one CPU, the last it may use: the generator's read-ahead thread
/// and the pipeline thread then share one core, so events/s is a one-core figure too.
void PinToOneCpu() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return;
  for (int cpu = CPU_SETSIZE - 1; cpu >= 0; --cpu) {
    if (!CPU_ISSET(cpu, &allowed)) continue;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0)
      LogWarn("nexmark: could not pin to CPU {}", cpu);
    return;
  }
}

[[noreturn]] void ChildMain(const NexmarkBenchOptions& options, const std::string& path,
                            int out_fd) {
  PinToOneCpu();
  auto result = RunInChild(options, path);
  std::string text = result.ok() ? "ok " + *result : "error " + result.status().ToString();
  ssize_t written = write(out_fd, text.data(), text.size());
  _exit(written == static_cast<ssize_t>(text.size()) && result.ok() ? 0 : 1);
}

std::string ReadAll(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
  return text;
}

int QueryNumber(const std::string& name) { return std::atoi(name.c_str() + 1); }

}  // namespace

Result<NexmarkQueryRun> RunNexmarkQuery(const NexmarkBenchOptions& options,
                                        const std::string& query) {
  ASSIGN_OR_RETURN(std::string path, WritePipelineFile(options, query));
  int fds[2];
  if (pipe(fds) != 0) return Status::Unavailable("pipe failed");
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return Status::Unavailable("fork failed");
  if (pid == 0) {
    close(fds[0]);
    ChildMain(options, path, fds[1]);
  }
  close(fds[1]);
  const std::string text = ReadAll(fds[0]);
  close(fds[0]);
  int wait_status = 0;
  struct rusage usage {};
  wait4(pid, &wait_status, 0, &usage);
  fs::remove(path);
  if (text.rfind("ok ", 0) != 0) {
    return Status::Unavailable(
        fmt::format("{}: {}", query,
                    text.empty() ? fmt::format("the child process died (status {})", wait_status)
                                 : text.substr(6)));
  }
  NexmarkQueryRun run;
  run.query = query;
  run.events = options.events;
  std::istringstream fields(text.substr(3));
  fields >> run.rows_out >> run.wall_seconds;
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  run.cpu_seconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  run.peak_rss_kb = usage.ru_maxrss;
  return run;
}

std::vector<std::string> ListNexmarkQueries(const std::string& query_dir) {
  std::vector<std::string> queries;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(query_dir, error)) {
    const std::string name = entry.path().stem().string();
    if (entry.path().extension() == ".sql" && name.size() > 1 && name[0] == 'q' &&
        std::isdigit(static_cast<unsigned char>(name[1]))) {
      queries.push_back(name);
    }
  }
  std::sort(queries.begin(), queries.end(), [](const std::string& a, const std::string& b) {
    return QueryNumber(a) < QueryNumber(b);
  });
  return queries;
}

std::string FormatNexmarkTable(const std::vector<NexmarkQueryRun>& runs) {
  std::string out = fmt::format("{:<6}{:>12}{:>12}{:>9}{:>9}{:>12}{:>14}{:>9}{:>12}{:>8}\n",
                                "query", "events", "rows out", "wall s", "CPU s", "events/s",
                                "events/CPU-s", "RSS MB", "Flink/core", "ratio");
  for (const NexmarkQueryRun& r : runs) {
    const double per_cpu = r.cpu_seconds > 0 ? r.events / r.cpu_seconds : 0;
    auto flink = kFlinkPerCore.find(r.query);
    std::string flink_text = "-", ratio_text = "-";
    if (flink != kFlinkPerCore.end()) {
      flink_text = fmt::format("{:.0f}k", flink->second / 1e3);
      ratio_text = fmt::format("{:.1f}x", per_cpu / flink->second);
    }
    out += fmt::format("{:<6}{:>12}{:>12}{:>9.2f}{:>9.2f}{:>12.0f}{:>14.0f}{:>9.1f}{:>12}{:>8}\n",
                       r.query, r.events, r.rows_out, r.wall_seconds, r.cpu_seconds,
                       r.wall_seconds > 0 ? r.events / r.wall_seconds : 0, per_cpu,
                       r.peak_rss_kb / 1024.0, flink_text, ratio_text);
  }
  return out;
}

}  // namespace sluice::cli
