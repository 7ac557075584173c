// The requestor acquiring: wanting, the belief deadline a grant gives
// (anchor, margins, holder clock), stale and late grants, redirects,
// retries and backing off after a denial.
#include <gtest/gtest.h>

#include <vector>

#include "harness.hpp"
#include "leasesim/protocols/raft_lease/requestor.hpp"
#include "requestor_fixture.hpp"

namespace leasesim {
namespace requestor_acquire_test {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
using testing::L;
using testing::R;
namespace {

using testing::Driver;
using testing::Out;
using namespace testing::requestor;  // NOLINT: the fixture of these tests
using testing::requestor::Config;    // not raft_lease::Config (in a unity build, module.hpp may be
                                     // in)

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

// Only the answer to the latest send of an acquire or a release asks
// again: a duplicated "redirect, no leader known", or one a later send
// overtook, names a send the requestor no longer waits on. (Each such answer
// started a retry chain of its own; with backoff_min 0 and duplication the
// chains multiplied at every round trip, and runs stopped at the
// pending-event limit: scenarios/network/no-leader-redirects-duplicated.json.)
TEST(Requestor, OnlyTheLatestSendsAnswerAsksAgain) {
  RequestorConfig c = Config();
  c.backoff_min = c.backoff_max = Duration::zero();
  for (const MsgType type : {MsgType::kAcquire, MsgType::kRelease}) {
    SCOPED_TRACE(static_cast<int>(type));
    Harness h(c);
    Message latest = h.acquire;
    if (type == MsgType::kRelease) {
      h.grant();
      const auto rel = h.d.fire(Requestor::kHoldEndTimer).sent(MsgType::kRelease);
      ASSERT_EQ(rel.size(), 1u);
      latest = rel[0];
    }
    const uint64_t request = L(latest).request_id;
    // Every server answers every send "no leader known", and every answer
    // is duplicated; answers are delivered in order, the retry fired at once.
    auto no_leader = [](const Message& q) {
      Message r = Reply(MsgType::kRedirect, q);
      L(r).leader_hint = kInvalidNode;
      return r;
    };
    std::vector<Message> in_flight = {no_leader(latest), no_leader(latest)};
    size_t sends = 0;
    for (int i = 0; i < 100 && !in_flight.empty(); ++i) {
      const Message a = in_flight.front();
      in_flight.erase(in_flight.begin());
      Out o = h.d.deliver(a);
      if (h.d.pending_count(Requestor::kRetryTimer) != 0)
        o.append(h.d.fire(Requestor::kRetryTimer));
      for (const Message& q : o.sent(type)) {
        EXPECT_EQ(L(q).request_id, request);
        ++sends;
        in_flight.push_back(no_leader(q));
        in_flight.push_back(no_leader(q));
      }
    }
    // One retry chain: every other answer (the duplicate) is let be, and
    // the answers in flight stay those of the latest send. Each answer
    // acted on, 100 deliveries made 100 sends and left 102 in flight.
    EXPECT_EQ(sends, 50u);
    EXPECT_LE(in_flight.size(), 2u);
    EXPECT_EQ(h.r.phase(), type == MsgType::kAcquire ? Requestor::Phase::kAcquiring
                                                     : Requestor::Phase::kReleasing);
    EXPECT_EQ(h.d.pending_count(Requestor::kRequestTimer), 1u);  // the latest send's
  }
}

// A redirect to an acquire the requestor sent again since (its request
// timed out) sends nothing at once; the leader it names is where the next
// timeout sends, rather than the server after the one last tried.
TEST(Requestor, ALateRedirectsLeaderIsWhereTheNextTimeoutSends) {
  Harness h(Config());
  const auto again = h.d.fire(Requestor::kRequestTimer).sent(MsgType::kAcquire);
  ASSERT_EQ(again.size(), 1u);
  const NodeId hint = (h.acquire.to + 2) % 3;
  ASSERT_EQ(again[0].to, (h.acquire.to + 1) % 3);
  Message late = Reply(MsgType::kRedirect, h.acquire);
  L(late).leader_hint = hint;
  EXPECT_TRUE(h.d.deliver(late).msgs.empty());
  const auto third = h.d.fire(Requestor::kRequestTimer).sent(MsgType::kAcquire);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].to, hint);
  EXPECT_EQ(L(third[0]).request_id, L(h.acquire).request_id);
}

// A "not ready" refusal of an earlier send does not end the acquire while
// the latest send's answer is still to come; the latest send's does.
TEST(Requestor, ANotReadyRefusalOfAnEarlierSendIsLetBe) {
  Harness h(Config());
  const auto again = h.d.fire(Requestor::kRequestTimer).sent(MsgType::kAcquire);
  ASSERT_EQ(again.size(), 1u);
  Message early = Reply(MsgType::kDenied, h.acquire);
  L(early).error = ErrorCode::kNotReady;
  const Out o = h.d.deliver(early);
  EXPECT_TRUE(o.timers_of(Requestor::kWakeTimer).empty());
  EXPECT_EQ(h.r.phase(), Requestor::Phase::kAcquiring);
  Message latest = Reply(MsgType::kDenied, again[0]);
  L(latest).error = ErrorCode::kNotReady;
  EXPECT_EQ(h.d.deliver(latest).timers_of(Requestor::kWakeTimer).size(), 1u);
  EXPECT_EQ(h.r.phase(), Requestor::Phase::kIdle);
}

// A `held` or `blocked` refusal of an earlier send says what the resource
// was when that send arrived, not what the latest send will find: the lease
// may have been freed since. It must not end the acquire while the latest
// send is still out, or that send's grant comes to a requestor that no
// longer waits for it, and the lease sits unused until it expires.
TEST(Requestor, AHeldOrBlockedRefusalOfAnEarlierSendIsLetBe) {
  for (const ErrorCode why : {ErrorCode::kHeld, ErrorCode::kBlocked}) {
    SCOPED_TRACE(static_cast<int>(why));
    Harness h(Config());
    const auto again = h.d.fire(Requestor::kRequestTimer).sent(MsgType::kAcquire);
    ASSERT_EQ(again.size(), 1u);
    Message early = Reply(MsgType::kDenied, h.acquire);
    L(early).error = why;
    const Out o = h.d.deliver(early);
    EXPECT_TRUE(o.timers_of(Requestor::kWakeTimer).empty());
    EXPECT_EQ(h.r.phase(), Requestor::Phase::kAcquiring);
    // The latest send is granted: the requestor holds the lease.
    h.d.advance(milliseconds(100));
    const Out g = h.d.deliver(GrantFor(again[0]));
    EXPECT_EQ(g.count_records(obs::kBeliefBegin), 1u);
    EXPECT_TRUE(h.r.believes_holding());
  }
}

// The latest send's refusal still ends the acquire, and so does one made at
// commit (it names the request, not a send: no attempt).
TEST(Requestor, AHeldRefusalOfTheLatestSendOrAtCommitEndsTheAcquire) {
  for (const bool at_commit : {false, true}) {
    SCOPED_TRACE(at_commit);
    Harness h(Config());
    const auto again = h.d.fire(Requestor::kRequestTimer).sent(MsgType::kAcquire);
    ASSERT_EQ(again.size(), 1u);
    Message d = Reply(MsgType::kDenied, again[0]);
    L(d).error = ErrorCode::kHeld;
    if (at_commit) L(d).attempt = 0;
    EXPECT_EQ(h.d.deliver(d).timers_of(Requestor::kWakeTimer).size(), 1u);
    EXPECT_EQ(h.r.phase(), Requestor::Phase::kIdle);
  }
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
}  // namespace requestor_acquire_test
}  // namespace leasesim
