// RestartStrategy: the delays and attempt limits of Flink's fixed-delay and exponential-delay
// strategies, worked out from the settings by hand, and the errors for bad settings.

#include "runtime/restart_strategy.h"

#include <gtest/gtest.h>

#include <optional>

namespace sluice::runtime {
namespace {

RestartStrategy Make(const std::map<std::string, std::string>& settings) {
  auto r = RestartStrategy::FromSettings(settings);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : RestartStrategy();
}

TEST(RestartStrategyTest, NoneByDefault) {
  RestartStrategy r = Make({});
  EXPECT_EQ(r.kind(), RestartStrategy::Kind::kNone);
  EXPECT_EQ(r.NextDelayMillis(0), std::nullopt);
}

TEST(RestartStrategyTest, FixedDelayAllowsItsAttemptsThenStops) {
  RestartStrategy r = Make({{"restart-strategy", "fixed-delay"},
                            {"restart-strategy.fixed-delay.attempts", "3"},
                            {"restart-strategy.fixed-delay.delay", "250 ms"}});
  EXPECT_EQ(r.NextDelayMillis(10), 250);
  EXPECT_EQ(r.NextDelayMillis(10), 250);
  EXPECT_EQ(r.NextDelayMillis(10), 250);
  EXPECT_EQ(r.NextDelayMillis(10), std::nullopt);
  EXPECT_EQ(r.attempts_made(), 3);
}

TEST(RestartStrategyTest, FlinkNewerTypeKeyIsAccepted) {
  RestartStrategy r = Make({{"restart-strategy.type", "fixed-delay"}});
  // Flink's defaults: 1 attempt, 1 s.
  EXPECT_EQ(r.NextDelayMillis(0), 1000);
  EXPECT_EQ(r.NextDelayMillis(0), std::nullopt);
}

TEST(RestartStrategyTest, ExponentialDelayGrowsToTheMaximum) {
  RestartStrategy r = Make({{"restart-strategy", "exponential-delay"},
                            {"restart-strategy.exponential-delay.initial-backoff", "100 ms"},
                            {"restart-strategy.exponential-delay.max-backoff", "1 s"},
                            {"restart-strategy.exponential-delay.backoff-multiplier", "3"}});
  // 100, 300, 900, then 2700 capped at 1000, and it stays there (no attempt limit).
  EXPECT_EQ(r.NextDelayMillis(0), 100);
  EXPECT_EQ(r.NextDelayMillis(0), 300);
  EXPECT_EQ(r.NextDelayMillis(0), 900);
  EXPECT_EQ(r.NextDelayMillis(0), 1000);
  EXPECT_EQ(r.NextDelayMillis(0), 1000);
}

TEST(RestartStrategyTest, ExponentialDelayResetsAfterALongRun) {
  RestartStrategy r =
      Make({{"restart-strategy", "exponential-delay"},
            {"restart-strategy.exponential-delay.initial-backoff", "1 s"},
            {"restart-strategy.exponential-delay.reset-backoff-threshold", "1 min"},
            {"restart-strategy.exponential-delay.attempts-before-reset-backoff", "2"}});
  EXPECT_EQ(r.NextDelayMillis(1000), 1000);
  EXPECT_EQ(r.NextDelayMillis(1000), 2000);
  EXPECT_EQ(r.NextDelayMillis(1000), std::nullopt);  // 2 attempts without a long run
  // A run of a minute or more starts over at the initial backoff with 2 attempts again.
  EXPECT_EQ(r.NextDelayMillis(60'000), 1000);
  EXPECT_EQ(r.NextDelayMillis(5000), 2000);
  EXPECT_EQ(r.NextDelayMillis(5000), std::nullopt);
}

TEST(RestartStrategyTest, BadSettingsNameTheKey) {
  auto kind = RestartStrategy::FromSettings({{"restart-strategy", "sometimes"}});
  ASSERT_FALSE(kind.ok());
  EXPECT_NE(kind.status().message().find("'restart-strategy' = 'sometimes'"), std::string::npos)
      << kind.status().message();
  auto typo = RestartStrategy::FromSettings({{"restart-strategy.fixed-delay.atempts", "3"}});
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("restart-strategy.fixed-delay.attempts"),
            std::string::npos)
      << typo.status().message();
  auto delay = RestartStrategy::FromSettings({{"restart-strategy.fixed-delay.delay", "soon"}});
  EXPECT_FALSE(delay.ok());
  auto multiplier = RestartStrategy::FromSettings(
      {{"restart-strategy.exponential-delay.backoff-multiplier", "0.5"}});
  EXPECT_FALSE(multiplier.ok());
}

}  // namespace
}  // namespace sluice::runtime
