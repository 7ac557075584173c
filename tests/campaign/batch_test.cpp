// BatchRunner: many runs on a pool of threads, delivered in order.
#include "leasesim/campaign/batch.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "../world/test_scenarios.hpp"

namespace leasesim {
namespace {

TEST(BatchRunner, ResultsArriveInOrderAndDoNotDependOnThreads) {
  auto make = [](size_t i) { return testing::basic_scenario(3, 2, 1, "seed", 100 + i); };
  std::vector<uint64_t> one, two;
  BatchRunner r1(1), r2(2);
  r1.run(12, make, RunOptions{}, [&](size_t i, RunResult&& r) {
    EXPECT_EQ(i, one.size());
    one.push_back(r.trace_hash);
    return true;
  });
  r2.run(12, make, RunOptions{}, [&](size_t i, RunResult&& r) {
    EXPECT_EQ(i, two.size());
    two.push_back(r.trace_hash);
    return true;
  });
  EXPECT_EQ(one, two);
  EXPECT_EQ(one.size(), 12u);
}

TEST(BatchRunner, StoppingDeliversAPrefix) {
  auto make = [](size_t i) { return testing::basic_scenario(3, 1, 1, "seed", i); };
  BatchRunner r(2);
  size_t seen = 0;
  const size_t n = r.run(50, make, RunOptions{}, [&](size_t i, RunResult&&) {
    EXPECT_EQ(i, seen);
    ++seen;
    return i < 4;
  });
  EXPECT_EQ(n, 5u);
  EXPECT_EQ(seen, 5u);
}

}  // namespace
}  // namespace leasesim
