// A node's local clocks as a function of true time.
//
//   mono(t) = mono(a) + floor((t - a) * (1e9 + drift_ppb) / 1e9)
//   wall(t) = mono(t) + wall_delta
//
// where a is the true time of the last drift change (the anchor). Both
// clocks run on the same oscillator, so drift moves both; a step moves only
// the wall clock (wall_delta), never the monotonic one. At true time 0,
// mono = 0 and wall = the configured initial offset.
//
// Drift is stored in parts per billion (1 ppm = 1000 ppb) as an integer,
// and all arithmetic is integer (128-bit intermediates), so conversions are
// exact and identical everywhere.
//
// Timers: true_time_when(kind, deadline, now) gives the earliest true time
// at which the clock `kind` reads >= deadline, assuming no further change.
// When drift changes or the wall clock steps, the host re-targets pending
// timers with this function:
//   - a monotonic timer moves only when drift changes;
//   - a wall timer also moves on a step: stepping forward past its
//     deadline makes it fire at once (or, with timer jitter, its jitter
//     later: the host keeps each timer's lateness); stepping backward
//     delays it.
//
// Invariants: drift_ppb is within +-kMaxDriftPpb, so the clock always runs
// forward; the monotonic reading never decreases.
#pragma once

#include <cstdint>

#include "leasesim/core/time.hpp"

namespace leasesim {

class NodeClock {
 public:
  // 10% either way: far beyond any real oscillator; a bound that keeps the
  // arithmetic trivially safe.
  static constexpr int64_t kMaxDriftPpb = 100'000'000;

  NodeClock() = default;
  NodeClock(Duration initial_wall_offset, int64_t drift_ppb);

  TimePoint mono(TimePoint true_now) const;
  TimePoint wall(TimePoint true_now) const { return mono(true_now) + wall_delta_; }
  LocalClocks read(TimePoint true_now) const {
    const TimePoint m = mono(true_now);
    return LocalClocks{m + wall_delta_, m};
  }

  // Earliest true time >= true_now at which clock `kind` reads >= deadline;
  // TimePoint::max() for a deadline of TimePoint::max() ("never") or one the
  // clock reaches only past the last representable instant.
  TimePoint true_time_when(ClockKind kind, TimePoint deadline, TimePoint true_now) const;

  // Changes the drift from true_now on. Precondition: |ppb| <= kMaxDriftPpb.
  void set_drift(TimePoint true_now, int64_t drift_ppb);
  // Steps the wall clock by delta (negative: backward).
  void step_wall(Duration delta) {
    wall_delta_ += delta;
    ++epoch_;
  }

  int64_t drift_ppb() const { return drift_ppb_; }
  // Current offset of the wall clock from true time.
  Duration wall_offset(TimePoint true_now) const { return wall(true_now) - true_now; }
  // Number of changes so far; hosts use it to notice a clock changed.
  uint64_t epoch() const { return epoch_; }

 private:
  TimePoint anchor_true_ = TimePoint::origin();
  TimePoint anchor_mono_ = TimePoint::origin();
  Duration wall_delta_ = Duration::zero();
  int64_t drift_ppb_ = 0;
  uint64_t epoch_ = 0;
};

}  // namespace leasesim
