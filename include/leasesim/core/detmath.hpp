// Deterministic elementary functions.
//
// libm's log/exp may differ in the last bit between C libraries and
// versions, and a single differing bit in a drawn latency changes a whole
// run. These use only IEEE-754 +, -, *, / and exact scaling (frexp/ldexp),
// which every conforming platform computes identically (the build turns off
// floating-point contraction so no FMA changes rounding). Accuracy is a few
// ulp, far more than a nanosecond-resolution simulator needs.
#pragma once

namespace leasesim::detmath {

// Natural logarithm. Precondition: x > 0 and finite.
double log(double x);

// e^x. Saturates to 0 below -745 and to +inf above 709.
double exp(double x);

// Square root (IEEE-754 requires it to be correctly rounded, so the standard
// one is already deterministic); here for completeness of the set.
double sqrt(double x);

}  // namespace leasesim::detmath
