#include "leasesim/campaign/shrink.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "leasesim/campaign/expectation.hpp"
#include "leasesim/campaign/explore.hpp"
#include "leasesim/scenario/loader.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim {
namespace shrink_test {
namespace {

Scenario load(const std::string& text) {
  LoadResult lr = load_scenario_text(text, "shrink-test.json");
  EXPECT_TRUE(lr.ok()) << (lr.errors.empty() ? "" : lr.errors[0].format());
  return lr.ok() ? *lr.scenario : Scenario{};
}

bool shows(const RunResult& r, ViolationKind k) {
  return std::any_of(r.violations.begin(), r.violations.end(),
                     [&](const Violation& v) { return v.kind == k; });
}

// The naive preset with a dozen random faults per seed (the explore
// generator), 5 servers, 3 writing requestors.
const char* kNaive = R"({
  "name": "shrink-canary", "duration": "30s", "protocol": {"preset": "naive"},
  "core": {"servers": 5}, "lease": {"ttl": "2s", "renew_every": "500ms"},
  "resources": ["r1", "r2"],
  "requestors": [{"names": ["a", "b", "c"], "hold": {"min": "1s", "max": "3s"},
                  "think": {"min": "0s", "max": "300ms"}, "write_every": "200ms"}],
  "network": {"latency": {"dist": "uniform", "min": "1ms", "max": "10ms"}, "loss": 0.01},
  "clocks": {"default": {"drift_ppm": 20}},
  "explore": {"min_faults": 12, "max_faults": 12, "start_after": "1s", "quiet_after": "2s"}
})";

// The first seed in 1..200 whose run with its random faults fails.
std::optional<Scenario> first_failing(const Scenario& base) {
  const ExploreLayout layout = explore_layout(base);
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    Scenario s = explore_replay_scenario(base, layout, seed);
    World w(s, RunOptions{});
    if (w.run().failures > 0) return s;
  }
  return std::nullopt;
}

TEST(ShrinkCanary, NaiveViolationShrinksToAHandfulOfFaultsAndStillReproduces) {
  const Scenario base = load(kNaive);
  const std::optional<Scenario> failing = first_failing(base);
  ASSERT_TRUE(failing) << "no seed in 1..200 violates under the naive preset";
  ASSERT_GE(failing->faults.size(), 12u);
  RunResult original = World(*failing, RunOptions{}).run();

  std::vector<std::string> printed;
  ShrinkOptions so;
  so.on_step = [&](const std::string& s) { printed.push_back(s); };
  const ShrinkResult r = shrink_scenario(*failing, so);
  ASSERT_EQ(r.status, ShrinkResult::Status::kShrunk);
  EXPECT_EQ(printed, r.steps);
  EXPECT_LE(r.after.faults, 3u) << r.after.format();
  EXPECT_LT(r.after.faults, r.before.faults);
  EXPECT_LE(r.after.duration, r.before.duration);
  EXPECT_LE(r.runs, so.max_runs);
  EXPECT_FALSE(r.violation.empty());
  // The target is what the original showed; the result shows one of them.
  ASSERT_FALSE(r.target.empty());
  for (ViolationKind k : r.target) EXPECT_TRUE(shows(original, k)) << to_string(k);

  // The written file (canonical JSON) loads and reproduces.
  LoadResult back = load_scenario_json(r.minimal_json, "minimal.json");
  ASSERT_TRUE(back.ok()) << back.errors[0].format();
  const RunResult rerun = World(*back.scenario, RunOptions{}).run();
  EXPECT_GT(rerun.failures, 0u);
  bool same_kind = false;
  for (ViolationKind k : r.target) same_kind |= shows(rerun, k);
  EXPECT_TRUE(same_kind);
  // It claims what it shows, so `leasesim check` passes on it.
  EXPECT_EQ(back.scenario->expect.safety, Expectation::Safety::kViolation);
  EXPECT_EQ(unmet_expectations(back.scenario->expect, rerun), std::vector<std::string>{});
  EXPECT_FALSE(back.scenario->explore.has_value());
}

// Shrinking a warning (latent_overlap: a holder believed past the core's
// record, without an overlap) keeps the warning; the file claims exactly
// what its run shows, so `leasesim check` passes on it: "holds" with the
// warning when the minimal run has no violation.
TEST(Shrink, AWarningShrinksToAFileWhoseExpectationHolds) {
  const Scenario base = load(kNaive);
  const ExploreLayout layout = explore_layout(base);
  std::optional<Scenario> warned;
  for (uint64_t seed = 1; seed <= 200 && !warned; ++seed) {
    Scenario s = explore_replay_scenario(base, layout, seed);
    if (shows(World(s, RunOptions{}).run(), ViolationKind::kLatentOverlap)) warned = s;
  }
  ASSERT_TRUE(warned) << "no seed in 1..200 shows a latent overlap under the naive preset";
  ShrinkOptions so;
  so.kinds = {ViolationKind::kLatentOverlap};
  const ShrinkResult r = shrink_scenario(*warned, so);
  ASSERT_NE(r.status, ShrinkResult::Status::kNoViolation);
  LoadResult back = load_scenario_json(r.minimal_json, "minimal.json");
  ASSERT_TRUE(back.ok()) << back.errors[0].format();
  const RunResult rerun = World(*back.scenario, RunOptions{}).run();
  EXPECT_TRUE(shows(rerun, ViolationKind::kLatentOverlap));
  EXPECT_EQ(unmet_expectations(back.scenario->expect, rerun), std::vector<std::string>{});
  EXPECT_EQ(back.scenario->expect.safety,
            rerun.failures > 0 ? Expectation::Safety::kViolation : Expectation::Safety::kHolds);
  EXPECT_EQ(back.scenario->expect.violation_kinds, std::vector<std::string>{"latent_overlap"});
}

TEST(Shrink, IsDeterministic) {
  const Scenario base = load(kNaive);
  const std::optional<Scenario> failing = first_failing(base);
  ASSERT_TRUE(failing);
  const ShrinkResult a = shrink_scenario(*failing, ShrinkOptions{});
  const ShrinkResult b = shrink_scenario(*failing, ShrinkOptions{});
  EXPECT_EQ(a.minimal_json.dump(), b.minimal_json.dump());
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.runs, b.runs);
}

TEST(Shrink, SafeRunHasNothingToShrink) {
  const Scenario s = load(R"({"name": "calm", "duration": "5s"})");
  const ShrinkResult r = shrink_scenario(s, ShrinkOptions{});
  EXPECT_EQ(r.status, ShrinkResult::Status::kNoViolation);
  EXPECT_TRUE(r.target.empty());
  EXPECT_EQ(r.runs, 1u);
}

TEST(Shrink, AnAbsentTargetKindIsNotAViolation) {
  const Scenario base = load(kNaive);
  const std::optional<Scenario> failing = first_failing(base);
  ASSERT_TRUE(failing);
  ShrinkOptions so;
  so.kinds = {ViolationKind::kCommittedChanged};
  const RunResult original = World(*failing, RunOptions{}).run();
  if (shows(original, ViolationKind::kCommittedChanged)) GTEST_SKIP();
  EXPECT_EQ(shrink_scenario(*failing, so).status, ShrinkResult::Status::kNoViolation);
}

TEST(Shrink, BudgetIsRespectedAndTheBestSoFarKept) {
  const Scenario base = load(kNaive);
  const std::optional<Scenario> failing = first_failing(base);
  ASSERT_TRUE(failing);
  ShrinkOptions so;
  so.max_runs = 4;
  const ShrinkResult r = shrink_scenario(*failing, so);
  EXPECT_TRUE(r.budget_exhausted);
  EXPECT_LE(r.runs, 4u);  // the final confirming run included
  LoadResult back = load_scenario_json(r.minimal_json, "minimal.json");
  ASSERT_TRUE(back.ok());
  EXPECT_GT(World(*back.scenario, RunOptions{}).run().failures, 0u);
}

// --max-runs counts every run, the input's and the final one included.
TEST(Shrink, TheSmallestBudgetsAreKept) {
  const Scenario base = load(kNaive);
  const std::optional<Scenario> failing = first_failing(base);
  ASSERT_TRUE(failing);
  for (const uint64_t budget : {1u, 2u, 3u}) {
    SCOPED_TRACE(budget);
    ShrinkOptions so;
    so.max_runs = budget;
    const ShrinkResult r = shrink_scenario(*failing, so);
    EXPECT_LE(r.runs, budget);
    EXPECT_TRUE(r.budget_exhausted);
    EXPECT_NE(r.status, ShrinkResult::Status::kNoViolation);
    EXPECT_FALSE(r.violation.empty());
  }
}

// A run cut short by --max-events before its violation is not evidence of
// safety: the result says the input's run was incomplete.
TEST(Shrink, AnInputCutShortIsNotCalledSafe) {
  const Scenario base = load(kNaive);
  const std::optional<Scenario> failing = first_failing(base);
  ASSERT_TRUE(failing);
  ShrinkOptions so;
  so.max_events = 1;
  const ShrinkResult r = shrink_scenario(*failing, so);
  EXPECT_EQ(r.status, ShrinkResult::Status::kInputIncomplete);
  EXPECT_EQ(r.runs, 1u);
  const ShrinkResult calm = shrink_scenario(load(R"({"name": "calm", "duration": "5s"})"), so);
  EXPECT_EQ(calm.status, ShrinkResult::Status::kInputIncomplete);
}

TEST(Shrink, RemovesUninvolvedRequestorsServersAndNoise) {
  // Many bystanders, a noisy network and drifting clocks around a naive
  // core that violates without any fault.
  const Scenario s = load(R"({
    "name": "crowd", "duration": "40s", "protocol": {"preset": "naive"},
    "core": {"servers": 5}, "lease": {"ttl": "2s", "renew_every": "500ms"},
    "resources": ["r1", "r2", "r3"],
    "requestors": [{"count": 8, "prefix": "w", "hold": {"min": "1s", "max": "3s"},
                    "think": {"min": "0s", "max": "300ms"}, "write_every": "200ms"}],
    "network": {"latency": {"dist": "lognormal", "median": "5ms", "sigma": 0.5},
                "loss": 0.05, "duplicate": 0.02},
    "clocks": {"default": {"drift_ppm": 50}, "nodes": {"n1": {"offset": "30ms"}}},
    "faults": [{"at": "5s", "kind": "crash", "target": "leader", "duration": "4s"},
               {"at": "12s", "kind": "pause", "target": "holder:r1", "duration": "3s"},
               {"at": "20s", "kind": "clock_step", "target": "n2", "by": "-1s"}]
  })");
  const RunResult original = World(s, RunOptions{}).run();
  if (original.failures == 0) GTEST_SKIP() << "this variant does not violate";
  const ShrinkResult r = shrink_scenario(s, ShrinkOptions{});
  ASSERT_EQ(r.status, ShrinkResult::Status::kShrunk);
  EXPECT_LE(r.after.requestors, 3u) << r.after.format();
  EXPECT_EQ(r.after.resources, 1u) << r.after.format();
  EXPECT_LT(r.after.servers, 5u) << r.after.format();
  EXPECT_LT(r.after.duration, seconds(40));
  LoadResult back = load_scenario_json(r.minimal_json, "minimal.json");
  ASSERT_TRUE(back.ok());
  EXPECT_GT(World(*back.scenario, RunOptions{}).run().failures, 0u);
}

// kv-lease keeps its requestors under "electors" and its servers under
// "kv" (the keys its Format declares): they shrink too. (The shrinker edited
// "requestors" and "core" only, so a kv-lease reproducer kept every elector,
// resource and server; found by a consistency audit.)
TEST(Shrink, RemovesKvLeaseElectorsResourcesAndServers) {
  const Scenario s = load(R"({
    "name": "kv-crowd", "duration": "40s", "protocol": {"name": "kv-lease", "preset": "stale-reads"},
    "kv": {"servers": 5},
    "election": {"lease_duration": "3s", "renew_deadline": "2s", "retry_period": "400ms",
                 "request_timeout": "200ms"},
    "resources": ["r1", "r2", "r3"],
    "electors": [{"count": 6, "prefix": "w", "hold": {"min": "1s", "max": "4s"},
                  "rejoin": {"min": "0s", "max": "500ms"}}],
    "network": {"latency": {"dist": "uniform", "min": "1ms", "max": "30ms"}},
    "faults": [{"at": "5s", "kind": "crash", "target": "leader", "duration": "3s"}]
  })");
  ASSERT_GT(World(s, RunOptions{}).run().failures, 0u);
  const ShrinkResult r = shrink_scenario(s, ShrinkOptions{});
  ASSERT_EQ(r.status, ShrinkResult::Status::kShrunk);
  EXPECT_LE(r.after.requestors, 2u) << r.after.format();
  EXPECT_EQ(r.after.resources, 1u) << r.after.format();
  EXPECT_LT(r.after.servers, 5u) << r.after.format();
  LoadResult back = load_scenario_json(r.minimal_json, "minimal.json");
  ASSERT_TRUE(back.ok()) << back.errors[0].format();
  EXPECT_GT(World(*back.scenario, RunOptions{}).run().failures, 0u);
}

}  // namespace
}  // namespace shrink_test
}  // namespace leasesim
