// A server of raft-lease's consistent core: a Raft server (raft/server.hpp)
// running the lease table as its replicated state machine, with the
// leader's lease logic on top (LeaseMachine).
//
// Leases (leader only, once the core is ready): ACQUIRE, RENEW and RELEASE
// as in docs/protocol.md, with the variants of LeaseOptions. The leader
// tracks each lease's expiry on its own clock (options.leader_clock) and
// proposes an EXPIRE entry when it passes without renewal. A new leader
// refreshes every lease in its table according to options.failover before
// serving. VALIDATE (sequencer checking) is logged and answered at commit
// with a validity window during which this leader grants the resource to
// no one; a copy of the latest one logged, arriving before it commits, is
// answered by that commit (not logged again).
//
// Recording (obs::LeaseGranted/Renewed/Freed): a leader records every lease
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
#include <memory>
#include <vector>

#include "leasesim/core/rng.hpp"
#include "leasesim/protocol/node.hpp"
#include "leasesim/protocol/observations.hpp"
#include "leasesim/protocols/raft_lease/lease_table.hpp"
#include "leasesim/protocols/raft_lease/messages.hpp"
#include "leasesim/protocols/raft_lease/options.hpp"
#include "leasesim/protocols/raft_lease/records.hpp"
#include "leasesim/raft/server.hpp"

namespace leasesim::raft_lease {

struct ServerConfig {
  NodeId self = kInvalidNode;
  std::vector<NodeId> servers;  // every server of the core, self included
  uint32_t resources = 0;
  LeaseOptions options;
  raft::CoreSettings core{};
  Duration max_ttl = seconds(10);  // largest ttl a requestor may ask for
};

// The Raft core's part of a ServerConfig.
raft::Config raft_config(const ServerConfig& c);

// What a server keeps on disk: Raft's persistent state.
using ServerDisk = raft::Disk;

// The lease table (replicated) and the leader's lease logic, as the Raft
// core's state machine.
class LeaseMachine final : public raft::StateMachine {
 public:
  // `core` is the server this machine runs in (used from the first input on).
  LeaseMachine(const ServerConfig& config, raft::Server& core);

  raft::ApplyResult apply(LogIndex index, const LogEntry& e) override;
  uint64_t digest(const LogEntry& e) const override { return entry_digest(e); }
  void snapshot(std::vector<SnapshotItem>* out) const override { table_.snapshot(out); }
  void restore(std::span<const SnapshotItem> items) override { table_.load(items); }

  void on_applied(LogIndex index, const LogEntry& e, raft::ApplyResult result,
                  const LocalClocks& now, Effects& out) override;
  void on_leader_start(const LocalClocks& now, Effects& out) override;
  void on_ready(const LocalClocks& now, Effects& out) override;
  void on_leader_end(const LocalClocks& now, Effects& out) override;
  void on_message(const Message& m, const LocalClocks& now, Effects& out) override;
  void on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) override;

  const LeaseTable& table() const { return table_; }

  enum TimerKind : uint32_t { kExpiryTimer = raft::Server::kFirstMachineTimer };

 private:
  // Leader-only, per resource.
  struct LeaderLease {
    TimePoint expiry = TimePoint::max();     // on options.leader_clock
    TimePoint timer_due = TimePoint::max();  // earliest pending expiry timer
    bool pending = false;                    // grant/release/expire entry in flight
    NodeId pending_holder = kInvalidNode;
    uint64_t pending_request = 0;
    uint32_t renews_in_flight = 0;
    // The latest validation logged for the resource, until it commits: a
    // copy or resend of it (same storage, same request id, so the same
    // question with the same anchor) is answered by that commit.
    NodeId validating_from = kInvalidNode;
    uint64_t validating_request = 0;
  };

  // A reply to `to` about `resource`; the caller fills the rest.
  LeaseMsg& reply(MsgType type, NodeId to, ResourceId resource, Effects& out) const;
  void propose(EntryType type, const LeaseCommand& c, const LocalClocks& now, Effects& out);

  void on_client_request(const Message& m, const LocalClocks& now, Effects& out);
  void on_acquire(const Message& m, const LocalClocks& now, Effects& out);
  void on_renew(const Message& m, const LocalClocks& now, Effects& out);
  void on_release(const Message& m, const LocalClocks& now, Effects& out);
  void on_validate(const Message& m, const LocalClocks& now, Effects& out);
  // Records an earlier-term entry applied before this leader is ready.
  void record_replayed(const LeaseCommand& e, LogIndex index, ApplyOutcome outcome,
                       LeaseId prior_lease, const LocalClocks& now, Effects& out);
  void answer_validation(const LeaseCommand& e, ApplyOutcome outcome, const LocalClocks& now,
                         Effects& out);
  void on_expiry_timer(uint64_t arg, const LocalClocks& now, Effects& out);
  void arm_expiry(ResourceId r, Effects& out);
  void expire(ResourceId r, const LocalClocks& now, Effects& out);
  bool matches_request(const LeaseSlot& slot, const Message& m) const;
  void deny(const Message& m, ErrorCode error, NodeId holder, Effects& out);
  TimePoint leader_now(const LocalClocks& now) const { return now.read(cfg_.options.leader_clock); }

  ServerConfig cfg_;
  raft::Server& core_;
  LeaseTable table_;
  // No grant before these (leader clock): for every resource (a new
  // leader's wait) and per resource (lock-delay, validity windows).
  TimePoint grants_blocked_until_ = TimePoint::min();
  std::vector<TimePoint> grant_block_;
  std::vector<LeaderLease> leases_;
};

class LeaseServer final : public Node {
 public:
  // `disk` must outlive the node; it survives crashes.
  LeaseServer(const ServerConfig& config, ServerDisk& disk, Rng rng);

  void start(const LocalClocks& now, Effects& out) override { core_.start(now, out); }
  void on_message(const Message& m, const LocalClocks& now, Effects& out) override {
    core_.on_message(m, now, out);
  }
  void on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) override {
    core_.on_timer(t, now, out);
  }

  // Read-only views for tests.
  Role role() const { return core_.role(); }
  Term term() const { return core_.term(); }
  NodeId leader() const { return core_.leader(); }
  bool ready() const { return core_.ready(); }
  LogIndex commit_index() const { return core_.commit_index(); }
  const LeaseTable& table() const { return machine_.table(); }
  const raft::Log& log() const { return core_.log(); }

  enum TimerKind : uint32_t {
    kElectionTimer = raft::Server::kElectionTimer,
    kHeartbeatTimer = raft::Server::kHeartbeatTimer,
    kQuorumTimer = raft::Server::kQuorumTimer,
    kExpiryTimer = LeaseMachine::kExpiryTimer,
  };

 private:
  LeaseMachine machine_;
  raft::Server core_;
};

}  // namespace leasesim::raft_lease
