#include "leasesim/campaign/explore.hpp"

#include <algorithm>
#include <iterator>

namespace leasesim {

ExploreLayout explore_layout(const Scenario& base) {
  ExploreLayout l;
  l.servers = static_cast<uint32_t>(base.servers.size());
  l.requestors.reserve(base.requestors.size());
  for (size_t i = 0; i < base.requestors.size(); ++i) l.requestors.push_back(base.requestor_id(i));
  l.resources = static_cast<uint32_t>(base.resources.size());
  l.duration = base.duration;
  return l;
}

Scenario explore_scenario(const Scenario& base, const ExploreLayout& layout, uint64_t seed,
                          size_t* added) {
  Scenario sc = base;
  sc.seed = seed;
  std::vector<Fault> extra = generate_faults(explore_spec(base), layout, seed);
  if (added != nullptr) *added = extra.size();
  if (!extra.empty()) {
    sc.faults.insert(sc.faults.end(), std::make_move_iterator(extra.begin()),
                     std::make_move_iterator(extra.end()));
    std::stable_sort(sc.faults.begin(), sc.faults.end(),
                     [](const Fault& a, const Fault& b) { return a.at < b.at; });
  }
  return sc;
}

Scenario replay_scenario(const Scenario& base, const ExploreLayout* layout, uint64_t seed,
                         const std::string& what) {
  size_t added = 0;
  Scenario sc = layout != nullptr ? explore_scenario(base, *layout, seed, &added) : base;
  sc.seed = seed;
  sc.explore.reset();
  const std::string note =
      what + ": its " + std::to_string(added) + " generated fault(s) are part of the fault script.";
  sc.description = sc.description.empty() ? note : sc.description + " [" + note + "]";
  return sc;
}

Scenario explore_replay_scenario(const Scenario& base, const ExploreLayout& layout, uint64_t seed) {
  return replay_scenario(base, &layout, seed,
                         "explore seed " + std::to_string(seed) + " of " + base.name);
}

}  // namespace leasesim
