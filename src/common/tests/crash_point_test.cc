#include "common/crash_point.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>

namespace sluice {
namespace {

// The death test's child reads SLUICE_CRASH_AT on its first CrashPoint call; this process never
// calls CrashPoint itself, so the variable set here is the one the child sees.
TEST(CrashPointDeathTest, TheNthCallOfTheNamedPointKillsTheProcess) {
  ::setenv("SLUICE_CRASH_AT", "step:3", 1);
  EXPECT_EXIT(
      {
        CrashPoint("other");
        CrashPoint("step");
        CrashPoint("step");
        std::fprintf(stderr, "after two calls\n");
        CrashPoint("step");
        std::fprintf(stderr, "survived the third call\n");
        std::exit(0);
      },
      ::testing::KilledBySignal(SIGKILL), "after two calls");
  ::unsetenv("SLUICE_CRASH_AT");
}

TEST(CrashPointDeathTest, AMalformedSettingArmsNothing) {
  ::setenv("SLUICE_CRASH_AT", "step", 1);
  EXPECT_EXIT(
      {
        for (int i = 0; i < 5; ++i) CrashPoint("step");
        std::exit(7);
      },
      ::testing::ExitedWithCode(7), "");
  ::unsetenv("SLUICE_CRASH_AT");
}

}  // namespace
}  // namespace sluice
