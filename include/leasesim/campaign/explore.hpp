// One exploration run's scenario: the base scenario with its seed set and
// the random faults of that seed (fault/random_faults.hpp) added to its
// scripted ones. `leasesim explore` runs these; a failing one is saved with
// its faults spelled out (and no explore block), and `leasesim run` of that
// file replays the same run: same Scenario, same trace hash.
#pragma once

#include <cstddef>
#include <cstdint>

#include "leasesim/fault/random_faults.hpp"
#include "leasesim/scenario/scenario.hpp"

namespace leasesim {

// What the generator may name in this scenario.
ExploreLayout explore_layout(const Scenario& base);

// The scenario's explore block, or the defaults when it has none.
inline const ExploreSpec& explore_spec(const Scenario& base) {
  static const ExploreSpec kDefaults;
  return base.explore ? *base.explore : kDefaults;
}

// base with seed = `seed` and faults = base.faults + generate_faults(seed),
// stably sorted by time (scripted first at equal times, which is also the
// order the loader gives a file listing them that way). *added (if not
// null) receives the number of generated faults. `layout` must be
// explore_layout(base) (passed in so batch runs compute it once).
Scenario explore_scenario(const Scenario& base, const ExploreLayout& layout, uint64_t seed,
                          size_t* added = nullptr);

// explore_scenario with the generated faults made part of the script and
// the explore block dropped: a self-contained file for `leasesim run`.
Scenario explore_replay_scenario(const Scenario& base, const ExploreLayout& layout, uint64_t seed);

}  // namespace leasesim
