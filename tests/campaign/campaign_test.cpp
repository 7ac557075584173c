// The campaign driver in-process: explore and sweep are one driver, so the
// same seeds get the same random faults and the same records; results do
// not depend on --jobs; saved runs replay; the CSV view has one column per
// parameter, knob and violation kind.
#include "leasesim/campaign/campaign.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "leasesim/campaign/results.hpp"
#include "leasesim/campaign/results_view.hpp"
#include "leasesim/scenario/loader.hpp"
#include "leasesim/world/world.hpp"

#include "../cli/cli_process.hpp"
#include "campaign_test_util.hpp"

namespace leasesim {
namespace campaign_test {
namespace {

using testing::csv_row;
using testing::param;

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kNaive = std::string(LEASESIM_SOURCE_DIR) + "/tests/cli/data/canary-naive.json";

class CampaignTest : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Runs a campaign to completion; its results file.
  ResultsFile run(CampaignConfig c, std::vector<std::string>* messages = nullptr) {
    if (c.out_path.empty()) c.out_path = path("out.jsonl");
    Campaign campaign(c);
    std::vector<std::string> warnings, errors;
    EXPECT_TRUE(campaign.prepare(&warnings, &errors)) << (errors.empty() ? "" : errors[0]);
    CampaignHooks hooks;
    if (messages) hooks.message = [&](const std::string& m) { messages->push_back(m); };
    std::string error;
    EXPECT_TRUE(campaign.run(hooks, &error)) << error;
    ResultsFile f;
    EXPECT_TRUE(read_results(c.out_path, &f, &error)) << error;
    return f;
  }

  testing::TempDir dir_{"campaign-test"};
};

CampaignConfig config(const std::string& command, const std::string& scenario, uint64_t first,
                      uint64_t last) {
  CampaignConfig c;
  c.command = command;
  c.scenario_paths = {scenario};
  c.first_seed = first;
  c.last_seed = last;
  c.jobs = 2;
  return c;
}

// Before: explore added default random faults to a scenario without an
// explore block and sweep added none. Now both add the same ones, both say
// so, and --no-random-faults turns them off for both.
TEST_F(CampaignTest, ExploreAndSweepAddTheSameRandomFaultsWithoutAnExploreBlock) {
  const std::string plain = path("plain.json");
  std::ofstream(plain) << R"({"name": "plain", "duration": "20s", "core": {"servers": 3},
    "lease": {"ttl": "2s", "renew_every": "500ms"}, "resources": ["r1"],
    "requestors": [{"names": ["a", "b"], "hold": {"min": "1s", "max": "3s"}}]})";
  CampaignConfig e = config("explore", plain, 1, 12);
  CampaignConfig s = config("sweep", plain, 1, 12);
  s.params = {param("lease.ttl=2s")};  // one cell: the scenario itself
  s.out_path = path("sweep.jsonl");
  const ResultsFile ef = run(e), sf = run(s);
  ASSERT_EQ(ef.records.size(), 12u);
  ASSERT_EQ(sf.records.size(), 12u);
  uint64_t faults = 0;
  for (size_t i = 0; i < 12; ++i) {
    EXPECT_EQ(ef.records[i].trace_hash, sf.records[i].trace_hash) << i;
    EXPECT_EQ(ef.records[i].faults, sf.records[i].faults) << i;
    faults += ef.records[i].faults;
  }
  EXPECT_GT(faults, 12u);
  EXPECT_EQ(ef.plan.settings[0]["random_faults"], "defaults");
  EXPECT_EQ(sf.plan.settings[0]["random_faults"], "defaults");

  e.random_faults = false;
  s.random_faults = false;
  e.out_path = path("e-off.jsonl");
  s.out_path = path("s-off.jsonl");
  const ResultsFile eo = run(e), so = run(s);
  for (size_t i = 0; i < 12; ++i) {
    EXPECT_EQ(eo.records[i].faults, 0u);
    EXPECT_EQ(eo.records[i].trace_hash, so.records[i].trace_hash) << i;
  }
  EXPECT_EQ(eo.plan.options["random_faults"], false);
  EXPECT_EQ(eo.plan.settings[0]["random_faults"], "off");
}

TEST_F(CampaignTest, ResultsDoNotDependOnJobs) {
  CampaignConfig c = config("sweep", kNaive, 1, 15);
  c.params = {param("protocol=seed,naive"), param("core.servers=1,3")};
  c.jobs = 1;
  c.out_path = path("one.jsonl");
  run(c);
  c.jobs = 2;
  c.out_path = path("two.jsonl");
  run(c);
  std::ifstream a(path("one.jsonl")), b(path("two.jsonl"));
  std::stringstream sa, sb;
  sa << a.rdbuf();
  sb << b.rdbuf();
  EXPECT_FALSE(sa.str().empty());
  EXPECT_EQ(sa.str(), sb.str());
}

// --save all (issue 17.6): every run's scenario is saved, and each replays
// to the trace hash its record holds.
TEST_F(CampaignTest, SaveAllWritesEveryRunAndEachReplays) {
  CampaignConfig c = config("explore", kNaive, 1, 6);
  c.save = SaveWhich::kAll;
  c.save_dir = path("runs");
  const ResultsFile f = run(c);
  ASSERT_EQ(f.records.size(), 6u);
  for (const RunRecord& r : f.records) {
    const std::string saved = path("runs/seed-" + std::to_string(r.seed) + ".json");
    ASSERT_TRUE(fs::exists(saved)) << saved;
    LoadResult lr = load_scenario_file(saved);
    ASSERT_TRUE(lr.ok());
    EXPECT_FALSE(lr.scenario->explore);
    World w(*lr.scenario, RunOptions{});
    EXPECT_EQ(w.run().trace_hash, r.trace_hash) << saved;
  }
}

// Sweep --save-failures: a failing cell's run is saved and replays.
TEST_F(CampaignTest, SweepSavesFailingRunsThatReplay) {
  CampaignConfig c = config("sweep", kNaive, 1, 30);
  c.params = {param("protocol=seed,naive")};
  c.save_dir = path("failures");
  std::vector<std::string> messages;
  const ResultsFile f = run(c, &messages);
  size_t failing = 0;
  for (const RunRecord& r : f.records) {
    const std::string saved = path("failures/cell-" + std::to_string(r.cell) + "-seed-" +
                                   std::to_string(r.seed) + ".json");
    EXPECT_EQ(fs::exists(saved), r.verdict == Verdict::kViolation) << saved;
    if (r.verdict != Verdict::kViolation) continue;
    ++failing;
    EXPECT_EQ(r.cell, 1u);  // only naive fails
    LoadResult lr = load_scenario_file(saved);
    ASSERT_TRUE(lr.ok());
    EXPECT_EQ(lr.scenario->preset, "naive");
    World w(*lr.scenario, RunOptions{});
    EXPECT_EQ(w.run().trace_hash, r.trace_hash) << saved;
  }
  ASSERT_GT(failing, 0u);
  ASSERT_FALSE(messages.empty());
  EXPECT_NE(messages[0].find("cell 1 (protocol=naive) seed "), std::string::npos) << messages[0];
  EXPECT_NE(messages[0].find("reproduce: leasesim run " + path("failures/cell-1-seed-")),
            std::string::npos)
      << messages[0];
  EXPECT_NE(messages[0].find("or: leasesim sweep " + kNaive + " --param protocol=naive --seeds "),
            std::string::npos)
      << messages[0];
}

TEST_F(CampaignTest, CsvHasAColumnPerParameterKnobAndKind) {
  CampaignConfig c = config("sweep", kNaive, 1, 20);
  c.params = {param("protocol=safe,naive"),
              param(R"(network.latency={"dist":"uniform","min":"1ms","max":"5ms"})")};
  const ResultsFile f = run(c);
  std::istringstream in(results_csv(f));
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> head = csv_row(line);
  auto col = [&](const std::string& name) {
    for (size_t i = 0; i < head.size(); ++i)
      if (head[i] == name) return i;
    ADD_FAILURE() << "no column " << name << " in " << line;
    return size_t{0};
  };
  for (const char* name :
       {"cell_index", "param.protocol", "param.network.latency", "seed", "verdict", "overlap",
        "stale_write", "latent_overlap", "trace_hash", "availability", "acquire_p50_ns", "preset",
        "knob.anchor", "knob.margin.kind", "knob.fencing", "random_faults", "replay"})
    col(name);
  size_t rows = 0, violating = 0;
  while (std::getline(in, line)) {
    const std::vector<std::string> row = csv_row(line);
    ASSERT_EQ(row.size(), head.size()) << line;
    const RunRecord& r = f.records.at(rows++);
    EXPECT_EQ(row[col("seed")], std::to_string(r.seed));
    EXPECT_EQ(row[col("trace_hash")], format_hash(r.trace_hash));
    EXPECT_EQ(row[col("overlap")],
              std::to_string(r.kinds[static_cast<size_t>(ViolationKind::kOverlap)]));
    EXPECT_EQ(row[col("param.network.latency")], R"({"dist":"uniform","max":"5ms","min":"1ms"})");
    // The effective knobs of the cell: naive anchors at receipt, safe at send.
    const bool naive = row[col("param.protocol")] == "naive";
    EXPECT_EQ(row[col("preset")], naive ? "naive" : "safe");
    EXPECT_EQ(row[col("knob.anchor")], naive ? "receipt" : "send") << line;
    EXPECT_EQ(row[col("knob.fencing")], naive ? "false" : "true") << line;
    EXPECT_EQ(
        row[col("replay")],
        "leasesim sweep " + kNaive + " --param protocol=" + (naive ? "naive" : "safe") +
            " --param 'network.latency={\"dist\":\"uniform\",\"max\":\"5ms\",\"min\":\"1ms\"}'"
            " --seeds " +
            std::to_string(r.seed) + ".." + std::to_string(r.seed));
    violating += row[col("verdict")] == "violation";
  }
  EXPECT_EQ(rows, 40u);
  EXPECT_GT(violating, 0u);
}

}  // namespace
}  // namespace campaign_test
}  // namespace leasesim
