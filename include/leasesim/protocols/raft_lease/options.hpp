// Protocol variants ("knobs") and their presets.
//
// Every knob is a choice some real system made. docs/protocol.md explains
// each one, its value in each preset, and the failure it opens or closes.
// Presets only bundle knob values; a scenario names a preset and may
// override individual knobs.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "leasesim/core/time.hpp"
#include "leasesim/raft/config.hpp"

namespace leasesim::raft_lease {

// Where the holder anchors its own expiry.
enum class ExpiryAnchor : uint8_t {
  kSend,     // at the send of the request the reply answers (safe)
  kReceipt,  // at receipt of the reply (unsafe under delay; etcd clients)
};

// How much earlier than anchor + ttl the holder gives up.
enum class MarginKind : uint8_t {
  kNone,        // deadline = anchor + ttl
  kFixed,       // deadline = anchor + ttl - fixed
  kDriftBound,  // deadline = anchor + ttl * (1 - rho) - fixed, rho = drift_ppm / 1e6
};

// Whether a renewal is replicated before RENEWED is sent.
enum class RenewalPath : uint8_t {
  kLogged,  // RENEW entry committed, then RENEWED (the seed's "every lease operation is a log
            // entry")
  kMemory,  // the leader extends in memory and answers at once (etcd)
};

// What a new leader does with the leases it finds in the log.
enum class FailoverPolicy : uint8_t {
  kExtendTtl,              // expiry = now + ttl for every known lease (seed)
  kExtendTtlPlusElection,  // expiry = now + ttl + election timeout max (etcd)
  kWaitMaxTtl,             // refresh as kExtendTtl and grant nothing new for max ttl (Chubby)
  kTrustLog,               // keep the wall-clock expiry the old leader logged (unsafe with skew)
};

// When a grant is answered.
enum class GrantReply : uint8_t {
  kAfterCommit,  // GRANTED once the GRANT entry is committed (safe)
  kImmediate,    // GRANTED as soon as the entry is appended (unsafe)
};

// How renew and release name the lease.
enum class LeaseKeying : uint8_t {
  kLeaseId,   // lease id + holder: a stale request matches nothing (safe)
  kResource,  // resource name only: a delayed request can hit a newer lease
};

// How a leader decides it has lost its majority: the Raft core's knob
// (raft/config.hpp), set per preset.
using raft::QuorumCheck;

// Sequencer checking (Chubby's CheckSequencer): storage asks the core
// whether a write's lease is still the resource's current lease before it
// accepts the write. A positive answer is logged and carries a validity
// window: the leader that answers grants the resource to no one before
// window has passed on its lease clock (and every new leader waits window
// after it becomes ready), while storage accepts writes of that lease only
// until send + window minus its drift margin on its own monotonic clock.
struct SequencerOptions {
  bool check = false;
  Duration window = milliseconds(500);

  bool operator==(const SequencerOptions&) const = default;
};

struct HolderMargin {
  MarginKind kind = MarginKind::kNone;
  Duration fixed = Duration::zero();
  int64_t drift_ppm = 0;  // rho in parts per million, for kDriftBound

  bool operator==(const HolderMargin&) const = default;
};

struct LeaseOptions {
  ExpiryAnchor anchor = ExpiryAnchor::kReceipt;
  HolderMargin margin;
  RenewalPath renewals = RenewalPath::kLogged;
  FailoverPolicy failover = FailoverPolicy::kExtendTtl;
  GrantReply grant_reply = GrantReply::kAfterCommit;
  QuorumCheck check_quorum = QuorumCheck::kOff;
  LeaseKeying keying = LeaseKeying::kLeaseId;
  bool fencing = false;
  // Chubby's lock-delay: after a lease is freed by *expiry* (not by release)
  // the core grants that resource to no one for this long (on its lease
  // clock); a new leader, which cannot tell when earlier expiries happened,
  // grants nothing for this long after it becomes ready. Zero: off.
  Duration lock_delay = Duration::zero();
  SequencerOptions sequencer;
  // Which clock the leader measures lease expiry on and the holder its
  // belief on. The seed says the leader uses a monotonic clock.
  ClockKind leader_clock = ClockKind::kMonotonic;
  ClockKind holder_clock = ClockKind::kMonotonic;

  bool operator==(const LeaseOptions&) const = default;
};

// The holder's deadline for a lease of `ttl` anchored at `anchor`.
TimePoint holder_deadline(const HolderMargin& margin, TimePoint anchor, Duration ttl);

// Names of the presets, in documentation order.
std::span<const std::string_view> preset_names();
// Fills *out with the preset's knobs. Returns false for an unknown name.
bool preset_options(std::string_view name, LeaseOptions* out);

// Knob value names, shared by the scenario loader, the docs and the trace.
const char* to_string(ExpiryAnchor v);
const char* to_string(MarginKind v);
const char* to_string(RenewalPath v);
const char* to_string(FailoverPolicy v);
const char* to_string(GrantReply v);
const char* to_string(LeaseKeying v);
using raft::to_string;

}  // namespace leasesim::raft_lease
