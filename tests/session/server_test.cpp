// session-lease's server alone: a one-server core driven by hand (it leads
// by itself, so every proposal commits in the step that makes it and every
// read barrier passes at once).
#include <gtest/gtest.h>

#include <functional>

#include "../protocol/harness.hpp"
#include "leasesim/protocols/raft_lease/storage.hpp"
#include "leasesim/protocols/session_lease/server.hpp"

namespace leasesim::session_lease {
namespace server_test {
namespace {

using testing::Driver;
using testing::Out;

constexpr NodeId kAlice = 5;
constexpr NodeId kBob = 6;

std::vector<Message> sent(const Out& o, MsgType t) {
  std::vector<Message> r;
  for (const Message& m : o.msgs)
    if (m.is(t)) r.push_back(m);
  return r;
}

class SessionServerTest : public ::testing::Test {
 protected:
  void SetUp() override { make(preset("chubby")); }
  static Options preset(std::string_view name) {
    Options o;
    EXPECT_TRUE(preset_options(name, &o));
    return o;
  }
  void make(Options o) {
    ServerConfig c;
    c.self = 0;
    c.servers = {0};
    c.resources = 1;
    c.options = o;
    c.session_timeout = seconds(3);
    server = std::make_unique<SessionServer>(c, disk, Rng(1));
    d.reset(server.get());
    d.start();
    // Elected alone; ready once its no-op is applied; then past the new
    // master's wait (lock-delay, validity window).
    for (int i = 0; i < 10 && !server->ready(); ++i) d.fire_earliest();
    ASSERT_TRUE(server->ready());
    d.advance(seconds(2));
  }
  Message request(MsgType type, NodeId from, uint64_t id, SessionId s = kNoSession,
                  ResourceId r = kNoResource, LeaseId lease = kNoLease) {
    Message m;
    m.reset(static_cast<uint16_t>(type), from, 0);
    m.resource = r;
    SessionMsg& q = m.set<SessionMsg>();
    q.request_id = id;
    q.session = s;
    q.lease = lease;
    return m;
  }
  SessionId open(NodeId who, uint64_t id) {
    const Out o = d.deliver(request(MsgType::kOpenSession, who, id));
    const auto r = sent(o, MsgType::kSessionOpened);
    EXPECT_EQ(r.size(), 1u);
    return r.empty() ? kNoSession : r[0].as<SessionMsg>().session;
  }
  raft::Disk disk;
  std::unique_ptr<SessionServer> server;
  Driver d;
};

TEST_F(SessionServerTest, OpensASessionThatExpiresATimeoutAfterItsCommit) {
  const TimePoint at = d.now.mono;
  const SessionId s = open(kAlice, 1);
  ASSERT_NE(s, kNoSession);
  EXPECT_NE(server->table().find(s), nullptr);
  EXPECT_EQ(server->expiry_of(s), at + seconds(3));
  // A retry of the same open is answered with the same session.
  EXPECT_EQ(open(kAlice, 1), s);
  EXPECT_EQ(server->table().sessions().size(), 1u);
}

TEST_F(SessionServerTest, AKeepAliveExtendsTheSessionAndRenewsItsLocks) {
  const SessionId s = open(kAlice, 1);
  const Out g = d.deliver(request(MsgType::kAcquire, kAlice, 2, s, 0));
  ASSERT_EQ(sent(g, MsgType::kGranted).size(), 1u);
  ASSERT_EQ(g.count_records(obs::kLeaseGranted), 1u);
  const auto granted = obs::LeaseGranted::decode(g.recs(obs::kLeaseGranted)[0]);
  EXPECT_EQ(granted.holder, kAlice);
  EXPECT_EQ(granted.token, granted.lease);  // the generation is the grant's log index
  d.advance(seconds(2));
  const Out k = d.deliver(request(MsgType::kKeepAlive, kAlice, 3, s));
  ASSERT_EQ(sent(k, MsgType::kKeepAliveOk).size(), 1u);
  EXPECT_EQ(server->expiry_of(s), d.now.mono + seconds(3));
  ASSERT_EQ(k.count_records(obs::kLeaseRenewed), 1u);
  EXPECT_EQ(obs::LeaseRenewed::decode(k.recs(obs::kLeaseRenewed)[0]).index, 0u);  // not logged
}

TEST_F(SessionServerTest, ALockIsRefusedWhileHeldAndToAnUnknownSession) {
  const SessionId a = open(kAlice, 1);
  const SessionId b = open(kBob, 1);
  d.deliver(request(MsgType::kAcquire, kAlice, 2, a, 0));
  const Out held = d.deliver(request(MsgType::kAcquire, kBob, 2, b, 0));
  ASSERT_EQ(sent(held, MsgType::kDenied).size(), 1u);
  EXPECT_EQ(sent(held, MsgType::kDenied)[0].as<SessionMsg>().error, ErrorCode::kHeld);
  const Out unknown = d.deliver(request(MsgType::kAcquire, kBob, 3, 999, 0));
  EXPECT_EQ(sent(unknown, MsgType::kDenied)[0].as<SessionMsg>().error, ErrorCode::kExpired);
}

// A session refused a lock it holds itself under another request (its
// Granted was lost, its retry came as a new request) is told the lock's
// lease, so that its client can hand it back; refused with no lease, the
// client never learned it and its live session held the lock for good
// (found by a review).
TEST_F(SessionServerTest, AnOwnLockRefusedCarriesItsLease) {
  const SessionId a = open(kAlice, 1);
  d.deliver(request(MsgType::kAcquire, kAlice, 2, a, 0));
  const Out again = d.deliver(request(MsgType::kAcquire, kAlice, 3, a, 0));
  ASSERT_EQ(sent(again, MsgType::kDenied).size(), 1u);
  const SessionMsg r = sent(again, MsgType::kDenied)[0].as<SessionMsg>();
  EXPECT_EQ(r.error, ErrorCode::kHeld);
  EXPECT_EQ(r.holder, kAlice);
  EXPECT_NE(r.lease, kNoLease);
  // Another session's refusal names no lease.
  const SessionId b = open(kBob, 1);
  const Out other = d.deliver(request(MsgType::kAcquire, kBob, 2, b, 0));
  EXPECT_EQ(sent(other, MsgType::kDenied)[0].as<SessionMsg>().lease, kNoLease);
}

TEST_F(SessionServerTest, SessionExpiryFreesItsLocksAndStartsLockDelay) {
  const SessionId a = open(kAlice, 1);
  const SessionId b = open(kBob, 1);
  d.deliver(request(MsgType::kAcquire, kAlice, 2, a, 0));
  // Bob keeps his session alive; alice does not.
  d.advance(seconds(2));
  d.deliver(request(MsgType::kKeepAlive, kBob, 2, b));
  d.advance(milliseconds(1500));
  d.deliver(request(MsgType::kKeepAlive, kBob, 3, b));
  Out e;  // until alice's expiry timer fires
  for (int i = 0; i < 100 && e.count_records(obs::kSessionEnd) == 0; ++i)
    e.append(d.fire_earliest());
  ASSERT_EQ(e.count_records(obs::kSessionEnd), 1u);
  ASSERT_EQ(e.count_records(obs::kLeaseFreed), 1u);
  EXPECT_EQ(obs::LeaseFreed::decode(e.recs(obs::kLeaseFreed)[0]).reason, FreeReason::kExpired);
  EXPECT_EQ(server->table().find(a), nullptr);
  // Lock-delay (1 s in chubby): refused as blocked, granted after.
  const Out blocked = d.deliver(request(MsgType::kAcquire, kBob, 4, b, 0));
  EXPECT_EQ(sent(blocked, MsgType::kDenied)[0].as<SessionMsg>().error, ErrorCode::kBlocked);
  d.advance(seconds(1));
  d.deliver(request(MsgType::kKeepAlive, kBob, 5, b));
  EXPECT_EQ(sent(d.deliver(request(MsgType::kAcquire, kBob, 6, b, 0)), MsgType::kGranted).size(),
            1u);
  // A KeepAlive of the expired session is told so.
  const Out late = d.deliver(request(MsgType::kKeepAlive, kAlice, 7, a));
  EXPECT_EQ(sent(late, MsgType::kSessionExpired).size(), 1u);
}

TEST_F(SessionServerTest, AReleaseFreesTheLockAtOnceWithoutLockDelay) {
  const SessionId a = open(kAlice, 1);
  const SessionId b = open(kBob, 1);
  const Out g = d.deliver(request(MsgType::kAcquire, kAlice, 2, a, 0));
  const LeaseId lease = sent(g, MsgType::kGranted)[0].as<SessionMsg>().lease;
  const Out r = d.deliver(request(MsgType::kRelease, kAlice, 3, a, 0, lease));
  ASSERT_EQ(r.count_records(obs::kLeaseFreed), 1u);
  EXPECT_EQ(obs::LeaseFreed::decode(r.recs(obs::kLeaseFreed)[0]).reason, FreeReason::kReleased);
  EXPECT_EQ(sent(d.deliver(request(MsgType::kAcquire, kBob, 2, b, 0)), MsgType::kGranted).size(),
            1u);
}

TEST_F(SessionServerTest, SequencerValidationAnswersAtCommitAndHoldsTheLockBack) {
  const SessionId a = open(kAlice, 1);
  const SessionId b = open(kBob, 1);
  const Out g = d.deliver(request(MsgType::kAcquire, kAlice, 2, a, 0));
  const LeaseId lease = sent(g, MsgType::kGranted)[0].as<SessionMsg>().lease;
  Message v;
  v.reset(static_cast<uint16_t>(MsgType::kValidate), 4, 0);
  v.resource = 0;
  raft_lease::LeaseMsg& q = v.set<raft_lease::LeaseMsg>();
  q.lease = lease;
  q.request_id = 77;
  const Out ok = d.deliver(v);
  const auto answers = sent(ok, MsgType::kValidated);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_TRUE(answers[0].as<raft_lease::LeaseMsg>().success);
  EXPECT_EQ(answers[0].as<raft_lease::LeaseMsg>().ttl, milliseconds(250));
  // Released right after: the window (250 ms) still holds the lock back.
  d.deliver(request(MsgType::kRelease, kAlice, 3, a, 0, lease));
  const Out blocked = d.deliver(request(MsgType::kAcquire, kBob, 2, b, 0));
  EXPECT_EQ(sent(blocked, MsgType::kDenied)[0].as<SessionMsg>().error, ErrorCode::kBlocked);
  // A stale sequencer is refused.
  q.lease = lease - 1;
  EXPECT_FALSE(sent(d.deliver(v), MsgType::kValidated)[0].as<raft_lease::LeaseMsg>().success);
}

TEST_F(SessionServerTest, ANewLeaderExtendsEverySessionByAFullTimeout) {
  const SessionId a = open(kAlice, 1);
  d.deliver(request(MsgType::kAcquire, kAlice, 2, a, 0));
  // The server restarts over its disk and leads again later.
  d.advance(seconds(1));
  server = std::make_unique<SessionServer>(ServerConfig{0, {0}, 1, preset("chubby"), seconds(3)},
                                           disk, Rng(2));
  d.reset(server.get());
  Out all = d.start();
  for (int i = 0; i < 10 && !server->ready(); ++i) all.append(d.fire_earliest());
  ASSERT_TRUE(server->ready());
  EXPECT_EQ(server->expiry_of(a), d.now.mono + seconds(3));
  ASSERT_EQ(all.count_records(obs::kLeaseRefreshed), 1u);
  EXPECT_EQ(obs::LeaseRefreshed::decode(all.recs(obs::kLeaseRefreshed)[0]).expiry,
            d.now.mono + seconds(3));
}

// The master's immediate answers (a redirect, a refusal before anything is
// logged) name the send they answer, so that a client acts only on its
// latest send's (a duplicated answer started a retry chain of its own).
TEST_F(SessionServerTest, ImmediateAnswersNameTheSendTheyAnswer) {
  const SessionId a = open(kAlice, 1);
  const SessionId b = open(kBob, 1);
  d.deliver(request(MsgType::kAcquire, kAlice, 2, a, 0));
  Message q = request(MsgType::kAcquire, kBob, 2, b, 0);
  q.as<SessionMsg>().attempt = 7;
  const Out held = d.deliver(q);
  ASSERT_EQ(sent(held, MsgType::kDenied).size(), 1u);
  EXPECT_EQ(sent(held, MsgType::kDenied)[0].as<SessionMsg>().attempt, 7u);
  // A server that does not lead (restarted, not yet elected) redirects.
  server = std::make_unique<SessionServer>(ServerConfig{0, {0}, 1, preset("chubby"), seconds(3)},
                                           disk, Rng(2));
  d.reset(server.get());
  d.start();
  q.as<SessionMsg>().attempt = 8;
  const Out redirect = d.deliver(q);
  ASSERT_EQ(sent(redirect, MsgType::kRedirect).size(), 1u);
  EXPECT_EQ(sent(redirect, MsgType::kRedirect)[0].as<SessionMsg>().attempt, 8u);
}

// A three-server core driven by hand from server 0's side: server 1
// acknowledges whatever server 0 replicates to it (while `ack`), server 2
// is never heard from, so an entry commits when the test lets it.
struct OfThree {
  OfThree() : server(config(), disk, Rng(1)), d(&server) {}
  static ServerConfig config() {
    Options chubby;
    EXPECT_TRUE(preset_options("chubby", &chubby));
    ServerConfig c;
    c.self = 0;
    c.servers = {0, 1, 2};
    c.resources = 1;
    c.options = chubby;
    c.session_timeout = seconds(3);
    return c;
  }
  static uint16_t raft(raft::MsgKind k) {
    return static_cast<uint16_t>(kRaftMsgBase + static_cast<uint16_t>(k));
  }
  Out follow(const Out& o) {
    Out all;
    for (const Message& m : o.msgs) {
      if (m.to != 1 || !ack) continue;
      Message r;
      if (m.type == raft(raft::MsgKind::kRequestVote)) {
        r.reset(raft(raft::MsgKind::kVoteReply), 1, 0);
        raft::RaftMsg& v = r.set<raft::RaftMsg>();
        v.term = m.as<raft::RaftMsg>().term;
        v.success = true;
      } else if (m.type == raft(raft::MsgKind::kAppendEntries)) {
        const raft::RaftMsg& q = m.as<raft::RaftMsg>();
        r.reset(raft(raft::MsgKind::kAppendReply), 1, 0);
        raft::RaftMsg& a = r.set<raft::RaftMsg>();
        a.term = q.term;
        a.success = true;
        a.index = q.index + m.entries.size();
        a.stamp = q.stamp;
      } else {
        continue;
      }
      const Out got = d.deliver(r);
      all.append(got);
      all.append(follow(got));
    }
    return all;
  }
  Out step(const Out& o) {
    Out all = o;
    all.append(follow(o));
    return all;
  }
  Out heartbeat() { return step(d.fire(SessionServer::kHeartbeatTimer)); }
  // Delivers `m` and runs a heartbeat round: replicated and committed by
  // then at the latest (while `ack`).
  Out deliver(const Message& m) {
    Out o = step(d.deliver(m));
    o.append(heartbeat());
    return o;
  }
  Out request(MsgType type, NodeId from, uint64_t id, SessionId s, ResourceId r, LeaseId lease) {
    Message m;
    m.reset(static_cast<uint16_t>(type), from, 0);
    m.resource = r;
    SessionMsg& q = m.set<SessionMsg>();
    q.request_id = id;
    q.session = s;
    q.lease = lease;
    return deliver(m);
  }
  // Alice's session opened (request 1) and lock 0 granted to it (request
  // 2), each committed and answered: the session and the lock's lease (a
  // failure, and zeros, if an answer is missing).
  struct Held {
    SessionId session = kNoSession;
    LeaseId lease = kNoLease;
  };
  Held alice_holds_lock() {
    Held h;
    const Out opened = request(MsgType::kOpenSession, kAlice, 1, kNoSession, kNoResource, kNoLease);
    const auto o = sent(opened, MsgType::kSessionOpened);
    EXPECT_EQ(o.size(), 1u);
    if (o.empty()) return h;
    h.session = o[0].as<SessionMsg>().session;
    const auto g =
        sent(request(MsgType::kAcquire, kAlice, 2, h.session, 0, kNoLease), MsgType::kGranted);
    EXPECT_EQ(g.size(), 1u);
    if (!g.empty()) h.lease = g[0].as<SessionMsg>().lease;
    return h;
  }
  // Elected, ready, and past the new master's wait.
  void lead() {
    d.start();
    elect();
  }
  void elect() {
    step(d.fire(SessionServer::kElectionTimer));
    for (int i = 0; i < 40; ++i) heartbeat();
    ASSERT_EQ(server.role(), Role::kLeader);
    ASSERT_TRUE(server.ready());
  }
  bool ack = true;
  raft::Disk disk;
  SessionServer server;
  Driver d;
};

// A Release is answered only once it has committed. A retry that reaches the
// master while the release is still in flight gets no answer: the commit
// answers. (It was answered Released at once, "already going": the client
// stopped asking, and when that master was deposed before the entry
// committed, the lock stayed with the session, its KeepAlives keeping it
// alive, for the rest of the run: scenarios/sessions/release-answered-after-
// commit.json, availability 6.9%.)
TEST(SessionServerOfThree, AReleaseInFlightIsAnsweredOnlyByItsCommit) {
  OfThree t;
  t.lead();
  const auto [s, lease] = t.alice_holds_lock();
  ASSERT_NE(lease, kNoLease);
  // The Release is logged, but server 1 falls silent: it does not commit.
  t.ack = false;
  const Out first = t.request(MsgType::kRelease, kAlice, 3, s, 0, lease);
  EXPECT_TRUE(sent(first, MsgType::kReleased).empty());
  EXPECT_EQ(t.server.table().lock(0).session, s);
  // Its retry, still in flight: no answer (it was answered Released).
  const Out retry = t.request(MsgType::kRelease, kAlice, 3, s, 0, lease);
  EXPECT_TRUE(sent(retry, MsgType::kReleased).empty());
  // Server 1 is back: the release commits and is answered, once.
  t.ack = true;
  const Out done = t.heartbeat();
  ASSERT_EQ(sent(done, MsgType::kReleased).size(), 1u);
  EXPECT_EQ(sent(done, MsgType::kReleased)[0].as<SessionMsg>().request_id, 3u);
  EXPECT_EQ(t.server.table().lock(0).session, kNoSession);
  // A retry after the commit: nothing of the sender's left, answered at once.
  EXPECT_EQ(sent(t.request(MsgType::kRelease, kAlice, 3, s, 0, lease), MsgType::kReleased).size(),
            1u);
}

constexpr NodeId kStorage = 4;

// Storage's VALIDATE (raft-lease's storage sub-protocol) of `lease`.
Message Validate(LeaseId lease, uint64_t request_id, uint64_t attempt = 1) {
  Message v;
  v.reset(static_cast<uint16_t>(MsgType::kValidate), kStorage, 0);
  v.resource = 0;
  raft_lease::LeaseMsg& q = v.set<raft_lease::LeaseMsg>();
  q.lease = lease;
  q.token = lease;
  q.request_id = request_id;
  q.attempt = attempt;
  return v;
}

std::vector<uint64_t> validated(const Out& o) {
  std::vector<uint64_t> ids;
  for (const Message& m : sent(o, MsgType::kValidated)) {
    EXPECT_TRUE(m.as<raft_lease::LeaseMsg>().success);
    ids.push_back(m.as<raft_lease::LeaseMsg>().request_id);
  }
  return ids;
}

// The master logs a VALIDATE and answers at its commit. A copy of it (the
// network duplicated it, or storage resent it: the same request id, so the
// same question with the same anchor at storage) arriving before that
// commit is answered by it, not logged and answered again.
TEST(SessionServerOfThree, ACopyOfAValidationInFlightIsAnsweredByItsCommitNotLoggedAgain) {
  OfThree t;
  t.lead();
  const LeaseId lease = t.alice_holds_lock().lease;
  ASSERT_NE(lease, kNoLease);
  // Nothing commits for now (and no heartbeat round passes unanswered, for
  // CheckQuorum).
  t.ack = false;
  Out asked = t.d.deliver(Validate(lease, 77, 1));
  asked.append(t.d.deliver(Validate(lease, 77, 2)));  // a resend of it
  asked.append(t.d.deliver(Validate(lease, 77, 2)));  // and a copy of that
  // A new attempt of storage (a new request id, a new anchor) is a new
  // question: logged and answered on its own.
  asked.append(t.d.deliver(Validate(lease, 78, 3)));
  EXPECT_TRUE(validated(asked).empty());
  t.ack = true;
  EXPECT_EQ(validated(t.heartbeat()), (std::vector<uint64_t>{77, 78}));
  // Once answered, a copy is a question again: logged, answered at its
  // own commit.
  EXPECT_EQ(validated(t.deliver(Validate(lease, 77, 2))), (std::vector<uint64_t>{77}));
}

// The record of a validation in flight is the leadership's: once leadership
// ends the entry may never be answered by this server (a later leader
// commits it without answering), so a copy reaching it when it leads again
// is a question again.
TEST(SessionServerOfThree, AValidationLoggedInAnEarlierLeadershipIsLoggedAgain) {
  OfThree t;
  t.lead();
  const LeaseId lease = t.alice_holds_lock().lease;
  ASSERT_NE(lease, kNoLease);
  t.ack = false;
  EXPECT_TRUE(validated(t.d.deliver(Validate(lease, 77, 1))).empty());
  // Server 2 leads a later term: server 0 steps down before its entry
  // commits, then is elected again.
  Message append;
  append.reset(OfThree::raft(raft::MsgKind::kAppendEntries), 2, 0);
  append.set<raft::RaftMsg>().term = t.server.term() + 1;
  t.d.deliver(append);
  ASSERT_EQ(t.server.role(), Role::kFollower);
  t.ack = true;
  t.elect();
  EXPECT_EQ(validated(t.deliver(Validate(lease, 77, 2))), (std::vector<uint64_t>{77}));
}

// A server that does not lead redirects storage's VALIDATE to the leader it
// knows, echoing the send's attempt: storage sends the question on once,
// however many copies of the redirect the network delivers (each copy sent
// another VALIDATE).
TEST(SessionServerOfThree, ADuplicatedRedirectOfAValidationSendsItOnOnce) {
  raft::Disk disk;
  SessionServer follower(OfThree::config(), disk, Rng(1));
  Driver fd(&follower);
  fd.start();
  // Server 1 leads term 1.
  Message append;
  append.reset(OfThree::raft(raft::MsgKind::kAppendEntries), 1, 0);
  append.set<raft::RaftMsg>().term = 1;
  fd.deliver(append);
  ASSERT_EQ(follower.role(), Role::kFollower);

  raft_lease::StorageConfig sc(kStorage, 1, true);
  sc.sequencer = raft_lease::SequencerOptions{true, milliseconds(400)};
  sc.servers = {0, 1, 2};
  raft_lease::StorageDisk sdisk;
  raft_lease::Storage storage(sc, sdisk, Rng(3));
  Driver sd(&storage);
  sd.advance(seconds(1));
  sd.start();
  Message write;
  write.reset(static_cast<uint16_t>(MsgType::kWrite), kAlice, kStorage);
  write.resource = 0;
  raft_lease::LeaseMsg& w = write.set<raft_lease::LeaseMsg>();
  w.lease = 5;
  w.token = 5;
  w.request_id = 1;
  const auto asked = sent(sd.deliver(write), MsgType::kValidate);
  ASSERT_EQ(asked.size(), 1u);
  Message v = asked[0];
  v.to = 0;  // storage's first pick is its own draw: to the follower
  const auto redirects = sent(fd.deliver(v), MsgType::kRedirect);
  ASSERT_EQ(redirects.size(), 1u);
  const raft_lease::LeaseMsg& r = redirects[0].as<raft_lease::LeaseMsg>();
  EXPECT_EQ(r.leader_hint, 1u);
  EXPECT_EQ(r.request_id, v.as<raft_lease::LeaseMsg>().request_id);
  EXPECT_EQ(r.attempt, v.as<raft_lease::LeaseMsg>().attempt) << "names the send it answers";
  const auto on = sent(sd.deliver(redirects[0]), MsgType::kValidate);
  ASSERT_EQ(on.size(), 1u);
  EXPECT_EQ(on[0].to, 1u);
  // The network delivers the redirect again: that send went on already.
  EXPECT_TRUE(sent(sd.deliver(redirects[0]), MsgType::kValidate).empty());
}

}  // namespace
}  // namespace server_test
}  // namespace leasesim::session_lease
