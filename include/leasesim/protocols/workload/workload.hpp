// What a requestor of the lock-service families (raft-lease, session-lease)
// does with its resources: which one it wants next, how long it holds it,
// how long it thinks and backs off, and the writes it makes while holding.
// One struct, so both families' requestors read, write and compare it alike;
// their configurations derive from it.
#pragma once

#include <cstdint>
#include <vector>

#include "leasesim/core/time.hpp"
#include "leasesim/protocol/types.hpp"

namespace leasesim::workload {

enum class ResourceChoice : uint8_t {
  kFixed,   // always the first resource
  kCycle,   // the first, the second, ... in turn, one per hold: it moves on when a hold
            // ends (released, expired, revoked or fenced), not when an acquire fails
  kRandom,  // drawn uniformly from the resources for every attempt (every want)
};

struct Workload {
  std::vector<ResourceId> resources;
  // Non-zero: the requestor wants resources 0 .. resource_range-1 (a
  // scenario's "all") and `resources` stays empty, so wanting every
  // resource costs no memory per requestor (100,000 requestors x 10,000
  // resources would otherwise be gigabytes of identical lists).
  uint32_t resource_range = 0;
  ResourceChoice choice = ResourceChoice::kFixed;
  Duration start_after = Duration::zero();
  Duration hold_min = seconds(2);  // Duration::max(): hold until the end
  Duration hold_max = seconds(10);
  Duration think_min = Duration::zero();
  Duration think_max = seconds(1);
  Duration backoff_min = milliseconds(500);
  Duration backoff_max = milliseconds(1500);
  Duration write_every = Duration::zero();  // zero: no writes
  Duration check_to_write = milliseconds(1);
  uint32_t max_holds = 0;  // 0: unlimited

  // How many resources it may want, and the i-th of them (i < count).
  size_t resource_count() const { return resource_range != 0 ? resource_range : resources.size(); }
  ResourceId resource_at(size_t i) const {
    return resource_range != 0 ? static_cast<ResourceId>(i) : resources[i];
  }

  bool operator==(const Workload&) const = default;
};

}  // namespace leasesim::workload
