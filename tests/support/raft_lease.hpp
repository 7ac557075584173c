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

// A private copy of the block to change: the scenario holds the copy from
// now on. (Changing `storage` is the caller's to mirror in s.others.)
inline raft_lease::Config& edit(Scenario& s) {
  auto c = std::make_shared<raft_lease::Config>(rl(s));
  raft_lease::Config& ref = *c;
  s.protocol_config = std::move(c);
  return ref;
}

}  // namespace leasesim::testing
