// `leasesim sweep` of several scenario files (docs/protocols.md, "Comparing
// the families"): the scenario is one more dimension of the grid, every
// line names its scenario, files with the same nodes and explore block get
// the same random faults for the same seed, parameters can be scoped to one
// scenario, and resume and merge still give the uninterrupted file byte
// for byte. Also the run lines' messages and held_ns, in --csv.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_process.hpp"

namespace leasesim {
namespace compare_cli_test {
namespace {

using testing::CliResult;
using testing::run_cli;
using testing::slurp;
using testing::TempDir;
using testing::write_text;

const std::string kCompare = std::string(LEASESIM_SOURCE_DIR) + "/scenarios/compare/";
const std::string kRaft = kCompare + "raft-lease.json";
const std::string kKv = kCompare + "kv-lease.json";
const std::string kSession = kCompare + "session-lease.json";

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

std::vector<nlohmann::json> of_type(const std::string& text, const char* type) {
  std::vector<nlohmann::json> out;
  for (const nlohmann::json& j : json_lines(text))
    if (j.value("type", "") == type) out.push_back(j);
  return out;
}

TEST(CompareCli, EveryCellAndRunNamesItsScenarioAndRecordsMessagesAndHeldTime) {
  TempDir dir("compare-cli");
  const std::string out = (dir / "c.jsonl").string();
  const CliResult r =
      run_cli({"sweep", kRaft, kKv, kSession, "--param", "compare-kv-lease:protocol=safe,slow-stop",
               "--seeds", "6", "--progress", "none", "--out", out, "--save", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = slurp(out);
  const nlohmann::json header = json_lines(text).at(0);
  EXPECT_EQ(header["version"], 3);
  ASSERT_EQ(header["scenarios"].size(), 3u);
  EXPECT_EQ(header["scenarios"][1]["scenario"], "compare-kv-lease");
  EXPECT_EQ(header["scenarios"][1]["params"][0]["path"], "protocol.preset");
  EXPECT_TRUE(header["scenarios"][0]["params"].empty());  // scoped: only kv-lease's
  const std::vector<nlohmann::json> cells = of_type(text, "cell");
  ASSERT_EQ(cells.size(), 4u);
  EXPECT_EQ(cells[0]["cell"], (nlohmann::json{{"scenario", "compare-raft-lease"}}));
  EXPECT_EQ(cells[2]["cell"],
            (nlohmann::json{{"scenario", "compare-kv-lease"}, {"protocol", "slow-stop"}}));
  EXPECT_EQ(cells[3]["cell"], (nlohmann::json{{"scenario", "compare-session-lease"}}));
  EXPECT_EQ(cells[2]["violations"], 6);  // slow-stop overlaps in every seed
  for (const nlohmann::json& c : cells) {
    EXPECT_GT(c["messages_mean"].get<double>(), 0.0) << c;
    EXPECT_GT(c["messages_per_held_s"].get<double>(), 0.0) << c;
  }
  const std::vector<nlohmann::json> runs = of_type(text, "run");
  ASSERT_EQ(runs.size(), 24u);
  for (const nlohmann::json& run : runs) {
    EXPECT_GT(run["messages"].get<uint64_t>(), 0u) << run;
    EXPECT_GT(run["held_ns"].get<int64_t>(), 0) << run;
  }
  // The table on stdout has a scenario column and the cost column.
  EXPECT_NE(r.out.find("compare-session-lease"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("msg/held-s"), std::string::npos) << r.out;
  // A failing run's reproduce command is a sweep of its own scenario alone.
  EXPECT_NE(r.out.find("reproduce: leasesim sweep " + kKv + " --param protocol=slow-stop --seeds"),
            std::string::npos)
      << r.out;

  // --csv: a scenario column, messages and held_ns; replay commands print
  // the run's trace hash.
  const CliResult csv = run_cli({"results", out, "--csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  std::istringstream in(csv.out);
  std::string head;
  std::getline(in, head);
  EXPECT_NE(head.find("param.protocol,scenario,seed,"), std::string::npos) << head;
  EXPECT_NE(head.find(",write_p99_ns,messages,held_ns,"), std::string::npos) << head;
  std::string row;
  std::getline(in, row);
  EXPECT_EQ(row.rfind("0,,compare-raft-lease,1,", 0), 0u) << row;
  const std::string msgs = runs[0]["messages"].dump(), held = runs[0]["held_ns"].dump();
  EXPECT_NE(row.find("," + msgs + "," + held + ","), std::string::npos) << row;
}

// The random faults are drawn per seed from the node layout (servers,
// requestors, resources, duration) and the explore block, not from the
// protocol: the three comparison files, which share them, get the same
// faults for the same seed (what makes the comparison fair).
TEST(CompareCli, SameSeedSameFaultsAcrossFilesOfTheSameLayout) {
  TempDir dir("compare-cli");
  const std::string out = (dir / "f.jsonl").string();
  const std::string saved = (dir / "runs").string();
  const CliResult r =
      run_cli({"sweep", kRaft, kKv, kSession, "--seeds", "3..8", "--progress", "none", "--quiet",
               "--out", out, "--save", "all", "--save-dir", saved});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (int seed = 3; seed <= 8; ++seed) {
    std::vector<nlohmann::json> faults;
    for (int cell = 0; cell < 3; ++cell) {
      const std::string f =
          saved + "/cell-" + std::to_string(cell) + "-seed-" + std::to_string(seed) + ".json";
      faults.push_back(nlohmann::json::parse(slurp(f)).at("faults"));
    }
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_FALSE(faults[0].empty());
    EXPECT_EQ(faults[0], faults[1]);
    EXPECT_EQ(faults[0], faults[2]);
  }
  // And the run lines' fault counts agree.
  std::map<uint64_t, std::vector<uint64_t>> by_seed;
  for (const nlohmann::json& run : of_type(slurp(out), "run"))
    by_seed[run["seed"]].push_back(run["faults"]);
  for (const auto& [seed, counts] : by_seed) {
    ASSERT_EQ(counts.size(), 3u);
    EXPECT_EQ(counts[0], counts[1]) << seed;
    EXPECT_EQ(counts[0], counts[2]) << seed;
  }
}

TEST(CompareCli, ShardsAndResumeGiveTheUnshardedFileByteForByte) {
  TempDir dir("compare-cli");
  const std::vector<std::string> base = {"sweep",
                                         kRaft,
                                         kKv,
                                         "--param",
                                         "compare-raft-lease:protocol=safe,naive",
                                         "--param",
                                         "compare-kv-lease:protocol=safe,wall-clock",
                                         "--seeds",
                                         "1..9",
                                         "--progress",
                                         "none",
                                         "--quiet",
                                         "--save",
                                         "none"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  const std::string whole = (dir / "whole.jsonl").string();
  ASSERT_EQ(run_cli(with({"--jobs", "2", "--out", whole})).exit_code, 0);
  std::vector<std::string> merge = {"merge"};
  for (int k = 1; k <= 2; ++k) {
    const std::string shard = (dir / ("s" + std::to_string(k) + ".jsonl")).string();
    const CliResult r = run_cli(with({"--shard", std::to_string(k) + "/2", "--out", shard}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    merge.push_back(shard);
  }
  const std::string merged = (dir / "merged.jsonl").string();
  merge.insert(merge.end(), {"--out", merged});
  const CliResult m = run_cli(merge);
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(slurp(merged), slurp(whole));

  // A file cut after some runs (as a hard kill leaves it) resumes to the
  // same bytes, with the resume command the report prints.
  const std::string text = slurp(whole);
  size_t cut_at = 0;
  for (int n = 0; n < 13; ++n) cut_at = text.find('\n', cut_at) + 1;
  const std::string cut = (dir / "cut.jsonl").string();
  write_text(cut, text.substr(0, cut_at + 20));  // and a cut-off line
  const CliResult resumed = run_cli(with({"--out", cut, "--resume"}));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(slurp(cut), text);

  // A different set of files is a different run.
  const CliResult other =
      run_cli({"sweep", kRaft, kSession, "--param", "compare-raft-lease:protocol=safe,naive",
               "--seeds", "1..9", "--progress", "none", "--out", cut, "--resume"});
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("written by a different run"), std::string::npos) << other.err;
}

TEST(CompareCli, BadScopesAndDuplicateNamesExit2) {
  CliResult r = run_cli({"sweep", kRaft, kKv, "--param", "compare-nothing:protocol=safe", "--seeds",
                         "2", "--progress", "none"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no scenario is named \"compare-nothing\""), std::string::npos) << r.err;
  r = run_cli({"sweep", kRaft, kRaft, "--seeds", "2", "--progress", "none"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is also the name of"), std::string::npos) << r.err;
  // An unscoped parameter applies to every file: raft-lease has no preset
  // "wall-clock", and says so.
  r = run_cli({"sweep", kRaft, kKv, "--param", "protocol=wall-clock", "--seeds", "2", "--progress",
               "none"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("wall-clock"), std::string::npos) << r.err;
  // ... and says how to scope it to one file.
  const std::string hint =
      "(with several files a --param applies to each; NAME:PATH=... applies it to the scenario "
      "named NAME only: compare-raft-lease, compare-kv-lease)";
  EXPECT_NE(r.err.find(hint), std::string::npos) << r.err;
  // A path that one file lacks names that file.
  r = run_cli({"sweep", kRaft, kKv, "--param", "requestors.9.hold=1s", "--seeds", "2", "--progress",
               "none"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(kRaft + ": cell requestors.9.hold=1s: --param requestors.9.hold: "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(hint), std::string::npos) << r.err;
  r = run_cli({"sweep", kRaft, kKv, "--param", "protocol=safe", "--param",
               "compare-kv-lease:protocol=wall-clock", "--seeds", "2", "--progress", "none"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("given twice"), std::string::npos) << r.err;
  // explore still takes one scenario.
  r = run_cli({"explore", kRaft, kKv, "--seeds", "2"});
  EXPECT_EQ(r.exit_code, 2);
}

// Results format 2 (before messages, held_ns and several scenarios) is
// still read, summarised, merged and resumed; a resumed version-2 file is
// continued in version 2, so it stays what leasesim wrote before.
TEST(CompareCli, VersionTwoFilesStillReadAndResumeInTheirOwnVersion) {
  TempDir dir("compare-cli");
  const std::vector<std::string> args = {"sweep",   kRaft,    "--compare",  "safe,naive",
                                         "--seeds", "1..6",   "--progress", "none",
                                         "--quiet", "--save", "none"};
  const std::string v3 = (dir / "v3.jsonl").string();
  std::vector<std::string> a = args;
  a.insert(a.end(), {"--out", v3});
  ASSERT_EQ(run_cli(a).exit_code, 0);
  // What the same run wrote in format 2: no messages or held_ns in run
  // lines, no cost in cell lines.
  std::string v2_text =
      std::regex_replace(slurp(v3), std::regex(R"("version":3)"), R"("version":2)");
  v2_text = std::regex_replace(v2_text, std::regex(R"(,"messages":\d+,"held_ns":\d+)"), "");
  v2_text = std::regex_replace(v2_text, std::regex(R"(,"messages_mean":[^}]*)"), "");
  v2_text = std::regex_replace(v2_text, std::regex(R"(,"leasesim":\{[^}]*\})"), "");
  ASSERT_EQ(v2_text.find("\"leasesim\":"), std::string::npos);
  ASSERT_EQ(v2_text.find("messages"), std::string::npos);
  const std::string v2 = (dir / "v2.jsonl").string();
  write_text(v2, v2_text);
  CliResult r = run_cli({"results", v2});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("msg/held-s"), std::string::npos) << r.out;
  r = run_cli({"results", v2, "--csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(",messages,held_ns,"), std::string::npos);  // empty columns
  const std::string merged = (dir / "merged.jsonl").string();
  ASSERT_EQ(run_cli({"merge", v2, "--out", merged}).exit_code, 0);
  EXPECT_EQ(slurp(merged), v2_text);
  // Cut after the header and four runs, resumed: the version-2 file whole.
  size_t cut_at = 0;
  for (int n = 0; n < 5; ++n) cut_at = v2_text.find('\n', cut_at) + 1;
  write_text(v2, v2_text.substr(0, cut_at));
  std::vector<std::string> resume = args;
  resume.insert(resume.end(), {"--out", v2, "--resume"});
  r = run_cli(resume);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(v2), v2_text);
}

}  // namespace
}  // namespace compare_cli_test
}  // namespace leasesim
