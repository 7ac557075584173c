// `leasesim sweep`, `leasesim merge` of sweep shards and `leasesim shrink`
// as a user runs them (the binary), on the explore canary scenarios.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_process.hpp"

namespace leasesim {
namespace sweep_cli_test {
namespace {

using testing::CliProcess;
using testing::CliResult;
using testing::run_cli;
using testing::slurp;
using testing::TempDir;
using testing::write_text;

const std::string kData = std::string(LEASESIM_SOURCE_DIR) + "/tests/cli/data/";
const std::string kNaive = kData + "canary-naive.json";

std::vector<nlohmann::json> lines_with(const std::string& text, const char* key) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains(key)) out.push_back(j);
  }
  return out;
}

nlohmann::json summary_of(const std::string& text) {
  for (const nlohmann::json& j : lines_with(text, "type"))
    if (j["type"] == "summary") return j;
  ADD_FAILURE() << "no summary line in\n" << text;
  return nullptr;
}

TEST(SweepCli, CompareWritesOneLinePerCellAndAPaperTable) {
  TempDir dir("sweep-cli");
  const std::string out = (dir / "sweep.jsonl").string();
  const CliResult r =
      run_cli({"sweep", kNaive, "--param", "protocol=seed,naive", "--param", "lease.ttl=2s,3s",
               "--seeds", "40", "--progress", "none", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;  // violations are data, not an error
  const std::string text = slurp(out);
  const std::vector<nlohmann::json> cells = lines_with(text, "cell");
  ASSERT_EQ(cells.size(), 4u);
  EXPECT_EQ(cells[0]["cell"], (nlohmann::json{{"protocol", "seed"}, {"lease.ttl", "2s"}}));
  EXPECT_EQ(cells[3]["cell"], (nlohmann::json{{"protocol", "naive"}, {"lease.ttl", "3s"}}));
  uint64_t naive_violations = 0;
  for (const auto& c : cells) {
    EXPECT_EQ(c["runs"], 40);
    EXPECT_EQ(c["ci95"].size(), 2u);
    EXPECT_LE(c["ci95"][0].get<double>(), c["violation_rate"].get<double>());
    EXPECT_GE(c["ci95"][1].get<double>(), c["violation_rate"].get<double>());
    EXPECT_TRUE(c.contains("availability_mean"));
    EXPECT_TRUE(c.contains("acquire_p50_ns"));
    EXPECT_TRUE(c.contains("failover_p50_ns"));
    if (c["cell"]["protocol"] == "naive")
      naive_violations += c["violations"].get<uint64_t>();
    else
      EXPECT_EQ(c["violations"], 0) << c.dump();
  }
  EXPECT_GT(naive_violations, 0u);  // the canary: naive breaks within 40 seeds
  EXPECT_EQ(summary_of(text)["status"], "complete");
  EXPECT_EQ(lines_with(text, "cell_index").size(), 4u * 40 + 4);
  EXPECT_NE(r.out.find("violation rate by protocol"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("lease.ttl"), std::string::npos) << r.out;
}

// A markdown table keeps its columns whatever the values say: a `|` in a
// parameter value is escaped (it made the row one column longer; found by
// an adversarial CLI test).
TEST(SweepCli, MarkdownTablesEscapeBars) {
  TempDir dir("sweep-md");
  const CliResult r =
      run_cli({"sweep", kNaive, "--param", "description=a|b,c\\|d", "--seeds", "2", "--progress",
               "none", "--table", "markdown", "--out", (dir / "s.jsonl").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("a\\|b"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("c\\\\\\|d"), std::string::npos) << r.out;  // c\\\|d: both escaped
  std::istringstream in(r.out);
  std::string line;
  size_t rows = 0, columns = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '|') {
      columns = 0;  // between tables
      continue;
    }
    size_t bars = 0;
    for (size_t i = 0; i < line.size(); ++i)
      bars += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
    if (columns == 0) columns = bars;
    EXPECT_EQ(bars, columns) << line;
    ++rows;
  }
  EXPECT_GE(rows, 4u) << r.out;  // header, rule, two cells
}

TEST(SweepCli, ShardsMergeToExactlyTheUnshardedFileWhateverTheJobs) {
  TempDir dir("sweep-cli");
  const std::vector<std::string> base = {
      "sweep",   kNaive,  "--compare",  "safe,naive", "--param", "core.servers=1,3",
      "--seeds", "5..19", "--progress", "none",       "--quiet"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  const std::string whole = (dir / "whole.jsonl").string();
  ASSERT_EQ(run_cli(with({"--jobs", "2", "--out", whole})).exit_code, 0);
  const std::string one_job = (dir / "one.jsonl").string();
  ASSERT_EQ(run_cli(with({"--jobs", "1", "--out", one_job})).exit_code, 0);
  EXPECT_EQ(slurp(whole), slurp(one_job));
  std::vector<std::string> merge = {"merge"};
  for (int k = 3; k >= 1; --k) {
    const std::string shard = (dir / ("shard" + std::to_string(k) + ".jsonl")).string();
    const CliResult r = run_cli(with({"--shard", std::to_string(k) + "/3", "--out", shard}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    merge.push_back(shard);
  }
  const std::string merged = (dir / "merged.jsonl").string();
  merge.insert(merge.end(), {"--out", merged});
  const CliResult m = run_cli(merge);
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(slurp(merged), slurp(whole));
  // A missing shard is refused.
  const CliResult bad = run_cli({"merge", merge[1], merge[2]});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("is missing"), std::string::npos) << bad.err;
}

TEST(SweepCli, BadParametersExit2NamingTheParameter) {
  CliResult r = run_cli({"sweep", kNaive, "--param", "lease.ttl.x=1,2", "--seeds", "2"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--param lease.ttl.x"), std::string::npos) << r.err;
  r = run_cli({"sweep", kNaive, "--param", "lease.ttl=2s,soon", "--seeds", "2"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cell lease.ttl=soon"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/lease/ttl"), std::string::npos) << r.err;
  r = run_cli({"sweep", kNaive, "--param", "lease.ttl", "--seeds", "2"});
  EXPECT_EQ(r.exit_code, 2);
  r = run_cli({"sweep", kNaive, "--param", "requestors.7.hold=1s", "--seeds", "2"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("out of range"), std::string::npos) << r.err;
}

// 64 parameters of two values each are 2^64 cells, far past the grid's
// limit: the count wrapped to 0 and sweep ran nothing, exit 0, "complete".
TEST(SweepCli, AGridPastSixtyFourBitsIsRefused) {
  std::vector<std::string> args = {"sweep", kNaive, "--seeds", "1", "-q"};
  for (int i = 0; i < 64; ++i) {
    args.push_back("--param");
    args.push_back("description.p" + std::to_string(i) + "=1,2");
  }
  const CliResult r = run_cli(args);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.err, "the grid has 18446744073709551615 or more cells (at most 100000)\n");
  EXPECT_EQ(r.out, "");
}

// A --param value goes into each cell's document and the results file as
// a JSON string: one that is not UTF-8 aborted sweep (the JSON library's
// exception, exit 134). Now it is a usage error naming the byte.
TEST(SweepCli, AParameterThatIsNotUtf8IsRefused) {
  const CliResult r =
      run_cli({"sweep", kNaive, "--seeds", "1", "--param", "description=caf\xE9", "-q"});
  EXPECT_EQ(r.signal, 0) << "crashed";
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err,
            "leasesim sweep: --param: expected UTF-8 text, found byte 0xE9 in "
            "\"description=caf\xE9\"\n(see leasesim sweep --help)\n");
  EXPECT_EQ(r.out, "");
}

TEST(SweepCli, InterruptKeepsFinishedRunsAndResumeCompletesTheSameFile) {
  TempDir dir("sweep-cli");
  const std::vector<std::string> args = {"sweep", kNaive,   "--compare", "seed,naive", "--seeds",
                                         "500",   "--jobs", "1",         "--progress", "none"};
  const std::string cut = (dir / "cut.jsonl").string();
  std::vector<std::string> a = args;
  a.insert(a.end(), {"--out", cut});
  CliProcess p(a);
  // Wait until some runs are written, then interrupt.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (lines_with(slurp(cut), "cell_index").size() < 20 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  p.signal(SIGINT);
  const CliResult r = p.finish();
  if (r.exit_code == 0) GTEST_SKIP() << "the sweep finished before the interrupt";
  ASSERT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.out.find("resume with:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--resume"), std::string::npos) << r.out;
  const std::string partial = slurp(cut);
  ASSERT_FALSE(partial.empty());
  EXPECT_EQ(partial.back(), '\n');  // whole lines only
  EXPECT_EQ(summary_of(partial)["status"], "interrupted");

  std::vector<std::string> resume = a;
  resume.push_back("--resume");
  const CliResult done = run_cli(resume);
  ASSERT_EQ(done.exit_code, 0) << done.err;
  const std::string whole = (dir / "whole.jsonl").string();
  std::vector<std::string> b = args;
  b.insert(b.end(), {"--out", whole, "--quiet"});
  ASSERT_EQ(run_cli(b).exit_code, 0);
  EXPECT_EQ(slurp(cut), slurp(whole));
}

// A saved run names its preset and only the knobs that differ from it, so
// a sweep comparing presets over it runs each preset's knobs (before: the
// file listed every knob, the "safe" cells ran naive's and reported its
// violations as safe's). A scenario that does set knobs is warned about.
TEST(SweepCli, ComparedPresetsOverASavedRunRunTheirOwnKnobs) {
  TempDir dir("sweep-saved");
  const std::string results = (dir / "e.jsonl").string();
  const CliResult e = run_cli({"explore", kNaive, "--seeds", "1..40", "--stop-on-first",
                               "--progress", "none", "--quiet", "--out", results});
  ASSERT_EQ(e.exit_code, 1) << e.out << e.err;
  std::string saved;
  for (const auto& f : std::filesystem::directory_iterator(dir / "e.failures"))
    saved = f.path().string();
  ASSERT_FALSE(saved.empty());
  const nlohmann::json doc = nlohmann::json::parse(slurp(saved));
  EXPECT_EQ(doc["protocol"]["preset"], "naive");
  EXPECT_FALSE(doc["protocol"].contains("knobs")) << doc["protocol"].dump();
  const uint64_t seed = doc["seed"].get<uint64_t>();
  const std::string seeds = std::to_string(seed) + ".." + std::to_string(seed);
  const std::string out = (dir / "sv.jsonl").string();
  const CliResult sw =
      run_cli({"sweep", saved, "--compare", "safe,naive", "--seeds", seeds, "--no-random-faults",
               "--jobs", "1", "--save", "none", "--progress", "none", "--out", out});
  ASSERT_EQ(sw.exit_code, 0) << sw.err;
  EXPECT_EQ(sw.err.find("overrides knob"), std::string::npos) << sw.err;
  const std::vector<nlohmann::json> cells = lines_with(slurp(out), "cell");
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0]["cell"]["protocol"], "safe");
  EXPECT_EQ(cells[0]["violations"], 0) << cells[0].dump();
  EXPECT_EQ(cells[1]["cell"]["protocol"], "naive");
  EXPECT_EQ(cells[1]["violations"], 1) << cells[1].dump();

  // A file that sets a knob keeps it in every compared preset: said once.
  const std::string fenced =
      std::string(LEASESIM_SOURCE_DIR) + "/scenarios/pause/gc-pause-fencing-on.json";
  const CliResult w = run_cli({"sweep", fenced, "--compare", "seed,naive", "--seeds", "1",
                               "--no-random-faults", "--save", "none", "--progress", "none"});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  EXPECT_NE(
      w.err.find(fenced + ": the scenario overrides knob fencing of its preset; every compared "
                          "preset keeps them"),
      std::string::npos)
      << w.err;
  // Not when the sweep sets that knob itself.
  const CliResult own = run_cli({"sweep", fenced, "--compare", "seed,naive", "--param",
                                 "protocol.knobs.fencing=true,false", "--seeds", "1",
                                 "--no-random-faults", "--save", "none", "--progress", "none"});
  ASSERT_EQ(own.exit_code, 0) << own.err;
  EXPECT_EQ(own.err.find("overrides knob"), std::string::npos) << own.err;
}

TEST(ShrinkCli, ShrinksAnExploreFailureToARunnableReproducer) {
  TempDir dir("shrink-cli");
  const std::string failures = (dir / "failures").string();
  const CliResult e = run_cli({"explore", kNaive, "--seeds", "1..200", "--stop-on-first",
                               "--save-failures", failures, "--progress", "none", "--quiet"});
  ASSERT_EQ(e.exit_code, 1) << e.out << e.err;
  std::string failing;
  for (const auto& f : std::filesystem::directory_iterator(failures)) failing = f.path().string();
  ASSERT_FALSE(failing.empty());
  const std::string out = (dir / "min.json").string();
  const CliResult s = run_cli({"shrink", failing, "--out", out});
  ASSERT_EQ(s.exit_code, 0) << s.out << s.err;
  EXPECT_NE(s.out.find("before: "), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("after:  "), std::string::npos) << s.out;
  // It names only the knobs that differ from its preset (none here), so
  // changing the preset changes them.
  const nlohmann::json shrunk = nlohmann::json::parse(slurp(out));
  EXPECT_EQ(shrunk["protocol"]["preset"], "naive");
  EXPECT_FALSE(shrunk["protocol"].contains("knobs")) << shrunk["protocol"].dump();
  // It reproduces, and claims so (check passes on it).
  EXPECT_EQ(run_cli({"run", out}).exit_code, 1);
  EXPECT_EQ(run_cli({"check", out}).exit_code, 0);
  // Default output name.
  const CliResult d = run_cli({"shrink", failing, "--quiet"});
  EXPECT_EQ(d.exit_code, 0) << d.err;
  std::string min = failing;
  min.replace(min.size() - 5, 5, ".min.json");
  EXPECT_EQ(slurp(min), slurp(out));

  // A per-run event limit that cuts the input's run short before its
  // violation is named as such, not as "does not violate".
  const CliResult cut = run_cli({"shrink", failing, "--max-events", "1", "--out", out});
  EXPECT_EQ(cut.exit_code, 1);
  EXPECT_EQ(cut.out.find("does not violate"), std::string::npos) << cut.out;
  EXPECT_NE(cut.out.find("the input's run was cut short by --max-events 1 at 0.0"),
            std::string::npos)
      << cut.out;
  EXPECT_NE(cut.out.find("s (virtual) before any violation: nothing to shrink; raise --max-events"),
            std::string::npos)
      << cut.out;
  // The reproduce command is shell-quoted.
  const std::string odd = (dir / "it's here.json").string();
  const CliResult q = run_cli({"shrink", failing, "--out", odd, "--quiet"});
  EXPECT_EQ(q.exit_code, 0) << q.err;
  EXPECT_NE(
      q.out.find("(leasesim run '" + (dir / "it'\\''s here.json").string() + "' reproduces it)"),
      std::string::npos)
      << q.out;
  // --max-runs counts every run.
  const CliResult one = run_cli({"shrink", failing, "--max-runs", "1", "--out", out});
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("0 step(s) accepted, 1 run(s)"), std::string::npos) << one.out;
  // A budget that allowed no step does not call the input minimal.
  EXPECT_EQ(one.out.find("already minimal"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("nothing was removed within the budget"), std::string::npos) << one.out;
}

TEST(ShrinkCli, NothingToShrinkAndBadInput) {
  TempDir dir("shrink-cli");
  const std::string safe = (dir / "safe.json").string();
  write_text(safe, R"({"name": "calm", "duration": "3s"})");
  CliResult r = run_cli({"shrink", safe});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("nothing to shrink"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir / "safe.min.json"));
  r = run_cli({"shrink", (dir / "missing.json").string()});
  EXPECT_EQ(r.exit_code, 2);
  r = run_cli({"shrink", safe, "--kind", "overlapp"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown violation kind"), std::string::npos) << r.err;
  // An output that cannot be written is found before the shrink runs.
  r = run_cli({"shrink", safe, "--out", (dir / "no-such-dir" / "m.json").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot write into"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  r = run_cli({"shrink", safe, "--out", dir.path().string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sweep_cli_test
}  // namespace leasesim
