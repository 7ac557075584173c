// The metrics observer: measures a run's liveness and quality (metrics.hpp)
// from the same records the safety checker judges, and from the checker's
// belief model (time held is the length of the beliefs' unions, exactly as
// judged). It never judges: a run with terrible metrics can be safe.
//
// Measured:
//   availability     per resource, time held / (time held + time nobody
//                    held it while a requestor wanted it). A requestor
//                    wants a resource from its `want` until its belief
//                    begins (or it crashes, or wants another).
//   acquire_latency  want -> belief_begin of the same requestor.
//   handoff_gap      the latest holding segment's end -> another
//                    requestor's belief_begin, if it was waiting by then
//                    and nobody held the resource in between.
//   failover         the leader's crash (the role view's leader) -> the
//                    next leader_ready.
//   write_latency    write_sent -> write_accepted of the same write (the
//                    64 most recent unanswered writes per holder).
//   counts           grants (first records only), beliefs, elections,
//                    leader crashes, writes accepted and rejected.
//
// check/observers.hpp calls it in record order, between the safety
// checker's steps where both look at the same resource; the checker calls
// it (BeliefListener) when holders change inside its own steps.
#pragma once

#include <cstdint>
#include <vector>

#include "leasesim/check/metrics.hpp"
#include "leasesim/check/role_view.hpp"
#include "leasesim/check/safety_checker.hpp"

namespace leasesim {

class MetricsObserver final : public BeliefListener {
 public:
  // `beliefs` and `roles` must outlive the observer.
  MetricsObserver(uint32_t resources, uint32_t nodes, const SafetyChecker& beliefs,
                  const RoleView& roles);

  // Records, typed. Preconditions: ids in range (asserted by the caller).
  void want(NodeId n, ResourceId res, TimePoint now);
  // Node n began a belief on res at `now`; called after the checker's
  // touch() and before its belief_begin(), so `beliefs` shows the
  // resource as it was.
  void belief_begin(NodeId n, ResourceId res, TimePoint now);
  void role_changed(const obs::RoleChanged& c);
  void leader_ready(TimePoint now);
  void grant() { ++metrics_.grants; }
  void write_sent(NodeId n, const obs::WriteSent& w, TimePoint now);
  void write_accepted(const obs::WriteAccepted& w, TimePoint now);
  void write_rejected() { ++metrics_.writes_rejected; }
  // Node n crashed at `now` (before the role view forgets its roles).
  void on_crash(NodeId n, TimePoint now);
  // A hint: node n's records come soon, start fetching its state.
  void prefetch(NodeId n) const {
    if (n < wants_.size()) __builtin_prefetch(&wants_[n]);
  }

  // BeliefListener.
  void holders_changing(ResourceId res, TimePoint now) override { account(res, now); }
  void segment_final(ResourceId res, TimePoint from, TimePoint to) override {
    metrics_.resources[res].held += to - from;
  }

  // After the checker's finish(): the distributions and availability.
  void finish();
  // Everything measured (distributions only after finish()); stale_writes
  // is the checker's to count (observers.hpp fills it in).
  const Metrics& metrics() const { return metrics_; }

 private:
  struct Want {
    ResourceId resource = kNoResource;
    TimePoint since;
  };
  struct Wanted {         // per resource
    TimePoint accounted;  // wanted_free is counted up to here
    uint32_t waiters = 0;
  };
  struct SentWrite {
    uint64_t id = 0;
    TimePoint at;  // true send time
  };
  static constexpr size_t kWritesTracked = 64;

  // Counts time free while wanted on `res` up to `now`; call before any
  // change of its waiters or holders at `now`.
  void account(ResourceId res, TimePoint now);
  void stop_wanting(NodeId n, TimePoint now);

  const SafetyChecker& beliefs_;
  const RoleView& roles_;
  std::vector<Wanted> wanted_;                   // per resource
  std::vector<Want> wants_;                      // per node: its current want
  std::vector<std::vector<SentWrite>> written_;  // per writer: unanswered writes, oldest first
  TimePoint leader_crashed_at_ = TimePoint::min();
  bool leaderless_ = false;
  std::vector<int64_t> acquire_samples_, handoff_samples_, failover_samples_, write_samples_;
  Metrics metrics_;
};

}  // namespace leasesim
