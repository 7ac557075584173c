// A protocol from the test tree (solo-lease, tests/plugin/) registered
// beside the built-in ones and run through everything above the protocol
// layer unchanged: the loader (its block, its errors, its canonical JSON),
// the JSON Schema with two protocols, the world, the checker, the trace,
// and explore. (tests/scripts/test_plugin_protocol.py drives leasesim built
// with it, leasesim-solo, and the plot script.)
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../core/test_dir.hpp"
#include "leasesim/campaign/campaign.hpp"
#include "leasesim/core/jsonl_writer.hpp"
#include "leasesim/protocol/registry.hpp"
#include "leasesim/scenario/loader.hpp"
#include "leasesim/scenario/schema.hpp"
#include "leasesim/world/world.hpp"
#include "solo_lease.hpp"

namespace leasesim {
namespace plugin_test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kData = fs::path(LEASESIM_SOURCE_DIR) / "tests" / "plugin" / "data";

class SoloLease : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { register_protocol(solo::module()); }

  static Scenario load(const std::string& file) {
    LoadResult r = load_scenario_file((kData / file).string());
    for (const Diagnostic& d : r.errors) ADD_FAILURE() << d.format();
    EXPECT_TRUE(r.ok());
    return r.scenario ? *r.scenario : Scenario{};
  }
  static std::vector<std::string> errors_of(const std::string& text) {
    std::vector<std::string> out;
    for (const Diagnostic& d : load_scenario_text(text, "x.json").errors) out.push_back(d.format());
    return out;
  }
};

TEST_F(SoloLease, RegistersBesideTheBuiltInProtocols) {
  ASSERT_NE(find_protocol("solo-lease"), nullptr);
  ASSERT_NE(find_protocol("raft-lease"), nullptr);
  EXPECT_EQ(default_protocol().name(), "raft-lease");  // registered first
  // raft-lease, kv-lease, session-lease, then solo-lease, in registration order.
  ASSERT_EQ(protocol_catalog().size(), 4u);
  EXPECT_EQ(protocol_catalog().back().protocol, "solo-lease");
  EXPECT_EQ(protocol_catalog().back().presets.size(), 2u);
}

TEST_F(SoloLease, ItsBlockLoadsIntoTheNodeLayoutItDeclares) {
  const Scenario s = load("solo-safe.json");
  EXPECT_EQ(s.protocol, "solo-lease");
  EXPECT_EQ(s.preset, "safe");
  EXPECT_EQ(s.servers, (std::vector<std::string>{"server"}));
  EXPECT_EQ(s.requestors, (std::vector<std::string>{"c1", "c2", "c3"}));
  EXPECT_EQ(s.network.fifo_nodes, 1u);
  const auto& c = dynamic_cast<const solo::Config&>(*s.protocol_config);
  EXPECT_EQ(c.ttl, seconds(2));
  EXPECT_EQ(c.knobs.anchor, solo::Anchor::kSend);
  // A fault naming "leader" resolved through the generic loader.
  ASSERT_EQ(s.faults.size(), 1u);
  EXPECT_EQ(s.faults[0].target.kind, FaultTarget::Kind::kLeader);
}

TEST_F(SoloLease, ItsErrorsReadLikeTheLoaders) {
  const std::string head =
      R"({"name": "x", "duration": "10s", "protocol": {"name": "solo-lease"}, )";
  EXPECT_EQ(errors_of(head + R"("solo": {"ttll": "1s"}})"),
            (std::vector<std::string>{
                R"(x.json: /solo/ttll: unknown key "ttll" (did you mean "ttl"?))"}));
  EXPECT_EQ(errors_of(head + R"("solo": {"ttl": "1s", "renew_every": "2s"}})"),
            (std::vector<std::string>{"x.json: /solo/renew_every: expected a renewal interval "
                                      "shorter than the ttl (1s), found \"2s\""}));
  // raft-lease's keys are not solo-lease's.
  EXPECT_EQ(
      errors_of(head + R"("core": {}})"),
      (std::vector<std::string>{
          R"(x.json: /core: unknown key "core" (known keys: $schema, name, description, )"
          R"(seed, duration, protocol, solo, resources, network, clocks, timing, faults, expect, )"
          R"(explore))"}));
  // An unknown protocol is named with the registered ones.
  EXPECT_EQ(
      errors_of(R"({"name": "x", "duration": "10s", "protocol": {"name": "sol-lease"}})"),
      (std::vector<std::string>{
          R"(x.json: /protocol/name: expected one of "raft-lease", "kv-lease", )"
          R"("session-lease", "solo-lease", found "sol-lease" (did you mean "solo-lease"?))"}));
}

TEST_F(SoloLease, CanonicalJsonRoundTripsExactly) {
  const Scenario s = load("solo-trusting.json");
  const json once = scenario_to_json(s);
  EXPECT_EQ(once["solo"]["requestors"], 3);
  EXPECT_EQ(once["protocol"]["knobs"]["anchor"], "receipt");
  const LoadResult again = load_scenario_json(once, "again.json");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(scenario_to_json(*again.scenario), once);
  EXPECT_EQ(scenario_keys(once).at(6), "solo");  // documented order: after "protocol"
}

TEST_F(SoloLease, TheSchemaHasABranchPerProtocol) {
  const json schema = scenario_schema();
  ASSERT_TRUE(schema.contains("allOf"));
  ASSERT_EQ(schema["allOf"].size(), 4u);  // raft-lease, kv-lease, session-lease, solo-lease
  EXPECT_EQ(schema["unevaluatedProperties"], false);
  const json& solo = schema["allOf"].back();
  EXPECT_EQ(solo["if"]["properties"]["protocol"]["properties"]["name"]["const"], "solo-lease");
  EXPECT_TRUE(solo["then"]["properties"].contains("solo"));
  EXPECT_FALSE(solo["then"]["properties"].contains("core"));
  EXPECT_TRUE(schema["allOf"][0]["then"]["properties"].contains("core"));
}

TEST_F(SoloLease, TheWorldRunsItAndTheCheckerJudgesIt) {
  const Scenario safe = load("solo-safe.json");
  const RunResult a = World(safe, RunOptions{}).run();
  EXPECT_EQ(a.failures, 0u);
  EXPECT_GE(a.metrics.grants, 5u);
  EXPECT_GT(a.metrics.availability, 0.5);
  EXPECT_EQ(a.faults.applied(), 1u);  // "leader" resolved from the server's role record
  EXPECT_EQ(World(safe, RunOptions{}).run().trace_hash, a.trace_hash);  // deterministic

  const RunResult b = World(load("solo-trusting.json"), RunOptions{}).run();
  ASSERT_GT(b.failures, 0u);
  EXPECT_EQ(b.violations[0].kind, ViolationKind::kOverlap);
}

TEST_F(SoloLease, TheTraceNamesItsMessagesAndRecords) {
  const Scenario s = load("solo-safe.json");
  testing::TestDir dir;
  const std::string path = dir.file("trace.jsonl");
  std::string error;
  const TraceSchema schema = make_trace_schema(s);
  AtomicFile file;
  ASSERT_TRUE(file.open(path, &error)) << error;
  JsonlTraceWriter sink(schema, std::move(file));
  RunOptions opts;
  opts.trace = &sink;
  World(s, opts).run();
  ASSERT_TRUE(sink.finish(&error)) << error;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find(R"("k":"send")"), std::string::npos);
  EXPECT_NE(text.str().find(R"("type":"granted")"), std::string::npos);
  EXPECT_NE(text.str().find(R"("k":"belief_begin")"), std::string::npos);
}

TEST_F(SoloLease, ExploreFindsTheTrustingPresetAndNotTheSafeOne) {
  auto explore = [](const std::string& file) {
    CampaignConfig cfg;
    cfg.scenario_paths = {(kData / file).string()};
    cfg.first_seed = 1;
    cfg.last_seed = 150;
    cfg.jobs = 1;
    cfg.save = SaveWhich::kNone;
    Campaign c(cfg);
    std::vector<std::string> warnings, errors;
    EXPECT_TRUE(c.prepare(&warnings, &errors)) << (errors.empty() ? "" : errors[0]);
    std::string error;
    EXPECT_TRUE(c.run(CampaignHooks{}, &error)) << error;
    return c.summary();
  };
  const Summary safe = explore("solo-safe.json");
  EXPECT_EQ(safe.runs(), 150u);
  EXPECT_EQ(safe.violations(), 0u);
  const Summary trusting = explore("solo-trusting.json");
  EXPECT_EQ(trusting.runs(), 150u);
  EXPECT_GT(trusting.violations(), 0u);
}

}  // namespace
}  // namespace plugin_test
}  // namespace leasesim
