// The timing model under faults (docs/scenario-format.md, `timing` and
// `faults`): a pause stops the node's processor with its process, and a
// clock change re-targets only what runs on the node's clock.
//
// - A node with a constant service time P runs its inputs at least P of
//   running time apart: an input is served while the node runs, never
//   while it is paused, so what was in service or queued when the pause
//   began finishes after the resume, as late as the pause was long.
// - A paused node sends nothing, not even the messages its durable writes
//   held: the write completes, the process sends them at the resume.
// - A clock change moves the node's own timers (set on its clock) and
//   nothing else: not an input in service (a timer that fired and waits
//   for, or is in, the processor), not a durable write's completion (disk
//   time), and not a timer's jitter (how late it fires after its deadline).
//   So a change that moves no reading (a drift set to the drift the clock
//   already has) changes nothing in the run.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "leasesim/fault/fault.hpp"
#include "leasesim/fault/random_faults.hpp"
#include "leasesim/world/records.hpp"
#include "leasesim/world/world.hpp"
#include "test_scenarios.hpp"

namespace leasesim {
namespace timing_faults_test {
namespace {

using testing::basic_scenario;
using testing::CaptureSink;
using testing::make_fault;
using testing::node_target;
using testing::run_records;

bool is_input(const Record& r) {
  return r.kind == world_rec::Deliver::kKind || r.kind == world_rec::Timer::kKind;
}

constexpr Duration kService = milliseconds(20);

// 3 servers, 4 requestors on 2 resources; every node serves each input in
// kService; the servers pause 12 times in turn, for 300-700 ms, at instants
// that fall between the grid of round times.
Scenario paused_processors(uint64_t seed) {
  Scenario s = basic_scenario(3, 4, 2, "seed", seed);
  NodeTiming t;
  t.processing = LatencyModel::constant(kService);
  s.timing.nodes.assign(s.node_count(), t);
  for (int k = 0; k < 12; ++k) {
    const Duration at = seconds(2) + milliseconds(1'900) * k + microseconds(3'337 * (k + 1));
    s.faults.push_back(make_fault(FaultKind::kPause, at, node_target(static_cast<NodeId>(k % 3)),
                                  milliseconds(300 + 100 * (k % 5))));
  }
  return s;
}

// Checks, for every node of a run whose inputs each take `service`, that no
// input ran and nothing was sent while its node was paused, and that consecutive inputs ran at
// least `service` of running time apart (pauses in between do not count).
// Returns how many pairs of consecutive inputs had a pause between them.
uint64_t expect_served_while_running(const std::vector<Record>& records, uint32_t node_count,
                                     Duration service, uint64_t seed) {
  struct NodeView {
    bool paused = false;
    TimePoint paused_since;
    std::vector<std::pair<TimePoint, TimePoint>> pauses;  // [begin, end]
    bool any_input = false;
    TimePoint last_input;
  };
  std::vector<NodeView> nodes(node_count);
  uint64_t across_a_pause = 0;
  for (const Record& r : records) {
    if (r.node >= nodes.size()) continue;
    NodeView& v = nodes[r.node];
    if (r.kind == world_rec::Pause::kKind) {
      if (!v.paused) v.paused_since = r.time;  // paused again: still since the first
      v.paused = true;
    } else if (r.kind == world_rec::Resume::kKind) {
      EXPECT_TRUE(v.paused);
      v.pauses.emplace_back(v.paused_since, r.time);
      v.paused = false;
    } else if (r.kind == world_rec::Crash::kKind) {
      v.paused = false;  // a crash ends a pause (no resume follows)
    } else if (r.kind == world_rec::Send::kKind) {
      // Not even what a durable write held: the process sends it.
      EXPECT_FALSE(v.paused) << "seed " << seed << ": node " << r.node << " sent while paused, at "
                             << r.time.ns();
    } else if (is_input(r)) {
      EXPECT_FALSE(v.paused) << "seed " << seed << ": node " << r.node
                             << " ran an input while paused, at " << r.time.ns();
      if (v.any_input) {
        Duration running = r.time - v.last_input;
        for (const auto& [begin, end] : v.pauses) {
          if (begin >= v.last_input && end <= r.time) {
            running = running - (end - begin);
            ++across_a_pause;
          }
        }
        EXPECT_GE(running.ns(), service.ns())
            << "seed " << seed << ": node " << r.node << " ran inputs at " << v.last_input.ns()
            << " and " << r.time.ns() << " ns";
      }
      v.any_input = true;
      v.last_input = r.time;
    }
  }
  return across_a_pause;
}

TEST(TimingFaults, APausedNodesProcessorServesNothing) {
  uint64_t inputs_across_a_pause = 0;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const Scenario s = paused_processors(seed);
    inputs_across_a_pause +=
        expect_served_while_running(run_records(s), s.node_count(), kService, seed);
  }
  EXPECT_GT(inputs_across_a_pause, 40u);  // the pauses fell between inputs
}

// A durable write's held messages (a follower's append acknowledgement, a
// vote) are sent by the process once the write is durable: if the process
// is paused by then, they leave at the resume.
TEST(TimingFaults, APausedNodeSendsNothingItsWriteHeld) {
  uint64_t pauses = 0;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    Scenario s = basic_scenario(3, 4, 2, "seed", seed);
    NodeTiming t;
    t.fsync = LatencyModel::constant(milliseconds(30));
    s.timing.nodes.assign(s.node_count(), t);
    for (int k = 0; k < 40; ++k) {
      const Duration at = seconds(1) + milliseconds(700) * k + microseconds(911 * (k + 1));
      s.faults.push_back(make_fault(FaultKind::kPause, at, node_target(static_cast<NodeId>(k % 3)),
                                    milliseconds(100 + 20 * (k % 4))));
    }
    const std::vector<Record> records = run_records(s);
    expect_served_while_running(records, s.node_count(), Duration::zero(), seed);
    for (const Record& r : records) pauses += r.kind == world_rec::Pause::kKind;
  }
  EXPECT_EQ(pauses, 200u);
}

// The same under exploration's random pauses, crashes, clock steps and
// drift, with a disk and timer jitter as well, on many seeds: the
// processor keeps its pace, no timer fires before its deadline (asserted
// by the world), and the safe preset stays safe.
TEST(TimingFaults, RandomFaultsKeepTheProcessorsPace) {
  uint64_t across = 0, pauses = 0, clock_changes = 0;
  for (uint64_t seed = 1; seed <= 150; ++seed) {
    Scenario s = basic_scenario(3, 4, 2, "safe", seed);
    s.duration = seconds(20);
    NodeTiming t;
    t.processing = LatencyModel::constant(milliseconds(4));
    t.timer_jitter = LatencyModel::exponential(milliseconds(2), Duration::zero());
    t.fsync = LatencyModel::constant(milliseconds(3));
    s.timing.nodes.assign(s.node_count(), t);
    ExploreSpec spec;
    spec.kinds = explore_bit(ExploreKind::kPause) | explore_bit(ExploreKind::kClockStep) |
                 explore_bit(ExploreKind::kDrift) | explore_bit(ExploreKind::kCrash);
    spec.min_faults = 3;
    spec.max_faults = 10;
    spec.max_down = seconds(2);
    spec.max_pause = seconds(1);
    ExploreLayout layout;
    layout.servers = 3;
    for (uint32_t i = 0; i < 4; ++i) layout.requestors.push_back(s.requestor_id(i));
    layout.resources = 2;
    layout.duration = s.duration;
    s.faults = generate_faults(spec, layout, seed);
    CaptureSink sink;
    RunOptions o;
    o.trace = &sink;
    const RunResult r = World(s, o).run();
    EXPECT_EQ(r.failures, 0u) << "seed " << seed;
    across += expect_served_while_running(sink.records, s.node_count(), milliseconds(4), seed);
    for (const Record& rec : sink.records) {
      pauses += rec.kind == world_rec::Pause::kKind;
      clock_changes +=
          rec.kind == world_rec::ClockStep::kKind || rec.kind == world_rec::Drift::kKind;
    }
  }
  EXPECT_GT(pauses, 100u);
  EXPECT_GT(clock_changes, 200u);
  EXPECT_GT(across, 100u);
}

// The processor's backlog at a pause is served after it, in order: the
// input in service finishes its remaining service after the resume.
TEST(TimingFaults, TheInputInServiceFinishesAPauseLater) {
  // One server's input stream, read from the trace: with the pause at a
  // time when its processor is busy, the first input after the resume runs
  // later than the resume by what was left of its service.
  const Scenario s = paused_processors(1);
  const std::vector<Record> records = run_records(s);
  uint64_t resumes = 0, resumes_with_backlog = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].kind != world_rec::Resume::kKind) continue;
    ++resumes;
    const NodeId node = records[i].node;
    for (size_t j = i + 1; j < records.size(); ++j) {
      if (records[j].node != node || !is_input(records[j])) continue;
      // Never at the resume itself: an input left over from before the
      // pause still had service to go, and one that arrived during it
      // starts its service at the resume.
      EXPECT_GT(records[j].time, records[i].time) << "resume at " << records[i].time.ns();
      resumes_with_backlog += records[j].time < records[i].time + kService;
      break;
    }
  }
  EXPECT_EQ(resumes, 12u);
  EXPECT_GT(resumes_with_backlog, 0u);  // some pause caught an input in service
}

enum class Model { kProcessing, kDisk, kJitter };

std::string model_name(const ::testing::TestParamInfo<Model>& info) {
  switch (info.param) {
    case Model::kProcessing:
      return "Processing";
    case Model::kDisk:
      return "Disk";
    case Model::kJitter:
      return "TimerJitter";
  }
  return "unknown";
}

class ClockChangeTest : public ::testing::TestWithParam<Model> {};

Scenario with_model(Model m, uint64_t seed) {
  Scenario s = basic_scenario(3, 4, 2, "seed", seed);
  NodeTiming t;
  switch (m) {
    case Model::kProcessing:
      t.processing = LatencyModel::constant(milliseconds(15));
      break;
    case Model::kDisk:
      t.fsync = LatencyModel::constant(milliseconds(40));
      break;
    case Model::kJitter:
      t.timer_jitter = LatencyModel::exponential(milliseconds(30), Duration::zero());
      break;
  }
  s.timing.nodes.assign(s.node_count(), t);
  return s;
}

// Every node's drift set to 0 ppb, the drift it already has, 40 times
// across the run: a clock change that moves no reading.
void add_null_drifts(Scenario& s) {
  for (int k = 0; k < 40; ++k) {
    Fault f =
        make_fault(FaultKind::kDrift,
                   milliseconds(700) * (k + 1) + microseconds(1'234 * (k + 1)) + nanoseconds(7),
                   node_target(static_cast<NodeId>(k % s.node_count())));
    f.drift_ppb = 0;
    s.faults.push_back(f);
  }
}

std::vector<Record> without_drift_records(std::vector<Record> records) {
  std::erase_if(records, [](const Record& r) { return r.kind == world_rec::Drift::kKind; });
  return records;
}

// The run's closing run_end record, taken off `records` (whose last it is).
world_rec::RunEnd take_run_end(std::vector<Record>& records) {
  EXPECT_EQ(records.back().kind, world_rec::kRunEnd);
  const auto e = decode_as<world_rec::RunEnd>(records.back());
  records.pop_back();
  return e;
}

TEST_P(ClockChangeTest, AChangeThatMovesNoReadingChangesNothing) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    const Scenario plain = with_model(GetParam(), seed);
    Scenario drifted = plain;
    add_null_drifts(drifted);
    std::vector<Record> a = run_records(plain);
    std::vector<Record> b = without_drift_records(run_records(drifted));
    ASSERT_GT(a.size(), 1000u);
    // The same end, but 40 more engine events: the drift faults themselves.
    const world_rec::RunEnd end_a = take_run_end(a);
    const world_rec::RunEnd end_b = take_run_end(b);
    EXPECT_EQ(end_a.reason, end_b.reason);
    EXPECT_EQ(end_a.events + 40, end_b.events) << "seed " << seed;
    size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
    ASSERT_EQ(i, a.size()) << "seed " << seed << ": the runs part at record " << i << " of "
                           << a.size() << " (time " << (i < a.size() ? a[i].time.ns() : 0)
                           << " ns against " << (i < b.size() ? b[i].time.ns() : 0) << ")";
    EXPECT_EQ(a.size(), b.size());
  }
}

INSTANTIATE_TEST_SUITE_P(TimingModels, ClockChangeTest,
                         ::testing::Values(Model::kProcessing, Model::kDisk, Model::kJitter),
                         model_name);

// A wall-clock step re-targets wall timers by the step and keeps their
// jitter: the jittered timers of a run with steps fire as late after their
// (moved) deadlines as without. Checked through monotonic timers, which a
// wall step must leave exactly where they were.
TEST(TimingFaults, AWallStepLeavesMonotonicTimersAndTheirJitter) {
  Scenario plain = with_model(Model::kJitter, 4);
  Scenario stepped = plain;
  for (int k = 0; k < 20; ++k) {
    Fault f = make_fault(FaultKind::kClockStep, milliseconds(1'300) * (k + 1) + microseconds(77),
                         node_target(static_cast<NodeId>(k % 3)));  // servers: monotonic timers
    f.step = k % 2 == 0 ? seconds(3) : -seconds(2);
    stepped.faults.push_back(f);
  }
  // Timer records of the servers: which timer, when, in true time.
  auto server_timers = [](const std::vector<Record>& records) {
    std::vector<std::pair<int64_t, uint32_t>> out;
    for (const Record& r : records)
      if (r.node < 3 && r.kind == world_rec::Timer::kKind)
        out.emplace_back(r.time.ns(), decode_as<world_rec::Timer>(r).timer);
    return out;
  };
  const auto a = server_timers(run_records(plain));
  const auto b = server_timers(run_records(stepped));
  ASSERT_GT(a.size(), 100u);
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace timing_faults_test
}  // namespace leasesim
