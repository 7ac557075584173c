// A stale write under a reused lease number (found by a checker audit).
// Under grant_reply=immediate a leader cut off from the majority answers
// grants that never commit, numbering each lease by its log index; the next
// leader logs another requestor's grant at the same index, so both leases
// are number 3 and their fencing tokens tie. The first holder's delayed
// writes land during the second's tenure and storage accepts them. The
// checker required the other belief to carry "another lease" and missed
// them. Whether the numbers meet depends on the election, so the scenario
// (tests/world/lease-id-reuse.json) pins seed 4, where they do.
#include <gtest/gtest.h>

#include <string>

#include "leasesim/scenario/loader.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim {
namespace lease_id_reuse_test {
namespace {

TEST(LeaseIdReuse, WritesUnderAReusedNumberAreStale) {
  LoadResult lr =
      load_scenario_file(std::string(LEASESIM_SOURCE_DIR) + "/tests/world/lease-id-reuse.json");
  ASSERT_TRUE(lr.ok()) << lr.errors[0].format();
  const RunResult r = World(*lr.scenario, RunOptions{}).run();
  size_t stale = 0;
  for (const Violation& v : r.violations) {
    if (v.kind != ViolationKind::kStaleWrite) continue;
    ++stale;
    // a's lease 3 writes, made stale by b's lease 3 belief.
    EXPECT_EQ(v.first_lease, 3u);
    EXPECT_EQ(v.second_lease, 3u);
    EXPECT_NE(v.first, v.second);
  }
  EXPECT_EQ(stale, 5u);
  EXPECT_EQ(r.metrics.stale_writes, 5u);
}

}  // namespace
}  // namespace lease_id_reuse_test
}  // namespace leasesim
