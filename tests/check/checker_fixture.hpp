// Hand-built histories for the observers (the safety checker, the metrics
// observer, the role view): a few nodes with clocks the test controls, and
// one-line helpers that feed the typed observation records a protocol
// would emit. Times are true times; the checker projects belief deadlines
// through the clocks given here.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "leasesim/check/observers.hpp"
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
      : clocks_(kNodes), observers_(CheckSetup{resources, clocks_, nullptr, 12}) {}

  // The observers keep a span of clocks_: a History never moves.
  History(const History&) = delete;
  History& operator=(const History&) = delete;

  Observers& observers() { return observers_; }
  SafetyChecker& checker() { return observers_.safety(); }
  Metrics metrics() const { return observers_.metrics(); }
  NodeClock& clock(NodeId n) { return clocks_[n]; }
  const std::vector<Violation>& violations() const { return observers_.safety().violations(); }

  // Node `node` emits `v` at true time t.
  template <TypedRecord T>
  void record(Duration t, NodeId node, const T& v) {
    Record r = encode_record(v);
    r.time = At(t);
    r.node = node;
    r.local = node < clocks_.size() ? clocks_[node].wall(r.time) : TimePoint::origin();
    observers_.observe(r);
  }

  // Requestor observations. `deadline` is on the holder's own `clock`.
  void want(Duration t, NodeId n, ResourceId res) { record(t, n, obs::Want{res}); }
  void begin(Duration t, NodeId n, ResourceId res, LeaseId lease, Duration deadline,
             ClockKind clock = ClockKind::kMonotonic) {
    record(t, n, obs::BeliefBegin{res, lease, lease, At(deadline), clock});
  }
  void begin_token(Duration t, NodeId n, ResourceId res, LeaseId lease, uint64_t token,
                   Duration deadline) {
    record(t, n, obs::BeliefBegin{res, lease, token, At(deadline), ClockKind::kMonotonic});
  }
  void extend(Duration t, NodeId n, ResourceId res, LeaseId lease, Duration deadline) {
    record(t, n, obs::BeliefExtend{res, lease, At(deadline)});
  }
  void end(Duration t, NodeId n, ResourceId res, LeaseId lease,
           BeliefEndReason why = BeliefEndReason::kReleased) {
    record(t, n, obs::BeliefEnd{res, lease, why});
  }

  // Core and storage observations.
  void leader(Duration t, NodeId n, uint64_t term) {
    record(t, n, obs::RoleChanged{Role::kLeader, term});
  }
  void follower(Duration t, NodeId n, uint64_t term) {
    record(t, n, obs::RoleChanged{Role::kFollower, term});
  }
  void ready(Duration t, NodeId n, uint64_t term) { record(t, n, obs::LeaderReady{term}); }
  void committed(Duration t, NodeId n, uint64_t index, uint64_t term, uint64_t digest) {
    record(t, n, obs::Committed{index, term, digest});
  }
  void granted(Duration t, NodeId leader, ResourceId res, LeaseId lease, NodeId holder) {
    record(t, leader, obs::LeaseGranted{res, lease, holder, lease, seconds(5), 0});
  }
  void freed(Duration t, NodeId leader, ResourceId res, LeaseId lease,
             FreeReason why = FreeReason::kExpired) {
    record(t, leader, obs::LeaseFreed{res, lease, why, 0});
  }
  void write_accepted(Duration t, ResourceId res, uint64_t token, NodeId writer, LeaseId lease) {
    record(t, kStorage, obs::WriteAccepted{res, token, writer, lease, 0});
  }
  void write_rejected(Duration t, ResourceId res, uint64_t token, NodeId writer, LeaseId lease,
                      uint64_t highest) {
    record(t, kStorage, obs::WriteRejected{res, token, writer, lease, highest, ErrorCode::kNone});
  }

  // Host events.
  void crash(Duration t, NodeId n) { observers_.on_crash(n, At(t)); }
  void set_drift(Duration t, NodeId n, int64_t ppb) {
    clocks_[n].set_drift(At(t), ppb);
    observers_.on_clock_change(n, At(t));
  }
  void step_wall(Duration t, NodeId n, Duration by) {
    clocks_[n].step_wall(by);
    observers_.on_clock_change(n, At(t));
  }
  void finish(Duration t) { observers_.finish(At(t)); }
  // Time reaches t with no record: what began at an earlier instant is judged
  // (a stretch is judged once its instant is over, safety_checker.hpp).
  void at(Duration t) { observers_.safety().advance_to(At(t)); }

  size_t count(ViolationKind k) const {
    size_t n = 0;
    for (const Violation& v : violations()) n += v.kind == k;
    return n;
  }

 private:
  std::vector<NodeClock> clocks_;  // never resized: the observers hold a span of it
  Observers observers_;
};

}  // namespace leasesim::testing
