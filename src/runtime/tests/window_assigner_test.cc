#include "runtime/window_assigner.h"

#include <gtest/gtest.h>

namespace sluice::runtime {
namespace {

sql::WindowSpec Spec(sql::WindowKind kind, int64_t size, int64_t step, int64_t offset = 0) {
  sql::WindowSpec s;
  s.kind = kind;
  s.size_ms = size;
  s.step_ms = step;
  s.offset_ms = offset;
  return s;
}

std::vector<TimeWindow> Assign(const sql::WindowSpec& spec, int64_t t) {
  auto assigner = WindowAssigner::Create(spec);
  EXPECT_TRUE(assigner.ok()) << assigner.status().ToString();
  std::vector<TimeWindow> out;
  assigner->Assign(t, &out);
  return out;
}

using W = std::vector<TimeWindow>;

TEST(WindowAssignerTest, TumbleAlignsToSize) {
  const auto spec = Spec(sql::WindowKind::kTumble, 10, 10);
  EXPECT_EQ(Assign(spec, 0), (W{{0, 10}}));
  EXPECT_EQ(Assign(spec, 9), (W{{0, 10}}));
  EXPECT_EQ(Assign(spec, 10), (W{{10, 20}}));
  EXPECT_EQ(Assign(spec, 123), (W{{120, 130}}));
}

TEST(WindowAssignerTest, TumbleNegativeTimesFallBeforeZero) {
  const auto spec = Spec(sql::WindowKind::kTumble, 10, 10);
  EXPECT_EQ(Assign(spec, -1), (W{{-10, 0}}));
  EXPECT_EQ(Assign(spec, -10), (W{{-10, 0}}));
  EXPECT_EQ(Assign(spec, -11), (W{{-20, -10}}));
}

TEST(WindowAssignerTest, TumbleWithOffset) {
  // Windows [3, 13), [13, 23), ... and [-7, 3) before.
  const auto spec = Spec(sql::WindowKind::kTumble, 10, 10, 3);
  EXPECT_EQ(Assign(spec, 3), (W{{3, 13}}));
  EXPECT_EQ(Assign(spec, 12), (W{{3, 13}}));
  EXPECT_EQ(Assign(spec, 2), (W{{-7, 3}}));
  EXPECT_EQ(Assign(spec, -8), (W{{-17, -7}}));
}

TEST(WindowAssignerTest, TumbleIgnoresStepOfTheSpec) {
  // The binder may leave step at 0 for TUMBLE: the size is the step.
  EXPECT_EQ(Assign(Spec(sql::WindowKind::kTumble, 10, 0), 15), (W{{10, 20}}));
}

TEST(WindowAssignerTest, HopAssignsSizeOverSlideWindows) {
  // size 10, slide 5: t=7 is in [0, 10) and [5, 15).
  const auto spec = Spec(sql::WindowKind::kHop, 10, 5);
  EXPECT_EQ(Assign(spec, 7), (W{{0, 10}, {5, 15}}));
  EXPECT_EQ(Assign(spec, 5), (W{{0, 10}, {5, 15}}));
  EXPECT_EQ(Assign(spec, 4), (W{{-5, 5}, {0, 10}}));
  // size 15, slide 5: three windows.
  EXPECT_EQ(Assign(Spec(sql::WindowKind::kHop, 15, 5), 12), (W{{0, 15}, {5, 20}, {10, 25}}));
}

TEST(WindowAssignerTest, HopNegativeTimeAndOffset) {
  const auto spec = Spec(sql::WindowKind::kHop, 10, 5);
  EXPECT_EQ(Assign(spec, -3), (W{{-10, 0}, {-5, 5}}));
  // offset 2: starts at ..., -3, 2, 7, ...
  const auto shifted = Spec(sql::WindowKind::kHop, 10, 5, 2);
  EXPECT_EQ(Assign(shifted, 7), (W{{2, 12}, {7, 17}}));
  EXPECT_EQ(Assign(shifted, 1), (W{{-8, 2}, {-3, 7}}));
}

TEST(WindowAssignerTest, CumulateAssignsWindowsOfThePeriodEndingAfterT) {
  // size 12, step 3: period [0, 12), windows end at 3, 6, 9 and 12.
  const auto spec = Spec(sql::WindowKind::kCumulate, 12, 3);
  EXPECT_EQ(Assign(spec, 0), (W{{0, 3}, {0, 6}, {0, 9}, {0, 12}}));
  EXPECT_EQ(Assign(spec, 4), (W{{0, 6}, {0, 9}, {0, 12}}));
  EXPECT_EQ(Assign(spec, 11), (W{{0, 12}}));
  EXPECT_EQ(Assign(spec, 12), (W{{12, 15}, {12, 18}, {12, 21}, {12, 24}}));
}

TEST(WindowAssignerTest, CumulateNegativeTimeAndOffset) {
  const auto spec = Spec(sql::WindowKind::kCumulate, 12, 3);
  // -1 is in period [-12, 0): only the last step window [-12, 0) ends after it.
  EXPECT_EQ(Assign(spec, -1), (W{{-12, 0}}));
  EXPECT_EQ(Assign(spec, -7), (W{{-12, -6}, {-12, -3}, {-12, 0}}));
  // offset 1: periods [1, 13), steps end 4, 7, 10, 13.
  const auto shifted = Spec(sql::WindowKind::kCumulate, 12, 3, 1);
  EXPECT_EQ(Assign(shifted, 5), (W{{1, 7}, {1, 10}, {1, 13}}));
  EXPECT_EQ(Assign(shifted, 0), (W{{-11, 1}}));
}

TEST(WindowAssignerTest, WindowStartMatchesFlinkFormula) {
  EXPECT_EQ(WindowAssigner::WindowStart(7, 0, 5), 5);
  EXPECT_EQ(WindowAssigner::WindowStart(-7, 0, 5), -10);
  EXPECT_EQ(WindowAssigner::WindowStart(-5, 0, 5), -5);
  EXPECT_EQ(WindowAssigner::WindowStart(7, 3, 5), 3);
  EXPECT_EQ(WindowAssigner::WindowStart(2, 3, 5), -2);
}

TEST(WindowAssignerTest, RejectsBadSpecs) {
  EXPECT_FALSE(WindowAssigner::Create(Spec(sql::WindowKind::kTumble, 0, 0)).ok());
  EXPECT_FALSE(WindowAssigner::Create(Spec(sql::WindowKind::kHop, 10, 0)).ok());
  EXPECT_FALSE(WindowAssigner::Create(Spec(sql::WindowKind::kHop, 10, 3)).ok());
  EXPECT_FALSE(WindowAssigner::Create(Spec(sql::WindowKind::kCumulate, 10, 4)).ok());
  EXPECT_TRUE(WindowAssigner::Create(Spec(sql::WindowKind::kCumulate, 10, 5)).ok());
}

}  // namespace
}  // namespace sluice::runtime
