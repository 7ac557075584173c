// The storage a holder writes to while it believes it holds a resource.
// Whatever it decides, it records every write, accepted or rejected, for
// the checker, and answers the writer.
//
// Fencing (Kleppmann's fencing tokens): with `fencing` it rejects a write
// whose token is lower than the highest it has accepted for that resource.
// That stops a superseded holder only once the new holder has written.
//
// Sequencer checking (Chubby's CheckSequencer; `sequencer.check`): before
// accepting a write it asks the core whether the write's lease is still the
// resource's current lease, as a client of the core: VALIDATE to the server
// it believes leads, following redirects (once per send: a VALIDATE carries
// its send's number, which a redirect echoes, so a duplicated redirect sends
// nothing more), resending to the next server when no answer comes within
// window / 4, like a requestor. A positive answer
// carries a validity window W; storage accepts writes of that lease until
// send + W minus its drift margin (holder_deadline with the holder's margin)
// on its own monotonic clock, anchored at the send of the VALIDATE the
// answer is for, and answers further writes of the lease from that cached
// window without asking again. The core grants the resource to no one
// before the window has passed (lease_server.hpp), so a write accepted
// within it precedes every later holder's belief, however long the write or
// the answer travelled and however long storage was paused. An answer that
// arrives after its window is useless: storage starts a new validation
// (a new send, a new anchor) and, after `attempts` windows without a timely
// answer, rejects the write as `unavailable` (the writer keeps its lease).
// A negative answer rejects the write as `unknown_lease` (the writer stops).
//
// Invariants: a write is accepted only (a) with fencing off or its token at
// least the highest accepted, and (b) with sequencer checking off, or at a
// local monotonic time before the window of a positive answer for its lease.
#pragma once

#include <cstdint>
#include <vector>

#include "leasesim/core/rng.hpp"
#include "leasesim/protocol/node.hpp"
#include "leasesim/protocol/observations.hpp"
#include "leasesim/protocols/raft_lease/messages.hpp"
#include "leasesim/protocols/raft_lease/options.hpp"

namespace leasesim::raft_lease {

struct StorageConfig {
  StorageConfig() = default;
  StorageConfig(NodeId self_id, uint32_t resource_count, bool fence)
      : self(self_id), resources(resource_count), fencing(fence) {}

  NodeId self = kInvalidNode;
  uint32_t resources = 0;
  bool fencing = false;
  SequencerOptions sequencer;   // check: validate every write with the core
  std::vector<NodeId> servers;  // the core (needed with sequencer.check)
  HolderMargin margin;          // applied to validity windows
  uint32_t attempts = 3;        // windows tried before a write is `unavailable`
};

// The highest accepted token per resource survives a storage crash, and so
// does a count of starts: validation request ids are (starts << 32 | n), so
// an answer to a request of an earlier life never matches a new request
// (it would carry a window anchored before the new send).
struct StorageDisk final : DurableState {
  std::vector<uint64_t> highest;
  uint64_t starts = 0;
};

class Storage final : public Node {
 public:
  Storage(const StorageConfig& config, StorageDisk& disk, Rng rng = Rng(0));
  void start(const LocalClocks& now, Effects& out) override;
  void on_message(const Message& m, const LocalClocks& now, Effects& out) override;
  void on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) override;

  enum TimerKind : uint32_t { kResendTimer = 1 };  // arg: the validation's send generation

  // Read-only views for tests.
  size_t pending_writes() const { return pending_.size(); }
  size_t validations_in_flight() const { return validations_.size(); }

 private:
  struct Cached {
    LeaseId lease = kNoLease;
    TimePoint until;  // local mono: writes of `lease` accepted before this
  };
  struct PendingWrite {
    NodeId writer = kInvalidNode;
    ResourceId resource = kNoResource;
    LeaseId lease = kNoLease;
    uint64_t token = 0;
    uint64_t request_id = 0;
  };
  struct Validation {
    ResourceId resource = kNoResource;
    LeaseId lease = kNoLease;
    uint64_t token = 0;
    uint64_t request_id = 0;
    TimePoint first_sent;  // local mono: the window's anchor
    uint32_t attempt = 1;
    uint64_t gen = 0;  // of the latest send, for its resend timer
    // The send (gen) whose redirect last sent this validation on: a copy of
    // that redirect (the network duplicated it) sends nothing more.
    uint64_t redirected_gen = 0;
  };

  void on_write(const Message& m, const LocalClocks& now, Effects& out);
  void on_validated(const Message& m, const LocalClocks& now, Effects& out);
  void on_redirect(const Message& m, const LocalClocks& now, Effects& out);
  void accept(const PendingWrite& w, Effects& out);
  void reject(const PendingWrite& w, ErrorCode why, Effects& out);
  // Accepts (fencing permitting) or rejects every pending write of the lease.
  void settle(ResourceId r, LeaseId lease, bool ok, ErrorCode why, Effects& out);
  void start_validation(ResourceId r, LeaseId lease, uint64_t token, const LocalClocks& now,
                        Effects& out);
  void send_validate(Validation& v, const LocalClocks& now, Effects& out);
  // A fresh send and anchor, or `unavailable` after the last attempt.
  void next_attempt(size_t i, const LocalClocks& now, Effects& out);
  TimePoint window_end(const Validation& v, Duration window) const {
    return holder_deadline(cfg_.margin, v.first_sent, window);
  }
  Duration resend_after() const;
  Validation* find(uint64_t request_id);
  void note_server(NodeId from);
  NodeId target() const { return cfg_.servers[target_]; }

  StorageConfig cfg_;
  StorageDisk& disk_;
  Rng rng_;
  // Volatile (lost on a crash, which only costs new validations).
  std::vector<Cached> cache_;  // per resource; empty without sequencer checking
  std::vector<PendingWrite> pending_;
  std::vector<Validation> validations_;
  size_t target_ = 0;
  uint64_t next_request_ = 1;
  uint64_t next_gen_ = 1;
};

}  // namespace leasesim::raft_lease
