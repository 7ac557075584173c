// A server of kv-lease's store: a Raft server (raft/server.hpp) running a
// key-value state machine with one Lease object per resource (KvMachine).
//
// The store has no clock role: it never judges expiry. It answers
//   Get     per Knobs::reads: a ready leader after a read barrier
//           (linearizable), or whoever thinks it is leader / any server from
//           its applied state at once;
//   Update  from the leader only (others redirect): logged, and at apply
//           compared with the record's version (Knobs::update kCas; kBlind
//           writes whatever the version). The leader answers at apply.
//
// Recording: the leader records every write it applies (KvWrite, private),
// including earlier-term entries committed with its no-op, and the change it
// makes to the lease as the common core records, so the checker, the plots
// and the Perfetto export show the record's versions as raft-lease's lease
// table: a write that makes X holder of an empty record is LeaseGranted
// (lease id = token = that version), X renewing is LeaseRenewed (expiry =
// the record's renew_time + lease_duration, on X's wall clock), X blanking
// it is LeaseFreed(released), Y taking it over is LeaseFreed(expired) of
// X's lease then LeaseGranted to Y. Their `index` is 2 x version (+1 for the
// grant half of a takeover), so it grows strictly per resource and a
// change recorded twice (a leader dies before others learn the commit; the
// next leader applies it again) is recognised by observers.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "leasesim/core/rng.hpp"
#include "leasesim/protocol/node.hpp"
#include "leasesim/protocol/observations.hpp"
#include "leasesim/protocols/kv_lease/messages.hpp"
#include "leasesim/protocols/kv_lease/options.hpp"
#include "leasesim/protocols/kv_lease/records.hpp"
#include "leasesim/raft/server.hpp"

namespace leasesim::kv_lease {

struct ServerConfig {
  NodeId self = kInvalidNode;
  std::vector<NodeId> servers;  // every server of the store, self included
  uint32_t resources = 0;
  Knobs knobs;
  raft::CoreSettings core{};
  raft::QuorumCheck check_quorum = raft::QuorumCheck::kTick;
};

raft::Config raft_config(const ServerConfig& c);

using ServerDisk = raft::Disk;

// One Lease object per resource, and the leader's request handling.
class KvMachine final : public raft::StateMachine {
 public:
  struct Slot {
    LeaseRecord record;
    uint64_t lease = 0;  // the version at which record.holder became holder
  };

  KvMachine(const ServerConfig& config, raft::Server& core);

  raft::ApplyResult apply(LogIndex index, const LogEntry& e) override;
  uint64_t digest(const LogEntry& e) const override;
  void snapshot(std::vector<SnapshotItem>* out) const override;
  void restore(std::span<const SnapshotItem> items) override;

  void on_applied(LogIndex index, const LogEntry& e, raft::ApplyResult result,
                  const LocalClocks& now, Effects& out) override;
  void on_leader_start(const LocalClocks& now, Effects& out) override;
  void on_ready(const LocalClocks&, Effects&) override {}
  void on_leader_end(const LocalClocks& now, Effects& out) override;
  void on_message(const Message& m, const LocalClocks& now, Effects& out) override;
  void on_timer(const TimerFire&, const LocalClocks&, Effects&) override {}
  void on_read_ready(uint64_t read, const LocalClocks& now, Effects& out) override;

  const Slot& slot(ResourceId r) const { return slots_[r]; }

 private:
  struct Pending {
    uint64_t key = 0;  // log index (updates) or barrier id (reads)
    NodeId client = kInvalidNode;
    uint64_t request_id = 0;
    ResourceId resource = kNoResource;
  };

  KvMsg& reply(MsgType type, NodeId to, ResourceId r, uint64_t request_id, Effects& out) const;
  void answer_get(NodeId to, ResourceId r, uint64_t request_id, Effects& out) const;
  void on_get(const Message& m, const LocalClocks& now, Effects& out);
  void on_update(const Message& m, const LocalClocks& now, Effects& out);
  void redirect(const Message& m, Effects& out) const;
  void record_write(LogIndex index, const UpdateCommand& c, bool written, Effects& out) const;

  ServerConfig cfg_;
  raft::Server& core_;
  std::vector<Slot> slots_;
  // What the last apply() replaced (on_applied follows it at once).
  Slot replaced_;
  std::deque<Pending> updates_;  // this leadership's proposals, in log order
  std::vector<Pending> reads_;   // barriers in flight
};

class KvServer final : public Node {
 public:
  KvServer(const ServerConfig& config, ServerDisk& disk, Rng rng);

  void start(const LocalClocks& now, Effects& out) override { core_.start(now, out); }
  void on_message(const Message& m, const LocalClocks& now, Effects& out) override {
    core_.on_message(m, now, out);
  }
  void on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) override {
    core_.on_timer(t, now, out);
  }

  Role role() const { return core_.role(); }
  Term term() const { return core_.term(); }
  bool ready() const { return core_.ready(); }
  const KvMachine& machine() const { return machine_; }

  enum TimerKind : uint32_t {
    kElectionTimer = raft::Server::kElectionTimer,
    kHeartbeatTimer = raft::Server::kHeartbeatTimer,
    kQuorumTimer = raft::Server::kQuorumTimer,
  };

 private:
  KvMachine machine_;
  raft::Server core_;
};

}  // namespace leasesim::kv_lease
