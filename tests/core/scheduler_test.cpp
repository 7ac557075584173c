#include "leasesim/core/scheduler.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "leasesim/core/rng.hpp"

namespace leasesim {
namespace scheduler_test {
namespace {

struct Ev {
  int id = 0;
};

TEST(Scheduler, ToString) {
  EXPECT_STREQ("reached-time", to_string(StopReason::kReachedTime));
  EXPECT_STREQ("quiescent", to_string(StopReason::kQuiescent));
  EXPECT_STREQ("stopped", to_string(StopReason::kRequested));
  EXPECT_STREQ("event-budget", to_string(StopReason::kEventBudget));
}

TEST(Scheduler, RunUntilStopsAtTimeAndAdvancesClock) {
  Scheduler<Ev> s;
  s.schedule_at(TimePoint(10), Ev{1});
  s.schedule_at(TimePoint(20), Ev{2});
  s.schedule_at(TimePoint(30), Ev{3});
  std::vector<std::pair<int64_t, int>> seen;
  const auto reason =
      s.run_until(TimePoint(25), [&](const Ev& e) { seen.emplace_back(s.now().ns(), e.id); });
  EXPECT_EQ(StopReason::kReachedTime, reason);
  EXPECT_EQ((std::vector<std::pair<int64_t, int>>{{10, 1}, {20, 2}}), seen);
  EXPECT_EQ(TimePoint(25), s.now()) << "the clock advances to `until`";
  EXPECT_EQ(2u, s.events_handled());
  EXPECT_EQ(1u, s.queue().size());

  // Events exactly at `until` run.
  EXPECT_EQ(StopReason::kQuiescent, s.run_until(TimePoint(30), [&](const Ev& e) {
    seen.emplace_back(s.now().ns(), e.id);
  }));
  EXPECT_EQ(3u, seen.size());
  EXPECT_EQ(TimePoint(30), s.now());
}

TEST(Scheduler, RunUntilEarlierThanNowDoesNotMoveClockBack) {
  Scheduler<Ev> s;
  s.schedule_at(TimePoint(100), Ev{});
  s.run_until(TimePoint(50), [](const Ev&) {});
  EXPECT_EQ(TimePoint(50), s.now());
  EXPECT_EQ(StopReason::kReachedTime, s.run_until(TimePoint(10), [](const Ev&) {}));
  EXPECT_EQ(TimePoint(50), s.now());
}

TEST(Scheduler, Quiescent) {
  Scheduler<Ev> s;
  EXPECT_EQ(StopReason::kQuiescent, s.run_until(TimePoint::max(), [](const Ev&) {}));
  EXPECT_EQ(TimePoint::origin(), s.now());

  // Handlers schedule follow-ups; the run ends when the chain does, with
  // the clock at the last event (not at `until`).
  int count = 0;
  s.schedule_after(milliseconds(1), Ev{0});
  const auto reason = s.run_until(TimePoint::max(), [&](const Ev& e) {
    ++count;
    if (e.id < 4) s.schedule_after(milliseconds(1), Ev{e.id + 1});
  });
  EXPECT_EQ(StopReason::kQuiescent, reason);
  EXPECT_EQ(5, count);
  EXPECT_EQ(TimePoint(5'000'000), s.now());
}

TEST(Scheduler, CancelledEventsDoNotRun) {
  Scheduler<Ev> s;
  s.schedule_at(TimePoint(1), Ev{1});
  const auto h = s.schedule_at(TimePoint(2), Ev{2});
  EXPECT_TRUE(s.cancel(h));
  std::vector<int> seen;
  EXPECT_EQ(StopReason::kQuiescent,
            s.run_until(TimePoint(10), [&](const Ev& e) { seen.push_back(e.id); }));
  EXPECT_EQ(std::vector<int>{1}, seen);
  EXPECT_EQ(TimePoint(1), s.now());
}

TEST(Scheduler, RequestStopFromHandler) {
  Scheduler<Ev> s;
  for (int i = 0; i < 10; ++i) s.schedule_at(TimePoint(i), Ev{i});
  std::vector<int> seen;
  const auto reason = s.run_until(TimePoint::max(), [&](const Ev& e) {
    seen.push_back(e.id);
    if (e.id == 3) s.request_stop();
  });
  EXPECT_EQ(StopReason::kRequested, reason);
  EXPECT_EQ((std::vector<int>{0, 1, 2, 3}), seen);
  EXPECT_EQ(TimePoint(3), s.now());
  // The request does not stick: the next run continues.
  EXPECT_EQ(StopReason::kQuiescent,
            s.run_until(TimePoint::max(), [&](const Ev& e) { seen.push_back(e.id); }));
  EXPECT_EQ(10u, seen.size());
}

TEST(Scheduler, EventBudget) {
  Scheduler<Ev> s;
  for (int i = 0; i < 10; ++i) s.schedule_at(TimePoint(i), Ev{i});
  int count = 0;
  EXPECT_EQ(StopReason::kEventBudget, s.run_until(
                                          TimePoint::max(), [&](const Ev&) { ++count; }, 4));
  EXPECT_EQ(4, count);
  EXPECT_EQ(4u, s.events_handled());
  EXPECT_EQ(TimePoint(3), s.now());
  EXPECT_EQ(6u, s.queue().size());
}

TEST(Scheduler, SameTimeEventsRunInScheduleOrder) {
  Scheduler<Ev> s;
  std::vector<int> seen;
  s.schedule_at(TimePoint(5), Ev{0});
  s.run_until(TimePoint::max(), [&](const Ev& e) {
    seen.push_back(e.id);
    // Zero-delay follow-ups run after everything already at this time.
    if (e.id == 0) {
      s.schedule_after(Duration(0), Ev{2});
      s.schedule_after(Duration(0), Ev{3});
    }
  });
  EXPECT_EQ((std::vector<int>{0, 2, 3}), seen);
}

// A small self-driving simulation: every event schedules follow-ups (some
// at the same time, some into the bucket being drained, some seconds
// ahead, beyond the ring) and cancels an earlier one now and then, run in
// chunks. Returns what ran, in order.
std::vector<std::pair<int64_t, int>> SelfDrivingRun(Drain drain) {
  Scheduler<Ev> s;
  s.queue().set_drain(drain);
  Rng rng(17);
  std::vector<Scheduler<Ev>::Handle> handles;
  int next_id = 0;
  for (int i = 0; i < 500; ++i)
    handles.push_back(s.schedule_at(TimePoint(rng.uniform_int(0, 50'000'000)), Ev{next_id++}));
  std::vector<std::pair<int64_t, int>> seen;
  auto handler = [&](const Ev& e) {
    seen.emplace_back(s.now().ns(), e.id);
    if (next_id >= 200'000) return;
    const int64_t delays[] = {0, rng.uniform_int(0, 4'000'000), rng.uniform_int(0, 200'000'000),
                              rng.uniform_int(0, 30'000'000'000)};
    const int follow_ups = static_cast<int>(rng.below(3));
    for (int i = 0; i < follow_ups; ++i)
      handles.push_back(s.schedule_after(Duration(delays[rng.below(4)]), Ev{next_id++}));
    if (rng.below(5) == 0) s.cancel(handles[rng.below(handles.size())]);
  };
  while (s.run_until(TimePoint::max(), handler, s.events_handled() + 1000) ==
         StopReason::kEventBudget) {
  }
  return seen;
}

TEST(Scheduler, BothDrainsRunTheSameEvents) {
  const auto heap = SelfDrivingRun(Drain::kHeap);
  EXPECT_GT(heap.size(), 100'000u);
  EXPECT_EQ(heap, SelfDrivingRun(Drain::kSortedRuns));
}

TEST(SchedulerDeathTest, LoopForAnotherDrainAsserts) {
  Scheduler<Ev> s;
  s.queue().set_drain(Drain::kSortedRuns);
  s.schedule_at(TimePoint(1), Ev{});
  EXPECT_DEATH(s.run_until_as<Drain::kHeap>(TimePoint::max(), [](const Ev&) {}),
               "event loop compiled for another drain");
}

TEST(SchedulerDeathTest, SchedulingInThePastAsserts) {
  Scheduler<Ev> s;
  s.schedule_at(TimePoint(100), Ev{});
  s.run_until(TimePoint::max(), [](const Ev&) {});
  ASSERT_EQ(TimePoint(100), s.now());
  EXPECT_DEATH(s.schedule_at(TimePoint(99), Ev{}),
               "leasesim: internal error: assertion `at >= now_` failed at .*scheduler.hpp:[0-9]+: "
               "scheduling in the past");
  EXPECT_DEATH(s.schedule_after(Duration(-1), Ev{}), "scheduling in the past");
}

}  // namespace
}  // namespace scheduler_test
}  // namespace leasesim
