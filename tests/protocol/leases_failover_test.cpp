// The leader's lease logic as pure state-machine tests: a new leader
// refreshes the leases in its log by its failover policy.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "leases_fixture.hpp"
#include "leasesim/protocols/raft_lease/lease_server.hpp"

namespace leasesim {
namespace leases_failover_test {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
using testing::L;
using testing::R;
namespace {

using testing::BaseServerConfig;
using testing::ClientMsg;
using testing::Cluster;
using testing::Out;
using namespace testing::leases;  // NOLINT: the fixture of these tests
using testing::leases::Config;    // not raft_lease::Config (in a unity build, module.hpp may be in)

// --- new leader refresh ------------------------------------------------

struct Failover {
  Cluster c;
  LeaseId lease = kNoLease;
  TimePoint granted_wall;
  Out ready;  // the new leader's election step

  // A single-server core grants a 5s lease, crashes `down` later, restarts
  // and is elected again with the lease in its log.
  explicit Failover(const LeaseOptions& o, Duration down = seconds(1),
                    Duration restart_wall_skew = Duration::zero())
      : c(1, Config(1, o)) {
    MakeReady(c);
    // Under wait-max-ttl even the first leader of a fresh core waits.
    if (o.failover == FailoverPolicy::kWaitMaxTtl) c.advance(c.config(0).max_ttl);
    granted_wall = c.clock(0).wall;
    lease = L(Granted(c.client(Acquire(kA, 1, 1)))).lease;
    c.advance(down);
    c.set_wall_skew(0, restart_wall_skew);
    c.start(0);
    c.records.clear();
    ready = c.fire(0, LeaseServer::kElectionTimer);
  }
  Record refreshed() const {
    const auto r = ready.recs(obs::kLeaseRefreshed);
    EXPECT_EQ(r.size(), 1u);
    return r.empty() ? Record{} : r[0];
  }
};

TEST(LeaseFailover, ExtendTtlRefreshesToNowPlusTtl) {
  LeaseOptions o;
  o.failover = FailoverPolicy::kExtendTtl;
  Failover f(o);
  ASSERT_TRUE(f.c.server(0).ready());
  EXPECT_EQ(f.c.server(0).term(), 2u);
  const Record r = f.refreshed();
  EXPECT_EQ(decode_as<obs::LeaseRefreshed>(r).resource, 1u);
  EXPECT_EQ(decode_as<obs::LeaseRefreshed>(r).lease, f.lease);
  EXPECT_EQ(decode_as<obs::LeaseRefreshed>(r).expiry, Mono(f.c) + seconds(5));
  // Refreshed after the new leader is ready, and the expiry is armed.
  ASSERT_EQ(f.ready.count_records(obs::kLeaderReady), 1u);
  const auto timers = f.ready.timers_of(LeaseServer::kExpiryTimer);
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_EQ(timers[0].deadline, Mono(f.c) + seconds(5));
  EXPECT_EQ(f.c.server(0).table().slot(1).lease, f.lease);
}

TEST(LeaseFailover, EtcdRefreshAddsTheElectionTimeout) {
  LeaseOptions o;
  o.failover = FailoverPolicy::kExtendTtlPlusElection;
  Failover f(o);
  EXPECT_EQ(decode_as<obs::LeaseRefreshed>(f.refreshed()).expiry,
            Mono(f.c) + seconds(5) + milliseconds(300));
}

TEST(LeaseFailover, TrustLogKeepsTheLoggedWallExpiry) {
  LeaseOptions o;
  o.failover = FailoverPolicy::kTrustLog;
  // The restarted server's wall clock runs 2s ahead of the one that wrote
  // the grant: it believes the lease has 2s less to live.
  Failover f(o, seconds(1), seconds(2));
  const TimePoint logged = f.granted_wall + seconds(5);
  ASSERT_EQ(f.c.server(0).table().slot(1).wall_expiry, logged);
  const LocalClocks now = f.c.clock(0);
  const TimePoint expect = now.mono + (logged - now.wall);
  EXPECT_EQ(decode_as<obs::LeaseRefreshed>(f.refreshed()).expiry, expect);
  EXPECT_LT(expect, now.mono + seconds(5));
  EXPECT_EQ(expect, TimePoint((f.granted_wall.ns())) + seconds(3));  // mono = true time here
}

TEST(LeaseFailover, TrustLogOnTheWallClockUsesTheLoggedExpiryAsIs) {
  LeaseOptions o;
  o.failover = FailoverPolicy::kTrustLog;
  o.leader_clock = ClockKind::kWall;
  Failover f(o, seconds(1), seconds(2));
  EXPECT_EQ(decode_as<obs::LeaseRefreshed>(f.refreshed()).expiry, f.granted_wall + seconds(5));
}

TEST(LeaseFailover, TrustLogExpiresALeaseTheSkewedClockSaysIsOver) {
  LeaseOptions o;
  o.failover = FailoverPolicy::kTrustLog;
  Failover f(o, seconds(1), seconds(10));
  EXPECT_EQ(f.ready.count_records(obs::kLeaseRefreshed), 1u);
  ASSERT_EQ(f.ready.count_records(obs::kLeaseFreed), 1u);
  EXPECT_EQ(decode_as<obs::LeaseFreed>(f.ready.recs(obs::kLeaseFreed)[0]).reason,
            FreeReason::kExpired);
  EXPECT_EQ(f.c.server(0).table().slot(1).lease, kNoLease);
}

TEST(LeaseFailover, WaitMaxTtlRefusesGrantsUntilMaxTtlPassed) {
  LeaseOptions o;
  o.failover = FailoverPolicy::kWaitMaxTtl;
  Failover f(o);
  EXPECT_EQ(decode_as<obs::LeaseRefreshed>(f.refreshed()).expiry, Mono(f.c) + seconds(5));
  const Out refused = f.c.client(Acquire(kB, 2, 1));
  ASSERT_EQ(refused.count(MsgType::kDenied), 1u);
  // `blocked`, not `not_ready`: the leader is ready, the resource held back.
  EXPECT_EQ(L(refused.sent(MsgType::kDenied)[0]).error, ErrorCode::kBlocked);
  // Renewals of known leases are served meanwhile.
  EXPECT_EQ(f.c.client(Renew(kA, 1, f.lease, 2)).count(MsgType::kRenewed), 1u);
  f.c.advance(seconds(10) - nanoseconds(1));
  EXPECT_EQ(L(f.c.client(Acquire(kB, 2, 2)).sent(MsgType::kDenied)[0]).error, ErrorCode::kBlocked);
  f.c.advance(nanoseconds(1));
  const Out ok = f.c.client(Acquire(kB, 2, 3));
  ASSERT_EQ(ok.count(MsgType::kGranted), 1u);
}

TEST(LeaseFailover, WaitMaxTtlAlsoBlocksTheFirstLeaderOfAFreshCore) {
  LeaseOptions o;
  o.failover = FailoverPolicy::kWaitMaxTtl;
  Cluster c(1, Config(1, o));
  MakeReady(c);
  EXPECT_EQ(L(c.client(Acquire(kA, 0, 1)).sent(MsgType::kDenied)[0]).error, ErrorCode::kBlocked);
  c.advance(seconds(10));
  EXPECT_EQ(c.client(Acquire(kA, 0, 2)).count(MsgType::kGranted), 1u);
}

TEST(LeaseFailover, OtherPoliciesGrantAtOnce) {
  Failover f(LeaseOptions{});
  EXPECT_EQ(f.c.client(Acquire(kB, 2, 1)).count(MsgType::kGranted), 1u);
}

TEST(LeaseFailover, NewLeaderInThreeServersRefreshesTheOldLeadersLease) {
  Cluster c(3, Config(3));
  MakeReady(c);
  const LeaseId lease = CommittedLease(c);
  c.isolate(0);
  c.advance(seconds(1));
  c.records.clear();
  c.elect(1);
  ASSERT_EQ(c.server(1).role(), Role::kLeader);
  ASSERT_TRUE(c.server(1).ready());
  const auto r = c.recs(obs::kLeaseRefreshed, 1);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(decode_as<obs::LeaseRefreshed>(r[0]).lease, lease);
  EXPECT_EQ(decode_as<obs::LeaseRefreshed>(r[0]).expiry, Mono(c, 1) + seconds(5));
  // The holder's retried acquire is answered from the table.
  const Out dup = c.client(Acquire(kA, 1, 1, seconds(5), 1));
  ASSERT_EQ(dup.count(MsgType::kGranted), 1u);
  EXPECT_EQ(L(dup.sent(MsgType::kGranted)[0]).lease, lease);
  // Others are refused while it lives.
  EXPECT_EQ(L(c.client(Acquire(kB, 1, 1, seconds(5), 1)).sent(MsgType::kDenied)[0]).error,
            ErrorCode::kHeld);
}

TEST(LeaseFailover, SteppingDownForgetsLeaderLeaseState) {
  Cluster c(3, Config(3));
  MakeReady(c);
  c.client(Acquire(kA, 1, 1));
  c.deliver_all();
  Message higher;
  higher = testing::RaftMessage(MsgType::kVoteReply, 1, 0);
  R(higher).term = 9;
  c.inject(higher);
  ASSERT_EQ(c.server(0).role(), Role::kFollower);
  // The old leadership's expiry timer does nothing.
  const LogIndex last = c.server(0).log().last_index();
  const Out o = c.fire(0, LeaseServer::kExpiryTimer);
  EXPECT_TRUE(o.records.empty());
  EXPECT_EQ(c.server(0).log().last_index(), last);
  // And requests are redirected (no leader known).
  EXPECT_EQ(L(c.client(Acquire(kB, 2, 1)).sent(MsgType::kRedirect)[0]).leader_hint, kInvalidNode);
}

}  // namespace
}  // namespace leases_failover_test
}  // namespace leasesim
