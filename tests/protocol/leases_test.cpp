// The leader's lease logic as pure state-machine tests: acquire, renew,
// release, expiry, redirects, readiness and new-leader refresh.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "leasesim/protocols/raft_lease/lease_server.hpp"

namespace leasesim {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
using testing::L;
using testing::R;
namespace {

using testing::BaseServerConfig;
using testing::ClientMsg;
using testing::Cluster;
using testing::Out;

constexpr NodeId kA = 100;
constexpr NodeId kB = 101;

ServerConfig Config(size_t n, const LeaseOptions& o = LeaseOptions{}) {
  ServerConfig c = BaseServerConfig(n);
  c.options = o;
  return c;
}

// Elects server 0 and forgets what that produced.
void MakeReady(Cluster& c) {
  c.start_all();
  c.elect(0);
  ASSERT_TRUE(c.server(0).ready());
  c.records.clear();
  c.to_clients.clear();
}

Message Acquire(NodeId from, ResourceId r, uint64_t req, Duration ttl = seconds(5), NodeId to = 0) {
  return ClientMsg(MsgType::kAcquire, from, to, r, req, kNoLease, ttl);
}
Message Renew(NodeId from, ResourceId r, LeaseId lease, uint64_t req, NodeId to = 0) {
  return ClientMsg(MsgType::kRenew, from, to, r, req, lease);
}
Message Release(NodeId from, ResourceId r, LeaseId lease, uint64_t req, NodeId to = 0) {
  return ClientMsg(MsgType::kRelease, from, to, r, req, lease);
}

TimePoint Mono(const Cluster& c, size_t i = 0) {
  return c.clock(i).mono;
}

// The one GRANTED in `o` (a failure and an empty message if there is none).
Message Granted(const Out& o) {
  const auto g = o.sent(MsgType::kGranted);
  EXPECT_EQ(g.size(), 1u) << "expected exactly one GRANTED";
  return g.empty() ? Message{} : g[0];
}

// --- acquire -----------------------------------------------------------

TEST(Leases, AcquireIsGrantedWithLeaseAndTokenEqualToTheIndex) {
  Cluster c(1, Config(1));
  MakeReady(c);
  const TimePoint t = Mono(c);
  const Out o = c.client(Acquire(kA, 2, 7, seconds(5)));
  const auto g = o.sent(MsgType::kGranted);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].to, kA);
  EXPECT_EQ(g[0].from, 0u);
  EXPECT_EQ(g[0].resource, 2u);
  EXPECT_EQ(L(g[0]).request_id, 7u);
  EXPECT_EQ(L(g[0]).lease, 2u);  // index 1 is the leader's no-op
  EXPECT_EQ(L(g[0]).token, 2u);
  EXPECT_EQ(L(g[0]).ttl, seconds(5));
  ASSERT_EQ(o.count_records(obs::kLeaseGranted), 1u);
  const Record r = o.recs(obs::kLeaseGranted)[0];
  EXPECT_EQ(decode_as<obs::LeaseGranted>(r).resource, 2u);
  EXPECT_EQ(decode_as<obs::LeaseGranted>(r).lease, 2u);
  EXPECT_EQ(decode_as<obs::LeaseGranted>(r).holder, kA);
  EXPECT_EQ(decode_as<obs::LeaseGranted>(r).token, 2u);
  EXPECT_EQ(decode_as<obs::LeaseGranted>(r).ttl, seconds(5));
  // The leader will check the lease when it runs out on its own clock.
  const auto timers = o.timers_of(LeaseServer::kExpiryTimer);
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_EQ(timers[0].clock, ClockKind::kMonotonic);
  EXPECT_EQ(timers[0].deadline, t + seconds(5));
  // The log and the table agree.
  const LogEntry& e = c.server(0).log().at(2);
  EXPECT_EQ(type_of(e), EntryType::kGrant);
  EXPECT_EQ(command_of(e).holder, kA);
  EXPECT_EQ(command_of(e).ttl, seconds(5));
  EXPECT_EQ(command_of(e).wall_expiry, c.clock(0).wall + seconds(5));
  EXPECT_EQ(command_of(e).request_id, 7u);
  EXPECT_EQ(c.server(0).table().slot(2).holder, kA);
}

TEST(Leases, AcquireTtlIsClampedToMaxTtl) {
  Cluster c(1, Config(1));
  MakeReady(c);
  const Out o = c.client(Acquire(kA, 0, 1, seconds(60)));
  ASSERT_EQ(o.count(MsgType::kGranted), 1u);
  EXPECT_EQ(L(o.sent(MsgType::kGranted)[0]).ttl, seconds(10));
}

TEST(Leases, AcquireIsGrantedOnlyAfterCommit) {
  Cluster c(3, Config(3));
  MakeReady(c);
  const Out o = c.client(Acquire(kA, 1, 1));
  EXPECT_EQ(o.count(MsgType::kGranted), 0u);
  EXPECT_EQ(o.count_records(obs::kLeaseGranted), 0u);
  EXPECT_EQ(c.server(0).table().slot(1).lease, kNoLease);
  c.deliver_all();
  const auto g = c.client_msgs(MsgType::kGranted);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(L(g[0]).lease, 2u);
  EXPECT_EQ(c.recs(obs::kLeaseGranted).size(), 1u);
}

TEST(Leases, ImmediateGrantReplyAnswersBeforeCommit) {
  LeaseOptions o;
  o.grant_reply = GrantReply::kImmediate;
  Cluster c(3, Config(3, o));
  MakeReady(c);
  const Out a = c.client(Acquire(kA, 1, 1));
  const auto g = a.sent(MsgType::kGranted);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(L(g[0]).lease, 2u);
  EXPECT_EQ(L(g[0]).token, 2u);
  EXPECT_EQ(a.count_records(obs::kLeaseGranted), 1u);
  EXPECT_EQ(c.server(0).commit_index(), 1u);  // nobody else has it yet
  c.deliver_all();
  EXPECT_EQ(c.server(0).table().slot(1).lease, 2u);
  EXPECT_EQ(c.client_msgs(MsgType::kGranted).size(), 1u);  // not answered twice
  EXPECT_EQ(c.recs(obs::kLeaseGranted).size(), 1u);
}

TEST(Leases, AcquireWhileHeldIsDeniedWithTheHolder) {
  Cluster c(1, Config(1));
  MakeReady(c);
  c.client(Acquire(kA, 1, 1));
  const Out o = c.client(Acquire(kB, 1, 1));
  const auto d = o.sent(MsgType::kDenied);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].to, kB);
  EXPECT_EQ(L(d[0]).error, ErrorCode::kHeld);
  EXPECT_EQ(L(d[0]).holder, kA);
  EXPECT_EQ(d[0].resource, 1u);
  EXPECT_EQ(L(d[0]).request_id, 1u);
  ASSERT_EQ(o.count_records(kReject), 1u);
  EXPECT_EQ(decode_as<Reject>(o.recs(kReject)[0]).error, ErrorCode::kHeld);
  EXPECT_EQ(c.server(0).log().last_index(), 2u);  // nothing logged
  // A different request from the holder itself is refused the same way.
  EXPECT_EQ(L(c.client(Acquire(kA, 1, 2)).sent(MsgType::kDenied)[0]).error, ErrorCode::kHeld);
}

TEST(Leases, AcquireWhileAGrantIsInFlight) {
  Cluster c(3, Config(3));
  MakeReady(c);
  c.client(Acquire(kA, 1, 1));
  // Another requestor is refused, naming the pending holder.
  const Out other = c.client(Acquire(kB, 1, 1));
  ASSERT_EQ(other.count(MsgType::kDenied), 1u);
  EXPECT_EQ(L(other.sent(MsgType::kDenied)[0]).holder, kA);
  // A retry of the pending request is answered when it commits, once.
  const Out retry = c.client(Acquire(kA, 1, 1));
  EXPECT_TRUE(retry.msgs.empty());
  c.deliver_all();
  EXPECT_EQ(c.client_msgs(MsgType::kGranted).size(), 1u);
  EXPECT_EQ(c.server(0).log().last_index(), 2u);
}

TEST(Leases, DuplicateAcquireWhileGrantedIsAnsweredAgain) {
  Cluster c(1, Config(1));
  MakeReady(c);
  const Message first = Granted(c.client(Acquire(kA, 1, 9)));
  const LogIndex last = c.server(0).log().last_index();
  const Out o = c.client(Acquire(kA, 1, 9));
  const auto g = o.sent(MsgType::kGranted);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(L(g[0]).lease, L(first).lease);
  EXPECT_EQ(L(g[0]).token, L(first).token);
  EXPECT_EQ(L(g[0]).ttl, L(first).ttl);
  EXPECT_EQ(L(g[0]).request_id, 9u);
  EXPECT_EQ(c.server(0).log().last_index(), last);
  EXPECT_EQ(o.count_records(obs::kLeaseGranted), 0u);
}

TEST(Leases, AcquireBeforeTheLeaderIsReadyIsNotReady) {
  Cluster c(3, Config(3));
  c.start_all();
  c.fire(0, LeaseServer::kElectionTimer);
  // Deliver the votes but hold back the new leader's AppendEntries, so its
  // no-op cannot commit yet.
  while (c.deliver_one([](const Message& m) { return !m.is(MsgType::kAppendEntries); })) {
  }
  ASSERT_EQ(c.server(0).role(), Role::kLeader);
  ASSERT_FALSE(c.server(0).ready());
  const Out o = c.client(Acquire(kA, 1, 1));
  const auto d = o.sent(MsgType::kDenied);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(L(d[0]).error, ErrorCode::kNotReady);
  EXPECT_EQ(L(d[0]).holder, kInvalidNode);
  EXPECT_EQ(c.server(0).log().last_index(), 1u);
  // Once the no-op commits, the same request is granted.
  c.fire(0, LeaseServer::kHeartbeatTimer);
  c.deliver_all();
  ASSERT_TRUE(c.server(0).ready());
  EXPECT_EQ(c.recs(obs::kLeaderReady, 0).size(), 1u);
  c.client(Acquire(kA, 1, 1));
  c.deliver_all();
  EXPECT_EQ(c.client_msgs(MsgType::kGranted).size(), 1u);
}

TEST(Leases, RequestToAFollowerIsRedirectedToTheLeader) {
  Cluster c(3, Config(3));
  c.start_all();
  // No leader known yet.
  const Out before = c.client(Acquire(kA, 1, 4, seconds(5), 1));
  ASSERT_EQ(before.count(MsgType::kRedirect), 1u);
  EXPECT_EQ(L(before.sent(MsgType::kRedirect)[0]).leader_hint, kInvalidNode);
  EXPECT_EQ(L(before.sent(MsgType::kRedirect)[0]).request_id, 4u);
  c.elect(0);
  for (MsgType t : {MsgType::kAcquire, MsgType::kRenew, MsgType::kRelease}) {
    const Out o = c.client(ClientMsg(t, kA, 1, 1, 5));
    const auto r = o.sent(MsgType::kRedirect);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].to, kA);
    EXPECT_EQ(L(r[0]).leader_hint, 0u);
    EXPECT_EQ(L(r[0]).request_id, 5u);
    EXPECT_EQ(r[0].resource, 1u);
  }
  EXPECT_EQ(c.server(1).log().last_index(), 1u);
}

TEST(Leases, RequestForAnUnknownResourceIsIgnored) {
  Cluster c(1, Config(1));
  MakeReady(c);
  EXPECT_TRUE(c.client(Acquire(kA, 99, 1)).msgs.empty());
}

// --- renew -------------------------------------------------------------

TEST(Leases, LoggedRenewalIsAnsweredAfterCommit) {
  Cluster c(3, Config(3));
  MakeReady(c);
  c.client(Acquire(kA, 1, 1));
  c.deliver_all();
  const LeaseId lease = L(c.client_msgs(MsgType::kGranted)[0]).lease;
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
  c.client(Acquire(kA, 1, 1));
  c.deliver_all();
  const LeaseId lease = L(c.client_msgs(MsgType::kGranted)[0]).lease;
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
  c.client(Acquire(kA, 1, 1));
  c.deliver_all();
  const LeaseId lease = L(c.client_msgs(MsgType::kGranted)[0]).lease;
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
  c.client(Acquire(kA, 1, 1));
  c.deliver_all();
  const LeaseId lease = L(c.client_msgs(MsgType::kGranted)[0]).lease;
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

// --- release -----------------------------------------------------------

TEST(Leases, ReleaseFreesTheLease) {
  Cluster c(1, Config(1));
  MakeReady(c);
  const LeaseId lease = L(Granted(c.client(Acquire(kA, 1, 1)))).lease;
  const Out o = c.client(Release(kA, 1, lease, 2));
  const auto r = o.sent(MsgType::kReleased);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].to, kA);
  EXPECT_EQ(r[0].resource, 1u);
  EXPECT_EQ(L(r[0]).lease, lease);
  EXPECT_EQ(L(r[0]).request_id, 2u);
  ASSERT_EQ(o.count_records(obs::kLeaseFreed), 1u);
  EXPECT_EQ(decode_as<obs::LeaseFreed>(o.recs(obs::kLeaseFreed)[0]).lease, lease);
  EXPECT_EQ(decode_as<obs::LeaseFreed>(o.recs(obs::kLeaseFreed)[0]).reason, FreeReason::kReleased);
  EXPECT_EQ(c.server(0).table().slot(1).lease, kNoLease);
  EXPECT_EQ(type_of(c.server(0).log().at(3)), EntryType::kRelease);
}

TEST(Leases, ReleaseIsAnsweredAfterCommit) {
  Cluster c(3, Config(3));
  MakeReady(c);
  c.client(Acquire(kA, 1, 1));
  c.deliver_all();
  const LeaseId lease = L(c.client_msgs(MsgType::kGranted)[0]).lease;
  EXPECT_EQ(c.client(Release(kA, 1, lease, 2)).count(MsgType::kReleased), 0u);
  c.deliver_all();
  EXPECT_EQ(c.client_msgs(MsgType::kReleased).size(), 1u);
  EXPECT_EQ(c.recs(obs::kLeaseFreed).size(), 1u);
}

TEST(Leases, StaleReleaseByLeaseIdIsANoOp) {
  Cluster c(1, Config(1));
  MakeReady(c);
  const LeaseId old = L(Granted(c.client(Acquire(kA, 1, 1)))).lease;
  c.fire(0, LeaseServer::kExpiryTimer);  // A's lease expires
  const LeaseId current = L(Granted(c.client(Acquire(kB, 1, 1)))).lease;
  ASSERT_NE(old, current);
  const LogIndex last = c.server(0).log().last_index();
  c.records.clear();
  // A's delayed release of its old lease arrives.
  const Out o = c.client(Release(kA, 1, old, 2));
  ASSERT_EQ(o.count(MsgType::kReleased), 1u);  // nothing of A's to release: done
  EXPECT_EQ(L(o.sent(MsgType::kReleased)[0]).lease, old);
  EXPECT_EQ(c.server(0).log().last_index(), last);
  EXPECT_TRUE(c.recs(obs::kLeaseFreed).empty());
  EXPECT_EQ(c.server(0).table().slot(1).lease, current);
  EXPECT_EQ(c.server(0).table().slot(1).holder, kB);
}

TEST(Leases, StaleReleaseByResourceFreesTheCurrentLease) {
  LeaseOptions opt;
  opt.keying = LeaseKeying::kResource;
  Cluster c(1, Config(1, opt));
  MakeReady(c);
  const LeaseId old = L(Granted(c.client(Acquire(kA, 1, 1)))).lease;
  c.fire(0, LeaseServer::kExpiryTimer);
  const LeaseId current = L(Granted(c.client(Acquire(kB, 1, 1)))).lease;
  c.records.clear();
  const Out o = c.client(Release(kA, 1, old, 2));
  ASSERT_EQ(o.count_records(obs::kLeaseFreed), 1u);
  EXPECT_EQ(decode_as<obs::LeaseFreed>(o.recs(obs::kLeaseFreed)[0]).lease,
            current);  // B's lease, freed by A
  EXPECT_EQ(decode_as<obs::LeaseFreed>(o.recs(obs::kLeaseFreed)[0]).reason, FreeReason::kReleased);
  EXPECT_EQ(c.server(0).table().slot(1).lease, kNoLease);
  const LogEntry& e = c.server(0).log().at(c.server(0).log().last_index());
  EXPECT_EQ(type_of(e), EntryType::kRelease);
  EXPECT_EQ(command_of(e).lease, kNoLease);
}

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
  c.client(Acquire(kA, 1, 1));
  c.deliver_all();
  const LeaseId lease = L(c.client_msgs(MsgType::kGranted)[0]).lease;
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
}  // namespace leasesim
