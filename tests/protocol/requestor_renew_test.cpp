// The requestor holding: renewals (where they go, what their answers do)
// and the belief deadline ending the belief.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "leasesim/protocols/raft_lease/requestor.hpp"
#include "requestor_fixture.hpp"

namespace leasesim {
namespace requestor_renew_test {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
using testing::L;
using testing::R;
namespace {

using testing::Driver;
using testing::Out;
using namespace testing::requestor;  // NOLINT: the fixture of these tests
using testing::requestor::Config;    // not raft_lease::Config (in a unity build, module.hpp may be
                                     // in)

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

// A redirect that names the leader sends one renewal there, however many
// copies of it the network delivers.
TEST(Requestor, ADuplicatedRenewalRedirectResendsOnce) {
  Harness h(Config());
  h.grant();
  const Message rn = h.d.fire(Requestor::kRenewTimer).sent(MsgType::kRenew)[0];
  Message r = Reply(MsgType::kRedirect, rn);
  L(r).leader_hint = (rn.to + 1) % 3;
  EXPECT_EQ(h.d.deliver(r).sent(MsgType::kRenew).size(), 1u);
  EXPECT_TRUE(h.d.deliver(r).sent(MsgType::kRenew).empty());
  EXPECT_TRUE(h.r.believes_holding());
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
  // No renewal; the lease is handed back (requestor_hand_back_test.cpp).
  EXPECT_EQ(o.count(MsgType::kRenew), 0u);
  EXPECT_EQ(o.count(MsgType::kRelease), 1u);
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

}  // namespace
}  // namespace requestor_renew_test
}  // namespace leasesim
