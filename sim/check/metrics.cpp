#include "leasesim/check/metrics.hpp"

#include <algorithm>

#include "leasesim/core/int128.hpp"

namespace leasesim {

Distribution Distribution::of(std::vector<int64_t> samples) {
  Distribution d;
  if (samples.empty()) return d;
  std::sort(samples.begin(), samples.end());
  const size_t n = samples.size();
  // Nearest-rank percentile: the smallest value with at least p% of the
  // sample at or below it.
  auto rank = [&](size_t pct) {
    size_t k = (pct * n + 99) / 100;
    if (k == 0) k = 1;
    return Duration(samples[k - 1]);
  };
  int128_t sum = 0;
  for (int64_t v : samples) sum += v;
  d.count = n;
  d.min = Duration(samples.front());
  d.max = Duration(samples.back());
  d.p50 = rank(50);
  d.p90 = rank(90);
  d.p99 = rank(99);
  d.mean = Duration(static_cast<int64_t>(sum / static_cast<int128_t>(n)));
  return d;
}

double ResourceMetrics::availability() const {
  const Duration total = held + wanted_free;
  if (total <= Duration::zero()) return 1.0;
  return static_cast<double>(held.ns()) / static_cast<double>(total.ns());
}

}  // namespace leasesim
