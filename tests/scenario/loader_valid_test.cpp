// Valid scenarios load into exactly the expected Scenario, and the
// canonical JSON form reads back to the same Scenario.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../support/raft_lease.hpp"
#include "leasesim/scenario/loader.hpp"
#include "scenario_test_util.hpp"

namespace leasesim {
namespace loader_valid_test {

using namespace raft_lease;  // NOLINT: these scenarios are raft-lease's
using testing::edit;
using testing::rl;
namespace {

using testing::formatted;
using testing::kFullExample;

Scenario load_ok(const std::string& text) {
  const LoadResult r = load_scenario_text(text, "ok.json");
  EXPECT_TRUE(r.ok()) << ::testing::PrintToString(formatted(r.errors));
  return r.scenario.value_or(Scenario{});
}

TEST(LoaderValid, MinimalScenarioGetsEveryDefault) {
  const LoadResult r = load_scenario_text(R"({"name": "min", "duration": "60s"})", "min.json");
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(formatted(r.errors));
  EXPECT_TRUE(r.warnings.empty());
  const Scenario& s = *r.scenario;
  EXPECT_EQ(s.file, "min.json");
  EXPECT_EQ(s.name, "min");
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.duration, seconds(60));
  EXPECT_EQ(s.protocol, "raft-lease");
  EXPECT_EQ(s.preset, "seed");
  LeaseOptions seed;
  ASSERT_TRUE(preset_options("seed", &seed));
  EXPECT_EQ(rl(s).options.anchor, seed.anchor);
  EXPECT_EQ(rl(s).options.renewals, seed.renewals);
  EXPECT_EQ(s.servers, (std::vector<std::string>{"n1", "n2", "n3"}));
  EXPECT_EQ(rl(s).core.election_min, milliseconds(150));
  EXPECT_EQ(rl(s).core.election_max, milliseconds(300));
  EXPECT_EQ(rl(s).core.heartbeat, milliseconds(50));
  EXPECT_EQ(rl(s).core.snapshot_threshold, 4096u);
  EXPECT_EQ(rl(s).core.max_append_entries, 64u);
  EXPECT_EQ(rl(s).ttl, seconds(5));
  EXPECT_EQ(rl(s).max_ttl, seconds(5));
  EXPECT_EQ(s.resources, (std::vector<std::string>{"r1"}));
  ASSERT_EQ(s.requestors.size(), 1u);
  const RequestorConfig& alice = rl(s).requestors[0];
  EXPECT_EQ(s.requestors[0], "alice");
  // "all" (the default) is the range 0..R-1, not a list.
  EXPECT_TRUE(alice.resources.empty());
  EXPECT_EQ(alice.resource_range, 1u);
  EXPECT_EQ(alice.choice, ResourceChoice::kFixed);
  EXPECT_EQ(alice.ttl, seconds(5));
  EXPECT_EQ(alice.renew_every, Duration(1'666'666'666));
  EXPECT_EQ(alice.hold_min, seconds(2));
  EXPECT_EQ(alice.hold_max, seconds(10));
  EXPECT_EQ(alice.think_min, Duration::zero());
  EXPECT_EQ(alice.think_max, seconds(1));
  EXPECT_EQ(alice.backoff_min, milliseconds(500));
  EXPECT_EQ(alice.backoff_max, milliseconds(1500));
  EXPECT_EQ(alice.request_timeout, seconds(1));
  EXPECT_EQ(alice.write_every, Duration::zero());
  EXPECT_EQ(alice.check_to_write, milliseconds(1));
  EXPECT_EQ(alice.self, kInvalidNode);
  EXPECT_TRUE(alice.servers.empty());
  EXPECT_EQ(alice.storage, kInvalidNode);
  EXPECT_FALSE(rl(s).storage);
  EXPECT_EQ(s.node_count(), 4u);
  EXPECT_EQ(s.network.node_count, 4u);
  EXPECT_EQ(s.network.fifo_nodes, 3u);
  EXPECT_EQ(s.network.default_profile.latency.kind, LatencyModel::Kind::kUniform);
  EXPECT_EQ(s.network.default_profile.latency.a, milliseconds(1));
  EXPECT_EQ(s.network.default_profile.latency.b, milliseconds(10));
  EXPECT_EQ(s.network.default_profile.loss, 0.0);
  EXPECT_TRUE(s.network.overrides.empty());
  ASSERT_EQ(s.clocks.size(), 4u);
  for (const ClockSpec& c : s.clocks) {
    EXPECT_EQ(c.offset, Duration::zero());
    EXPECT_EQ(c.drift_ppb, 0);
  }
  EXPECT_TRUE(s.faults.empty());
  EXPECT_EQ(s.expect.safety, Expectation::Safety::kUnspecified);
}

TEST(LoaderValid, FullExampleFillsEveryField) {
  const LoadResult r = load_scenario_text(kFullExample, "full.json");
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(formatted(r.errors));
  EXPECT_EQ(formatted(r.warnings), std::vector<std::string>{});
  const Scenario& s = *r.scenario;
  EXPECT_EQ(s.name, "leader-failover");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.duration, seconds(60));

  // Preset "seed" with three knobs overridden.
  LeaseOptions want;
  ASSERT_TRUE(preset_options("seed", &want));
  want.anchor = ExpiryAnchor::kSend;
  want.margin.kind = MarginKind::kFixed;
  want.margin.fixed = milliseconds(10);
  want.fencing = true;
  EXPECT_EQ(rl(s).options.anchor, want.anchor);
  EXPECT_EQ(rl(s).options.margin.kind, want.margin.kind);
  EXPECT_EQ(rl(s).options.margin.fixed, want.margin.fixed);
  EXPECT_EQ(rl(s).options.margin.drift_ppm, want.margin.drift_ppm);
  EXPECT_EQ(rl(s).options.renewals, want.renewals);
  EXPECT_EQ(rl(s).options.failover, want.failover);
  EXPECT_EQ(rl(s).options.grant_reply, want.grant_reply);
  EXPECT_EQ(rl(s).options.check_quorum, want.check_quorum);
  EXPECT_EQ(rl(s).options.keying, want.keying);
  EXPECT_EQ(rl(s).options.fencing, true);
  EXPECT_EQ(rl(s).options.leader_clock, want.leader_clock);
  EXPECT_EQ(rl(s).options.holder_clock, want.holder_clock);

  EXPECT_EQ(s.servers, (std::vector<std::string>{"n1", "n2", "n3", "n4", "n5"}));
  EXPECT_EQ(rl(s).core.snapshot_threshold, 1000u);
  EXPECT_EQ(rl(s).core.max_append_entries, 32u);
  EXPECT_EQ(rl(s).ttl, seconds(5));
  EXPECT_EQ(rl(s).max_ttl, seconds(10));  // bob and carol ask for 10s
  EXPECT_EQ(s.resources, (std::vector<std::string>{"db", "queue"}));

  // Node ids: servers 0..4, storage 5 (alice writes), requestors 6..11.
  EXPECT_TRUE(rl(s).storage);
  EXPECT_EQ(rl(s).storage_id(), 5u);
  EXPECT_EQ(s.node_names(), (std::vector<std::string>{"n1", "n2", "n3", "n4", "n5", "storage",
                                                      "alice", "bob", "carol", "c1", "c2", "c3"}));
  ASSERT_EQ(s.requestors.size(), 6u);
  const RequestorConfig& alice = rl(s).requestors[0];
  EXPECT_EQ(alice.resources, (std::vector<ResourceId>{0}));
  EXPECT_EQ(alice.choice, ResourceChoice::kFixed);
  EXPECT_EQ(alice.hold_min, Duration::max());
  EXPECT_EQ(alice.hold_max, Duration::max());
  EXPECT_EQ(alice.write_every, milliseconds(200));
  EXPECT_EQ(alice.options.anchor, ExpiryAnchor::kSend);
  for (int i : {1, 2}) {
    const RequestorConfig& c = rl(s).requestors[i];
    EXPECT_TRUE(c.resources.empty());  // "all": the range 0..1
    EXPECT_EQ(c.resource_range, 2u);
    EXPECT_EQ(c.choice, ResourceChoice::kCycle);
    EXPECT_EQ(c.start_after, seconds(1));
    EXPECT_EQ(c.hold_min, seconds(1));
    EXPECT_EQ(c.hold_max, seconds(3));
    EXPECT_EQ(c.ttl, seconds(10));
    EXPECT_EQ(c.renew_every, Duration(1'666'666'666));  // lease.renew_every, not ttl/3
  }
  for (int i : {3, 4, 5}) {
    const RequestorConfig& q = rl(s).requestors[i];
    EXPECT_EQ(s.requestors[i], "c" + std::to_string(i - 2));
    EXPECT_TRUE(q.resources.empty());
    EXPECT_EQ(q.resource_range, 2u);
    EXPECT_EQ(q.choice, ResourceChoice::kRandom);
    EXPECT_EQ(q.think_min, Duration::zero());
    EXPECT_EQ(q.think_max, Duration::zero());
    EXPECT_EQ(q.backoff_min, seconds(1));
    EXPECT_EQ(q.backoff_max, seconds(1));
    EXPECT_EQ(q.max_holds, 4u);
    EXPECT_EQ(q.write_every, Duration::zero());
  }

  EXPECT_EQ(s.network.node_count, 12u);
  EXPECT_EQ(s.network.fifo_nodes, 5u);
  const LatencyModel& lat = s.network.default_profile.latency;
  EXPECT_EQ(lat.kind, LatencyModel::Kind::kLognormal);
  EXPECT_EQ(lat.a, milliseconds(5));
  EXPECT_EQ(lat.sigma, 0.5);
  EXPECT_EQ(lat.floor, milliseconds(1));
  EXPECT_EQ(s.network.default_profile.loss, 0.01);
  ASSERT_EQ(s.network.overrides.size(), 2u);  // symmetric: both directions
  EXPECT_EQ(s.network.overrides[0].from, 0u);
  EXPECT_EQ(s.network.overrides[0].to, 6u);
  EXPECT_EQ(s.network.overrides[1].from, 6u);
  EXPECT_EQ(s.network.overrides[1].to, 0u);
  for (const LinkOverride& o : s.network.overrides) {
    EXPECT_EQ(o.profile.latency.kind, LatencyModel::Kind::kConstant);
    EXPECT_EQ(o.profile.latency.a, milliseconds(50));
    EXPECT_EQ(o.profile.loss, 0.01);  // inherited from the default profile
  }

  ASSERT_EQ(s.clocks.size(), 12u);
  EXPECT_EQ(s.clocks[0].offset, milliseconds(-20));
  EXPECT_EQ(s.clocks[0].drift_ppb, 150'500);
  EXPECT_EQ(s.clocks[6].offset, Duration::zero());
  EXPECT_EQ(s.clocks[6].drift_ppb, -2);  // -0.0015 ppm = -1.5 ppb, half away from zero
  for (size_t i : {1, 2, 3, 4, 5, 7, 8, 9, 10, 11}) {
    EXPECT_EQ(s.clocks[i].offset, Duration::zero());
    EXPECT_EQ(s.clocks[i].drift_ppb, 10'000) << i;
  }

  // Sorted by time, stable: crash and partition at 10s keep file order.
  ASSERT_EQ(s.faults.size(), 10u);
  std::vector<std::string> origins;
  for (const Fault& f : s.faults) origins.push_back(f.origin);
  EXPECT_EQ(origins, (std::vector<std::string>{"/faults/1", "/faults/2", "/faults/3", "/faults/0",
                                               "/faults/4", "/faults/5", "/faults/6", "/faults/7",
                                               "/faults/8", "/faults/9"}));
  const Fault& crash = s.faults[0];
  EXPECT_EQ(crash.kind, FaultKind::kCrash);
  EXPECT_EQ(crash.at, TimePoint(seconds(10).ns()));
  EXPECT_EQ(crash.target.kind, FaultTarget::Kind::kLeader);
  EXPECT_EQ(crash.duration, seconds(5));
  const Fault& part = s.faults[1];
  EXPECT_EQ(part.kind, FaultKind::kPartition);
  ASSERT_EQ(part.groups.size(), 2u);
  ASSERT_EQ(part.groups[0].size(), 2u);
  ASSERT_EQ(part.groups[1].size(), 3u);
  EXPECT_EQ(part.groups[0][1].node, 1u);
  EXPECT_EQ(part.groups[1][2].node, 4u);
  const Fault& pause = s.faults[2];
  EXPECT_EQ(pause.target.kind, FaultTarget::Kind::kHolderOf);
  EXPECT_EQ(pause.target.resource, 0u);
  EXPECT_EQ(pause.duration, seconds(8));
  EXPECT_EQ(s.faults[3].kind, FaultKind::kHeal);
  EXPECT_EQ(s.faults[4].kind, FaultKind::kClockStep);
  EXPECT_EQ(s.faults[4].target.node, 1u);
  EXPECT_EQ(s.faults[4].step, seconds(-2));
  EXPECT_EQ(s.faults[5].drift_ppb, 500'000);
  EXPECT_EQ(s.faults[6].kind, FaultKind::kNetwork);
  EXPECT_EQ(s.faults[6].loss, 0.2);
  EXPECT_EQ(s.faults[6].duplicate, 0.0);
  EXPECT_FALSE(s.faults[6].latency.has_value());
  EXPECT_EQ(s.faults[7].from.node, 0u);
  EXPECT_EQ(s.faults[7].to.node, 1u);
  EXPECT_EQ(s.faults[8].target.kind, FaultTarget::Kind::kNode);
  EXPECT_EQ(s.faults[8].target.node, 5u);  // storage
  EXPECT_EQ(s.faults[9].kind, FaultKind::kRestart);

  EXPECT_EQ(s.expect.safety, Expectation::Safety::kHolds);
  EXPECT_EQ(s.expect.min_availability, 0.5);
  EXPECT_EQ(s.expect.min_grants, 1u);
  EXPECT_EQ(s.expect.min_elections, 1u);
  EXPECT_EQ(s.expect.max_elections, 10u);
}

TEST(LoaderValid, PresetThenKnobs) {
  const Scenario s = load_ok(R"({"name": "p", "duration": "1s", "protocol": {"preset": "safe",
      "knobs": {"margin": {"fixed": "3ms"}, "failover": "wait-max-ttl", "leader_clock": "wall"}}})");
  LeaseOptions safe;
  ASSERT_TRUE(preset_options("safe", &safe));
  EXPECT_EQ(s.preset, "safe");
  EXPECT_EQ(rl(s).options.anchor, safe.anchor);
  EXPECT_EQ(rl(s).options.margin.kind, MarginKind::kDriftBound);  // kept from the preset
  EXPECT_EQ(rl(s).options.margin.drift_ppm, 2000);                // kept from the preset
  EXPECT_EQ(rl(s).options.margin.fixed, milliseconds(3));         // overridden
  EXPECT_EQ(rl(s).options.failover, FailoverPolicy::kWaitMaxTtl);
  EXPECT_EQ(rl(s).options.leader_clock, ClockKind::kWall);
  EXPECT_EQ(rl(s).options.fencing, safe.fencing);
}

TEST(LoaderValid, ExplicitServerNamesAndGeneratedResources) {
  const Scenario s = load_ok(R"({"name": "g", "duration": "10s",
      "core": {"servers": ["a", "b", "c"]},
      "resources": {"count": 1000, "prefix": "key"},
      "requestors": [{"count": 200, "prefix": "w", "resources": ["key7"], "write_every": "1s"},
                     {"names": ["x", "y"]}],
      "lease": {"renew_every": "1s", "max_ttl": "30s"}})");
  EXPECT_EQ(s.servers, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(s.resources.size(), 1000u);
  EXPECT_EQ(s.resources[0], "key1");
  EXPECT_EQ(s.resources[999], "key1000");
  ASSERT_EQ(s.requestors.size(), 202u);
  EXPECT_EQ(s.requestors[199], "w200");
  EXPECT_EQ(rl(s).requestors[0].resources, (std::vector<ResourceId>{6}));
  EXPECT_EQ(rl(s).requestors[0].choice, ResourceChoice::kFixed);
  EXPECT_TRUE(rl(s).requestors[200].resources.empty());
  EXPECT_EQ(rl(s).requestors[200].resource_range, 1000u);
  EXPECT_EQ(rl(s).requestors[200].choice, ResourceChoice::kRandom);
  EXPECT_EQ(rl(s).requestors[201].renew_every, seconds(1));
  EXPECT_EQ(rl(s).max_ttl, seconds(30));
  EXPECT_EQ(rl(s).storage_id(), 3u);
  EXPECT_EQ(s.requestor_id(0), 4u);
  EXPECT_EQ(s.network.node_count, 206u);
}

TEST(LoaderValid, FifoOffAndNoRequestors) {
  const Scenario s = load_ok(R"({"name": "r", "duration": "10s", "requestors": [],
      "network": {"fifo_servers": false, "latency": {"dist": "exponential", "mean": "2ms"}}})");
  EXPECT_TRUE(s.requestors.empty());
  EXPECT_EQ(s.network.fifo_nodes, 0u);
  EXPECT_EQ(s.network.default_profile.latency.kind, LatencyModel::Kind::kExponential);
  EXPECT_EQ(s.network.default_profile.latency.floor, Duration::zero());
  EXPECT_EQ(rl(s).max_ttl, seconds(5));
}

TEST(LoaderValid, DriftPpmToPpbIsExactDecimal) {
  const Scenario s = load_ok(R"({"name": "d", "duration": "10s", "clocks": {"nodes": {
      "n1": {"drift_ppm": 0.0015}, "n2": {"drift_ppm": 99999.9999}, "n3": {"drift_ppm": -100000},
      "alice": {"drift_ppm": 1e-4}}}})");
  EXPECT_EQ(s.clocks[0].drift_ppb, 2);
  EXPECT_EQ(s.clocks[1].drift_ppb, 99'999'999 + 1);  // 99999999.9 rounds up
  EXPECT_EQ(s.clocks[2].drift_ppb, -100'000'000);
  EXPECT_EQ(s.clocks[3].drift_ppb, 0);  // 0.1 ppb
}

TEST(LoaderValid, SchemaKeyAndIntegralFloatsAreAccepted) {
  const Scenario s = load_ok(
      R"({"$schema": "../docs/scenario.schema.json", "name": "f", "duration": "10s",
          "seed": 7.0, "core": {"servers": 3.0}})");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.servers.size(), 3u);
}

// --- The reference's examples ---------------------------------------------

std::vector<std::string> doc_json_blocks() {
  const std::string md =
      testing::slurp(std::string(LEASESIM_SOURCE_DIR) + "/docs/scenario-format.md");
  std::vector<std::string> blocks;
  const std::string open = "```json\n";
  for (size_t at = md.find(open); at != std::string::npos; at = md.find(open, at)) {
    at += open.size();
    const size_t end = md.find("```", at);
    if (end == std::string::npos) break;
    blocks.push_back(md.substr(at, end - at));
    at = end + 3;
  }
  return blocks;
}

TEST(LoaderDocs, CompleteExampleIsTheTestedOne) {
  const std::vector<std::string> blocks = doc_json_blocks();
  ASSERT_FALSE(blocks.empty());
  EXPECT_EQ(blocks.back(), kFullExample)
      << "docs/scenario-format.md's complete example differs from kFullExample";
}

TEST(LoaderDocs, WholeDocumentExamplesLoad) {
  int whole = 0;
  for (const std::string& b : doc_json_blocks()) {
    const nlohmann::json j = nlohmann::json::parse(b, nullptr, false);
    if (!j.is_object() || !j.contains("name") || !j.contains("duration")) continue;
    ++whole;
    const LoadResult r = load_scenario_text(b, "docs");
    EXPECT_TRUE(r.ok()) << b << ::testing::PrintToString(formatted(r.errors));
  }
  EXPECT_GE(whole, 3);
}

// --- Round trip ------------------------------------------------------------

void expect_round_trip(const Scenario& s) {
  const nlohmann::json j1 = scenario_to_json(s);
  const LoadResult r = load_scenario_json(j1, "rt.json");
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(formatted(r.errors)) << "\n" << j1.dump(2);
  EXPECT_EQ(scenario_to_json(*r.scenario), j1);
  // Through text as well.
  const LoadResult r2 = load_scenario_text(j1.dump(2), "rt.json");
  ASSERT_TRUE(r2.ok()) << ::testing::PrintToString(formatted(r2.errors));
  EXPECT_EQ(scenario_to_json(*r2.scenario), j1);
  EXPECT_EQ(r2.scenario->node_names(), s.node_names());
  EXPECT_EQ(r2.scenario->clocks.size(), s.clocks.size());
  for (size_t i = 0; i < s.clocks.size(); ++i) {
    EXPECT_EQ(r2.scenario->clocks[i].drift_ppb, s.clocks[i].drift_ppb);
  }
}

TEST(LoaderRoundTrip, FullExample) {
  const Scenario s = load_ok(kFullExample);
  expect_round_trip(s);
  const nlohmann::json j = scenario_to_json(s);
  // c1..c3 share a configuration and collapse back into one group.
  ASSERT_EQ(j["requestors"].size(), 4u);
  EXPECT_EQ(j["requestors"][3]["count"], 3);
  EXPECT_EQ(j["requestors"][3]["prefix"], "c");
  EXPECT_EQ(j["clocks"]["nodes"]["alice"]["drift_ppm"], -0.002);
  EXPECT_EQ(j["requestors"][0]["hold"], "forever");
}

TEST(LoaderRoundTrip, MinimalAndGenerated) {
  expect_round_trip(load_ok(R"({"name": "min", "duration": "60s"})"));
  expect_round_trip(load_ok(R"({"name": "g", "duration": "10s",
      "resources": {"count": 50, "prefix": "k"},
      "requestors": [{"count": 20, "prefix": "w", "resources": ["k2", "k3"], "choice": "cycle"},
                     {"name": "w21"}]})"));
}

TEST(LoaderRoundTrip, EveryFaultAndLatencyKind) {
  expect_round_trip(load_ok(R"({"name": "f", "duration": "100s", "seed": 18446744073709551615,
      "core": {"servers": ["a", "b", "c"]},
      "network": {"latency": {"dist": "uniform", "min": "0s", "max": "3ms"}, "duplicate": 0.25,
                  "links": [{"from": "a", "to": "b", "loss": 1}]},
      "clocks": {"default": {"offset": "1ms", "drift_ppm": -3.25}},
      "faults": [
        {"at": "1s", "kind": "crash", "target": "a"},
        {"at": "2s", "kind": "restart", "target": "a"},
        {"at": "3s", "kind": "pause", "target": "alice", "duration": "1500us"},
        {"at": "4s", "kind": "partition", "groups": [["a"], ["b", "leader"], ["holder:r1"]]},
        {"at": "5s", "kind": "cut", "from": "a", "to": "leader"},
        {"at": "6s", "kind": "isolate", "target": "c"},
        {"at": "7s", "kind": "heal"},
        {"at": "8s", "kind": "clock_step", "target": "b", "by": "-1.5s"},
        {"at": "9s", "kind": "drift", "target": "c", "ppm": -12.5},
        {"at": "10s", "kind": "network", "duration": "2s", "duplicate": 0.5,
         "latency": {"dist": "exponential", "mean": "3ms", "floor": "1ms"}},
        {"at": "11s", "kind": "network", "duration": "2s",
         "latency": {"dist": "lognormal", "median": "3ms", "sigma": 1.25}}],
      "expect": {"safety": "violation", "violations": ["overlap", "stale_write"]}})"));
}

// Figure 16's reproduction (docs/fidelity.md): whole-millisecond election
// timeouts and servers that write before they send; both round-trip, and
// both are left out of a written scenario when off (older files unchanged).
TEST(LoaderValid, ElectionGranularityAndSendWhileWriting) {
  const Scenario s = load_ok(R"({"name": "g", "duration": "10s",
      "core": {"election_timeout": {"min": "150ms", "max": "151ms", "granularity": "1ms"}},
      "timing": {"disk": {"fsync": "2ms", "send_while_writing": false},
                 "nodes": {"n2": {"disk": {"fsync": "3ms", "send_while_writing": true}}}}})");
  EXPECT_EQ(rl(s).core.election_granularity, milliseconds(1));
  EXPECT_EQ(rl(s).server_config(0).core.election_granularity, milliseconds(1));
  ASSERT_EQ(s.timing.nodes.size(), s.node_count());
  EXPECT_FALSE(s.timing.nodes[0].send_while_writing);
  EXPECT_TRUE(s.timing.nodes[1].send_while_writing);
  EXPECT_FALSE(s.timing.nodes[2].send_while_writing);
  expect_round_trip(s);
  const Scenario d = load_ok(R"({"name": "d", "duration": "10s",
      "timing": {"disk": {"fsync": "2ms"}}})");
  EXPECT_EQ(rl(d).core.election_granularity, Duration::zero());
  EXPECT_TRUE(d.timing.nodes[0].send_while_writing);
}

// "holds" may demand warnings: safety holds, and each listed warning occurs.
TEST(LoaderValid, HoldsWithWarningKinds) {
  const Scenario s = load_ok(R"({"name": "w", "duration": "1s",
      "expect": {"safety": "holds", "violations": ["latent_overlap"]}})");
  EXPECT_EQ(s.expect.safety, Expectation::Safety::kHolds);
  EXPECT_EQ(s.expect.violation_kinds, std::vector<std::string>{"latent_overlap"});
  expect_round_trip(s);
}

// "max_faults": 0 alone is a baseline without faults: min_faults, left
// out, follows it down (it was an error at /explore/min_faults, a key the
// file never wrote).
TEST(LoaderValid, MaxFaultsZeroAloneMeansNoGeneratedFaults) {
  const Scenario s = load_ok(R"({"name": "b", "duration": "10s", "explore": {"max_faults": 0}})");
  ASSERT_TRUE(s.explore.has_value());
  EXPECT_EQ(s.explore->min_faults, 0u);
  EXPECT_EQ(s.explore->max_faults, 0u);
  const Scenario d = load_ok(R"({"name": "d", "duration": "10s", "explore": {}})");
  EXPECT_EQ(d.explore->min_faults, 1u);
  EXPECT_EQ(d.explore->max_faults, 8u);
  expect_round_trip(s);
}

}  // namespace
}  // namespace loader_valid_test
}  // namespace leasesim
