// Leader election: terms, randomized timeouts, votes, CheckQuorum.
#include <algorithm>

#include "leasesim/core/distributions.hpp"
#include "leasesim/raft/quorum.hpp"
#include "leasesim/raft/server.hpp"

namespace leasesim::raft {

void Server::reset_election_timer(const LocalClocks& now, Effects& out) {
  ++election_gen_;
  Duration timeout = uniform_duration(rng_, cfg_.election_min, cfg_.election_max);
  const int64_t g = cfg_.election_granularity.ns();
  if (g > 0) timeout = Duration((timeout.ns() + g / 2) / g * g);
  // The single election timer (node.hpp): re-armed at every append from
  // the leader, so replacing it spares the run a stale firing per append.
  out.replace_timer(ClockKind::kMonotonic, now.mono + timeout, kElectionTimer, election_gen_);
}

bool Server::observe_other_term(const Message& m, const LocalClocks& now, Effects& out) {
  const Term t = m.as<RaftMsg>().term;
  if (t > disk_.term()) {
    const uint16_t kind = static_cast<uint16_t>(m.type - cfg_.msg_base);
    const bool from_leader = kind == static_cast<uint16_t>(MsgKind::kAppendEntries) ||
                             kind == static_cast<uint16_t>(MsgKind::kInstallSnapshot);
    const NodeId leader = from_leader ? m.from : kInvalidNode;
    if (role_ == Role::kLeader) {
      step_down(StepDownReason::kHigherTerm, t, now, out);
      leader_ = leader;
    } else {
      become_follower(t, leader, now, out);
    }
    return true;
  }
  return t == disk_.term();
}

void Server::become_follower(Term term, NodeId leader, const LocalClocks& now, Effects& out) {
  const bool changed = role_ != Role::kFollower || term != disk_.term();
  // Figure 2: only a leader (which has no election timer) arms one here. A
  // follower or candidate keeps its deadline; granting a vote or hearing
  // the current leader resets it (on_request_vote, on_append_entries).
  const bool arm = role_ == Role::kLeader;
  if (term != disk_.term()) disk_.set_term(term);
  role_ = Role::kFollower;
  leader_ = leader;
  ready_ = false;
  precandidate_ = false;
  if (changed) record_role(out);
  if (arm) reset_election_timer(now, out);
}

void Server::step_down(StepDownReason why, Term new_term, const LocalClocks& now, Effects& out) {
  out.emit(StepDown{disk_.term(), why});
  ++epoch_;  // invalidates the leadership's timers
  reads_.clear();
  machine_.on_leader_end(now, out);
  become_follower(new_term, kInvalidNode, now, out);
}

void Server::become_candidate(const LocalClocks& now, Effects& out) {
  disk_.set_term_and_vote(disk_.term() + 1, cfg_.self);
  role_ = Role::kCandidate;
  leader_ = kInvalidNode;
  ready_ = false;
  precandidate_ = false;
  std::fill(voted_for_me_.begin(), voted_for_me_.end(), 0);
  record_role(out);
  if (out.async_disk()) {
    // Its own vote counts once durable (kVoteDurableTimer).
    votes_ = 0;
    candidacy_started_ = true;
  } else {
    votes_ = 1;
    voted_for_me_[self_index_] = 1;
    if (votes_ >= majority()) {
      become_leader(now, out);
      return;
    }
  }
  for (size_t i = 0; i < cfg_.servers.size(); ++i) {
    if (i == self_index_) continue;
    RaftMsg& p = send(MsgKind::kRequestVote, cfg_.servers[i], out).set<RaftMsg>();
    p.term = disk_.term();
    p.index = disk_.log().last_index();
    p.log_term = disk_.log().last_term();
  }
  reset_election_timer(now, out);
}

void Server::become_precandidate(const LocalClocks& now, Effects& out) {
  precandidate_ = true;
  leader_ = kInvalidNode;
  votes_ = 1;
  std::fill(voted_for_me_.begin(), voted_for_me_.end(), 0);
  voted_for_me_[self_index_] = 1;
  if (votes_ >= majority()) {
    become_candidate(now, out);
    return;
  }
  for (size_t i = 0; i < cfg_.servers.size(); ++i) {
    if (i == self_index_) continue;
    RaftMsg& p = send(MsgKind::kRequestVote, cfg_.servers[i], out).set<RaftMsg>();
    p.term = disk_.term() + 1;
    p.index = disk_.log().last_index();
    p.log_term = disk_.log().last_term();
    p.pre_vote = true;
  }
  reset_election_timer(now, out);
}

void Server::on_pre_vote(const Message& m, const LocalClocks& now, Effects& out) {
  // Changes nothing here: no term adopted, no vote cast, no timer reset.
  const RaftMsg& req = m.as<RaftMsg>();
  const Log& log = disk_.log();
  const bool up_to_date = req.log_term > log.last_term() ||
                          (req.log_term == log.last_term() && req.index >= log.last_index());
  const bool heard_leader =
      role_ == Role::kLeader ||
      (leader_ != kInvalidNode && now.mono - last_heard_leader_ < cfg_.election_min);
  const bool granted = req.term > disk_.term() && up_to_date && !heard_leader;
  RaftMsg& r = send(MsgKind::kVoteReply, m.from, out).set<RaftMsg>();
  // A yes carries the asked-for term (so it is not mistaken for a newer
  // term); a no carries ours, which may depose a stale pre-candidate.
  r.term = granted ? req.term : disk_.term();
  r.success = granted;
  r.pre_vote = true;
}

void Server::on_pre_vote_reply(const Message& m, const LocalClocks& now, Effects& out) {
  const RaftMsg& r = m.as<RaftMsg>();
  if (!r.success) {
    if (r.term > disk_.term()) observe_term(m, now, out);
    return;
  }
  if (!precandidate_ || role_ == Role::kLeader || r.term != disk_.term() + 1) return;
  if (count_vote(m.from)) become_candidate(now, out);
}

bool Server::count_vote(NodeId from) {
  const size_t i = server_index(from);
  if (i == kNotAServer) return false;
  if (voted_for_me_[i]) return false;  // a duplicated reply counts once
  voted_for_me_[i] = 1;
  return ++votes_ >= majority();
}

void Server::on_request_vote(const Message& m, const LocalClocks& now, Effects& out) {
  const RaftMsg& req = m.as<RaftMsg>();
  if (req.pre_vote) {
    on_pre_vote(m, now, out);
    return;
  }
  // Leader stickiness (with CheckQuorum, as etcd): a server that heard from
  // a live leader recently ignores a disruptive candidate entirely, without
  // even adopting its term. `deadline` also counts a restart (of a server
  // that has adopted a term, so may have answered a leader) as hearing a
  // leader, whoever it was: the leader's step-down argument needs every
  // server that answered it to stay out of elections for election_min.
  const QuorumCheck qc = cfg_.check_quorum;
  if (qc != QuorumCheck::kOff && req.term > disk_.term() &&
      (qc == QuorumCheck::kDeadline || leader_ != kInvalidNode) &&
      (role_ == Role::kLeader || now.mono - last_heard_leader_ < cfg_.election_min)) {
    return;
  }
  const bool current = observe_term(m, now, out);
  bool granted = false;
  if (current) {
    const Log& log = disk_.log();
    const bool up_to_date = req.log_term > log.last_term() ||
                            (req.log_term == log.last_term() && req.index >= log.last_index());
    if (up_to_date && (disk_.voted_for() == kInvalidNode || disk_.voted_for() == m.from) &&
        role_ == Role::kFollower) {
      disk_.set_vote(m.from);
      granted = true;
      reset_election_timer(now, out);
    }
  }
  out.emit(Vote{disk_.term(), m.from, granted});
  RaftMsg& r = send(MsgKind::kVoteReply, m.from, out).set<RaftMsg>();
  r.term = disk_.term();
  r.success = granted;
}

void Server::on_vote_reply(const Message& m, const LocalClocks& now, Effects& out) {
  if (m.as<RaftMsg>().pre_vote) {
    on_pre_vote_reply(m, now, out);
    return;
  }
  if (!observe_term(m, now, out)) return;
  // A candidate whose election timed out runs a Pre-Vote round for the next
  // term (become_precandidate) while still a candidate of this one, and the
  // tally is that round's: a late vote of this term counted in it would
  // add to pre-votes, which bind no one, and could make a leader without a
  // real majority (two leaders of one term). As in etcd, a pre-candidate
  // counts only pre-vote replies.
  if (role_ != Role::kCandidate || precandidate_ || !m.as<RaftMsg>().success) return;
  if (count_vote(m.from)) become_leader(now, out);
}

void Server::become_leader(const LocalClocks& now, Effects& out) {
  out.cancel_timer(kElectionTimer);  // a leader does not time out
  precandidate_ = false;
  role_ = Role::kLeader;
  leader_ = cfg_.self;
  ready_ = false;
  ++epoch_;
  leader_since_ = now.mono;
  reads_.clear();
  machine_.on_leader_start(now, out);
  for (size_t i = 0; i < peers_.size(); ++i) {
    peers_[i] = Peer{};
    peers_[i].next = disk_.log().last_index() + 1;
    peers_[i].last_sent = now.mono;
  }
  peers_[self_index_].match = disk_.log().last_index();
  record_role(out);
  out.set_timer(ClockKind::kMonotonic, now.mono + cfg_.heartbeat, kHeartbeatTimer, epoch_);
  if (cfg_.check_quorum != QuorumCheck::kOff)
    out.set_timer(ClockKind::kMonotonic, now.mono + cfg_.election_min, kQuorumTimer, epoch_);
  // A no-op in the new term commits every earlier entry (Raft section 8);
  // the leader is ready only once it is applied.
  LogEntry noop;
  noop.term = disk_.term();
  propose_entry(noop, now, out);
  // Followers start in probe state, which broadcast_append skips: announce
  // the leadership (and the no-op) to each of them now rather than at the
  // first heartbeat.
  for (size_t i = 0; i < peers_.size(); ++i)
    if (i != self_index_) send_append(i, now, out, false);
}

TimePoint Server::majority_contact() const {
  // The (majority - 1)-th largest of the followers' answered stamps.
  const size_t need = majority() - 1;
  if (need == 0) return TimePoint::max();  // a core of one
  TimePoint stamps[kMaxServers];
  size_t n = 0;
  for (size_t i = 0; i < peers_.size(); ++i)
    if (i != self_index_) stamps[n++] = peers_[i].acked_stamp;
  return kth_largest(stamps, n, need);
}

TimePoint Server::quorum_deadline() const {
  const TimePoint contact = majority_contact();
  if (contact == TimePoint::max()) return TimePoint::max();
  // Before any answer, count from the election: nothing is served before
  // the no-op commits, which takes a majority's answers anyway.
  return std::max(contact, leader_since_) + cfg_.election_min;
}

void Server::on_quorum_check(const LocalClocks& now, Effects& out) {
  if (cfg_.check_quorum == QuorumCheck::kDeadline) {
    // Every server that answered an append stamped `contact` ignores
    // candidates until election_min after it heard it, so no other leader
    // can be ready before contact + election_min (up to drift): stop then.
    const TimePoint deadline = quorum_deadline();
    if (now.mono >= deadline) {
      step_down(StepDownReason::kLostQuorum, disk_.term(), now, out);
      return;
    }
    out.set_timer(ClockKind::kMonotonic, deadline, kQuorumTimer, epoch_);
    return;
  }
  size_t heard = 1;  // self
  for (size_t i = 0; i < peers_.size(); ++i) {
    if (i != self_index_ && peers_[i].heard) ++heard;
    peers_[i].heard = false;
  }
  if (heard < majority()) {
    step_down(StepDownReason::kLostQuorum, disk_.term(), now, out);
    return;
  }
  out.set_timer(ClockKind::kMonotonic, now.mono + cfg_.election_min, kQuorumTimer, epoch_);
}

bool Server::confirm_deadline(const LocalClocks& now, Effects& out) {
  if (now.mono >= quorum_deadline()) step_down(StepDownReason::kLostQuorum, disk_.term(), now, out);
  return role_ == Role::kLeader;
}

}  // namespace leasesim::raft
