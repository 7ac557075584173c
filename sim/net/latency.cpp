#include "leasesim/net/latency.hpp"

#include "leasesim/core/assert.hpp"
#include "leasesim/core/distributions.hpp"

namespace leasesim {

Duration LatencyModel::sample_shaped(Rng& rng) const {
  switch (kind) {
    case Kind::kConstant:
    case Kind::kUniform:
      return sample(rng);
    case Kind::kExponential:
      // The floor models the fixed propagation delay; only the queueing part
      // above it is random, so the mean is floor + a.
      return floor + exponential_duration(rng, a);
    case Kind::kLognormal:
      return floor + lognormal_duration(rng, a, sigma);
  }
  LEASESIM_UNREACHABLE("bad LatencyModel::Kind");
}

const char* to_string(LatencyModel::Kind k) {
  switch (k) {
    case LatencyModel::Kind::kConstant:
      return "constant";
    case LatencyModel::Kind::kUniform:
      return "uniform";
    case LatencyModel::Kind::kExponential:
      return "exponential";
    case LatencyModel::Kind::kLognormal:
      return "lognormal";
  }
  LEASESIM_UNREACHABLE("bad LatencyModel::Kind");
}

}  // namespace leasesim
