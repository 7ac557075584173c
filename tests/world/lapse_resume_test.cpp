// scenarios/pause/paused-holder-wall-step-back.json, end to end (issue 12,
// item 2): a holder on a wall clock, paused past its deadline, whose wall
// clock is stepped back before it wakes, acts as holder again when it wakes.
// Its belief holds again from the step, so it overlaps the next holder's.
// (The checker used to close a belief at its first lapse and called this
// run safe.)
#include <gtest/gtest.h>

#include <algorithm>

#include "leasesim/protocol/observations.hpp"
#include "leasesim/scenario/loader.hpp"
#include "leasesim/world/records.hpp"
#include "leasesim/world/world.hpp"
#include "test_scenarios.hpp"

namespace leasesim {
namespace lapse_resume_test {
namespace {

TEST(LapseResume, PausedHolderWhoseWallClockSteppedBackOverlapsTheNextHolder) {
  const LoadResult loaded = load_scenario_file(
      std::string(LEASESIM_SOURCE_DIR) + "/scenarios/pause/paused-holder-wall-step-back.json");
  ASSERT_TRUE(loaded.ok());
  const Scenario& sc = *loaded.scenario;
  testing::CaptureSink sink;
  RunOptions o;
  o.trace = &sink;
  World world(sc, o);
  const RunResult r = world.run();
  const auto names = sc.node_names();
  const NodeId alice =
      static_cast<NodeId>(std::find(names.begin(), names.end(), "alice") - names.begin());
  const NodeId bob =
      static_cast<NodeId>(std::find(names.begin(), names.end(), "bob") - names.begin());

  // The overlap: from the step (15 s) until alice's belief ended.
  const Violation* overlap = nullptr;
  for (const Violation& v : r.violations)
    if (v.kind == ViolationKind::kOverlap) overlap = &v;
  ASSERT_NE(overlap, nullptr);
  EXPECT_EQ(r.failures, 1u);
  EXPECT_EQ(overlap->first, alice);
  EXPECT_EQ(overlap->second, bob);
  EXPECT_EQ(overlap->from, TimePoint::origin() + seconds(15));
  ASSERT_EQ(overlap->first_belief.size(), 2u);
  EXPECT_EQ(overlap->first_belief[1].first, TimePoint::origin() + seconds(15));
  EXPECT_EQ(overlap->first_belief[1].second, overlap->to);
  EXPECT_LT(overlap->first_belief[0].second, overlap->second_belief[0].first);  // lapsed first

  // She really acted as holder after waking: a work check on lease 2 after
  // her resume, before her belief ended (and her write reached storage).
  TimePoint resumed = TimePoint::max();
  bool checked = false, wrote = false;
  for (const Record& rec : sink.records) {
    if (rec.kind == world_rec::kResume && rec.node == alice) resumed = rec.time;
    if (rec.time < resumed || rec.time > overlap->to) continue;
    if (rec.kind == obs::kWorkCheck && rec.node == alice &&
        decode_as<obs::WorkCheck>(rec).lease == overlap->first_lease)
      checked = true;
    if ((rec.kind == obs::kWriteRejected && decode_as<obs::WriteRejected>(rec).writer == alice) ||
        (rec.kind == obs::kWriteAccepted && decode_as<obs::WriteAccepted>(rec).writer == alice))
      wrote = true;
  }
  EXPECT_EQ(resumed, TimePoint::origin() + milliseconds(16100));
  EXPECT_TRUE(checked);
  EXPECT_TRUE(wrote);

  // The trace carries one belief_interval per segment of alice's union.
  int alice_segments = 0;
  for (const Record& rec : sink.records)
    if (rec.kind == world_rec::kBeliefInterval &&
        decode_as<world_rec::BeliefInterval>(rec).holder == alice)
      ++alice_segments;
  EXPECT_EQ(alice_segments, 2);
}

}  // namespace
}  // namespace lapse_resume_test
}  // namespace leasesim
