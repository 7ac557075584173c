// Storage with sequencer checking: it validates a write's lease with the
// core before accepting it, as a client (redirects, resends, fresh
// attempts), accepts within the answer's validity window anchored at its
// own send and shortened by the drift margin, and answers later writes of
// the lease from that window.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "leasesim/protocols/raft_lease/storage.hpp"

namespace leasesim {
namespace storage_sequencer_test {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
using testing::L;
using testing::R;
namespace {

using testing::Driver;
using testing::Out;

constexpr NodeId kStorage = 50;
constexpr NodeId kAlice = 100;
constexpr NodeId kBob = 101;
constexpr ResourceId kRes = 0;
constexpr Duration kWindow = milliseconds(400);

StorageConfig Config(HolderMargin margin = HolderMargin{}) {
  StorageConfig c(kStorage, 2, true);
  c.sequencer = SequencerOptions{true, kWindow};
  c.servers = {0, 1, 2};
  c.margin = margin;
  return c;
}

Message Write(NodeId from, uint64_t token, uint64_t req) {
  Message m;
  m = testing::LeaseMessage(MsgType::kWrite, from, kStorage);
  m.resource = kRes;
  L(m).token = token;
  L(m).lease = token;
  L(m).request_id = req;
  return m;
}

Message Answer(const Message& v, bool valid, Duration window = kWindow) {
  Message m;
  m = testing::LeaseMessage(MsgType::kValidated, v.to, kStorage);
  m.resource = v.resource;
  L(m).lease = L(v).lease;
  L(m).token = L(v).token;
  L(m).request_id = L(v).request_id;
  L(m).success = valid;
  if (valid)
    L(m).ttl = window;
  else
    L(m).error = ErrorCode::kUnknownLease;
  return m;
}

struct Fixture {
  explicit Fixture(HolderMargin margin = HolderMargin{}) : s(Config(margin), disk, Rng(3)), d(&s) {
    d.advance(seconds(1));
    d.start();
  }
  // Sends a write and returns the VALIDATE it caused (a failure if none).
  Message write_asks(NodeId from, uint64_t token, uint64_t req) {
    const Out o = d.deliver(Write(from, token, req));
    EXPECT_EQ(o.count_records(obs::kWriteAccepted), 0u);
    const auto v = o.sent(MsgType::kValidate);
    EXPECT_EQ(v.size(), 1u);
    return v.empty() ? Message{} : v[0];
  }
  StorageDisk disk;
  Storage s;
  Driver d;
};

TEST(StorageSequencer, AWriteWaitsForAValidAnswerAndIsThenAccepted) {
  Fixture f;
  const Message v = f.write_asks(kAlice, 5, 1);
  EXPECT_EQ(v.resource, kRes);
  EXPECT_EQ(L(v).lease, 5u);
  EXPECT_EQ(L(v).token, 5u);
  EXPECT_LT(v.to, 3u);
  EXPECT_EQ(f.s.pending_writes(), 1u);
  f.d.advance(milliseconds(30));
  const Out o = f.d.deliver(Answer(v, true));
  ASSERT_EQ(o.count_records(obs::kWriteAccepted), 1u);
  EXPECT_EQ(decode_as<obs::WriteAccepted>(o.recs(obs::kWriteAccepted)[0]).write,
            1u);  // the write's id
  ASSERT_EQ(o.count(MsgType::kWriteReply), 1u);
  EXPECT_TRUE(L(o.sent(MsgType::kWriteReply)[0]).success);
  EXPECT_EQ(o.sent(MsgType::kWriteReply)[0].to, kAlice);
  EXPECT_EQ(f.s.pending_writes(), 0u);
  EXPECT_EQ(f.disk.highest[kRes], 5u);
}

TEST(StorageSequencer, WritesOfAValidatedLeaseAreAcceptedWithoutAskingUntilTheWindowEnds) {
  Fixture f;
  const Message v = f.write_asks(kAlice, 5, 1);
  const TimePoint sent = f.d.now.mono;
  f.d.advance(milliseconds(30));
  f.d.deliver(Answer(v, true));
  // Counted from the send of VALIDATE, not from the answer.
  f.d.now.mono = sent + kWindow - nanoseconds(1);
  const Out cached = f.d.deliver(Write(kAlice, 5, 2));
  EXPECT_EQ(cached.count_records(obs::kWriteAccepted), 1u);
  EXPECT_EQ(cached.count(MsgType::kValidate), 0u);
  f.d.advance(nanoseconds(1));
  f.write_asks(kAlice, 5, 3);
}

TEST(StorageSequencer, TheWindowIsShortenedByTheDriftMargin) {
  Fixture f(HolderMargin{MarginKind::kDriftBound, Duration::zero(), 2000});
  const Message v = f.write_asks(kAlice, 5, 1);
  const TimePoint sent = f.d.now.mono;
  // 2000 ppm of 400ms is 800us.
  f.d.now.mono = sent + kWindow - microseconds(800);
  const Out late = f.d.deliver(Answer(v, true));
  EXPECT_EQ(late.count_records(obs::kWriteAccepted), 0u);
  EXPECT_EQ(late.count(MsgType::kValidate), 1u) << "a fresh attempt";
}

TEST(StorageSequencer, AnAnswerAfterItsWindowStartsAFreshAttemptAndFinallyGivesUp) {
  Fixture f;
  Message v = f.write_asks(kAlice, 5, 1);
  for (int attempt = 1; attempt <= 3; ++attempt) {
    f.d.advance(kWindow);  // the answer comes too late (a pause, a slow link)
    const Out o = f.d.deliver(Answer(v, true));
    EXPECT_EQ(o.count_records(obs::kWriteAccepted), 0u);
    if (attempt < 3) {
      ASSERT_EQ(o.count(MsgType::kValidate), 1u);
      const Message next = o.sent(MsgType::kValidate)[0];
      EXPECT_NE(L(next).request_id, L(v).request_id) << "a new anchor needs a new request";
      v = next;
      continue;
    }
    ASSERT_EQ(o.count_records(obs::kWriteRejected), 1u);
    EXPECT_EQ(decode_as<obs::WriteRejected>(o.recs(obs::kWriteRejected)[0]).reason,
              ErrorCode::kUnavailable);
    EXPECT_EQ(L(o.sent(MsgType::kWriteReply)[0]).error, ErrorCode::kUnavailable);
  }
  EXPECT_EQ(f.s.validations_in_flight(), 0u);
  EXPECT_EQ(f.s.pending_writes(), 0u);
}

TEST(StorageSequencer, AnAnswerToAnEarlierAttemptIsIgnored) {
  Fixture f;
  const Message first = f.write_asks(kAlice, 5, 1);
  f.d.advance(kWindow);
  const Out resend = f.d.fire(Storage::kResendTimer);
  ASSERT_EQ(resend.count(MsgType::kValidate), 1u);
  const Message second = resend.sent(MsgType::kValidate)[0];
  ASSERT_NE(L(second).request_id, L(first).request_id);
  // The old answer's window began before the new send.
  EXPECT_TRUE(f.d.deliver(Answer(first, true)).msgs.empty());
  EXPECT_EQ(f.d.deliver(Answer(second, true)).count_records(obs::kWriteAccepted), 1u);
}

TEST(StorageSequencer, ANegativeAnswerRejectsTheWrite) {
  Fixture f;
  const Message v = f.write_asks(kAlice, 5, 1);
  const Out o = f.d.deliver(Answer(v, false));
  ASSERT_EQ(o.count_records(obs::kWriteRejected), 1u);
  EXPECT_EQ(decode_as<obs::WriteRejected>(o.recs(obs::kWriteRejected)[0]).reason,
            ErrorCode::kUnknownLease);
  EXPECT_EQ(L(o.sent(MsgType::kWriteReply)[0]).error, ErrorCode::kUnknownLease);
  EXPECT_EQ(f.disk.highest[kRes], 0u);
}

TEST(StorageSequencer, WritesOfOneLeaseShareAValidationAndOthersGetTheirOwn) {
  Fixture f;
  const Message v5 = f.write_asks(kAlice, 5, 1);
  EXPECT_EQ(f.d.deliver(Write(kAlice, 5, 2)).count(MsgType::kValidate), 0u);
  const Message v9 = f.write_asks(kBob, 9, 3);
  EXPECT_EQ(f.s.pending_writes(), 3u);
  // Lease 9 is current: bob's write is accepted; alice's answer comes
  // after it, and fencing rejects her token 5 at acceptance.
  EXPECT_EQ(f.d.deliver(Answer(v9, true)).count_records(obs::kWriteAccepted), 1u);
  const Out late = f.d.deliver(Answer(v5, true));
  EXPECT_EQ(late.count_records(obs::kWriteRejected), 2u);
  EXPECT_EQ(decode_as<obs::WriteRejected>(late.recs(obs::kWriteRejected)[0]).reason,
            ErrorCode::kStaleToken);
}

TEST(StorageSequencer, AnOlderLeaseThanAValidatedOneIsRejectedWithoutAsking) {
  Fixture f;
  f.d.deliver(Answer(f.write_asks(kBob, 9, 1), true));
  StorageConfig unfenced = Config();
  unfenced.fencing = false;
  StorageDisk disk;
  Storage s(unfenced, disk, Rng(3));
  Driver d(&s);
  d.start();
  Message v = d.deliver(Write(kBob, 9, 1)).sent(MsgType::kValidate)[0];
  d.deliver(Answer(v, true));
  const Out o = d.deliver(Write(kAlice, 5, 2));
  EXPECT_EQ(o.count(MsgType::kValidate), 0u);
  ASSERT_EQ(o.count_records(obs::kWriteRejected), 1u);
  EXPECT_EQ(decode_as<obs::WriteRejected>(o.recs(obs::kWriteRejected)[0]).reason,
            ErrorCode::kUnknownLease);
}

TEST(StorageSequencer, FollowsRedirectsAndResendsToTheNextServer) {
  Fixture f;
  const Message v = f.write_asks(kAlice, 5, 1);
  Message redirect;
  redirect = testing::LeaseMessage(MsgType::kRedirect, v.to, kStorage);
  L(redirect).request_id = L(v).request_id;
  L(redirect).leader_hint = (v.to + 1) % 3;
  const Out o = f.d.deliver(redirect);
  ASSERT_EQ(o.count(MsgType::kValidate), 1u);
  const Message again = o.sent(MsgType::kValidate)[0];
  EXPECT_EQ(again.to, L(redirect).leader_hint);
  EXPECT_EQ(L(again).request_id, L(v).request_id) << "same request, same anchor";
  // No answer: after window / 4 the next server is asked.
  const Out resend = f.d.fire(Storage::kResendTimer);
  ASSERT_EQ(resend.count(MsgType::kValidate), 1u);
  EXPECT_EQ(resend.sent(MsgType::kValidate)[0].to, (again.to + 1) % 3);
  EXPECT_EQ(L(resend.sent(MsgType::kValidate)[0]).request_id, L(v).request_id);
  // A redirect to nobody waits for the resend timer.
  L(redirect).leader_hint = kInvalidNode;
  EXPECT_TRUE(f.d.deliver(redirect).msgs.empty());
}

// A redirect as a server sends it: echoing the attempt of the send it answers.
Message Redirect(const Message& v, NodeId hint) {
  Message m;
  m = testing::LeaseMessage(MsgType::kRedirect, v.to, kStorage);
  m.resource = v.resource;
  L(m).request_id = L(v).request_id;
  L(m).attempt = L(v).attempt;
  L(m).leader_hint = hint;
  return m;
}

TEST(StorageSequencer, ADuplicatedRedirectResendsOnce) {
  Fixture f;
  const Message v = f.write_asks(kAlice, 5, 1);
  EXPECT_NE(L(v).attempt, 0u) << "each send is named, for its redirects to echo";
  const NodeId leader = (v.to + 1) % 3;
  const Message redirect = Redirect(v, leader);
  const Out first = f.d.deliver(redirect);
  ASSERT_EQ(first.count(MsgType::kValidate), 1u);
  const Message again = first.sent(MsgType::kValidate)[0];
  EXPECT_EQ(again.to, leader);
  EXPECT_NE(L(again).attempt, L(v).attempt);
  // The network delivers the redirect again: that send went on already.
  EXPECT_TRUE(f.d.deliver(redirect).msgs.empty());
  // A redirect of another send (here the one to the leader, which has
  // stepped down meanwhile) still sends the request on.
  const Out next = f.d.deliver(Redirect(again, (leader + 1) % 3));
  ASSERT_EQ(next.count(MsgType::kValidate), 1u);
  EXPECT_EQ(next.sent(MsgType::kValidate)[0].to, (leader + 1) % 3);
  EXPECT_EQ(L(next.sent(MsgType::kValidate)[0]).request_id, L(v).request_id);
}

TEST(StorageSequencer, ARestartedStorageNeverMatchesAnAnswerFromItsPreviousLife) {
  StorageDisk disk;
  Message old;
  {
    Storage s(Config(), disk, Rng(3));
    Driver d(&s);
    d.start();
    old = d.deliver(Write(kAlice, 5, 1)).sent(MsgType::kValidate)[0];
  }
  Storage again(Config(), disk, Rng(3));
  Driver d(&again);
  d.start();
  const Message fresh = d.deliver(Write(kAlice, 5, 1)).sent(MsgType::kValidate)[0];
  EXPECT_NE(L(fresh).request_id, L(old).request_id);
  EXPECT_TRUE(d.deliver(Answer(old, true)).records.empty());
  EXPECT_EQ(again.pending_writes(), 1u);
}

TEST(StorageSequencer, FencingStillRejectsALowerTokenAtOnce) {
  Fixture f;
  f.d.deliver(Answer(f.write_asks(kBob, 9, 1), true));
  const Out o = f.d.deliver(Write(kAlice, 5, 2));
  EXPECT_EQ(o.count(MsgType::kValidate), 0u);
  ASSERT_EQ(o.count_records(obs::kWriteRejected), 1u);
  EXPECT_EQ(decode_as<obs::WriteRejected>(o.recs(obs::kWriteRejected)[0]).reason,
            ErrorCode::kStaleToken);
}

}  // namespace
}  // namespace storage_sequencer_test
}  // namespace leasesim
