// kth_largest: the quorum value behind Raft's commit index and a
// leadership's majority contact, checked against a full sort.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "leasesim/core/rng.hpp"
#include "leasesim/raft/config.hpp"
#include "leasesim/raft/quorum.hpp"

namespace leasesim::raft {
namespace quorum_test {
namespace {

TEST(Quorum, KthLargestMatchesASortForEverySizeAndRank) {
  Rng rng(20261205);
  for (int round = 0; round < 200; ++round) {
    for (size_t n = 1; n <= kMaxServers; ++n) {
      // Few distinct values, so ties (followers at the same index) are common.
      std::vector<uint64_t> values(n);
      for (uint64_t& v : values) v = rng.below(round % 2 == 0 ? 4 : 1000);
      std::vector<uint64_t> sorted = values;
      std::sort(sorted.begin(), sorted.end(), std::greater<uint64_t>());
      for (size_t k = 1; k <= n; ++k) {
        std::vector<uint64_t> scratch = values;
        EXPECT_EQ(kth_largest(scratch.data(), n, k), sorted[k - 1])
            << "n=" << n << " k=" << k << " round=" << round;
      }
    }
  }
}

TEST(QuorumDeathTest, RankOutOfRangeAsserts) {
  uint64_t values[3] = {1, 2, 3};
  EXPECT_DEATH(kth_largest(values, 3, 0), "k out of range");
  EXPECT_DEATH(kth_largest(values, 3, 4), "k out of range");
}

}  // namespace
}  // namespace quorum_test
}  // namespace leasesim::raft
