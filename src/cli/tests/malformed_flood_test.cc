// A flood of malformed records at full speed: 200,000 NDJSON lines, every other one bad in one of
// five ways (not JSON, a wrong type, a NULL for a NOT NULL column, invalid UTF-8, a 2 KB
// unterminated value), read by `sluice run` from a file as fast as it goes. Every good row is in
// the output exactly once and in order, every bad line is in the dead-letter table exactly once
// with its line number and error class, the totals are in the run's summary, and the run ends with
// exit code 0.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli/tests/subprocess.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::TempDir;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";
constexpr int kLines = 200'000;

// Line i (0-based) of the input: good when i is even, else bad in the way i / 2 % 5 picks.
std::string InputLine(int i) {
  if (i % 2 == 0) return "{\"k\":\"k" + std::to_string(i) + "\",\"v\":" + std::to_string(i) + "}";
  switch (i / 2 % 5) {
    case 0:
      return "not json " + std::to_string(i);
    case 1:
      return "{\"k\":\"x\",\"v\":\"seven" + std::to_string(i) + "\"}";
    case 2:
      return "{\"k\":null,\"v\":" + std::to_string(i) + "}";
    case 3:
      return "{\"k\":\"\xff\xfe\",\"v\":" + std::to_string(i) + "}";
    default:
      return "{\"k\":\"" + std::string(2000, 'z');
  }
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

TEST(MalformedFloodTest, HalfBadAtFullSpeedEveryGoodRowOnceEveryBadOneDeadLettered) {
  TempDir dir;
  std::string input;
  for (int i = 0; i < kLines; ++i) input += InputLine(i) + "\n";
  dir.Write("in.ndjson", input);
  const std::string sql = dir.Write("flood.sql", R"sql(
SET 'pipeline.dead-letter' = 'dead';
SET 'state.dir' = '';
CREATE TABLE events (k STRING NOT NULL, v INT)
WITH ('connector' = 'filesystem', 'path' = '${DIR}/in.ndjson', 'format' = 'json');
CREATE TABLE results (k STRING, v INT)
WITH ('connector' = 'filesystem', 'path' = '${DIR}/out.csv', 'format' = 'csv');
CREATE TABLE dead (source STRING, location STRING, error_class STRING, message STRING, raw STRING,
                   event_time TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = '${DIR}/dead.ndjson', 'format' = 'json');
INSERT INTO results SELECT k, v FROM events;
)sql");
  const auto start = std::chrono::steady_clock::now();
  auto run = Subprocess::Run({kSluice, "run", sql}, {{"DIR", dir.path()}}, seconds(120));
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(run.ok());
  std::printf("%d lines (half bad, %.1f MB) in %.2f s: %.0f lines/s\n", kLines,
              input.size() / 1048576.0, took, kLines / took);
  EXPECT_EQ(run->exit_code, 0) << run->stderr_text.substr(0, 3000);
  EXPECT_NE(run->stderr_text.find("100000 bad records"), std::string::npos)
      << run->stderr_text.substr(0, 3000);

  std::vector<std::string> out = Lines(TempDir::Read(dir.File("out.csv")));
  ASSERT_EQ(out.size(), static_cast<size_t>(kLines / 2));
  for (int i = 0; i < kLines; i += 2) {
    ASSERT_EQ(out[i / 2], "k" + std::to_string(i) + "," + std::to_string(i)) << "row " << i / 2;
  }

  std::vector<std::string> dead = Lines(TempDir::Read(dir.File("dead.ndjson")));
  ASSERT_EQ(dead.size(), static_cast<size_t>(kLines / 2));
  std::map<std::string, int> classes;
  for (size_t n = 0; n < dead.size(); ++n) {
    const int line = 2 * static_cast<int>(n) + 2;  // 1-based line of the n-th bad one
    ASSERT_NE(
        dead[n].find("\"location\":\"" + dir.File("in.ndjson") + ":" + std::to_string(line) + "\""),
        std::string::npos)
        << dead[n].substr(0, 300);
    const size_t at = dead[n].find("\"error_class\":\"");
    ASSERT_NE(at, std::string::npos);
    ++classes[dead[n].substr(at + 15, dead[n].find('"', at + 15) - at - 15)];
  }
  // Not JSON, invalid UTF-8 and the unterminated value are decode errors, the wrong type a
  // convert error, the NULL key a missing field.
  EXPECT_EQ(classes, (std::map<std::string, int>{
                         {"decode", 60000}, {"convert", 20000}, {"missing-field", 20000}}));
}

}  // namespace
}  // namespace sluice::cli::testing
