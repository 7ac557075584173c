// Tests that look into (or build) a raft-lease scenario's protocol block.
#pragma once

#include <memory>

#include "leasesim/protocols/raft_lease/module.hpp"
#include "leasesim/scenario/scenario.hpp"

namespace leasesim::testing {

// The raft-lease block of a scenario (asserts it is one).
inline const raft_lease::Config& rl(const Scenario& s) {
  return raft_lease::config_of(*s.protocol_config);
}

// The block to change, the scenario's own: changed in place if no other
// scenario shares it, else a private copy the scenario holds from now on
// (so a reference from an earlier edit() may dangle: take one per change).
// Changing `storage` is the caller's to mirror in s.others.
inline raft_lease::Config& edit(Scenario& s) {
  // Every config is built non-const (the loader's, basic_scenario's).
  if (s.protocol_config.use_count() == 1) return const_cast<raft_lease::Config&>(rl(s));
  auto c = std::make_shared<raft_lease::Config>(rl(s));
  raft_lease::Config& ref = *c;
  s.protocol_config = std::move(c);
  return ref;
}

}  // namespace leasesim::testing
