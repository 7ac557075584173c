// `leasesim run --bench`: how fast a scenario runs on this build and
// machine, so a regression shows up as a number (docs/performance.md).
#pragma once

#include <cstdint>

#include "leasesim/scenario/scenario.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim::cli {

// Runs `sc` `repetitions` times with tracing off (the options' limits
// apply) and prints, per repetition and as medians: set-up time (building
// the world: nodes, clocks, observers), run time, engine events, events per
// second and, where the processor's instruction counter is readable,
// instructions per event; then the process's peak resident memory. Every
// repetition must reproduce the first one's trace hash (asserted: the same
// scenario and seed give the same run). Returns the exit code.
int run_bench(const Scenario& sc, const RunOptions& options, uint64_t repetitions, bool json);

}  // namespace leasesim::cli
