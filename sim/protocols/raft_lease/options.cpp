#include "leasesim/protocols/raft_lease/options.hpp"

#include <array>

#include "leasesim/core/int128.hpp"

namespace leasesim::raft_lease {

TimePoint holder_deadline(const HolderMargin& margin, TimePoint anchor, Duration ttl) {
  switch (margin.kind) {
    case MarginKind::kNone:
      return anchor + ttl;
    case MarginKind::kFixed:
      return anchor + ttl - margin.fixed;
    case MarginKind::kDriftBound: {
      // ttl * rho in integer nanoseconds, rounded up so the margin is never
      // smaller than the bound promises.
      const int128_t num = static_cast<int128_t>(ttl.ns()) * margin.drift_ppm;
      const int64_t drift = static_cast<int64_t>((num + 999'999) / 1'000'000);
      return anchor + ttl - Duration(drift) - margin.fixed;
    }
  }
  return anchor + ttl;
}

namespace {

constexpr std::array<std::string_view, 4> kPresetNames = {"seed", "naive", "etcd-like", "safe"};

}  // namespace

std::span<const std::string_view> preset_names() {
  return kPresetNames;
}

bool preset_options(std::string_view name, LeaseOptions* out) {
  LeaseOptions o;
  if (name == "seed") {
    // The design as written. Where it is silent we take the literal
    // reading: the holder counts its ttl from when GRANTED arrives, with no
    // margin; "every lease operation is a log entry" makes renewals logged;
    // tokens are handed out but nothing says storage checks them.
    o.anchor = ExpiryAnchor::kReceipt;
    o.renewals = RenewalPath::kLogged;
    o.failover = FailoverPolicy::kExtendTtl;
    o.grant_reply = GrantReply::kAfterCommit;
    o.check_quorum = QuorumCheck::kOff;
    o.keying = LeaseKeying::kLeaseId;
    o.fencing = false;
  } else if (name == "naive") {
    // The unsafe choice of every knob.
    o.anchor = ExpiryAnchor::kReceipt;
    o.renewals = RenewalPath::kMemory;
    o.failover = FailoverPolicy::kTrustLog;
    o.grant_reply = GrantReply::kImmediate;
    o.check_quorum = QuorumCheck::kOff;
    o.keying = LeaseKeying::kResource;
    o.fencing = false;
    o.leader_clock = ClockKind::kWall;
  } else if (name == "etcd-like") {
    // etcd's lessor: in-memory renewals, TTL + election timeout on
    // promotion, CheckQuorum; clients count from receipt.
    o.anchor = ExpiryAnchor::kReceipt;
    o.renewals = RenewalPath::kMemory;
    o.failover = FailoverPolicy::kExtendTtlPlusElection;
    o.grant_reply = GrantReply::kAfterCommit;
    o.check_quorum = QuorumCheck::kTick;
    o.keying = LeaseKeying::kLeaseId;
    o.fencing = false;
  } else if (name == "safe") {
    o.anchor = ExpiryAnchor::kSend;
    o.margin = HolderMargin{MarginKind::kDriftBound, Duration::zero(), 2000};
    o.renewals = RenewalPath::kLogged;
    o.failover = FailoverPolicy::kExtendTtlPlusElection;
    o.grant_reply = GrantReply::kAfterCommit;
    o.check_quorum = QuorumCheck::kDeadline;
    o.keying = LeaseKeying::kLeaseId;
    o.fencing = true;
    // Storage validates every write's lease with the core (writes of a
    // validated lease are accepted without asking again within the
    // window); lock-delay adds nothing once writes are validated, and would
    // cost availability after every expiry (docs/protocol.md).
    o.sequencer = SequencerOptions{true, milliseconds(250)};
    o.lock_delay = Duration::zero();
  } else {
    return false;
  }
  *out = o;
  return true;
}

const char* to_string(ExpiryAnchor v) {
  return v == ExpiryAnchor::kSend ? "send" : "receipt";
}
const char* to_string(MarginKind v) {
  switch (v) {
    case MarginKind::kNone:
      return "none";
    case MarginKind::kFixed:
      return "fixed";
    case MarginKind::kDriftBound:
      return "drift-bound";
  }
  return "?";
}
const char* to_string(RenewalPath v) {
  return v == RenewalPath::kLogged ? "logged" : "memory";
}
const char* to_string(FailoverPolicy v) {
  switch (v) {
    case FailoverPolicy::kExtendTtl:
      return "extend-ttl";
    case FailoverPolicy::kExtendTtlPlusElection:
      return "extend-ttl-plus-election";
    case FailoverPolicy::kWaitMaxTtl:
      return "wait-max-ttl";
    case FailoverPolicy::kTrustLog:
      return "trust-log";
  }
  return "?";
}
const char* to_string(GrantReply v) {
  return v == GrantReply::kAfterCommit ? "after-commit" : "immediate";
}
const char* to_string(LeaseKeying v) {
  return v == LeaseKeying::kLeaseId ? "lease-id" : "resource";
}
}  // namespace leasesim::raft_lease
