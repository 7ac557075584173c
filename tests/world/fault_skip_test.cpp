// Role-targeted faults that resolve onto themselves (issue 12, item 5): a
// cut from n to "leader" while n leads, or a partition side left empty once
// roles resolve, is skipped with a fault_skipped record and counted in the
// report, never executed as a cut n -> n or a one-sided split.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "leasesim/protocol/observations.hpp"
#include "leasesim/report/run_report.hpp"
#include "leasesim/world/records.hpp"
#include "leasesim/world/world.hpp"
#include "test_scenarios.hpp"

namespace leasesim {
namespace fault_skip_test {
namespace {

using testing::basic_scenario;
using testing::CaptureSink;
using testing::leader_target;
using testing::make_fault;
using testing::node_target;

constexpr Duration kAt = seconds(5);

Scenario base() {
  Scenario s = basic_scenario(3, 1, 1, "seed", 4);
  s.duration = seconds(10);
  return s;
}

// The server that leads at kAt in the fault-free run (faults before kAt do
// not exist, so the scripted runs agree with it up to kAt).
NodeId leader_at_fault_time() {
  CaptureSink sink;
  RunOptions o;
  o.trace = &sink;
  World(base(), o).run();
  NodeId leader = kInvalidNode;
  for (const Record& r : sink.records) {
    if (r.time > TimePoint::origin() + kAt) break;
    if (r.kind != obs::kRole) continue;
    if (decode_as<obs::RoleChanged>(r).role == Role::kLeader)
      leader = r.node;
    else if (r.node == leader)
      leader = kInvalidNode;
  }
  return leader;
}

struct Outcome {
  RunResult result;
  std::vector<Record> records;
  std::vector<Record> of(uint16_t kind) const {
    std::vector<Record> out;
    for (const Record& r : records)
      if (r.kind == kind) out.push_back(r);
    return out;
  }
};

Outcome run(const Scenario& s) {
  CaptureSink sink;
  RunOptions o;
  o.trace = &sink;
  Outcome out;
  out.result = World(s, o).run();
  out.records = std::move(sink.records);
  return out;
}

Fault heal_at(Duration at) {
  Fault f;
  f.kind = FaultKind::kHeal;
  f.at = TimePoint::origin() + at;
  return f;
}

TEST(FaultSkip, CutFromTheLeaderToLeaderIsSkippedAsASelfLink) {
  const NodeId l = leader_at_fault_time();
  ASSERT_NE(l, kInvalidNode);
  Scenario s = base();
  Fault cut;
  cut.kind = FaultKind::kCut;
  cut.at = TimePoint::origin() + kAt;
  cut.from = node_target(l);
  cut.to = leader_target();
  s.faults = {cut, heal_at(seconds(6))};
  const Outcome o = run(s);
  EXPECT_TRUE(o.of(world_rec::kCut).empty()) << "no cut n -> n was executed";
  const auto skipped = o.of(world_rec::kFaultSkipped);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0].time, TimePoint::origin() + kAt);
  EXPECT_EQ(skipped[0].node, l);
  EXPECT_EQ(decode_as<world_rec::FaultSkipped>(skipped[0]).fault, 0u) << "fault number 0";
  EXPECT_EQ(decode_as<world_rec::FaultSkipped>(skipped[0]).why, world_rec::SkipReason::kSelfLink);
  const FaultStats& f = o.result.faults;
  EXPECT_EQ(f.scheduled, 2u);
  EXPECT_EQ(f.fired, 2u);
  EXPECT_EQ(f.applied(), 1u) << "the heal";
  EXPECT_EQ(f.skipped[static_cast<size_t>(world_rec::SkipReason::kSelfLink)], 1u);
  EXPECT_EQ(f.skipped_total(), 1u);
}

TEST(FaultSkip, CutFromAFollowerToLeaderStillCuts) {
  const NodeId l = leader_at_fault_time();
  ASSERT_NE(l, kInvalidNode);
  const NodeId follower = (l + 1) % 3;
  Scenario s = base();
  Fault cut;
  cut.kind = FaultKind::kCut;
  cut.at = TimePoint::origin() + kAt;
  cut.from = node_target(follower);
  cut.to = leader_target();
  s.faults = {cut, heal_at(seconds(6))};
  const Outcome o = run(s);
  const auto cuts = o.of(world_rec::kCut);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(decode_as<world_rec::Cut>(cuts[0]).from, follower);
  EXPECT_EQ(decode_as<world_rec::Cut>(cuts[0]).to, l);
  EXPECT_TRUE(o.of(world_rec::kFaultSkipped).empty());
  EXPECT_EQ(o.result.faults.applied(), 2u);
  EXPECT_EQ(o.result.faults.skipped_total(), 0u);
}

TEST(FaultSkip, PartitionWhoseSideResolvesEmptyIsSkipped) {
  // [["leader"], [L]] while L leads: L goes to the first side (first
  // mention wins) and the second side is empty: a "split" with one side.
  const NodeId l = leader_at_fault_time();
  ASSERT_NE(l, kInvalidNode);
  Scenario s = base();
  Fault p;
  p.kind = FaultKind::kPartition;
  p.at = TimePoint::origin() + kAt;
  p.groups = {{leader_target()}, {node_target(l)}};
  s.faults = {p, heal_at(seconds(6))};
  const Outcome o = run(s);
  EXPECT_TRUE(o.of(world_rec::kPartition).empty());
  EXPECT_TRUE(o.of(world_rec::kGroupMember).empty());
  const auto skipped = o.of(world_rec::kFaultSkipped);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(decode_as<world_rec::FaultSkipped>(skipped[0]).why, world_rec::SkipReason::kEmptyGroup);
  EXPECT_EQ(o.result.faults.skipped[static_cast<size_t>(world_rec::SkipReason::kEmptyGroup)], 1u);

  // The same shape with a node that does not lead is a real split.
  Scenario t = base();
  p.groups = {{leader_target()}, {node_target((l + 1) % 3)}};
  t.faults = {p, heal_at(seconds(6))};
  const Outcome q = run(t);
  EXPECT_EQ(q.of(world_rec::kPartition).size(), 1u);
  EXPECT_EQ(q.of(world_rec::kGroupMember).size(), 2u);
  EXPECT_TRUE(q.of(world_rec::kFaultSkipped).empty());
}

TEST(FaultSkip, ReportCountsAppliedAndSkippedFaultsByReason) {
  const NodeId l = leader_at_fault_time();
  ASSERT_NE(l, kInvalidNode);
  Scenario s = base();
  Fault cut;
  cut.kind = FaultKind::kCut;
  cut.at = TimePoint::origin() + kAt;
  cut.from = node_target(l);
  cut.to = leader_target();
  Fault restart = make_fault(FaultKind::kRestart, seconds(7), node_target(0));  // not crashed
  s.faults = {cut, heal_at(seconds(6)), restart, heal_at(seconds(20))};  // the last is past the end
  const Outcome o = run(s);
  const TraceSchema schema = make_trace_schema(s);
  const std::string text = format_report(s, o.result, schema);
  EXPECT_NE(text.find("  faults        applied 1 of 4   skipped 2 (not_crashed 1, self_link 1)"
                      "   not reached 1\n"),
            std::string::npos)
      << text;
  const nlohmann::json j = report_json(s, o.result, schema);
  EXPECT_EQ(j["faults"]["scheduled"], 4);
  EXPECT_EQ(j["faults"]["applied"], 1);
  EXPECT_EQ(j["faults"]["skipped"], 2);
  EXPECT_EQ(j["faults"]["not_reached"], 1);
  EXPECT_EQ(j["faults"]["skipped_by_reason"]["self_link"], 1);
  EXPECT_EQ(j["faults"]["skipped_by_reason"]["not_crashed"], 1);
  EXPECT_EQ(j["faults"]["skipped_by_reason"]["empty_group"], 0);
  EXPECT_EQ(j["faults"]["skipped_by_reason"].size(), world_rec::kSkipReasons);
}

TEST(FaultSkip, AReportWithoutFaultsHasNoFaultLine) {
  const Scenario s = base();
  const Outcome o = run(s);
  const std::string text = format_report(s, o.result, make_trace_schema(s));
  EXPECT_EQ(text.find("faults "), std::string::npos) << text;
  EXPECT_EQ(report_json(s, o.result, make_trace_schema(s))["faults"]["scheduled"], 0);
}

}  // namespace
}  // namespace fault_skip_test
}  // namespace leasesim
