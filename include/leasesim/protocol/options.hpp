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

namespace leasesim {

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
  kLogged,  // RENEW entry committed, then RENEWED (the seed's "every lease operation is a log entry")
  kMemory,  // the leader extends in memory and answers at once (etcd)
};

// What a new leader does with the leases it finds in the log.
enum class FailoverPolicy : uint8_t {
  kExtendTtl,             // expiry = now + ttl for every known lease (seed)
  kExtendTtlPlusElection, // expiry = now + ttl + election timeout max (etcd)
  kWaitMaxTtl,            // refresh as kExtendTtl and grant nothing new for max ttl (Chubby)
  kTrustLog,              // keep the wall-clock expiry the old leader logged (unsafe with skew)
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

struct HolderMargin {
  MarginKind kind = MarginKind::kNone;
  Duration fixed = Duration::zero();
  int64_t drift_ppm = 0;  // rho in parts per million, for kDriftBound
};

struct LeaseOptions {
  ExpiryAnchor anchor = ExpiryAnchor::kReceipt;
  HolderMargin margin;
  RenewalPath renewals = RenewalPath::kLogged;
  FailoverPolicy failover = FailoverPolicy::kExtendTtl;
  GrantReply grant_reply = GrantReply::kAfterCommit;
  bool check_quorum = false;
  LeaseKeying keying = LeaseKeying::kLeaseId;
  bool fencing = false;
  // Which clock the leader measures lease expiry on and the holder its
  // belief on. The seed says the leader uses a monotonic clock.
  ClockKind leader_clock = ClockKind::kMonotonic;
  ClockKind holder_clock = ClockKind::kMonotonic;
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
const char* to_string(ClockKind v);

}  // namespace leasesim
