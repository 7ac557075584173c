// The observers' dispatch and the role view: every record kind with an id
// out of range stops the run (an assertion, not a silent skip), and the
// role view follows leaders and holders as the world's role-targeted
// faults need them.
#include "leasesim/check/observers.hpp"

#include <gtest/gtest.h>

#include "checker_fixture.hpp"

namespace leasesim {
namespace observers_test {
namespace {

using testing::At;
using testing::History;
using testing::kAlice;
using testing::kBob;
using testing::kDb;
using testing::kN1;
using testing::kN2;
using testing::kN3;
using testing::kNodes;

constexpr ResourceId kBadResource = 2;  // History() has two resources
constexpr NodeId kBadNode = kNodes;

TEST(ObserversDeathTest, EveryRecordAboutAnUnknownResourceIsAnAssertionFailure) {
  const char* const kWhy = "unknown resource";
  EXPECT_DEATH(History().record(seconds(1), kAlice, obs::Want{kBadResource}), kWhy);
  EXPECT_DEATH(History().begin(seconds(1), kAlice, kBadResource, 1, seconds(5)), kWhy);
  EXPECT_DEATH(History().extend(seconds(1), kAlice, kBadResource, 1, seconds(5)), kWhy);
  EXPECT_DEATH(History().end(seconds(1), kAlice, kBadResource, 1), kWhy);
  EXPECT_DEATH(History().granted(seconds(1), kN1, kBadResource, 1, kAlice), kWhy);
  EXPECT_DEATH(History().record(seconds(1), kN1,
                                obs::LeaseRenewed{kBadResource, 1, At(seconds(5)), seconds(5), 0}),
               kWhy);
  EXPECT_DEATH(
      History().record(seconds(1), kN1, obs::LeaseRefreshed{kBadResource, 1, At(seconds(5))}),
      kWhy);
  EXPECT_DEATH(History().freed(seconds(1), kN1, kBadResource, 1), kWhy);
  EXPECT_DEATH(History().record(seconds(1), kAlice, obs::WorkCheck{kBadResource, 1, 1}), kWhy);
  EXPECT_DEATH(History().write_accepted(seconds(1), kBadResource, 1, kAlice, 1), kWhy);
  EXPECT_DEATH(History().write_rejected(seconds(1), kBadResource, 1, kAlice, 1, 2), kWhy);
}

TEST(ObserversDeathTest, EveryRecordFromOrNamingAnUnknownNodeIsAnAssertionFailure) {
  const char* const kWhy = "unknown node";
  EXPECT_DEATH(History().record(seconds(1), kBadNode, obs::Want{kDb}), kWhy);
  EXPECT_DEATH(History().begin(seconds(1), kBadNode, kDb, 1, seconds(5)), kWhy);
  EXPECT_DEATH(History().record(seconds(1), kBadNode, obs::WriteSent{kDb, 1, 1, 1}), kWhy);
  EXPECT_DEATH(History().write_accepted(seconds(1), kDb, 1, kBadNode, 1), kWhy);
  EXPECT_DEATH(History().crash(seconds(1), kBadNode), kWhy);
}

TEST(RoleView, TheLeaderIsTheLatestInTheHighestTermUntilItStepsDownOrCrashes) {
  RoleView v(2);
  EXPECT_EQ(v.leader(), kInvalidNode);
  v.on_role(kN1, obs::RoleChanged{Role::kLeader, 2});
  EXPECT_EQ(v.leader(), kN1);
  EXPECT_EQ(v.leader_term(), 2u);
  // n2 wins term 1 late (its vote replies were delayed): n1 still leads.
  v.on_role(kN2, obs::RoleChanged{Role::kLeader, 1});
  EXPECT_EQ(v.leader(), kN1);
  // Another node stepping down changes nothing; the leader stepping down does.
  v.on_role(kN2, obs::RoleChanged{Role::kFollower, 2});
  EXPECT_EQ(v.leader(), kN1);
  v.on_role(kN1, obs::RoleChanged{Role::kCandidate, 3});
  EXPECT_EQ(v.leader(), kInvalidNode);
  EXPECT_EQ(v.leader_term(), 2u);  // a later leader must still reach term 2
  v.on_role(kN3, obs::RoleChanged{Role::kLeader, 3});
  EXPECT_EQ(v.leader(), kN3);
  v.on_crash(kN3);
  EXPECT_EQ(v.leader(), kInvalidNode);
}

TEST(RoleView, TheHolderIsTheLatestBelieverUntilItStopsOrCrashes) {
  RoleView v(2);
  v.on_belief_begin(kAlice, kDb);
  v.on_belief_begin(kBob, kDb);  // an overlap: the latest believer is the holder
  EXPECT_EQ(v.holder(kDb), kBob);
  v.on_belief_end(kAlice, kDb);  // not the holder: no change
  EXPECT_EQ(v.holder(kDb), kBob);
  v.on_belief_end(kBob, kDb);
  EXPECT_EQ(v.holder(kDb), kInvalidNode);
  v.on_belief_begin(kAlice, kDb);
  v.on_belief_begin(kAlice, 1);
  v.on_crash(kAlice);
  EXPECT_EQ(v.holder(kDb), kInvalidNode);
  EXPECT_EQ(v.holder(1), kInvalidNode);
}

// The metrics observer reads the role view: only the leader's crash
// starts a failover, and it ends at the next leader_ready.
TEST(Observers, FailoverRunsFromTheLeadersCrashToTheNextLeaderReady) {
  History h;
  h.leader(seconds(1), kN1, 1);
  h.ready(seconds(1), kN1, 1);
  h.crash(seconds(2), kN2);  // a follower: no failover
  h.crash(seconds(3), kN1);
  h.leader(seconds(4), kN3, 2);
  h.ready(seconds(5), kN3, 2);
  h.finish(seconds(10));
  const Metrics m = h.metrics();
  EXPECT_EQ(m.leader_crashes, 1u);
  EXPECT_EQ(m.elections, 2u);
  ASSERT_EQ(m.failover.count, 1u);
  EXPECT_EQ(m.failover.max, seconds(2));
  EXPECT_EQ(h.observers().roles().leader(), kN3);
}

}  // namespace
}  // namespace observers_test
}  // namespace leasesim
