// Log lines in both formats: text "<ts> <LEVEL> msg key=value", and JSON one object a line with
// ts, level, msg and fields; levels filter; registered secrets never reach stderr.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "common/logging.h"
#include "common/secret_redactor.h"

namespace sluice {
namespace {

// Runs `body` with stderr sent to a file; returns what it wrote.
template <typename F>
std::string CaptureStderr(F body) {
  char path[] = "/tmp/sluice_log_test_XXXXXX";
  int fd = mkstemp(path);
  std::fflush(stderr);
  int saved = dup(STDERR_FILENO);
  dup2(fd, STDERR_FILENO);
  body();
  std::fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(fd);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  unlink(path);
  return text.str();
}

class LogFormatTest : public ::testing::Test {
 protected:
  void TearDown() override {
    SetLogFormat(LogFormat::kText);
    SetLogLevel(LogLevel::kInfo);
  }
};

TEST_F(LogFormatTest, TextLineHasTimeLevelMessageAndFields) {
  std::string out = CaptureStderr([] {
    LogLine(LogLevel::kWarn, "sink slow", {{"sink", "s1"}, {"ms", "12"}});
  });
  EXPECT_TRUE(std::regex_match(
      out, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARN  sink slow sink=s1 ms=12\n)")))
      << out;
}

TEST_F(LogFormatTest, JsonLineIsOneObjectWithEscapedText) {
  SetLogFormat(LogFormat::kJson);
  std::string out = CaptureStderr([] {
    LogLine(LogLevel::kInfo, "say \"hi\"\nthere", {{"table", "orders"}});
    LogInfo("second {}", 2);
  });
  std::regex line(
      R"(\{"ts":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"info","msg":"say \\"hi\\"\\nthere","fields":\{"table":"orders"\}\}\n)"
      R"(\{"ts":"[^"]+","level":"info","msg":"second 2","fields":\{\}\}\n)");
  EXPECT_TRUE(std::regex_match(out, line)) << out;
}

TEST_F(LogFormatTest, LevelFiltersLines) {
  SetLogLevel(LogLevel::kWarn);
  std::string out = CaptureStderr([] {
    LogInfo("hidden");
    LogWarn("shown");
  });
  EXPECT_EQ(out.find("hidden"), std::string::npos) << out;
  EXPECT_NE(out.find("shown"), std::string::npos) << out;
  LogFormat format;
  EXPECT_TRUE(ParseLogFormat("json", &format));
  EXPECT_EQ(format, LogFormat::kJson);
  EXPECT_FALSE(ParseLogFormat("xml", &format));
}

TEST_F(LogFormatTest, SecretsAreMaskedInBothFormats) {
  SecretRedactor::Global().Add("log-test-secret-42");
  std::string text = CaptureStderr([] {
    LogLine(LogLevel::kError, "auth log-test-secret-42", {{"p", "log-test-secret-42"}});
  });
  EXPECT_EQ(text.find("log-test-secret-42"), std::string::npos) << text;
  EXPECT_NE(text.find("auth *** p=***"), std::string::npos) << text;
  SetLogFormat(LogFormat::kJson);
  std::string json = CaptureStderr([] { LogError("url http://u:pw@h {}", "log-test-secret-42"); });
  EXPECT_NE(json.find(R"("msg":"url http://u:***@h ***")"), std::string::npos) << json;
}

}  // namespace
}  // namespace sluice
