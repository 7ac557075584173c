// A run that schedules events faster than they fall due (a latency far
// longer than the time between sends: every heartbeat stays in flight)
// stops at RunOptions::max_pending with EndReason::kPendingLimit, an
// incomplete verdict, instead of filling the event queue. (At the real
// limit, 15 million events and some 3.4 GB, a 720 h latency aborted on the
// queue's "too many pending events" assertion and took `check` and
// `explore` down with it; found by an adversarial CLI test.)
#include <gtest/gtest.h>

#include "leasesim/report/verdict.hpp"
#include "leasesim/world/world.hpp"
#include "test_scenarios.hpp"

namespace leasesim {
namespace pending_limit_test {
namespace {

using testing::basic_scenario;

Scenario slow_network() {
  Scenario s = basic_scenario(3, 2, 1);
  s.duration = hours(24);
  s.network.default_profile.latency = LatencyModel::constant(hours(24));
  return s;
}

TEST(PendingLimit, ARunThatOutpacesItsQueueStopsIncomplete) {
  RunOptions o;
  o.max_pending = 20'000;
  const RunResult r = World(slow_network(), o).run();
  EXPECT_EQ(r.reason, EndReason::kPendingLimit);
  EXPECT_LT(r.end, TimePoint(hours(24).ns()));
  EXPECT_EQ(verdict_of(r), Verdict::kIncomplete);
  EXPECT_TRUE(cut_short(r.reason));
  // It stops soon after the limit: within a short chunk's worth of events.
  EXPECT_LT(r.events, 200'000u);
}

// The start alone can fill the queue (every node's first timers): looked
// at before the first event as well.
TEST(PendingLimit, AStartThatFillsTheQueueStopsAtOnce) {
  RunOptions o;
  o.max_pending = 1'000;
  const RunResult r = World(testing::basic_scenario(3, 5'000, 1), o).run();
  EXPECT_EQ(r.reason, EndReason::kPendingLimit);
  EXPECT_EQ(r.events, 0u);
  EXPECT_EQ(r.end, TimePoint::origin());
}

TEST(PendingLimit, ARunBelowTheLimitIsUntouched) {
  Scenario s = basic_scenario(3, 2, 1);
  RunOptions low;
  low.max_pending = 20'000;
  const RunResult a = World(s, RunOptions{}).run();
  const RunResult b = World(s, low).run();
  EXPECT_EQ(a.reason, EndReason::kCompleted);
  EXPECT_EQ(b.reason, EndReason::kCompleted);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.events, b.events);
}

TEST(PendingLimit, ResultsFilesNameIt) {
  EXPECT_STREQ(end_name(EndReason::kPendingLimit), "pending_limit");
  EndReason e = EndReason::kCompleted;
  ASSERT_TRUE(parse_end_name("pending_limit", &e));
  EXPECT_EQ(e, EndReason::kPendingLimit);
}

}  // namespace
}  // namespace pending_limit_test
}  // namespace leasesim
