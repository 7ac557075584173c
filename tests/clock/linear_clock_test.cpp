// LinearClock is exactly the NodeClock it was refreshed from while that
// has no drift: the same readings and the same timer due times, across
// steps and drift changes to and from zero (a random walk of both).
#include "leasesim/clock/linear_clock.hpp"

#include <gtest/gtest.h>

#include "leasesim/core/rng.hpp"

namespace leasesim {
namespace linear_clock_test {
namespace {

void ExpectSame(const LinearClock& fast, const NodeClock& c, TimePoint now, TimePoint deadline) {
  if (!fast.linear()) return;  // the host asks the NodeClock
  const LocalClocks a = fast.read(now), b = c.read(now);
  EXPECT_EQ(a.wall, b.wall) << "now=" << now.ns();
  EXPECT_EQ(a.mono, b.mono) << "now=" << now.ns();
  for (const ClockKind k : {ClockKind::kWall, ClockKind::kMonotonic})
    EXPECT_EQ(fast.true_time_when(k, deadline, now), c.true_time_when(k, deadline, now))
        << "now=" << now.ns() << " deadline=" << deadline.ns();
}

TEST(LinearClock, NoDriftIsLinearAndDriftIsNot) {
  LinearClock fast;
  EXPECT_FALSE(fast.linear());  // never refreshed: the host asks the NodeClock
  NodeClock c(milliseconds(250), 0);
  fast.refresh(c, TimePoint::origin());
  EXPECT_TRUE(fast.linear());
  c.set_drift(TimePoint::origin() + seconds(1), 2000);
  fast.refresh(c, TimePoint::origin() + seconds(1));
  EXPECT_FALSE(fast.linear());
}

TEST(LinearClock, AgreesWithTheNodeClockThroughStepsAndDriftChanges) {
  Rng rng(1406);
  for (int clock = 0; clock < 200; ++clock) {
    const int64_t drift0 = rng.below(2) ? 0 : rng.uniform_int(-100'000, 100'000);
    NodeClock c(Duration(rng.uniform_int(-seconds(5).ns(), seconds(5).ns())), drift0);
    LinearClock fast;
    TimePoint now = TimePoint::origin();
    fast.refresh(c, now);
    for (int step = 0; step < 40; ++step) {
      now = now + Duration(rng.uniform_int(0, seconds(2).ns()));
      const TimePoint deadline =
          c.read(now).mono + Duration(rng.uniform_int(-seconds(1).ns(), seconds(10).ns()));
      ExpectSame(fast, c, now, deadline);
      ExpectSame(fast, c, now, TimePoint::max());  // "never"
      switch (rng.below(4)) {
        case 0:
          c.step_wall(Duration(rng.uniform_int(-seconds(1).ns(), seconds(1).ns())));
          fast.refresh(c, now);
          break;
        case 1:
          c.set_drift(now, rng.below(2) ? 0 : rng.uniform_int(-500'000, 500'000));
          fast.refresh(c, now);
          break;
        default:
          break;
      }
    }
  }
}

}  // namespace
}  // namespace linear_clock_test
}  // namespace leasesim
