// The requestor: acquire, belief deadlines, renewals, release, redirects,
// retries and the two-step work loop.
#include "leasesim/protocols/raft_lease/requestor.hpp"

#include <gtest/gtest.h>

#include "harness.hpp"

namespace leasesim {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
using testing::L;
using testing::R;
namespace {

using testing::Driver;
using testing::Out;

constexpr NodeId kSelf = 100;
constexpr NodeId kStorage = 50;
constexpr ResourceId kRes = 3;
constexpr LeaseId kLease = 7;

RequestorConfig Config(const LeaseOptions& o = LeaseOptions{}) {
  RequestorConfig c;
  c.self = kSelf;
  c.servers = {0, 1, 2};
  c.storage = kStorage;
  c.resources = {kRes};
  c.options = o;
  c.ttl = seconds(5);
  c.renew_every = seconds(1);
  c.start_after = seconds(1);
  c.think_min = c.think_max = Duration::zero();
  c.hold_min = c.hold_max = seconds(2);
  c.backoff_min = c.backoff_max = milliseconds(500);
  c.request_timeout = seconds(1);
  return c;
}

Message Reply(MsgType type, const Message& req) {
  Message m = testing::LeaseMessage(type, req.to, req.from, req.resource);
  L(m).request_id = L(req).request_id;
  L(m).lease = L(req).lease;
  return m;
}

Message GrantFor(const Message& acquire, Duration ttl = seconds(5)) {
  Message m = Reply(MsgType::kGranted, acquire);
  L(m).lease = kLease;
  L(m).token = kLease;
  L(m).ttl = ttl;
  return m;
}

// A requestor with a driver; `acquire` is its first ACQUIRE.
struct Harness {
  explicit Harness(const RequestorConfig& cfg, uint64_t seed = 1) : r(cfg, Rng(seed)), d(&r) {
    start = d.start();
    wake = d.fire(Requestor::kWakeTimer);
    const auto a = wake.sent(MsgType::kAcquire);
    EXPECT_EQ(a.size(), 1u);
    if (!a.empty()) acquire = a[0];
    sent_at = d.now.mono;
  }
  // Delivers GRANTED `after` the acquire was sent.
  Out grant(Duration after = milliseconds(200), Duration ttl = seconds(5)) {
    d.advance(after);
    return d.deliver(GrantFor(acquire, ttl));
  }
  Requestor r;
  Driver d;
  Out start, wake;
  Message acquire;
  TimePoint sent_at;
};

Record Only(const Out& o, uint16_t kind) {
  const auto r = o.recs(kind);
  EXPECT_EQ(r.size(), 1u) << "kind " << kind;
  return r.empty() ? Record{} : r[0];
}

TEST(Requestor, StartSetsAWakeTimer) {
  Requestor r(Config(), Rng(1));
  Driver d(&r);
  const Out o = d.start();
  EXPECT_TRUE(o.msgs.empty());
  EXPECT_TRUE(o.records.empty());
  const auto t = o.timers_of(Requestor::kWakeTimer);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].deadline, TimePoint(seconds(1).ns()));  // start_after + zero think
  EXPECT_EQ(t[0].clock, ClockKind::kMonotonic);
  EXPECT_EQ(r.phase(), Requestor::Phase::kIdle);
}

TEST(Requestor, WakeWantsAndAcquires) {
  Harness h(Config());
  EXPECT_EQ(decode_as<obs::Want>(Only(h.wake, obs::kWant)).resource, kRes);
  const Message& a = h.acquire;
  EXPECT_TRUE(a.is(MsgType::kAcquire));
  EXPECT_EQ(a.from, kSelf);
  EXPECT_LT(a.to, 3u);
  EXPECT_EQ(a.resource, kRes);
  EXPECT_EQ(L(a).ttl, seconds(5));
  EXPECT_NE(L(a).request_id, 0u);
  const auto t = h.wake.timers_of(Requestor::kRequestTimer);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].deadline, h.sent_at + seconds(1));
  EXPECT_EQ(h.r.phase(), Requestor::Phase::kAcquiring);
}

TEST(Requestor, GrantedAnchoredAtReceipt) {
  LeaseOptions o;
  o.anchor = ExpiryAnchor::kReceipt;
  Harness h(Config(o));
  const Out g = h.grant(milliseconds(200));
  const Record b = Only(g, obs::kBeliefBegin);
  const TimePoint expect = h.sent_at + milliseconds(200) + seconds(5);
  EXPECT_EQ(decode_as<obs::BeliefBegin>(b).resource, kRes);
  EXPECT_EQ(decode_as<obs::BeliefBegin>(b).lease, kLease);
  EXPECT_EQ(decode_as<obs::BeliefBegin>(b).token, kLease);
  EXPECT_EQ(decode_as<obs::BeliefBegin>(b).deadline, expect);
  EXPECT_EQ(decode_as<obs::BeliefBegin>(b).clock, ClockKind::kMonotonic);
  EXPECT_TRUE(h.r.believes_holding());
  EXPECT_EQ(h.r.deadline(), expect);
  EXPECT_EQ(h.r.lease(), kLease);
  const auto dl = g.timers_of(Requestor::kDeadlineTimer);
  ASSERT_EQ(dl.size(), 1u);
  EXPECT_EQ(dl[0].deadline, expect);
  ASSERT_EQ(g.timers_of(Requestor::kRenewTimer).size(), 1u);
  EXPECT_EQ(g.timers_of(Requestor::kRenewTimer)[0].deadline, h.d.now.mono + seconds(1));
  ASSERT_EQ(g.timers_of(Requestor::kHoldEndTimer).size(), 1u);
  EXPECT_EQ(g.timers_of(Requestor::kHoldEndTimer)[0].deadline, h.d.now.mono + seconds(2));
  EXPECT_TRUE(g.msgs.empty());
}

TEST(Requestor, GrantedAnchoredAtSend) {
  LeaseOptions o;
  o.anchor = ExpiryAnchor::kSend;
  Harness h(Config(o));
  const Out g = h.grant(milliseconds(200));
  EXPECT_EQ(decode_as<obs::BeliefBegin>(Only(g, obs::kBeliefBegin)).deadline,
            h.sent_at + seconds(5));
}

TEST(Requestor, SendAnchorIsTheFirstSendOfARetriedRequest) {
  LeaseOptions o;
  o.anchor = ExpiryAnchor::kSend;
  Harness h(Config(o));
  const Out retry = h.d.fire(Requestor::kRequestTimer);  // +1s, next server
  const Message again = retry.sent(MsgType::kAcquire)[0];
  h.d.advance(milliseconds(100));
  const Out g = h.d.deliver(GrantFor(again));
  EXPECT_EQ(decode_as<obs::BeliefBegin>(Only(g, obs::kBeliefBegin)).deadline,
            h.sent_at + seconds(5));
}

TEST(Requestor, FixedMarginIsSubtracted) {
  LeaseOptions o;
  o.margin = HolderMargin{MarginKind::kFixed, milliseconds(300), 0};
  Harness h(Config(o));
  const Out g = h.grant(milliseconds(200));
  EXPECT_EQ(decode_as<obs::BeliefBegin>(Only(g, obs::kBeliefBegin)).deadline,
            h.sent_at + milliseconds(200) + seconds(5) - milliseconds(300));
}

TEST(Requestor, DriftBoundMarginIsExact) {
  LeaseOptions o;
  o.anchor = ExpiryAnchor::kSend;
  o.margin = HolderMargin{MarginKind::kDriftBound, milliseconds(1), 2000};
  Harness h(Config(o));
  const Out g = h.grant(milliseconds(200));
  // 5s * 2000ppm = 10ms, plus the fixed 1ms.
  EXPECT_EQ(decode_as<obs::BeliefBegin>(Only(g, obs::kBeliefBegin)).deadline,
            h.sent_at + seconds(5) - milliseconds(10) - milliseconds(1));
}

TEST(Requestor, GrantTooLateToUseIsHandedBack) {
  LeaseOptions o;
  o.anchor = ExpiryAnchor::kSend;
  Harness h(Config(o));
  h.d.advance(seconds(6));
  const Out g = h.d.deliver(GrantFor(h.acquire));
  EXPECT_EQ(g.count_records(obs::kBeliefBegin), 0u);
  const auto rel = g.sent(MsgType::kRelease);
  ASSERT_EQ(rel.size(), 1u);
  EXPECT_EQ(L(rel[0]).lease, kLease);
  EXPECT_EQ(rel[0].to, h.acquire.to);
  EXPECT_NE(L(rel[0]).request_id, L(h.acquire).request_id);
  EXPECT_EQ(h.r.phase(), Requestor::Phase::kReleasing);
}

TEST(Requestor, StaleGrantIsIgnored) {
  Harness h(Config());
  Message g = GrantFor(h.acquire);
  L(g).request_id += 100;
  const Out o = h.d.deliver(g);
  EXPECT_TRUE(o.records.empty());
  EXPECT_TRUE(o.msgs.empty());
  EXPECT_EQ(h.r.phase(), Requestor::Phase::kAcquiring);
}

TEST(Requestor, RenewTimerSendsRenewToTheGrantingServer) {
  Harness h(Config());
  h.grant();
  const Out o = h.d.fire(Requestor::kRenewTimer);
  const auto rn = o.sent(MsgType::kRenew);
  ASSERT_EQ(rn.size(), 1u);
  EXPECT_EQ(rn[0].to, h.acquire.to);
  EXPECT_EQ(rn[0].resource, kRes);
  EXPECT_EQ(L(rn[0]).lease, kLease);
  EXPECT_NE(L(rn[0]).request_id, L(h.acquire).request_id);
  ASSERT_EQ(o.timers_of(Requestor::kRenewTimer).size(), 1u);
  EXPECT_EQ(o.timers_of(Requestor::kRenewTimer)[0].deadline, h.d.now.mono + seconds(1));
}

TEST(Requestor, RenewedExtendsTheDeadlineOnlyIfLater) {
  LeaseOptions o;
  o.anchor = ExpiryAnchor::kSend;
  Harness h(Config(o));
  h.grant();
  const Message r1 = h.d.fire(Requestor::kRenewTimer).sent(MsgType::kRenew)[0];
  const TimePoint r1_sent = h.d.now.mono;
  const Message r2 = h.d.fire(Requestor::kRenewTimer).sent(MsgType::kRenew)[0];
  const TimePoint r2_sent = h.d.now.mono;
  h.d.advance(milliseconds(50));
  Message a2 = Reply(MsgType::kRenewed, r2);
  L(a2).ttl = seconds(5);
  const Out e2 = h.d.deliver(a2);
  const Record x = Only(e2, obs::kBeliefExtend);
  EXPECT_EQ(decode_as<obs::BeliefExtend>(x).resource, kRes);
  EXPECT_EQ(decode_as<obs::BeliefExtend>(x).lease, kLease);
  EXPECT_EQ(decode_as<obs::BeliefExtend>(x).deadline, r2_sent + seconds(5));
  EXPECT_EQ(h.r.deadline(), r2_sent + seconds(5));
  // The older renewal's answer would move the deadline back: ignored.
  Message a1 = Reply(MsgType::kRenewed, r1);
  L(a1).ttl = seconds(5);
  const Out e1 = h.d.deliver(a1);
  EXPECT_EQ(e1.count_records(obs::kBeliefExtend), 0u);
  EXPECT_EQ(h.r.deadline(), r2_sent + seconds(5));
  EXPECT_LT(r1_sent, r2_sent);
}

TEST(Requestor, RenewedForAnUnknownRequestIsIgnored) {
  Harness h(Config());
  h.grant();
  Message a = Reply(MsgType::kRenewed, h.acquire);
  L(a).request_id = 999;
  L(a).ttl = seconds(50);
  EXPECT_TRUE(h.d.deliver(a).records.empty());
}

TEST(Requestor, RedirectedRenewalIsResentToTheHint) {
  Harness h(Config());
  h.grant();
  const Message rn = h.d.fire(Requestor::kRenewTimer).sent(MsgType::kRenew)[0];
  const NodeId hint = (rn.to + 1) % 3;
  Message r = Reply(MsgType::kRedirect, rn);
  L(r).leader_hint = hint;
  const Out o = h.d.deliver(r);
  const auto again = o.sent(MsgType::kRenew);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].to, hint);
  EXPECT_EQ(L(again[0]).lease, kLease);
  EXPECT_TRUE(h.r.believes_holding());
  // Once the hint answers, later renewals go there too.
  Message ok = Reply(MsgType::kRenewed, again[0]);
  L(ok).ttl = seconds(5);
  h.d.advance(milliseconds(10));
  h.d.deliver(ok);
  EXPECT_EQ(h.d.fire(Requestor::kRenewTimer).sent(MsgType::kRenew)[0].to, hint);
}

// Renewals answered promptly stay with the server that answers them, with
// the default intervals (renew_every 1666ms > request_timeout 1s).
TEST(Requestor, AnsweredRenewalsStayWithTheLeader) {
  RequestorConfig cfg = Config();
  cfg.renew_every = RequestorConfig{}.renew_every;
  cfg.request_timeout = RequestorConfig{}.request_timeout;
  cfg.hold_min = cfg.hold_max = seconds(30);
  ASSERT_GT(cfg.renew_every, cfg.request_timeout);
  Harness h(cfg);
  h.grant(milliseconds(10));
  for (int i = 0; i < 5; ++i) {
    const auto rn = h.d.fire(Requestor::kRenewTimer).sent(MsgType::kRenew);
    ASSERT_EQ(rn.size(), 1u);
    EXPECT_EQ(rn[0].to, h.acquire.to) << "renewal " << i;
    Message ok = Reply(MsgType::kRenewed, rn[0]);
    L(ok).ttl = seconds(5);
    h.d.advance(milliseconds(10));
    h.d.deliver(ok);
  }
}

TEST(Requestor, UnansweredRenewalsMoveToTheNextServer) {
  RequestorConfig cfg = Config();
  cfg.ttl = seconds(10);
  cfg.renew_every = milliseconds(400);
  cfg.request_timeout = seconds(1);
  cfg.hold_min = cfg.hold_max = seconds(30);
  Harness h(cfg);
  h.grant(milliseconds(200), seconds(10));
  const NodeId first = h.acquire.to;
  // Renewals at +0.4s, +0.8s: the first is not overdue yet.
  EXPECT_EQ(h.d.fire(Requestor::kRenewTimer).sent(MsgType::kRenew)[0].to, first);
  EXPECT_EQ(h.d.fire(Requestor::kRenewTimer).sent(MsgType::kRenew)[0].to, first);
  // +1.2s: no answer for more than request_timeout: try the next server.
  const auto moved = h.d.fire(Requestor::kRenewTimer).sent(MsgType::kRenew);
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].to, (first + 1) % 3);
  // And it stays there while that one is given its chance.
  EXPECT_EQ(h.d.fire(Requestor::kRenewTimer).sent(MsgType::kRenew)[0].to, (first + 1) % 3);
}

TEST(Requestor, RenewalDeniedAsExpiredRevokesTheBelief) {
  Harness h(Config());
  h.grant();
  const Message rn = h.d.fire(Requestor::kRenewTimer).sent(MsgType::kRenew)[0];
  Message d = Reply(MsgType::kDenied, rn);
  L(d).error = ErrorCode::kExpired;
  const Out o = h.d.deliver(d);
  const Record e = Only(o, obs::kBeliefEnd);
  EXPECT_EQ(decode_as<obs::BeliefEnd>(e).resource, kRes);
  EXPECT_EQ(decode_as<obs::BeliefEnd>(e).lease, kLease);
  EXPECT_EQ(decode_as<obs::BeliefEnd>(e).reason, BeliefEndReason::kRevoked);
  EXPECT_FALSE(h.r.believes_holding());
  EXPECT_EQ(h.r.phase(), Requestor::Phase::kIdle);
  ASSERT_EQ(o.timers_of(Requestor::kWakeTimer).size(), 1u);
  EXPECT_EQ(o.timers_of(Requestor::kWakeTimer)[0].deadline, h.d.now.mono + milliseconds(500));
  // Its timers of that hold are cancelled, and would do nothing anyway.
  EXPECT_EQ(h.d.pending_count(Requestor::kDeadlineTimer), 0u);
  EXPECT_EQ(h.d.pending_count(Requestor::kRenewTimer), 0u);
  EXPECT_EQ(h.d.pending_count(Requestor::kHoldEndTimer), 0u);
  EXPECT_TRUE(h.d.fire_raw(Requestor::kDeadlineTimer, 1).records.empty());
}

TEST(Requestor, RenewalDeniedAsNotReadyKeepsTheBelief) {
  Harness h(Config());
  h.grant();
  const Message rn = h.d.fire(Requestor::kRenewTimer).sent(MsgType::kRenew)[0];
  Message d = Reply(MsgType::kDenied, rn);
  L(d).error = ErrorCode::kNotReady;
  EXPECT_TRUE(h.d.deliver(d).records.empty());
  EXPECT_TRUE(h.r.believes_holding());
}

TEST(Requestor, DeadlinePassingEndsTheBelief) {
  Harness h(Config());
  h.grant();
  const TimePoint deadline = h.r.deadline();
  const Out o = h.d.fire(Requestor::kDeadlineTimer);
  EXPECT_EQ(h.d.now.mono, deadline);
  const Record e = Only(o, obs::kBeliefEnd);
  EXPECT_EQ(decode_as<obs::BeliefEnd>(e).reason, BeliefEndReason::kExpired);
  EXPECT_FALSE(h.r.believes_holding());
  EXPECT_TRUE(o.msgs.empty());
}

TEST(Requestor, DeadlineTimerBeforeAnExtendedDeadlineReArms) {
  LeaseOptions o;
  o.anchor = ExpiryAnchor::kReceipt;
  Harness h(Config(o));
  h.grant();
  const Message rn = h.d.fire(Requestor::kRenewTimer).sent(MsgType::kRenew)[0];
  Message a = Reply(MsgType::kRenewed, rn);
  L(a).ttl = seconds(5);
  h.d.deliver(a);
  const TimePoint extended = h.r.deadline();
  const Out early = h.d.fire(Requestor::kDeadlineTimer, std::nullopt);
  EXPECT_EQ(early.count_records(obs::kBeliefEnd), 0u);
  ASSERT_EQ(early.timers_of(Requestor::kDeadlineTimer).size(), 1u);
  EXPECT_EQ(early.timers_of(Requestor::kDeadlineTimer)[0].deadline, extended);
}

TEST(Requestor, RenewTimerPastTheDeadlineEndsTheBelief) {
  Harness h(Config());
  h.grant();
  h.d.advance(seconds(6));
  const Out o = h.d.fire_now(Requestor::kRenewTimer);
  EXPECT_EQ(decode_as<obs::BeliefEnd>(Only(o, obs::kBeliefEnd)).reason, BeliefEndReason::kExpired);
  EXPECT_EQ(o.count(MsgType::kRenew), 0u);
}

// A RENEWED handled after the deadline (a pause held it back) must not
// revive the belief: before the fix it was a belief_extend of a belief the
// checker had already closed at its deadline, so the holder acted as holder
// again unseen.
TEST(Requestor, RenewedAfterTheDeadlineEndsTheBeliefInsteadOfExtendingIt) {
  for (ExpiryAnchor anchor : {ExpiryAnchor::kReceipt, ExpiryAnchor::kSend}) {
    LeaseOptions o;
    o.anchor = anchor;
    Harness h(Config(o));
    h.grant();
    const Message rn = h.d.fire(Requestor::kRenewTimer).sent(MsgType::kRenew)[0];
    h.d.advance(seconds(6));  // past the deadline; the timers are still pending
    ASSERT_GE(h.d.now.mono, h.r.deadline());
    Message a = Reply(MsgType::kRenewed, rn);
    L(a).ttl = seconds(5);
    const Out out = h.d.deliver(a);
    EXPECT_EQ(out.count_records(obs::kBeliefExtend), 0u);
    EXPECT_EQ(decode_as<obs::BeliefEnd>(Only(out, obs::kBeliefEnd)).reason,
              BeliefEndReason::kExpired);
    EXPECT_FALSE(h.r.believes_holding());
  }
}

TEST(Requestor, HoldEndEndsTheBeliefThenReleases) {
  Harness h(Config());
  h.grant();
  const Out o = h.d.fire(Requestor::kHoldEndTimer);
  // The belief ends in the same step that asks for the release: the
  // holder never acts as holder after sending RELEASE.
  const Record e = Only(o, obs::kBeliefEnd);
  EXPECT_EQ(decode_as<obs::BeliefEnd>(e).reason, BeliefEndReason::kReleased);
  const auto rel = o.sent(MsgType::kRelease);
  ASSERT_EQ(rel.size(), 1u);
  EXPECT_EQ(rel[0].resource, kRes);
  EXPECT_EQ(L(rel[0]).lease, kLease);
  EXPECT_EQ(rel[0].to, h.acquire.to);
  EXPECT_FALSE(h.r.believes_holding());
  EXPECT_EQ(h.r.phase(), Requestor::Phase::kReleasing);
  // RELEASED: think, then want again.
  const Out done = h.d.deliver(Reply(MsgType::kReleased, rel[0]));
  EXPECT_EQ(h.r.phase(), Requestor::Phase::kIdle);
  EXPECT_EQ(done.timers_of(Requestor::kWakeTimer).size(), 1u);
}

TEST(Requestor, UnansweredReleaseIsRetriedThenGivenUp) {
  Harness h(Config());
  h.grant();
  const Message rel = h.d.fire(Requestor::kHoldEndTimer).sent(MsgType::kRelease)[0];
  NodeId to = rel.to;
  for (int i = 0; i < 2; ++i) {
    const auto again = h.d.fire(Requestor::kRequestTimer).sent(MsgType::kRelease);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(L(again[0]).request_id, L(rel).request_id);
    EXPECT_EQ(again[0].to, (to + 1) % 3);
    to = again[0].to;
  }
  const Out give_up = h.d.fire(Requestor::kRequestTimer);
  EXPECT_TRUE(give_up.msgs.empty());
  EXPECT_EQ(h.r.phase(), Requestor::Phase::kIdle);
}

TEST(Requestor, MaxHoldsStopsWanting) {
  RequestorConfig cfg = Config();
  cfg.max_holds = 1;
  Harness h(cfg);
  h.grant();
  const Message rel = h.d.fire(Requestor::kHoldEndTimer).sent(MsgType::kRelease)[0];
  h.d.deliver(Reply(MsgType::kReleased, rel));
  const Out o = h.d.fire(Requestor::kWakeTimer);
  EXPECT_TRUE(o.msgs.empty());
  EXPECT_EQ(h.r.phase(), Requestor::Phase::kDone);
}

TEST(Requestor, RedirectWithAHintResendsThereWithTheSameRequestId) {
  Harness h(Config());
  const NodeId hint = (h.acquire.to + 2) % 3;
  Message r = Reply(MsgType::kRedirect, h.acquire);
  L(r).leader_hint = hint;
  const Out o = h.d.deliver(r);
  const auto a = o.sent(MsgType::kAcquire);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].to, hint);
  EXPECT_EQ(L(a[0]).request_id, L(h.acquire).request_id);
  EXPECT_EQ(a[0].resource, kRes);
  EXPECT_EQ(o.timers_of(Requestor::kRequestTimer).size(), 1u);
  // The new request timer replaced the old one, which would do nothing.
  EXPECT_EQ(h.d.pending_count(Requestor::kRequestTimer), 1u);
  EXPECT_TRUE(
      h.d.fire_raw(Requestor::kRequestTimer, h.wake.timers_of(Requestor::kRequestTimer)[0].arg)
          .msgs.empty());
}

TEST(Requestor, RedirectWithoutALeaderRetriesTheNextServerLater) {
  Harness h(Config());
  Message r = Reply(MsgType::kRedirect, h.acquire);
  L(r).leader_hint = kInvalidNode;
  const Out o = h.d.deliver(r);
  EXPECT_TRUE(o.msgs.empty());
  ASSERT_EQ(o.timers_of(Requestor::kRetryTimer).size(), 1u);
  EXPECT_EQ(o.timers_of(Requestor::kRetryTimer)[0].deadline, h.d.now.mono + milliseconds(500));
  const auto a = h.d.fire(Requestor::kRetryTimer).sent(MsgType::kAcquire);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].to, (h.acquire.to + 1) % 3);
  EXPECT_EQ(L(a[0]).request_id, L(h.acquire).request_id);
  // The request timer of the first send was cancelled (and is stale).
  EXPECT_EQ(h.d.pending_count(Requestor::kRequestTimer), 1u);
  EXPECT_TRUE(
      h.d.fire_raw(Requestor::kRequestTimer, h.wake.timers_of(Requestor::kRequestTimer)[0].arg)
          .msgs.empty());
}

TEST(Requestor, TimeoutTriesTheNextServerWithTheSameRequestId) {
  Harness h(Config());
  const Out o = h.d.fire(Requestor::kRequestTimer);
  EXPECT_EQ(h.d.now.mono, h.sent_at + seconds(1));
  const auto a = o.sent(MsgType::kAcquire);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].to, (h.acquire.to + 1) % 3);
  EXPECT_EQ(L(a[0]).request_id, L(h.acquire).request_id);
  EXPECT_EQ(o.count_records(obs::kWant), 0u);
}

TEST(Requestor, DeniedAcquireBacksOffThenWantsAgainWithANewRequest) {
  Harness h(Config());
  Message d = Reply(MsgType::kDenied, h.acquire);
  L(d).error = ErrorCode::kHeld;
  const Out o = h.d.deliver(d);
  EXPECT_EQ(h.r.phase(), Requestor::Phase::kIdle);
  ASSERT_EQ(o.timers_of(Requestor::kWakeTimer).size(), 1u);
  const Out w = h.d.fire(Requestor::kWakeTimer);
  const auto a = w.sent(MsgType::kAcquire);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_NE(L(a[0]).request_id, L(h.acquire).request_id);
  EXPECT_EQ(w.count_records(obs::kWant), 1u);
}

RequestorConfig WorkConfig() {
  RequestorConfig cfg = Config();
  cfg.write_every = milliseconds(500);
  cfg.check_to_write = milliseconds(1);
  cfg.hold_min = cfg.hold_max = seconds(20);
  return cfg;
}

TEST(Requestor, WorkChecksThenWrites) {
  Harness h(WorkConfig());
  const Out g = h.grant();
  ASSERT_EQ(g.timers_of(Requestor::kWorkCheckTimer).size(), 1u);
  const Out check = h.d.fire(Requestor::kWorkCheckTimer);
  const Record w = Only(check, obs::kWorkCheck);
  EXPECT_EQ(decode_as<obs::WorkCheck>(w).resource, kRes);
  EXPECT_EQ(decode_as<obs::WorkCheck>(w).lease, kLease);
  EXPECT_EQ(decode_as<obs::WorkCheck>(w).token, kLease);
  EXPECT_TRUE(check.msgs.empty());
  ASSERT_EQ(check.timers_of(Requestor::kWorkWriteTimer).size(), 1u);
  EXPECT_EQ(check.timers_of(Requestor::kWorkWriteTimer)[0].deadline,
            h.d.now.mono + milliseconds(1));
  ASSERT_EQ(check.timers_of(Requestor::kWorkCheckTimer).size(), 1u);
  const Out write = h.d.fire(Requestor::kWorkWriteTimer);
  const auto m = write.sent(MsgType::kWrite);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].to, kStorage);
  EXPECT_EQ(m[0].resource, kRes);
  EXPECT_EQ(L(m[0]).token, kLease);
  EXPECT_EQ(L(m[0]).lease, kLease);
  // The send is recorded with the write's id, for the write-latency metric.
  const Record sent = Only(write, obs::kWriteSent);
  EXPECT_EQ(decode_as<obs::WriteSent>(sent).resource, kRes);
  EXPECT_EQ(decode_as<obs::WriteSent>(sent).lease, kLease);
  EXPECT_EQ(decode_as<obs::WriteSent>(sent).token, kLease);
  EXPECT_EQ(decode_as<obs::WriteSent>(sent).write, L(m[0]).request_id);
}

TEST(Requestor, WriteGoesOutEvenIfTheDeadlinePassedAfterTheCheck) {
  Harness h(WorkConfig());
  h.grant();
  h.d.fire(Requestor::kWorkCheckTimer);
  // A pause between check and write: the holder's deadline passes meanwhile.
  h.d.advance(seconds(10));
  ASSERT_GT(h.d.now.mono, h.r.deadline());
  const Out write = h.d.fire_now(Requestor::kWorkWriteTimer);
  EXPECT_EQ(write.count(MsgType::kWrite), 1u);
  // Only the send is recorded: nothing about the lease changes.
  ASSERT_EQ(write.records.size(), 1u);
  EXPECT_EQ(write.records[0].kind, obs::kWriteSent);
}

TEST(Requestor, NoCheckPastTheDeadline) {
  Harness h(WorkConfig());
  h.grant();
  h.d.advance(seconds(10));
  const Out check = h.d.fire_now(Requestor::kWorkCheckTimer);
  EXPECT_EQ(check.count_records(obs::kWorkCheck), 0u);
  EXPECT_TRUE(check.timers_of(Requestor::kWorkWriteTimer).empty());
}

TEST(Requestor, NoWriteAfterReleasing) {
  Harness h(WorkConfig());
  h.grant();
  h.d.fire(Requestor::kWorkCheckTimer);
  h.d.fire_now(Requestor::kHoldEndTimer);
  EXPECT_EQ(h.d.fire(Requestor::kWorkWriteTimer).count(MsgType::kWrite), 0u);
}

TEST(Requestor, RejectedWriteFencesTheHolder) {
  Harness h(WorkConfig());
  h.grant();
  h.d.fire(Requestor::kWorkCheckTimer);
  const Message w = h.d.fire(Requestor::kWorkWriteTimer).sent(MsgType::kWrite)[0];
  Message r;
  r = testing::LeaseMessage(MsgType::kWriteReply, kStorage, kSelf);
  r.resource = w.resource;
  L(r).token = L(w).token;
  L(r).lease = L(w).lease;
  L(r).request_id = L(w).request_id;
  L(r).success = false;
  L(r).error = ErrorCode::kStaleToken;
  const Out o = h.d.deliver(r);
  EXPECT_EQ(decode_as<obs::BeliefEnd>(Only(o, obs::kBeliefEnd)).reason, BeliefEndReason::kFenced);
  EXPECT_FALSE(h.r.believes_holding());
}

TEST(Requestor, WriteRejectedAsUnavailableKeepsTheLease) {
  // Storage could not validate the lease in time: it says nothing about
  // the lease, so the holder goes on (its next write may get through).
  for (const ErrorCode e : {ErrorCode::kUnavailable, ErrorCode::kUnknownLease}) {
    Harness h(WorkConfig());
    h.grant();
    h.d.fire(Requestor::kWorkCheckTimer);
    const Message w = h.d.fire(Requestor::kWorkWriteTimer).sent(MsgType::kWrite)[0];
    Message r;
    r = testing::LeaseMessage(MsgType::kWriteReply, kStorage, kSelf);
    r.resource = w.resource;
    L(r).token = L(w).token;
    L(r).lease = L(w).lease;
    L(r).request_id = L(w).request_id;
    L(r).success = false;
    L(r).error = e;
    const Out o = h.d.deliver(r);
    if (e == ErrorCode::kUnavailable) {
      EXPECT_TRUE(o.records.empty());
      EXPECT_TRUE(h.r.believes_holding());
    } else {
      // The core said the lease is not current: it is gone.
      EXPECT_EQ(decode_as<obs::BeliefEnd>(Only(o, obs::kBeliefEnd)).reason,
                BeliefEndReason::kFenced);
      EXPECT_FALSE(h.r.believes_holding());
    }
  }
}

TEST(Requestor, AcceptedWriteChangesNothing) {
  Harness h(WorkConfig());
  h.grant();
  Message r;
  r = testing::LeaseMessage(MsgType::kWriteReply, kStorage, kSelf);
  r.resource = kRes;
  L(r).lease = kLease;
  L(r).success = true;
  EXPECT_TRUE(h.d.deliver(r).records.empty());
  EXPECT_TRUE(h.r.believes_holding());
}

TEST(Requestor, WallHolderClockMeasuresOnTheWallClock) {
  LeaseOptions o;
  o.holder_clock = ClockKind::kWall;
  RequestorConfig cfg = Config(o);
  Requestor r(cfg, Rng(1));
  Driver d(&r);
  d.now.wall = TimePoint(seconds(100).ns());  // wall and mono disagree
  const Out s = d.start();
  ASSERT_EQ(s.timers_of(Requestor::kWakeTimer).size(), 1u);
  EXPECT_EQ(s.timers_of(Requestor::kWakeTimer)[0].clock, ClockKind::kWall);
  EXPECT_EQ(s.timers_of(Requestor::kWakeTimer)[0].deadline, TimePoint(seconds(101).ns()));
  const Message a = d.fire(Requestor::kWakeTimer).sent(MsgType::kAcquire)[0];
  const Out g = d.deliver(GrantFor(a));
  EXPECT_EQ(decode_as<obs::BeliefBegin>(Only(g, obs::kBeliefBegin)).deadline,
            TimePoint(seconds(106).ns()));
  EXPECT_EQ(decode_as<obs::BeliefBegin>(Only(g, obs::kBeliefBegin)).clock, ClockKind::kWall);
}

}  // namespace
}  // namespace leasesim
