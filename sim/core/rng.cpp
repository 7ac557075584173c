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

uint64_t Rng::below_slow(uint64_t bound, uint128_t m) {
  const uint64_t t = (uint64_t{0} - bound) % bound;
  while (static_cast<uint64_t>(m) < t) m = static_cast<uint128_t>(next_u64()) * bound;
  return static_cast<uint64_t>(m >> 64);
}

}  // namespace leasesim
