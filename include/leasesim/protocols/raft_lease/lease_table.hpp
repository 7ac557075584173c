// The replicated state machine: which lease holds each resource, as
// decided by the committed log. Every server applies the same entries in
// the same order and so holds the same table. Expiry *times* are not here:
// the leader tracks them on its own clock (volatile, see LeaseMachine).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "leasesim/protocols/raft_lease/commands.hpp"

namespace leasesim::raft_lease {

struct LeaseSlot {
  LeaseId lease = kNoLease;  // kNoLease: the resource is free
  NodeId holder = kInvalidNode;
  uint64_t token = 0;
  Duration ttl;
  TimePoint wall_expiry;    // as last logged (grant or renew)
  uint64_t request_id = 0;  // of the grant
};

enum class ApplyOutcome : uint8_t {
  kNone,  // no-op entry
  kGranted,
  kRenewed,
  kReleased,   // freed by release
  kExpired,    // freed by expiry
  kIgnored,    // the entry no longer matches the table (e.g. lease gone)
  kValidated,  // validate: the lease is the resource's current one (no change)
};

class LeaseTable {
 public:
  explicit LeaseTable(uint32_t resources) : slots_(resources) {}

  const LeaseSlot& slot(ResourceId r) const { return slots_[r]; }
  uint32_t size() const { return static_cast<uint32_t>(slots_.size()); }

  // Applies the entry at `index`. A grant's lease id and fencing token are
  // its log index, so tokens strictly increase across committed grants.
  ApplyOutcome apply(const LogEntry& e, LogIndex index);

  // The held leases, one LeaseRecord item each, in resource order.
  void snapshot(std::vector<SnapshotItem>* out) const;
  void load(std::span<const SnapshotItem> items);
  size_t held_count() const { return held_; }

 private:
  bool matches(const LeaseCommand& c) const;
  std::vector<LeaseSlot> slots_;
  size_t held_ = 0;
};

}  // namespace leasesim::raft_lease
