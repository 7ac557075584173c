// The core holding a free resource back: Chubby's lock-delay after an
// expiry, and sequencer validation (logged, answered at commit with a
// validity window the leader honours before it grants again), plus the wait
// a new leader keeps for promises it cannot see.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "leasesim/protocols/raft_lease/lease_server.hpp"

namespace leasesim {
namespace core_blocks_test {

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
constexpr NodeId kStore = 50;
constexpr ResourceId kRes = 1;

ServerConfig Config(size_t n, const LeaseOptions& o) {
  ServerConfig c = BaseServerConfig(n);
  c.options = o;
  return c;
}

void MakeReady(Cluster& c) {
  c.start_all();
  c.elect(0);
  ASSERT_TRUE(c.server(0).ready());
  c.records.clear();
  c.to_clients.clear();
}

Message Acquire(NodeId from, uint64_t req, NodeId to = 0) {
  return ClientMsg(MsgType::kAcquire, from, to, kRes, req, kNoLease, seconds(5));
}
Message Release(NodeId from, LeaseId lease, uint64_t req) {
  return ClientMsg(MsgType::kRelease, from, 0, kRes, req, lease);
}
Message Validate(LeaseId lease, uint64_t req, NodeId to = 0) {
  Message m = ClientMsg(MsgType::kValidate, kStore, to, kRes, req, lease);
  L(m).token = lease;
  return m;
}

ErrorCode DeniedWith(const Out& o) {
  const auto d = o.sent(MsgType::kDenied);
  EXPECT_EQ(d.size(), 1u);
  return d.empty() ? ErrorCode::kNone : L(d[0]).error;
}

// --- lock-delay ----------------------------------------------------------

LeaseOptions LockDelay(Duration d) {
  LeaseOptions o;
  o.lock_delay = d;
  return o;
}

TEST(LockDelay, AResourceFreedByExpiryIsGrantedToNoOneForTheDelay) {
  Cluster c(1, Config(1, LockDelay(seconds(2))));
  MakeReady(c);
  c.advance(seconds(3));  // past the new leader's own wait
  ASSERT_EQ(c.client(Acquire(kA, 1)).count(MsgType::kGranted), 1u);
  const Out expired = c.fire(0, LeaseServer::kExpiryTimer);
  ASSERT_EQ(expired.count_records(obs::kLeaseFreed), 1u);
  EXPECT_EQ(DeniedWith(c.client(Acquire(kB, 1))), ErrorCode::kBlocked);
  c.advance(seconds(2) - nanoseconds(1));
  EXPECT_EQ(DeniedWith(c.client(Acquire(kB, 2))), ErrorCode::kBlocked);
  c.advance(nanoseconds(1));
  EXPECT_EQ(c.client(Acquire(kB, 3)).count(MsgType::kGranted), 1u);
}

TEST(LockDelay, AReleasedResourceIsGrantedAtOnce) {
  Cluster c(1, Config(1, LockDelay(seconds(2))));
  MakeReady(c);
  c.advance(seconds(3));
  const Message g = c.client(Acquire(kA, 1)).sent(MsgType::kGranted)[0];
  ASSERT_EQ(c.client(Release(kA, L(g).lease, 2)).count(MsgType::kReleased), 1u);
  EXPECT_EQ(c.client(Acquire(kB, 1)).count(MsgType::kGranted), 1u);
}

TEST(LockDelay, ANewLeaderWaitsItOutBeforeAnyGrant) {
  Cluster c(1, Config(1, LockDelay(seconds(2))));
  MakeReady(c);
  // It cannot tell when an earlier leader's expiries happened.
  EXPECT_EQ(DeniedWith(c.client(Acquire(kA, 1))), ErrorCode::kBlocked);
  c.advance(seconds(2));
  EXPECT_EQ(c.client(Acquire(kA, 2)).count(MsgType::kGranted), 1u);
}

TEST(LockDelay, ZeroMeansOff) {
  Cluster c(1, Config(1, LeaseOptions{}));
  MakeReady(c);
  ASSERT_EQ(c.client(Acquire(kA, 1)).count(MsgType::kGranted), 1u);
  c.fire(0, LeaseServer::kExpiryTimer);
  EXPECT_EQ(c.client(Acquire(kB, 1)).count(MsgType::kGranted), 1u);
}

// --- sequencer validation --------------------------------------------------

LeaseOptions Sequencer(Duration window = milliseconds(500)) {
  LeaseOptions o;
  o.sequencer = SequencerOptions{true, window};
  return o;
}

// A ready 3-server core whose resource kRes is held by kA (lease 2), past
// the new leader's wait.
struct Held {
  Cluster c{3, Config(3, Sequencer())};
  LeaseId lease = kNoLease;
  Held() {
    MakeReady(c);
    c.advance(seconds(1));
    c.client(Acquire(kA, 1));
    c.deliver_all();
    const auto g = c.client_msgs(MsgType::kGranted);
    EXPECT_EQ(g.size(), 1u);
    if (!g.empty()) lease = L(g[0]).lease;
    c.records.clear();
    c.to_clients.clear();
  }
};

TEST(SequencerCore, ValidationIsLoggedAndAnsweredAtCommitWithTheWindow) {
  Held h;
  const Out asked = h.c.client(Validate(h.lease, 9));
  EXPECT_TRUE(asked.sent(MsgType::kValidated).empty()) << "not before a majority has it";
  const LogEntry& e = h.c.server(0).log().at(h.c.server(0).log().last_index());
  EXPECT_EQ(type_of(e), EntryType::kValidate);
  EXPECT_EQ(command_of(e).lease, h.lease);
  EXPECT_EQ(command_of(e).holder, kStore);
  EXPECT_EQ(command_of(e).ttl, milliseconds(500));
  h.c.deliver_all();
  const auto v = h.c.client_msgs(MsgType::kValidated);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].to, kStore);
  EXPECT_TRUE(L(v[0]).success);
  EXPECT_EQ(L(v[0]).ttl, milliseconds(500));
  EXPECT_EQ(L(v[0]).request_id, 9u);
  EXPECT_EQ(v[0].resource, kRes);
  EXPECT_EQ(L(v[0]).lease, h.lease);
  const auto rec = h.c.recs(kValidated);
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_EQ(decode_as<Validated>(rec[0]).valid, 1u);
  EXPECT_EQ(decode_as<Validated>(rec[0]).window, milliseconds(500));
  // Nothing in the table changed.
  EXPECT_EQ(h.c.server(0).table().slot(kRes).lease, h.lease);
  EXPECT_EQ(h.c.server(1).table().slot(kRes).lease, h.lease);
}

TEST(SequencerCore, AfterAValidationTheResourceIsGrantedToNoOneForTheWindow) {
  Held h;
  h.c.client(Validate(h.lease, 9));
  h.c.deliver_all();
  const Duration answered = h.c.now();
  // The holder releases at once; the release commits.
  h.c.client(Release(kA, h.lease, 2));
  h.c.deliver_all();
  ASSERT_EQ(h.c.server(0).table().slot(kRes).lease, kNoLease);
  // Storage may still accept the old lease's writes until the window ends.
  EXPECT_EQ(DeniedWith(h.c.client(Acquire(kB, 1))), ErrorCode::kBlocked);
  h.c.advance(answered + milliseconds(500) - h.c.now() - nanoseconds(1));
  EXPECT_EQ(DeniedWith(h.c.client(Acquire(kB, 2))), ErrorCode::kBlocked);
  h.c.advance(nanoseconds(1));
  h.c.client(Acquire(kB, 3));
  h.c.deliver_all();
  EXPECT_EQ(h.c.client_msgs(MsgType::kGranted).size(), 1u);
}

TEST(SequencerCore, ACopyOfAValidationInFlightIsAnsweredByItsCommitNotLoggedAgain) {
  Held h;
  h.c.client(Validate(h.lease, 9));
  const LogIndex logged = h.c.server(0).log().last_index();
  // The network duplicated the VALIDATE, or storage resent it (same
  // request id: the same question, the same anchor at storage).
  h.c.client(Validate(h.lease, 9));
  EXPECT_EQ(h.c.server(0).log().last_index(), logged);
  // A new attempt of storage (a new request id, a new anchor) is a new
  // question: logged and answered on its own.
  h.c.client(Validate(h.lease, 10));
  EXPECT_EQ(h.c.server(0).log().last_index(), logged + 1);
  h.c.deliver_all();
  const auto v = h.c.client_msgs(MsgType::kValidated);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(L(v[0]).request_id, 9u);
  EXPECT_EQ(L(v[1]).request_id, 10u);
  EXPECT_TRUE(L(v[0]).success);
  EXPECT_TRUE(L(v[1]).success);
  // Once answered, a copy is a question again (logged, answered at its own
  // commit from the table then).
  h.c.to_clients.clear();
  h.c.client(Validate(h.lease, 9));
  EXPECT_EQ(h.c.server(0).log().last_index(), logged + 2);
  h.c.deliver_all();
  EXPECT_EQ(h.c.client_msgs(MsgType::kValidated).size(), 1u);
}

TEST(SequencerCore, ValidationOfALeaseThatIsNotCurrentIsRefusedAndBlocksNothing) {
  Held h;
  h.c.client(Release(kA, h.lease, 2));
  h.c.deliver_all();
  h.c.to_clients.clear();
  h.c.client(Validate(h.lease, 9));
  h.c.deliver_all();
  const auto v = h.c.client_msgs(MsgType::kValidated);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_FALSE(L(v[0]).success);
  EXPECT_EQ(L(v[0]).error, ErrorCode::kUnknownLease);
  EXPECT_EQ(L(v[0]).ttl, Duration::zero());
  h.c.client(Acquire(kB, 1));
  h.c.deliver_all();
  EXPECT_EQ(h.c.client_msgs(MsgType::kGranted).size(), 1u);
}

TEST(SequencerCore, AFollowerRedirectsAndALeaderNotReadyRefuses) {
  Held h;
  const Out r = h.c.client(Validate(h.lease, 9, 1));
  ASSERT_EQ(r.count(MsgType::kRedirect), 1u);
  EXPECT_EQ(L(r.sent(MsgType::kRedirect)[0]).leader_hint, 0u);
  EXPECT_EQ(L(r.sent(MsgType::kRedirect)[0]).request_id, 9u);

  Cluster fresh(3, Config(3, Sequencer()));
  fresh.start_all();
  fresh.fire(0, LeaseServer::kElectionTimer);
  fresh.deliver_one([](const Message& m) { return m.is(MsgType::kRequestVote); });
  fresh.deliver_one([](const Message& m) { return m.is(MsgType::kVoteReply); });
  ASSERT_EQ(fresh.server(0).role(), Role::kLeader);
  ASSERT_FALSE(fresh.server(0).ready());
  EXPECT_EQ(DeniedWith(fresh.client(Validate(2, 9))), ErrorCode::kNotReady);
}

TEST(SequencerCore, ADeposedLeaderNeverAnswers) {
  Held h;
  h.c.isolate(0);
  h.c.client(Validate(h.lease, 9));
  h.c.deliver_all();
  for (int i = 0; i < 5; ++i) {
    h.c.fire(0, LeaseServer::kHeartbeatTimer);
    h.c.deliver_all();
  }
  EXPECT_TRUE(h.c.client_msgs(MsgType::kValidated).empty());
}

TEST(SequencerCore, ANewLeaderGrantsNothingForTheWindow) {
  Cluster c(1, Config(1, Sequencer(milliseconds(700))));
  MakeReady(c);
  // An earlier leader may have answered a validation storage still uses.
  EXPECT_EQ(DeniedWith(c.client(Acquire(kA, 1))), ErrorCode::kBlocked);
  c.advance(milliseconds(700) - nanoseconds(1));
  EXPECT_EQ(DeniedWith(c.client(Acquire(kA, 2))), ErrorCode::kBlocked);
  c.advance(nanoseconds(1));
  EXPECT_EQ(c.client(Acquire(kA, 3)).count(MsgType::kGranted), 1u);
}

TEST(SequencerCore, TheWindowIsHonouredByTheNextLeaderToo) {
  Held h;
  h.c.client(Validate(h.lease, 9));
  h.c.deliver_all();
  ASSERT_EQ(h.c.client_msgs(MsgType::kValidated).size(), 1u);
  // The answering leader is cut off; server 1 takes over at once and the
  // holder's release reaches it.
  h.c.isolate(0);
  h.c.drop();
  h.c.elect(1);
  ASSERT_TRUE(h.c.server(1).ready());
  const Duration ready = h.c.now();
  h.c.client(ClientMsg(MsgType::kRelease, kA, 1, kRes, 2, h.lease));
  h.c.deliver_all();
  ASSERT_EQ(h.c.server(1).table().slot(kRes).lease, kNoLease);
  EXPECT_EQ(DeniedWith(h.c.client(Acquire(kB, 1, 1))), ErrorCode::kBlocked);
  h.c.advance(ready + milliseconds(500) - h.c.now());
  h.c.client(Acquire(kB, 2, 1));
  h.c.deliver_all();
  EXPECT_EQ(h.c.client_msgs(MsgType::kGranted).size(), 1u);
}

}  // namespace
}  // namespace core_blocks_test
}  // namespace leasesim
