// The event loop for worlds whose event queue drains by sorted runs
// (World::kSortedRunsNodes). It lives in its own translation unit: with
// both loops in world.cpp, GCC stopped inlining the heap's pop and the
// network's random draws into the heap loop (scenarios/explore.json: 2.2%
// more instructions, measured with callgrind), and small worlds, which use
// the heap, are what exploration runs.
#include "world_impl.hpp"

namespace leasesim {

StopReason World::Impl::run_sorted_runs(TimePoint until, uint64_t budget) {
  return sched.run_until_as<Drain::kSortedRuns>(
      until, [this](const Event& ev) { handle(ev); }, budget);
}

}  // namespace leasesim
