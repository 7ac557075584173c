// One run's scenario in a campaign: the cell's scenario with its seed set
// and, unless random faults are off, the random faults of that seed
// (fault/random_faults.hpp) added to its scripted ones. A saved run is the
// same scenario with the generated faults spelled out (and no explore
// block): `leasesim run` of that file replays the same run, same Scenario,
// same trace hash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

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

// The scenario to save for one run: explore_scenario (or, with layout null,
// base with the seed set and no random faults) with the explore block
// dropped and a description saying it is `what` (e.g. "explore seed 7 of
// NAME") with its generated faults in the script: a self-contained file
// for `leasesim run`.
Scenario replay_scenario(const Scenario& base, const ExploreLayout* layout, uint64_t seed,
                         const std::string& what);

// replay_scenario of explore seed `seed` of base.
Scenario explore_replay_scenario(const Scenario& base, const ExploreLayout& layout, uint64_t seed);

}  // namespace leasesim
