// `sluice demo` as a user runs it: ClickHouse, the development broker, the orders producer and the
// orders-cdc pipeline come up on 127.0.0.1, "dashboard at" is printed, the panels answer with
// data computed from the produced orders, and SIGINT stops everything it started (exit 0, the
// ClickHouse server gone).

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>

#include "cli/tests/subprocess.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::TempDir;
using std::chrono::milliseconds;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Returns the body of GET `url`, or "" when nothing answered with 200.
std::string Get(const std::string& url) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  std::string body;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  long status = 0;
  if (curl_easy_perform(curl.get()) == CURLE_OK) {
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  }
  return status == 200 ? body : "";
}

// Polls `url` until its body contains `needle`; returns the last body.
std::string WaitFor(const std::string& url, const std::string& needle, seconds deadline) {
  auto end = std::chrono::steady_clock::now() + deadline;
  std::string body;
  while (std::chrono::steady_clock::now() < end) {
    body = Get(url);
    if (body.find(needle) != std::string::npos) break;
    std::this_thread::sleep_for(milliseconds(300));
  }
  return body;
}

TEST(DemoCommandTest, ServesTheOrdersDashboardAndStopsEverythingOnSigint) {
  TempDir dir;
  auto demo =
      Subprocess::Start({kSluice, "demo", "--port", "0", "--dir", dir.path() + "/demo", "--rate",
                         "20", "--history", "6", "--examples", SLUICE_SOURCE_DIR "/examples"});
  ASSERT_TRUE(demo.ok()) << demo.status().message();
  ASSERT_TRUE((*demo)->ReadStdoutUntil(5, seconds(240))) << (*demo)->stdout_so_far();
  std::string out = (*demo)->stdout_so_far();
  std::smatch dashboard, clickhouse;
  ASSERT_TRUE(std::regex_search(out, dashboard, std::regex(R"(dashboard at (http://\S+/))")))
      << out;
  ASSERT_TRUE(std::regex_search(out, clickhouse, std::regex(R"(clickhouse at (http://\S+))")))
      << out;
  const std::string url = dashboard[1];
  // The scenario trades 8 symbols; 6 minutes of history at 20 orders/s (7,200 orders) has all.
  std::string symbols = WaitFor(url + "api/panels/symbols-tracked", "\"symbols\": 8", seconds(120));
  EXPECT_NE(symbols.find("\"symbols\": 8"), std::string::npos) << symbols;
  std::string status = WaitFor(url + "api/panels/pipeline-status", "LIVE", seconds(60));
  EXPECT_NE(status.find("\"status\": \"LIVE\""), std::string::npos) << status;
  // The history spans at least one whole 5-minute window, so aggregates have been written.
  std::string windows = WaitFor(url + "api/panels/volume-by-symbol", "window_start", seconds(60));
  EXPECT_NE(windows.find("\"window_start\""), std::string::npos) << windows;
  // All four alert rules fire on the scenario's spikes, large orders and bursts (the two OVER
  // rules once the watermark has passed the orders that trigger them).
  const std::string alert_types =
      std::string(clickhouse[1]) +
      "/?query=SELECT%20arrayStringConcat(arraySort(groupUniqArray(alert_type)),%20',')%20"
      "FROM%20cdc_pipeline.anomaly_alerts";
  const std::string all_four = "HIGH_AMOUNT,LARGE_ORDER,PRICE_SPIKE,RAPID_ORDERS\n";
  EXPECT_EQ(WaitFor(alert_types, all_four, seconds(90)), all_four);
  EXPECT_NE(Get(url + "api/dashboard").find("\"id\":\"recent-orders\""), std::string::npos);
  EXPECT_EQ(Get(url + "api/dashboard").find("SELECT"), std::string::npos);

  (*demo)->Signal(SIGINT);
  SubprocessOutput done = (*demo)->Wait(seconds(120));
  EXPECT_EQ(done.exit_code, 0) << done.stdout_text << done.stderr_text;
  EXPECT_FALSE(done.timed_out);
  EXPECT_EQ(Get(std::string(clickhouse[1]) + "/ping"), "");  // the server was stopped
  EXPECT_EQ(Get(url + "healthz"), "");                       // and the pipeline
}

}  // namespace
}  // namespace sluice::cli::testing
