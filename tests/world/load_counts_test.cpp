// The report's per-node message counts (LoadStats::sent_by_node and
// handled_by_node, the report's load "by_node") agree with the trace: a
// node's sends are its send records (lost and duplicated ones count once),
// and its handled messages are the deliver records at it (a message that
// reached a crashed node, or was cut by a partition, is a drop, not handled;
// one that waited out a pause is handled once, when it is read).
#include <gtest/gtest.h>

#include <vector>

#include "leasesim/world/records.hpp"
#include "leasesim/world/world.hpp"
#include "test_scenarios.hpp"

namespace leasesim {
namespace load_counts_test {
namespace {

using testing::basic_scenario;
using testing::CaptureSink;
using testing::leader_target;
using testing::make_fault;
using testing::node_target;

TEST(LoadCounts, PerNodeSentAndHandledMatchTheTrace) {
  uint64_t drops = 0;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    Scenario s = basic_scenario(3, 4, 2, "seed", seed);
    s.network.default_profile.loss = 0.03;
    s.network.default_profile.duplicate = 0.03;
    s.faults.push_back(make_fault(FaultKind::kCrash, seconds(8), leader_target(), seconds(3)));
    s.faults.push_back(make_fault(FaultKind::kPause, seconds(15), node_target(4), seconds(2)));
    s.faults.push_back(make_fault(FaultKind::kIsolate, seconds(20), node_target(1), seconds(2)));
    CaptureSink sink;
    RunOptions o;
    o.trace = &sink;
    const RunResult r = World(s, o).run();

    const uint32_t nodes = s.node_count();
    std::vector<uint64_t> sent(nodes, 0), handled(nodes, 0);
    for (const Record& rec : sink.records) {
      if (rec.kind == world_rec::Send::kKind) ++sent.at(rec.node);
      if (rec.kind == world_rec::Deliver::kKind) ++handled.at(rec.node);
      drops += rec.kind == world_rec::Drop::kKind;
    }
    ASSERT_EQ(r.load.sent_by_node.size(), nodes);
    ASSERT_EQ(r.load.handled_by_node.size(), nodes);
    for (NodeId n = 0; n < nodes; ++n) {
      EXPECT_EQ(r.load.sent_by_node[n], sent[n]) << "seed " << seed << " node " << n;
      EXPECT_EQ(r.load.handled_by_node[n], handled[n]) << "seed " << seed << " node " << n;
    }
  }
  // The runs dropped messages (lost, cut, to a crashed node): counted as
  // sent, never as handled.
  EXPECT_GT(drops, 20u);
}

}  // namespace
}  // namespace load_counts_test
}  // namespace leasesim
