// The leader's lease logic as pure state-machine tests: acquire (grants,
// denials, redirects, readiness) and release.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "leases_fixture.hpp"
#include "leasesim/protocols/raft_lease/lease_server.hpp"

namespace leasesim {
namespace leases_acquire_test {

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

// The server's immediate answers (a redirect, a refusal before anything is
// logged) name the send they answer, so that a requestor acts only on its
// latest send's (a duplicated "no leader known" redirect started a retry
// chain of its own).
TEST(Leases, ImmediateAnswersNameTheSendTheyAnswer) {
  Cluster c(3, Config(3));
  c.start_all();
  Message q = Acquire(kA, 1, 4, seconds(5), 1);
  L(q).attempt = 6;
  const auto redirect = c.client(q).sent(MsgType::kRedirect);  // no leader known yet
  ASSERT_EQ(redirect.size(), 1u);
  EXPECT_EQ(L(redirect[0]).attempt, 6u);
  c.elect(0);
  ASSERT_TRUE(c.server(0).ready());
  c.client(Acquire(kA, 1, 4));
  c.deliver_all();
  ASSERT_EQ(c.client_msgs(MsgType::kGranted).size(), 1u);
  Message b = Acquire(kB, 1, 5);
  L(b).attempt = 7;
  const auto held = c.client(b).sent(MsgType::kDenied);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(L(held[0]).error, ErrorCode::kHeld);
  EXPECT_EQ(L(held[0]).attempt, 7u);
}

TEST(Leases, RequestForAnUnknownResourceIsIgnored) {
  Cluster c(1, Config(1));
  MakeReady(c);
  EXPECT_TRUE(c.client(Acquire(kA, 99, 1)).msgs.empty());
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
  const LeaseId lease = CommittedLease(c);
  EXPECT_EQ(c.client(Release(kA, 1, lease, 2)).count(MsgType::kReleased), 0u);
  c.deliver_all();
  EXPECT_EQ(c.client_msgs(MsgType::kReleased).size(), 1u);
  EXPECT_EQ(c.recs(obs::kLeaseFreed).size(), 1u);
}

// A retry of a release whose entry is logged but not committed gets no
// answer: answered RELEASED, the requestor would stop asking, and a leader
// deposed before the entry commits would lose it (the lease then stays until
// its ttl runs out at the next leader). The commit answers it, once.
TEST(Leases, AReleaseInFlightIsAnsweredOnlyByItsCommit) {
  Cluster c(3, Config(3));
  MakeReady(c);
  const LeaseId lease = CommittedLease(c);
  c.to_clients.clear();
  EXPECT_EQ(c.client(Release(kA, 1, lease, 2)).count(MsgType::kReleased), 0u);
  const LogIndex logged = c.server(0).log().last_index();
  ASSERT_EQ(type_of(c.server(0).log().at(logged)), EntryType::kRelease);
  // The retry (the same request) arrives while the release is in flight.
  const Out retry = c.client(Release(kA, 1, lease, 2));
  EXPECT_EQ(retry.count(MsgType::kReleased), 0u);
  EXPECT_EQ(c.server(0).log().last_index(), logged);  // not logged twice
  EXPECT_EQ(c.server(0).table().slot(1).lease, lease);
  c.deliver_all();
  const auto answers = c.client_msgs(MsgType::kReleased);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(L(answers[0]).request_id, 2u);
  EXPECT_EQ(c.server(0).table().slot(1).lease, kNoLease);
  // A retry after the commit is answered at once from the table.
  EXPECT_EQ(c.client(Release(kA, 1, lease, 2)).count(MsgType::kReleased), 1u);
}

// The same while the lease's expiry is in flight: no answer until the
// expiry has committed; a retry then finds nothing of the sender's.
TEST(Leases, AReleaseWhileTheExpiryIsInFlightIsAnsweredAfterIt) {
  Cluster c(3, Config(3));
  MakeReady(c);
  const LeaseId lease = CommittedLease(c);
  c.to_clients.clear();
  c.fire(0, LeaseServer::kExpiryTimer);  // the expiry is logged, not committed
  ASSERT_EQ(type_of(c.server(0).log().at(c.server(0).log().last_index())), EntryType::kExpire);
  EXPECT_EQ(c.client(Release(kA, 1, lease, 2)).count(MsgType::kReleased), 0u);
  c.deliver_all();
  EXPECT_EQ(c.server(0).table().slot(1).lease, kNoLease);
  EXPECT_EQ(c.client(Release(kA, 1, lease, 2)).count(MsgType::kReleased), 1u);
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

}  // namespace
}  // namespace leases_acquire_test
}  // namespace leasesim
