// Exploration's scenarios in-process: every generated fault survives the
// trip through a scenario file, and the saved file replays the same run.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "leasesim/campaign/explore.hpp"
#include "leasesim/scenario/loader.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim {
namespace explore_replay_test {
namespace {

// 5 servers, storage, 3 requestors on two resources, every fault kind on,
// more faults than the default; scripted faults too.
Scenario base() {
  const char* text = R"({
    "name": "roundtrip", "duration": "30s",
    "protocol": {"preset": "seed"},
    "core": {"servers": 5},
    "lease": {"ttl": "2s", "renew_every": "500ms"},
    "resources": ["db", "cache"],
    "requestors": [{"names": ["alice", "bob", "carol"], "write_every": "300ms"}],
    "faults": [{"at": "3s", "kind": "pause", "target": "n2", "duration": "1s"},
               {"at": "5s", "kind": "isolate", "target": "bob"}, {"at": "6s", "kind": "heal"}],
    "explore": {"max_faults": 20, "drift_ppm": 250.5, "max_step": "300ms",
                "max_latency": "50ms", "quiet_after": "3s"}
  })";
  LoadResult r = load_scenario_text(text, "roundtrip.json");
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].format());
  return *r.scenario;
}

TEST(ExploreReplay, TheExploreBlockRoundTrips) {
  const Scenario sc = base();
  ASSERT_TRUE(sc.explore);
  EXPECT_EQ(sc.explore->max_faults, 20u);
  EXPECT_EQ(sc.explore->drift_ppb, 250'500);
  const nlohmann::json j = scenario_to_json(sc);
  LoadResult again = load_scenario_json(j, "again.json");
  ASSERT_TRUE(again.ok()) << again.errors.at(0).format();
  EXPECT_EQ(scenario_to_json(*again.scenario), j);
}

TEST(ExploreReplay, GeneratedFaultsAreValidScenarioInputAndReadBackUnchanged) {
  const Scenario sc = base();
  const ExploreLayout layout = explore_layout(sc);
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    const Scenario replay = explore_replay_scenario(sc, layout, seed);
    ASSERT_FALSE(replay.explore);
    const nlohmann::json j = scenario_to_json(replay);
    LoadResult back = load_scenario_json(j, "seed.json");
    ASSERT_TRUE(back.ok()) << "seed " << seed << ": " << back.errors.at(0).format() << "\n"
                           << j["faults"].dump(1);
    EXPECT_EQ(back.scenario->faults.size(), replay.faults.size());
    EXPECT_EQ(scenario_to_json(*back.scenario), j) << "seed " << seed;
    // No warnings either (restart of a running node, heal with nothing to heal).
    EXPECT_TRUE(back.warnings.empty()) << "seed " << seed << ": " << back.warnings[0].format();
  }
}

TEST(ExploreReplay, TheSavedScenarioReplaysToTheSameTraceHash) {
  const Scenario sc = base();
  const ExploreLayout layout = explore_layout(sc);
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    size_t added = 0;
    const Scenario explored = explore_scenario(sc, layout, seed, &added);
    EXPECT_EQ(explored.faults.size(), sc.faults.size() + added);
    World a(explored, RunOptions{});
    const RunResult ra = a.run();
    LoadResult back =
        load_scenario_json(scenario_to_json(explore_replay_scenario(sc, layout, seed)), "s.json");
    ASSERT_TRUE(back.ok());
    World b(*back.scenario, RunOptions{});
    EXPECT_EQ(b.run().trace_hash, ra.trace_hash) << "seed " << seed;
  }
}

TEST(ExploreReplay, ScenariosWithoutAnExploreBlockUseTheDefaults) {
  LoadResult r = load_scenario_text(R"({"name": "plain", "duration": "20s"})", "plain.json");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.scenario->explore);
  EXPECT_FALSE(scenario_to_json(*r.scenario).contains("explore"));
  const ExploreSpec& spec = explore_spec(*r.scenario);
  EXPECT_EQ(spec.max_faults, ExploreSpec{}.max_faults);
  size_t added = 0;
  explore_scenario(*r.scenario, explore_layout(*r.scenario), 3, &added);
  EXPECT_GT(added, 0u);
}

}  // namespace
}  // namespace explore_replay_test
}  // namespace leasesim
