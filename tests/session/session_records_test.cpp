// session-lease emits the protocol-neutral session observations
// (protocol/session_observations.hpp) at the right moments: the core's
// record of a session (begin at the open's commit, extend at each answered
// KeepAlive and at a new leader, end at expiry) and the client's view
// (safe, jeopardy, lost), with the deadlines each side works to.
#include <gtest/gtest.h>

#include "../protocol/harness.hpp"
#include "leasesim/protocol/session_observations.hpp"
#include "leasesim/protocols/session_lease/client.hpp"
#include "leasesim/protocols/session_lease/server.hpp"

namespace leasesim::session_lease {
namespace session_records_test {
namespace {

using testing::Driver;
using testing::Out;

constexpr NodeId kAlice = 5;
constexpr Duration kTimeout = seconds(3);

std::vector<Message> sent(const Out& o, MsgType t) {
  std::vector<Message> r;
  for (const Message& m : o.msgs)
    if (m.is(t)) r.push_back(m);
  return r;
}

Options preset(std::string_view name) {
  Options o;
  EXPECT_TRUE(preset_options(name, &o));
  return o;
}

template <typename T>
std::vector<T> decoded(const Out& o) {
  std::vector<T> r;
  for (const Record& rec : o.recs(T::kKind)) r.push_back(decode_as<T>(rec));
  return r;
}

// --- The core's record ---------------------------------------------------

class SessionRecordsServer : public ::testing::Test {
 protected:
  void SetUp() override {
    config.self = 0;
    config.servers = {0};
    config.resources = 1;
    config.options = preset("chubby");
    config.session_timeout = kTimeout;
    start(Rng(1));
    d.advance(seconds(2));  // past the new master's wait
  }
  void start(Rng rng) {
    server = std::make_unique<SessionServer>(config, disk, rng);
    d.reset(server.get());
    started = d.start();
    // A one-server core elects itself and is ready once its no-op applies.
    for (int i = 0; i < 10 && !server->ready(); ++i) started.append(d.fire_earliest());
    ASSERT_TRUE(server->ready());
  }
  Message request(MsgType type, uint64_t id, SessionId s = kNoSession, ResourceId r = kNoResource) {
    Message m;
    m.reset(static_cast<uint16_t>(type), kAlice, 0);
    m.resource = r;
    SessionMsg& q = m.set<SessionMsg>();
    q.request_id = id;
    q.session = s;
    return m;
  }
  ServerConfig config;
  raft::Disk disk;
  std::unique_ptr<SessionServer> server;
  Driver d;
  Out started;
};

TEST_F(SessionRecordsServer, TheOpensCommitBeginsTheSessionOnceWithItsExpiry) {
  const Out o = d.deliver(request(MsgType::kOpenSession, 1));
  const SessionId s = sent(o, MsgType::kSessionOpened).at(0).as<SessionMsg>().session;
  const auto begins = decoded<obs::SessionBegin>(o);
  ASSERT_EQ(begins.size(), 1u);
  EXPECT_EQ(begins[0].session, s);
  EXPECT_EQ(begins[0].client, kAlice);
  EXPECT_EQ(begins[0].timeout, kTimeout);
  EXPECT_EQ(begins[0].expiry, d.now.mono + kTimeout);
  EXPECT_EQ(begins[0].expiry, server->expiry_of(s));
  // A retried open is answered again but begins nothing.
  EXPECT_EQ(d.deliver(request(MsgType::kOpenSession, 1)).count_records(obs::kSessionBegin), 0u);
}

TEST_F(SessionRecordsServer, EachAnsweredKeepAliveExtendsTheSession) {
  const SessionId s = sent(d.deliver(request(MsgType::kOpenSession, 1)), MsgType::kSessionOpened)
                          .at(0)
                          .as<SessionMsg>()
                          .session;
  d.advance(seconds(2));
  const Out k = d.deliver(request(MsgType::kKeepAlive, 2, s));
  const auto ext = decoded<obs::SessionExtend>(k);
  ASSERT_EQ(ext.size(), 1u);
  EXPECT_EQ(ext[0].session, s);
  EXPECT_EQ(ext[0].client, kAlice);
  EXPECT_EQ(ext[0].expiry, d.now.mono + kTimeout);
  EXPECT_EQ(ext[0].cause, SessionExtendCause::kKeepAlive);
  // A KeepAlive of an unknown session extends nothing.
  EXPECT_EQ(d.deliver(request(MsgType::kKeepAlive, 3, 999)).count_records(obs::kSessionExtend), 0u);
}

TEST_F(SessionRecordsServer, TheSessionEndsAtItsExpiryBeforeItsLocksAreFreed) {
  const SessionId s = sent(d.deliver(request(MsgType::kOpenSession, 1)), MsgType::kSessionOpened)
                          .at(0)
                          .as<SessionMsg>()
                          .session;
  const TimePoint expiry = server->expiry_of(s);
  d.deliver(request(MsgType::kAcquire, 2, s, 0));
  // Not a moment before the expiry: every timer due earlier ends nothing.
  d.advance(expiry - d.now.mono - milliseconds(1));
  // (Only due timers: the harness fires any timer on demand.)
  auto fire_due = [this](Out* into) {
    for (int i = 0; i < 50 && d.until_earliest() == Duration::zero(); ++i)
      into->append(d.fire_earliest());
  };
  Out early;
  fire_due(&early);
  EXPECT_EQ(early.count_records(obs::kSessionEnd), 0u);
  d.advance(milliseconds(1));
  Out e;
  fire_due(&e);
  const auto ends = decoded<obs::SessionEnd>(e);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].session, s);
  EXPECT_EQ(ends[0].client, kAlice);
  EXPECT_EQ(ends[0].reason, SessionEndReason::kExpired);
  EXPECT_EQ(d.now.mono, expiry);  // a one-server core commits the expiry at once
  // The lock goes with it, recorded after the session's end.
  ASSERT_EQ(e.count_records(obs::kLeaseFreed), 1u);
  size_t end_at = 0, freed_at = 0;
  for (size_t i = 0; i < e.records.size(); ++i) {
    if (e.records[i].kind == obs::kSessionEnd) end_at = i;
    if (e.records[i].kind == obs::kLeaseFreed) freed_at = i;
  }
  EXPECT_LT(end_at, freed_at);
}

TEST_F(SessionRecordsServer, ANewLeaderExtendsEverySessionItInherits) {
  const SessionId s = sent(d.deliver(request(MsgType::kOpenSession, 1)), MsgType::kSessionOpened)
                          .at(0)
                          .as<SessionMsg>()
                          .session;
  d.advance(seconds(1));
  start(Rng(2));  // restarted over its disk, leading again
  const auto ext = decoded<obs::SessionExtend>(started);
  ASSERT_EQ(ext.size(), 1u);
  EXPECT_EQ(ext[0].session, s);
  EXPECT_EQ(ext[0].cause, SessionExtendCause::kNewLeader);
  EXPECT_EQ(ext[0].expiry, d.now.mono + kTimeout);
  // Replaying the open may record its begin again: the same session, so a
  // reader keeping the first begin of each session keeps the original.
  for (const auto& b : decoded<obs::SessionBegin>(started)) EXPECT_EQ(b.session, s);
  EXPECT_EQ(started.count_records(obs::kSessionEnd), 0u);
}

// --- The client's view -----------------------------------------------------

struct ClientFixture {
  explicit ClientFixture(Options o) {
    ClientConfig c;
    c.self = kAlice;
    c.servers = {0};
    c.resources = {0};
    c.options = o;
    c.keepalive_every = seconds(1);
    c.think_max = Duration::zero();
    c.hold_min = c.hold_max = seconds(100);
    client = std::make_unique<Client>(c, Rng(7));
    d.reset(client.get());
  }
  Message answer(MsgType type, const Message& q, SessionId s = 3) {
    Message m;
    m.reset(static_cast<uint16_t>(type), 0, kAlice);
    SessionMsg& a = m.set<SessionMsg>();
    a.request_id = q.as<SessionMsg>().request_id;
    a.session = s;
    a.timeout = kTimeout;
    return m;
  }
  // Opens session 3, answered `after` the open was sent.
  Out open(Duration after) {
    const Message q = sent(d.start(), MsgType::kOpenSession).at(0);
    d.advance(after);
    return d.deliver(answer(MsgType::kSessionOpened, q));
  }
  std::unique_ptr<Client> client;
  Driver d;
};

obs::SessionState only_state(const Out& o) {
  const auto v = decoded<obs::SessionState>(o);
  EXPECT_EQ(v.size(), 1u);
  return v.empty() ? obs::SessionState{} : v[0];
}

TEST(SessionRecordsClient, AnOpenedSessionIsSafeUntilTheLocalTimeout) {
  ClientFixture f(preset("chubby"));
  const auto s = only_state(f.open(milliseconds(400)));
  EXPECT_EQ(s.session, 3u);
  EXPECT_EQ(s.state, SessionView::kSafe);
  EXPECT_EQ(s.until, TimePoint(milliseconds(2994).ns()));  // C, from the open's send
  EXPECT_EQ(s.clock, ClockKind::kMonotonic);
  EXPECT_EQ(s.reason, SessionLoss::kNone);
}

TEST(SessionRecordsClient, JeopardyAtTheLocalTimeoutUntilTheGraceEndsThenSafeAgain) {
  const Options o = preset("chubby");
  ClientFixture f(o);
  f.open(milliseconds(10));
  const TimePoint c = TimePoint(milliseconds(2994).ns());
  const auto j = only_state(f.d.fire(Client::kSessionTimer));
  EXPECT_EQ(f.d.now.mono, c);
  EXPECT_EQ(j.state, SessionView::kJeopardy);
  EXPECT_EQ(j.until, c + o.grace);
  // A KeepAlive answered in jeopardy: safe again, until the new C.
  const Message ka = sent(f.d.fire(Client::kKeepAliveTimer), MsgType::kKeepAlive).at(0);
  const TimePoint ka_sent = f.d.now.mono;
  f.d.advance(milliseconds(20));
  const auto s = only_state(f.d.deliver(f.answer(MsgType::kKeepAliveOk, ka)));
  EXPECT_EQ(s.state, SessionView::kSafe);
  EXPECT_EQ(s.until, ka_sent + milliseconds(2994));
  // An answer while safe changes no state: no record.
  const Message ka2 = sent(f.d.fire(Client::kKeepAliveTimer), MsgType::kKeepAlive).at(0);
  EXPECT_EQ(f.d.deliver(f.answer(MsgType::kKeepAliveOk, ka2)).count_records(obs::kSessionState),
            0u);
}

TEST(SessionRecordsClient, TheSessionIsLostWhenTheGraceEndsOrWhenTheCoreSaysItExpired) {
  const Options o = preset("chubby");
  ClientFixture f(o);
  f.open(milliseconds(10));
  f.d.fire(Client::kSessionTimer);                // jeopardy
  const Out g = f.d.fire(Client::kSessionTimer);  // the grace period is over
  const auto lost = only_state(g);
  EXPECT_EQ(lost.state, SessionView::kLost);
  EXPECT_EQ(lost.reason, SessionLoss::kTimedOut);
  EXPECT_EQ(sent(g, MsgType::kOpenSession).size(), 1u);  // and a new one is opened

  ClientFixture t(preset("trusting"));
  const Out opened = t.open(milliseconds(10));
  EXPECT_EQ(only_state(opened).until, kForever);  // no local timeout: safe for good
  t.d.advance(seconds(60));
  const Message ka = sent(t.d.fire_now(Client::kKeepAliveTimer), MsgType::kKeepAlive).at(0);
  const auto told = only_state(t.d.deliver(t.answer(MsgType::kSessionExpired, ka)));
  EXPECT_EQ(told.state, SessionView::kLost);
  EXPECT_EQ(told.reason, SessionLoss::kToldExpired);
}

TEST(SessionRecordsClient, AServerJudgedJeopardyHasNoEndOfItsOwn) {
  ClientFixture f(preset("zookeeper"));
  f.open(milliseconds(10));
  const auto j = only_state(f.d.fire(Client::kSessionTimer));
  EXPECT_EQ(j.state, SessionView::kJeopardy);
  EXPECT_EQ(j.until, kForever);
}

TEST(SessionRecordsClient, ASessionOpenedTooLateToBeSafeStartsInJeopardy) {
  ClientFixture f(preset("chubby"));
  const auto s = only_state(f.open(seconds(3)));  // answered after C (2.994 s)
  EXPECT_EQ(s.state, SessionView::kJeopardy);
}

}  // namespace
}  // namespace session_records_test
}  // namespace leasesim::session_lease
