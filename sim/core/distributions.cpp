#include "leasesim/core/distributions.hpp"

#include <cstdint>

#include "leasesim/core/assert.hpp"
#include "leasesim/core/detmath.hpp"

namespace leasesim {
namespace {

// Drawn durations are clamped here: far beyond any scenario limit, yet sums
// of a few of them still cannot overflow int64 nanoseconds.
constexpr double kMaxDrawnNs = 0x1.0p62;

// Rounds a non-negative double number of nanoseconds to the nearest
// nanosecond (halves away from zero) and clamps it to [0, 2^62]. Adding 0.5
// and truncating is exact enough here and needs no library rounding call.
Duration round_ns(double ns) {
  if (!(ns > 0)) return Duration(0);
  if (ns >= kMaxDrawnNs) return Duration(int64_t{1} << 62);
  return Duration(static_cast<int64_t>(ns + 0.5));
}

}  // namespace

Duration exponential_duration(Rng& rng, Duration mean) {
  LEASESIM_ASSERT(mean.ns() >= 0, "exponential_duration: negative mean");
  if (mean.ns() == 0) return Duration(0);
  // Inversion with exactly one draw. unit() is a multiple of 2^-53 in
  // [0, 1), so 1 - u is exact and in (0, 1]: the log is always defined.
  const double u = rng.unit();
  const double v = -static_cast<double>(mean.ns()) * detmath::log(1.0 - u);
  return round_ns(v);
}

double standard_normal(Rng& rng) {
  // Marsaglia's polar method: two draws per attempt, accepted with
  // probability pi/4. Only one of the pair is used so that every call
  // depends on the generator alone, not on a hidden cached value.
  for (;;) {
    const double u = 2.0 * rng.unit() - 1.0;
    const double v = 2.0 * rng.unit() - 1.0;
    const double s = u * u + v * v;
    if (s > 0 && s < 1) return u * detmath::sqrt(-2.0 * detmath::log(s) / s);
  }
}

Duration lognormal_duration(Rng& rng, Duration median, double sigma) {
  LEASESIM_ASSERT(median.ns() > 0, "lognormal_duration: median must be positive");
  LEASESIM_ASSERT(sigma >= 0, "lognormal_duration: negative sigma");
  // sigma == 0 is a fixed latency; consuming no draw keeps such a scenario's
  // other streams identical to a constant-latency configuration.
  if (sigma == 0) return median;
  const double mu = detmath::log(static_cast<double>(median.ns()));
  return round_ns(detmath::exp(mu + sigma * standard_normal(rng)));
}

}  // namespace leasesim
