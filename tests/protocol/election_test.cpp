// LeaseServer leader election: terms, votes, the log-up-to-date rule,
// stepping down, CheckQuorum.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "leasesim/protocols/raft_lease/lease_server.hpp"

namespace leasesim {
namespace election_test {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
using testing::L;
using testing::R;
namespace {

using testing::BaseServerConfig;
using testing::Cluster;
using testing::Entry;
using testing::Out;

Message Vote(NodeId from, NodeId to, Term term, LogIndex last, Term last_term) {
  Message m;
  m = testing::RaftMessage(MsgType::kRequestVote, from, to);
  R(m).term = term;
  R(m).index = last;
  R(m).log_term = last_term;
  return m;
}

Message VoteReply(NodeId from, NodeId to, Term term, bool granted) {
  Message m;
  m = testing::RaftMessage(MsgType::kVoteReply, from, to);
  R(m).term = term;
  R(m).success = granted;
  return m;
}

void Fill(ServerDisk& disk, Term term, std::initializer_list<Term> entry_terms) {
  disk.term = term;
  for (Term t : entry_terms) disk.log.append(Entry(t));
}

TEST(Election, StartIsAFollowerWithAnElectionTimer) {
  Cluster c(3);
  const Out o = c.start(0);
  ASSERT_EQ(o.count_records(obs::kRole), 1u);
  EXPECT_EQ(decode_as<obs::RoleChanged>(o.recs(obs::kRole)[0]).role, Role::kFollower);
  ASSERT_EQ(o.timers_of(LeaseServer::kElectionTimer).size(), 1u);
  const TimerRequest t = o.timers_of(LeaseServer::kElectionTimer)[0];
  EXPECT_EQ(t.clock, ClockKind::kMonotonic);
  EXPECT_GE(t.deadline, TimePoint(milliseconds(150).ns()));
  EXPECT_LE(t.deadline, TimePoint(milliseconds(300).ns()));
  EXPECT_TRUE(o.msgs.empty());
  EXPECT_EQ(c.server(0).role(), Role::kFollower);
  EXPECT_EQ(c.server(0).term(), 0u);
}

TEST(Election, SingleServerBecomesLeaderAndReadyOnFirstTimeout) {
  Cluster c(1, BaseServerConfig(1));
  c.start_all();
  c.records.clear();
  const Out o = c.fire(0, LeaseServer::kElectionTimer);
  EXPECT_EQ(c.server(0).role(), Role::kLeader);
  EXPECT_EQ(c.server(0).term(), 1u);
  EXPECT_TRUE(c.server(0).ready());
  EXPECT_EQ(c.server(0).leader(), 0u);
  EXPECT_EQ(c.server(0).commit_index(), 1u);
  EXPECT_EQ(c.disk(0).term, 1u);
  EXPECT_EQ(c.disk(0).voted_for, 0u);
  EXPECT_TRUE(o.msgs.empty());
  // candidate, leader, the no-op committed, then ready, in that order.
  ASSERT_EQ(o.records.size(), 4u);
  EXPECT_EQ(o.records[0].kind, obs::kRole);
  EXPECT_EQ(decode_as<obs::RoleChanged>(o.records[0]).role, Role::kCandidate);
  EXPECT_EQ(decode_as<obs::RoleChanged>(o.records[0]).term, 1u);
  EXPECT_EQ(o.records[1].kind, obs::kRole);
  EXPECT_EQ(decode_as<obs::RoleChanged>(o.records[1]).role, Role::kLeader);
  EXPECT_EQ(o.records[2].kind, obs::kCommitted);
  EXPECT_EQ(decode_as<obs::Committed>(o.records[2]).index, 1u);
  EXPECT_EQ(decode_as<obs::Committed>(o.records[2]).term, 1u);
  EXPECT_EQ(decode_as<obs::Committed>(o.records[2]).digest, entry_digest(c.disk(0).log.at(1)));
  EXPECT_EQ(type_of(c.disk(0).log.at(1)), EntryType::kNoop);
  EXPECT_EQ(o.records[3].kind, obs::kLeaderReady);
  EXPECT_EQ(decode_as<obs::LeaderReady>(o.records[3]).term, 1u);
  EXPECT_EQ(o.timers_of(LeaseServer::kHeartbeatTimer).size(), 1u);
}

TEST(Election, CandidateAsksEveryPeerWithItsLastIndexAndTerm) {
  Cluster c(3);
  Fill(c.disk(0), 1, {1, 1});
  c.start_all();
  const Out o = c.fire(0, LeaseServer::kElectionTimer);
  EXPECT_EQ(c.server(0).role(), Role::kCandidate);
  EXPECT_EQ(c.server(0).term(), 2u);
  EXPECT_EQ(c.disk(0).voted_for, 0u);
  const auto votes = o.sent(MsgType::kRequestVote);
  ASSERT_EQ(votes.size(), 2u);
  EXPECT_EQ(votes[0].to, 1u);
  EXPECT_EQ(votes[1].to, 2u);
  for (const Message& m : votes) {
    EXPECT_EQ(m.from, 0u);
    EXPECT_EQ(R(m).term, 2u);
    EXPECT_EQ(R(m).index, 2u);
    EXPECT_EQ(R(m).log_term, 1u);
  }
  // A new election timer in case this election fails.
  EXPECT_EQ(o.timers_of(LeaseServer::kElectionTimer).size(), 1u);
  ASSERT_EQ(o.count_records(obs::kRole), 1u);
  EXPECT_EQ(decode_as<obs::RoleChanged>(o.recs(obs::kRole)[0]).role, Role::kCandidate);
  EXPECT_EQ(decode_as<obs::RoleChanged>(o.recs(obs::kRole)[0]).term, 2u);
}

TEST(Election, MajorityOfVotesMakesALeader) {
  Cluster c(3);
  c.start_all();
  c.fire(0, LeaseServer::kElectionTimer);
  ASSERT_EQ(c.in_flight.size(), 2u);
  // Server 1's vote alone is a majority with the candidate's own.
  c.deliver_one([](const Message& m) { return m.to == 1; });
  ASSERT_EQ(c.server(1).term(), 1u);
  EXPECT_EQ(c.disk(1).voted_for, 0u);
  const auto reply = c.deliver_one([](const Message& m) { return m.is(MsgType::kVoteReply); });
  ASSERT_TRUE(reply);
  EXPECT_EQ(c.server(0).role(), Role::kLeader);
  EXPECT_EQ(c.server(0).leader(), 0u);
  EXPECT_FALSE(c.server(0).ready());  // its no-op is not committed yet
  EXPECT_EQ(c.server(0).log().last_index(), 1u);
  EXPECT_EQ(c.server(0).log().at(1).term, 1u);
}

TEST(Election, VoteGrantedOncePerTerm) {
  Cluster c(3);
  c.start_all();
  Out a = c.inject(Vote(0, 1, 1, 0, 0));
  ASSERT_EQ(a.count(MsgType::kVoteReply), 1u);
  EXPECT_TRUE(R(a.sent(MsgType::kVoteReply)[0]).success);
  EXPECT_EQ(R(a.sent(MsgType::kVoteReply)[0]).term, 1u);
  EXPECT_EQ(a.sent(MsgType::kVoteReply)[0].to, 0u);
  ASSERT_EQ(a.count_records(raft::Vote::kKind), 1u);
  EXPECT_EQ(decode_as<raft::Vote>(a.recs(raft::Vote::kKind)[0]).term, 1u);
  EXPECT_EQ(decode_as<raft::Vote>(a.recs(raft::Vote::kKind)[0]).candidate, 0u);
  EXPECT_EQ(decode_as<raft::Vote>(a.recs(raft::Vote::kKind)[0]).granted, 1u);
  EXPECT_EQ(c.disk(1).voted_for, 0u);
  EXPECT_EQ(c.disk(1).term, 1u);
  // A second candidate in the same term is refused...
  Out b = c.inject(Vote(2, 1, 1, 0, 0));
  ASSERT_EQ(b.count(MsgType::kVoteReply), 1u);
  EXPECT_FALSE(R(b.sent(MsgType::kVoteReply)[0]).success);
  EXPECT_EQ(decode_as<raft::Vote>(b.recs(raft::Vote::kKind)[0]).granted, 0u);
  EXPECT_EQ(c.disk(1).voted_for, 0u);
  // ...while the first one asking again gets the same answer.
  Out again = c.inject(Vote(0, 1, 1, 0, 0));
  EXPECT_TRUE(R(again.sent(MsgType::kVoteReply)[0]).success);
  // A new term is a new vote.
  Out d = c.inject(Vote(2, 1, 2, 0, 0));
  EXPECT_TRUE(R(d.sent(MsgType::kVoteReply)[0]).success);
  EXPECT_EQ(c.disk(1).voted_for, 2u);
  EXPECT_EQ(c.disk(1).term, 2u);
}

TEST(Election, VoteSurvivesARestart) {
  Cluster c(3);
  c.start_all();
  ASSERT_TRUE(R(c.inject(Vote(0, 1, 1, 0, 0)).sent(MsgType::kVoteReply)[0]).success);
  c.start(1);  // crash and restart over the same disk
  EXPECT_FALSE(R(c.inject(Vote(2, 1, 1, 0, 0)).sent(MsgType::kVoteReply)[0]).success);
}

TEST(Election, StaleTermVoteRequestIsRefusedWithTheCurrentTerm) {
  Cluster c(3);
  Fill(c.disk(1), 4, {});
  c.start_all();
  Out o = c.inject(Vote(0, 1, 3, 0, 0));
  ASSERT_EQ(o.count(MsgType::kVoteReply), 1u);
  EXPECT_FALSE(R(o.sent(MsgType::kVoteReply)[0]).success);
  EXPECT_EQ(R(o.sent(MsgType::kVoteReply)[0]).term, 4u);
  EXPECT_EQ(c.disk(1).voted_for, kInvalidNode);
}

TEST(Election, LogUpToDateRuleRefusesAnOlderLastTerm) {
  Cluster c(3);
  Fill(c.disk(1), 2, {1, 2});
  c.start_all();
  // Candidate with a longer log but an older last term.
  Out o = c.inject(Vote(0, 1, 3, 5, 1));
  EXPECT_FALSE(R(o.sent(MsgType::kVoteReply)[0]).success);
  EXPECT_EQ(R(o.sent(MsgType::kVoteReply)[0]).term, 3u);
  EXPECT_EQ(c.disk(1).term, 3u);  // the term is adopted even so
  EXPECT_EQ(c.disk(1).voted_for, kInvalidNode);
  // An up-to-date candidate in the same term still gets the vote.
  Out ok = c.inject(Vote(2, 1, 3, 2, 2));
  EXPECT_TRUE(R(ok.sent(MsgType::kVoteReply)[0]).success);
}

TEST(Election, LogUpToDateRuleRefusesAShorterLogOfTheSameTerm) {
  Cluster c(3);
  Fill(c.disk(1), 1, {1, 1, 1});
  c.start_all();
  EXPECT_FALSE(R(c.inject(Vote(0, 1, 2, 2, 1)).sent(MsgType::kVoteReply)[0]).success);
  EXPECT_TRUE(R(c.inject(Vote(2, 1, 2, 3, 1)).sent(MsgType::kVoteReply)[0]).success);
}

TEST(Election, CandidateWithAStaleLogLosesToAnUpToDateOne) {
  Cluster c(3);
  Fill(c.disk(0), 1, {1});
  Fill(c.disk(1), 1, {1, 1});
  Fill(c.disk(2), 1, {1, 1});
  c.start_all();
  c.fire(0, LeaseServer::kElectionTimer);
  c.deliver_all();
  EXPECT_EQ(c.server(0).role(), Role::kCandidate);
  EXPECT_EQ(c.server(1).term(), 2u);
  EXPECT_EQ(c.disk(1).voted_for, kInvalidNode);
  c.elect(1);
  EXPECT_EQ(c.server(1).role(), Role::kLeader);
  EXPECT_EQ(c.server(1).term(), 3u);
  EXPECT_EQ(c.server(0).role(), Role::kFollower);
}

TEST(Election, DuplicatedVoteReplyCountsOnce) {
  Cluster c(5, BaseServerConfig(5));
  c.start_all();
  c.fire(0, LeaseServer::kElectionTimer);
  c.drop();
  c.inject(VoteReply(1, 0, 1, true));
  c.inject(VoteReply(1, 0, 1, true));
  EXPECT_EQ(c.server(0).role(), Role::kCandidate);
  c.inject(VoteReply(2, 0, 1, false));
  EXPECT_EQ(c.server(0).role(), Role::kCandidate);
  c.inject(VoteReply(3, 0, 1, true));
  EXPECT_EQ(c.server(0).role(), Role::kLeader);
}

TEST(Election, CandidateYieldsToALeaderOfItsTerm) {
  Cluster c(3);
  c.start_all();
  c.fire(0, LeaseServer::kElectionTimer);
  c.drop();
  ASSERT_EQ(c.server(0).role(), Role::kCandidate);
  Message ae;
  ae = testing::RaftMessage(MsgType::kAppendEntries, 2, 0);
  R(ae).term = 1;
  Out o = c.inject(ae);
  EXPECT_EQ(c.server(0).role(), Role::kFollower);
  EXPECT_EQ(c.server(0).leader(), 2u);
  EXPECT_EQ(c.server(0).term(), 1u);
  ASSERT_EQ(o.count(MsgType::kAppendReply), 1u);
  EXPECT_TRUE(R(o.sent(MsgType::kAppendReply)[0]).success);
}

TEST(Election, HigherTermMakesALeaderStepDown) {
  Cluster c(3);
  c.start_all();
  c.elect(0);
  ASSERT_EQ(c.server(0).role(), Role::kLeader);
  ASSERT_TRUE(c.server(0).ready());
  c.records.clear();
  Out o = c.inject(VoteReply(1, 0, 5, false));
  EXPECT_EQ(c.server(0).role(), Role::kFollower);
  EXPECT_EQ(c.server(0).term(), 5u);
  EXPECT_FALSE(c.server(0).ready());
  EXPECT_EQ(c.server(0).leader(), kInvalidNode);
  ASSERT_EQ(o.count_records(raft::StepDown::kKind), 1u);
  EXPECT_EQ(decode_as<raft::StepDown>(o.recs(raft::StepDown::kKind)[0]).term,
            1u);  // the term it led
  EXPECT_EQ(decode_as<raft::StepDown>(o.recs(raft::StepDown::kKind)[0]).reason,
            raft::StepDownReason::kHigherTerm);
  ASSERT_EQ(o.count_records(obs::kRole), 1u);
  EXPECT_EQ(decode_as<obs::RoleChanged>(o.recs(obs::kRole)[0]).role, Role::kFollower);
  EXPECT_EQ(decode_as<obs::RoleChanged>(o.recs(obs::kRole)[0]).term, 5u);
  EXPECT_EQ(o.timers_of(LeaseServer::kElectionTimer).size(), 1u);
  // The old leadership's timers are dead: its heartbeat does nothing now.
  Out hb = c.fire(0, LeaseServer::kHeartbeatTimer);
  EXPECT_TRUE(hb.msgs.empty());
  EXPECT_TRUE(hb.timers.empty());
}

TEST(Election, LeaderStepsDownOnAnAppendEntriesOfAHigherTermAndFollowsItsSender) {
  Cluster c(3);
  c.start_all();
  c.elect(0);
  Message ae;
  ae = testing::RaftMessage(MsgType::kAppendEntries, 2, 0);
  R(ae).term = 7;
  R(ae).index = 0;
  Out o = c.inject(ae);
  EXPECT_EQ(c.server(0).role(), Role::kFollower);
  EXPECT_EQ(c.server(0).leader(), 2u);
  EXPECT_EQ(o.count_records(raft::StepDown::kKind), 1u);
}

TEST(Election, CheckQuorumFollowerIgnoresVoteRequestsWhileItHearsALeader) {
  ServerConfig base = BaseServerConfig(3);
  base.options.check_quorum = QuorumCheck::kTick;
  Cluster c(3, base);
  c.start_all();
  c.elect(0);
  ASSERT_EQ(c.server(1).leader(), 0u);
  const Term term = c.server(1).term();
  c.advance(milliseconds(10));
  Out o = c.inject(Vote(2, 1, term + 1, 100, term));
  EXPECT_TRUE(o.msgs.empty());
  EXPECT_TRUE(o.records.empty());
  EXPECT_EQ(c.server(1).term(), term);
  EXPECT_EQ(c.disk(1).voted_for, 0u);
  // The leader ignores it too.
  Out l = c.inject(Vote(2, 0, term + 1, 100, term));
  EXPECT_TRUE(l.msgs.empty());
  EXPECT_EQ(c.server(0).role(), Role::kLeader);
  // Once the leader has been silent for election_min, the request counts.
  c.advance(milliseconds(150));
  Out late = c.inject(Vote(2, 1, term + 1, 100, term));
  ASSERT_EQ(late.count(MsgType::kVoteReply), 1u);
  EXPECT_TRUE(R(late.sent(MsgType::kVoteReply)[0]).success);
  EXPECT_EQ(c.server(1).term(), term + 1);
}

TEST(Election, WithoutCheckQuorumAFollowerAdoptsADisruptiveTerm) {
  Cluster c(3);
  c.start_all();
  c.elect(0);
  const Term term = c.server(1).term();
  Out o = c.inject(Vote(2, 1, term + 1, 100, term));
  ASSERT_EQ(o.count(MsgType::kVoteReply), 1u);
  EXPECT_TRUE(R(o.sent(MsgType::kVoteReply)[0]).success);
  EXPECT_EQ(c.server(1).term(), term + 1);
}

TEST(Election, CheckQuorumLeaderStepsDownWhenItHearsFromNoOne) {
  ServerConfig base = BaseServerConfig(3);
  base.options.check_quorum = QuorumCheck::kTick;
  Cluster c(3, base);
  c.start_all();
  c.elect(0);
  ASSERT_TRUE(c.has_timer(0, LeaseServer::kQuorumTimer));
  // First check: both followers answered the no-op round.
  Out first = c.fire(0, LeaseServer::kQuorumTimer);
  EXPECT_EQ(c.server(0).role(), Role::kLeader);
  EXPECT_EQ(first.count_records(raft::StepDown::kKind), 0u);
  EXPECT_EQ(first.timers_of(LeaseServer::kQuorumTimer).size(), 1u);
  // Now the leader is cut off: nothing it sends arrives.
  c.isolate(0);
  c.drop();
  while (c.driver(0).until(LeaseServer::kHeartbeatTimer) <
         c.driver(0).until(LeaseServer::kQuorumTimer)) {
    c.fire(0, LeaseServer::kHeartbeatTimer);
  }
  const Term term = c.server(0).term();
  Out o = c.fire(0, LeaseServer::kQuorumTimer);
  EXPECT_EQ(c.server(0).role(), Role::kFollower);
  EXPECT_EQ(c.server(0).term(), term);  // same term, no leader
  EXPECT_EQ(c.server(0).leader(), kInvalidNode);
  ASSERT_EQ(o.count_records(raft::StepDown::kKind), 1u);
  EXPECT_EQ(decode_as<raft::StepDown>(o.recs(raft::StepDown::kKind)[0]).term, term);
  EXPECT_EQ(decode_as<raft::StepDown>(o.recs(raft::StepDown::kKind)[0]).reason,
            raft::StepDownReason::kLostQuorum);
  EXPECT_EQ(c.disk(0).voted_for, 0u);  // its vote in this term stays cast
}

TEST(Election, NoQuorumTimerWithoutCheckQuorum) {
  Cluster c(3);
  c.start_all();
  c.elect(0);
  EXPECT_FALSE(c.has_timer(0, LeaseServer::kQuorumTimer));
}

TEST(Election, StaleElectionTimerIsIgnored) {
  Cluster c(3);
  c.start_all();
  // A heartbeat resets the follower's timer: the first one is stale now.
  const TimerRequest first = *c.driver(1).timer(LeaseServer::kElectionTimer);
  c.elect(0);
  Out o = c.driver(1).fire_raw(LeaseServer::kElectionTimer, first.arg);
  EXPECT_TRUE(o.msgs.empty());
  EXPECT_EQ(c.server(1).role(), Role::kFollower);
}

}  // namespace
}  // namespace election_test
}  // namespace leasesim
