// A session-lease lock held by its own session under a lease the client
// never learned (found by a review). alice's Granted is lost, her retry is
// refused by a leader that is not ready yet, and her next Acquire, a new
// request, is refused as held, by her own session. The refusal now names
// the lease and the client hands it back; before, her live session held the
// lock for the rest of the run and nobody held it (availability 0%). The
// losses that do this depend on the seed: tests/world/session-lost-grant.json
// pins seed 25, where they happen.
#include <gtest/gtest.h>

#include <string>

#include "leasesim/scenario/loader.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim {
namespace session_lost_grant_test {
namespace {

TEST(SessionLostGrant, TheLockIsHandedBackAndHeldAgain) {
  LoadResult lr =
      load_scenario_file(std::string(LEASESIM_SOURCE_DIR) + "/tests/world/session-lost-grant.json");
  ASSERT_TRUE(lr.ok()) << lr.errors[0].format();
  const RunResult r = World(*lr.scenario, RunOptions{}).run();
  EXPECT_EQ(r.failures, 0u);
  EXPECT_GT(r.metrics.availability, 0.5);
  EXPECT_GE(r.metrics.grants, 3u);
}

}  // namespace
}  // namespace session_lost_grant_test
}  // namespace leasesim
