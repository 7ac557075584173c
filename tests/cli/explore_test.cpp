// `leasesim explore` and `leasesim merge` as a user runs them (the binary),
// on two small canary scenarios in tests/cli/data.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli_process.hpp"
#include "leasesim/campaign/results.hpp"

namespace leasesim {
namespace explore_test {
namespace {

namespace fs = std::filesystem;

const std::string kBinary = LEASESIM_BINARY;
const std::string kNaive = std::string(LEASESIM_SOURCE_DIR) + "/tests/cli/data/canary-naive.json";
const std::string kSafe = std::string(LEASESIM_SOURCE_DIR) + "/tests/cli/data/canary-safe.json";

struct Outcome {
  int code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ExploreCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("leasesim-explore-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Runs `leasesim ARGS` (ARGS already shell-quoted where needed).
  Outcome leasesim(const std::string& args) const {
    const std::string out = path("stdout.txt"), err = path("stderr.txt");
    const std::string cmd = kBinary + " " + args + " >" + out + " 2>" + err;
    const int status = std::system(cmd.c_str());
    Outcome o;
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    o.out = slurp(out);
    o.err = slurp(err);
    return o;
  }

  ResultsFile results(const std::string& file) const {
    ResultsFile f;
    std::string error;
    EXPECT_TRUE(read_results(file, &f, &error)) << error;
    return f;
  }

  // The summary line of a results file.
  static nlohmann::json summary(const std::string& file) {
    std::istringstream in(slurp(file));
    std::string line, last;
    while (std::getline(in, line)) last = line;
    const nlohmann::json j = nlohmann::json::parse(last, nullptr, false);
    EXPECT_TRUE(j.is_object() && j.value("type", "") == "summary") << last;
    return j;
  }

  fs::path dir_;
};

TEST_F(ExploreCli, ResultsDoNotDependOnJobs) {
  const Outcome one =
      leasesim("explore " + kNaive + " --seeds 1..60 -q --jobs 1 --out " + path("j1.jsonl"));
  const Outcome two =
      leasesim("explore " + kNaive + " --seeds 1..60 -q --jobs 2 --out " + path("j2.jsonl"));
  ASSERT_EQ(one.code, two.code) << one.err << two.err;
  EXPECT_NE(one.code, 2) << one.err;
  const std::string a = slurp(path("j1.jsonl"));
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, slurp(path("j2.jsonl")));
  const ResultsFile f = results(path("j1.jsonl"));
  EXPECT_EQ(f.records.size(), 60u);
  ASSERT_TRUE(f.has_summary);
  EXPECT_EQ(f.status, "complete");
}

TEST_F(ExploreCli, MergedShardsAreByteIdenticalToTheUnshardedRun) {
  for (const std::string stop : {"", " --stop-on-first"}) {
    SCOPED_TRACE("options:" + stop);
    const std::string whole = path("whole.jsonl");
    leasesim("explore " + kNaive + " --seeds 5..70 -q --jobs 2" + stop + " --out " + whole);
    std::string shards;
    for (int k = 1; k <= 3; ++k) {
      const std::string shard = path("shard" + std::to_string(k) + ".jsonl");
      const Outcome o = leasesim("explore " + kNaive + " --seeds 5..70 -q --jobs 1 --shard " +
                                 std::to_string(k) + "/3" + stop + " --out " + shard);
      ASSERT_NE(o.code, 2) << o.err;
      shards = " " + shard + shards;  // any order
    }
    const Outcome m = leasesim("merge" + shards + " --out " + path("merged.jsonl"));
    EXPECT_NE(m.code, 2) << m.err;
    EXPECT_EQ(slurp(path("merged.jsonl")), slurp(whole));
    // To stdout as well.
    EXPECT_EQ(leasesim("merge" + shards).out, slurp(whole));
  }
}

// A results file names the leasesim that started it (header "leasesim":
// the version and the build `--version` prints). Resuming with another
// build, or merging shards of two builds, works and warns.
TEST_F(ExploreCli, ResultsNameTheirBuildAndMixingBuildsWarns) {
  const Outcome v = leasesim("--version");
  const std::string build =
      v.out.substr(v.out.find("(git ") + 5, v.out.find(')') - v.out.find("(git ") - 5);
  const std::string a = path("a.jsonl"), b = path("b.jsonl");
  ASSERT_NE(leasesim("explore " + kSafe + " --seeds 1..6 -q --shard 1/2 --out " + a).code, 2);
  ASSERT_NE(leasesim("explore " + kSafe + " --seeds 1..6 -q --shard 2/2 --out " + b).code, 2);
  const std::string a_text = slurp(a);
  const nlohmann::json header = nlohmann::json::parse(a_text.substr(0, a_text.find('\n')));
  EXPECT_EQ(header["leasesim"]["build"], build);
  // `results` says which leasesim wrote the file, as --version does.
  const std::string version_line = v.out.substr(0, v.out.find('\n'));
  EXPECT_NE(leasesim("results " + a).out.find("  written by: " + version_line + "\n"),
            std::string::npos);
  Outcome m = leasesim("merge " + a + " " + b + " --out " + path("m.jsonl"));
  EXPECT_EQ(m.code, 0) << m.err;
  EXPECT_EQ(m.err.find("warning"), std::string::npos) << m.err;
  // Shard 2 as another build wrote it.
  const std::string b_text = slurp(b);
  const size_t at = b_text.find(build);
  ASSERT_NE(at, std::string::npos);
  std::ofstream(b, std::ios::binary)
      << b_text.substr(0, at) + "0123456789ab" + b_text.substr(at + build.size());
  m = leasesim("merge " + a + " " + b + " --out " + path("m2.jsonl"));
  EXPECT_EQ(m.code, 0) << m.err;
  EXPECT_NE(m.err.find("warning: the shards were written by different builds (leasesim "),
            std::string::npos)
      << m.err;
  EXPECT_NE(m.err.find("(git 0123456789ab)"), std::string::npos) << m.err;
  EXPECT_EQ(slurp(path("m2.jsonl")), slurp(path("m.jsonl")));  // shard 1's header
  // Resuming it: the runs are kept, the header too, and this build says so.
  const Outcome r =
      leasesim("explore " + kSafe + " --seeds 1..6 -q --shard 2/2 --out " + b + " --resume");
  EXPECT_NE(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("warning: " + b + " was started by leasesim "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(git 0123456789ab); this is leasesim "), std::string::npos) << r.err;
  EXPECT_NE(slurp(b).find("0123456789ab"), std::string::npos);
}

TEST_F(ExploreCli, MergeRefusesAnIncompleteSetOfShards) {
  leasesim("explore " + kSafe + " --seeds 1..10 -q --shard 1/2 --out " + path("a.jsonl"));
  const Outcome m = leasesim("merge " + path("a.jsonl"));
  EXPECT_EQ(m.code, 2);
  EXPECT_NE(m.err.find("shard 2/2 is missing"), std::string::npos) << m.err;
}

// The canary: the naive preset (every unsafe knob) fails quickly.
TEST_F(ExploreCli, NaiveCanaryFailsWithinTwoHundredSeedsAndTheSavedRunReplays) {
  const std::string out = path("naive.jsonl");
  const Outcome o =
      leasesim("explore " + kNaive + " --seeds 1..200 --jobs 2 --stop-on-first --out " + out);
  ASSERT_EQ(o.code, 1) << o.out << o.err;
  const ResultsFile f = results(out);
  ASSERT_FALSE(f.records.empty());
  const RunRecord& last = f.records.back();
  EXPECT_EQ(last.verdict, Verdict::kViolation);
  EXPECT_EQ(f.status, "stopped-on-first");
  EXPECT_EQ(summary(out)["first_violation"]["seed"], last.seed);
  std::printf("naive canary: first violation at seed %llu (%s)\n",
              static_cast<unsigned long long>(last.seed), last.format().c_str());

  // The printed reproduction, and the saved scenario replaying to the same
  // trace hash.
  const std::string saved = path("naive.failures/seed-" + std::to_string(last.seed) + ".json");
  ASSERT_TRUE(fs::exists(saved)) << o.out;
  EXPECT_NE(o.out.find("leasesim run " + saved), std::string::npos) << o.out;
  EXPECT_NE(o.err.find("--seeds " + std::to_string(last.seed) + ".." + std::to_string(last.seed)),
            std::string::npos)
      << o.err;
  const Outcome replay = leasesim("run " + saved + " --json");
  EXPECT_EQ(replay.code, 1) << replay.err;
  const nlohmann::json report = nlohmann::json::parse(replay.out);
  EXPECT_EQ(report["trace_hash"], format_hash(last.trace_hash));
  EXPECT_EQ(report["safety"], "violated");
  // The saved file is self-contained: no explore block, faults spelled out.
  const nlohmann::json scenario = nlohmann::json::parse(slurp(saved));
  EXPECT_FALSE(scenario.contains("explore"));
  EXPECT_EQ(scenario["faults"].size(), last.faults);

  // explore of just that seed gives the same line.
  const Outcome again =
      leasesim("explore " + kNaive + " --seeds " + std::to_string(last.seed) + ".." +
               std::to_string(last.seed) + " -q --out " + path("one.jsonl"));
  EXPECT_EQ(again.code, 1);
  EXPECT_EQ(results(path("one.jsonl")).records.at(0).format(), last.format());
}

// The other canary: the safe preset holds under the same random faults.
TEST_F(ExploreCli, SafeCanaryHoldsOverTwoThousandSeeds) {
  const std::string out = path("safe.jsonl");
  const Outcome o = leasesim("explore " + kSafe + " --seeds 2000 --jobs 2 -q --out " + out);
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  const ResultsFile f = results(out);
  EXPECT_EQ(f.records.size(), 2000u);
  const nlohmann::json s = summary(out);
  EXPECT_EQ(s["violations"], 0);
  EXPECT_EQ(s["incomplete"], 0);
  EXPECT_GT(s["faults"].get<uint64_t>(), 2000u);  // faults were injected
  EXPECT_FALSE(fs::exists(path("safe.failures")));
}

TEST_F(ExploreCli, ResumeAfterAHardKillWritesTheSameFile) {
  const std::string full = path("full.jsonl");
  leasesim("explore " + kNaive + " --seeds 1..40 -q --jobs 2 --out " + full);
  const std::string text = slurp(full);
  // Header + 12 seed lines + half of the 13th: what a kill -9 can leave.
  size_t cut = 0;
  for (int i = 0; i < 13; ++i) cut = text.find('\n', cut) + 1;
  const std::string partial = path("partial.jsonl");
  std::ofstream(partial, std::ios::binary) << text.substr(0, cut + 30);
  const Outcome o =
      leasesim("explore " + kNaive + " --seeds 1..40 -q --jobs 2 --out " + partial + " --resume");
  EXPECT_NE(o.code, 2) << o.err;
  EXPECT_EQ(slurp(partial), text);

  // Resuming a finished file changes nothing; resuming with other seeds is refused.
  leasesim("explore " + kNaive + " --seeds 1..40 -q --out " + partial + " --resume");
  EXPECT_EQ(slurp(partial), text);
  const Outcome other =
      leasesim("explore " + kNaive + " --seeds 1..41 -q --out " + partial + " --resume");
  EXPECT_EQ(other.code, 2);
  EXPECT_NE(other.err.find("different run"), std::string::npos) << other.err;
  // It names what differs, so the user need not diff two header lines.
  EXPECT_NE(other.err.find("seeds: \"1..40\" in the file, \"1..41\" now"), std::string::npos)
      << other.err;
}

TEST_F(ExploreCli, SigintKeepsFinishedSeedsAndSaysHowToResume) {
  const std::string out = path("int.jsonl");
  const std::string log = path("int.out");
  const std::string kept = path("kept");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::freopen(log.c_str(), "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    execl(kBinary.c_str(), kBinary.c_str(), "explore", kSafe.c_str(), "--seeds", "1..1000000",
          "--jobs", "2", "--out", out.c_str(), "--save", "all", "--save-dir", kept.c_str(),
          "--max-saved", "3", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait (bounded: 2 minutes) until a few seeds are written, then interrupt.
  for (int i = 0; i < 2400; ++i) {
    const std::string t = slurp(out);
    if (std::count(t.begin(), t.end(), '\n') >= 6) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid, SIGINT);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const ResultsFile f = results(out);
  EXPECT_FALSE(f.partial_tail);
  EXPECT_GE(f.records.size(), 5u);
  ASSERT_TRUE(f.has_summary);
  EXPECT_EQ(f.status, "interrupted");
  EXPECT_EQ(summary(out)["runs"], f.records.size());
  const std::string printed = slurp(log);
  // The resume command repeats the save options (before: dropped, so the
  // resumed session saved failures, by default, into int.failures/).
  EXPECT_NE(
      printed.find("--out " + out + " --save all --save-dir " + kept + " --max-saved 3 --resume"),
      std::string::npos)
      << printed;
}

// --max-saved bounds a results file, not a session: a resumed file counts
// what its earlier sessions saved and ends with the saved runs an
// uninterrupted explore has (before: N more per session).
TEST_F(ExploreCli, ResumeHonoursMaxSavedAcrossSessions) {
  const std::string full = path("full.jsonl");
  const Outcome f =
      leasesim("explore " + kNaive + " --seeds 1..40 -q --jobs 1 --max-saved 3 --out " + full);
  ASSERT_EQ(f.code, 1) << f.err;
  const std::string text = slurp(full);
  std::set<std::string> saved_full;
  for (const auto& e : fs::directory_iterator(path("full.failures")))
    saved_full.insert(e.path().filename().string());
  ASSERT_EQ(saved_full.size(), 3u);
  // Cut the file after its second failing run (header + lines up to it), as
  // an interruption leaves it, with the files that session had saved.
  std::istringstream in(text);
  std::string kept, line;
  int failing = 0;
  std::set<std::string> saved_part;
  while (failing < 2 && std::getline(in, line)) {
    kept += line + "\n";
    const nlohmann::json j = nlohmann::json::parse(line);
    if (j.value("type", "") == "run" && j["verdict"] == "violation") {
      ++failing;
      saved_part.insert("seed-" + std::to_string(j["seed"].get<uint64_t>()) + ".json");
    }
  }
  ASSERT_EQ(failing, 2);
  const std::string partial = path("partial.jsonl");
  std::ofstream(partial, std::ios::binary) << kept;
  fs::create_directories(path("partial.failures"));
  for (const std::string& name : saved_part)
    fs::copy_file(path("full.failures/" + name), path("partial.failures/" + name));
  const Outcome o =
      leasesim("explore " + kNaive + " --seeds 1..40 -q --jobs 1 --max-saved 3 --out " + partial +
               " --resume");
  EXPECT_EQ(o.code, 1) << o.err;
  EXPECT_EQ(slurp(partial), text);
  std::set<std::string> saved_resumed;
  for (const auto& e : fs::directory_iterator(path("partial.failures")))
    saved_resumed.insert(e.path().filename().string());
  EXPECT_EQ(saved_resumed, saved_full);
}

// `timeout` sends its SIGTERM to the command and then to its own process
// group, so the command gets two at once. That pair is one request to stop,
// not a user's second "kill me now": the summary and the resume command must
// survive it (before, about half of such runs died with 143 and no summary).
TEST_F(ExploreCli, TheDoubleSigtermOfTimeoutStillWritesTheSummary) {
  for (int attempt = 0; attempt < 4; ++attempt) {
    SCOPED_TRACE(attempt);
    const std::string out = path("timeout-" + std::to_string(attempt) + ".jsonl");
    const testing::CliResult r =
        testing::run_with({"--preserve-status", "1", kBinary, "explore", kSafe, "--seeds",
                           "1..100000000", "--jobs", "2", "--out", out},
                          testing::CliProcess::Options{{}, "/usr/bin/timeout", {}});
    ASSERT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 130) << r.err;
    EXPECT_NE(r.out.find("--out " + out + " --resume"), std::string::npos) << r.out;
    const ResultsFile f = results(out);
    EXPECT_FALSE(f.partial_tail);
    ASSERT_TRUE(f.has_summary);
    EXPECT_EQ(f.status, "interrupted");
  }
}

TEST_F(ExploreCli, BadInputExitsTwoWithAMessage) {
  Outcome o = leasesim("explore " + kSafe + " --seeds 5..1");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("--seeds"), std::string::npos) << o.err;
  o = leasesim("explore " + kSafe);
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("missing --seeds"), std::string::npos) << o.err;
  o = leasesim("explore " + kSafe + " --seeds 3 --shard 4/3");
  EXPECT_EQ(o.code, 2);
  o = leasesim("explore " + kSafe + " --seeds 3 --resume");
  EXPECT_EQ(o.code, 2);
  // A folder given for runs that are not saved is a contradiction, not ignored.
  o = leasesim("explore " + kSafe + " --seeds 3 --save none --save-dir " + path("sd"));
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("--save-dir: nothing is saved with --save none"), std::string::npos)
      << o.err;

  const std::string bad = path("bad.json");
  std::ofstream(bad) << R"({"name": "x", "duration": "10s",
    "explore": {"max_fault": 3, "kinds": ["crash", "meteor"], "min_faults": 5, "max_faults": 2,
                "targets": ["n9"], "quiet_after": "9s", "start_after": "2s"}})";
  o = leasesim("explore " + bad + " --seeds 3");
  EXPECT_EQ(o.code, 2);
  for (const char* want : {"/explore/max_fault", "did you mean \"max_faults\"", "/explore/kinds/1",
                           "/explore/min_faults", "/explore/targets/0", "unknown node \"n9\""}) {
    EXPECT_NE(o.err.find(want), std::string::npos) << want << "\n" << o.err;
  }
  std::ofstream(bad) << R"({"name": "x", "duration": "10s",
    "explore": {"quiet_after": "9s", "start_after": "2s"}})";
  o = leasesim("validate " + bad);
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("/explore: expected start_after + quiet_after"), std::string::npos) << o.err;
}

// A folder for saved runs that cannot be made is refused before any run,
// not found at the first failing seed (exit 1, the message lost with -q).
TEST_F(ExploreCli, AnUnusableSaveFolderIsRefusedBeforeTheRuns) {
  const std::string file = path("in-the-way");
  std::ofstream(file) << "x";
  for (const std::string& flag : {"--save-dir " + file, "--save-failures " + file + "/sub"}) {
    const Outcome o = leasesim("explore " + kNaive + " --seeds 1..3 -q " + flag);
    EXPECT_EQ(o.code, 2) << flag << "\n" << o.err;
    EXPECT_NE(o.err.find("cannot save runs into"), std::string::npos) << o.err;
    EXPECT_NE(o.err.find("is not a folder"), std::string::npos) << o.err;
    EXPECT_EQ(o.out, "") << flag;
  }
}

// A failing run whose scenario cannot be saved (here a folder stands where
// its file goes) is an output lost: named on stderr even with -q, the
// other runs still saved and the results file still whole, and exit 2, not
// the 1 of "violations found" (before: silent with -q, exit 1).
TEST_F(ExploreCli, ASaveThatFailsMidRunIsAnErrorEvenWhenQuiet) {
  const std::string dir = path("saves");
  fs::create_directories(dir + "/seed-1.json");  // seed 1 of the naive canary fails
  const std::string out = path("saves.jsonl");
  const Outcome o =
      leasesim("explore " + kNaive + " --seeds 1..40 -q --save-failures " + dir + " --out " + out);
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("leasesim explore: cannot save seed 1: "), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("1 run(s) could not be saved into " + dir), std::string::npos) << o.err;
  const ResultsFile f = results(out);
  ASSERT_TRUE(f.has_summary);
  EXPECT_EQ(f.records.size(), 40u);
  size_t violating = 0;
  for (const RunRecord& r : f.records) violating += r.verdict == Verdict::kViolation;
  ASSERT_GT(violating, 1u);
  size_t saved = 0;
  for (const auto& e : fs::directory_iterator(dir)) saved += e.is_regular_file();
  EXPECT_EQ(saved, violating - 1);
}

// Exploring a saved run again from its own folder: the save of seed 1 would
// be the input itself (found by a review: it was replaced by the replay,
// exit 0). It is not written, said so, and the exit code is 2.
TEST_F(ExploreCli, ASaveNeverReplacesTheScenarioBeingExplored) {
  const std::string dir = path("runs");
  fs::create_directories(dir);
  const std::string input = dir + "/seed-1.json";
  fs::copy_file(kSafe, input);
  const std::string before = slurp(input);
  const Outcome o = leasesim("explore " + input + " --seeds 1 -q --save all --save-dir " + dir);
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("is the scenario being run"), std::string::npos) << o.err;
  EXPECT_EQ(slurp(input), before);
}

TEST_F(ExploreCli, LimitsEachRunWithMaxEvents) {
  const Outcome o =
      leasesim("explore " + kSafe + " --seeds 3 --max-events 500 -q --out " + path("budget.jsonl"));
  EXPECT_EQ(o.code, 0) << o.err;
  const ResultsFile f = results(path("budget.jsonl"));
  for (const RunRecord& r : f.records) {
    EXPECT_EQ(r.verdict, Verdict::kIncomplete);
    EXPECT_EQ(r.end, EndReason::kEventBudget);
  }
  EXPECT_EQ(summary(path("budget.jsonl"))["incomplete"], 3);
  EXPECT_NE(o.out.find("incomplete"), std::string::npos) << o.out;
  EXPECT_EQ(f.plan.options["max_events"], 500);
}

}  // namespace
}  // namespace explore_test
}  // namespace leasesim
