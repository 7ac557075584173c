#include "leasesim/core/rng.hpp"

#include "leasesim/core/assert.hpp"
#include "leasesim/core/int128.hpp"

namespace leasesim {

Rng::Rng(uint64_t seed) {
  // Expanding the seed through splitmix64 (as the xoshiro authors
  // recommend) makes nearby seeds such as 1 and 2 give unrelated streams.
  SplitMix64 sm(seed);
  for (uint64_t& word : s_) word = sm.next();
  // xoshiro's one forbidden state is all zeros. splitmix64 is a bijection
  // of consecutive distinct states, so at most one of four outputs can be
  // zero; the guard only documents the invariant.
  if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
}

Rng Rng::for_stream(uint64_t seed, std::string_view name) {
  // Mix the name into the seed first and pass the result through one
  // splitmix64 step, so that streams of one seed with similar names (and
  // the same name under similar seeds) start from unrelated states.
  return Rng(SplitMix64(seed ^ fnv1a64(name)).next());
}

uint64_t Rng::below(uint64_t bound) {
  LEASESIM_ASSERT(bound > 0, "Rng::below(0)");
  // Lemire, "Fast Random Integer Generation in an Interval" (2019): the
  // high word of x * bound is uniform once the low words that would give
  // some results one extra preimage are rejected. The rejection threshold
  // (2^64 - bound) mod bound needs a division only on the rare path.
  using u128 = uint128_t;
  uint64_t x = next_u64();
  u128 m = static_cast<u128>(x) * bound;
  uint64_t l = static_cast<uint64_t>(m);
  if (l < bound) {
    const uint64_t t = (uint64_t{0} - bound) % bound;
    while (l < t) {
      x = next_u64();
      m = static_cast<u128>(x) * bound;
      l = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

int64_t Rng::uniform_int(int64_t lo, int64_t hi) {
  LEASESIM_ASSERT(lo <= hi, "Rng::uniform_int: lo > hi");
  // Width computed in unsigned arithmetic: hi - lo overflows int64 for
  // wide ranges. A width of 2^64 wraps to 0 and means "any 64-bit value".
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
  const uint64_t offset = span == 0 ? next_u64() : below(span);
  // Modular conversion back to int64 (well defined since C++20).
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + offset);
}

}  // namespace leasesim
