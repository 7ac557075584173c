// A run's outside observers, fed every record in order: the role view
// (who leads, who holds what), the safety checker (violations) and the
// metrics observer (liveness and quality). The host (world/) feeds them
// the records nodes and faults emit, tells them of clock changes and
// crashes, and reads their results; it never looks inside a node.
//
// Every record is decoded here, once, with its kind's codec
// (protocol/observations.hpp); the components take typed values. Where two
// components look at the same resource for one record the order is fixed
// here (observers.cpp says why).
//
// Records carry ids the protocol nodes were configured with, so an id out
// of range is a programmer error: asserted, never skipped.
#pragma once

#include <cstdint>

#include "leasesim/check/metrics_observer.hpp"
#include "leasesim/check/role_view.hpp"
#include "leasesim/check/safety_checker.hpp"
#include "leasesim/core/trace.hpp"

namespace leasesim {

class Observers {
 public:
  explicit Observers(const CheckSetup& setup);
  // Holds references into itself: never moved or copied.
  Observers(const Observers&) = delete;
  Observers& operator=(const Observers&) = delete;

  // Every record of the run, in order, with time/local/node filled in.
  void observe(const Record& r);
  // A fault or other host event worth telling in violations' stories.
  void note(const Record& r) { safety_.note(r); }
  // The host changed node n's clock at true time `now`.
  void on_clock_change(NodeId n, TimePoint now) { safety_.on_clock_change(n, now); }
  // A hint from the host: node n is about to run, and the per-node state
  // its records touch is likely out of cache at many nodes. No effect on
  // what is observed.
  void prefetch(NodeId n) const { metrics_.prefetch(n); }
  // Node n crashed at `now`: it believes nothing and holds no role any more.
  void on_crash(NodeId n, TimePoint now);
  // The run ended at `end`: closes every belief, settles every violation,
  // completes the metrics. `instant_complete`: SafetyChecker::finish.
  void finish(TimePoint end, bool instant_complete = true);

  const RoleView& roles() const { return roles_; }
  SafetyChecker& safety() { return safety_; }
  const SafetyChecker& safety() const { return safety_; }
  // What was measured, with the checker's count of stale writes.
  Metrics metrics() const;

 private:
  void check_node(NodeId n) const;
  void check_resource(ResourceId res) const;

  uint32_t nodes_;
  uint32_t resources_;
  RoleView roles_;
  SafetyChecker safety_;
  MetricsObserver metrics_;
};

}  // namespace leasesim
