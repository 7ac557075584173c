#include "leasesim/core/detmath.hpp"

#include <cfloat>
#include <cmath>

#include "leasesim/core/assert.hpp"

// Both functions follow the structure of fdlibm's e_log.c and e_exp.c
// (argument reduction by powers of two, a short series on a small interval)
// but use plain Taylor coefficients, evaluated with Horner's rule, instead
// of fdlibm's minimax polynomials: the coefficients are then obviously
// right, and the few extra terms cost nothing measurable.
//
// Every operation is an IEEE-754 +, -, *, / or an exact power-of-two
// scaling (frexp/ldexp), and the build disables FMA contraction, so the
// results are bit-identical on every conforming platform.

namespace leasesim::detmath {
namespace {

// ln 2 split so that k * kLn2Hi is exact for |k| < 2^20 (the low 21 bits of
// kLn2Hi's significand are zero); kLn2Lo holds the rest. fdlibm's values.
constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 0x3FE62E42FEE00000
constexpr double kLn2Lo = 1.90821492927058770002e-10;  // 0x3DEA39EF35793C76
constexpr double kInvLn2 = 1.44269504088896338700e+00;
constexpr double kSqrtHalf = 0x1.6a09e667f3bcdp-1;
// exp(x) overflows above kExpMax and is below half the smallest subnormal
// below kExpMin.
constexpr double kExpMax = 7.09782712893383973096e+02;
constexpr double kExpMin = -7.45133219101941108420e+02;

}  // namespace

double log(double x) {
  LEASESIM_ASSERT(x > 0 && x <= DBL_MAX, "detmath::log: argument must be positive and finite");
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)), so f = m - 1 lies in
  // [-0.293, 0.415) and is computed exactly (Sterbenz). frexp also
  // normalises subnormals.
  int e = 0;
  double m = std::frexp(x, &e);  // m in [0.5, 1)
  if (m < kSqrtHalf) {
    m *= 2;
    --e;
  }
  const double f = m - 1.0;
  // log(1+f) = 2 atanh(s) = 2s + 2s^3/3 + 2s^5/5 + ... with s = f/(2+f),
  // |s| <= 0.1716. Rewritten as f - (hfsq - s*(hfsq + R)), R = 2s^2/3 +
  // 2s^4/5 + ..., so the large part f enters exactly and rounding errors
  // only touch the small correction. Terms to s^23 (z^11): the next one is
  // below 2^-60 relative.
  const double s = f / (2.0 + f);
  const double z = s * s;
  double r = 2.0 / 23.0;
  r = r * z + 2.0 / 21.0;
  r = r * z + 2.0 / 19.0;
  r = r * z + 2.0 / 17.0;
  r = r * z + 2.0 / 15.0;
  r = r * z + 2.0 / 13.0;
  r = r * z + 2.0 / 11.0;
  r = r * z + 2.0 / 9.0;
  r = r * z + 2.0 / 7.0;
  r = r * z + 2.0 / 5.0;
  r = r * z + 2.0 / 3.0;
  r = r * z;
  const double hfsq = 0.5 * f * f;
  if (e == 0) return f - (hfsq - s * (hfsq + r));
  const double dk = e;
  return dk * kLn2Hi - ((hfsq - (s * (hfsq + r) + dk * kLn2Lo)) - f);
}

double exp(double x) {
  if (x != x) return x;  // NaN
  if (x > kExpMax) return HUGE_VAL;
  if (x < kExpMin) return 0.0;
  // x = k ln2 + r with |r| <= ln2/2. k is x/ln2 rounded half away from
  // zero by truncating x/ln2 +- 0.5, which involves no rounding-mode
  // dependent library call.
  const double t = x * kInvLn2;
  const int k = static_cast<int>(t < 0 ? t - 0.5 : t + 0.5);
  const double dk = k;
  // k * kLn2Hi is exact and x - k*kLn2Hi nearly cancels, so hi carries no
  // rounding error; the tail kLn2Lo restores the rest of ln 2.
  const double hi = x - dk * kLn2Hi;
  const double r = hi - dk * kLn2Lo;
  // e^r - 1 by its Taylor series to r^13: |r|^14/14! < 2^-58.
  double p = 1.0 / 6227020800.0;  // 1/13!
  p = p * r + 1.0 / 479001600.0;  // 1/12!
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r;
  // Adding the 1 last keeps the small terms' precision until the end.
  return std::ldexp(1.0 + p, k);
}

double sqrt(double x) {
  return std::sqrt(x);
}

}  // namespace leasesim::detmath
