// Compares a run with the `expect` block of its scenario.
#pragma once

#include <string>
#include <vector>

#include "leasesim/scenario/scenario.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim {

// One line per unmet expectation; empty if the run is as expected. A
// scenario without expectations expects safety to hold.
std::vector<std::string> unmet_expectations(const Expectation& expect, const RunResult& result);

}  // namespace leasesim
