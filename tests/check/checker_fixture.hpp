// Hand-built histories for the checker: a few nodes with clocks the test
// controls, and one-line helpers that feed the observation records a
// protocol would emit. Times are true times; the checker projects belief
// deadlines through the clocks given here.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "leasesim/check/checker.hpp"
#include "leasesim/protocol/node.hpp"
#include "leasesim/protocol/observations.hpp"

namespace leasesim::testing {

// Node numbering of every history: three servers, storage, three requestors.
inline constexpr NodeId kN1 = 0, kN2 = 1, kN3 = 2, kStorage = 3, kAlice = 4, kBob = 5, kCarol = 6;
inline constexpr uint32_t kNodes = 7;
inline constexpr ResourceId kDb = 0, kCache = 1;

inline TimePoint At(Duration d) {
  return TimePoint::origin() + d;
}

class History {
 public:
  explicit History(uint32_t resources = 2)
      : clocks_(kNodes), checker_(CheckerSetup{resources, clocks_, nullptr, 12}) {}

  // The checker keeps a span of clocks_: a History never moves.
  History(const History&) = delete;
  History& operator=(const History&) = delete;

  Checker& checker() { return checker_; }
  NodeClock& clock(NodeId n) { return clocks_[n]; }
  const std::vector<Violation>& violations() const { return checker_.violations(); }

  void record(Duration t, NodeId node, uint16_t kind, uint64_t f0 = 0, uint64_t f1 = 0,
              uint64_t f2 = 0, uint64_t f3 = 0, uint64_t f4 = 0, uint64_t f5 = 0) {
    Record r;
    r.time = At(t);
    r.node = node;
    r.local = node < clocks_.size() ? clocks_[node].wall(r.time) : TimePoint::origin();
    r.kind = kind;
    r.f = {f0, f1, f2, f3, f4, f5};
    checker_.observe(r);
  }

  // Requestor observations. `deadline` is on the holder's own `clock`.
  void want(Duration t, NodeId n, ResourceId res) { record(t, n, obs::kWant, res); }
  void begin(Duration t, NodeId n, ResourceId res, LeaseId lease, Duration deadline,
             ClockKind clock = ClockKind::kMonotonic) {
    record(t, n, obs::kBeliefBegin, res, lease, lease, as_field(At(deadline)),
           static_cast<uint64_t>(clock));
  }
  void begin_token(Duration t, NodeId n, ResourceId res, LeaseId lease, uint64_t token,
                   Duration deadline) {
    record(t, n, obs::kBeliefBegin, res, lease, token, as_field(At(deadline)),
           static_cast<uint64_t>(ClockKind::kMonotonic));
  }
  void extend(Duration t, NodeId n, ResourceId res, LeaseId lease, Duration deadline) {
    record(t, n, obs::kBeliefExtend, res, lease, as_field(At(deadline)));
  }
  void end(Duration t, NodeId n, ResourceId res, LeaseId lease,
           BeliefEndReason why = BeliefEndReason::kReleased) {
    record(t, n, obs::kBeliefEnd, res, lease, static_cast<uint64_t>(why));
  }

  // Core and storage observations.
  void leader(Duration t, NodeId n, uint64_t term) {
    record(t, n, obs::kRole, static_cast<uint64_t>(Role::kLeader), term);
  }
  void follower(Duration t, NodeId n, uint64_t term) {
    record(t, n, obs::kRole, static_cast<uint64_t>(Role::kFollower), term);
  }
  void ready(Duration t, NodeId n, uint64_t term) { record(t, n, obs::kLeaderReady, term); }
  void committed(Duration t, NodeId n, uint64_t index, uint64_t term, uint64_t digest) {
    record(t, n, obs::kCommitted, index, term, digest);
  }
  void granted(Duration t, NodeId leader, ResourceId res, LeaseId lease, NodeId holder) {
    record(t, leader, obs::kLeaseGranted, res, lease, holder, lease, as_field(seconds(5)));
  }
  void freed(Duration t, NodeId leader, ResourceId res, LeaseId lease,
             FreeReason why = FreeReason::kExpired) {
    record(t, leader, obs::kLeaseFreed, res, lease, static_cast<uint64_t>(why));
  }
  void write_accepted(Duration t, ResourceId res, uint64_t token, NodeId writer, LeaseId lease) {
    record(t, kStorage, obs::kWriteAccepted, res, token, writer, lease);
  }
  void write_rejected(Duration t, ResourceId res, uint64_t token, NodeId writer, LeaseId lease,
                      uint64_t highest) {
    record(t, kStorage, obs::kWriteRejected, res, token, writer, lease, highest);
  }

  // Host events.
  void crash(Duration t, NodeId n) { checker_.on_crash(n, At(t)); }
  void set_drift(Duration t, NodeId n, int64_t ppb) {
    clocks_[n].set_drift(At(t), ppb);
    checker_.on_clock_change(n, At(t));
  }
  void step_wall(Duration t, NodeId n, Duration by) {
    clocks_[n].step_wall(by);
    checker_.on_clock_change(n, At(t));
  }
  void finish(Duration t) { checker_.finish(At(t)); }

  size_t count(ViolationKind k) const {
    size_t n = 0;
    for (const Violation& v : checker_.violations()) n += v.kind == k;
    return n;
  }

 private:
  std::vector<NodeClock> clocks_;  // never resized: the checker holds a span of it
  Checker checker_;
};

}  // namespace leasesim::testing
