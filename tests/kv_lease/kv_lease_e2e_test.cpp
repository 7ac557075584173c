// kv-lease end to end: its scenarios through the loader, the world and the
// checker; determinism; the block's errors; explore over both kinds of
// preset.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/campaign/campaign.hpp"
#include "leasesim/protocol/registry.hpp"
#include "leasesim/scenario/loader.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim {
namespace kv_lease_e2e_test {
namespace {

namespace fs = std::filesystem;
const fs::path kScenarios = fs::path(LEASESIM_SOURCE_DIR) / "scenarios";

Scenario load(const fs::path& p) {
  LoadResult r = load_scenario_file(p.string());
  for (const Diagnostic& d : r.errors) ADD_FAILURE() << d.format();
  EXPECT_TRUE(r.ok());
  return r.scenario ? *r.scenario : Scenario{};
}

std::vector<std::string> errors_of(const std::string& text) {
  std::vector<std::string> out;
  for (const Diagnostic& d : load_scenario_text(text, "x.json").errors) out.push_back(d.format());
  return out;
}

TEST(KvLease, IsRegisteredWithItsPresets) {
  const ProtocolModule* m = find_protocol("kv-lease");
  ASSERT_NE(m, nullptr);
  const ProtocolCatalog c = m->catalog();
  ASSERT_GE(c.presets.size(), 4u);
  EXPECT_EQ(c.presets[0].name, "safe");
  for (const PresetInfo& p : c.presets) EXPECT_EQ(p.knobs.size(), c.knobs.size()) << p.name;
}

TEST(KvLease, EveryLibraryPairGivesItsVerdictAndRunsAreDeterministic) {
  size_t pairs = 0;
  for (const char* topic : {"basics", "clocks", "partition", "pause"}) {
    for (const fs::directory_entry& e : fs::directory_iterator(kScenarios / topic)) {
      if (e.path().filename().string().rfind("kv-", 0) != 0) continue;
      SCOPED_TRACE(e.path().string());
      const Scenario s = load(e.path());
      const RunResult a = World(s, RunOptions{}).run();
      const bool unsafe = s.expect.safety == Expectation::Safety::kViolation;
      if (unsafe) {
        ASSERT_GT(a.failures, 0u);
        bool overlap = false;
        for (const Violation& v : a.violations) overlap |= v.kind == ViolationKind::kOverlap;
        EXPECT_TRUE(overlap);
        ++pairs;
      } else {
        EXPECT_EQ(a.failures, 0u);
      }
      const RunResult b = World(s, RunOptions{}).run();
      EXPECT_EQ(a.trace_hash, b.trace_hash);
      EXPECT_EQ(a.events, b.events);
    }
  }
  EXPECT_GE(pairs, 6u);
}

TEST(KvLease, CanonicalJsonLoadsBackToTheSameRun) {
  const Scenario s = load(kScenarios / "partition" / "kv-stale-follower-read.json");
  const std::string text = scenario_to_json(s).dump(2);
  LoadResult r = load_scenario_text(text, "canonical.json");
  ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].format());
  EXPECT_EQ(scenario_to_json(*r.scenario), scenario_to_json(s));
  EXPECT_EQ(World(*r.scenario, RunOptions{}).run().trace_hash,
            World(s, RunOptions{}).run().trace_hash);
}

TEST(KvLease, BlockErrorsNameThePointerAndWhatWasExpected) {
  const std::string head = R"({"name": "x", "duration": "10s", "protocol": {"name": "kv-lease")";
  auto has = [](const std::vector<std::string>& errs, const std::string& what) {
    for (const std::string& e : errs)
      if (e.find(what) != std::string::npos) return true;
    return false;
  };
  std::vector<std::string> e = errors_of(head + R"(}, "election": {"renew_deadline": "14s"}})");
  EXPECT_TRUE(has(e, "/election/renew_deadline")) << (e.empty() ? "" : e[0]);
  EXPECT_TRUE(has(e, "shorter than lease_duration (15s)"));
  // client-go's own rule accepts 14s but not 15s.
  EXPECT_TRUE(errors_of(head + R"(, "knobs": {"timing_check": "client-go"}},
      "election": {"renew_deadline": "14s"}})")
                  .empty());
  e = errors_of(head + R"(, "knobs": {"timing_check": "client-go"}},
      "election": {"renew_deadline": "15s"}})");
  EXPECT_TRUE(has(e, "greater than renewDeadline"));
  e = errors_of(head + R"(, "knobs": {"reads": "stale"}}})");
  EXPECT_TRUE(has(e, "/protocol/knobs/reads"));
  e = errors_of(head + R"(}, "electors": [{"name": "a", "resources": ["nope"]}]})");
  EXPECT_TRUE(has(e, "/electors/0/resources/0"));
  e = errors_of(head + R"(}, "kv": {"servrs": 3}})");
  EXPECT_TRUE(has(e, "/kv/servrs"));
  e = errors_of(head + R"(}, "kv": {"election_timeout": {"min": "150ms", "max": "300ms",
      "granularity": "7ms"}}})");
  EXPECT_TRUE(has(e,
                  "x.json: /kv/election_timeout/min: expected a multiple of "
                  "election_timeout.granularity (7ms), found 150ms"));
  EXPECT_TRUE(has(e, "/kv/election_timeout/max"));
  e = errors_of(head + R"(}, "kv": {"pre_vote": "yes"}})");
  EXPECT_TRUE(has(e, "/kv/pre_vote"));
}

// The store's Raft options beyond the basics: election timeout granularity
// and Pre-Vote. A follower cut off for 3 s starts elections alone; at the
// heal its higher term deposes the leader, unless Pre-Vote kept its term.
Scenario rejoin(bool pre_vote) {
  const std::string text = std::string(R"({"name": "kv-rejoin", "duration": "12s",
      "protocol": {"name": "kv-lease"},
      "kv": {"servers": 3, "election_timeout": {"min": "300ms", "max": "310ms",
             "granularity": "1ms"}, "heartbeat": "50ms", "pre_vote": )") +
                           (pre_vote ? "true" : "false") + R"(},
      "election": {"lease_duration": "3s", "renew_deadline": "2s", "retry_period": "400ms"},
      "resources": ["db"], "electors": [{"name": "alice"}],
      "network": {"latency": {"dist": "constant", "value": "2ms"}},
      "clocks": {"nodes": {"n1": {"drift_ppm": 100000}}},
      "faults": [{"at": "1s", "kind": "drift", "target": "n1", "ppm": 0},
                 {"at": "3s", "kind": "isolate", "target": "n3"}, {"at": "6s", "kind": "heal"}]})";
  LoadResult r = load_scenario_text(text, "kv-rejoin.json");
  for (const Diagnostic& d : r.errors) ADD_FAILURE() << d.format();
  return r.scenario ? *r.scenario : Scenario{};
}

TEST(KvLease, StorePreVoteKeepsARejoiningServerFromDeposingTheLeader) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    Scenario without = rejoin(false), with = rejoin(true);
    without.seed = with.seed = seed;
    const RunResult a = World(without, RunOptions{}).run();
    const RunResult b = World(with, RunOptions{}).run();
    EXPECT_EQ(a.failures + b.failures, 0u);
    EXPECT_EQ(a.metrics.elections, 2u) << "seed " << seed;
    EXPECT_EQ(b.metrics.elections, 1u) << "seed " << seed;
  }
  // Both keys are written back in the canonical form, and read again.
  const Scenario s = rejoin(true);
  const nlohmann::json j = scenario_to_json(s);
  EXPECT_EQ(j["kv"]["pre_vote"], true);
  EXPECT_EQ(j["kv"]["election_timeout"]["granularity"], "1ms");
  LoadResult again = load_scenario_text(j.dump(2), "canonical.json");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(World(*again.scenario, RunOptions{}).run().trace_hash,
            World(s, RunOptions{}).run().trace_hash);
  // Left out, neither is written: older canonical files stay as they were.
  const nlohmann::json plain = scenario_to_json(load(kScenarios / "explore-kv-lease.json"));
  EXPECT_FALSE(plain["kv"].contains("pre_vote"));
  EXPECT_FALSE(plain["kv"]["election_timeout"].contains("granularity"));
}

Summary explore(const fs::path& scenario, const std::string& preset, uint64_t seeds) {
  nlohmann::json j = nlohmann::json::parse(std::ifstream(scenario));
  j["protocol"]["preset"] = preset;
  const fs::path tmp = fs::temp_directory_path() / ("kv-explore-" + preset + ".json");
  std::ofstream(tmp) << j.dump();
  CampaignConfig cfg;
  cfg.scenario_paths = {tmp.string()};
  cfg.first_seed = 1;
  cfg.last_seed = seeds;
  cfg.jobs = 1;
  cfg.save = SaveWhich::kNone;
  Campaign c(cfg);
  std::vector<std::string> warnings, errors;
  EXPECT_TRUE(c.prepare(&warnings, &errors)) << (errors.empty() ? "" : errors[0]);
  std::string error;
  EXPECT_TRUE(c.run(CampaignHooks{}, &error)) << error;
  fs::remove(tmp);
  return c.summary();
}

TEST(KvLease, ExploreFindsTheUnsafePresetsAndNotTheSafeOne) {
  const fs::path w = kScenarios / "explore-kv-lease.json";
  EXPECT_EQ(explore(w, "safe", 300).violations(), 0u);
  for (const char* p : {"wall-clock", "slow-stop", "stale-reads"}) {
    SCOPED_TRACE(p);
    EXPECT_GT(explore(w, p, p == std::string("wall-clock") ? 300 : 20).violations(), 0u);
  }
}

}  // namespace
}  // namespace kv_lease_e2e_test
}  // namespace leasesim
