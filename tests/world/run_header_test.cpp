// The header and knob records that open every trace (world/run_header.hpp):
// first, complete, marking overrides, rendered in JSON Lines, documented,
// and hashed without their text (same run, same hash, whatever the file's
// path or the tool's version).
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "leasesim/core/atomic_file.hpp"
#include "leasesim/core/jsonl_writer.hpp"
#include "leasesim/core/version.hpp"
#include "leasesim/protocol/presets.hpp"
#include "leasesim/report/chrome_trace.hpp"
#include "leasesim/report/run_report.hpp"
#include "leasesim/world/run_header.hpp"
#include "leasesim/world/world.hpp"
#include "test_scenarios.hpp"

namespace leasesim {
namespace run_header_test {
namespace {

using testing::basic_scenario;
using testing::CaptureSink;
using testing::edit;

Scenario overriding_scenario() {
  Scenario s = basic_scenario(3, 2, 1, "etcd-like", 7);
  s.name = "etcd-without-quorum";
  s.file = "somewhere/etcd.json";
  raft_lease::Config& c = edit(s);
  c.options.check_quorum = raft_lease::QuorumCheck::kOff;  // etcd-like has it on (tick)
  for (raft_lease::RequestorConfig& r : c.requestors) r.options = c.options;
  return s;
}

std::vector<Record> run_records(const Scenario& s) {
  CaptureSink sink;
  RunOptions o;
  o.trace = &sink;
  World(s, o).run();
  return sink.records;
}

TEST(RunHeader, TheTraceOpensWithTheHeaderThenEveryKnobThenTheClocks) {
  const Scenario s = overriding_scenario();
  const std::vector<Record> recs = run_records(s);
  const std::vector<KnobSetting> knobs = effective_knobs(s.protocol, *s.protocol_config);
  ASSERT_EQ(knobs.size(), 15u);
  ASSERT_GT(recs.size(), 1 + knobs.size() + s.node_count());
  EXPECT_EQ(recs[0].kind, world_rec::kHeader);
  for (size_t i = 0; i < knobs.size(); ++i) EXPECT_EQ(recs[1 + i].kind, world_rec::kKnob) << i;
  for (size_t i = 0; i < s.node_count(); ++i)
    EXPECT_EQ(recs[1 + knobs.size() + i].kind, world_rec::kClockInit) << i;
  for (size_t i = 0; i <= knobs.size(); ++i) {
    EXPECT_EQ(recs[i].time, TimePoint::origin());
    EXPECT_EQ(recs[i].node, kNoNode);
  }
  // No other record of these kinds later.
  for (size_t i = 1 + knobs.size(); i < recs.size(); ++i)
    ASSERT_TRUE(recs[i].kind != world_rec::kHeader && recs[i].kind != world_rec::kKnob) << i;
}

TEST(RunHeader, JsonLinesNameTheToolScenarioSeedPresetAndEveryKnob) {
  const Scenario s = overriding_scenario();
  const TraceSchema schema = make_trace_schema(s);
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("leasesim-header-" + std::to_string(::getpid()) + ".jsonl"))
                               .string();
  {
    AtomicFile f;
    std::string error;
    ASSERT_TRUE(f.open(path, &error)) << error;
    JsonlTraceWriter w(schema, std::move(f));
    RunOptions o;
    o.trace = &w;
    World(s, o).run();
    ASSERT_TRUE(w.finish(&error)) << error;
  }
  std::ifstream in(path);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  const nlohmann::json h = nlohmann::json::parse(line);
  EXPECT_EQ(h["k"], "header");
  EXPECT_EQ(h["version"], leasesim_version());
  EXPECT_EQ(h["scenario"], "etcd-without-quorum");
  EXPECT_EQ(h["file"], "somewhere/etcd.json");
  EXPECT_EQ(h["seed"], 7);
  EXPECT_EQ(h["protocol"], "raft-lease");
  EXPECT_EQ(h["preset"], "etcd-like");
  std::map<std::string, std::pair<std::string, bool>> knobs;
  while (std::getline(in, line)) {
    const nlohmann::json k = nlohmann::json::parse(line);
    if (k["k"] != "knob") break;
    knobs[k["name"]] = {k["value"], k["override"]};
  }
  std::filesystem::remove(path);
  ASSERT_EQ(knobs.size(), 15u);
  EXPECT_EQ(knobs["check_quorum"], std::make_pair(std::string("off"), true));
  EXPECT_EQ(knobs["renewals"], std::make_pair(std::string("memory"), false));
  EXPECT_EQ(knobs["failover"], std::make_pair(std::string("extend-ttl-plus-election"), false));
  for (const auto& [name, v] : knobs) {
    if (name != "check_quorum") {
      EXPECT_FALSE(v.second) << name;
    }
  }
}

TEST(RunHeader, TheHashCoversTheRunNotTheTextAboutIt) {
  Scenario a = basic_scenario(3, 2, 1, "seed", 3);
  Scenario b = a;
  b.name = "another-name";
  b.file = "/elsewhere/copy.json";
  const RunResult ra = World(a, RunOptions{}).run();
  const RunResult rb = World(b, RunOptions{}).run();
  EXPECT_EQ(ra.trace_hash, rb.trace_hash);
  // The header is hashed: a run is 1 + 15 records longer than its events
  // alone would make it, and the seed is part of it.
  Scenario c = a;
  c.seed = 4;
  EXPECT_NE(World(c, RunOptions{}).run().trace_hash, ra.trace_hash);
}

TEST(RunHeader, ReportsNameTheToolFileAndKnobsMarkingOverrides) {
  const Scenario s = overriding_scenario();
  const RunResult r = World(s, RunOptions{}).run();
  const TraceSchema schema = make_trace_schema(s);
  const std::string text = format_report(s, r, schema);
  EXPECT_EQ(text.rfind(std::string("leasesim   ") + leasesim_version() + "\n", 0), 0u) << text;
  EXPECT_NE(text.find("file somewhere/etcd.json"), std::string::npos) << text;
  EXPECT_NE(text.find("protocol   raft-lease, preset etcd-like, check_quorum=off (override)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("renewals=memory,"), std::string::npos) << text;
  const nlohmann::json j = report_json(s, r, schema);
  EXPECT_EQ(j["leasesim_version"], leasesim_version());
  EXPECT_EQ(j["preset"], "etcd-like");
  EXPECT_EQ(j["knobs"]["check_quorum"], "off");
  EXPECT_EQ(j["knobs"]["margin.drift_ppm"], 0);
  EXPECT_EQ(j["knobs"]["anchor"], "receipt");
  EXPECT_EQ(j["knobs"].size(), 15u);
  EXPECT_EQ(j["overrides"], nlohmann::json::array({"check_quorum"}));
  // Without overrides the report says so.
  Scenario plain = basic_scenario(3, 2, 1, "safe");
  const std::string t2 =
      format_report(plain, World(plain, RunOptions{}).run(), make_trace_schema(plain));
  EXPECT_NE(t2.find("protocol   raft-lease, preset safe (no overrides)\n"), std::string::npos)
      << t2;
}

TEST(RunHeader, ThePerfettoExportCarriesItInOtherData) {
  const Scenario s = overriding_scenario();
  const TraceSchema schema = make_trace_schema(s);
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("leasesim-header-" + std::to_string(::getpid()) + ".chrome.json"))
                               .string();
  {
    AtomicFile f;
    std::string error;
    ASSERT_TRUE(f.open(path, &error)) << error;
    ChromeTraceWriter w(schema, std::move(f));
    RunOptions o;
    o.trace = &w;
    World(s, o).run();
    ASSERT_TRUE(w.finish(&error)) << error;
  }
  std::ifstream in(path);
  const nlohmann::json j = nlohmann::json::parse(in);
  std::filesystem::remove(path);
  const nlohmann::json& d = j["otherData"];
  EXPECT_EQ(d["leasesim"], leasesim_version());
  EXPECT_EQ(d["scenario"], "etcd-without-quorum");
  EXPECT_EQ(d["seed"], 7);
  EXPECT_EQ(d["preset"], "etcd-like");
  EXPECT_EQ(d["knobs"]["check_quorum"], "off");
  EXPECT_EQ(d["knobs"].size(), 15u);
  EXPECT_EQ(d["overrides"], nlohmann::json::array({"check_quorum"}));
}

// docs/trace-format.md has a table row for every record kind a run can
// write, so no kind (these two included) goes undocumented.
TEST(RunHeader, EveryRecordKindIsDocumented) {
  std::ifstream in(std::string(LEASESIM_SOURCE_DIR) + "/docs/trace-format.md");
  std::stringstream doc;
  doc << in.rdbuf();
  const TraceSchema schema = make_trace_schema(basic_scenario(3, 1, 1));
  ASSERT_GT(schema.all().size(), 30u);
  for (const KindDesc* d : schema.all())
    EXPECT_NE(doc.str().find(std::string("| `") + d->name + "` |"), std::string::npos)
        << d->name << " has no row in docs/trace-format.md";
}

}  // namespace
}  // namespace run_header_test
}  // namespace leasesim
