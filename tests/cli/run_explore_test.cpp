// `leasesim run SCENARIO --seed S --explore`: one explore seed as a plain
// run (report, trace), the same run as `leasesim explore --seeds S..S` and
// as the replay file explore saves for a failing seed: same trace hash.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_process.hpp"

namespace leasesim {
namespace run_explore_test {
namespace {

using testing::run_cli;
using testing::slurp;
using testing::TempDir;

const std::string kNaive = std::string(LEASESIM_SOURCE_DIR) + "/tests/cli/data/canary-naive.json";

// seed -> trace hash (and verdict) from an explore results file.
std::map<uint64_t, nlohmann::json> explore_lines(const std::string& path) {
  std::map<uint64_t, nlohmann::json> out;
  std::istringstream in(slurp(path));
  std::string line;
  while (std::getline(in, line)) {
    const nlohmann::json j = nlohmann::json::parse(line);
    if (j.contains("seed") && j.contains("trace_hash")) out[j["seed"].get<uint64_t>()] = j;
  }
  return out;
}

nlohmann::json run_json(const std::vector<std::string>& args) {
  const testing::CliResult r = run_cli(args);
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  return nlohmann::json::parse(r.out);
}

TEST(RunExplore, EachSeedMatchesExploreAndTheSavedReplay) {
  TempDir dir("run-explore");
  const std::string results = (dir / "r.jsonl").string();
  const testing::CliResult e =
      run_cli({"explore", kNaive, "--seeds", "1..40", "--jobs", "2", "-q", "--out", results});
  ASSERT_TRUE(e.exit_code == 0 || e.exit_code == 1) << e.err;
  const auto lines = explore_lines(results);
  ASSERT_EQ(lines.size(), 40u);
  size_t failing = 0, with_faults = 0;
  for (const auto& [seed, line] : lines) {
    const nlohmann::json rep =
        run_json({"run", kNaive, "--seed", std::to_string(seed), "--explore", "--json"});
    EXPECT_EQ(rep["trace_hash"], line["trace_hash"]) << "seed " << seed;
    EXPECT_EQ(rep["faults"]["scheduled"], line["faults"]) << "seed " << seed;
    EXPECT_EQ(rep["safety"] == "violated", line["verdict"] == "violation") << "seed " << seed;
    EXPECT_EQ(rep["end_reason"], line["end"]) << "seed " << seed;
    with_faults += line["faults"].get<uint64_t>() > 0;
    if (line["verdict"] != "violation") continue;
    ++failing;
    const std::string saved =
        (dir / ("r.failures/seed-" + std::to_string(seed) + ".json")).string();
    const nlohmann::json replay = run_json({"run", saved, "--json"});
    EXPECT_EQ(replay["trace_hash"], rep["trace_hash"]) << "seed " << seed;
  }
  EXPECT_GT(failing, 0u) << "the naive canary fails within 40 seeds: the replay was compared";
  EXPECT_EQ(with_faults, 40u);
}

TEST(RunExplore, WithoutSeedItUsesTheScenariosSeedAndWithoutTheFlagNoRandomFaults) {
  // canary-naive.json has no "seed": the default seed 1.
  const nlohmann::json a = run_json({"run", kNaive, "--explore", "--json"});
  const nlohmann::json b = run_json({"run", kNaive, "--seed", "1", "--explore", "--json"});
  EXPECT_EQ(a["trace_hash"], b["trace_hash"]);
  EXPECT_GT(a["faults"]["scheduled"].get<uint64_t>(), 0u);
  const nlohmann::json plain = run_json({"run", kNaive, "--json"});
  EXPECT_EQ(plain["faults"]["scheduled"], 0) << "run ignores the explore block without --explore";
  EXPECT_NE(plain["trace_hash"], a["trace_hash"]);
}

TEST(RunExplore, WritesTheSeedsTrace) {
  TempDir dir("run-explore-trace");
  const testing::CliResult r =
      run_cli({"run", kNaive, "--seed", "7", "--explore", "--out", dir.path().string()});
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  const nlohmann::json rep = nlohmann::json::parse(slurp(dir / "report.json"));
  std::istringstream in(slurp(dir / "trace.jsonl"));
  std::string line;
  uint64_t records = 0;
  while (std::getline(in, line)) ++records;
  EXPECT_EQ(records, rep["records"].get<uint64_t>());
  EXPECT_EQ(rep["seed"], 7);
}

}  // namespace
}  // namespace run_explore_test
}  // namespace leasesim
