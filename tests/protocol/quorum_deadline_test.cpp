// CheckQuorum timing (issue 12, item 7): with `tick` (etcd) a leader cut off
// just after a quorum check keeps serving for up to two election_min; with
// `deadline` it stops exactly at its last majority contact (the send stamp of
// the append a majority answered) + election_min, refuses memory renewals
// from then on even before its timer fires, and every server that answered
// it, or (re)started, ignores candidates for election_min.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "leasesim/protocols/raft_lease/lease_server.hpp"

namespace leasesim {
namespace quorum_deadline_test {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
using testing::L;
using testing::R;
namespace {

using testing::BaseServerConfig;
using testing::ClientMsg;
using testing::Cluster;
using testing::Out;

constexpr NodeId kA = 100;
constexpr ResourceId kRes = 1;
constexpr Duration kEtMin = milliseconds(150);

ServerConfig Config(QuorumCheck q) {
  ServerConfig c = BaseServerConfig(3);
  c.options.check_quorum = q;
  c.options.renewals = RenewalPath::kMemory;
  return c;
}

Message Vote(NodeId from, NodeId to, Term term) {
  Message m;
  m = testing::RaftMessage(MsgType::kRequestVote, from, to);
  R(m).term = term;
  R(m).index = 100;
  R(m).log_term = term;
  return m;
}

// Server 0 leads and kA holds kRes (lease 2); returns the lease.
LeaseId Lead(Cluster& c) {
  c.start_all();
  c.elect(0);
  EXPECT_TRUE(c.server(0).ready());
  c.client(ClientMsg(MsgType::kAcquire, kA, 0, kRes, 1, kNoLease, seconds(5)));
  c.deliver_all();
  const auto g = c.client_msgs(MsgType::kGranted);
  EXPECT_EQ(g.size(), 1u);
  c.records.clear();
  c.to_clients.clear();
  return g.empty() ? kNoLease : L(g[0]).lease;
}

Message Renew(LeaseId lease, uint64_t req) {
  return ClientMsg(MsgType::kRenew, kA, 0, kRes, req, lease);
}

// One heartbeat round that reaches the followers and comes back; returns
// the true time it was sent (the leader's clock is true time here).
Duration Heartbeat(Cluster& c) {
  c.fire(0, LeaseServer::kHeartbeatTimer);
  const Duration sent = c.now();
  c.deliver_all();
  return sent;
}

TEST(QuorumDeadline, StepsDownExactlyElectionMinAfterTheLastMajorityContact) {
  Cluster c(3, Config(QuorumCheck::kDeadline));
  const LeaseId lease = Lead(c);
  const Duration contact = Heartbeat(c);
  // Cut off right after: nothing more is answered.
  c.isolate(0);
  c.advance(contact + kEtMin - c.now() - nanoseconds(1));
  const Out last = c.client(Renew(lease, 2));
  EXPECT_EQ(last.count(MsgType::kRenewed), 1u) << "still within its deadline";
  EXPECT_EQ(c.server(0).role(), Role::kLeader);
  c.advance(nanoseconds(1));
  // The timer is due now; a renewal handled first must not be answered.
  const Out refused = c.client(Renew(lease, 3));
  EXPECT_EQ(refused.count(MsgType::kRenewed), 0u);
  EXPECT_EQ(refused.count(MsgType::kRedirect), 1u);
  ASSERT_EQ(refused.count_records(raft::StepDown::kKind), 1u);
  EXPECT_EQ(decode_as<raft::StepDown>(refused.recs(raft::StepDown::kKind)[0]).reason,
            raft::StepDownReason::kLostQuorum);
  EXPECT_EQ(c.server(0).role(), Role::kFollower);
}

TEST(QuorumDeadline, TheTimerStepsDownAtTheDeadlineWithoutAnyRequest) {
  Cluster c(3, Config(QuorumCheck::kDeadline));
  Lead(c);
  const Duration contact = Heartbeat(c);
  c.isolate(0);
  while (c.server(0).role() == Role::kLeader) {
    // Heartbeats go nowhere; the quorum timer re-arms until the deadline.
    if (c.driver(0).until(LeaseServer::kHeartbeatTimer) <
        c.driver(0).until(LeaseServer::kQuorumTimer)) {
      c.fire(0, LeaseServer::kHeartbeatTimer);
    } else {
      c.fire(0, LeaseServer::kQuorumTimer);
    }
    ASSERT_LE(c.now(), contact + kEtMin);
  }
  EXPECT_EQ(c.now(), contact + kEtMin);
}

TEST(QuorumDeadline, ContactIsTheSendOfTheAnsweredAppendNotTheReplysArrival) {
  Cluster c(3, Config(QuorumCheck::kDeadline));
  const LeaseId lease = Lead(c);
  c.fire(0, LeaseServer::kHeartbeatTimer);
  const Duration sent = c.now();
  // The followers answer at once, but the answers take 100ms to arrive.
  c.deliver_one([](const Message& m) { return m.to == 1; });
  c.deliver_one([](const Message& m) { return m.to == 2; });
  c.advance(milliseconds(100));
  c.deliver_all();
  c.isolate(0);
  c.advance(sent + kEtMin - c.now());
  EXPECT_EQ(c.client(Renew(lease, 2)).count(MsgType::kRenewed), 0u);
  EXPECT_EQ(c.server(0).role(), Role::kFollower);
}

TEST(QuorumDeadline, AnOldReplyArrivingLateDoesNotMoveTheContactBack) {
  Cluster c(3, Config(QuorumCheck::kDeadline));
  const LeaseId lease = Lead(c);
  c.fire(0, LeaseServer::kHeartbeatTimer);
  const TimePoint early = testing::T(c.now());
  // Both followers answer the early round; the answers are held back.
  c.deliver_one([](const Message& m) { return m.is(MsgType::kAppendEntries); });
  c.deliver_one([](const Message& m) { return m.is(MsgType::kAppendEntries); });
  c.advance(milliseconds(60));
  c.fire(0, LeaseServer::kHeartbeatTimer);
  const Duration later = c.now();
  // The newer round and its answers first, then the early answers.
  auto newer = [early](const Message& m) { return R(m).stamp != early; };
  while (c.deliver_one(newer)) {
  }
  ASSERT_EQ(c.in_flight.size(), 2u);
  c.deliver_all();
  c.isolate(0);
  c.advance(later + kEtMin - c.now() - nanoseconds(1));
  EXPECT_EQ(c.client(Renew(lease, 2)).count(MsgType::kRenewed), 1u);
  c.advance(nanoseconds(1));
  EXPECT_EQ(c.client(Renew(lease, 3)).count(MsgType::kRenewed), 0u);
}

TEST(QuorumDeadline, ARestartedServerVotesForNobodyForElectionMin) {
  Cluster c(3, Config(QuorumCheck::kDeadline));
  Lead(c);
  const Term term = c.server(1).term();
  c.start(1);  // crash and restart: it forgot that it just heard the leader
  Out early = c.inject(Vote(2, 1, term + 1));
  EXPECT_TRUE(early.msgs.empty());
  EXPECT_EQ(c.server(1).term(), term);
  c.advance(kEtMin);
  Out late = c.inject(Vote(2, 1, term + 1));
  ASSERT_EQ(late.count(MsgType::kVoteReply), 1u);
  EXPECT_TRUE(R(late.sent(MsgType::kVoteReply)[0]).success);
}

TEST(QuorumDeadline, AServerThatNeverAdoptedATermIsNotStickyAtItsFirstStart) {
  // It cannot have answered any leader: the first election is not delayed.
  Cluster c(3, Config(QuorumCheck::kDeadline));
  c.start_all();
  Out o = c.inject(Vote(2, 1, 1));
  ASSERT_EQ(o.count(MsgType::kVoteReply), 1u);
  EXPECT_TRUE(R(o.sent(MsgType::kVoteReply)[0]).success);
}

TEST(QuorumDeadline, WithTickARestartedServerVotesAtOnce) {
  // etcd's stickiness needs a known leader; a restarted server knows none.
  // (Why `tick` needs no more: docs/protocol.md, CheckQuorum timing.)
  Cluster c(3, Config(QuorumCheck::kTick));
  Lead(c);
  const Term term = c.server(1).term();
  c.start(1);
  Out o = c.inject(Vote(2, 1, term + 1));
  ASSERT_EQ(o.count(MsgType::kVoteReply), 1u);
  EXPECT_TRUE(R(o.sent(MsgType::kVoteReply)[0]).success);
}

TEST(QuorumTick, ALeaderCutOffJustAfterACheckServesForUpToTwoElectionMin) {
  // The worst case the tick leaves: the last answers arrive just after a
  // check, count for the next one, and only the check after that finds
  // nobody.
  Cluster c(3, Config(QuorumCheck::kTick));
  const LeaseId lease = Lead(c);
  c.fire(0, LeaseServer::kQuorumTimer);  // a check at tick k
  const Duration tick = c.now();
  const Duration contact = Heartbeat(c);  // answered just after it
  ASSERT_LT(contact - tick, milliseconds(60));
  c.isolate(0);
  c.fire(0, LeaseServer::kQuorumTimer);  // tick k+1: heard since k, stays
  EXPECT_EQ(c.server(0).role(), Role::kLeader);
  c.advance(tick + kEtMin + kEtMin - c.now() - nanoseconds(1));
  EXPECT_EQ(c.client(Renew(lease, 2)).count(MsgType::kRenewed), 1u)
      << "answered " << format_duration_short(c.now() - contact) << " after the last contact";
  c.fire(0, LeaseServer::kQuorumTimer);  // tick k+2
  EXPECT_EQ(c.server(0).role(), Role::kFollower);
}

}  // namespace
}  // namespace quorum_deadline_test
}  // namespace leasesim
