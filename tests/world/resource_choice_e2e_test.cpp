// Resource choice end to end: the holds of a whole run, read from its
// belief records, spread over the resources as each "choice" promises
// (docs/scenario-format.md). A cycle workload that silently ran as fixed
// (issue 12, item 4) fails here.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "../support/raft_lease.hpp"
#include "leasesim/protocol/observations.hpp"
#include "leasesim/protocols/raft_lease/requestor.hpp"
#include "leasesim/world/world.hpp"
#include "test_scenarios.hpp"

namespace leasesim {
namespace resource_choice_e2e_test {

using namespace raft_lease;  // NOLINT: these scenarios are raft-lease's
using testing::edit;
using testing::rl;
namespace {

using testing::basic_scenario;
using testing::CaptureSink;

// Each requestor's holds in order: the resource of every belief_begin.
std::map<NodeId, std::vector<ResourceId>> holds_of(ResourceChoice choice, uint32_t requestors,
                                                   uint64_t seed) {
  Scenario s = basic_scenario(3, requestors, 3, "seed", seed);
  s.duration = seconds(120);
  for (RequestorConfig& r : edit(s).requestors) {
    r.choice = choice;
    r.hold_min = milliseconds(500);
    r.hold_max = seconds(1);
  }
  CaptureSink sink;
  RunOptions o;
  o.trace = &sink;
  const RunResult res = World(s, o).run();
  EXPECT_EQ(res.failures, 0u);
  std::map<NodeId, std::vector<ResourceId>> holds;
  for (const Record& r : sink.records)
    if (r.kind == obs::kBeliefBegin)
      holds[r.node].push_back(decode_as<obs::BeliefBegin>(r).resource);
  return holds;
}

TEST(ResourceChoiceEndToEnd, FixedHoldsOnlyTheFirstResource) {
  const auto holds = holds_of(ResourceChoice::kFixed, 2, 5);
  ASSERT_EQ(holds.size(), 2u);
  for (const auto& [node, seq] : holds) {
    EXPECT_GE(seq.size(), 10u) << "node " << node;
    for (const ResourceId r : seq) EXPECT_EQ(r, 0u) << "node " << node;
  }
}

TEST(ResourceChoiceEndToEnd, CycleHoldsEachResourceInTurn) {
  // Three requestors contend, so attempts are refused; refusals do not
  // advance the cycle, so each requestor's successive holds still go
  // r1 -> r2 -> r3 -> r1 ...
  const auto holds = holds_of(ResourceChoice::kCycle, 3, 5);
  ASSERT_EQ(holds.size(), 3u);
  for (const auto& [node, seq] : holds) {
    ASSERT_GE(seq.size(), 9u) << "node " << node;
    for (size_t i = 0; i < seq.size(); ++i)
      EXPECT_EQ(seq[i], i % 3) << "node " << node << ", hold " << i;
  }
}

TEST(ResourceChoiceEndToEnd, RandomHoldsSpreadOverAllResourcesInNoFixedOrder) {
  const auto holds = holds_of(ResourceChoice::kRandom, 1, 5);
  ASSERT_EQ(holds.size(), 1u);
  const std::vector<ResourceId>& seq = holds.begin()->second;
  ASSERT_GE(seq.size(), 60u);
  std::map<ResourceId, size_t> count;
  size_t repeats = 0;  // the same resource twice in a row: never in a cycle
  for (size_t i = 0; i < seq.size(); ++i) {
    ++count[seq[i]];
    repeats += i > 0 && seq[i] == seq[i - 1];
  }
  ASSERT_EQ(count.size(), 3u);
  for (const auto& [r, n] : count) EXPECT_GE(n, seq.size() / 6) << "resource " << r;
  EXPECT_GE(repeats, seq.size() / 6) << "independent draws repeat about 1/3 of the time";
}

}  // namespace
}  // namespace resource_choice_e2e_test
}  // namespace leasesim
