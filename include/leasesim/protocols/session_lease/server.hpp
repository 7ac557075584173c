// A server of session-lease's consistent core (Chubby's master and its
// replicas): a Raft server (raft/server.hpp) running the session table
// (state.hpp) as its replicated state machine, with the master's session
// logic on top (SessionMachine).
//
// The leader (once ready) serves:
//   open_session  logged; at commit the session exists and expires at
//                 commit + timeout on the leader's monotonic clock;
//   keepalive     not logged (Chubby's KeepAlives are not): the leader
//                 confirms it still leads with a read barrier stamped at the
//                 request (raft/server.hpp), then extends the session to
//                 now + timeout and answers. A deposed leader therefore never
//                 extends a session, whatever CheckQuorum does;
//   acquire       logged; granted at commit if the session is alive and the
//                 lock free and not held back (lock-delay, a validity
//                 window, a new master's wait). Lease id and token (the
//                 lock's generation) are the grant's log index;
//   release       logged; frees the lock at once (no lock-delay); answered at
//                 commit (a retry meanwhile gets no answer);
//   validate      storage's sequencer check (raft-lease's sub-protocol),
//                 logged and answered at commit with a validity window in
//                 which the leader grants the lock to no one; a copy of the
//                 latest one logged, arriving before it commits, is
//                 answered by that commit (not logged again). A redirect
//                 or refusal of it echoes the send's attempt.
// When a session's expiry passes the leader logs its expiry; at commit the
// session's locks are freed (lock-delay starts). A new leader, which cannot
// know the expiries its predecessor promised, extends every session to
// ready + timeout ("the maximum that the previous master may have been
// using", Chubby 2.9) and grants nothing for max(lock_delay, window).
//
// Recording: as raft-lease's servers, a leader records every lock change
// it applies (obs::LeaseGranted/Freed with the entry's log index; earlier
// terms' entries too, before it is ready), every extension of a session
// holding a lock (obs::LeaseRenewed, index 0: not a log entry) and every
// failover extension (obs::LeaseRefreshed); sessions in records.hpp.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "leasesim/core/rng.hpp"
#include "leasesim/protocol/node.hpp"
#include "leasesim/protocol/observations.hpp"
#include "leasesim/protocols/session_lease/messages.hpp"
#include "leasesim/protocols/session_lease/options.hpp"
#include "leasesim/protocols/session_lease/records.hpp"
#include "leasesim/protocols/session_lease/state.hpp"
#include "leasesim/raft/server.hpp"

namespace leasesim::session_lease {

struct ServerConfig {
  NodeId self = kInvalidNode;
  std::vector<NodeId> servers;  // every server of the core, self included
  uint32_t resources = 0;
  Options options;
  Duration session_timeout = seconds(3);
  raft::CoreSettings core{};
};

raft::Config raft_config(const ServerConfig& c);

using ServerDisk = raft::Disk;

class SessionMachine final : public raft::StateMachine {
 public:
  SessionMachine(const ServerConfig& config, raft::Server& core);

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
  void on_read_ready(uint64_t read, const LocalClocks& now, Effects& out) override;

  const SessionTable& table() const { return table_; }
  // The leader's expiry of a session (local mono), or TimePoint::min() if
  // it tracks none by that id.
  TimePoint expiry_of(SessionId id) const;

  enum TimerKind : uint32_t { kExpiryTimer = raft::Server::kFirstMachineTimer };

 private:
  // Leader-only, per session (sorted by id).
  struct Tracked {
    SessionId id = kNoSession;
    NodeId client = kInvalidNode;
    Duration timeout;
    TimePoint expiry;                        // local mono
    TimePoint timer_due = TimePoint::max();  // earliest pending expiry timer
    bool expiring = false;                   // its expire entry is in flight
    std::vector<ResourceId> held;            // locks of the session
  };
  // Leader-only, per resource.
  struct Pending {
    bool busy = false;  // an acquire or release entry in flight
    NodeId client = kInvalidNode;
    uint64_t request_id = 0;
  };
  // Leader-only, per resource: the latest validation logged, until it
  // commits. A copy or resend of it (same storage, same request id, so the
  // same question with the same anchor) is answered by that commit.
  struct Validating {
    NodeId storage = kInvalidNode;
    uint64_t request_id = 0;
  };
  static constexpr uint64_t kUnassigned = UINT64_MAX;  // a barrier being asked for
  struct KeepAlive {
    uint64_t read = 0;  // the barrier
    SessionId session = kNoSession;
    NodeId client = kInvalidNode;
    uint64_t request_id = 0;
  };
  struct Opening {
    NodeId client = kInvalidNode;
    uint64_t request_id = 0;
  };

  Tracked* tracked(SessionId id);
  void track(const Session& s, TimePoint expiry, Effects& out);
  void untrack(SessionId id);
  SessionMsg& reply(MsgType type, NodeId to, ResourceId resource, Effects& out) const;
  // The Denied answer to `m`; returned so that the caller can add to it.
  SessionMsg& deny(const Message& m, ErrorCode error, NodeId holder, Effects& out);
  void tell_expired(NodeId to, SessionId s, uint64_t request_id, Effects& out) const;
  void propose(EntryType type, const Command& c, const LocalClocks& now, Effects& out);

  void on_client_request(const Message& m, const LocalClocks& now, Effects& out);
  void on_storage_request(const Message& m, const LocalClocks& now, Effects& out);
  void on_open(const Message& m, const LocalClocks& now, Effects& out);
  void on_keepalive(const Message& m, const LocalClocks& now, Effects& out);
  void on_acquire(const Message& m, const LocalClocks& now, Effects& out);
  void on_release(const Message& m, const LocalClocks& now, Effects& out);
  void applied_as_leader(LogIndex index, const LogEntry& entry, Outcome outcome,
                         const LocalClocks& now, Effects& out);
  void record_replayed(LogIndex index, const LogEntry& entry, Outcome outcome,
                       const LocalClocks& now, Effects& out);
  void record_freed(LogIndex index, FreeReason why, Effects& out);
  void answer_validation(const Command& c, Outcome outcome, const LocalClocks& now, Effects& out);
  void arm_expiry(Tracked& s, Effects& out);
  void expire(Tracked& s, const LocalClocks& now, Effects& out);
  bool alive(SessionId id);

  ServerConfig cfg_;
  raft::Server& core_;
  SessionTable table_;
  std::vector<std::pair<ResourceId, LeaseId>> freed_;  // by the last apply
  LeaseId released_lease_ = kNoLease;                  // by the last apply (release)
  // Leader state.
  std::vector<Tracked> tracked_;
  std::vector<Pending> pending_;
  std::vector<Validating> validating_;
  std::vector<KeepAlive> keepalives_;
  std::vector<Opening> opening_;
  TimePoint grants_blocked_until_ = TimePoint::min();  // local mono
  std::vector<TimePoint> grant_block_;                 // per resource, local mono
};

class SessionServer final : public Node {
 public:
  SessionServer(const ServerConfig& config, ServerDisk& disk, Rng rng);

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
  bool ready() const { return core_.ready(); }
  const SessionTable& table() const { return machine_.table(); }
  TimePoint expiry_of(SessionId id) const { return machine_.expiry_of(id); }

  enum TimerKind : uint32_t {
    kElectionTimer = raft::Server::kElectionTimer,
    kHeartbeatTimer = raft::Server::kHeartbeatTimer,
    kQuorumTimer = raft::Server::kQuorumTimer,
    kExpiryTimer = SessionMachine::kExpiryTimer,
  };

 private:
  SessionMachine machine_;
  raft::Server core_;
};

}  // namespace leasesim::session_lease
