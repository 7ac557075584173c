#include "leasesim/core/distributions.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "leasesim/core/detmath.hpp"

namespace leasesim {
namespace distributions_test {
namespace {

// ---- Golden sequences ------------------------------------------------------
// These pin the exact values every run draws. A change here changes every
// scenario's trace hash and must be deliberate.

TEST(Distributions, UniformGolden) {
  Rng rng(7);
  EXPECT_EQ(7'305'189, uniform_duration(rng, milliseconds(1), milliseconds(10)).ns());
  EXPECT_EQ(3'508'761, uniform_duration(rng, milliseconds(1), milliseconds(10)).ns());
  EXPECT_EQ(8'556'647, uniform_duration(rng, milliseconds(1), milliseconds(10)).ns());
}

TEST(Distributions, BernoulliGolden) {
  Rng rng(7);
  std::string bits;
  for (int i = 0; i < 16; ++i) bits += bernoulli(rng, 0.3) ? '1' : '0';
  EXPECT_EQ("0100001101000000", bits);
}

TEST(Distributions, ExponentialGolden) {
  Rng rng(7);
  EXPECT_EQ(6'029'481, exponential_duration(rng, milliseconds(5)).ns());
  EXPECT_EQ(1'633'856, exponential_duration(rng, milliseconds(5)).ns());
  EXPECT_EQ(9'151'279, exponential_duration(rng, milliseconds(5)).ns());
  // Cross-check the first value against the formula evaluated with libm:
  // the two may differ by a rounding step, not more.
  Rng again(7);
  const double u = again.unit();
  EXPECT_NEAR(6'029'481.0, -5e6 * std::log(1.0 - u), 1.0);
}

TEST(Distributions, StandardNormalGolden) {
  Rng rng(7);
  EXPECT_EQ(0x1.edc0d635eea0bp-1, standard_normal(rng));
  EXPECT_EQ(-0x1.3739755916c21p-2, standard_normal(rng));
  EXPECT_EQ(0x1.381c0324118c3p-2, standard_normal(rng));
}

TEST(Distributions, LognormalGolden) {
  Rng rng(7);
  EXPECT_EQ(32'392'056, lognormal_duration(rng, milliseconds(20), 0.5).ns());
  EXPECT_EQ(17'180'366, lognormal_duration(rng, milliseconds(20), 0.5).ns());
  EXPECT_EQ(23'292'454, lognormal_duration(rng, milliseconds(20), 0.5).ns());
  // Same draws as standard_normal: exp(ln(median) + sigma * z).
  Rng again(7);
  const double z = standard_normal(again);
  EXPECT_NEAR(32'392'056.0, 2e7 * std::exp(0.5 * z), 2.0);
}

// ---- Draw accounting -------------------------------------------------------

// True if `a` and `b` are at the same position of the same stream.
bool same_position(Rng a, Rng b) {
  return a.next_u64() == b.next_u64();
}

TEST(Distributions, DrawCounts) {
  Rng rng(1);
  Rng ref(1);
  EXPECT_FALSE(bernoulli(rng, 0.0));
  EXPECT_FALSE(bernoulli(rng, -1.0));
  EXPECT_TRUE(bernoulli(rng, 1.0));
  EXPECT_TRUE(bernoulli(rng, 2.0));
  EXPECT_EQ(Duration(0), exponential_duration(rng, Duration(0)));
  EXPECT_EQ(milliseconds(3), lognormal_duration(rng, milliseconds(3), 0.0));
  EXPECT_TRUE(same_position(rng, ref)) << "certain outcomes must consume no draw";

  bernoulli(rng, 0.5);
  ref.next_u64();
  EXPECT_TRUE(same_position(rng, ref)) << "bernoulli consumes one draw";
  exponential_duration(rng, milliseconds(1));
  ref.next_u64();
  EXPECT_TRUE(same_position(rng, ref)) << "exponential consumes one draw";
  uniform_duration(rng, Duration(0), Duration(1000));
  ref.next_u64();
  EXPECT_TRUE(same_position(rng, ref)) << "uniform consumes one draw (no rejection here)";
  EXPECT_EQ(Duration(5), uniform_duration(rng, Duration(5), Duration(5)));
}

// ---- Moments ---------------------------------------------------------------

constexpr int kDraws = 200'000;

TEST(Distributions, UniformMoments) {
  Rng rng(101);
  double sum = 0;
  double sum_sq = 0;
  for (int i = 0; i < kDraws; ++i) {
    const Duration d = uniform_duration(rng, Duration(0), Duration(1000));
    ASSERT_GE(d.ns(), 0);
    ASSERT_LE(d.ns(), 1000);
    sum += static_cast<double>(d.ns());
    sum_sq += static_cast<double>(d.ns()) * static_cast<double>(d.ns());
  }
  const double mean = sum / kDraws;
  const double var = sum_sq / kDraws - mean * mean;
  EXPECT_NEAR(500.0, mean, 3.0);                      // standard error ~0.65
  EXPECT_NEAR((1001.0 * 1001.0 - 1) / 12, var, 835);  // 1%
}

TEST(Distributions, ExponentialMean) {
  Rng rng(102);
  double sum = 0;
  for (int i = 0; i < kDraws; ++i) {
    const Duration d = exponential_duration(rng, milliseconds(1));
    ASSERT_GE(d.ns(), 0);
    sum += static_cast<double>(d.ns());
  }
  EXPECT_NEAR(1e6, sum / kDraws, 1e4);  // 1%; standard error 0.22%
}

TEST(Distributions, BernoulliFrequency) {
  Rng rng(103);
  int hits = 0;
  for (int i = 0; i < kDraws; ++i) hits += bernoulli(rng, 0.3);
  EXPECT_NEAR(0.3, static_cast<double>(hits) / kDraws, 0.005);  // standard error 0.001
}

TEST(Distributions, StandardNormalMoments) {
  Rng rng(104);
  double sum = 0;
  double sum_sq = 0;
  int within_one = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double z = standard_normal(rng);
    sum += z;
    sum_sq += z * z;
    within_one += std::fabs(z) < 1.0;
  }
  const double mean = sum / kDraws;
  EXPECT_NEAR(0.0, mean, 0.01);
  EXPECT_NEAR(1.0, sum_sq / kDraws - mean * mean, 0.015);
  EXPECT_NEAR(0.6827, static_cast<double>(within_one) / kDraws, 0.005);
}

TEST(Distributions, LognormalMedian) {
  Rng rng(105);
  std::vector<int64_t> v;
  v.reserve(kDraws);
  for (int i = 0; i < kDraws; ++i) {
    v.push_back(lognormal_duration(rng, milliseconds(20), 0.5).ns());
    ASSERT_GT(v.back(), 0);
  }
  std::nth_element(v.begin(), v.begin() + kDraws / 2, v.end());
  EXPECT_NEAR(2e7, static_cast<double>(v[kDraws / 2]), 2e5);  // 1%
}

TEST(Distributions, LognormalClampsHugeValues) {
  Rng rng(106);
  for (int i = 0; i < 1000; ++i) {
    const Duration d = lognormal_duration(rng, seconds(1'000'000'000), 30.0);
    ASSERT_GE(d.ns(), 0);
    ASSERT_LE(d.ns(), int64_t{1} << 62);
  }
}

// ---- Deterministic math ----------------------------------------------------

// Distance in units in the last place, via the ordered integer image of the
// doubles (which also handles results of opposite sign near zero).
int64_t ordered(double d) {
  int64_t i;
  std::memcpy(&i, &d, sizeof i);
  return i < 0 ? std::numeric_limits<int64_t>::min() - i : i;
}
int64_t ulp_distance(double a, double b) {
  const int64_t d = ordered(a) - ordered(b);
  return d < 0 ? -d : d;
}

TEST(DetMath, LogSpecialCases) {
  EXPECT_EQ(0.0, detmath::log(1.0));
  EXPECT_FALSE(std::signbit(detmath::log(1.0)));
  EXPECT_LE(ulp_distance(std::log(2.0), detmath::log(2.0)), 1);
  EXPECT_LE(ulp_distance(std::log(std::numeric_limits<double>::max()),
                         detmath::log(std::numeric_limits<double>::max())),
            1);
  EXPECT_LE(ulp_distance(std::log(std::numeric_limits<double>::denorm_min()),
                         detmath::log(std::numeric_limits<double>::denorm_min())),
            1);
}

TEST(DetMath, LogMatchesLibmWithin4Ulp) {
  int64_t worst = 0;
  double worst_x = 0;
  auto check = [&](double x) {
    const int64_t d = ulp_distance(std::log(x), detmath::log(x));
    if (d > worst) {
      worst = d;
      worst_x = x;
    }
  };
  // Geometric sweep over 1e-300 .. 1e300.
  const double step = std::pow(10.0, 600.0 / 400'000);
  for (double x = 1e-300; x <= 1e300; x *= step) check(x);
  // Near 1, where the result is tiny and relative accuracy is hardest.
  for (int k = -20000; k <= 20000; ++k) check(1.0 + k * 0x1.0p-30);
  for (int k = 1; k <= 1000; ++k) check(1.0 + k * 0x1.0p-52);
  // Subnormals, and random finite positive doubles.
  for (double x = std::numeric_limits<double>::denorm_min(); x < 1e-300; x *= 3.7) check(x);
  Rng rng(9);
  for (int i = 0; i < 200'000; ++i) {
    const uint64_t bits = rng.next_u64() % 0x7FF0000000000000ULL;
    double x;
    std::memcpy(&x, &bits, sizeof x);
    if (x > 0) check(x);
  }
  EXPECT_LE(worst, 4) << "worst at x=" << worst_x;
}

TEST(DetMath, ExpSpecialCases) {
  EXPECT_EQ(1.0, detmath::exp(0.0));
  EXPECT_EQ(1.0, detmath::exp(-0.0));
  EXPECT_EQ(HUGE_VAL, detmath::exp(710.0));
  EXPECT_EQ(HUGE_VAL, detmath::exp(HUGE_VAL));
  EXPECT_EQ(0.0, detmath::exp(-746.0));
  EXPECT_EQ(0.0, detmath::exp(-HUGE_VAL));
  EXPECT_TRUE(std::isnan(detmath::exp(std::nan(""))));
  EXPECT_TRUE(std::isfinite(detmath::exp(709.78)));
  EXPECT_GT(detmath::exp(-745.0), 0.0);  // subnormal, not flushed
}

TEST(DetMath, ExpMatchesLibmWithin4Ulp) {
  int64_t worst = 0;
  double worst_x = 0;
  auto check = [&](double x) {
    const int64_t d = ulp_distance(std::exp(x), detmath::exp(x));
    if (d > worst) {
      worst = d;
      worst_x = x;
    }
  };
  for (int i = -1'000'000; i <= 1'000'000; ++i) check(i * 0.0007);  // -700 .. 700
  for (int i = -10000; i <= 10000; ++i) check(i * 0x1.0p-40);
  for (double x = 0x1.0p-1074; x < 1e-3; x *= 5.3) {
    check(x);
    check(-x);
  }
  Rng rng(10);
  for (int i = 0; i < 200'000; ++i) check(-708.0 + 1417.0 * rng.unit());
  EXPECT_LE(worst, 4) << "worst at x=" << worst_x;
}

TEST(DetMath, Sqrt) {
  EXPECT_EQ(3.0, detmath::sqrt(9.0));
  EXPECT_EQ(std::sqrt(2.0), detmath::sqrt(2.0));
}

TEST(DetMathDeathTest, LogOfNonPositiveAsserts) {
  EXPECT_DEATH(detmath::log(0.0), "must be positive");
  EXPECT_DEATH(detmath::log(-1.0), "must be positive");
}

}  // namespace
}  // namespace distributions_test
}  // namespace leasesim
