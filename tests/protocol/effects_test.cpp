// Effects: the single-timer bookkeeping a node hands its host.
#include <gtest/gtest.h>

#include "leasesim/protocol/node.hpp"

namespace leasesim {
namespace effects_test {
namespace {

TEST(Effects, PlainAndSingleTimersAreKeptInOrder) {
  Effects fx;
  fx.set_timer(ClockKind::kMonotonic, TimePoint(10), 1, 7);
  fx.replace_timer(ClockKind::kWall, TimePoint(20), 2, 8);
  ASSERT_EQ(fx.timers().size(), 2u);
  EXPECT_FALSE(fx.timers()[0].single);
  EXPECT_TRUE(fx.timers()[1].single);
  EXPECT_EQ(fx.timers()[1].clock, ClockKind::kWall);
  EXPECT_EQ(fx.timers()[1].deadline, TimePoint(20));
  EXPECT_EQ(fx.timers()[1].arg, 8u);
  EXPECT_TRUE(fx.cancels().empty());
}

TEST(Effects, CancelRemovesASingleTimerSetEarlierInTheStep) {
  Effects fx;
  fx.set_timer(ClockKind::kMonotonic, TimePoint(10), 3);      // plain: stays
  fx.replace_timer(ClockKind::kMonotonic, TimePoint(20), 3);  // single: cancelled below
  fx.replace_timer(ClockKind::kMonotonic, TimePoint(30), 4);
  fx.cancel_timer(3);
  ASSERT_EQ(fx.timers().size(), 2u);
  EXPECT_FALSE(fx.timers()[0].single);
  EXPECT_EQ(fx.timers()[1].kind, 4u);
  ASSERT_EQ(fx.cancels().size(), 1u);
  EXPECT_EQ(fx.cancels()[0], 3u);
}

TEST(Effects, CancelThenReplaceArmsTheNewTimer) {
  // The host applies cancels before timers, so this order leaves one armed.
  Effects fx;
  fx.cancel_timer(5);
  fx.replace_timer(ClockKind::kMonotonic, TimePoint(40), 5, 1);
  ASSERT_EQ(fx.timers().size(), 1u);
  EXPECT_EQ(fx.cancels().size(), 1u);
}

TEST(Effects, ClearForgetsEverything) {
  Effects fx;
  fx.replace_timer(ClockKind::kMonotonic, TimePoint(40), 5, 1);
  fx.cancel_timer(6);
  fx.clear();
  EXPECT_TRUE(fx.timers().empty());
  EXPECT_TRUE(fx.cancels().empty());
}

TEST(EffectsDeath, SingleTimerKindOutOfRangeIsAProgrammerError) {
  Effects fx;
  EXPECT_DEATH(fx.replace_timer(ClockKind::kMonotonic, TimePoint(1), TimerRequest::kMaxSingleKinds),
               "single timer kind out of range");
}

}  // namespace
}  // namespace effects_test
}  // namespace leasesim
