// Our own pseudo-random numbers: identical sequences on every platform,
// compiler and standard library.
//
// Every random choice in a run comes from a stream derived from the one
// scenario seed and a stable component name ("net", "node/n1", "faults"):
//   Rng::for_stream(seed, "node/alice")
// so adding a requestor does not change what the network draws, and a
// component's draws never depend on the order components were created in.
//
// The generator is xoshiro256** seeded through splitmix64 (Blackman and
// Vigna). Distributions live in distributions.hpp and use only integer
// arithmetic or the deterministic math in detmath.hpp, never <random>.
#pragma once

#include <cstdint>
#include <string_view>

#include "leasesim/core/assert.hpp"
#include "leasesim/core/int128.hpp"

namespace leasesim {

// splitmix64: a tiny generator used to expand one 64-bit seed into a full
// xoshiro state and to mix names into seeds.
class SplitMix64 {
 public:
  explicit constexpr SplitMix64(uint64_t seed) : state_(seed) {}
  constexpr uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

// 64-bit FNV-1a of a name: stable across platforms, used only to derive
// stream seeds (not for anything adversarial).
constexpr uint64_t fnv1a64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

class Rng {
 public:
  // A generator whose whole state comes from `seed` via splitmix64.
  explicit Rng(uint64_t seed);

  // The stream for component `name` under scenario seed `seed`.
  static Rng for_stream(uint64_t seed, std::string_view name);

  // Next raw 64 bits (xoshiro256**).
  uint64_t next_u64() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform integer in [0, bound) without modulo bias (Lemire's method with
  // rejection). Precondition: bound > 0. Inline: the network draws one per
  // message, and the common path is a multiply and a compare.
  uint64_t below(uint64_t bound) {
    LEASESIM_ASSERT(bound > 0, "Rng::below(0)");
    // Lemire, "Fast Random Integer Generation in an Interval" (2019): the
    // high word of x * bound is uniform once the low words that would give
    // some results one extra preimage are rejected. The rejection threshold
    // (2^64 - bound) mod bound needs a division only on the rare path.
    const uint128_t m = static_cast<uint128_t>(next_u64()) * bound;
    if (static_cast<uint64_t>(m) < bound) [[unlikely]]
      return below_slow(bound, m);
    return static_cast<uint64_t>(m >> 64);
  }

  // Uniform integer in [lo, hi], inclusive. Precondition: lo <= hi.
  int64_t uniform_int(int64_t lo, int64_t hi) {
    LEASESIM_ASSERT(lo <= hi, "Rng::uniform_int: lo > hi");
    // Width computed in unsigned arithmetic: hi - lo overflows int64 for
    // wide ranges. A width of 2^64 wraps to 0 and means "any 64-bit value".
    const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
    const uint64_t offset = span == 0 ? next_u64() : below(span);
    // Modular conversion back to int64 (well defined since C++20).
    return static_cast<int64_t>(static_cast<uint64_t>(lo) + offset);
  }

  // Uniform double in [0, 1) with 53 random bits.
  double unit() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

 private:
  static constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  // below()'s rejection loop, given the first product m (whose low word is
  // below `bound`).
  uint64_t below_slow(uint64_t bound, uint128_t m);
  uint64_t s_[4];
};

}  // namespace leasesim
