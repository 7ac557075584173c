// A server of the consistent core: Raft-style leader election and log
// replication (Ongaro & Ousterhout, 2014) with a lease table as the
// replicated state machine, and the leader's lease logic on top.
//
// Election: randomized timeouts drawn from the node's own Rng, RequestVote
// with the log-up-to-date rule, at most one vote per term (durable). With
// check_quorum a follower that heard from a live leader within the minimum
// election timeout ignores vote requests (leader stickiness), and a leader
// that has not heard from a majority within that time steps down: on a
// tick every election_min (`tick`, etcd), or exactly at its last majority
// contact + election_min (`deadline`; see QuorumCheck and docs/protocol.md).
//
// Replication: the leader appends a no-op on election and serves lease
// requests only once that no-op is applied ("ready"), so its table reflects
// every committed entry. Per follower it pipelines AppendEntries while the
// follower keeps up ("replicate") and falls back to one probe at a time
// after a rejection ("probe"). Heartbeats go to followers that have had no
// AppendEntries for a heartbeat interval. Entries commit by majority match
// in the current term and are applied in order on every server. The log is
// compacted into a snapshot of the lease table every
// `snapshot_threshold` applied entries; a follower behind the snapshot
// receives InstallSnapshot.
//
// Leases (leader only, after ready): ACQUIRE, RENEW and RELEASE as in
// docs/protocol.md, with the variants of LeaseOptions. The leader tracks each
// lease's expiry on its own clock (options.leader_clock) and logs an EXPIRE
// entry when it passes without renewal. A new leader refreshes every lease
// in its table according to options.failover before serving. VALIDATE
// (sequencer checking) is logged and answered at commit with a validity
// window during which this leader grants the resource to no one.
//
// Recording (obs::kLeaseGranted/Renewed/Freed): a leader records every lease
// change it applies, including the earlier-term entries a new leader
// commits with its no-op (before it is ready). A committed change can so be
// recorded twice (a leader applies and records it, then dies before anyone
// else learns it committed; the next leader applies it again), never zero
// times: the first server to apply a committed entry is always a leader.
// Each record therefore carries the entry's log index, and observers keep
// only the first record of an index (per resource, indices of first records
// only grow: docs/trace-format.md).
#pragma once

#include <cstdint>
#include <iterator>
#include <memory>
#include <vector>

#include "leasesim/core/rng.hpp"
#include "leasesim/protocol/lease_table.hpp"
#include "leasesim/protocol/node.hpp"
#include "leasesim/protocol/observations.hpp"
#include "leasesim/protocol/options.hpp"
#include "leasesim/protocol/raft_log.hpp"

namespace leasesim {

struct ServerConfig {
  NodeId self = kInvalidNode;
  std::vector<NodeId> servers;  // every server of the core, self included
  uint32_t resources = 0;
  LeaseOptions options;
  Duration election_min = milliseconds(150);
  Duration election_max = milliseconds(300);
  Duration heartbeat = milliseconds(50);
  Duration max_ttl = seconds(10);      // largest ttl a requestor may ask for
  uint32_t snapshot_threshold = 4096;  // applied entries between compactions
  uint32_t max_append_entries = 64;    // entries per AppendEntries
};

// What a server keeps on disk: Raft's persistent state.
struct ServerDisk final : DurableState {
  Term term = 0;
  NodeId voted_for = kInvalidNode;
  RaftLog log;
};

enum class StepDownReason : uint8_t { kHigherTerm, kLostQuorum, kCount };
inline constexpr const char* kStepDownReasonNames[] = {"higher_term", "lost_quorum"};
static_assert(std::size(kStepDownReasonNames) == static_cast<size_t>(StepDownReason::kCount));

// Records private to this protocol (beside the common observations).
namespace raft_obs {

// A server answered a vote request.
struct Vote {
  static constexpr uint16_t kKind = obs::kProtocolPrivate + 0;
  static constexpr KindDesc kDesc{
      kKind, "vote", 3, {fd::uint("term"), fd::node("candidate"), fd::flag("granted")}};
  Term term = 0;
  NodeId candidate = kInvalidNode;
  bool granted = false;
  void encode(Record& r) const {
    r.f[0] = term;
    r.f[1] = candidate;
    r.f[2] = field_of(granted);
  }
  static Vote decode(const Record& r) { return {r.f[0], static_cast<NodeId>(r.f[1]), r.f[2] != 0}; }
};

// A leader stepped down.
struct StepDown {
  static constexpr uint16_t kKind = obs::kProtocolPrivate + 1;
  static constexpr KindDesc kDesc{
      kKind, "step_down", 2, {fd::uint("term"), fd::enumeration("reason", kStepDownReasonNames)}};
  Term term = 0;
  StepDownReason reason = StepDownReason::kHigherTerm;
  void encode(Record& r) const {
    r.f[0] = term;
    r.f[1] = field_of(reason);
  }
  static StepDown decode(const Record& r) { return {r.f[0], field_enum<StepDownReason>(r.f[1])}; }
};

// The leader refused a client request.
struct Reject {
  static constexpr uint16_t kKind = obs::kProtocolPrivate + 2;
  static constexpr KindDesc kDesc{
      kKind,
      "reject",
      4,
      {fd::enumeration("request", kMsgTypeNames, static_cast<size_t>(MsgType::kCount)),
       fd::resource("resource"), fd::enumeration("error", kErrorCodeNames), fd::uint("lease")}};
  MsgType request = MsgType::kAcquire;
  ResourceId resource = kNoResource;
  ErrorCode error = ErrorCode::kNone;
  LeaseId lease = kNoLease;
  void encode(Record& r) const {
    r.f[0] = field_of(request);
    r.f[1] = resource;
    r.f[2] = field_of(error);
    r.f[3] = lease;
  }
  static Reject decode(const Record& r) {
    return {field_enum<MsgType>(r.f[0]), static_cast<ResourceId>(r.f[1]),
            field_enum<ErrorCode>(r.f[2]), r.f[3]};
  }
};

// The leader answered a sequencer validation at its commit.
struct Validated {
  static constexpr uint16_t kKind = obs::kProtocolPrivate + 3;
  static constexpr KindDesc kDesc{
      kKind,
      "validated",
      4,
      {fd::resource("resource"), fd::uint("lease"), fd::flag("valid"), fd::duration("window")}};
  ResourceId resource = kNoResource;
  LeaseId lease = kNoLease;
  bool valid = false;
  Duration window;
  void encode(Record& r) const {
    r.f[0] = resource;
    r.f[1] = lease;
    r.f[2] = field_of(valid);
    r.f[3] = field_of(window);
  }
  static Validated decode(const Record& r) {
    return {static_cast<ResourceId>(r.f[0]), r.f[1], r.f[2] != 0, field_duration(r.f[3])};
  }
};

inline constexpr uint16_t kVote = Vote::kKind;
inline constexpr uint16_t kStepDown = StepDown::kKind;
inline constexpr uint16_t kReject = Reject::kKind;
inline constexpr uint16_t kValidated = Validated::kKind;

}  // namespace raft_obs

class LeaseServer final : public Node {
 public:
  // `disk` must outlive the node; it survives crashes.
  LeaseServer(const ServerConfig& config, ServerDisk& disk, Rng rng);

  void start(const LocalClocks& now, Effects& out) override;
  void on_message(const Message& m, const LocalClocks& now, Effects& out) override;
  void on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) override;

  // Read-only views for tests.
  Role role() const { return role_; }
  Term term() const { return disk_.term; }
  NodeId leader() const { return leader_; }
  bool ready() const { return ready_; }
  LogIndex commit_index() const { return commit_; }
  const LeaseTable& table() const { return table_; }
  const RaftLog& log() const { return disk_.log; }

  enum TimerKind : uint32_t { kElectionTimer = 1, kHeartbeatTimer, kQuorumTimer, kExpiryTimer };

 private:
  struct Peer {
    LogIndex next = 1;
    LogIndex match = 0;
    bool probing = true;
    bool heard = false;   // since the last quorum check
    TimePoint last_sent;  // last AppendEntries/snapshot (local mono)
    // Send stamp (local mono) of the latest append this follower answered
    // in this term: it had heard from us by then (QuorumCheck::kDeadline).
    TimePoint acked_stamp = TimePoint::min();
  };
  // Leader-only, per resource.
  struct LeaderLease {
    TimePoint expiry = TimePoint::max();     // on options.leader_clock
    TimePoint timer_due = TimePoint::max();  // earliest pending expiry timer
    bool pending = false;                    // grant/release/expire entry in flight
    NodeId pending_holder = kInvalidNode;
    uint64_t pending_request = 0;
    uint32_t renews_in_flight = 0;
  };

  // Election (lease_server_election.cpp).
  void reset_election_timer(const LocalClocks& now, Effects& out);
  void become_follower(Term term, NodeId leader, const LocalClocks& now, Effects& out);
  void become_candidate(const LocalClocks& now, Effects& out);
  void become_leader(const LocalClocks& now, Effects& out);
  void step_down(StepDownReason why, Term new_term, const LocalClocks& now, Effects& out);
  void on_request_vote(const Message& m, const LocalClocks& now, Effects& out);
  void on_vote_reply(const Message& m, const LocalClocks& now, Effects& out);
  void on_quorum_check(const LocalClocks& now, Effects& out);
  // kDeadline: when this leader must stop acting as one (local mono): its
  // last majority contact + election_min.
  TimePoint quorum_deadline() const;
  bool observe_term(const Message& m, const LocalClocks& now, Effects& out);

  // Replication (lease_server_replication.cpp).
  void append_local(const LogEntry& e, const LocalClocks& now, Effects& out);
  void send_append(size_t peer, const LocalClocks& now, Effects& out, bool heartbeat);
  void broadcast_append(const LocalClocks& now, Effects& out);
  void on_heartbeat_timer(const LocalClocks& now, Effects& out);
  void on_append_entries(const Message& m, const LocalClocks& now, Effects& out);
  void on_append_reply(const Message& m, const LocalClocks& now, Effects& out);
  void on_install_snapshot(const Message& m, const LocalClocks& now, Effects& out);
  void advance_commit(const LocalClocks& now, Effects& out);
  void apply_committed(const LocalClocks& now, Effects& out);
  void maybe_compact();

  // Leases (lease_server_leases.cpp).
  void on_client_request(const Message& m, const LocalClocks& now, Effects& out);
  void on_acquire(const Message& m, const LocalClocks& now, Effects& out);
  void on_renew(const Message& m, const LocalClocks& now, Effects& out);
  void on_release(const Message& m, const LocalClocks& now, Effects& out);
  void on_validate(const Message& m, const LocalClocks& now, Effects& out);
  // Records an earlier-term entry applied before this leader is ready.
  void record_replayed(const LogEntry& e, LogIndex index, ApplyOutcome outcome, LeaseId prior_lease,
                       const LocalClocks& now, Effects& out);
  void answer_validation(const LogEntry& e, ApplyOutcome outcome, const LocalClocks& now,
                         Effects& out);
  void on_applied(const LogEntry& e, LogIndex index, ApplyOutcome outcome, LeaseId prior_lease,
                  const LocalClocks& now, Effects& out);
  void on_ready(const LocalClocks& now, Effects& out);
  void on_expiry_timer(uint64_t arg, const LocalClocks& now, Effects& out);
  void arm_expiry(ResourceId r, const LocalClocks& now, Effects& out);
  void expire(ResourceId r, const LocalClocks& now, Effects& out);
  bool matches_request(const LeaseSlot& slot, const Message& m) const;
  void deny(const Message& m, ErrorCode error, NodeId holder, Effects& out);
  TimePoint leader_now(const LocalClocks& now) const { return now.read(cfg_.options.leader_clock); }

  size_t majority() const { return cfg_.servers.size() / 2 + 1; }
  void record_role(Effects& out) const;

  ServerConfig cfg_;
  ServerDisk& disk_;
  Rng rng_;
  size_t self_index_ = 0;

  Role role_ = Role::kFollower;
  NodeId leader_ = kInvalidNode;
  TimePoint last_heard_leader_ = TimePoint(INT64_MIN / 4);  // local mono; "long ago"
  uint64_t election_gen_ = 0;
  size_t votes_ = 0;
  std::vector<uint8_t> voted_for_me_;

  LogIndex commit_ = 0;
  LogIndex applied_ = 0;
  LeaseTable table_;

  // Leader state; `epoch_` invalidates timers of earlier leaderships.
  uint64_t epoch_ = 0;
  bool ready_ = false;
  TimePoint leader_since_;  // local mono, at become_leader
  // No grant before these (leader clock): for every resource (a new
  // leader's wait) and per resource (lock-delay, validity windows).
  TimePoint grants_blocked_until_ = TimePoint::min();
  std::vector<TimePoint> grant_block_;
  std::vector<Peer> peers_;
  std::vector<LeaderLease> leases_;
};

}  // namespace leasesim
