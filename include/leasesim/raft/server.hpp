// A Raft server (Ongaro & Ousterhout, 2014): leader election and log
// replication around a replicated state machine (state_machine.hpp). A
// protocol's server node owns one Server and one machine and forwards its
// inputs (raft-lease's LeaseServer does).
//
// Election: randomized timeouts drawn from the node's own Rng, RequestVote
// with the log-up-to-date rule, at most one vote per term (durable). With
// check_quorum a follower that heard from a live leader within the minimum
// election timeout ignores vote requests (leader stickiness), and a leader
// that has not heard from a majority within that time steps down: on a
// tick every election_min (`tick`, etcd), or exactly at its last majority
// contact + election_min (`deadline`; see QuorumCheck and docs/protocol.md).
//
// Replication: the leader appends a no-op on election and is ready() once
// that no-op is applied, so its machine reflects every committed entry. Per
// follower it pipelines AppendEntries while the follower keeps up
// ("replicate") and falls back to one probe at a time after a rejection
// ("probe"). Heartbeats go to followers that have had no AppendEntries for
// a heartbeat interval. Entries commit by majority match in the current
// term and are applied in order on every server. The log is compacted into
// a snapshot of the machine every `snapshot_threshold` applied entries; a
// follower behind the snapshot receives InstallSnapshot.
//
// Durability: every write of term, vote and log goes through one
// DiskWriter (disk.hpp). When the host models durable-write latency
// (Effects::async_disk()), a step that wrote asks for persist(): a
// follower's or candidate's messages of that step (votes, append
// acknowledgements, RequestVotes) leave only once the write is durable; a
// leader sends AppendEntries at once (its own write runs in parallel, Raft
// dissertation 10.2.1) and counts its own entries towards a commit only at
// the write's completion input (kDurableTimer). Likewise a candidate sends
// its RequestVotes while its new term and self-vote are written and counts
// its own vote only at that write's completion (kVoteDurableTimer): no one
// relies on the vote before it is durable.
//
// Election timer (Raft Figure 2): reset when granting a vote, on
// AppendEntries/InstallSnapshot from the current leader, when starting an
// election (or a Pre-Vote round), and when a leader steps down (it had no
// timer). Adopting a higher term alone does not reset it: a server that
// refuses a candidate with a stale log keeps its own deadline, so such a
// candidate cannot hold off the elections that would depose it.
//
// Records: role changes, LeaderReady, Committed (per applied entry, with
// the machine's digest), SnapshotInstalled (common observations), Vote and
// StepDown (records.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "leasesim/core/rng.hpp"
#include "leasesim/protocol/node.hpp"
#include "leasesim/protocol/observations.hpp"
#include "leasesim/raft/config.hpp"
#include "leasesim/raft/disk.hpp"
#include "leasesim/raft/messages.hpp"
#include "leasesim/raft/records.hpp"
#include "leasesim/raft/state_machine.hpp"

namespace leasesim::raft {

class Server {
 public:
  // `disk` must outlive the server (it survives crashes); `machine` too.
  Server(const Config& config, Disk& disk, Rng rng, StateMachine& machine);

  // The node interface, forwarded by the protocol's node.
  void start(const LocalClocks& now, Effects& out);
  void on_message(const Message& m, const LocalClocks& now, Effects& out);
  void on_timer(const TimerFire& t, const LocalClocks& now, Effects& out);

  // Timer kinds 1..3 are the core's; a machine uses kFirstMachineTimer and
  // up (single timers below TimerRequest::kMaxSingleKinds).
  enum TimerKind : uint32_t {
    kElectionTimer = 1,
    kHeartbeatTimer,
    kQuorumTimer,
    kFirstMachineTimer,
    // The completion input of a leader's durable log write (async disk
    // only); far above any machine's kinds.
    kDurableTimer = 0x7fff0000u,
    // The completion input of a candidate's term-and-vote write (arg: term).
    kVoteDurableTimer = 0x7fff0001u,
  };

  // --- For the machine and for tests ---------------------------------------
  Role role() const { return role_; }
  Term term() const { return disk_.term(); }
  NodeId leader() const { return leader_; }
  NodeId self() const { return cfg_.self; }
  bool ready() const { return ready_; }
  LogIndex commit_index() const { return commit_; }
  const Log& log() const { return disk_.log(); }
  const Config& config() const { return cfg_; }
  // Bumped at every change of leadership (this server becoming leader or
  // stepping down): a machine tags its leader timers with it.
  uint64_t epoch() const { return epoch_; }
  // The index the next proposal gets.
  LogIndex next_index() const { return disk_.log().last_index() + 1; }

  // Appends a command of `kind` (non-zero) in the current term and starts
  // replicating it. Precondition: leader. Returns its index.
  template <typename C>
  LogIndex propose(uint16_t kind, const C& command, const LocalClocks& now, Effects& out) {
    LogEntry e;
    e.term = disk_.term();
    e.set_command<C>(kind) = command;
    return propose_entry(e, now, out);
  }

  // Before a leader answers from its own state without a round trip (a
  // memory renewal, a lease read): with check_quorum `deadline`, a leader
  // past its quorum deadline may be deposed already, so it steps down now
  // (the timer usually gets there first, but a request can be handled at
  // the same instant or, after a pause, before the overdue timer). Returns
  // whether this server is (still) leader.
  bool confirm_leadership(const LocalClocks& now, Effects& out) {
    if (role_ == Role::kLeader && cfg_.check_quorum == QuorumCheck::kDeadline)
      return confirm_deadline(now, out);
    return role_ == Role::kLeader;
  }

  // A linearizable read barrier (ReadIndex, Raft dissertation 6.4): a
  // leader that serves a read from its state must know it was still leader
  // when the read arrived. This sends a heartbeat round stamped now; once a
  // majority (itself included) has answered an append stamped at or after
  // now, every entry committed before the call is applied and no other
  // leader can have been elected before the call, so the core calls
  // machine.on_read_ready(id). Precondition: leader and ready(). A barrier
  // pending when leadership ends is dropped (the reader retries). Returns
  // the barrier's id.
  uint64_t read_barrier(const LocalClocks& now, Effects& out);
  size_t pending_reads() const { return reads_.size(); }

 private:
  struct Peer {
    LogIndex next = 1;
    LogIndex match = 0;
    bool probing = true;
    bool heard = false;   // since the last quorum check
    TimePoint last_sent;  // last AppendEntries/snapshot (local mono)
    // Send stamp (local mono) of the latest append this follower answered
    // in this term: it had heard from us by then (QuorumCheck::kDeadline,
    // read barriers).
    TimePoint acked_stamp = TimePoint::min();
  };
  struct PendingRead {
    uint64_t id = 0;
    TimePoint stamp;  // local mono at the request
  };

  Message& send(MsgKind kind, NodeId to, Effects& out) const {
    Message& m =
        out.send(static_cast<uint16_t>(cfg_.msg_base + static_cast<uint16_t>(kind)), cfg_.self, to);
    return m;
  }

  // After every input: asks for persist() when the step wrote (async disk).
  void finish_step(Effects& out);
  void on_durable(uint64_t arg, const LocalClocks& now, Effects& out);
  void dispatch(const Message& m, const LocalClocks& now, Effects& out);

  // Election (election.cpp).
  void reset_election_timer(const LocalClocks& now, Effects& out);
  void become_follower(Term term, NodeId leader, const LocalClocks& now, Effects& out);
  void become_candidate(const LocalClocks& now, Effects& out);
  void become_precandidate(const LocalClocks& now, Effects& out);
  void on_pre_vote(const Message& m, const LocalClocks& now, Effects& out);
  void on_pre_vote_reply(const Message& m, const LocalClocks& now, Effects& out);
  // Counts a (pre-)vote from m.from once; true if it made a majority.
  bool count_vote(NodeId from);
  void become_leader(const LocalClocks& now, Effects& out);
  void step_down(StepDownReason why, Term new_term, const LocalClocks& now, Effects& out);
  void on_request_vote(const Message& m, const LocalClocks& now, Effects& out);
  void on_vote_reply(const Message& m, const LocalClocks& now, Effects& out);
  void on_quorum_check(const LocalClocks& now, Effects& out);
  // kDeadline: when this leader must stop acting as one (local mono): its
  // last majority contact + election_min.
  TimePoint quorum_deadline() const;
  // The latest send stamp a majority (this leader included) has answered.
  TimePoint majority_contact() const;
  // False if the message is from an older term and must be answered (or
  // dropped) without further effect; a newer term makes this server a
  // follower first. Inline for the common case, a message of the current
  // term (every message of a steady leadership).
  bool observe_term(const Message& m, const LocalClocks& now, Effects& out) {
    if (m.as<RaftMsg>().term == disk_.term()) return true;
    return observe_other_term(m, now, out);
  }
  bool observe_other_term(const Message& m, const LocalClocks& now, Effects& out);
  void record_role(Effects& out) const;
  bool confirm_deadline(const LocalClocks& now, Effects& out);

  // Replication (replication.cpp).
  LogIndex propose_entry(const LogEntry& e, const LocalClocks& now, Effects& out);
  void send_append(size_t peer, const LocalClocks& now, Effects& out, bool heartbeat);
  void broadcast_append(const LocalClocks& now, Effects& out);
  void on_heartbeat_timer(const LocalClocks& now, Effects& out);
  void on_append_entries(const Message& m, const LocalClocks& now, Effects& out);
  void on_append_reply(const Message& m, const LocalClocks& now, Effects& out);
  void on_install_snapshot(const Message& m, const LocalClocks& now, Effects& out);
  void advance_commit(const LocalClocks& now, Effects& out);
  void apply_committed(const LocalClocks& now, Effects& out);
  void maybe_compact();
  void release_reads(const LocalClocks& now, Effects& out);

  size_t majority() const { return cfg_.servers.size() / 2 + 1; }
  // The position of node `n` in cfg_.servers, or kNotAServer: a table by
  // node id (servers take the first ids in every scenario), so the leader
  // finds a replying follower without a search on every acknowledgement.
  static constexpr size_t kNotAServer = SIZE_MAX;
  size_t server_index(NodeId n) const {
    return n < server_index_.size() && server_index_[n] != kNoIndex ? server_index_[n]
                                                                    : kNotAServer;
  }

  Config cfg_;
  DiskWriter disk_;
  Rng rng_;
  StateMachine& machine_;
  size_t self_index_ = 0;
  static constexpr uint8_t kNoIndex = UINT8_MAX;
  std::vector<uint8_t> server_index_;  // by node id, up to the largest server id

  Role role_ = Role::kFollower;
  NodeId leader_ = kInvalidNode;
  TimePoint last_heard_leader_ = TimePoint(INT64_MIN / 4);  // local mono; "long ago"
  uint64_t election_gen_ = 0;
  size_t votes_ = 0;
  std::vector<uint8_t> voted_for_me_;
  bool precandidate_ = false;       // a Pre-Vote round is running (role stays follower or
                                    // candidate; the tally is the round's)
  bool candidacy_started_ = false;  // this step began a candidacy (async disk)

  LogIndex commit_ = 0;
  LogIndex applied_ = 0;

  // Leader state; `epoch_` invalidates timers of earlier leaderships.
  uint64_t epoch_ = 0;
  bool ready_ = false;
  TimePoint leader_since_;  // local mono, at become_leader
  std::vector<Peer> peers_;
  std::vector<PendingRead> reads_;
  uint64_t next_read_ = 1;
};

}  // namespace leasesim::raft
