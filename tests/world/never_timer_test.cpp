// A timer set for "never" stays never. A Raft core of one server with
// CheckQuorum by deadline has no quorum to lose, so its leader arms its
// step-down timer at TimePoint::max(). Every conversion of that deadline
// into true time (a drifting clock, a stepped wall clock, timer jitter, a
// clock change while it waits) must keep it at the end of time: before,
// a negative drift wrapped it into an instant that fired over and over at
// the same time (the run never ended), and jitter wrapped it into the past
// (an assertion). Each family's core of one runs to its end, one election.
#include <gtest/gtest.h>

#include <string>

#include "leasesim/scenario/loader.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim {
namespace never_timer_test {
namespace {

struct Family {
  const char* name;
  std::string block;  // protocol and core, with CheckQuorum by deadline
};

const Family kFamilies[] = {
    {"raft-lease", R"("protocol": {"preset": "safe"}, "core": {"servers": 1})"},
    {"session-lease", R"("protocol": {"name": "session-lease"}, "core": {"servers": 1})"},
    {"kv-lease",
     R"("protocol": {"name": "kv-lease"}, "kv": {"servers": 1, "check_quorum": "deadline"})"},
};

const char* const kConditions[] = {
    R"("timing": {"timer_jitter": "1ns"})",
    R"("timing": {"timer_jitter": {"dist": "uniform", "min": "0s", "max": "2ms"}})",
    R"("clocks": {"default": {"drift_ppm": -100}})",
    R"("clocks": {"default": {"drift_ppm": -100}}, "timing": {"timer_jitter": "1ms"})",
    R"("faults": [{"at": "500ms", "kind": "drift", "target": "n1", "ppm": -500}])",
    R"("faults": [{"at": "500ms", "kind": "clock_step", "target": "n1", "by": "-200ms"}])",
    R"("clocks": {"default": {"offset": "-5s"}}, "timing": {"timer_jitter": "1ms"})",
};

TEST(NeverTimer, ACoreOfOneKeepsItsLeaderUnderEveryClockCondition) {
  for (const Family& f : kFamilies) {
    for (const char* condition : kConditions) {
      const std::string text =
          std::string(R"({"name": "one", "duration": "3s", )") + f.block + ", " + condition + "}";
      LoadResult lr = load_scenario_text(text, "one.json");
      ASSERT_TRUE(lr.ok()) << text << "\n" << lr.errors[0].format();
      RunOptions ro;
      ro.max_events = 2'000'000;  // a wrapped timer fires forever: stop, and say so
      const RunResult r = World(*lr.scenario, ro).run();
      EXPECT_EQ(r.reason, EndReason::kCompleted) << f.name << " " << condition;
      EXPECT_EQ(r.failures, 0u) << f.name << " " << condition;
      EXPECT_EQ(r.metrics.elections, 1u) << f.name << " " << condition;
    }
  }
}

}  // namespace
}  // namespace never_timer_test
}  // namespace leasesim
