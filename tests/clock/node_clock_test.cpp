#include "leasesim/clock/node_clock.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "leasesim/core/rng.hpp"
#include "leasesim/core/time.hpp"

namespace leasesim {
namespace node_clock_test {
namespace {

constexpr int64_t kPpm = 1'000;  // ppb per ppm

// Checks that `t` is the exact earliest true time >= now at which `kind`
// reads >= deadline: the reading at t has reached it, and one nanosecond
// earlier it had not (unless t is `now` itself, the earliest allowed).
void ExpectEarliest(const NodeClock& c, ClockKind kind, TimePoint deadline, TimePoint now,
                    TimePoint t) {
  ASSERT_GE(t, now);
  EXPECT_GE(c.read(t).read(kind), deadline) << "t=" << t.ns();
  if (t > now) {
    EXPECT_LT(c.read(t - nanoseconds(1)).read(kind), deadline) << "t=" << t.ns();
  }
}

TEST(NodeClock, InitialOffsetAppliesToWallOnly) {
  const NodeClock c(milliseconds(-250), 0);
  EXPECT_EQ(c.mono(TimePoint::origin()), TimePoint::origin());
  EXPECT_EQ(c.wall(TimePoint::origin()), TimePoint(-250'000'000));
  EXPECT_EQ(c.wall_offset(TimePoint::origin()), milliseconds(-250));
  // Without drift the offset stays put.
  EXPECT_EQ(c.wall_offset(TimePoint::origin() + hours(1)), milliseconds(-250));
  EXPECT_EQ(c.mono(TimePoint::origin() + hours(1)), TimePoint::origin() + hours(1));
  EXPECT_EQ(c.epoch(), 0u);
}

TEST(NodeClock, FastClockTimerFiresEarlyByExactNanosecond) {
  // +1000 ppm: 10 s local takes 10 s / 1.001 = 9'990'009'990.01 ns of true
  // time, so the first whole nanosecond that reads 10 s is ...991.
  const NodeClock c(Duration::zero(), 1000 * kPpm);
  const TimePoint deadline = TimePoint::origin() + seconds(10);
  for (const ClockKind kind : {ClockKind::kMonotonic, ClockKind::kWall}) {
    const TimePoint t = c.true_time_when(kind, deadline, TimePoint::origin());
    EXPECT_EQ(t, TimePoint(9'990'009'991));
    EXPECT_GE(c.read(t).read(kind), deadline);
    EXPECT_LT(c.read(t - nanoseconds(1)).read(kind), deadline);
  }
}

TEST(NodeClock, SlowClockTimerFiresLate) {
  // -500 ppm: 10 s / 0.9995 = 10'005'002'501.25 ns -> ...502.
  const NodeClock c(Duration::zero(), -500 * kPpm);
  const TimePoint deadline = TimePoint::origin() + seconds(10);
  const TimePoint t = c.true_time_when(ClockKind::kMonotonic, deadline, TimePoint::origin());
  EXPECT_EQ(t, TimePoint(10'005'002'502));
  ExpectEarliest(c, ClockKind::kMonotonic, deadline, TimePoint::origin(), t);
  // A slow clock reads behind true time.
  EXPECT_LT(c.mono(TimePoint::origin() + seconds(10)), deadline);
}

TEST(NodeClock, MonoIsFloorOfScaledElapsedTime) {
  const NodeClock c(Duration::zero(), 1000 * kPpm);
  // 999 ns true * 1.001 = 999.999 -> 999; 1000 ns -> 1001.
  EXPECT_EQ(c.mono(TimePoint(999)), TimePoint(999));
  EXPECT_EQ(c.mono(TimePoint(1000)), TimePoint(1001));
  const NodeClock slow(Duration::zero(), -1000 * kPpm);
  // 1000 ns * 0.999 = 999 exactly; 1001 * 0.999 = 999.999 -> 999.
  EXPECT_EQ(slow.mono(TimePoint(1000)), TimePoint(999));
  EXPECT_EQ(slow.mono(TimePoint(1001)), TimePoint(999));
}

TEST(NodeClock, DeadlineAlreadyReachedFiresNow) {
  const NodeClock c(seconds(5), 0);
  const TimePoint now = TimePoint::origin() + seconds(3);
  // Wall reads 8 s now: a 6 s wall deadline is past, and so is exactly 8 s.
  EXPECT_EQ(c.true_time_when(ClockKind::kWall, TimePoint::origin() + seconds(6), now), now);
  EXPECT_EQ(c.true_time_when(ClockKind::kWall, TimePoint::origin() + seconds(8), now), now);
  EXPECT_EQ(c.true_time_when(ClockKind::kMonotonic, TimePoint::origin() + seconds(3), now), now);
  EXPECT_EQ(c.true_time_when(ClockKind::kMonotonic,
                             TimePoint::origin() + seconds(3) + nanoseconds(1), now),
            now + nanoseconds(1));
}

TEST(NodeClock, TrueTimeWhenIsExactEarliestOverRandomClocks) {
  Rng rng(20240611);
  for (int iter = 0; iter < 20'000; ++iter) {
    const int64_t drift0 = rng.uniform_int(-NodeClock::kMaxDriftPpb, NodeClock::kMaxDriftPpb);
    NodeClock c(Duration(rng.uniform_int(-hours(1).ns(), hours(1).ns())), drift0);
    // A random anchor: change the drift at a random time (sometimes twice)
    // and sometimes step the wall clock, so anchor_true/anchor_mono and
    // wall_delta are all arbitrary.
    TimePoint now = TimePoint::origin();
    const int changes = static_cast<int>(rng.below(3));
    for (int k = 0; k < changes; ++k) {
      now += Duration(rng.uniform_int(0, hours(24).ns()));
      c.set_drift(now, rng.uniform_int(-NodeClock::kMaxDriftPpb, NodeClock::kMaxDriftPpb));
      if (rng.below(2) == 0)
        c.step_wall(Duration(rng.uniform_int(-seconds(30).ns(), seconds(30).ns())));
    }
    now += Duration(rng.uniform_int(0, seconds(100).ns()));
    const ClockKind kind = rng.below(2) == 0 ? ClockKind::kWall : ClockKind::kMonotonic;
    // Deadlines from slightly in the past to far in the future, with small
    // values too, where off-by-one errors show most.
    const TimePoint reading = c.read(now).read(kind);
    const int64_t span = rng.below(2) == 0 ? 1'000 : hours(48).ns();
    const TimePoint deadline = reading + Duration(rng.uniform_int(-span / 10, span));
    const TimePoint t = c.true_time_when(kind, deadline, now);
    ExpectEarliest(c, kind, deadline, now, t);
    if (::testing::Test::HasFailure()) {
      FAIL() << "iteration " << iter << " drift=" << c.drift_ppb() << " now=" << now.ns()
             << " deadline=" << deadline.ns();
    }
  }
}

TEST(NodeClock, ExtremeDriftsStayExact) {
  for (const int64_t ppb :
       {NodeClock::kMaxDriftPpb, -NodeClock::kMaxDriftPpb, int64_t{1}, int64_t{-1}}) {
    const NodeClock c(Duration::zero(), ppb);
    for (const int64_t d : {int64_t{1}, int64_t{7}, seconds(1).ns(), hours(24 * 365 * 50).ns()}) {
      const TimePoint deadline(d);
      const TimePoint t = c.true_time_when(ClockKind::kMonotonic, deadline, TimePoint::origin());
      ExpectEarliest(c, ClockKind::kMonotonic, deadline, TimePoint::origin(), t);
    }
  }
}

TEST(NodeClock, DriftChangeReAnchorsWithoutJump) {
  NodeClock c(seconds(2), 200 * kPpm);
  const TimePoint change = TimePoint::origin() + seconds(100);
  const LocalClocks before = c.read(change);
  // 100 s at +200 ppm = 100.02 s.
  EXPECT_EQ(before.mono, TimePoint::origin() + seconds(100) + milliseconds(20));
  c.set_drift(change, -300 * kPpm);
  const LocalClocks after = c.read(change);
  EXPECT_EQ(after.mono, before.mono);
  EXPECT_EQ(after.wall, before.wall);
  EXPECT_EQ(c.drift_ppb(), -300 * kPpm);
  // From the change on the clock runs at the new rate only: 10 s more true
  // time adds 10 s * 0.9997 local.
  EXPECT_EQ(c.mono(change + seconds(10)), before.mono + seconds(10) - milliseconds(3));
  // Monotonic across the change, nanosecond by nanosecond.
  TimePoint prev = c.mono(change);
  for (int64_t i = 1; i < 5'000; ++i) {
    const TimePoint m = c.mono(change + nanoseconds(i));
    EXPECT_GE(m, prev);
    prev = m;
  }
  // A timer pending across the change is re-targeted by the new rate.
  const TimePoint deadline = before.mono + seconds(10);
  const TimePoint t = c.true_time_when(ClockKind::kMonotonic, deadline, change);
  ExpectEarliest(c, ClockKind::kMonotonic, deadline, change, t);
  EXPECT_GT(t, change + seconds(10));
}

TEST(NodeClock, DriftChangeWithFractionalCarryDoesNotJump) {
  // 1 ns true at +1000 ppm is 1.001 ns local: the fraction carried at the
  // anchor is dropped (floor), so the reading must not step backward.
  NodeClock c(Duration::zero(), 1000 * kPpm);
  const TimePoint change(999);
  const TimePoint m = c.mono(change);
  c.set_drift(change, -NodeClock::kMaxDriftPpb);
  EXPECT_EQ(c.mono(change), m);
  EXPECT_GE(c.mono(change + nanoseconds(1)), m);
}

TEST(NodeClock, WallStepMovesWallOnly) {
  NodeClock c(Duration::zero(), 50 * kPpm);
  const TimePoint now = TimePoint::origin() + seconds(30);
  const LocalClocks before = c.read(now);
  c.step_wall(seconds(5));
  EXPECT_EQ(c.mono(now), before.mono);
  EXPECT_EQ(c.wall(now), before.wall + seconds(5));
  c.step_wall(seconds(-12));
  EXPECT_EQ(c.mono(now), before.mono);
  EXPECT_EQ(c.wall(now), before.wall - seconds(7));
  EXPECT_EQ(c.drift_ppb(), 50 * kPpm);
}

TEST(NodeClock, ForwardStepPastWallDeadlineFiresNow) {
  NodeClock c(Duration::zero(), 0);
  const TimePoint now = TimePoint::origin() + seconds(1);
  const TimePoint deadline = TimePoint::origin() + seconds(10);
  EXPECT_EQ(c.true_time_when(ClockKind::kWall, deadline, now), deadline);
  c.step_wall(seconds(20));
  EXPECT_EQ(c.true_time_when(ClockKind::kWall, deadline, now), now);
}

TEST(NodeClock, BackwardStepDelaysWallDeadlineByTheStep) {
  NodeClock c(milliseconds(300), 0);
  const TimePoint now = TimePoint::origin() + seconds(1);
  const TimePoint deadline = TimePoint::origin() + seconds(10);
  const TimePoint before = c.true_time_when(ClockKind::kWall, deadline, now);
  EXPECT_EQ(before, deadline - milliseconds(300));
  c.step_wall(seconds(-4));
  EXPECT_EQ(c.true_time_when(ClockKind::kWall, deadline, now), before + seconds(4));
}

TEST(NodeClock, BackwardStepOnDriftingClockDelaysByTheStepInLocalTime) {
  // With drift the step is in local time; the delay in true time is the
  // step divided by the rate, and the timer still fires at the exact
  // earliest instant the stepped clock reads the deadline.
  NodeClock c(Duration::zero(), 1000 * kPpm);
  const TimePoint now = TimePoint::origin() + seconds(1);
  const TimePoint deadline = TimePoint::origin() + seconds(10);
  c.step_wall(seconds(-1));
  const TimePoint t = c.true_time_when(ClockKind::kWall, deadline, now);
  ExpectEarliest(c, ClockKind::kWall, deadline, now, t);
  // 11 s local / 1.001 = 10'989'010'989.01 -> ...990.
  EXPECT_EQ(t, TimePoint(10'989'010'990));
}

TEST(NodeClock, MonotonicDeadlineIgnoresSteps) {
  NodeClock c(Duration::zero(), -700 * kPpm);
  const TimePoint now = TimePoint::origin() + seconds(2);
  const TimePoint deadline = TimePoint::origin() + seconds(10);
  const TimePoint before = c.true_time_when(ClockKind::kMonotonic, deadline, now);
  c.step_wall(seconds(30));
  EXPECT_EQ(c.true_time_when(ClockKind::kMonotonic, deadline, now), before);
  c.step_wall(seconds(-60));
  EXPECT_EQ(c.true_time_when(ClockKind::kMonotonic, deadline, now), before);
}

TEST(NodeClock, EpochCountsEveryChange) {
  NodeClock c(Duration::zero(), 0);
  EXPECT_EQ(c.epoch(), 0u);
  c.step_wall(seconds(1));
  EXPECT_EQ(c.epoch(), 1u);
  c.set_drift(TimePoint::origin() + seconds(1), 10 * kPpm);
  EXPECT_EQ(c.epoch(), 2u);
  c.step_wall(seconds(-1));
  EXPECT_EQ(c.epoch(), 3u);
  // Reads and timer queries change nothing.
  (void)c.read(TimePoint::origin() + seconds(5));
  (void)c.true_time_when(ClockKind::kWall, TimePoint::origin() + seconds(9),
                         TimePoint::origin() + seconds(5));
  EXPECT_EQ(c.epoch(), 3u);
}

// A deadline at the end of time means "never" on every clock: it must not
// wrap around into an instant that comes (a slow clock, a wall clock behind
// true time, a deadline a little below the end).
TEST(NodeClock, NeverStaysNever) {
  const TimePoint now = TimePoint::origin() + seconds(3);
  for (const int64_t drift : {int64_t{-500'000}, int64_t{-1}, int64_t{0}, int64_t{500'000}}) {
    for (const Duration offset : {seconds(-5), Duration::zero(), seconds(5)}) {
      NodeClock c(offset, drift);
      for (const ClockKind k : {ClockKind::kWall, ClockKind::kMonotonic}) {
        EXPECT_EQ(c.true_time_when(k, TimePoint::max(), now), TimePoint::max())
            << drift << " " << offset.ns();
        EXPECT_GE(c.true_time_when(k, TimePoint::max() - seconds(10), now), now);
      }
    }
  }
}

TEST(NodeClockDeathTest, DriftBeyondBoundIsAProgrammerError) {
  EXPECT_DEATH(NodeClock(Duration::zero(), NodeClock::kMaxDriftPpb + 1), "");
  NodeClock c;
  EXPECT_DEATH(c.set_drift(TimePoint::origin(), -NodeClock::kMaxDriftPpb - 1), "");
}

}  // namespace
}  // namespace node_clock_test
}  // namespace leasesim
