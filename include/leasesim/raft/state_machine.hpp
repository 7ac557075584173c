// The replicated state machine a Raft server runs, and the hooks by which a
// protocol's leader logic sits on the core (raft-lease's lease table and
// lease leader; later a KV store, sessions).
//
// Replicated part: every server applies every committed entry, in log
// order, through apply(); the same entries give the same state everywhere.
// snapshot()/restore() convert the state to and from fixed-size items (log
// compaction, InstallSnapshot, a restart from disk). A no-op entry (kind 0,
// the core's own, one per new leadership) is applied too: a machine treats
// it as changing nothing.
//
// Hooks run inside the server's step and may send messages, set timers,
// emit records and call the core (propose, confirm_leadership, ...):
//   on_applied     after apply() of a non-no-op entry and the core's
//                  Committed record, on every server (the machine checks
//                  the core's role: usually only a leader answers).
//   on_leader_start the server became leader (before its no-op): reset
//                  per-leadership state.
//   on_ready       this leader's no-op is applied, so its state reflects
//                  every committed entry; after the LeaderReady record.
//   on_leader_end  the server stepped down (after the StepDown record).
//   on_message     every message that is not one of the core's.
//   on_timer       timers of kinds >= Server::kFirstMachineTimer (the core
//                  owns 1..3).
//   on_read_ready  a read barrier asked for with Server::read_barrier()
//                  passed (see there).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "leasesim/core/time.hpp"
#include "leasesim/protocol/message.hpp"
#include "leasesim/protocol/node.hpp"

namespace leasesim::raft {

// What apply() did, in the machine's own terms (the core passes it back to
// on_applied unread).
struct ApplyResult {
  uint32_t outcome = 0;
  uint64_t detail = 0;
};

class StateMachine {
 public:
  virtual ~StateMachine() = default;

  // --- Replicated state ---------------------------------------------------
  virtual ApplyResult apply(LogIndex index, const LogEntry& e) = 0;
  // A fingerprint of the entry's content (the Committed record carries it;
  // the checker verifies an index never changes).
  virtual uint64_t digest(const LogEntry& e) const = 0;
  virtual void snapshot(std::vector<SnapshotItem>* out) const = 0;
  virtual void restore(std::span<const SnapshotItem> items) = 0;

  // --- Hooks --------------------------------------------------------------
  virtual void on_applied(LogIndex index, const LogEntry& e, ApplyResult result,
                          const LocalClocks& now, Effects& out) = 0;
  virtual void on_leader_start(const LocalClocks& now, Effects& out) = 0;
  virtual void on_ready(const LocalClocks& now, Effects& out) = 0;
  virtual void on_leader_end(const LocalClocks& now, Effects& out) = 0;
  virtual void on_message(const Message& m, const LocalClocks& now, Effects& out) = 0;
  virtual void on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) = 0;
  virtual void on_read_ready(uint64_t /*read*/, const LocalClocks& /*now*/, Effects& /*out*/) {}
};

}  // namespace leasesim::raft
