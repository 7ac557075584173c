#include "leasesim/clock/node_clock.hpp"

#include "leasesim/core/assert.hpp"
#include "leasesim/core/int128.hpp"

namespace leasesim {
namespace {

// __extension__ keeps -Wpedantic quiet about the GCC/Clang 128-bit type,
// which is the only portable-enough way to get exact 128-bit products.
using Int128 = int128_t;

// One second in nanoseconds: drift is parts per billion, so a clock with
// drift p advances (kBillion + p) local ns per kBillion true ns.
constexpr Int128 kBillion = 1'000'000'000;

bool drift_in_range(int64_t ppb) {
  return ppb >= -NodeClock::kMaxDriftPpb && ppb <= NodeClock::kMaxDriftPpb;
}

}  // namespace

NodeClock::NodeClock(Duration initial_wall_offset, int64_t drift_ppb)
    : wall_delta_(initial_wall_offset), drift_ppb_(drift_ppb) {
  LEASESIM_ASSERT(drift_in_range(drift_ppb), "clock drift beyond kMaxDriftPpb");
}

TimePoint NodeClock::mono(TimePoint true_now) const {
  // Only the segment since the last drift change has a single rate; times
  // before the anchor belong to an earlier segment whose rate is gone.
  LEASESIM_ASSERT(true_now >= anchor_true_, "clock read before its last drift change");
  // 128 bits: elapsed (< 2^62) times the rate (< 2^31) does not fit in 64.
  // Both factors are non-negative, so truncating division is floor.
  // A perfect oscillator (the common case) needs no 128-bit division.
  if (drift_ppb_ == 0) return anchor_mono_ + (true_now - anchor_true_);
  const Int128 elapsed = (true_now - anchor_true_).ns();
  const Int128 local = elapsed * (kBillion + drift_ppb_) / kBillion;
  return anchor_mono_ + Duration(static_cast<int64_t>(local));
}

TimePoint NodeClock::true_time_when(ClockKind kind, TimePoint deadline, TimePoint true_now) const {
  // The wall clock is the monotonic clock shifted by wall_delta_, so a wall
  // deadline is a monotonic deadline shifted back by the same amount. This
  // is what makes steps re-target wall timers and leave monotonic ones.
  // TimePoint::max() is "never" on every clock; in 128 bits, a deadline near
  // it must not wrap into an instant that comes either.
  if (deadline == TimePoint::max()) return TimePoint::max();
  const Int128 mono_deadline =
      Int128(deadline.ns()) - (kind == ClockKind::kWall ? Int128(wall_delta_.ns()) : Int128(0));
  if (Int128(mono(true_now).ns()) >= mono_deadline) return true_now;
  // mono(t) >= D  <=>  floor(x * r / 1e9) >= d  <=>  x * r / 1e9 >= d (d is
  // an integer)  <=>  x >= ceil(d * 1e9 / r), with x = t - anchor_true,
  // d = D - anchor_mono and r = 1e9 + ppb > 0. So the ceiling is the exact
  // earliest instant, not an approximation that a later +-1 would fix.
  // d > 0 here: mono(true_now) >= anchor_mono_ and it is still below D.
  const Int128 d = mono_deadline - anchor_mono_.ns();
  const Int128 rate = kBillion + drift_ppb_;
  const Int128 x = drift_ppb_ == 0 ? d : (d * kBillion + rate - 1) / rate;
  const Int128 t = Int128(anchor_true_.ns()) + x;
  // Beyond the last representable instant: the clock never gets there.
  if (t >= Int128(TimePoint::max().ns())) return TimePoint::max();
  return t > true_now.ns() ? TimePoint(static_cast<int64_t>(t)) : true_now;
}

void NodeClock::set_drift(TimePoint true_now, int64_t drift_ppb) {
  LEASESIM_ASSERT(drift_in_range(drift_ppb), "clock drift beyond kMaxDriftPpb");
  // Re-anchor at the current reading so the new rate applies only from now
  // on: the clock changes speed without jumping.
  anchor_mono_ = mono(true_now);
  anchor_true_ = true_now;
  drift_ppb_ = drift_ppb;
  ++epoch_;
}

}  // namespace leasesim
