// The requestor's hold: the two-step work loop (check, then write; fenced
// by a rejected write), the end of a hold and its release.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "leasesim/protocols/raft_lease/requestor.hpp"
#include "requestor_fixture.hpp"

namespace leasesim {
namespace requestor_work_test {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
using testing::L;
using testing::R;
namespace {

using testing::Driver;
using testing::Out;
using namespace testing::requestor;  // NOLINT: the fixture of these tests
using testing::requestor::Config;    // not raft_lease::Config (in a unity build, module.hpp may be
                                     // in)

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

}  // namespace
}  // namespace requestor_work_test
}  // namespace leasesim
