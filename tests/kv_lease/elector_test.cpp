// The kv-lease elector alone: inputs (replies, timers) with clocks the test
// sets, effects asserted (requests, beliefs). Node ids: servers 0..2, the
// elector 3.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "leasesim/protocol/observations.hpp"
#include "leasesim/protocols/kv_lease/elector.hpp"

namespace leasesim::kv_lease {
namespace elector_test {
namespace {

LocalClocks at(Duration mono, Duration wall_offset = Duration::zero()) {
  return LocalClocks{TimePoint(mono.ns()) + wall_offset, TimePoint(mono.ns())};
}

class ElectorTest : public ::testing::Test {
 protected:
  ElectorConfig cfg() {
    ElectorConfig c;
    c.self = 3;
    c.servers = {0, 1, 2};
    c.resources = {0};
    c.jitter = Duration::zero();
    return c;
  }
  void make(const ElectorConfig& c) {
    config_ = c;
    node_ = std::make_unique<Elector>(config_, disk_, Rng(7));
    step([&](Effects& fx) { node_->start(at(Duration::zero()), fx); });
  }
  template <typename F>
  void step(F f) {
    fx_.clear();
    f(fx_);
    for (const TimerRequest& t : fx_.timers()) timers_.push_back(t);
    sent_.clear();
    for (size_t i = 0; i < fx_.message_count(); ++i) sent_.push_back(fx_.message(i));
  }
  // Fires the latest pending timer of `kind` at local time `t`.
  void fire(uint32_t kind, Duration t, Duration wall_offset = Duration::zero()) {
    for (size_t i = timers_.size(); i-- > 0;) {
      if (timers_[i].kind != kind) continue;
      const TimerFire f{timers_[i].kind, timers_[i].arg};
      step([&](Effects& fx) { node_->on_timer(f, at(t, wall_offset), fx); });
      return;
    }
    FAIL() << "no timer of kind " << kind;
  }
  // Answers the last request with `type` carrying `rec` at local time `t`.
  void answer(MsgType type, const LeaseRecord& rec, uint64_t lease, Duration t,
              Duration wall_offset = Duration::zero()) {
    ASSERT_EQ(sent_.size(), 1u);
    const Message& q = sent_[0];
    Message m;
    m.reset(static_cast<uint16_t>(type), q.to, 3);
    m.resource = q.resource;
    KvMsg& k = m.set<KvMsg>();
    k.request_id = q.as<KvMsg>().request_id;
    k.record = rec;
    k.lease = lease;
    step([&](Effects& fx) { node_->on_message(m, at(t, wall_offset), fx); });
  }
  MsgType sent_type() const { return static_cast<MsgType>(sent_.at(0).type); }
  const LeaseRecord& sent_record() const { return sent_.at(0).as<KvMsg>().record; }
  size_t count(uint16_t kind) const {
    size_t n = 0;
    for (const Record& r : fx_.records()) n += r.kind == kind;
    return n;
  }
  static LeaseRecord held_by(NodeId holder, uint64_t version, Duration renew) {
    LeaseRecord r;
    r.version = version;
    r.holder = holder;
    r.incarnation = 1;
    r.lease_duration = seconds(15);
    r.renew_time = TimePoint(renew.ns());
    r.acquire_time = TimePoint(0);
    r.transitions = 1;
    return r;
  }
  // Acquires an empty store at 1 s: Get (not found), Update, written as version 5.
  void acquire() {
    fire(Elector::kAttemptTimer, seconds(1));
    ASSERT_EQ(sent_type(), MsgType::kGet);
    answer(MsgType::kGetReply, LeaseRecord{}, 0, seconds(1));
    ASSERT_EQ(sent_type(), MsgType::kUpdate);
    LeaseRecord w = sent_record();
    EXPECT_EQ(w.version, 0u);  // create: expects no object
    w.version = 5;
    answer(MsgType::kUpdateReply, w, 5, seconds(1) + milliseconds(10));
  }

  ElectorConfig config_;
  ElectorDisk disk_;
  std::unique_ptr<Elector> node_;
  Effects fx_;
  std::vector<TimerRequest> timers_;
  std::vector<Message> sent_;
};

TEST_F(ElectorTest, AcquiresAnEmptyRecordAndBelievesUntilRenewDeadline) {
  make(cfg());
  acquire();
  EXPECT_EQ(node_->phase(0), Elector::Phase::kLeader);
  EXPECT_EQ(node_->lease(0), 5u);
  EXPECT_EQ(count(obs::kBeliefBegin), 1u);
  // Round 1 starts at acquisition: deadline = acquisition + renew_deadline,
  // the acquisition counted from the attempt's start (1 s; anchor send).
  EXPECT_EQ(node_->belief_deadline(0), TimePoint(seconds(11).ns()));
  // ... and its immediate attempt takes the fast path: an Update with the cached version.
  ASSERT_EQ(sent_type(), MsgType::kUpdate);
  EXPECT_EQ(sent_record().version, 5u);
}

// Where a success counts from: the attempt's start (send), or the reply's
// arrival (receipt, client-go). A renewal sent at 2 s whose reply arrives
// at 4 s (a pause, a slow network) moves the deadline to 2 s + 2 s + 10 s
// with send; with receipt to 16 s, past what a candidate that saw the write
// at 2 s counts. (The safe preset counted from the reply, and a pause of
// the holder with its reply in flight overlapped; found by a checker audit,
// scenarios/pause/kv-pause-reply-receipt-anchor.json.)
TEST_F(ElectorTest, AnchorSetsWhereASuccessCountsFrom) {
  for (const Anchor a : {Anchor::kSend, Anchor::kReceipt}) {
    SCOPED_TRACE(to_string(a));
    ElectorConfig c = cfg();
    c.knobs.anchor = a;
    make(c);
    acquire();  // attempt at 1 s, written at 1.01 s
    EXPECT_EQ(node_->belief_deadline(0),
              TimePoint((a == Anchor::kSend ? seconds(11) : seconds(11) + milliseconds(10)).ns()));
    LeaseRecord mine = sent_record();  // the fast-path renewal, sent at 1.01 s
    mine.version = 6;
    answer(MsgType::kUpdateReply, mine, 5, milliseconds(1020));
    fire(Elector::kRoundTimer, seconds(2));  // round 2: its attempt is sent at 2 s
    mine = sent_record();
    mine.version = 7;
    answer(MsgType::kUpdateReply, mine, 5, seconds(4));
    EXPECT_EQ(node_->belief_deadline(0),
              TimePoint((a == Anchor::kSend ? seconds(14) : seconds(16)).ns()));
  }
}

TEST_F(ElectorTest, CandidateWaitsLeaseDurationOnItsOwnClockSinceTheRecordLastChanged) {
  make(cfg());
  const LeaseRecord other = held_by(4, 9, seconds(1));
  fire(Elector::kAttemptTimer, seconds(1));
  answer(MsgType::kGetReply, other, 9, seconds(1));  // first seen at 1 s
  EXPECT_TRUE(sent_.empty());                        // held, not expired: no Update
  EXPECT_EQ(node_->observed_time(0), TimePoint(seconds(1).ns()));
  // The same record at 15.9 s (attempt started then): 1 + 15 > 15.9, still held.
  fire(Elector::kAttemptTimer, milliseconds(15900));
  answer(MsgType::kGetReply, other, 9, milliseconds(15900));
  EXPECT_TRUE(sent_.empty());
  // At 16 s it has been unchanged for 15 s on our clock: take over, with its version.
  fire(Elector::kAttemptTimer, seconds(16));
  answer(MsgType::kGetReply, other, 9, seconds(16));
  ASSERT_EQ(sent_type(), MsgType::kUpdate);
  EXPECT_EQ(sent_record().version, 9u);
  EXPECT_EQ(sent_record().holder, 3u);
  EXPECT_EQ(sent_record().transitions, 2u);
}

TEST_F(ElectorTest, AChangedRecordRestartsTheObservedTime) {
  make(cfg());
  fire(Elector::kAttemptTimer, seconds(1));
  answer(MsgType::kGetReply, held_by(4, 9, seconds(1)), 9, seconds(1));
  fire(Elector::kAttemptTimer, seconds(10));
  answer(MsgType::kGetReply, held_by(4, 11, seconds(9)), 9, seconds(10));  // renewed
  EXPECT_EQ(node_->observed_time(0), TimePoint(seconds(10).ns()));
  fire(Elector::kAttemptTimer, seconds(16));
  answer(MsgType::kGetReply, held_by(4, 11, seconds(9)), 9, seconds(16));
  EXPECT_TRUE(sent_.empty());  // 10 + 15 > 16
}

// A write that repeats the record's contents (the holder's wall clock
// stepped back by its renew interval) is a new version: with observe:
// version the wait restarts, with spec (client-go) it does not, and the
// candidate would take over early (scenarios/clocks/kv-step-repeats-renewal-*;
// the safe preset compared contents; found by an adversarial test).
TEST_F(ElectorTest, ObserveSetsWhatRestartsTheWait) {
  for (const Observe o : {Observe::kVersion, Observe::kSpec}) {
    SCOPED_TRACE(to_string(o));
    ElectorConfig c = cfg();
    c.knobs.observe = o;
    make(c);
    fire(Elector::kAttemptTimer, seconds(1));
    answer(MsgType::kGetReply, held_by(4, 9, seconds(1)), 9, seconds(1));
    fire(Elector::kAttemptTimer, seconds(10));
    answer(MsgType::kGetReply, held_by(4, 10, seconds(1)), 9, seconds(10));  // same contents
    EXPECT_EQ(node_->observed_time(0),
              TimePoint((o == Observe::kVersion ? seconds(10) : seconds(1)).ns()));
  }
}

TEST_F(ElectorTest, RecordBasisTrustsTheHoldersTimestampAgainstTheLocalWallClock) {
  ElectorConfig c = cfg();
  c.knobs.expiry_basis = ExpiryBasis::kRecord;
  make(c);
  // Our wall clock is 14 s ahead: renew_time 1 s + 15 s < 2 s + 14 s.
  fire(Elector::kAttemptTimer, seconds(2), seconds(14));
  answer(MsgType::kGetReply, held_by(4, 9, seconds(1)), 9, seconds(2), seconds(14));
  ASSERT_EQ(sent_type(), MsgType::kUpdate);  // takes over at once
  // With the observed basis the same read is "held".
  make(cfg());
  fire(Elector::kAttemptTimer, seconds(2), seconds(14));
  answer(MsgType::kGetReply, held_by(4, 9, seconds(1)), 9, seconds(2), seconds(14));
  EXPECT_TRUE(sent_.empty());
}

TEST_F(ElectorTest, HolderGivesUpAtRenewDeadlineAndEndsItsBelief) {
  make(cfg());
  acquire();
  fire(Elector::kDeadlineTimer, seconds(11) + milliseconds(10));
  EXPECT_EQ(count(obs::kBeliefEnd), 1u);
  // after-stop: the work stopped with the decision, so the release reads the record now.
  EXPECT_EQ(node_->phase(0), Elector::Phase::kStopping);
  ASSERT_EQ(sent_type(), MsgType::kGet);
  answer(MsgType::kGetReply, held_by(4, 9, seconds(10)), 9, seconds(12));  // someone else's
  EXPECT_TRUE(sent_.empty());                                              // not ours: left alone
  EXPECT_EQ(node_->phase(0), Elector::Phase::kWaiting);
}

TEST_F(ElectorTest, StopLatencyExtendsTheBeliefAndOnCancelReleasesBeforeTheWorkStops) {
  ElectorConfig c = cfg();
  c.knobs.stop_latency = seconds(3);
  c.knobs.release = Release::kOnCancel;
  c.hold_min = c.hold_max = seconds(5);
  make(c);
  acquire();
  EXPECT_EQ(node_->belief_deadline(0), TimePoint(seconds(11).ns()));
  fire(Elector::kHoldTimer, seconds(6));
  EXPECT_EQ(count(obs::kBeliefEnd), 0u);  // the work still runs
  ASSERT_EQ(sent_type(), MsgType::kGet);  // ... but the release has started
  EXPECT_EQ(node_->phase(0), Elector::Phase::kStopping);
  fire(Elector::kStopTimer, seconds(9));
  EXPECT_EQ(count(obs::kBeliefEnd), 1u);
}

// The work runs on for stop_latency from when the holder STOPS, not from
// its deadline: a holder that notices late (paused past its deadline, or a
// late timer) works past deadline + stop_latency, and its belief says so.
// (It ended at deadline + stop_latency: a pause of the holder let its work
// run on unseen beside the next holder; found by a checker audit,
// scenarios/pause/kv-pause-slow-stop.json.)
TEST_F(ElectorTest, StopLatencyCountsFromALateStop) {
  ElectorConfig c = cfg();
  c.knobs.stop_latency = seconds(3);
  make(c);
  acquire();
  EXPECT_EQ(node_->belief_until(0), TimePoint(seconds(14).ns()));
  // Paused until 20 s: the deadline timer fires then; the belief lapsed at
  // 14 s and the work runs again from 20 s to 23 s.
  fire(Elector::kDeadlineTimer, seconds(20));
  EXPECT_EQ(node_->phase(0), Elector::Phase::kStopping);
  ASSERT_EQ(count(obs::kBeliefEnd), 1u);
  ASSERT_EQ(count(obs::kBeliefBegin), 1u);
  std::vector<uint16_t> kinds;
  for (const Record& r : fx_.records()) kinds.push_back(r.kind);
  EXPECT_LT(std::find(kinds.begin(), kinds.end(), obs::kBeliefEnd),
            std::find(kinds.begin(), kinds.end(), obs::kBeliefBegin));
  EXPECT_EQ(node_->belief_until(0), TimePoint(seconds(23).ns()));
  fire(Elector::kStopTimer, seconds(23));
  EXPECT_EQ(count(obs::kBeliefEnd), 1u);
  // Late by less than stop_latency: the open belief is extended.
  make(c);
  acquire();
  fire(Elector::kDeadlineTimer, seconds(12));
  EXPECT_EQ(count(obs::kBeliefExtend), 1u);
  EXPECT_EQ(count(obs::kBeliefBegin), 0u);
  EXPECT_EQ(node_->belief_until(0), TimePoint(seconds(15).ns()));
  // A stop in time needs nothing: the hold ends at 6 s, the work at 9 s.
  c.hold_min = c.hold_max = seconds(5);
  make(c);
  acquire();
  fire(Elector::kHoldTimer, seconds(6));
  EXPECT_EQ(fx_.records().size(), 1u);  // stopped_leading only
  EXPECT_EQ(node_->belief_until(0), TimePoint(seconds(14).ns()));
}

TEST_F(ElectorTest, ReleaseBlanksTheRecordOnlyIfItStillNamesUs) {
  ElectorConfig c = cfg();
  c.hold_min = c.hold_max = seconds(5);
  make(c);
  acquire();
  LeaseRecord mine = sent_record();  // the fast-path renewal in flight
  mine.version = 6;
  answer(MsgType::kUpdateReply, mine, 5, seconds(1) + milliseconds(20));
  fire(Elector::kHoldTimer, seconds(6));  // after-stop, no latency: release now
  ASSERT_EQ(sent_type(), MsgType::kGet);
  answer(MsgType::kGetReply, mine, 5, seconds(6));
  ASSERT_EQ(sent_type(), MsgType::kUpdate);
  EXPECT_EQ(sent_record().holder, kInvalidNode);
  EXPECT_EQ(sent_record().lease_duration, seconds(1));
  EXPECT_EQ(sent_record().version, 6u);
}

TEST_F(ElectorTest, SuccessDeadlineStopsAPausedHolderRoundDeadlineRestartsIt) {
  for (const Deadline d : {Deadline::kSuccess, Deadline::kRound}) {
    SCOPED_TRACE(to_string(d));
    ElectorConfig c = cfg();
    c.knobs.deadline = d;
    make(c);
    acquire();
    LeaseRecord mine = sent_record();
    mine.version = 6;
    answer(MsgType::kUpdateReply, mine, 5, seconds(2));  // success: next round at 4 s
    // Paused until 20 s, past last success + 2 + 10: the round timer fires late.
    fire(Elector::kRoundTimer, seconds(20));
    if (d == Deadline::kSuccess) {
      EXPECT_NE(node_->phase(0), Elector::Phase::kLeader);
      EXPECT_EQ(count(obs::kBeliefBegin), 0u);
    } else {
      EXPECT_EQ(node_->phase(0), Elector::Phase::kLeader);
      EXPECT_EQ(count(obs::kBeliefBegin), 1u);  // believes again, until 30 s
      EXPECT_EQ(node_->belief_deadline(0), TimePoint(seconds(30).ns()));
    }
  }
}

TEST_F(ElectorTest, RedirectFollowsTheHintWithinTheAttempt) {
  make(cfg());
  fire(Elector::kAttemptTimer, seconds(1));
  const NodeId first = sent_.at(0).to;
  const NodeId leader = (first + 1) % 3;
  LeaseRecord hint;
  hint.holder = leader;
  answer(MsgType::kRedirect, hint, 0, seconds(1));
  ASSERT_EQ(sent_type(), MsgType::kGet);
  EXPECT_EQ(sent_.at(0).to, leader);
}

}  // namespace
}  // namespace elector_test
}  // namespace leasesim::kv_lease
