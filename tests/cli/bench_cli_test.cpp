// `leasesim run SCENARIO --bench [N]`: N repetitions with tracing off, each
// reproducing the same run (same trace hash and events as a plain run), the
// medians and peak memory printed; refused with outputs that need tracing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_process.hpp"
#include "leasesim/core/sanitizers.hpp"

namespace leasesim {
namespace bench_cli_test {
namespace {

using testing::run_cli;

const std::string kScenario =
    std::string(LEASESIM_SOURCE_DIR) + "/scenarios/basics/steady-contention.json";

TEST(BenchCli, RepeatsTheSameRunAndReportsItsRate) {
  const testing::CliResult plain = run_cli({"run", kScenario, "--json"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  const nlohmann::json p = nlohmann::json::parse(plain.out);
  const testing::CliResult r = run_cli({"run", kScenario, "--bench", "3", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json b = nlohmann::json::parse(r.out);
  EXPECT_EQ(b["repetitions"], 3);
  ASSERT_EQ(b["runs"].size(), 3u);
  EXPECT_EQ(b["events"], p["events"]);
  EXPECT_EQ(b["trace_hash"], p["trace_hash"]);
  EXPECT_GT(b["events_per_second_median"].get<double>(), 0.0);
  EXPECT_GT(b["run_seconds_median"].get<double>(), 0.0);
  EXPECT_GT(b["peak_rss_mib"].get<double>(), 1.0);
  // A number where the processor counts instructions, else null: never absent.
  ASSERT_TRUE(b.contains("instructions_per_event_median"));
  const auto& ipe = b["instructions_per_event_median"];
  EXPECT_TRUE(ipe.is_null() || ipe.get<double>() > 10.0);
}

// --bench's N is optional, and before the scenario it took the scenario as
// its N ("missing SCENARIO"; found by an adversarial CLI test). A number
// after it is its N, anything else is not.
TEST(BenchCli, BenchBeforeTheScenarioLeavesTheScenarioAlone) {
  const testing::CliResult r = run_cli({"run", "--bench", kScenario, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["repetitions"], 5);
  const testing::CliResult two = run_cli({"run", "--bench", "2", kScenario, "--json"});
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_EQ(nlohmann::json::parse(two.out)["repetitions"], 2);
}

TEST(BenchCli, TextNamesTheMediansAndTheHash) {
  const testing::CliResult r = run_cli({"run", kScenario, "--bench"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("5 repetition(s), tracing off"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("median: set-up"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("in every repetition"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("peak resident memory"), std::string::npos) << r.out;
}

// The kernel's transparent huge page mode ("" if unknown).
std::string ThpMode() {
  std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  std::getline(f, line);
  const size_t open = line.find('[');
  const size_t close = line.find(']');
  return open == std::string::npos || close == std::string::npos
             ? ""
             : line.substr(open + 1, close - open - 1);
}

// Sets an environment variable for the processes this test starts.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_.empty())
      unsetenv(name_);
    else
      setenv(name_, old_.c_str(), 1);
  }

 private:
  const char* name_;
  std::string old_;
};

TEST(BenchCli, HugePagesWhereTheKernelGivesThemOnRequest) {
  if (ThpMode() != "madvise" || kSanitizerBuild)
    GTEST_SKIP() << "needs transparent_hugepage=madvise and a build without sanitizers";
  const testing::CliResult r = run_cli({"run", kScenario, "--bench", "1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["huge_pages"], "on") << r.out;
}

TEST(BenchCli, HugePagesOffOnRequestAndTheRunIsTheSame) {
  const testing::CliResult on = run_cli({"run", kScenario, "--bench", "1", "--json"});
  ASSERT_EQ(on.exit_code, 0) << on.err;
  ScopedEnv off("LEASESIM_HUGE_PAGES", "0");
  const testing::CliResult r = run_cli({"run", kScenario, "--bench", "1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json b = nlohmann::json::parse(r.out);
  // (Where the kernel backs every heap with huge pages, it still does.)
  EXPECT_EQ(b["huge_pages"], ThpMode() == "always" ? "on (kernel transparent_hugepage=always)"
                                                   : "off: LEASESIM_HUGE_PAGES=0");
  // Where memory comes from never changes the run.
  EXPECT_EQ(b["trace_hash"], nlohmann::json::parse(on.out)["trace_hash"]);
  EXPECT_EQ(b["events"], nlohmann::json::parse(on.out)["events"]);
}

// --event-queue picks the queue's drain: the run is the same either way,
// --bench says which ran, and the default follows the world's size.
TEST(BenchCli, EventQueueChoiceNamedAndTheRunIsTheSame) {
  nlohmann::json hashes = nlohmann::json::array();
  for (const char* q : {"heap", "sorted-runs"}) {
    const testing::CliResult r =
        run_cli({"run", kScenario, "--bench", "1", "--json", "--event-queue", q});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json b = nlohmann::json::parse(r.out);
    EXPECT_EQ(b["event_queue"], q);
    hashes.push_back(b["trace_hash"]);
  }
  EXPECT_EQ(hashes[0], hashes[1]);
  const testing::CliResult plain = run_cli({"run", kScenario, "--json", "--event-queue", "auto"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(nlohmann::json::parse(plain.out)["trace_hash"], hashes[0]);
  // steady-contention has a handful of nodes: the heap by default.
  const testing::CliResult text = run_cli({"run", kScenario, "--bench", "1"});
  EXPECT_NE(text.out.find("event queue: heap"), std::string::npos) << text.out;
  const testing::CliResult bad = run_cli({"run", kScenario, "--event-queue", "calendar"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--event-queue: expected auto, heap or sorted-runs, found \"calendar\""),
            std::string::npos)
      << bad.err;
}

TEST(BenchCli, RefusesZeroRepetitionsAndTracing) {
  const testing::CliResult zero = run_cli({"run", kScenario, "--bench", "0"});
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_NE(zero.err.find("--bench"), std::string::npos) << zero.err;
  const testing::CliResult traced = run_cli({"run", kScenario, "--bench", "--trace", "t.jsonl"});
  EXPECT_EQ(traced.exit_code, 2);
  EXPECT_NE(traced.err.find("tracing off"), std::string::npos) << traced.err;
}

}  // namespace
}  // namespace bench_cli_test
}  // namespace leasesim
