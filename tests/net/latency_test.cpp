#include "leasesim/net/latency.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "leasesim/core/rng.hpp"
#include "leasesim/core/time.hpp"

namespace leasesim {
namespace latency_test {
namespace {

constexpr int kSamples = 100'000;

std::vector<int64_t> Draw(const LatencyModel& m, uint64_t seed, int n = kSamples) {
  Rng rng(seed);
  std::vector<int64_t> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) out.push_back(m.sample(rng).ns());
  return out;
}

double Mean(const std::vector<int64_t>& v) {
  // Sum in integers: the samples are below 2^40, so 1e5 of them fit.
  int64_t sum = 0;
  for (const int64_t x : v) sum += x;
  return static_cast<double>(sum) / static_cast<double>(v.size());
}

int64_t Median(std::vector<int64_t> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

TEST(LatencyModel, ConstantIsExactAndDrawsNothing) {
  const LatencyModel m = LatencyModel::constant(milliseconds(7));
  Rng rng(1);
  Rng untouched(1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(m.sample(rng), milliseconds(7));
  // The network's golden traces rely on constant latency not consuming draws.
  EXPECT_EQ(rng.next_u64(), untouched.next_u64());
}

TEST(LatencyModel, UniformStaysWithinBoundsAndHitsBoth) {
  const std::vector<int64_t> small = Draw(LatencyModel::uniform(nanoseconds(5), nanoseconds(8)), 2);
  const std::set<int64_t> seen(small.begin(), small.end());
  EXPECT_EQ(seen, (std::set<int64_t>{5, 6, 7, 8}));

  const std::vector<int64_t> wide =
      Draw(LatencyModel::uniform(milliseconds(1), milliseconds(3)), 3);
  for (const int64_t x : wide) {
    ASSERT_GE(x, milliseconds(1).ns());
    ASSERT_LE(x, milliseconds(3).ns());
  }
  EXPECT_NEAR(Mean(wide), 2e6, 2e6 * 0.01);
}

TEST(LatencyModel, UniformDegenerateRangeIsConstant) {
  Rng rng(4);
  const LatencyModel m = LatencyModel::uniform(microseconds(250), microseconds(250));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(m.sample(rng), microseconds(250));
}

TEST(LatencyModel, ExponentialIsAboveFloorWithMeanFloorPlusMean) {
  const std::vector<int64_t> v =
      Draw(LatencyModel::exponential(milliseconds(2), milliseconds(1)), 5);
  for (const int64_t x : v) ASSERT_GE(x, milliseconds(1).ns());
  EXPECT_NEAR(Mean(v), 3e6, 3e6 * 0.01);
  // The random part is memoryless, not a narrow band: a fair share of
  // samples lies beyond floor + 2 * mean (e^-2 = 13.5%).
  const auto beyond =
      std::count_if(v.begin(), v.end(), [](int64_t x) { return x > milliseconds(5).ns(); });
  EXPECT_NEAR(static_cast<double>(beyond) / kSamples, 0.1353, 0.01);
}

TEST(LatencyModel, LognormalIsAboveFloorWithMedianFloorPlusMedian) {
  const std::vector<int64_t> v =
      Draw(LatencyModel::lognormal(milliseconds(5), 0.5, milliseconds(1)), 6);
  for (const int64_t x : v) ASSERT_GE(x, milliseconds(1).ns());
  EXPECT_NEAR(static_cast<double>(Median(v)), 6e6, 6e6 * 0.01);
  // Right-skewed: the mean exceeds the median (by exp(sigma^2/2) on the
  // random part: 5ms * 1.1331 + 1ms = 6.666ms).
  EXPECT_NEAR(Mean(v), 6.666e6, 6.666e6 * 0.02);
}

TEST(LatencyModel, KindNames) {
  EXPECT_EQ(std::string(to_string(LatencyModel::Kind::kConstant)), "constant");
  EXPECT_EQ(std::string(to_string(LatencyModel::Kind::kUniform)), "uniform");
  EXPECT_EQ(std::string(to_string(LatencyModel::Kind::kExponential)), "exponential");
  EXPECT_EQ(std::string(to_string(LatencyModel::Kind::kLognormal)), "lognormal");
}

}  // namespace
}  // namespace latency_test
}  // namespace leasesim
