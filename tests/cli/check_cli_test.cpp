// `leasesim check` as a CI test runner: --seeds (expect per seed), -k, --list,
// --timeout/--max-events (a run cut short fails), loader warnings shown, an
// empty selection refused, skipped bench folders reported, an aligned table,
// --jobs with the same output in the same order, and --junit written whole
// (its XML shape is checked by tests/scripts/test_check_junit.py).
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_process.hpp"

namespace fs = std::filesystem;
using leasesim::testing::CliResult;
using leasesim::testing::run_cli;
using leasesim::testing::slurp;
using leasesim::testing::TempDir;
using leasesim::testing::write_text;

namespace check_cli_test {
namespace {

const fs::path kScenarios = fs::path(LEASESIM_SOURCE_DIR) / "scenarios";
const fs::path kHolds = kScenarios / "pause" / "gc-pause-fencing-on.json";
const fs::path kViolates = kScenarios / "pause" / "gc-pause-fencing-off.json";

std::string with_expect(const fs::path& scenario, const nlohmann::json& expect) {
  nlohmann::json j = nlohmann::json::parse(slurp(scenario));
  j["expect"] = expect;
  return j.dump(2);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> run_lines(const std::string& out) {
  std::vector<std::string> rows;
  for (const std::string& l : lines_of(out))
    if (l.rfind("PASS ", 0) == 0 || l.rfind("FAIL ", 0) == 0) rows.push_back(l);
  return rows;
}

// A folder: a/holds.json, b/claims-holds.json (violates, expects holds),
// b/broken.json (invalid), a/bench/w.json (skipped by a folder search).
struct Fixture {
  TempDir dir{"check-ci"};
  Fixture() {
    fs::create_directories(dir / "a" / "bench");
    fs::create_directories(dir / "b");
    fs::copy_file(kHolds, dir / "a" / "holds.json");
    write_text(dir / "b" / "claims-holds.json", with_expect(kViolates, {{"safety", "holds"}}));
    write_text(dir / "b" / "broken.json",
               R"({"name": "broken", "duration": "10s", "core": {"heartbeet": "50ms"}})");
    fs::copy_file(kHolds, dir / "a" / "bench" / "w.json");
  }
  std::string path(const std::string& rel) const { return (dir / rel).string(); }
};

TEST(CheckSeeds, EachScenarioRunsOverTheSeedsAndItsExpectAppliesToEach) {
  Fixture f;
  const CliResult r =
      run_cli({"check", f.path("a"), f.path("b/claims-holds.json"), "--seeds", "3..5"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::vector<std::string> rows = run_lines(r.out);
  ASSERT_EQ(rows.size(), 6u) << r.out;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(rows[i].rfind("PASS  " + f.path("a/holds.json"), 0), 0u) << rows[i];
    EXPECT_NE(rows[i].find("seed " + std::to_string(3 + i) + " "), std::string::npos) << rows[i];
    EXPECT_EQ(rows[3 + i].rfind("FAIL  " + f.path("b/claims-holds.json"), 0), 0u) << rows[3 + i];
  }
  // Different seeds are different runs.
  EXPECT_NE(rows[0].substr(rows[0].size() - 16), rows[1].substr(rows[1].size() - 16));
  EXPECT_NE(r.out.find("replay: leasesim run " + f.path("b/claims-holds.json") + " --seed 4"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("3 passed, 3 failed (6 run(s): seeds 3..5 of each scenario"),
            std::string::npos)
      << r.out;
  // Without --seeds: the scenario's own seed.
  const CliResult own = run_cli({"check", f.path("a/holds.json")});
  EXPECT_NE(own.out.find("seed 1 "), std::string::npos) << own.out;
  for (const char* bad : {"-1..3", "5..2", "x", "0"}) {
    const CliResult b = run_cli({"check", f.path("a"), "--seeds", bad});
    EXPECT_EQ(b.exit_code, 2) << bad;
    EXPECT_NE(b.err.find("--seeds"), std::string::npos) << b.err;
  }
}

TEST(CheckSelect, KeepsScenariosMatchingAnyPatternBySubstringOrGlob) {
  Fixture f;
  struct Case {
    std::vector<std::string> k;
    std::vector<std::string> files;  // selected, as printed by --list
  };
  const std::vector<Case> cases = {
      {{"claims"}, {"b/claims-holds.json"}},
      {{"gc-pause-fencing-on"}, {"a/holds.json"}},  // the scenario's name, not its path
      {{"*/holds.json"}, {"a/holds.json"}},
      {{"b/*"}, {"b/broken.json", "b/claims-holds.json"}},  // a tail of the path
      {{"hold?.json", "broken"}, {"a/holds.json", "b/broken.json"}},
      {{"*.json"}, {"a/holds.json", "b/broken.json", "b/claims-holds.json"}},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"check", f.dir.path().string(), "--list"};
    for (const std::string& k : c.k) args.insert(args.end(), {"-k", k});
    const CliResult r = run_cli(args);
    SCOPED_TRACE(::testing::PrintToString(c.k));
    std::vector<std::string> listed;
    for (const std::string& l : lines_of(r.out)) {
      const std::string root = f.dir.path().string() + "/";
      const size_t at = l.find(root);
      if (at == std::string::npos || l.rfind("skipped", 0) == 0) continue;
      listed.push_back(l.substr(at + root.size(), l.find(' ', at) - at - root.size()));
    }
    EXPECT_EQ(listed, c.files) << r.out;
  }
  const CliResult none = run_cli({"check", f.dir.path().string(), "-k", "zzz"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_EQ(none.out, "");
  EXPECT_NE(none.err.find("nothing to run: no scenario matches -k zzz (3 found under"),
            std::string::npos)
      << none.err;
}

TEST(CheckList, SaysWhatWouldRunWithoutRunningIt) {
  Fixture f;
  const CliResult r = run_cli({"check", f.dir.path().string(), "--list", "--seeds", "2..4"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;  // broken.json cannot be loaded
  EXPECT_TRUE(std::regex_search(
      r.out,
      std::regex(f.path("a/holds.json") + " +gc-pause-fencing-on  seeds 2..4  expects holds")))
      << r.out;
  EXPECT_NE(r.out.find("INVALID " + f.path("b/broken.json")), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("skipped " + f.path("a/bench") + "/: 1 file, name it to run them"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("2 scenario(s), 6 run(s), 1 invalid"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("PASS"), std::string::npos) << r.out;  // nothing ran
  EXPECT_EQ(r.out.find("trace"), std::string::npos) << r.out;
  const CliResult ok = run_cli({"check", f.path("a"), "--list"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("1 scenario(s), 1 run(s)\n"), std::string::npos) << ok.out;
  const CliResult both = run_cli({"check", f.path("a"), "--list", "--junit", "x.xml"});
  EXPECT_EQ(both.exit_code, 2);
}

TEST(CheckSelect, EmptySelectionIsExitTwoWithAMessage) {
  TempDir dir("check-empty");
  fs::create_directories(dir / "only" / "bench");
  fs::copy_file(kHolds, dir / "only" / "bench" / "a.json");
  fs::copy_file(kHolds, dir / "only" / "bench" / "b.json");
  fs::create_directories(dir / "nothing");
  const CliResult empty = run_cli({"check", (dir / "nothing").string()});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("leasesim check: nothing to run: no scenario files (*.json) under " +
                           (dir / "nothing").string()),
            std::string::npos)
      << empty.err;
  const CliResult bench = run_cli({"check", (dir / "only").string()});
  EXPECT_EQ(bench.exit_code, 2);
  EXPECT_NE(bench.err.find("; skipped " + (dir / "only" / "bench").string() +
                           "/: 2 files, name it to run them"),
            std::string::npos)
      << bench.err;
  // Naming the bench folder runs it.
  const CliResult named = run_cli({"check", (dir / "only" / "bench").string()});
  EXPECT_EQ(named.exit_code, 0) << named.out << named.err;
  EXPECT_NE(named.out.find("2 passed, 0 failed"), std::string::npos) << named.out;
}

TEST(CheckOutput, SkippedFoldersAreReportedAndColumnsAligned) {
  Fixture f;
  fs::remove(f.dir / "b" / "broken.json");
  fs::create_directories(f.dir / "a" / "a-much-longer-folder-name");
  fs::copy_file(kHolds, f.dir / "a" / "a-much-longer-folder-name" / "x.json");
  const CliResult r = run_cli({"check", f.dir.path().string(), "--seeds", "8..11"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("skipped " + f.path("a/bench") + "/: 1 file, name it to run them\n"),
            std::string::npos)
      << r.out;
  const std::vector<std::string> rows = run_lines(r.out);
  ASSERT_EQ(rows.size(), 12u) << r.out;
  // The seed, the time, the verdict and the hash start in the same column
  // on every line, whatever the path's length, seed's width or verdict.
  const std::regex row(R"(^(PASS|FAIL)  (\S+ +)seed (\d+ +) +\d+\.\d\ds  (\S+ +)  [0-9a-f]{16}$)");
  size_t seed_col = 0, verdict_col = 0;
  for (const std::string& l : rows) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(l, m, row)) << l;
    const size_t s = static_cast<size_t>(m.position(2) + m.length(2));
    const size_t v = static_cast<size_t>(m.position(4));
    if (seed_col == 0) seed_col = s, verdict_col = v;
    EXPECT_EQ(s, seed_col) << l;
    EXPECT_EQ(v, verdict_col) << l;
  }
}

TEST(CheckOutput, LoaderWarningsArePrinted) {
  TempDir dir("check-warn");
  nlohmann::json j = nlohmann::json::parse(slurp(kHolds));
  j["core"]["servers"] = 4;  // legal, but an even count tolerates no more failures than 3
  write_text(dir / "even.json", j.dump(2));
  const CliResult r = run_cli({"check", dir.path().string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("warning: " + (dir / "even.json").string() + ": "), std::string::npos)
      << r.err;
}

TEST(CheckGuards, ARunCutShortIsAFailureSayingWhy) {
  const CliResult events = run_cli({"check", kHolds.string(), "--max-events", "300"});
  EXPECT_EQ(events.exit_code, 1) << events.out << events.err;
  EXPECT_NE(events.out.find("  incomplete  "), std::string::npos) << events.out;
  EXPECT_NE(events.out.find("incomplete: stopped by --max-events 300 at "), std::string::npos)
      << events.out;
  EXPECT_NE(events.out.find("a run cut short proves nothing, raise the limit"), std::string::npos);
  // A huge workload and a tiny wall-clock budget.
  const CliResult slow =
      run_cli({"check", (kScenarios / "bench" / "w1-c10k.json").string(), "--timeout", "10ms"});
  EXPECT_EQ(slow.exit_code, 1) << slow.out << slow.err;
  EXPECT_NE(slow.out.find("incomplete: stopped by --timeout 10ms at "), std::string::npos)
      << slow.out;
  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"--timeout", "0s"},
                                             {"--timeout", "soon"},
                                             {"--max-events", "-5"},
                                             {"--max-events", "0"},
                                             {"--jobs", "0"},
                                             {"--jobs", "-1"},
                                             {"-k", ""}}) {
    std::vector<std::string> args = {"check", kHolds.string()};
    args.insert(args.end(), bad.begin(), bad.end());
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(bad) << r.err;
    EXPECT_EQ(r.out, "");
  }
}

// The printed replay command makes the run check made: a run cut by
// --max-events or --timeout replays with the same limit (before: only
// --seed, so the replay ran to the end, a different run).
TEST(CheckOutput, ReplayCommandsCarryTheRunShapingOptions) {
  const CliResult r = run_cli({"check", kHolds.string(), "--max-events", "300"});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::vector<std::string> rows = run_lines(r.out);
  ASSERT_EQ(rows.size(), 1u) << r.out;
  const std::string hash = rows[0].substr(rows[0].size() - 16);
  const std::string seed =
      std::to_string(nlohmann::json::parse(slurp(kHolds)).value("seed", uint64_t{1}));
  const std::string replay =
      "replay: leasesim run " + kHolds.string() + " --seed " + seed + " --max-events 300\n";
  EXPECT_NE(r.out.find(replay), std::string::npos) << r.out;
  // What it prints is the same run: the same trace hash, incomplete.
  const CliResult again =
      run_cli({"run", kHolds.string(), "--seed", seed, "--max-events", "300", "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const nlohmann::json rep = nlohmann::json::parse(again.out);
  EXPECT_EQ(rep["trace_hash"], hash);
  EXPECT_EQ(rep["complete"], false);

  const CliResult slow =
      run_cli({"check", (kScenarios / "bench" / "w1-c10k.json").string(), "--timeout", "10ms"});
  EXPECT_EQ(slow.exit_code, 1) << slow.out << slow.err;
  EXPECT_NE(slow.out.find(" --timeout 10ms\n"), std::string::npos) << slow.out;
}

// The replay command is pasted into a shell: a path with a space, a quote
// or a `$(...)` is quoted, as explore's commands are (before: printed raw,
// so pasting broke or ran `$(x)`).
TEST(CheckOutput, ReplayCommandsAreShellQuoted) {
  TempDir dir{"check-quote"};
  const fs::path odd = dir / "sp ace" / "it's $(x).json";
  fs::create_directories(odd.parent_path());
  write_text(odd, with_expect(kViolates, {{"safety", "holds"}}));
  const CliResult r = run_cli({"check", odd.string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::string quoted = "'" + (dir / "sp ace").string() + "/it'\\''s $(x).json'";
  EXPECT_NE(r.out.find("replay: leasesim run " + quoted + " --seed 1"), std::string::npos) << r.out;
}

std::string without_times(const std::string& out) {
  return std::regex_replace(out, std::regex(R"( +\d+\.\d\ds)"), " T");
}

TEST(CheckJobs, ParallelRunsPrintTheSameInTheSameOrder) {
  const std::vector<std::string> base = {"check", (kScenarios / "pause").string(),
                                         (kScenarios / "failover").string(), "--seeds", "1..3"};
  std::vector<std::string> one = base, four = base;
  one.insert(one.end(), {"--jobs", "1"});
  four.insert(four.end(), {"--jobs", "4"});
  const CliResult a = run_cli(one), b = run_cli(four);
  EXPECT_EQ(a.exit_code, 0) << a.out << a.err;
  EXPECT_EQ(b.exit_code, 0) << b.out << b.err;
  EXPECT_GT(run_lines(a.out).size(), 10u);
  EXPECT_EQ(without_times(a.out), without_times(b.out));
}

TEST(CheckJunit, WrittenWholeAlsoWhenRunsFailAndRefusedEarlyWhenUnwritable) {
  Fixture f;
  const std::string xml = f.path("report.xml");
  const CliResult r = run_cli({"check", f.path("a"), f.path("b"), "--junit", xml});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;  // broken.json
  const std::string text = slurp(xml);
  EXPECT_EQ(text.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ", 0), 0u);
  EXPECT_NE(text.find("</testsuites>\n"), std::string::npos);
  EXPECT_NE(text.find("tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"1\""), std::string::npos)
      << text;
  EXPECT_NE(r.out.find("wrote " + xml), std::string::npos);
  // An unwritable report is refused before anything runs.
  const CliResult bad =
      run_cli({"check", f.path("a"), "--junit", f.path("no-such-dir/report.xml")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_NE(bad.err.find("leasesim check: --junit: "), std::string::npos) << bad.err;
}

// A CI step that hits its time limit (SIGTERM, here from `timeout`, which
// sends it twice) keeps the verdicts of the runs that finished: the JUnit
// report is written with them and an error case saying the check was
// interrupted, no temporary file is left, and the exit code is 130. (Before:
// killed at once, exit 143, no report, a report.xml.tmp-PID left behind.)
// Runs of a few milliseconds, so that many finish before the signal even
// in a sanitizer build; the run in progress at the signal is abandoned (no
// verdict), every finished one is in the report.
TEST(CheckJunit, AnInterruptedCheckWritesTheRunsThatFinished) {
  TempDir dir{"check-interrupt"};
  const std::string xml = (dir / "report.xml").string();
  const CliResult r = leasesim::testing::run_with(
      {"--preserve-status", "1.5", LEASESIM_BINARY, "check",
       (kScenarios / "basics" / "steady-contention.json").string(), "--seeds", "1..1000000",
       "--jobs", "1", "--quiet", "--junit", xml},
      leasesim::testing::CliProcess::Options{{}, "/usr/bin/timeout", {}});
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_NE(r.out.find("interrupted after "), std::string::npos) << r.out;
  // The total counts the runs that were done, not the ones planned.
  const size_t at = r.out.find("interrupted after ");
  ASSERT_NE(at, std::string::npos);
  const std::string done = r.out.substr(at + 18, r.out.find(' ', at + 18) - (at + 18));
  EXPECT_NE(r.out.find("passed, 0 failed (" + done + " run(s)"), std::string::npos) << r.out;
  const std::string text = slurp(xml);
  EXPECT_NE(text.find("</testsuites>\n"), std::string::npos) << text;
  EXPECT_NE(text.find("type=\"interrupted\""), std::string::npos) << text;
  EXPECT_NE(text.find("steady-contention (seed 1)"), std::string::npos) << text.substr(0, 2000);
  // One case per finished run, and the interrupted one.
  size_t cases = 0;
  for (size_t p = text.find("<testcase "); p != std::string::npos;
       p = text.find("<testcase ", p + 1))
    ++cases;
  EXPECT_EQ(cases, std::stoull(done) + 1) << done;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path()))
    names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"report.xml"});
}

}  // namespace
}  // namespace check_cli_test
