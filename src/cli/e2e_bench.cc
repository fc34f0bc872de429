#include "cli/e2e_bench.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "connectors/clickhouse/clickhouse_ddl_applier.h"
#include "connectors/clickhouse/clickhouse_http_client.h"
#include "connectors/datagen/orders_scenario.h"

namespace sluice::cli {
namespace {

namespace fs = std::filesystem;

// 2026-01-01T00:00:00Z: the event time of the first order; one order per millisecond after it.
constexpr int64_t kFirstOrderMs = 1'767'225'600'000;
constexpr int64_t kWindowMs = 5 * 60'000;
constexpr int64_t kRapidFrameMs = 60'000;
constexpr char kRawColumns[] =
    "op, order_id, user_id, symbol, order_type, quantity, price, status, total_amount, "
    "source_ts, cdc_ts, cdc_latency_ms, flink_ts";

// Computes E2eBench::Expected from the orders as they are written, the way the pipeline's jobs
// define them (alerts only for inserts, op = 'c').
class ExpectedCounter {
 public:
  void Add(const connectors::OrderEvent& e) {
    expected_.rows++;
    expected_.sum_quantity += e.quantity;
    if (e.order_type == "BUY") expected_.buys++;
    windows_.insert({e.symbol, e.source_ts_ms / kWindowMs});
    if (e.op != "c") return;
    double amount = static_cast<double>(e.quantity) * e.price;
    if (e.quantity > 500) expected_.large_orders++;
    if (amount > 100000000) expected_.high_amounts++;
    AddPriceSpike(e);
    AddRapidOrders(e);
  }

  E2eBench::Expected Finish() {
    expected_.windows = static_cast<int64_t>(windows_.size());
    return expected_;
  }

 private:
  // LAG(price) OVER (PARTITION BY symbol ORDER BY source_ts): the symbol's previous insert.
  void AddPriceSpike(const connectors::OrderEvent& e) {
    auto [it, first] = last_price_.try_emplace(e.symbol, e.price);
    if (first) return;
    double prev = it->second;
    it->second = e.price;
    if (std::abs(e.price - prev) / prev * 100.0 > 10.0) expected_.price_spikes++;
  }

  // COUNT(*) over RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW per user.
  void AddRapidOrders(const connectors::OrderEvent& e) {
    std::deque<int64_t>& times = user_times_[e.user_id];
    while (!times.empty() && times.front() < e.source_ts_ms - kRapidFrameMs) times.pop_front();
    times.push_back(e.source_ts_ms);
    if (times.size() > 5) expected_.rapid_orders++;
  }

  E2eBench::Expected expected_;
  std::set<std::pair<std::string_view, int64_t>> windows_;
  std::unordered_map<std::string_view, double> last_price_;
  std::unordered_map<int64_t, std::deque<int64_t>> user_times_;
};

double Seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Returns VmHWM of process `pid` in kB (0 when it is gone).
int64_t PeakRssKb(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
  }
  return 0;
}

std::string Tail(const std::string& s, size_t max_bytes = 3000) {
  return s.size() > max_bytes ? s.substr(s.size() - max_bytes) : s;
}

}  // namespace

E2eBench::E2eBench(E2eBenchOptions options) : options_(std::move(options)) {
  if (options_.sluice_binary.empty()) options_.sluice_binary = ChildProcess::SelfPath();
}

E2eBench::~E2eBench() = default;

Status E2eBench::Run() {
  std::error_code ec;
  fs::create_directories(options_.work_dir, ec);
  if (ec) {
    return Status::IoError(fmt::format("cannot create '{}': {}", options_.work_dir, ec.message()));
  }
  options_.work_dir = fs::absolute(options_.work_dir).string();
  options_.bench_dir = fs::absolute(options_.bench_dir).string();
  RETURN_IF_ERROR(WriteOrders());
  RETURN_IF_ERROR(StartClickHouse());
  ASSIGN_OR_RETURN(E2eRun sluice, RunSluice());
  runs_.push_back(sluice);
  ASSIGN_OR_RETURN(E2eRun clickhouse_only, RunClickHouseOnly());
  runs_.push_back(clickhouse_only);
  ASSIGN_OR_RETURN(E2eRun ceiling, RunCeiling());
  runs_.push_back(ceiling);
  clickhouse_->Stop();
  if (!options_.keep_files) {
    for (const char* name : {"orders.ndjson", "raw_orders.rowbinary", "clickhouse", "state"}) {
      fs::remove_all(options_.work_dir + "/" + name, ec);
    }
  }
  return Status::Ok();
}

Status E2eBench::WriteOrders() {
  input_path_ = options_.work_dir + "/orders.ndjson";
  std::unique_ptr<FILE, int (*)(FILE*)> out(std::fopen(input_path_.c_str(), "w"), std::fclose);
  if (!out) return Status::IoError(fmt::format("cannot write '{}'", input_path_));
  connectors::OrdersScenario scenario(options_.seed);
  ExpectedCounter counter;
  for (int64_t i = 0; i < options_.orders; ++i) {
    connectors::OrderEvent e = scenario.Next(kFirstOrderMs + i);
    counter.Add(e);
    std::string line = connectors::OrdersScenario::ToJson(e);
    line.push_back('\n');
    if (std::fwrite(line.data(), 1, line.size(), out.get()) != line.size()) {
      return Status::IoError(fmt::format("cannot write '{}'", input_path_));
    }
  }
  if (std::fflush(out.get()) != 0) return Status::IoError("cannot write " + input_path_);
  expected_ = counter.Finish();
  std::fprintf(stderr, "wrote %lld orders to %s (%.0f MB)\n",
               static_cast<long long>(options_.orders), input_path_.c_str(),
               fs::file_size(input_path_) / 1e6);
  return Status::Ok();
}

Status E2eBench::StartClickHouse() {
  std::string ddl_path = options_.bench_dir + "/clickhouse.sql";
  std::string ddl = ReadFile(ddl_path);
  if (ddl.empty()) return Status::NotFound(fmt::format("cannot read '{}'", ddl_path));
  clickhouse_ =
      std::make_unique<connectors::LocalClickHouseServer>(options_.work_dir + "/clickhouse");
  RETURN_IF_ERROR(clickhouse_->Start(120'000));
  std::fprintf(stderr, "clickhouse at %s (pid %d)\n", clickhouse_->url().c_str(),
               static_cast<int>(clickhouse_->pid()));
  connectors::ClickHouseHttpClient client(clickhouse_->url(), "", "", 60'000);
  return connectors::ClickHouseDdlApplier(&client).ApplyFresh(ddl, ddl_path);
}

Result<E2eRun> E2eBench::RunClient(const std::string& name, const std::vector<std::string>& argv,
                                   const ChildProcess::Environment& env,
                                   const std::string& log_name) {
  std::fprintf(stderr, "run: %s...\n", name.c_str());
  ASSIGN_OR_RETURN(double server_cpu_before, ServerCpuSeconds());
  auto started = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(auto child, ChildProcess::Spawn(argv, env, options_.work_dir + "/" + log_name));
  // Peak RSS from the child's own VmHWM while it runs: wait4's ru_maxrss would count the pages
  // of this process at fork time (Linux keeps the larger of the two across exec).
  int64_t peak_rss_kb = 0;
  while (child->Running()) {
    peak_rss_kb = std::max(peak_rss_kb, PeakRssKb(child->pid()));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  E2eRun run;
  run.name = name;
  run.rows = expected_.rows;
  run.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSIGN_OR_RETURN(double server_cpu_after, ServerCpuSeconds());
  run.server_cpu_seconds = server_cpu_after - server_cpu_before;
  const struct rusage& usage = child->usage();
  run.client_cpu_seconds = Seconds(usage.ru_utime) + Seconds(usage.ru_stime);
  run.client_peak_rss_kb = peak_rss_kb;
  int status = child->wait_status();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Unavailable(fmt::format("{} failed (wait status {}); the end of {}:\n{}", name,
                                           status, child->log_path(),
                                           Tail(ReadFile(child->log_path()))));
  }
  return run;
}

Result<E2eRun> E2eBench::RunSluice() {
  ASSIGN_OR_RETURN(
      E2eRun run,
      RunClient("sluice",
                {options_.sluice_binary, "run", options_.bench_dir + "/pipeline.sql", "--set",
                 "state.dir=" + options_.work_dir + "/state", "--set", "state.start-fresh=true"},
                {{"E2E_INPUT", input_path_},
                 {"E2E_DATABASE", "e2e_sluice"},
                 {"CLICKHOUSE_URL", clickhouse_->url()}},
                "sluice.log"));
  RETURN_IF_ERROR(CheckRaw("e2e_sluice"));
  ASSIGN_OR_RETURN(auto aggregates, QueryInts("SELECT count(), sum(order_count), sum(buy_count) "
                                              "FROM e2e_sluice.order_aggregations"));
  RETURN_IF_ERROR(Expect("sluice: order_aggregations (windows, orders, buys)", aggregates,
                         {expected_.windows, expected_.rows, expected_.buys}));
  ASSIGN_OR_RETURN(auto alerts, QueryInts("SELECT countIf(alert_type = 'LARGE_ORDER'), "
                                          "countIf(alert_type = 'HIGH_AMOUNT'), "
                                          "countIf(alert_type = 'PRICE_SPIKE'), "
                                          "countIf(alert_type = 'RAPID_ORDERS') "
                                          "FROM e2e_sluice.anomaly_alerts"));
  RETURN_IF_ERROR(
      Expect("sluice: anomaly_alerts (LARGE_ORDER, HIGH_AMOUNT, PRICE_SPIKE, "
             "RAPID_ORDERS)",
             alerts,
             {expected_.large_orders, expected_.high_amounts, expected_.price_spikes,
              expected_.rapid_orders}));
  run.detail = fmt::format(
      "raw_orders {} rows; order_aggregations {} rows; anomaly_alerts LARGE_ORDER {}, "
      "HIGH_AMOUNT {}, PRICE_SPIKE {}, RAPID_ORDERS {}",
      run.rows, aggregates[0], alerts[0], alerts[1], alerts[2], alerts[3]);
  return run;
}

Result<E2eRun> E2eBench::RunClickHouseOnly() {
  ASSIGN_OR_RETURN(E2eRun run, RunClient("ClickHouse alone",
                                         {options_.curl_binary, "-sS", "--fail-with-body", "-X",
                                          "POST", "-T", input_path_,
                                          InsertUrl("INSERT INTO e2e_clickhouse_only.orders_input "
                                                    "FORMAT JSONEachRow")},
                                         {}, "clickhouse_only.log"));
  RETURN_IF_ERROR(CheckRaw("e2e_clickhouse_only"));
  ASSIGN_OR_RETURN(auto aggregates,
                   QueryInts("SELECT count(), sum(c), sum(b) FROM (SELECT countMerge(order_count) "
                             "AS c, sumMerge(buy_count) AS b "
                             "FROM e2e_clickhouse_only.order_aggregations "
                             "GROUP BY symbol, window_start, window_end)"));
  RETURN_IF_ERROR(Expect("ClickHouse alone: order_aggregations (windows, orders, buys)", aggregates,
                         {expected_.windows, expected_.rows, expected_.buys}));
  ASSIGN_OR_RETURN(auto alerts, QueryInts("SELECT countIf(alert_type = 'LARGE_ORDER'), "
                                          "countIf(alert_type = 'HIGH_AMOUNT') "
                                          "FROM e2e_clickhouse_only.anomaly_alerts"));
  RETURN_IF_ERROR(Expect("ClickHouse alone: anomaly_alerts (LARGE_ORDER, HIGH_AMOUNT)", alerts,
                         {expected_.large_orders, expected_.high_amounts}));
  run.detail = fmt::format(
      "raw_orders {} rows; order_aggregations {} groups; anomaly_alerts LARGE_ORDER {}, "
      "HIGH_AMOUNT {} (PRICE_SPIKE, RAPID_ORDERS: not expressible)",
      run.rows, aggregates[0], alerts[0], alerts[1]);
  return run;
}

Result<E2eRun> E2eBench::RunCeiling() {
  // The rows of the raw table, encoded by ClickHouse itself; not measured.
  std::string rowbinary = options_.work_dir + "/raw_orders.rowbinary";
  std::string select = fmt::format(
      "SELECT {} FROM e2e_clickhouse_only.raw_orders ORDER BY order_id FORMAT RowBinary",
      kRawColumns);
  ASSIGN_OR_RETURN(auto dump,
                   ChildProcess::Spawn({options_.curl_binary, "-sS", "--fail-with-body", "-o",
                                        rowbinary, "--data-binary", select, clickhouse_->url()},
                                       {}, options_.work_dir + "/rowbinary_dump.log"));
  dump->Wait();
  if (dump->wait_status() != 0) {
    return Status::Unavailable("cannot dump the raw rows as RowBinary: " +
                               Tail(ReadFile(dump->log_path())));
  }
  ASSIGN_OR_RETURN(
      E2eRun run,
      RunClient("ceiling (RowBinary)",
                {options_.curl_binary, "-sS", "--fail-with-body", "-X", "POST", "-T", rowbinary,
                 InsertUrl(fmt::format("INSERT INTO e2e_ceiling.raw_orders ({}) FORMAT RowBinary",
                                       kRawColumns))},
                {}, "ceiling.log"));
  RETURN_IF_ERROR(CheckRaw("e2e_ceiling"));
  run.detail = fmt::format("raw_orders {} rows ({:.0f} MB of RowBinary)", run.rows,
                           fs::file_size(rowbinary) / 1e6);
  return run;
}

Status E2eBench::CheckRaw(const std::string& database) const {
  ASSIGN_OR_RETURN(auto raw, QueryInts(fmt::format(
                                 "SELECT count(), sum(quantity) FROM {}.raw_orders", database)));
  return Expect(database + ".raw_orders (rows, sum of quantity)", raw,
                {expected_.rows, expected_.sum_quantity});
}

Status E2eBench::Expect(const std::string& what, const std::vector<int64_t>& got,
                        const std::vector<int64_t>& want) {
  if (got == want) return Status::Ok();
  return Status::Internal(fmt::format("{}: ClickHouse holds {}, the generated orders give {}", what,
                                      fmt::join(got, ", "), fmt::join(want, ", ")));
}

Result<std::vector<int64_t>> E2eBench::QueryInts(const std::string& query) const {
  connectors::ClickHouseHttpClient client(clickhouse_->url(), "", "", 60'000);
  ASSIGN_OR_RETURN(std::string answer, client.Query(query + " FORMAT TabSeparated"));
  std::vector<int64_t> out;
  std::istringstream in(answer);
  int64_t v = 0;
  while (in >> v) out.push_back(v);
  return out;
}

Result<double> E2eBench::ServerCpuSeconds() const {
  std::string stat = ReadFile(fmt::format("/proc/{}/stat", clickhouse_->pid()));
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return Status::IoError("cannot read the server's /proc stat");
  // Fields after the command: state (3) ... utime (14), stime (15).
  std::istringstream in(stat.substr(paren + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i >= 14) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::string E2eBench::InsertUrl(const std::string& query) const {
  std::unique_ptr<char, void (*)(void*)> escaped(
      curl_easy_escape(nullptr, query.c_str(), static_cast<int>(query.size())), curl_free);
  return clickhouse_->url() + "/?query=" + escaped.get();
}

std::string E2eBench::FormatTable(const std::vector<E2eRun>& runs) {
  std::string out =
      fmt::format("{:<22} {:>9} {:>8} {:>10} {:>13} {:>13} {:>14}\n", "run", "rows", "wall s",
                  "rows/s", "client CPU s", "server CPU s", "client RSS MB");
  auto rate = [](const E2eRun& r) { return r.wall_seconds > 0 ? r.rows / r.wall_seconds : 0; };
  for (const E2eRun& r : runs) {
    out += fmt::format("{:<22} {:>9} {:>8.2f} {:>10.0f} {:>13.2f} {:>13.2f} {:>14.1f}\n", r.name,
                       r.rows, r.wall_seconds, rate(r), r.client_cpu_seconds, r.server_cpu_seconds,
                       r.client_peak_rss_kb / 1024.0);
  }
  if (runs.size() == 3) {
    const E2eRun& sluice = runs[0];
    const E2eRun& alone = runs[1];
    const E2eRun& ceiling = runs[2];
    out += fmt::format(
        "sluice rows/s vs the ceiling: {:.0f} % (target >= 80 %)\n"
        "sluice rows/s vs ClickHouse alone: {:.2f}x (target > 1)\n"
        "CPU s, client + server: sluice {:.2f}, ClickHouse alone {:.2f}, ceiling {:.2f}\n"
        "sluice peak RSS: {:.1f} MB (target < 150 MB)\n",
        100.0 * rate(sluice) / rate(ceiling), rate(sluice) / rate(alone),
        sluice.client_cpu_seconds + sluice.server_cpu_seconds,
        alone.client_cpu_seconds + alone.server_cpu_seconds,
        ceiling.client_cpu_seconds + ceiling.server_cpu_seconds,
        sluice.client_peak_rss_kb / 1024.0);
  }
  for (const E2eRun& r : runs) out += fmt::format("{}: {}\n", r.name, r.detail);
  return out;
}

}  // namespace sluice::cli
