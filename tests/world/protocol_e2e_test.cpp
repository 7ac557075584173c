// The lease protocol end to end on the world: failover, handoff, and
// consensus safety over many seeds with random crashes and partitions.
#include <gtest/gtest.h>

#include "../support/raft_lease.hpp"
#include "leasesim/core/distributions.hpp"
#include "leasesim/protocol/observations.hpp"
#include "leasesim/world/records.hpp"
#include "leasesim/world/world.hpp"
#include "test_scenarios.hpp"

namespace leasesim {
namespace protocol_e2e_test {

using namespace raft_lease;  // NOLINT: these scenarios are raft-lease's
using testing::edit;
using testing::rl;
namespace {

using testing::basic_scenario;
using testing::CaptureSink;
using testing::make_fault;
using testing::node_target;

TEST(ProtocolEndToEnd, HolderKeepsItsLeaseAcrossALeaderCrashUnderSeed) {
  Scenario s = basic_scenario(5, 1, 1, "seed", 21);
  s.duration = seconds(30);
  auto& alice = edit(s).requestors[0];
  alice.hold_min = alice.hold_max = Duration::max();  // hold until the end
  s.faults.push_back(
      make_fault(FaultKind::kCrash, seconds(10), testing::leader_target(), seconds(5)));
  CaptureSink sink;
  RunOptions o;
  o.trace = &sink;
  World w(s, o);
  const RunResult r = w.run();
  size_t begins = 0, ends = 0;
  for (const Record& rec : sink.records) {
    if (rec.kind == obs::kBeliefBegin) ++begins;
    if (rec.kind == obs::kBeliefEnd) ++ends;
  }
  EXPECT_EQ(begins, 1u) << "one continuous hold";
  EXPECT_EQ(ends, 0u) << "renewals carried the lease across the failover";
  EXPECT_EQ(r.metrics.leader_crashes, 1u);
  EXPECT_EQ(r.failures, 0u);
  EXPECT_GE(r.metrics.elections, 2u);
}

TEST(ProtocolEndToEnd, TwoRequestorsHandOverOnRelease) {
  Scenario s = basic_scenario(3, 2, 1, "seed", 3);
  s.duration = seconds(40);
  const RunResult r = World(s, RunOptions{}).run();
  EXPECT_EQ(r.failures, 0u);
  EXPECT_GE(r.metrics.beliefs, 4u);
  EXPECT_GE(r.metrics.handoff_gap.count, 2u) << "the resource passed between the two";
  EXPECT_LT(r.metrics.handoff_gap.p50, seconds(2)) << "handoff within a backoff";
}

TEST(ProtocolEndToEnd, HolderCrashHandsOverAfterExpiry) {
  Scenario s = basic_scenario(3, 2, 1, "seed", 17);
  s.duration = seconds(40);
  for (auto& req : edit(s).requestors) req.hold_min = req.hold_max = Duration::max();
  FaultTarget holder;
  holder.kind = FaultTarget::Kind::kHolderOf;
  holder.resource = 0;
  s.faults.push_back(make_fault(FaultKind::kCrash, seconds(10), holder));
  CaptureSink sink;
  RunOptions o;
  o.trace = &sink;
  const RunResult r = World(s, o).run();
  EXPECT_EQ(r.failures, 0u);
  TimePoint crash_at = TimePoint::max(), next_begin = TimePoint::max(), freed_at = TimePoint::max();
  NodeId crashed = kInvalidNode;
  for (const Record& rec : sink.records) {
    if (rec.kind == world_rec::kCrash) {
      crash_at = rec.time;
      crashed = rec.node;
    }
    if (rec.time > crash_at && rec.kind == obs::kLeaseFreed && freed_at == TimePoint::max()) {
      freed_at = rec.time;
      EXPECT_EQ(decode_as<obs::LeaseFreed>(rec).reason, FreeReason::kExpired);
    }
    if (rec.time > crash_at && rec.kind == obs::kBeliefBegin && next_begin == TimePoint::max()) {
      next_begin = rec.time;
      EXPECT_NE(rec.node, crashed);
    }
  }
  ASSERT_NE(crash_at, TimePoint::max());
  ASSERT_NE(next_begin, TimePoint::max()) << "the other requestor got the resource";
  EXPECT_GE(freed_at, crash_at + seconds(3)) << "freed only once the ttl ran out";
  EXPECT_GE(next_begin, freed_at);
}

// Consensus safety under random crashes, restarts and partitions: never
// two leaders in a term, never a committed index applied differently.
TEST(ProtocolProperty, ElectionSafetyAndLogMatchingOverManySeeds) {
  uint64_t elections = 0;
  for (uint64_t seed = 1; seed <= 120; ++seed) {
    Scenario s = basic_scenario(5, 4, 2, seed % 2 ? "seed" : "etcd-like", seed);
    s.duration = seconds(20);
    edit(s).core.snapshot_threshold = 64;  // exercise snapshots too
    Rng rng = Rng::for_stream(seed, "test-faults");
    for (int i = 0; i < 12; ++i) {
      const Duration at = uniform_duration(rng, milliseconds(500), seconds(19));
      const NodeId n = static_cast<NodeId>(rng.below(5));
      switch (rng.below(4)) {
        case 0:
          s.faults.push_back(make_fault(FaultKind::kCrash, at, node_target(n),
                                        uniform_duration(rng, milliseconds(100), seconds(3))));
          break;
        case 1: {
          Fault p = make_fault(FaultKind::kPartition, at, node_target(n));
          p.groups = {
              {node_target(n), node_target((n + 1) % 5)},
              {node_target((n + 2) % 5), node_target((n + 3) % 5), node_target((n + 4) % 5)}};
          s.faults.push_back(p);
          break;
        }
        case 2:
          s.faults.push_back(make_fault(FaultKind::kHeal, at, node_target(n)));
          break;
        default:
          s.faults.push_back(make_fault(FaultKind::kPause, at, node_target(n),
                                        uniform_duration(rng, milliseconds(10), seconds(1))));
      }
    }
    std::stable_sort(s.faults.begin(), s.faults.end(),
                     [](const Fault& a, const Fault& b) { return a.at < b.at; });
    const RunResult r = World(s, RunOptions{}).run();
    elections += r.metrics.elections;
    for (const Violation& v : r.violations) {
      EXPECT_NE(v.kind, ViolationKind::kElectionSafety) << "seed " << seed << ": " << v.summary;
      EXPECT_NE(v.kind, ViolationKind::kCommittedChanged) << "seed " << seed << ": " << v.summary;
    }
  }
  EXPECT_GT(elections, 240u) << "the faults must actually cause elections";
}

}  // namespace
}  // namespace protocol_e2e_test
}  // namespace leasesim
