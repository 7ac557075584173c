// Outputs are written whole or not at all, and an output that cannot be
// written is a clear error with exit code 2, never a silent loss:
//   * a full disk (/dev/full; a file-size limit for regular files),
//   * an unwritable or missing directory, --trace naming a directory,
//     --out naming a file,
//   * stdout that cannot be written,
//   * devices (/dev/null, /dev/full) are written to, never replaced,
//   * the --max-events / --timeout guards end in a clear verdict.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_process.hpp"

namespace fs = std::filesystem;
using leasesim::testing::CliProcess;
using leasesim::testing::CliResult;
using leasesim::testing::run_cli;
using leasesim::testing::run_with;
using leasesim::testing::slurp;
using leasesim::testing::TempDir;
using leasesim::testing::write_text;

namespace output_test {
namespace {

const std::string kScenario = std::string(LEASESIM_SOURCE_DIR) + "/scenarios/default.json";

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> out;
  for (const fs::directory_entry& e : fs::directory_iterator(dir))
    out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

bool is_char_device(const char* path) {
  struct stat st {};
  return ::stat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

// Runs leasesim under a 32 KiB file-size limit (RLIMIT_FSIZE, with SIGXFSZ
// ignored so writes fail with EFBIG): a full disk for regular files.
CliResult run_with_small_disk(const std::vector<std::string>& args, const fs::path& cwd) {
  std::vector<std::string> sh = {"-c", "trap '' XFSZ; ulimit -f 64; exec \"$0\" \"$@\"",
                                 LEASESIM_BINARY};
  sh.insert(sh.end(), args.begin(), args.end());
  return run_with(sh, {cwd, "/bin/sh", {}});
}

TEST(Output, TraceToDevFullIsAClearErrorAndKeepsTheDevice) {
  if (!is_char_device("/dev/full")) GTEST_SKIP() << "no /dev/full";
  const CliResult r = run_cli({"run", kScenario, "--trace", "/dev/full"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "leasesim run: cannot write \"/dev/full\": No space left on device\n");
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(is_char_device("/dev/full")) << "the device node was replaced";
}

// Every file `run` writes is named on stdout after the report, --trace's
// too (it was the one left unnamed); --json keeps stdout the report alone.
TEST(Output, RunNamesTheTraceItWrote) {
  TempDir dir("named-trace");
  const CliResult text = run_cli({"run", kScenario, "--trace", "t.jsonl"}, dir.path());
  ASSERT_EQ(text.exit_code, 0) << text.err;
  const std::string tail = "\nwrote t.jsonl\n";
  ASSERT_GE(text.out.size(), tail.size());
  EXPECT_EQ(text.out.substr(text.out.size() - tail.size()), tail) << text.out;

  const CliResult chrome =
      run_cli({"run", kScenario, "--trace", "t.json", "--trace-format", "chrome"}, dir.path());
  ASSERT_EQ(chrome.exit_code, 0) << chrome.err;
  EXPECT_NE(chrome.out.find("\nwrote t.json\n"), std::string::npos) << chrome.out;

  const CliResult json = run_cli({"run", kScenario, "--trace", "t2.jsonl", "--json"}, dir.path());
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out.find("wrote"), std::string::npos) << json.out;
  EXPECT_TRUE(nlohmann::json::accept(json.out)) << json.out;
}

TEST(Output, TraceToDevNullWorksAndKeepsTheDevice) {
  if (!is_char_device("/dev/null")) GTEST_SKIP() << "no /dev/null";
  const CliResult r = run_cli({"run", kScenario, "--trace", "/dev/null"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("SAFETY     holds"), std::string::npos) << r.out;
  EXPECT_TRUE(is_char_device("/dev/null")) << "the device node was replaced";
}

TEST(Output, StdoutThatCannotBeWrittenIsAnError) {
  if (!is_char_device("/dev/full")) GTEST_SKIP() << "no /dev/full";
  for (const std::vector<std::string>& args : {std::vector<std::string>{"run", kScenario},
                                               {"run", kScenario, "--json"},
                                               {"validate", kScenario},
                                               {"schema"}}) {
    SCOPED_TRACE(args[0]);
    const CliResult r = run_with(args, {{}, {}, "/dev/full"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "leasesim: cannot write the output: No space left on device\n");
  }
}

TEST(Output, FullDiskLeavesNoPartialFiles) {
  TempDir dir("out");
  const CliResult r = run_with_small_disk({"run", kScenario, "--out", "o"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "leasesim run: cannot write \"o/trace.jsonl\": File too large\n");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(entries(dir / "o"), std::vector<std::string>{}) << "partial or temporary files left";

  const CliResult t = run_with_small_disk({"run", kScenario, "--trace", "t.jsonl"}, dir.path());
  EXPECT_EQ(t.exit_code, 2);
  EXPECT_EQ(t.err, "leasesim run: cannot write \"t.jsonl\": File too large\n");
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"o"});
}

TEST(Output, FailedWriteKeepsThePreviousFileWhole) {
  TempDir dir("out");
  write_text(dir / "t.jsonl", "previous run\n");
  const CliResult r = run_with_small_disk({"run", kScenario, "--trace", "t.jsonl"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(slurp(dir / "t.jsonl"), "previous run\n");
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"t.jsonl"});
}

TEST(Output, UnwritablePaths) {
  TempDir dir("out");
  fs::create_directory(dir / "adir");
  write_text(dir / "afile", "x");
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  std::vector<Case> cases = {
      {{"run", kScenario, "--trace", "nodir/t.jsonl"},
       "leasesim run: cannot create \"nodir/t.jsonl\": No such file or directory\n"},
      {{"run", kScenario, "--trace", "adir"},
       "leasesim run: cannot create \"adir\": Is a directory\n"},
      {{"run", kScenario, "--trace", "afile/t.jsonl"},
       "leasesim run: cannot create \"afile/t.jsonl\": Not a directory\n"},
      {{"run", kScenario, "--out", "afile"},
       "leasesim run: --out \"afile\" exists and is not a directory\n"},
      {{"run", kScenario, "--out", "afile/sub"},
       "leasesim run: cannot create \"afile/sub\": Not a directory\n"},
  };
  // Permission bits do not stop root; /sys refuses new files to everyone.
  if (fs::is_directory("/sys/kernel"))
    cases.push_back(
        {{"run", kScenario, "--trace", "/sys/leasesim-test.jsonl"},
         "leasesim run: cannot create \"/sys/leasesim-test.jsonl\": Permission denied\n"});
  if (::geteuid() != 0) {
    fs::create_directory(dir / "ro");
    fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    cases.push_back({{"run", kScenario, "--out", "ro"},
                     "leasesim run: cannot create \"ro/trace.jsonl\": Permission denied\n"});
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args.back());
    const CliResult r = run_cli(c.args, dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, c.err);
    EXPECT_EQ(r.out, "");
  }
  EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{"adir", "afile"}));
  EXPECT_EQ(entries(dir / "adir"), std::vector<std::string>{});
}

TEST(Output, OutWritesExactlyTheThreeFilesWhole) {
  TempDir dir("out");
  const CliResult r = run_cli({"run", kScenario, "--out", "o"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(entries(dir / "o"),
            (std::vector<std::string>{"report.json", "report.txt", "trace.jsonl"}));
  const nlohmann::json report = nlohmann::json::parse(slurp(dir / "o" / "report.json"));
  EXPECT_EQ(report["complete"], true);
  const std::string trace = slurp(dir / "o" / "trace.jsonl");
  ASSERT_FALSE(trace.empty());
  EXPECT_EQ(trace.back(), '\n');
  // A second run replaces each file whole with the same content.
  const CliResult again = run_cli({"run", kScenario, "--out", "o"}, dir.path());
  ASSERT_EQ(again.exit_code, 0);
  EXPECT_EQ(slurp(dir / "o" / "trace.jsonl"), trace);
  EXPECT_EQ(entries(dir / "o").size(), 3u);
}

// Every file --out writes is opened before the run: a folder in the way of
// any of them is refused up front, and no file of the run is left beside it.
// A run interrupted by Ctrl-C or SIGTERM while writing --out or --trace
// stops, publishes nothing and removes its temporary files (before: the
// signal killed it and left trace.jsonl.tmp-PID, hundreds of MB for W1).
TEST(Output, AnInterruptedRunLeavesNoTemporaryFiles) {
  const std::string big = std::string(LEASESIM_SOURCE_DIR) + "/scenarios/bench/w1-c10k.json";
  for (const int sig : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(sig);
    TempDir dir("interrupted-run");
    const std::filesystem::path out = dir / "out";
    const std::filesystem::path trace = dir / "t.jsonl";
    CliProcess p({"run", big, "--out", out.string()});
    CliProcess q({"run", big, "--trace", trace.string(), "--json"});
    // Wait (bounded) until both are writing their traces, then interrupt.
    auto temporaries = [&] {
      size_t n = 0;
      for (const std::filesystem::path& d : {out, dir.path()}) {
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator(d, ec))
          n += e.path().filename().string().find(".tmp-") != std::string::npos &&
               e.is_regular_file() && e.file_size() > 0;
      }
      return n;
    };
    for (int i = 0; i < 2400 && temporaries() < 2; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    ASSERT_GE(temporaries(), 2u) << "the runs never started writing";
    p.signal(sig);
    q.signal(sig);
    for (CliProcess* c : {&p, &q}) {
      const CliResult r = c->finish(std::chrono::seconds(60));
      ASSERT_FALSE(r.timed_out);
      EXPECT_EQ(r.signal, 0);
      EXPECT_EQ(r.exit_code, 130) << r.err;
      EXPECT_NE(r.err.find("leasesim run: interrupted at "), std::string::npos) << r.err;
      EXPECT_EQ(r.out, "");
    }
    std::vector<std::string> left;
    for (const std::filesystem::path& d : {out, dir.path()})
      for (const auto& e : std::filesystem::directory_iterator(d))
        if (e.path() != out) left.push_back(e.path().filename().string());
    EXPECT_TRUE(left.empty()) << ::testing::PrintToString(left);
  }
}

TEST(Output, OutWithAFolderInTheWayWritesNothing) {
  for (const std::string name : {"trace.jsonl", "trace.chrome.json", "report.txt", "report.json"}) {
    SCOPED_TRACE(name);
    TempDir dir("out");
    fs::create_directories(dir / "o" / name);
    const std::string earlier = name == "report.txt" ? "trace.jsonl" : "report.txt";
    write_text(dir / "o" / earlier, "earlier\n");
    const CliResult r =
        run_cli({"run", kScenario, "--out", "o", "--trace-format", "chrome"}, dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "leasesim run: cannot create \"o/" + name + "\": Is a directory\n");
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(slurp(dir / "o" / earlier), "earlier\n");
    std::vector<std::string> expected = {earlier, name};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(entries(dir / "o"), expected) << "files of the refused run left behind";
  }
}

// An output that is also an input would destroy it (a tab-completion slip
// turned a hand-written scenario into a results file, a results file into
// CSV that no longer resumes): refused up front, exit 2, the input intact.
TEST(Output, AnOutputThatIsAnInputIsRefused) {
  TempDir dir("out");
  const std::string scenario = slurp(kScenario);
  write_text(dir / "x.json", scenario);
  ASSERT_EQ(run_cli({"explore", "x.json", "--seeds", "2", "-q", "--out", "r.jsonl"}, dir.path())
                .exit_code,
            0);
  const std::string results = slurp(dir / "r.jsonl");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"explore", "x.json", "--seeds", "2", "-q", "--out", "x.json"}, "--out"},
      {{"sweep", "x.json", "--seeds", "2", "-q", "--compare", "seed,naive", "--out", "./x.json"},
       "--out"},
      {{"results", "r.jsonl", "--csv", "-o", "r.jsonl"}, "--out"},
      {{"merge", "r.jsonl", "--out", "r.jsonl"}, "--out"},
      {{"check", "x.json", "--junit", "x.json"}, "--junit"},
      {{"run", "x.json", "--trace", "x.json"}, "--trace"},
      {{"shrink", "x.json", "-o", "x.json"}, "--out"},
  };
  for (const auto& [args, option] : cases) {
    SCOPED_TRACE(::testing::PrintToString(args));
    const CliResult r = run_cli(args, dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(option + " \""), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("is also an input"), std::string::npos) << r.err;
    EXPECT_EQ(slurp(dir / "x.json"), scenario);
    EXPECT_EQ(slurp(dir / "r.jsonl"), results);
  }
  // Two outputs on one file: the trace would be replaced by the picture.
  const CliResult both =
      run_cli({"run", "x.json", "--trace", "same.png", "--plot", "same.png"}, dir.path());
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("--plot \"same.png\" is also --trace"), std::string::npos) << both.err;
}

TEST(Output, BadScenarioLeavesEarlierOutputsAlone) {
  TempDir dir("out");
  fs::create_directory(dir / "o");
  write_text(dir / "o" / "report.txt", "earlier\n");
  write_text(dir / "bad.json", "{\"name\": \"x\"}");
  const CliResult r = run_cli({"run", "bad.json", "--out", "o"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "bad.json: (root): missing required key \"duration\"\n");
  EXPECT_EQ(slurp(dir / "o" / "report.txt"), "earlier\n");
  EXPECT_EQ(entries(dir / "o"), std::vector<std::string>{"report.txt"});
}

// ---- Guards ------------------------------------------------------------

TEST(Guards, MaxEventsGivesAnIncompleteVerdict) {
  const CliResult r = run_cli({"run", kScenario, "--max-events", "1000"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("(event budget exhausted)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SAFETY     INCOMPLETE: no violation up to "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("but the run stopped (event budget exhausted) before the scenario's end at "
                       "60.000000s"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("SAFETY     holds"), std::string::npos) << r.out;

  const CliResult j = run_cli({"run", kScenario, "--max-events", "1000", "--json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const nlohmann::json report = nlohmann::json::parse(j.out);
  EXPECT_EQ(report["events"], 1000);
  // The results files' token; the text report's words alongside.
  EXPECT_EQ(report["end_reason"], "event_budget");
  EXPECT_EQ(report["end_reason_text"], "event budget exhausted");
  EXPECT_EQ(report["complete"], false);
  // As the text report, check and explore: no violation so far is not "holds".
  EXPECT_EQ(report["safety"], "incomplete");
  EXPECT_EQ(report["failures"], 0);

  // The whole run: holds, complete, "completed" as in results files.
  const CliResult whole = run_cli({"run", kScenario, "--json"});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const nlohmann::json full = nlohmann::json::parse(whole.out);
  EXPECT_EQ(full["safety"], "holds");
  EXPECT_EQ(full["complete"], true);
  EXPECT_EQ(full["end_reason"], "completed");
  EXPECT_EQ(full["end_reason_text"], "completed");
}

// A scenario that would run for a long time (30 days of virtual time) is
// stopped by --timeout with a clear verdict; the test only bounds how long
// it may take overall, it asserts nothing about timing.
TEST(Guards, TimeoutStopsALongRun) {
  TempDir dir("guard");
  write_text(dir / "long.json",
             "{\"name\": \"long\", \"duration\": \"720h\", \"core\": {\"heartbeat\": \"10ms\"},"
             " \"requestors\": [{\"count\": 20, \"hold\": \"100ms\", \"think\": \"0s\"}]}");
  const CliResult r = run_cli({"run", "long.json", "--timeout", "300ms", "--json"}, dir.path(),
                              std::chrono::seconds(60));
  ASSERT_FALSE(r.timed_out) << "--timeout did not stop the run";
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["end_reason"], "timeout");
  EXPECT_EQ(report["end_reason_text"], "wall-clock timeout");
  EXPECT_EQ(report["complete"], false);
  EXPECT_EQ(report["safety"], "incomplete");
  EXPECT_LT(report["end_ns"].get<int64_t>(), int64_t{720} * 3600 * 1000000000);
}

// explore: every seed cut short is "incomplete", never "holds".
TEST(Guards, ExploreRunsCutShortAreIncomplete) {
  TempDir dir("guard");
  write_text(dir / "long.json",
             "{\"name\": \"long\", \"duration\": \"720h\", \"core\": {\"heartbeat\": \"10ms\"},"
             " \"requestors\": [{\"count\": 20, \"hold\": \"100ms\", \"think\": \"0s\"}]}");
  struct Case {
    std::vector<std::string> args;
    size_t seeds;
  };
  const Case cases[] = {
      {{"explore", kScenario, "--seeds", "1..3", "--max-events", "1000"}, 3},
      {{"explore", "long.json", "--seeds", "1..2", "--timeout", "300ms", "--jobs", "1"}, 2},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = c.args;
    for (const char* a : {"-q", "--out", "r.jsonl"}) args.push_back(a);
    SCOPED_TRACE(c.args[1]);
    const CliResult r = run_cli(args, dir.path(), std::chrono::seconds(120));
    ASSERT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    size_t seeds = 0;
    const std::string text = slurp(dir / "r.jsonl");
    for (size_t start = 0, nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
      const nlohmann::json line = nlohmann::json::parse(text.substr(start, nl - start));
      if (line.value("type", "") == "run") {
        ++seeds;
        EXPECT_EQ(line["verdict"], "incomplete") << line.dump();
      } else if (line.value("type", "") == "summary") {
        EXPECT_EQ(line["incomplete"], c.seeds);
        EXPECT_EQ(line["holds"], 0);
      }
    }
    EXPECT_EQ(seeds, c.seeds);
  }
}

// --until past the scenario's end cannot extend the run: it says so.
TEST(Guards, UntilPastTheEndWarns) {
  const CliResult past = run_cli({"run", kScenario, "--until", "100s"});
  EXPECT_EQ(past.exit_code, 0);
  EXPECT_EQ(
      past.err,
      "warning: --until 100s is past the scenario's end (duration 1m): the run stops at 1m\n");
  const CliResult within = run_cli({"run", kScenario, "--until", "10s"});
  EXPECT_EQ(within.exit_code, 0);
  EXPECT_EQ(within.err, "");
}

TEST(Guards, BadGuardValuesAreUsageErrors) {
  for (const char* option : {"--timeout", "--until"}) {
    for (const char* value : {"-1s", "0s"}) {
      const CliResult r = run_cli({"run", kScenario, option, value});
      EXPECT_EQ(r.exit_code, 2);
      EXPECT_EQ(r.err, std::string("leasesim run: ") + option +
                           ": expected a positive duration\n(see leasesim run --help)\n");
      EXPECT_EQ(r.out, "");
    }
  }
}

}  // namespace
}  // namespace output_test
