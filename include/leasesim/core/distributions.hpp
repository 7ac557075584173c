// Random distributions over our own Rng. Each function documents exactly
// how many raw draws it consumes where that is fixed, because golden tests
// pin the sequences: changing a distribution's algorithm changes every
// run's trace hash and must be done on purpose.
#pragma once

#include <cstdint>

#include "leasesim/core/rng.hpp"
#include "leasesim/core/time.hpp"

namespace leasesim {

// Uniform duration in [lo, hi], inclusive, nanosecond resolution.
// Precondition: lo <= hi. One call to uniform_int: one raw draw, more only
// on Lemire's rare rejection path. (Inline, as the next one: the network
// draws both for every message.)
inline Duration uniform_duration(Rng& rng, Duration lo, Duration hi) {
  return Duration(rng.uniform_int(lo.ns(), hi.ns()));
}

// True with probability p (p <= 0: never, consumes no draw; p >= 1: always,
// consumes no draw; otherwise one draw). The certain cases consume nothing,
// so a scenario that sets a loss probability to 0 draws exactly as if the
// fault did not exist.
inline bool bernoulli(Rng& rng, double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return rng.unit() < p;
}

// Exponentially distributed duration with the given mean, rounded to the
// nearest nanosecond. Precondition: mean >= 0.
Duration exponential_duration(Rng& rng, Duration mean);

// Standard normal deviate (Marsaglia's polar method; pairs are not cached,
// so each call is independent of the previous one).
double standard_normal(Rng& rng);

// Lognormal duration: exp(N(mu, sigma)) where mu = ln(median in ns).
// Precondition: median > 0, sigma >= 0.
Duration lognormal_duration(Rng& rng, Duration median, double sigma);

}  // namespace leasesim
