// Message latency distributions.
#pragma once

#include <cstdint>

#include "leasesim/core/distributions.hpp"
#include "leasesim/core/rng.hpp"
#include "leasesim/core/time.hpp"

namespace leasesim {

struct LatencyModel {
  enum class Kind : uint8_t {
    kConstant,     // always `a`
    kUniform,      // uniform in [a, b]
    kExponential,  // floor + Exp(mean a)
    kLognormal,    // floor + exp(N(ln a, sigma)): a is the median of the random part
  };
  Kind kind = Kind::kConstant;
  Duration a = Duration::zero();
  Duration b = Duration::zero();
  Duration floor = Duration::zero();
  double sigma = 0.0;

  static LatencyModel constant(Duration d) { return {Kind::kConstant, d, d, Duration::zero(), 0}; }
  static LatencyModel uniform(Duration lo, Duration hi) {
    return {Kind::kUniform, lo, hi, Duration::zero(), 0};
  }
  static LatencyModel exponential(Duration mean, Duration floor) {
    return {Kind::kExponential, mean, Duration::zero(), floor, 0};
  }
  static LatencyModel lognormal(Duration median, double sigma, Duration floor) {
    return {Kind::kLognormal, median, Duration::zero(), floor, sigma};
  }

  // Draws one latency (>= 0). Constant draws nothing; the others draw from
  // rng as their distribution function documents. The two cheap kinds are
  // inline: one draw per message is the network's hot path.
  Duration sample(Rng& rng) const {
    if (kind == Kind::kUniform) return uniform_duration(rng, a, b);
    if (kind == Kind::kConstant) return a;
    return sample_shaped(rng);
  }

 private:
  Duration sample_shaped(Rng& rng) const;  // exponential and lognormal
};

const char* to_string(LatencyModel::Kind k);

}  // namespace leasesim
