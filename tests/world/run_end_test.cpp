// The run_end record that closes every trace (docs/trace-format.md): the
// run's end in true time, why it ended and how many engine events it took,
// so that a reader of the trace alone (a plot, an archive) knows where the
// run stopped, which is not where its last record is, and whether it was cut
// short. It counts among the run's records (the trace's lines) but is not
// part of the trace hash.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/core/atomic_file.hpp"
#include "leasesim/core/jsonl_writer.hpp"
#include "leasesim/world/world.hpp"
#include "test_scenarios.hpp"

namespace leasesim {
namespace run_end_test {
namespace {

using testing::basic_scenario;

struct Traced {
  RunResult result;
  std::vector<nlohmann::json> lines;
};

// Runs `s` with `o`, writing its trace as JSON Lines, and reads it back.
Traced run_traced(const Scenario& s, RunOptions o) {
  const TraceSchema schema = make_trace_schema(s);
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("leasesim-run-end-" + std::to_string(::getpid()) + ".jsonl"))
                               .string();
  Traced out;
  {
    AtomicFile f;
    std::string error;
    EXPECT_TRUE(f.open(path, &error)) << error;
    JsonlTraceWriter w(schema, std::move(f));
    o.trace = &w;
    out.result = World(s, o).run();
    EXPECT_TRUE(w.finish(&error)) << error;
  }
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.lines.push_back(nlohmann::json::parse(line));
  std::filesystem::remove(path);
  return out;
}

// A run whose last event comes well before its end: one requestor that
// gives its lease up at once and never asks again, and a long duration.
Scenario quiet_scenario() {
  Scenario s = basic_scenario(3, 1, 1, "seed", 5);
  s.duration = seconds(120);
  return s;
}

TEST(RunEnd, TheTraceEndsWithTheRunsEndTimeReasonAndEvents) {
  const Traced t = run_traced(quiet_scenario(), RunOptions{});
  ASSERT_FALSE(t.lines.empty());
  const nlohmann::json& e = t.lines.back();
  ASSERT_EQ(e["k"], "run_end") << e.dump();
  EXPECT_EQ(e["t"], t.result.end.ns());
  EXPECT_EQ(t.result.end.ns(), seconds(120).ns());
  EXPECT_EQ(e["reason"], "completed");
  EXPECT_EQ(e["events"], t.result.events);
  EXPECT_TRUE(e["n"].is_null());
  // Only the last line.
  for (size_t i = 0; i + 1 < t.lines.size(); ++i) EXPECT_NE(t.lines[i]["k"], "run_end") << i;
  // Counted (the report's records are the trace's lines) but not hashed:
  // the hash of the same run without a trace, whose records were all hashed
  // but this one, is the same.
  EXPECT_EQ(t.result.records, t.lines.size());
  const RunResult plain = World(quiet_scenario(), RunOptions{}).run();
  EXPECT_EQ(plain.trace_hash, t.result.trace_hash);
  EXPECT_EQ(plain.records, t.result.records);
}

TEST(RunEnd, ARunCutShortSaysWhyAndWhere) {
  RunOptions o;
  o.max_events = 500;
  const Traced t = run_traced(quiet_scenario(), o);
  ASSERT_FALSE(t.lines.empty());
  const nlohmann::json& e = t.lines.back();
  ASSERT_EQ(e["k"], "run_end") << e.dump();
  EXPECT_EQ(e["reason"], "event_budget");
  EXPECT_EQ(e["events"], 500);
  EXPECT_EQ(e["t"], t.result.end.ns());
  EXPECT_LT(t.result.end.ns(), seconds(120).ns());
}

TEST(RunEnd, UntilEndsTheRunAtItsInstant) {
  RunOptions o;
  o.until = TimePoint::origin() + milliseconds(2500);
  const Traced t = run_traced(quiet_scenario(), o);
  ASSERT_FALSE(t.lines.empty());
  const nlohmann::json& e = t.lines.back();
  ASSERT_EQ(e["k"], "run_end") << e.dump();
  EXPECT_EQ(e["reason"], "completed");
  EXPECT_EQ(e["t"], milliseconds(2500).ns());
  // Its events end earlier: the end is not where the last event is (only
  // the checker's closing belief_interval records are stamped with it).
  int64_t last_event = 0;
  for (const nlohmann::json& l : t.lines)
    if (l["k"] == "send" || l["k"] == "deliver" || l["k"] == "timer")
      last_event = l["t"].get<int64_t>();
  EXPECT_GT(last_event, 0);
  EXPECT_LT(last_event, milliseconds(2500).ns());
}

}  // namespace
}  // namespace run_end_test
}  // namespace leasesim
