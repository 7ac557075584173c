// The fast path of a NodeClock while its drift is zero. Then the clock is a
// fixed shift of true time from its last change on:
//
//   mono(t) = t + mono_offset        wall(t) = mono(t) + wall_offset
//
// so reading it, and finding when it reaches a timer's deadline, are two
// additions: no 128-bit arithmetic and no look at the NodeClock, which a
// host keeps elsewhere. A host keeps one LinearClock per node next to what
// every event for the node reads, calls refresh() after every change of
// the NodeClock (a step, a drift change, and once at the start), and asks
// the NodeClock itself while linear() is false:
//
//   c.linear() ? c.read(now) : node_clock.read(now)
//
// Exact: while linear(), read() and true_time_when() return what the
// NodeClock's own functions return (tests/clock/linear_clock_test.cpp).
//
// Layout: 17 bytes of data, so a host can pack its own small fields into
// the tail padding ([[no_unique_address]]; world's NodeHot does).
#pragma once

#include <algorithm>
#include <cstdint>

#include "leasesim/clock/node_clock.hpp"
#include "leasesim/core/time.hpp"

namespace leasesim {

class LinearClock {
 public:
  // Recomputes the shift of `c` at true time `now`.
  void refresh(const NodeClock& c, TimePoint now) {
    linear_ = c.drift_ppb() == 0;
    if (!linear_) return;
    const TimePoint mono = c.mono(now);
    mono_offset_ = (mono - now).ns();
    wall_offset_ = (c.wall(now) - mono).ns();
  }
  // The NodeClock had no drift at the last refresh(): the functions below
  // are exact. Otherwise they must not be called.
  bool linear() const { return linear_; }

  // NodeClock::read(now).
  LocalClocks read(TimePoint now) const {
    const int64_t mono = now.ns() + mono_offset_;
    return LocalClocks{TimePoint(mono + wall_offset_), TimePoint(mono)};
  }
  // NodeClock::true_time_when: the earliest true time >= now at which
  // clock `kind` reads >= deadline (a timer's due time).
  // TimePoint::max() is "never", and a deadline near it saturates there as
  // NodeClock's does rather than wrap (a subtraction that overflows upward
  // is past the end of time, downward long gone). Per timer, so int64 with
  // overflow checks rather than 128-bit arithmetic.
  TimePoint true_time_when(ClockKind kind, TimePoint deadline, TimePoint now) const {
    if (deadline == TimePoint::max()) return TimePoint::max();
    int64_t t = deadline.ns();
    if (kind == ClockKind::kWall && __builtin_sub_overflow(t, wall_offset_, &t))
      return wall_offset_ < 0 ? TimePoint::max() : now;
    if (__builtin_sub_overflow(t, mono_offset_, &t))
      return mono_offset_ < 0 ? TimePoint::max() : now;
    return std::max(now, TimePoint(t));
  }

 private:
  int64_t mono_offset_ = 0;
  int64_t wall_offset_ = 0;
  bool linear_ = false;
};

}  // namespace leasesim
