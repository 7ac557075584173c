// Every belief begun on each resource, for the stale-write judgement.
//
// A write accepted at t under lease L by writer W is stale when another
// requestor began a belief on the resource after L began (W's earliest
// belief_begin for L on that resource) and at or before t, whatever that
// belief's lease number: numbers name grants only while no grant reuses
// one, and an uncommitted grant's number can be given again by the next
// leader (grant_reply=immediate).
// The earliest begin, not the latest: a second begin of L by W is, as far
// as the records tell, W believing the old grant again (a late duplicate
// GRANTED); a new grant to W under its old number would need the number
// given three times (W, another, W again).
// Answering that needs every begin, not only the latest holder's: in the
// A-B-A case (A writes under lease 2, B holds lease 5, A re-acquires lease
// 9, then A's lease-2 write lands) the latest holder is A again.
//
// Per resource the begins are kept in begin order (records arrive in time
// order, so appending keeps them sorted); a flat open-addressing index maps
// (resource, holder, lease) to the position of its earliest begin. The
// index is brought up to date lazily, by the first query on the resource
// after new begins (a run without writes never hashes). A query is one
// index probe plus a scan over the begins after that position that do not
// qualify (the writer's own later beliefs): in the common case, a write
// under the writer's latest lease, nothing.
//
// Invariants: begins of one resource are in non-decreasing time order; the
// index never holds a position of a later begin of the same key.
#pragma once

#include <cstdint>
#include <vector>

#include "leasesim/core/ids.hpp"
#include "leasesim/core/time.hpp"
#include "leasesim/protocol/types.hpp"

namespace leasesim {

class BeliefBegins {
 public:
  struct Begin {
    TimePoint at;
    NodeId holder = kInvalidNode;
    LeaseId lease = kNoLease;
  };

  explicit BeliefBegins(uint32_t resources);

  // Records a belief begun at `at`; `at` is not before any earlier call's.
  void add(ResourceId res, NodeId holder, LeaseId lease, TimePoint at);

  // When `holder` first began a belief on `lease` on `res`;
  // TimePoint::min() (minus infinity) if never.
  TimePoint lease_began(ResourceId res, NodeId holder, LeaseId lease);

  // The earliest-begun belief on `res` by a requestor other than `writer`
  // (with any lease number), begun strictly after the writer's lease began
  // (lease_began) and at or before `until`; nullptr if none.
  const Begin* first_other_since(ResourceId res, NodeId writer, LeaseId lease, TimePoint until);

 private:
  struct Slot {
    uint64_t lease = 0;
    NodeId holder = kInvalidNode;  // kInvalidNode: empty slot
    ResourceId resource = 0;
    uint32_t pos = 0;  // into by_resource_[resource]
  };
  size_t find_slot(ResourceId res, NodeId holder, LeaseId lease) const;
  void grow();
  void index(ResourceId res);  // indexes the begins added since the last query

  std::vector<std::vector<Begin>> by_resource_;
  std::vector<uint32_t> indexed_;  // per resource: begins already in the index
  std::vector<Slot> slots_;        // power-of-two size, at most half full
  size_t used_ = 0;
};

}  // namespace leasesim
