// The timing model's queues at the far end of time. A heavy-tailed draw
// (lognormal with a large sigma) is clamped at 2^62 ns (146 years,
// core/distributions.cpp); a node's processing queue and its disk add each
// new draw to the time the previous one ends, so two such draws would pass
// int64's range. They stop at the same 2^62 ns horizon, far past any run's
// end: the run completes, and the inputs and writes behind it never finish.
// (A lognormal fsync of median 2 h and sigma 10 aborted a run on "scheduling
// in the past"; found by an adversarial test of the CLI.)
#include <gtest/gtest.h>

#include "leasesim/world/world.hpp"
#include "test_scenarios.hpp"

namespace leasesim {
namespace timing_horizon_test {
namespace {

using testing::basic_scenario;

constexpr Duration kFarthestDraw = Duration(int64_t{1} << 62);

// Every node gets `t`, except with `only_first` where the others get none
// (so they keep sending to the first, whose queue grows).
RunResult run_with(const NodeTiming& t, bool only_first = false) {
  Scenario s = basic_scenario(3, 2, 1);
  s.duration = seconds(5);
  s.timing.nodes.assign(s.node_count(), only_first ? NodeTiming{} : t);
  s.timing.nodes[0] = t;
  return World(s, RunOptions{}).run();
}

TEST(TimingHorizon, AProcessingQueueOfFarthestDrawsCompletesTheRun) {
  NodeTiming t;
  t.processing = LatencyModel::constant(kFarthestDraw);
  const RunResult r = run_with(t, true);
  EXPECT_EQ(r.reason, EndReason::kCompleted);
  EXPECT_EQ(r.end, TimePoint(seconds(5).ns()));
}

TEST(TimingHorizon, ADiskOfFarthestDrawsCompletesTheRun) {
  for (const bool group_commit : {false, true}) {
    SCOPED_TRACE(group_commit);
    NodeTiming t;
    t.fsync = LatencyModel::constant(kFarthestDraw);
    t.group_commit = group_commit;
    const RunResult r = run_with(t);
    EXPECT_EQ(r.reason, EndReason::kCompleted);
    EXPECT_EQ(r.end, TimePoint(seconds(5).ns()));
  }
}

}  // namespace
}  // namespace timing_horizon_test
}  // namespace leasesim
