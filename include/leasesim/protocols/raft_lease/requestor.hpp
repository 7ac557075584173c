// A requestor: a client that wants resources, acquires leases from the
// core, renews them while it holds them, does work against storage while it
// believes it is the holder, and releases them.
//
// Its life is a loop: wait (start delay, then think time) -> want a
// resource -> acquire (following redirects, retrying on timeout, backing
// off when refused) -> hold for the hold time (renewing every
// renew_every, writing every write_every) -> release -> think -> ...
//
// The holder's belief is the heart of the safety question. The requestor
// alone decides, on its own clock (options.holder_clock), until when it may
// act as holder: deadline = holder_deadline(margin, anchor, ttl), anchored
// at the send of the answered request (kSend) or at the answer's receipt
// (kReceipt). It records every change of belief (obs::kBeliefBegin/Extend/
// End) for the checker.
//
// Work is two steps so a process pause can fall between them, as in the
// classic GC-pause failure: a check (is my deadline still ahead?) and, after
// check_to_write, the write itself, sent without checking again.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "leasesim/core/rng.hpp"
#include "leasesim/protocol/node.hpp"
#include "leasesim/protocol/observations.hpp"
#include "leasesim/protocols/raft_lease/messages.hpp"
#include "leasesim/protocols/raft_lease/options.hpp"
#include "leasesim/protocols/workload/workload.hpp"

namespace leasesim::raft_lease {

using workload::ResourceChoice;

// The workload (what it wants, holds and writes; workload.hpp) and how it
// asks for leases.
struct RequestorConfig : workload::Workload {
  NodeId self = kInvalidNode;
  std::vector<NodeId> servers;    // the core, in order
  NodeId storage = kInvalidNode;  // kInvalidNode: no work
  LeaseOptions options;
  Duration ttl = seconds(5);  // asked for in ACQUIRE
  Duration renew_every = milliseconds(1666);
  Duration request_timeout = seconds(1);

  bool operator==(const RequestorConfig&) const = default;
};

class Requestor final : public Node {
 public:
  // A requestor with its own copy of `config` (config.self is its id).
  Requestor(const RequestorConfig& config, Rng rng);
  // A requestor `self` sharing `config` (whose `self` it ignores) with the
  // other requestors of a run configured alike: a run of 100,000
  // requestors then keeps one configuration, not 100,000 copies whose
  // server lists each cost a cache miss to read (docs/performance.md).
  Requestor(std::shared_ptr<const RequestorConfig> config, NodeId self, Rng rng);

  void start(const LocalClocks& now, Effects& out) override;
  void on_message(const Message& m, const LocalClocks& now, Effects& out) override;
  void on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) override;

  enum class Phase : uint8_t { kIdle, kAcquiring, kHolding, kReleasing, kDone };
  Phase phase() const { return phase_; }
  bool believes_holding() const { return phase_ == Phase::kHolding; }
  TimePoint deadline() const { return deadline_; }
  LeaseId lease() const { return lease_; }
  ResourceId resource() const { return resource_; }
  NodeId self() const { return self_; }
  const RequestorConfig& config() const { return *cfg_; }  // its `self` may not be self()

  enum TimerKind : uint32_t {
    kWakeTimer = 1,   // start / think / backoff over: want a resource
    kRequestTimer,    // acquire or release timed out (arg: send generation)
    kRetryTimer,      // resend after a redirect to an unknown leader (arg: send generation)
    kRenewTimer,      // time to renew (arg: hold generation)
    kDeadlineTimer,   // belief deadline (arg: hold generation)
    kHoldEndTimer,    // hold time over (arg: hold generation)
    kWorkCheckTimer,  // check before a write (arg: hold generation)
    kWorkWriteTimer,  // the write itself (arg: hold generation)
    kHandBackTimer,   // send the open hand-backs again (arg: 0)
  };

 private:
  // An acquire's request id and first send (past_).
  struct PastAcquire {
    uint64_t request = 0;
    TimePoint first_sent;
  };
  // A lease being handed back (hand_backs_).
  struct HandBack {
    uint64_t request = 0;  // the RELEASE's request id; 0: slot free
    LeaseId lease = kNoLease;
    TimePoint until;  // holder clock: give up then
    ResourceId resource = kNoResource;
    bool after_writes = false;  // first sent once every armed write has gone
    bool sent = false;          // sent at least once (else it waits: may_send())
  };

  TimePoint local(const LocalClocks& now) const { return now.read(cfg_->options.holder_clock); }
  void set_timer(const LocalClocks& now, Duration after, TimerKind kind, uint64_t arg,
                 Effects& out) const;
  void cancel_request_timers(Effects& out) const;
  void wait_then_want(Duration lo, Duration hi, const LocalClocks& now, Effects& out);
  void want(const LocalClocks& now, Effects& out);
  void acquire(const LocalClocks& now, Effects& out);  // a new request for resource_
  bool hand_back_open(ResourceId r) const;
  void acquire_after_hand_back(const LocalClocks& now, Effects& out);
  void send_acquire(const LocalClocks& now, Effects& out);
  void on_granted(const Message& m, const LocalClocks& now, Effects& out);
  void on_denied(const Message& m, const LocalClocks& now, Effects& out);
  void on_redirect(const Message& m, const LocalClocks& now, Effects& out);
  void on_renewed(const Message& m, const LocalClocks& now, Effects& out);
  void on_released(const Message& m, const LocalClocks& now, Effects& out);
  void on_write_reply(const Message& m, const LocalClocks& now, Effects& out);
  // The slot in past_ of `request` if its grant is still to be dealt with,
  // else kPastAcquires; settle() marks it dealt with.
  size_t unsettled(uint64_t request) const;
  void settle(size_t slot);
  void on_unused_grant(const Message& m, const LocalClocks& now, Effects& out);
  void hand_back(ResourceId resource, LeaseId lease, TimePoint until, bool after_writes, NodeId to,
                 const LocalClocks& now, Effects& out);
  bool may_send(const HandBack& h) const;
  void send_hand_back(size_t slot, NodeId to, Effects& out) const;
  // Resends the open hand-backs (and arms the next resend), or with
  // waiting_only sends only those not sent yet that may go now.
  void send_hand_backs(bool waiting_only, const LocalClocks& now, Effects& out);
  void send_waiting_hand_backs(const LocalClocks& now, Effects& out);
  void note_hand_backs();  // any_hand_back_ from the slots, after some were closed
  void send_renew(const LocalClocks& now, Effects& out);
  void send_release(const LocalClocks& now, Effects& out);
  void resend(const LocalClocks& now, Effects& out);
  void end_belief(BeliefEndReason why, Effects& out);
  void lose_lease(BeliefEndReason why, const LocalClocks& now, Effects& out);
  void finish_hold(const LocalClocks& now, Effects& out);
  void hold_over();  // a hold ended: count it and move the cycle on
  void next_server() { target_ = (target_ + 1) % cfg_->servers.size(); }
  NodeId target() const { return cfg_->servers[target_]; }
  size_t resource_count() const { return cfg_->resource_count(); }
  ResourceId resource_at(size_t i) const { return cfg_->resource_at(i); }

  std::shared_ptr<const RequestorConfig> cfg_;  // never null; read-only, maybe shared
  NodeId self_;
  Rng rng_;
  Phase phase_ = Phase::kIdle;
  size_t target_ = 0;  // index into cfg_.servers
  uint64_t next_request_ = 1;
  uint32_t holds_ = 0;
  size_t cycle_ = 0;  // "cycle": index of the resource the next hold is for

  // The request in flight (acquire or release).
  uint64_t request_ = 0;
  // Bumps on every (re)send and when a retry is armed; stale timers ignore
  // themselves. Each send carries it as its attempt number, and only an
  // immediate answer naming the current one asks again (on_redirect()).
  uint64_t send_gen_ = 0;
  size_t sent_to_ = 0;  // target_ when the latest send went out
  uint32_t release_attempts_ = 0;
  bool work_allowed_ = false;  // false once the holder decided to release
  // Of past_ below (kept here, in the line an acquire writes anyway).
  uint8_t past_settled_ = 0;      // bit i: past_[i] is settled
  uint8_t past_next_ = 0;         // the slot the next acquire takes
  bool any_hand_back_ = false;    // a slot of hand_backs_ is open: else none is read
  TimePoint request_first_sent_;  // holder clock

  // The current hold.
  uint64_t hold_gen_ = 0;
  ResourceId resource_ = kNoResource;
  LeaseId lease_ = kNoLease;
  uint64_t token_ = 0;
  Duration ttl_;
  TimePoint deadline_;  // holder clock

  // The latest acquires (request id -> first send), a small ring: a grant
  // that answers one of them after it ended (a refusal of its latest send
  // ended it while a duplicate or an earlier send was still on its way) is
  // handed back, once (on_unused_grant()). Settled once its grant was used
  // or handed back. Every acquire writes a slot: one 64-byte line, placed
  // among the lines the world prefetches for a requestor's event (at the
  // end of the object, W1 at C = 100k ran 1.13x slower: docs/performance.md).
  static constexpr size_t kPastAcquires = 4;
  std::array<PastAcquire, kPastAcquires> past_{};

  TimePoint hold_until_;  // holder clock
  TimePoint last_renew_answer_;
  ResourceId lease_resource_ = kNoResource;  // the resource lease_ is of
  // Writes armed by a check and not yet fired (each fires once, whatever
  // happens after its check).
  uint32_t writes_armed_ = 0;
  // Renewals in flight: request id -> send time, a small ring (answers to
  // older ones are treated as unknown and ignored).
  static constexpr size_t kRenewRing = 8;
  std::array<uint64_t, kRenewRing> renew_ids_{};
  std::array<TimePoint, kRenewRing> renew_sent_{};
  // Whether a redirect naming a leader has resent this renewal already.
  std::array<bool, kRenewRing> renew_redirected_{};

  // Leases it will not use, being handed back (RELEASE) until answered or
  // until they have run out; a few fixed slots, the oldest reused.
  static constexpr size_t kHandBacks = 2;
  std::array<HandBack, kHandBacks> hand_backs_{};
  uint8_t hand_back_next_ = 0;
  // Under keying `resource`: it wants resource_ and waits for its hand-back
  // of that resource to be answered before asking (want()).
  bool acquire_waits_ = false;
};

}  // namespace leasesim::raft_lease
