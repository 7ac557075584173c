// The requestor handing back leases it will not use: the grant of an
// acquire it has already ended (a copy of the send, or an earlier send,
// granted after its latest send was refused), and the lease of a belief
// whose deadline passed. Ignored, such a lease sat on the core unused until
// it expired, and everyone (the requestor's own next acquire included) was
// refused `held` meanwhile (scenarios/network/duplicate-grant-handed-back.json).
#include <gtest/gtest.h>

#include "harness.hpp"
#include "leasesim/protocols/raft_lease/requestor.hpp"
#include "requestor_fixture.hpp"

namespace leasesim {
namespace requestor_hand_back_test {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
using testing::L;
namespace {

using testing::Out;
using namespace testing::requestor;  // NOLINT: the fixture of these tests
using testing::requestor::Config;    // not raft_lease::Config (in a unity build, module.hpp may be
                                     // in)

LeaseOptions Keyed(LeaseKeying k) {
  LeaseOptions o;
  o.anchor = ExpiryAnchor::kSend;
  o.keying = k;
  return o;
}

// Its first acquire's latest send refused `held` at once: the acquire is
// over, the requestor idle until its backoff ends.
void RefuseFirstAcquire(Harness& h) {
  Message d = Reply(MsgType::kDenied, h.acquire);
  L(d).error = ErrorCode::kHeld;
  h.d.deliver(d);
  ASSERT_EQ(h.r.phase(), Requestor::Phase::kIdle);
}

// The grant of that acquire, from another server than the one the
// requestor last talked to, arrives after it.
Message LateGrant(const Harness& h) {
  Message g = GrantFor(h.acquire);
  g.from = (h.acquire.to + 1) % 3;
  return g;
}

TEST(RequestorHandBack, AGrantOfAnEndedAcquireIsHandedBack) {
  for (const LeaseKeying k : {LeaseKeying::kLeaseId, LeaseKeying::kResource}) {
    SCOPED_TRACE(static_cast<int>(k));
    Harness h(Config(Keyed(k)));
    RefuseFirstAcquire(h);
    h.d.advance(milliseconds(100));
    const Message g = LateGrant(h);
    const Out o = h.d.deliver(g);
    // Not used: no belief, the requestor stays idle.
    EXPECT_TRUE(o.records.empty());
    EXPECT_EQ(h.r.phase(), Requestor::Phase::kIdle);
    EXPECT_FALSE(h.r.believes_holding());
    // Handed back to the server that granted it, as a request of its own.
    const auto rel = o.sent(MsgType::kRelease);
    ASSERT_EQ(rel.size(), 1u);
    EXPECT_EQ(rel[0].to, g.from);
    EXPECT_EQ(rel[0].resource, kRes);
    EXPECT_EQ(L(rel[0]).lease, kLease);
    EXPECT_NE(L(rel[0]).request_id, L(h.acquire).request_id);
    EXPECT_EQ(o.msgs.size(), 1u);
    // The backoff's wake still stands: the requestor wants again as before.
    EXPECT_EQ(h.d.pending_count(Requestor::kWakeTimer), 1u);
  }
}

TEST(RequestorHandBack, AHandBackIsSentAgainUntilAnswered) {
  Harness h(Config(Keyed(LeaseKeying::kLeaseId)));
  RefuseFirstAcquire(h);
  const auto first = h.d.deliver(LateGrant(h)).sent(MsgType::kRelease);
  ASSERT_EQ(first.size(), 1u);
  const Message rel = first[0];
  // Lost: sent again a request timeout later, the same request.
  const Out again = h.d.fire(Requestor::kHandBackTimer);
  const auto rel2 = again.sent(MsgType::kRelease);
  ASSERT_EQ(rel2.size(), 1u);
  EXPECT_EQ(L(rel2[0]).request_id, L(rel).request_id);
  EXPECT_EQ(L(rel2[0]).lease, kLease);
  EXPECT_EQ(again.timers_of(Requestor::kHandBackTimer).size(), 1u);
  // Answered (the answer to either send will do): nothing more.
  const Out done = h.d.deliver(Reply(MsgType::kReleased, rel));
  EXPECT_TRUE(done.msgs.empty());
  EXPECT_EQ(h.d.pending_count(Requestor::kHandBackTimer), 0u);
  EXPECT_TRUE(h.d.fire_raw(Requestor::kHandBackTimer, 0).msgs.empty());
  EXPECT_EQ(h.r.phase(), Requestor::Phase::kIdle);
}

// However many copies of the grant arrive, one hand-back, resent by one
// timer: duplication does not multiply hand-backs or their retries.
TEST(RequestorHandBack, CopiesOfTheGrantStartOneHandBack) {
  Harness h(Config(Keyed(LeaseKeying::kLeaseId)));
  RefuseFirstAcquire(h);
  const Message g = LateGrant(h);
  const auto first = h.d.deliver(g).sent(MsgType::kRelease);
  ASSERT_EQ(first.size(), 1u);
  const Message rel = first[0];
  EXPECT_TRUE(h.d.deliver(g).msgs.empty());
  EXPECT_TRUE(h.d.deliver(g).msgs.empty());
  EXPECT_EQ(h.d.pending_count(Requestor::kHandBackTimer), 1u);
  EXPECT_EQ(h.d.fire(Requestor::kHandBackTimer).count(MsgType::kRelease), 1u);
  h.d.deliver(Reply(MsgType::kReleased, rel));
  // A copy after the answer: the lease is gone, nothing to hand back.
  EXPECT_TRUE(h.d.deliver(g).msgs.empty());
  EXPECT_EQ(h.d.pending_count(Requestor::kHandBackTimer), 0u);
}

// Its own lease answered again (a copy of the grant it used, during the
// hold or after its release), or a grant of a request it does not know, is
// not handed back.
TEST(RequestorHandBack, ItsOwnLeaseOrAnUnknownRequestsGrantIsNotHandedBack) {
  for (const LeaseKeying k : {LeaseKeying::kLeaseId, LeaseKeying::kResource}) {
    SCOPED_TRACE(static_cast<int>(k));
    Harness h(Config(Keyed(k)));
    h.grant();
    ASSERT_TRUE(h.r.believes_holding());
    EXPECT_TRUE(h.d.deliver(GrantFor(h.acquire)).msgs.empty());
    // Another lease of the resource it holds (one that had ended for its own
    // to be granted): under keying `resource` a RELEASE would free its own.
    Message older = GrantFor(h.acquire);
    L(older).lease = kLease - 2;
    L(older).request_id += 100;
    EXPECT_TRUE(h.d.deliver(older).msgs.empty());
    const Message rel = h.d.fire(Requestor::kHoldEndTimer).sent(MsgType::kRelease)[0];
    EXPECT_TRUE(h.d.deliver(GrantFor(h.acquire)).msgs.empty());
    h.d.deliver(Reply(MsgType::kReleased, rel));
    ASSERT_EQ(h.r.phase(), Requestor::Phase::kIdle);
    EXPECT_TRUE(h.d.deliver(GrantFor(h.acquire)).msgs.empty());
    Message unknown = GrantFor(h.acquire);
    L(unknown).lease = kLease + 5;
    L(unknown).request_id += 100;
    EXPECT_TRUE(h.d.deliver(unknown).msgs.empty());
    EXPECT_EQ(h.d.pending_count(Requestor::kHandBackTimer), 0u);
  }
}

// A hand-back is sent only while the lease is certainly still the one the
// resource has: as long as the requestor would have believed it (anchored at
// the acquire's first send). Later the core may have expired it, and under
// keying `resource` a RELEASE would free whatever lease the resource has.
TEST(RequestorHandBack, AHandBackEndsWhenTheLeaseWouldHaveRunOut) {
  Harness h(Config(Keyed(LeaseKeying::kLeaseId)));
  RefuseFirstAcquire(h);
  ASSERT_EQ(h.d.deliver(LateGrant(h)).count(MsgType::kRelease), 1u);
  const TimePoint until = h.sent_at + seconds(5);  // first send + ttl, no margin
  size_t sends = 0;
  while (h.d.pending_count(Requestor::kHandBackTimer) != 0) {
    const Out o = h.d.fire(Requestor::kHandBackTimer);
    if (h.d.now.mono >= until)
      EXPECT_TRUE(o.msgs.empty());
    else
      sends += o.count(MsgType::kRelease);
    ASSERT_LT(sends, 10u);
  }
  EXPECT_EQ(sends, 4u);  // 1 s, 2 s, 3 s, 4 s after the first send; at 5 s it has run out
  // A grant that arrives after that window is not handed back at all.
  Harness late(Config(Keyed(LeaseKeying::kLeaseId)));
  RefuseFirstAcquire(late);
  late.d.advance(seconds(5));
  EXPECT_TRUE(late.d.deliver(LateGrant(late)).msgs.empty());
}

// Under keying `resource` a RELEASE names only the resource. While the
// requestor acquires that resource again, a hand-back could free the lease
// it is about to be granted: the hand-back waits until the acquire ends, and
// a new acquire of the resource waits for the hand-back's answer. Under
// keying `lease-id` neither waits.
TEST(RequestorHandBack, UnderResourceKeyingAHandBackAndAnAcquireOfItsResourceWaitForEachOther) {
  for (const LeaseKeying k : {LeaseKeying::kLeaseId, LeaseKeying::kResource}) {
    SCOPED_TRACE(static_cast<int>(k));
    const bool waits = k == LeaseKeying::kResource;
    Harness h(Config(Keyed(k)));
    RefuseFirstAcquire(h);
    const auto second = h.d.fire(Requestor::kWakeTimer).sent(MsgType::kAcquire);
    ASSERT_EQ(second.size(), 1u);
    // The first acquire's grant arrives while the second is open.
    const Out g = h.d.deliver(LateGrant(h));
    EXPECT_EQ(g.count(MsgType::kRelease), waits ? 0u : 1u);
    EXPECT_EQ(h.d.fire(Requestor::kHandBackTimer).count(MsgType::kRelease), waits ? 0u : 1u);
    // The second acquire refused: the hand-back goes.
    Message d = Reply(MsgType::kDenied, second[0]);
    L(d).error = ErrorCode::kHeld;
    const Out refused = h.d.deliver(d);
    const auto rel = refused.sent(MsgType::kRelease);
    ASSERT_EQ(rel.size(), waits ? 1u : 0u);
    // The next acquire waits for the hand-back's answer.
    const Out wake = h.d.fire(Requestor::kWakeTimer);
    EXPECT_EQ(wake.count_records(obs::kWant), 1u);
    EXPECT_EQ(wake.count(MsgType::kAcquire), waits ? 0u : 1u);
    if (!waits) continue;
    EXPECT_EQ(h.r.phase(), Requestor::Phase::kIdle);
    const Out answered = h.d.deliver(Reply(MsgType::kReleased, rel[0]));
    const auto third = answered.sent(MsgType::kAcquire);
    ASSERT_EQ(third.size(), 1u);
    EXPECT_EQ(third[0].resource, kRes);
    EXPECT_EQ(h.r.phase(), Requestor::Phase::kAcquiring);
    EXPECT_EQ(answered.count_records(obs::kWant), 0u);  // still the same want
  }
}

// Granted the resource again, the requestor drops a hand-back of an older
// lease of it: that lease had ended, or this one would not have been granted
// (and under keying `resource` the RELEASE would free the new one).
TEST(RequestorHandBack, AGrantOfTheResourceDropsAnOlderLeasesHandBack) {
  Harness h(Config(Keyed(LeaseKeying::kResource)));
  RefuseFirstAcquire(h);
  const auto second = h.d.fire(Requestor::kWakeTimer).sent(MsgType::kAcquire);
  ASSERT_EQ(second.size(), 1u);
  ASSERT_EQ(h.d.deliver(LateGrant(h)).count(MsgType::kRelease), 0u);  // waits
  Message g = GrantFor(second[0]);
  L(g).lease = kLease + 3;
  h.d.deliver(g);
  ASSERT_TRUE(h.r.believes_holding());
  EXPECT_EQ(h.d.fire(Requestor::kHandBackTimer).count(MsgType::kRelease), 0u);
  EXPECT_EQ(h.d.pending_count(Requestor::kHandBackTimer), 0u);
  // Nor once the hold is over.
  const Message rel = h.d.fire(Requestor::kHoldEndTimer).sent(MsgType::kRelease)[0];
  EXPECT_EQ(L(rel).lease, kLease + 3);
  EXPECT_EQ(h.d.deliver(Reply(MsgType::kReleased, rel)).count(MsgType::kRelease), 0u);
}

// Granted a lease with the very number it is handing back: under
// `grant_reply: immediate` a deposed leader's uncommitted grant and the next
// leader's share a number (docs/reliability.md, 19b844a). The hand-back is
// dropped: a RELEASE naming that number would now free the lease it holds.
TEST(RequestorHandBack, AGrantOfTheNumberItHandsBackDropsTheHandBack) {
  Harness h(Config(Keyed(LeaseKeying::kLeaseId)));
  RefuseFirstAcquire(h);
  const auto second = h.d.fire(Requestor::kWakeTimer).sent(MsgType::kAcquire);
  ASSERT_EQ(second.size(), 1u);
  ASSERT_EQ(h.d.deliver(LateGrant(h)).count(MsgType::kRelease), 1u);  // lease-id: at once
  Message g = GrantFor(second[0]);
  ASSERT_EQ(L(g).lease, kLease);
  h.d.deliver(g);
  ASSERT_TRUE(h.r.believes_holding());
  EXPECT_EQ(h.d.fire(Requestor::kHandBackTimer).count(MsgType::kRelease), 0u);
  EXPECT_EQ(h.d.pending_count(Requestor::kHandBackTimer), 0u);
}

// A holder whose deadline passed stops using the lease, and tells the core:
// the core keeps it until its own expiry (later: the margin, a renewal it
// applied whose answer was lost or late), refusing everyone meanwhile.
TEST(RequestorHandBack, AHolderWhoseDeadlinePassedHandsTheLeaseBack) {
  for (const LeaseKeying k : {LeaseKeying::kLeaseId, LeaseKeying::kResource}) {
    SCOPED_TRACE(static_cast<int>(k));
    Harness h(Config(Keyed(k)));
    h.grant();
    const Out o = h.d.fire(Requestor::kDeadlineTimer);
    EXPECT_EQ(decode_as<obs::BeliefEnd>(Only(o, obs::kBeliefEnd)).reason,
              BeliefEndReason::kExpired);
    EXPECT_FALSE(h.r.believes_holding());
    EXPECT_EQ(h.r.phase(), Requestor::Phase::kIdle);
    const auto rel = o.sent(MsgType::kRelease);
    if (k == LeaseKeying::kResource) {
      // The core may have expired it and granted the resource again by the
      // time a RELEASE naming only the resource arrives: none is sent.
      EXPECT_TRUE(rel.empty());
      EXPECT_EQ(h.d.pending_count(Requestor::kHandBackTimer), 0u);
      continue;
    }
    ASSERT_EQ(rel.size(), 1u);
    EXPECT_EQ(rel[0].resource, kRes);
    EXPECT_EQ(L(rel[0]).lease, kLease);
    EXPECT_EQ(rel[0].to, h.acquire.to);
    EXPECT_EQ(h.d.pending_count(Requestor::kHandBackTimer), 1u);
    // A copy of its grant arriving now is of the lease being handed back.
    EXPECT_TRUE(h.d.deliver(GrantFor(h.acquire)).msgs.empty());
  }
}

// The renewal's refusal (revoked) or storage's (fenced) says the lease is
// gone already: nothing to hand back.
TEST(RequestorHandBack, ARevokedLeaseIsNotHandedBack) {
  Harness h(Config(Keyed(LeaseKeying::kLeaseId)));
  h.grant();
  const Message rn = h.d.fire(Requestor::kRenewTimer).sent(MsgType::kRenew)[0];
  Message d = Reply(MsgType::kDenied, rn);
  L(d).error = ErrorCode::kExpired;
  const Out o = h.d.deliver(d);
  EXPECT_EQ(decode_as<obs::BeliefEnd>(Only(o, obs::kBeliefEnd)).reason, BeliefEndReason::kRevoked);
  EXPECT_TRUE(o.msgs.empty());
  EXPECT_EQ(h.d.pending_count(Requestor::kHandBackTimer), 0u);
}

// A write a check before the deadline armed still goes out after it (the
// stale-write window a pause opens). The hand-back waits for it: freed
// earlier, the lease could be granted to the next holder before this one's
// last write, which a release at the end of a hold never allows.
TEST(RequestorHandBack, AnExpiredHoldersHandBackGoesAfterItsLastWrite) {
  RequestorConfig c = Config(Keyed(LeaseKeying::kLeaseId));
  c.write_every = milliseconds(500);
  c.check_to_write = milliseconds(1);
  c.hold_min = c.hold_max = seconds(20);
  Harness h(c);
  h.grant();
  h.d.fire(Requestor::kWorkCheckTimer);  // arms a write
  h.d.advance(seconds(10));              // a pause: the deadline passed meanwhile
  const Out expired = h.d.fire_now(Requestor::kDeadlineTimer);
  EXPECT_EQ(expired.count_records(obs::kBeliefEnd), 1u);
  EXPECT_EQ(expired.count(MsgType::kRelease), 0u);
  const Out write = h.d.fire_now(Requestor::kWorkWriteTimer);
  ASSERT_EQ(write.msgs.size(), 2u);
  EXPECT_TRUE(write.msgs[0].is(MsgType::kWrite));
  EXPECT_TRUE(write.msgs[1].is(MsgType::kRelease));
  EXPECT_EQ(L(write.msgs[1]).lease, kLease);
}

}  // namespace
}  // namespace requestor_hand_back_test
}  // namespace leasesim
