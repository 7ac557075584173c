// The leader's lease logic as pure state-machine tests: renewal (logged
// and in memory, late and refused) and expiry.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "leases_fixture.hpp"
#include "leasesim/protocols/raft_lease/lease_server.hpp"

namespace leasesim {
namespace leases_renew_test {

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

// --- renew -------------------------------------------------------------

TEST(Leases, LoggedRenewalIsAnsweredAfterCommit) {
  Cluster c(3, Config(3));
  MakeReady(c);
  const LeaseId lease = CommittedLease(c);
  c.advance(seconds(2));
  const Out o = c.client(Renew(kA, 1, lease, 2));
  EXPECT_EQ(o.count(MsgType::kRenewed), 0u);
  ASSERT_EQ(c.server(0).log().last_index(), 3u);
  const LogEntry& e = c.server(0).log().at(3);
  EXPECT_EQ(type_of(e), EntryType::kRenew);
  EXPECT_EQ(command_of(e).lease, lease);
  EXPECT_EQ(command_of(e).ttl, seconds(5));
  EXPECT_EQ(command_of(e).wall_expiry, c.clock(0).wall + seconds(5));
  c.advance(milliseconds(3));
  const TimePoint commit_time = Mono(c);
  c.deliver_all();
  const auto r = c.client_msgs(MsgType::kRenewed);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].to, kA);
  EXPECT_EQ(L(r[0]).lease, lease);
  EXPECT_EQ(L(r[0]).ttl, seconds(5));
  EXPECT_EQ(L(r[0]).request_id, 2u);
  const auto rec = c.recs(obs::kLeaseRenewed);
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_EQ(decode_as<obs::LeaseRenewed>(rec[0]).resource, 1u);
  EXPECT_EQ(decode_as<obs::LeaseRenewed>(rec[0]).lease, lease);
  EXPECT_EQ(decode_as<obs::LeaseRenewed>(rec[0]).expiry,
            commit_time + seconds(5));  // from the commit
  EXPECT_EQ(decode_as<obs::LeaseRenewed>(rec[0]).ttl, seconds(5));
}

TEST(Leases, MemoryRenewalIsAnsweredAtOnce) {
  LeaseOptions opt;
  opt.renewals = RenewalPath::kMemory;
  Cluster c(3, Config(3, opt));
  MakeReady(c);
  const LeaseId lease = CommittedLease(c);
  const LogIndex last = c.server(0).log().last_index();
  c.advance(seconds(2));
  const Out o = c.client(Renew(kA, 1, lease, 2));
  const auto r = o.sent(MsgType::kRenewed);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(L(r[0]).lease, lease);
  EXPECT_EQ(L(r[0]).request_id, 2u);
  EXPECT_EQ(o.count(MsgType::kAppendEntries), 0u);
  EXPECT_EQ(c.server(0).log().last_index(), last);
  ASSERT_EQ(o.count_records(obs::kLeaseRenewed), 1u);
  EXPECT_EQ(decode_as<obs::LeaseRenewed>(o.recs(obs::kLeaseRenewed)[0]).expiry,
            Mono(c) + seconds(5));
  // The new expiry is armed.
  const auto timers = o.timers_of(LeaseServer::kExpiryTimer);
  EXPECT_TRUE(timers.empty() || timers.back().deadline == Mono(c) + seconds(5));
}

TEST(Leases, RenewOfSomeoneElsesLeaseIsRefused) {
  Cluster c(1, Config(1));
  MakeReady(c);
  const LeaseId lease = L(Granted(c.client(Acquire(kA, 1, 1)))).lease;
  const Out not_holder = c.client(Renew(kB, 1, lease, 2));
  ASSERT_EQ(not_holder.count(MsgType::kDenied), 1u);
  EXPECT_EQ(L(not_holder.sent(MsgType::kDenied)[0]).error, ErrorCode::kNotHolder);
  EXPECT_EQ(L(not_holder.sent(MsgType::kDenied)[0]).holder, kA);
  const Out unknown = c.client(Renew(kA, 1, lease + 10, 3));
  ASSERT_EQ(unknown.count(MsgType::kDenied), 1u);
  EXPECT_EQ(L(unknown.sent(MsgType::kDenied)[0]).error, ErrorCode::kUnknownLease);
  EXPECT_EQ(L(unknown.sent(MsgType::kDenied)[0]).lease, lease + 10);
  const Out free = c.client(Renew(kA, 2, lease, 4));
  EXPECT_EQ(L(free.sent(MsgType::kDenied)[0]).error, ErrorCode::kUnknownLease);
  EXPECT_EQ(c.server(0).table().slot(1).lease, lease);
}

TEST(Leases, ResourceKeyedRenewMatchesAnyHolder) {
  LeaseOptions opt;
  opt.keying = LeaseKeying::kResource;
  Cluster c(1, Config(1, opt));
  MakeReady(c);
  c.client(Acquire(kA, 1, 1));
  const Out o = c.client(Renew(kB, 1, kNoLease, 2));
  ASSERT_EQ(o.count(MsgType::kRenewed), 1u);
  EXPECT_EQ(o.sent(MsgType::kRenewed)[0].to, kB);
  EXPECT_EQ(command_of(c.server(0).log().at(3)).lease, kNoLease);  // logged by resource
}

TEST(Leases, LateRenewIsDeniedAndTheLeaseExpires) {
  Cluster c(1, Config(1));
  MakeReady(c);
  const LeaseId lease = L(Granted(c.client(Acquire(kA, 1, 1)))).lease;
  c.advance(seconds(5));  // exactly the leader's expiry
  const Out o = c.client(Renew(kA, 1, lease, 2));
  const auto d = o.sent(MsgType::kDenied);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(L(d[0]).error, ErrorCode::kExpired);
  EXPECT_EQ(L(d[0]).lease, lease);
  EXPECT_EQ(L(d[0]).request_id, 2u);
  EXPECT_EQ(o.count(MsgType::kRenewed), 0u);
  const LogEntry& e = c.server(0).log().at(c.server(0).log().last_index());
  EXPECT_EQ(type_of(e), EntryType::kExpire);
  EXPECT_EQ(command_of(e).resource, 1u);
  EXPECT_EQ(command_of(e).lease, lease);
  ASSERT_EQ(o.count_records(obs::kLeaseFreed), 1u);
  EXPECT_EQ(decode_as<obs::LeaseFreed>(o.recs(obs::kLeaseFreed)[0]).lease, lease);
  EXPECT_EQ(decode_as<obs::LeaseFreed>(o.recs(obs::kLeaseFreed)[0]).reason, FreeReason::kExpired);
  EXPECT_EQ(c.server(0).table().slot(1).lease, kNoLease);
}

TEST(Leases, LateRenewInThreeServersDeniesAtOnceAndFreesAfterCommit) {
  Cluster c(3, Config(3));
  MakeReady(c);
  const LeaseId lease = CommittedLease(c);
  c.advance(seconds(6));
  const Out o = c.client(Renew(kA, 1, lease, 2));
  ASSERT_EQ(o.count(MsgType::kDenied), 1u);
  EXPECT_EQ(o.count_records(obs::kLeaseFreed), 0u);
  EXPECT_EQ(type_of(c.server(0).log().at(3)), EntryType::kExpire);
  // While the expiry is in flight nothing new is granted and renewals fail.
  EXPECT_EQ(L(c.client(Acquire(kB, 1, 1)).sent(MsgType::kDenied)[0]).error, ErrorCode::kHeld);
  EXPECT_EQ(L(c.client(Renew(kA, 1, lease, 3)).sent(MsgType::kDenied)[0]).error,
            ErrorCode::kExpired);
  EXPECT_EQ(c.server(0).log().last_index(), 3u);  // one expiry only
  c.deliver_all();
  EXPECT_EQ(c.recs(obs::kLeaseFreed).size(), 1u);
}

TEST(Leases, RenewalArrivingLateWhileAnEarlierOneIsInFlightDoesNotExpireTheLease) {
  // A renewal accepted before expiry is being replicated when a second one
  // arrives after the old expiry. The leader must not log an EXPIRE behind
  // the first renewal: the first renewal's commit sends RENEWED, and an
  // EXPIRE right behind it would free a lease the holder was just told it
  // keeps for another ttl.
  Cluster c(3, Config(3));
  MakeReady(c);
  const LeaseId lease = CommittedLease(c);
  c.advance(seconds(4));
  c.client(Renew(kA, 1, lease, 2));  // accepted, not yet replicated
  c.advance(seconds(2));
  // The expiry timer respects the renewal in flight.
  const Out timer = c.fire_now(0, LeaseServer::kExpiryTimer);
  EXPECT_EQ(c.server(0).log().last_index(), 3u);
  EXPECT_EQ(timer.count_records(obs::kLeaseFreed), 0u);
  const Out late = c.client(Renew(kA, 1, lease, 3));
  EXPECT_EQ(late.count(MsgType::kDenied), 0u);
  c.deliver_all();
  for (LogIndex i = 2; i <= c.server(0).log().last_index(); ++i)
    EXPECT_NE(type_of(c.server(0).log().at(i)), EntryType::kExpire) << i;
  EXPECT_TRUE(c.recs(obs::kLeaseFreed).empty());
  const auto renewed = c.client_msgs(MsgType::kRenewed);
  ASSERT_EQ(renewed.size(), 2u);
  EXPECT_EQ(L(renewed[0]).request_id, 2u);
  EXPECT_EQ(L(renewed[1]).request_id, 3u);
  EXPECT_EQ(c.server(0).table().slot(1).lease, lease);
}

// --- expiry ------------------------------------------------------------

TEST(Leases, ExpiryTimerExpiresTheLeaseAndTheNextGrantHasAHigherToken) {
  Cluster c(1, Config(1));
  MakeReady(c);
  const Message g1 = Granted(c.client(Acquire(kA, 1, 1)));
  const TimePoint granted_at = Mono(c);
  const Out o = c.fire(0, LeaseServer::kExpiryTimer);
  EXPECT_EQ(Mono(c), granted_at + seconds(5));
  const LogEntry& e = c.server(0).log().at(c.server(0).log().last_index());
  EXPECT_EQ(type_of(e), EntryType::kExpire);
  EXPECT_EQ(command_of(e).lease, L(g1).lease);
  ASSERT_EQ(o.count_records(obs::kLeaseFreed), 1u);
  const Record f = o.recs(obs::kLeaseFreed)[0];
  EXPECT_EQ(decode_as<obs::LeaseFreed>(f).resource, 1u);
  EXPECT_EQ(decode_as<obs::LeaseFreed>(f).lease, L(g1).lease);
  EXPECT_EQ(decode_as<obs::LeaseFreed>(f).reason, FreeReason::kExpired);
  // The expiry reached no requestor: holders learn from their own clocks.
  EXPECT_TRUE(o.msgs.empty());
  const Message g2 = Granted(c.client(Acquire(kB, 1, 1)));
  EXPECT_EQ(g2.to, kB);
  EXPECT_GT(L(g2).token, L(g1).token);
  EXPECT_GT(L(g2).lease, L(g1).lease);
}

TEST(Leases, ExpiryTimerAfterAMemoryRenewalReArms) {
  LeaseOptions opt;
  opt.renewals = RenewalPath::kMemory;
  Cluster c(1, Config(1, opt));
  MakeReady(c);
  const LeaseId lease = L(Granted(c.client(Acquire(kA, 1, 1)))).lease;
  c.advance(seconds(3));
  c.client(Renew(kA, 1, lease, 2));
  const TimePoint new_expiry = Mono(c) + seconds(5);
  const Out early = c.fire(0, LeaseServer::kExpiryTimer);  // the original deadline
  EXPECT_EQ(early.count_records(obs::kLeaseFreed), 0u);
  const auto rearm = early.timers_of(LeaseServer::kExpiryTimer);
  ASSERT_EQ(rearm.size(), 1u);
  EXPECT_EQ(rearm[0].deadline, new_expiry);
  const Out due = c.fire(0, LeaseServer::kExpiryTimer);
  EXPECT_EQ(due.count_records(obs::kLeaseFreed), 1u);
  EXPECT_EQ(c.server(0).table().slot(1).lease, kNoLease);
}

TEST(Leases, StaleExpiryTimerOfAnEarlierLeaseIsHarmless) {
  Cluster c(1, Config(1));
  MakeReady(c);
  const LeaseId a = L(Granted(c.client(Acquire(kA, 1, 1, seconds(2))))).lease;
  c.client(Release(kA, 1, a, 2));
  c.advance(seconds(1));
  c.client(Acquire(kB, 1, 1, seconds(5)));  // expires at 6s after the first grant
  // The first lease's timer (at 2s) fires: the new lease lives on.
  const Out o = c.fire(0, LeaseServer::kExpiryTimer);
  EXPECT_EQ(o.count_records(obs::kLeaseFreed), 0u);
  EXPECT_EQ(c.server(0).table().slot(1).holder, kB);
  const Out later = c.fire(0, LeaseServer::kExpiryTimer);
  EXPECT_EQ(later.count_records(obs::kLeaseFreed), 1u);
}

}  // namespace
}  // namespace leases_renew_test
}  // namespace leasesim
