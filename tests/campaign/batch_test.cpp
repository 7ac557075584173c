// BatchRunner: many runs on a pool of threads, delivered in order.
#include "leasesim/campaign/batch.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "../world/test_scenarios.hpp"

namespace leasesim {
namespace batch_test {
namespace {

TEST(BatchRunner, ResultsArriveInOrderAndDoNotDependOnThreads) {
  auto make = [](size_t i) { return testing::basic_scenario(3, 2, 1, "seed", 100 + i); };
  std::vector<uint64_t> one, two;
  BatchRunner r1(1), r2(2);
  r1.run(12, make, RunOptions{}, [&](size_t i, RunResult&& r) {
    EXPECT_EQ(i, one.size());
    one.push_back(r.trace_hash);
    return true;
  });
  r2.run(12, make, RunOptions{}, [&](size_t i, RunResult&& r) {
    EXPECT_EQ(i, two.size());
    two.push_back(r.trace_hash);
    return true;
  });
  EXPECT_EQ(one, two);
  EXPECT_EQ(one.size(), 12u);
}

TEST(BatchRunner, StoppingDeliversAPrefix) {
  auto make = [](size_t i) { return testing::basic_scenario(3, 1, 1, "seed", i); };
  BatchRunner r(2);
  size_t seen = 0;
  const size_t n = r.run(50, make, RunOptions{}, [&](size_t i, RunResult&&) {
    EXPECT_EQ(i, seen);
    ++seen;
    return i < 4;
  });
  EXPECT_EQ(n, 5u);
  EXPECT_EQ(seen, 5u);
}

// A stop abandons the runs in progress within milliseconds, instead of
// waiting for them to end: their results are dropped (a cut run is no
// verdict; a resumed campaign runs it again). `check` or `explore` under a
// CI time limit waited for a run of minutes and lost its report.
TEST(BatchRunner, AStopAbandonsTheRunsInProgress) {
  BatchRunner r(2);
  std::atomic<size_t> made{0};
  auto make = [&](size_t i) {
    Scenario s = testing::basic_scenario(3, 1000, 100, "seed", i);
    s.duration = hours(720);            // minutes of work if not abandoned
    if (++made == 2) r.request_stop();  // as a SIGINT would, while job 0 runs
    return s;
  };
  size_t delivered = 0;
  const size_t n = r.run(6, make, RunOptions{}, [&](size_t, RunResult&&) {
    ++delivered;
    return true;
  });
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(delivered, 0u);
  // No wall-time bound here: a run not abandoned would take an hour, past
  // ctest's timeout, and fail the test that way.
}

// What finished is still reported where each run stands alone (check):
// with finished_past_a_stop, a stop delivers every finished result in
// order, skipping the abandoned ones. (A stop left a gap where the long run
// was abandoned, and check dropped a failure that had finished after it;
// found by a review.) Without it (explore's results file is a prefix),
// nothing past the gap.
TEST(BatchRunner, AStopCanDeliverWhatFinishedPastTheAbandonedRuns) {
  for (const bool past : {true, false}) {
    SCOPED_TRACE(past);
    BatchRunner r(2);
    r.set_finished_past_a_stop(past);
    std::atomic<bool> short_done{false};
    std::atomic<bool> short_started{false};
    auto make = [&](size_t i) {
      Scenario s = testing::basic_scenario(3, i == 0 ? 1000 : 1, i == 0 ? 100 : 1, "seed", i);
      s.duration = i == 0 ? hours(720) : seconds(1);  // job 0: an hour; job 1: milliseconds
      if (i == 1) short_started = true;
      return s;
    };
    std::thread stopper([&] {
      // Stop once job 1 has surely finished (milliseconds of work, given a
      // second even on a loaded machine; job 0 runs for an hour).
      while (!short_started) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      std::this_thread::sleep_for(std::chrono::seconds(1));
      r.request_stop();
    });
    std::vector<size_t> got;
    const size_t n = r.run(2, make, RunOptions{}, [&](size_t i, RunResult&& res) {
      got.push_back(i);
      short_done = res.reason == EndReason::kCompleted;
      return true;
    });
    stopper.join();
    if (past) {
      EXPECT_EQ(got, std::vector<size_t>{1});
      EXPECT_EQ(n, 1u);
      EXPECT_TRUE(short_done);
    } else {
      EXPECT_TRUE(got.empty());
      EXPECT_EQ(n, 0u);
    }
  }
}

// The world's side: a cancelled run stops at its next look.
TEST(BatchRunner, ACancelledRunStopsAtItsNextLook) {
  Scenario s = testing::basic_scenario(3, 1000, 100, "seed", 1);
  s.duration = hours(720);
  std::atomic<bool> cancel{true};
  RunOptions o;
  o.cancel = &cancel;
  const RunResult res = World(s, o).run();
  EXPECT_EQ(res.reason, EndReason::kCancelled);
  EXPECT_LE(res.events, 65'536u);
}

}  // namespace
}  // namespace batch_test
}  // namespace leasesim
