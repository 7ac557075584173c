// The aggressive exploration of issue 12 (scenarios/explore-aggressive.json)
// as a regression guard: `safe` holds on it, and the scenario is aggressive
// enough to matter: the naive preset fails within the first 10 seeds, and
// `safe` without sequencer checking shows stale writes within 100 seeds.
// The full 20,000-seed run is in docs/protocol.md.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_process.hpp"

namespace fs = std::filesystem;
using leasesim::testing::CliResult;
using leasesim::testing::run_cli;
using leasesim::testing::slurp;
using leasesim::testing::TempDir;
using leasesim::testing::write_text;

namespace aggressive_explore_test {
namespace {

const fs::path kSource = LEASESIM_SOURCE_DIR;
const fs::path kAggressive = kSource / "scenarios" / "explore-aggressive.json";

// The aggressive scenario with some protocol settings replaced.
fs::path Variant(const TempDir& dir, const std::string& name, const nlohmann::json& protocol) {
  nlohmann::json j = nlohmann::json::parse(slurp(kAggressive));
  j["name"] = name;
  j["protocol"] = protocol;
  const fs::path p = dir / (name + ".json");
  write_text(p, j.dump(2));
  return p;
}

TEST(AggressiveExplore, SafeHoldsOverTheFirstThousandSeeds) {
  TempDir dir("aggressive-safe");
  const CliResult r = run_cli({"explore", kAggressive.string(), "--seeds", "1..1000", "--jobs", "2",
                               "--quiet", "--out", (dir / "r.jsonl").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // No warning either (a latent overlap would be the first half of one).
  size_t seeds = 0;
  std::istringstream lines(slurp(dir / "r.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json j = nlohmann::json::parse(line);
    if (!j.contains("seed")) continue;
    ++seeds;
    EXPECT_EQ(j.value("warnings", 1), 0) << line;
  }
  EXPECT_EQ(seeds, 1000u);
}

TEST(AggressiveExplore, NaiveFailsWithinTheFirstTenSeeds) {
  TempDir dir("aggressive-naive");
  const fs::path naive = Variant(dir, "aggressive-naive", {{"preset", "naive"}});
  const CliResult r = run_cli({"explore", naive.string(), "--seeds", "1..10", "--stop-on-first",
                               "--quiet", "--out", (dir / "r.jsonl").string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
}

TEST(AggressiveExplore, WithoutSequencerCheckingSafeWritesStale) {
  TempDir dir("aggressive-noseq");
  const fs::path noseq =
      Variant(dir, "aggressive-noseq",
              {{"preset", "safe"}, {"knobs", {{"sequencer", {{"check", false}}}}}});
  const CliResult r = run_cli({"explore", noseq.string(), "--seeds", "1..100", "--stop-on-first",
                               "--jobs", "2", "--quiet", "--out", (dir / "r.jsonl").string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(slurp(dir / "r.jsonl").find("stale_write"), std::string::npos);
}

}  // namespace
}  // namespace aggressive_explore_test
