// The event queue's drain (core/event_queue.hpp) changes speed only: every
// library scenario and exploration's generated runs end the same, with the
// same report (trace hash, verdicts, metrics), whichever drain the world
// uses.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/campaign/explore.hpp"
#include "leasesim/report/run_report.hpp"
#include "leasesim/scenario/loader.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim {
namespace event_queue_drain_test {
namespace {

// The run's whole JSON report (verdicts, violations, metrics, network,
// fault and load statistics, trace hash, events, end) with its one
// wall-clock field dropped.
nlohmann::json run_with(const Scenario& sc, Drain drain) {
  RunOptions ro;
  ro.event_queue = drain;
  World world(sc, ro);
  const RunResult result = world.run();
  nlohmann::json report = report_json(sc, result, world.schema());
  EXPECT_TRUE(report.contains("wall_seconds"));
  report.erase("wall_seconds");
  return report;
}

void expect_same_run(const Scenario& sc, const std::string& what) {
  const nlohmann::json heap = run_with(sc, Drain::kHeap);
  const nlohmann::json runs = run_with(sc, Drain::kSortedRuns);
  ASSERT_TRUE(heap.contains("trace_hash")) << what;
  ASSERT_TRUE(heap.contains("metrics")) << what;
  EXPECT_EQ(heap, runs) << what;
}

std::vector<std::string> library_files() {
  std::vector<std::string> files;
  const std::filesystem::path root = std::filesystem::path(LEASESIM_SOURCE_DIR) / "scenarios";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    // W1 at 10,000 and 100,000 requestors take seconds per run; w1-c1k
    // covers the benchmark's shape (and, with 1,000 requestors, buckets
    // large enough for the radix sort).
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".json" && name != "w1-c10k.json" && name != "w1-c100k.json")
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(EventQueueDrain, EveryLibraryScenarioRunsTheSameWithEitherDrain) {
  const std::vector<std::string> files = library_files();
  ASSERT_GE(files.size(), 60u);
  for (const std::string& file : files) {
    LoadResult r = load_scenario_file(file);
    ASSERT_TRUE(r.ok()) << file;
    expect_same_run(*r.scenario, file);
  }
}

// Exploration's runs: crashes, partitions, pauses, clock steps (which
// re-time pending timers) and drift, on hundreds of seeds.
TEST(EventQueueDrain, ExploredRunsAreTheSameWithEitherDrain) {
  for (const char* name : {"explore.json", "explore-aggressive.json"}) {
    const std::string file = std::string(LEASESIM_SOURCE_DIR) + "/scenarios/" + name;
    LoadResult r = load_scenario_file(file);
    ASSERT_TRUE(r.ok()) << file;
    const ExploreLayout layout = explore_layout(*r.scenario);
    for (uint64_t seed = 1; seed <= 150; ++seed) {
      const Scenario sc = explore_scenario(*r.scenario, layout, seed);
      expect_same_run(sc, std::string(name) + " seed " + std::to_string(seed));
    }
  }
}

// From World::kStagingNodes on, sorted runs stage far keys: W1 at 10,000
// requestors for 20 s of virtual time (about 700,000 events; its waits of
// seconds are staged) ends the same with the heap, which never stages.
TEST(EventQueueDrain, StagedRunsAreTheSameAsTheHeaps) {
  LoadResult r =
      load_scenario_file(std::string(LEASESIM_SOURCE_DIR) + "/scenarios/bench/w1-c10k.json");
  ASSERT_TRUE(r.ok());
  ASSERT_GE(r.scenario->node_count(), World::kStagingNodes);
  Scenario sc = *r.scenario;
  sc.duration = seconds(20);
  expect_same_run(sc, "w1-c10k.json to 20 s");
}

TEST(EventQueueDrain, ChosenByTheNumberOfNodesUnlessGiven) {
  LoadResult small =
      load_scenario_file(std::string(LEASESIM_SOURCE_DIR) + "/scenarios/default.json");
  ASSERT_TRUE(small.ok());
  ASSERT_LT(small.scenario->node_count(), World::kSortedRunsNodes);
  EXPECT_EQ(Drain::kHeap, World::event_queue_for(*small.scenario, RunOptions{}));
  LoadResult large =
      load_scenario_file(std::string(LEASESIM_SOURCE_DIR) + "/scenarios/bench/w1-c1k.json");
  ASSERT_TRUE(large.ok());
  ASSERT_GE(large.scenario->node_count(), World::kSortedRunsNodes);
  EXPECT_EQ(Drain::kSortedRuns, World::event_queue_for(*large.scenario, RunOptions{}));
  RunOptions forced;
  forced.event_queue = Drain::kHeap;
  EXPECT_EQ(Drain::kHeap, World::event_queue_for(*large.scenario, forced));
}

}  // namespace
}  // namespace event_queue_drain_test
}  // namespace leasesim
