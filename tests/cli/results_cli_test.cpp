// `leasesim results`, and what explore and sweep print and refuse, as a
// user runs them (the binary): results as tables (CSV), replay commands
// that work as printed, older results formats refused, typed placeholders,
// and the usage errors of the options they share.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../campaign/campaign_test_util.hpp"
#include "cli_process.hpp"

namespace leasesim {
namespace results_cli_test {
namespace {

using testing::CliProcess;
using testing::CliResult;
using testing::csv_row;
using testing::run_cli;
using testing::run_with;
using testing::slurp;
using testing::TempDir;
using testing::write_text;

const std::string kData = std::string(LEASESIM_SOURCE_DIR) + "/tests/cli/data/";
const std::string kNaive = kData + "canary-naive.json";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

size_t column(const std::vector<std::string>& head, const std::string& name) {
  for (size_t i = 0; i < head.size(); ++i)
    if (head[i] == name) return i;
  ADD_FAILURE() << "no column " << name;
  return 0;
}

// Runs `command` in a shell whose PATH finds `leasesim` (the binary under
// test), in `dir`: a printed command, exactly as printed.
CliResult shell(const std::string& command, const TempDir& dir) {
  const std::filesystem::path bin = dir / "bin";
  std::filesystem::create_directories(bin);
  std::error_code ec;
  std::filesystem::create_symlink(LEASESIM_BINARY, bin / "leasesim", ec);
  CliProcess::Options o;
  o.cwd = dir.path();
  o.program = "/bin/sh";
  return run_with({"-c", "PATH=" + bin.string() + ":$PATH; " + command}, o);
}

TEST(ResultsCli, CsvRowsReplayAsPrinted) {
  TempDir dir("results-cli");
  const std::string out = (dir / "s.jsonl").string();
  const CliResult s = run_cli({"sweep", kNaive, "--compare", "seed,naive", "--seeds", "1..30",
                               "--progress", "none", "--out", out});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const CliResult csv = run_cli({"results", out, "--csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const std::vector<std::string> lines = lines_of(csv.out);
  ASSERT_EQ(lines.size(), 1 + 60u);
  const std::vector<std::string> head = csv_row(lines[0]);
  EXPECT_EQ(head[0], "cell_index");
  EXPECT_EQ(head[1], "param.protocol");
  EXPECT_EQ(head.back(), "replay");
  // A failing run's replay command, pasted into a shell, runs that run
  // again and prints the trace hash the CSV holds.
  bool replayed = false;
  for (size_t i = 1; i < lines.size() && !replayed; ++i) {
    const std::vector<std::string> row = csv_row(lines[i]);
    ASSERT_EQ(row.size(), head.size()) << lines[i];
    if (row[column(head, "verdict")] != "violation") continue;
    const CliResult again = shell(row[column(head, "replay")], dir);
    EXPECT_EQ(again.exit_code, 0) << again.err;  // a sweep's violations are data
    EXPECT_NE(again.err.find("VIOLATION"), std::string::npos) << again.err;
    EXPECT_NE(again.err.find("trace " + row[column(head, "trace_hash")]), std::string::npos)
        << row[column(head, "replay")] << "\n"
        << again.err;
    replayed = true;
  }
  EXPECT_TRUE(replayed) << "no failing run in\n" << csv.out;
  // --out writes the same text.
  ASSERT_EQ(run_cli({"results", out, "--csv", "--out", (dir / "s.csv").string()}).exit_code, 0);
  EXPECT_EQ(slurp(dir / "s.csv"), csv.out);
}

TEST(ResultsCli, ExploreFilesHaveTheSameShapeWithoutParameters) {
  TempDir dir("results-cli");
  const std::string out = (dir / "e.jsonl").string();
  const CliResult e =
      run_cli({"explore", kNaive, "--seeds", "1..20", "--progress", "none", "--out", out});
  ASSERT_EQ(e.exit_code, 1) << e.err;
  const CliResult csv = run_cli({"results", out, "--csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const std::vector<std::string> head = csv_row(lines_of(csv.out).at(0));
  EXPECT_EQ(head[0], "cell_index");
  EXPECT_EQ(head[1], "scenario");  // no parameter columns
  EXPECT_EQ(head[2], "seed");
  for (const char* name : {"verdict", "overlap", "stale_write", "trace_hash", "availability",
                           "messages", "held_ns", "knob.anchor", "random_faults", "replay"})
    column(head, name);
  // A holding seed's replay prints its verdict and trace hash too.
  const std::vector<std::string> row = csv_row(lines_of(csv.out).at(2));
  EXPECT_EQ(row[column(head, "replay")], "leasesim explore " + kNaive + " --seeds 2..2");
  const CliResult again = shell(row[column(head, "replay")], dir);
  EXPECT_NE(again.err.find("seed 2: " + row[column(head, "verdict")] + ", trace " +
                           row[column(head, "trace_hash")]),
            std::string::npos)
      << again.err;

  const CliResult summary = run_cli({"results", out});
  ASSERT_EQ(summary.exit_code, 0) << summary.err;
  EXPECT_NE(summary.out.find("explore canary-naive: seeds 1..20: 20 run(s), "), std::string::npos)
      << summary.out;
  EXPECT_NE(summary.out.find("random faults: limits from the scenario's explore block"),
            std::string::npos)
      << summary.out;
  EXPECT_NE(summary.out.find("failing runs ("), std::string::npos) << summary.out;
  EXPECT_NE(summary.out.find("leasesim explore " + kNaive + " --seeds "), std::string::npos)
      << summary.out;
}

// Results files of leasesim 0.1 (format version 1) are refused by every
// reader with the version found and the one expected.
TEST(ResultsCli, OlderFormatsAreRefusedWithBothVersions) {
  TempDir dir("results-cli");
  const std::string old_explore = (dir / "old-explore.jsonl").string();
  write_text(
      old_explore,
      R"({"command":"explore","digest":"c7a6706888ba5922","options":{},"results":1,"scenario":"canary-naive","seeds":"1..2","shard":null,"stop_on_first":false})"
      "\n"
      R"({"seed":1,"verdict":"holds","violations":[],"failures":0,"warnings":0,"trace_hash":"7084447b028185d8","events":11906,"grants":20,"availability":0.89,"elections":5,"acquire_p50_ns":1,"handoff_p50_ns":1,"failover_p50_ns":1,"faults":9,"end":"completed"})"
      "\n");
  const std::string old_sweep = (dir / "old-sweep.jsonl").string();
  write_text(
      old_sweep,
      R"({"sweep":1,"scenario":"canary-naive","digest":"c7a6706888ba5922","params":[{"name":"protocol","path":"protocol.preset","values":["seed","naive"]}],"seeds":"1..2","shard":null,"options":{}})"
      "\n");
  const std::string want = "this leasesim reads results format versions 2 and 3";
  for (const auto& [file, found] :
       {std::pair{old_explore, "an explore results file of format version 1"},
        std::pair{old_sweep, "a sweep results file of format version 1"}}) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"results", file},
          {"results", file, "--csv"},
          {"merge", file},
          {"explore", kNaive, "--seeds", "1..2", "--out", file, "--resume"},
          {"sweep", kNaive, "--compare", "seed,naive", "--seeds", "1..2", "--out", file,
           "--resume"}}) {
      const CliResult r = run_cli(args);
      EXPECT_EQ(r.exit_code, 2) << args[0] << " " << file;
      EXPECT_NE(r.err.find(file + ": line 1: " + found), std::string::npos) << r.err;
      EXPECT_NE(r.err.find(want), std::string::npos) << r.err;
    }
  }
}

TEST(CampaignCli, SharedOptionsRefuseBadCountsAndNegativeSeeds) {
  for (const char* command : {"explore", "sweep"}) {
    SCOPED_TRACE(command);
    struct Case {
      std::vector<std::string> args;
      std::string message;
    };
    const Case cases[] = {
        {{"--seeds", "3", "--jobs", "0"},
         "--jobs: expected a whole number, 1 or more, found \"0\""},
        {{"--seeds", "3", "--jobs", "-2"}, "--jobs: expected a whole number, 1 or more"},
        {{"--seeds", "3", "--jobs", "two"}, "--jobs: expected a whole number"},
        {{"--seeds", "-1..4"}, "--seeds: seeds cannot be negative (found \"-1..4\")"},
        {{"--seeds", "-5"}, "--seeds: seeds cannot be negative"},
        {{"--seeds", "3", "--max-events", "-1"}, "--max-events: expected a whole number"},
        // Whole and 1 or more, but past 2^64 - 1: the message says so.
        {{"--seeds", "3", "--max-events", "18446744073709551616"},
         "--max-events: expected a whole number from 1 to 18446744073709551615, found "
         "\"18446744073709551616\""},
        {{"--seeds", "3", "--save", "some"}, "--save: expected failures, all or none"},
        {{"--seeds", "3", "--save", "all"}, "--save all needs --save-dir DIR (or --out FILE)"},
        {{"--seeds", "3", "--save", "all", "--save-failures", "d"}, "--save-failures DIR is"},
    };
    for (const Case& c : cases) {
      std::vector<std::string> args = {command, kNaive};
      args.insert(args.end(), c.args.begin(), c.args.end());
      const CliResult r = run_cli(args);
      EXPECT_EQ(r.exit_code, 2) << c.args[c.args.size() - 1];
      EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
      EXPECT_EQ(r.out, "");
    }
  }
}

TEST(CampaignCli, HelpShowsTypedPlaceholders) {
  for (const char* command : {"explore", "sweep"}) {
    const CliResult r = run_cli({command, "--help"});
    ASSERT_EQ(r.exit_code, 0);
    for (const char* want : {"--seeds A..B", "-j [ --jobs ] N", "--shard K/N", "-o [ --out ] FILE",
                             "--save WHICH", "--save-dir DIR", "--max-events N", "--timeout T",
                             "--progress MODE", "--no-random-faults"})
      EXPECT_NE(r.out.find(want), std::string::npos) << command << ": " << want << "\n" << r.out;
    EXPECT_EQ(r.out.find(" arg "), std::string::npos) << r.out;
  }
  const CliResult r = run_cli({"sweep", "--help"});
  EXPECT_NE(r.out.find("-p [ --param ] [NAME:]PATH=V1,V2,..."), std::string::npos) << r.out;
}

// Explore and sweep add the same random faults to a scenario without an
// explore block, and both say which limits they used.
TEST(CampaignCli, BothSayWhichRandomFaultLimitsTheyUsed) {
  TempDir dir("campaign-cli");
  const std::string plain = (dir / "plain.json").string();
  write_text(plain,
             R"({"name": "plain", "duration": "10s", "requestors": [{"names": ["a", "b"]}]})");
  const CliResult e = run_cli({"explore", plain, "--seeds", "4", "--progress", "none"});
  const CliResult s =
      run_cli({"sweep", plain, "--param", "lease.ttl=5s", "--seeds", "4", "--progress", "none"});
  for (const CliResult* r : {&e, &s}) {
    EXPECT_EQ(r->exit_code, 0) << r->err;
    EXPECT_NE(r->out.find("random faults: default limits (the scenario has no explore block"),
              std::string::npos)
        << r->out;
  }
  const CliResult off =
      run_cli({"sweep", plain, "--param", "lease.ttl=5s", "--seeds", "4", "--no-random-faults"});
  EXPECT_NE(off.out.find("random faults: off (--no-random-faults)"), std::string::npos) << off.out;
  const CliResult block = run_cli({"explore", kNaive, "--seeds", "2", "--progress", "none"});
  EXPECT_NE(block.out.find("random faults: limits from the scenario's explore block"),
            std::string::npos)
      << block.out;
}

// The stdout table splits violations by kind: stale writes no longer hide
// behind the combined rate.
TEST(CampaignCli, SweepTablesSplitViolationsByKind) {
  const CliResult r =
      run_cli({"sweep", kNaive, "--compare", "seed,naive", "--seeds", "40", "--progress", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = lines_of(r.out);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_NE(lines[0].find("overlap"), std::string::npos) << r.out;
  EXPECT_NE(lines[0].find("stale_write"), std::string::npos) << r.out;
  bool stale_row = false;
  for (const std::string& l : lines) stale_row = stale_row || l.rfind("stale_write  0/40", 0) == 0;
  EXPECT_TRUE(stale_row) << r.out;
  EXPECT_NE(r.out.find("violating (overlap "), std::string::npos) << r.out;
}

// explore --save all (issue 17.6): every seed's replay scenario.
TEST(CampaignCli, ExploreSaveAllSavesEverySeed) {
  TempDir dir("campaign-cli");
  const std::string out = (dir / "r.jsonl").string();
  const CliResult r = run_cli(
      {"explore", kNaive, "--seeds", "1..8", "--save", "all", "--progress", "none", "--out", out});
  ASSERT_NE(r.exit_code, 2) << r.err;
  for (int s = 1; s <= 8; ++s)
    EXPECT_TRUE(std::filesystem::exists(dir / ("r.runs/seed-" + std::to_string(s) + ".json"))) << s;
  EXPECT_NE(r.out.find("saved scenarios: " + (dir / "r.runs").string() + "/ (8 this session"),
            std::string::npos)
      << r.out;
  const CliResult replay = run_cli({"run", (dir / "r.runs/seed-2.json").string(), "--json"});
  const std::vector<std::string> csv = lines_of(run_cli({"results", out, "--csv"}).out);
  const std::vector<std::string> head = csv_row(csv.at(0));
  EXPECT_EQ(nlohmann::json::parse(replay.out)["trace_hash"],
            csv_row(csv.at(2))[column(head, "trace_hash")]);
}

}  // namespace
}  // namespace results_cli_test
}  // namespace leasesim
