// Judgements that must not depend on the order of the records of one
// instant. A run in which the next holder's grant and the last holder's
// release timer fall due at the same true time (constant latencies, a hold
// of exactly the right length) had the begin recorded first: the checker
// opened an overlap that the release then cut to [T, T], and failed the run
// for a 0 s "overlap" (found by a checker audit). Touching is not
// overlapping, whatever the order; 1 ns more of holding is an overlap.
#include <gtest/gtest.h>

#include <string>

#include "leasesim/scenario/loader.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim {
namespace same_instant_test {
namespace {

Scenario with_hold(const std::string& hold) {
  const std::string text = R"({"name": "touch", "duration": "6s",
      "protocol": {"preset": "naive"}, "core": {"servers": 1},
      "lease": {"ttl": "1s", "renew_every": "300ms"}, "resources": ["r1"],
      "requestors": [
        {"name": "b", "start": "0s", "hold": "forever", "request_timeout": "10s"},
        {"name": "a", "start": "1500ms", "hold": ")" +
                           hold + R"(", "request_timeout": "10s", "max_holds": 1}],
      "network": {"latency": {"dist": "constant", "value": "1ms"},
        "links": [{"from": "n1", "to": "b", "latency": {"dist": "constant", "value": "3s"}}]}})";
  LoadResult lr = load_scenario_text(text, "touch.json");
  EXPECT_TRUE(lr.ok()) << (lr.errors.empty() ? "" : lr.errors[0].format());
  return lr.ok() ? *lr.scenario : Scenario{};
}

RunResult run_with_hold(const std::string& hold) {
  return World(with_hold(hold), RunOptions{}).run();
}

TEST(SameInstant, AHandoverTouchingAtOneInstantIsNotAnOverlap) {
  const RunResult touching = run_with_hold("1538889350ns");
  EXPECT_EQ(touching.failures, 0u);
  EXPECT_TRUE(touching.violations.empty());
  const RunResult overlapping = run_with_hold("1538889351ns");
  ASSERT_EQ(overlapping.failures, 1u);
  ASSERT_EQ(overlapping.violations.size(), 1u);
  EXPECT_EQ(overlapping.violations[0].kind, ViolationKind::kOverlap);
  EXPECT_EQ(overlapping.violations[0].to - overlapping.violations[0].from, nanoseconds(1));
}

// The same run stopped at its first violation stops only for a real one.
TEST(SameInstant, StopOnFirstViolationIgnoresATouch) {
  RunOptions ro;
  ro.stop_on_first_violation = true;
  const RunResult r = World(with_hold("1538889350ns"), ro).run();
  EXPECT_EQ(r.failures, 0u);
  EXPECT_EQ(r.reason, EndReason::kCompleted);
}

// A run cut in the middle of that instant (an event budget that ends
// between the begin and the end recorded at the same time) has not seen
// the whole instant: the stretch is not judged, and the run is incomplete,
// not violated (found by a review: --max-events 99 reported a 0 s overlap).
TEST(SameInstant, ARunCutInsideTheInstantDoesNotJudgeIt) {
  const Scenario s = with_hold("1538889350ns");
  for (uint64_t budget = 90; budget <= 110; ++budget) {
    RunOptions ro;
    ro.max_events = budget;
    const RunResult r = World(s, ro).run();
    SCOPED_TRACE(budget);
    EXPECT_EQ(r.failures, 0u);
    EXPECT_EQ(r.reason, EndReason::kEventBudget);
  }
}

}  // namespace
}  // namespace same_instant_test
}  // namespace leasesim
