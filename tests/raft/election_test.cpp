// The Raft core's election details that matter for timing fidelity (issue
// 13): when the election timer is reset (Raft Figure 2), the resolution of
// the drawn timeout, Pre-Vote (Raft dissertation 9.6), and durable writes under a host that models
// their latency (Effects::async_disk): what a step holds back until durable.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "leasesim/raft/server.hpp"

namespace leasesim::raft {
namespace election_test {
namespace {

class Nothing final : public StateMachine {
 public:
  ApplyResult apply(LogIndex, const LogEntry&) override { return {}; }
  uint64_t digest(const LogEntry& e) const override { return e.term; }
  void snapshot(std::vector<SnapshotItem>* out) const override { out->clear(); }
  void restore(std::span<const SnapshotItem>) override {}
  void on_applied(LogIndex, const LogEntry&, ApplyResult, const LocalClocks&, Effects&) override {}
  void on_leader_start(const LocalClocks&, Effects&) override {}
  void on_ready(const LocalClocks&, Effects&) override { ++readies; }
  void on_leader_end(const LocalClocks&, Effects&) override {}
  void on_message(const Message&, const LocalClocks&, Effects&) override {}
  void on_timer(const TimerFire&, const LocalClocks&, Effects&) override {}
  int readies = 0;
};

// One server under test, fed messages by hand.
struct One {
  explicit One(size_t n = 3, bool pre_vote = false, NodeId self = 0,
               void (*tune)(Config&) = nullptr) {
    cfg.self = self;
    for (size_t j = 0; j < n; ++j) cfg.servers.push_back(static_cast<NodeId>(j));
    cfg.pre_vote = pre_vote;
    if (tune != nullptr) tune(cfg);
    server = std::make_unique<Server>(cfg, disk, Rng(7), machine);
    Effects fx;
    server->start(now(), fx);
  }
  LocalClocks now() const { return LocalClocks{t, t}; }
  Effects step_msg(MsgKind kind, NodeId from, const RaftMsg& p, bool async = false) {
    Message m;
    m.reset(static_cast<uint16_t>(kind), from, cfg.self);
    m.set<RaftMsg>() = p;
    Effects fx;
    fx.set_async_disk(async);
    server->on_message(m, now(), fx);
    return fx;
  }
  Effects fire_election(bool async = false) {
    Effects fx;
    fx.set_async_disk(async);
    server->on_timer(TimerFire{Server::kElectionTimer, election_arg}, now(), fx);
    return fx;
  }
  static bool resets_election_timer(const Effects& fx) {
    for (const TimerRequest& r : fx.timers())
      if (r.kind == Server::kElectionTimer) return true;
    return false;
  }
  Config cfg;
  Disk disk;
  Nothing machine;
  std::unique_ptr<Server> server;
  TimePoint t = TimePoint(0);
  uint64_t election_arg = 1;  // start() armed generation 1
};

RaftMsg vote_request(Term term, LogIndex index, Term log_term, bool pre = false) {
  RaftMsg p;
  p.term = term;
  p.index = index;
  p.log_term = log_term;
  p.pre_vote = pre;
  return p;
}

// Figure 2: "If election timeout elapses without receiving AppendEntries
// RPC from current leader or granting vote to candidate: convert to
// candidate." A refused vote request in a higher term is neither: before
// issue 13 the server re-armed its timer whenever it adopted a higher term,
// so a candidate with a stale log, timing out again and again, kept every
// up-to-date server from ever standing.
TEST(ElectionTimer, ARefusedHigherTermVoteRequestLeavesTheTimerAlone) {
  One s;
  // s has an entry of term 2 in its log; the candidate's log ends in term 1.
  s.disk.term = 2;
  LogEntry e;
  e.term = 2;
  s.disk.log.append(e);
  s.t = TimePoint(milliseconds(40).ns());
  const Effects fx = s.step_msg(MsgKind::kRequestVote, 2, vote_request(5, 7, 1));
  EXPECT_EQ(s.server->term(), 5u);  // the term is adopted
  EXPECT_EQ(s.disk.voted_for, kInvalidNode);
  EXPECT_FALSE(One::resets_election_timer(fx));
}

TEST(ElectionTimer, GrantingAVoteResetsIt) {
  One s;
  const Effects fx = s.step_msg(MsgKind::kRequestVote, 2, vote_request(1, 0, 0));
  EXPECT_EQ(s.disk.voted_for, 2u);
  EXPECT_TRUE(One::resets_election_timer(fx));
}

TEST(ElectionTimer, AppendEntriesFromTheLeaderResetsIt) {
  One s;
  RaftMsg a;
  a.term = 3;
  const Effects fx = s.step_msg(MsgKind::kAppendEntries, 1, a);
  EXPECT_EQ(s.server->leader(), 1u);
  EXPECT_TRUE(One::resets_election_timer(fx));
}

TEST(ElectionTimer, AStaleAppendDoesNotResetIt) {
  One s;
  s.disk.term = 4;
  RaftMsg a;
  a.term = 3;
  const Effects fx = s.step_msg(MsgKind::kAppendEntries, 1, a);
  EXPECT_FALSE(One::resets_election_timer(fx));
}

TEST(ElectionTimer, ADeposedLeaderArmsOne) {
  One s(1);  // a core of one elects itself at its first timeout
  s.fire_election();
  ASSERT_EQ(s.server->role(), Role::kLeader);
  // A higher term (say the cluster grew): it steps down and needs a timer.
  const Effects fx = s.step_msg(MsgKind::kVoteReply, 0, vote_request(9, 0, 0));
  EXPECT_EQ(s.server->role(), Role::kFollower);
  EXPECT_TRUE(One::resets_election_timer(fx));
}

// The election timeouts a server arms over `rounds` candidacies (each
// re-arms the timer), as offsets from the moment it armed them.
std::vector<Duration> drawn_timeouts(void (*tune)(Config&), int rounds) {
  One s(3, false, 0, tune);
  std::vector<Duration> out;
  for (int i = 0; i < rounds; ++i) {
    const Effects fx = s.fire_election();
    for (const TimerRequest& r : fx.timers())
      if (r.kind == Server::kElectionTimer) out.push_back(r.deadline - s.t);
    ++s.election_arg;
  }
  return out;
}

void range_150_151(Config& c) {
  c.election_min = milliseconds(150);
  c.election_max = milliseconds(151);
}

void range_150_151_whole_ms(Config& c) {
  range_150_151(c);
  c.election_granularity = milliseconds(1);
}

// LogCabin draws its timeout as a whole number of milliseconds: with a
// 150-151 ms range a timeout is 150 or 151 ms, never in between, so two
// servers' timers drift apart by 0 or 1 ms a round (a wider spread than a
// continuous draw's, which is what breaks ties at the paper's pace).
TEST(ElectionTimeout, AGranularityRoundsTheDrawToItsMultiples) {
  const std::vector<Duration> ts = drawn_timeouts(range_150_151_whole_ms, 200);
  ASSERT_EQ(ts.size(), 200u);
  int low = 0;
  for (const Duration d : ts) {
    ASSERT_TRUE(d == milliseconds(150) || d == milliseconds(151)) << d.ns();
    if (d == milliseconds(150)) ++low;
  }
  EXPECT_GT(low, 60) << "about half round down";
  EXPECT_LT(low, 140) << "about half round up";
}

TEST(ElectionTimeout, WithoutAGranularityAnyNanosecondIsDrawn) {
  const std::vector<Duration> ts = drawn_timeouts(range_150_151, 200);
  ASSERT_EQ(ts.size(), 200u);
  int whole = 0;
  for (const Duration d : ts) {
    EXPECT_GE(d, milliseconds(150));
    EXPECT_LE(d, milliseconds(151));
    if (d.ns() % milliseconds(1).ns() == 0) ++whole;
  }
  EXPECT_LT(whole, 5);
}

// Rounding consumes the same single draw, so turning it on moves no other
// draw of the run: each rounded timeout is the nearest multiple of the
// continuous one.
TEST(ElectionTimeout, RoundingUsesTheSameDraw) {
  const std::vector<Duration> fine = drawn_timeouts(range_150_151, 50);
  const std::vector<Duration> whole = drawn_timeouts(range_150_151_whole_ms, 50);
  ASSERT_EQ(fine.size(), whole.size());
  for (size_t i = 0; i < fine.size(); ++i) {
    const Duration expect = fine[i] < microseconds(150500) ? milliseconds(150) : milliseconds(151);
    EXPECT_EQ(whole[i], expect) << i;
  }
}

TEST(PreVote, APreCandidateChangesNoTermAndAsksForTheNextOne) {
  One s(3, true);
  const Effects fx = s.fire_election();
  EXPECT_EQ(s.server->term(), 0u);
  EXPECT_EQ(s.server->role(), Role::kFollower);
  EXPECT_EQ(s.disk.voted_for, kInvalidNode);
  ASSERT_EQ(fx.message_count(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const RaftMsg& p = fx.message(i).as<RaftMsg>();
    EXPECT_TRUE(p.pre_vote);
    EXPECT_EQ(p.term, 1u);
  }
  EXPECT_TRUE(One::resets_election_timer(fx));  // it retries if the round fails
}

TEST(PreVote, AMajorityOfYesesStartsTheRealElection) {
  One s(3, true);
  s.fire_election();
  RaftMsg yes;
  yes.term = 1;
  yes.success = true;
  yes.pre_vote = true;
  const Effects fx = s.step_msg(MsgKind::kVoteReply, 1, yes);
  EXPECT_EQ(s.server->role(), Role::kCandidate);
  EXPECT_EQ(s.server->term(), 1u);
  ASSERT_EQ(fx.message_count(), 2u);
  EXPECT_FALSE(fx.message(0).as<RaftMsg>().pre_vote);
}

TEST(PreVote, AVoterThatHeardALeaderRecentlySaysNoAndChangesNothing) {
  One s(3, true, 1);
  RaftMsg a;
  a.term = 2;
  s.step_msg(MsgKind::kAppendEntries, 0, a);
  s.t = TimePoint(milliseconds(100).ns());  // within election_min (150 ms)
  Effects fx = s.step_msg(MsgKind::kRequestVote, 2, vote_request(3, 0, 0, true));
  ASSERT_EQ(fx.message_count(), 1u);
  EXPECT_FALSE(fx.message(0).as<RaftMsg>().success);
  EXPECT_EQ(fx.message(0).as<RaftMsg>().term, 2u);
  EXPECT_EQ(s.server->term(), 2u);
  EXPECT_FALSE(One::resets_election_timer(fx));
  // Later, with the leader silent, it says yes, still without adopting.
  s.t = TimePoint(milliseconds(400).ns());
  fx = s.step_msg(MsgKind::kRequestVote, 2, vote_request(3, 0, 0, true));
  ASSERT_EQ(fx.message_count(), 1u);
  EXPECT_TRUE(fx.message(0).as<RaftMsg>().success);
  EXPECT_EQ(fx.message(0).as<RaftMsg>().term, 3u);
  EXPECT_EQ(s.server->term(), 2u);
  EXPECT_EQ(s.disk.voted_for, kInvalidNode);
}

// The election timer's argument in `fx` (the generation a fire must carry).
uint64_t election_arg_of(const Effects& fx) {
  for (const TimerRequest& r : fx.timers())
    if (r.kind == Server::kElectionTimer) return r.arg;
  ADD_FAILURE() << "no election timer armed";
  return 0;
}

RaftMsg vote_reply(Term term, bool pre) {
  RaftMsg r;
  r.term = term;
  r.success = true;
  r.pre_vote = pre;
  return r;
}

// A candidate whose election times out starts a Pre-Vote round for the next
// term while still a candidate of its own. A late real vote for its own term
// must not count in that round's tally of pre-votes (which bind nobody):
// added to them it made a leader without a real majority, and two leaders
// of one term (found by an adversarial audit: election_safety under the
// safe presets with pre_vote on, and a 2.4 s overlap in kv-lease). As in
// etcd, a pre-candidate counts only pre-vote replies.
TEST(PreVote, ACandidatesPreVoteRoundCountsNoRealVotes) {
  One s(5, true);
  s.election_arg = election_arg_of(s.fire_election());  // pre-vote round for term 1
  s.step_msg(MsgKind::kVoteReply, 1, vote_reply(1, true));
  const Effects c = s.step_msg(MsgKind::kVoteReply, 2, vote_reply(1, true));
  ASSERT_EQ(s.server->role(), Role::kCandidate);  // self, 1 and 2 said yes
  ASSERT_EQ(s.server->term(), 1u);
  s.election_arg = election_arg_of(c);
  // No real vote in time: a pre-vote round for term 2, still candidate of 1.
  s.fire_election();
  EXPECT_EQ(s.server->role(), Role::kCandidate);
  EXPECT_EQ(s.server->term(), 1u);
  s.step_msg(MsgKind::kVoteReply, 3, vote_reply(2, true));   // a pre-vote yes for 2
  s.step_msg(MsgKind::kVoteReply, 4, vote_reply(1, false));  // a late real vote for 1
  // Real votes for term 1: itself and 4, two of five. Not a leader.
  EXPECT_NE(s.server->role(), Role::kLeader);
  EXPECT_EQ(s.server->term(), 1u);
  // The round goes on: a second pre-vote yes starts the real election of 2.
  s.step_msg(MsgKind::kVoteReply, 4, vote_reply(2, true));
  EXPECT_EQ(s.server->role(), Role::kCandidate);
  EXPECT_EQ(s.server->term(), 2u);
}

TEST(PreVote, AStaleLogGetsNo) {
  One s(3, true, 1);
  s.disk.term = 2;
  LogEntry e;
  e.term = 2;
  s.disk.log.append(e);
  const Effects fx = s.step_msg(MsgKind::kRequestVote, 2, vote_request(3, 5, 1, true));
  EXPECT_FALSE(fx.message(0).as<RaftMsg>().success);
}

TEST(AsyncDisk, WithoutItNothingIsAskedFor) {
  One s;
  const Effects fx = s.step_msg(MsgKind::kRequestVote, 2, vote_request(1, 0, 0));
  EXPECT_TRUE(fx.persists().empty());
}

TEST(AsyncDisk, AVoteIsHeldUntilDurable) {
  One s;
  const Effects fx = s.step_msg(MsgKind::kRequestVote, 2, vote_request(1, 0, 0), true);
  ASSERT_EQ(fx.persists().size(), 1u);
  EXPECT_TRUE(fx.persists()[0].hold);
  EXPECT_EQ(fx.persists()[0].notify_kind, 0u);
}

TEST(AsyncDisk, ARefusalThatWritesNothingIsNotHeld) {
  One s;
  s.disk.term = 3;
  const Effects fx = s.step_msg(MsgKind::kRequestVote, 2, vote_request(2, 0, 0), true);
  EXPECT_TRUE(fx.persists().empty());
}

TEST(AsyncDisk, ACandidatesRequestsGoOutWhileItsOwnVoteIsWritten) {
  One s;
  const Effects fx = s.fire_election(true);
  ASSERT_EQ(fx.persists().size(), 1u);
  EXPECT_FALSE(fx.persists()[0].hold);
  EXPECT_EQ(fx.persists()[0].notify_kind, Server::kVoteDurableTimer);
  EXPECT_EQ(fx.persists()[0].notify_arg, 1u);
  EXPECT_EQ(fx.message_count(), 2u);
}

TEST(AsyncDisk, ACandidatesOwnVoteCountsOnlyOnceDurable) {
  One s;  // three servers: its own vote and one other make a majority
  s.fire_election(true);
  RaftMsg yes;
  yes.term = 1;
  yes.success = true;
  s.step_msg(MsgKind::kVoteReply, 1, yes, true);
  EXPECT_EQ(s.server->role(), Role::kCandidate);  // one vote of three so far
  Effects fx;
  fx.set_async_disk(true);
  s.server->on_timer(TimerFire{Server::kVoteDurableTimer, 1}, s.now(), fx);
  EXPECT_EQ(s.server->role(), Role::kLeader);
}

TEST(AsyncDisk, ALeaderCountsItsOwnEntryOnlyOnceDurable) {
  One s(1);  // alone, so the leader's own copy is the majority
  Effects vote;
  vote.set_async_disk(true);
  s.server->on_timer(TimerFire{Server::kElectionTimer, 1}, s.now(), vote);
  EXPECT_EQ(s.server->role(), Role::kCandidate);  // its own vote is not durable yet
  Effects fx;
  fx.set_async_disk(true);
  s.server->on_timer(TimerFire{Server::kVoteDurableTimer, 1}, s.now(), fx);
  ASSERT_EQ(s.server->role(), Role::kLeader);
  EXPECT_EQ(s.server->commit_index(), 0u);  // the no-op is written, not durable
  EXPECT_FALSE(s.server->ready());
  ASSERT_EQ(fx.persists().size(), 1u);
  const PersistRequest p = fx.persists()[0];
  EXPECT_EQ(p.notify_kind, Server::kDurableTimer);
  Effects done;
  done.set_async_disk(true);
  s.server->on_timer(TimerFire{p.notify_kind, p.notify_arg}, s.now(), done);
  EXPECT_EQ(s.server->commit_index(), 1u);
  EXPECT_TRUE(s.server->ready());
}

}  // namespace
}  // namespace election_test
}  // namespace leasesim::raft