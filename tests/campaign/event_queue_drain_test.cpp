// The event queue's drain (core/event_queue.hpp) changes speed only: every
// library scenario and exploration's generated runs end the same, trace
// hash included, whichever drain the world uses.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "leasesim/campaign/explore.hpp"
#include "leasesim/scenario/loader.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim {
namespace {

RunResult run_with(const Scenario& sc, Drain drain) {
  RunOptions ro;
  ro.event_queue = drain;
  World world(sc, ro);
  return world.run();
}

void expect_same_run(const Scenario& sc, const std::string& what) {
  const RunResult heap = run_with(sc, Drain::kHeap);
  const RunResult runs = run_with(sc, Drain::kSortedRuns);
  EXPECT_EQ(heap.trace_hash, runs.trace_hash) << what;
  EXPECT_EQ(heap.events, runs.events) << what;
  EXPECT_EQ(heap.records, runs.records) << what;
  EXPECT_EQ(heap.failures, runs.failures) << what;
  EXPECT_EQ(heap.end, runs.end) << what;
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
}  // namespace leasesim
