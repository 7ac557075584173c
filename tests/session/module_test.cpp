// session-lease through everything above the protocol layer: the block
// (errors, canonical JSON), the world and the checker on library pairs,
// determinism, and explore.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/protocol/registry.hpp"
#include "leasesim/protocols/session_lease/module.hpp"
#include "leasesim/scenario/loader.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim {
namespace module_test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSource = LEASESIM_SOURCE_DIR;

Scenario load(const fs::path& p) {
  LoadResult r = load_scenario_file(p.string());
  for (const Diagnostic& d : r.errors) ADD_FAILURE() << d.format();
  EXPECT_TRUE(r.ok());
  return r.scenario ? *r.scenario : Scenario{};
}

std::vector<std::string> errors_of(const std::string& text) {
  std::vector<std::string> out;
  for (const Diagnostic& d : load_scenario_text(text, "x.json").errors) out.push_back(d.format());
  return out;
}

RunResult run(const Scenario& s) {
  World w(s, RunOptions{});
  return w.run();
}

TEST(SessionModule, IsRegisteredWithItsPresets) {
  const ProtocolModule* m = find_protocol("session-lease");
  ASSERT_NE(m, nullptr);
  const ProtocolCatalog c = m->catalog();
  ASSERT_EQ(c.presets.size(), 6u);
  EXPECT_EQ(c.presets[0].name, "chubby");
  for (const PresetInfo& p : c.presets) EXPECT_EQ(p.knobs.size(), c.knobs.size()) << p.name;
}

TEST(SessionModule, ItsErrorsNameTheFileThePointerAndWhatWasExpected) {
  const std::string head =
      R"({"name": "x", "duration": "10s", "protocol": {"name": "session-lease"}, )";
  EXPECT_EQ(errors_of(head + R"("session": {"timout": "1s"}})"),
            (std::vector<std::string>{
                R"(x.json: /session/timout: unknown key "timout" (did you mean "timeout"?))"}));
  EXPECT_EQ(errors_of(head + R"("session": {"timeout": "1s", "keepalive_every": "2s"}})"),
            (std::vector<std::string>{"x.json: /session/keepalive_every: expected a keepalive "
                                      "interval shorter than the session timeout (1s), found "
                                      "keepalive_every 2s"}));
  EXPECT_EQ(errors_of(R"({"name": "x", "duration": "10s", "protocol": {"name": "session-lease", )"
                      R"("knobs": {"jeopardy": "ignore"}}})"),
            (std::vector<std::string>{R"(x.json: /protocol/knobs/jeopardy: expected one of )"
                                      R"("stop", "hold", found "ignore")"}));
  EXPECT_EQ(errors_of(R"({"name": "x", "duration": "10s", "protocol": {"name": "session-lease", )"
                      R"("knobs": {"margin": "3s"}}})"),
            (std::vector<std::string>{
                "x.json: /protocol/knobs: expected a conservative local timeout above zero, "
                "found the session timeout 3s scaled by drift_ppm 2000 minus margin 3s = -6ms"}));
  EXPECT_EQ(errors_of(head + R"("core": {"election_timeout": {"min": "150ms", "max": "305ms",)"
                             R"( "granularity": "10ms"}}})"),
            (std::vector<std::string>{"x.json: /core/election_timeout/max: expected a multiple of "
                                      "election_timeout.granularity (10ms), found 305ms"}));
}

// The Raft core's timeout resolution (docs/scenario-format.md, core), as in
// raft-lease: checked against the bounds, handed to every server, written
// back only when set.
TEST(SessionModule, ElectionTimeoutGranularity) {
  const std::string head =
      R"({"name": "x", "duration": "10s", "protocol": {"name": "session-lease"}, )";
  EXPECT_EQ(errors_of(head + R"("core": {"election_timeout": {"min": "150ms", )"
                             R"("max": "300500us", "granularity": "1ms"}}})"),
            (std::vector<std::string>{"x.json: /core/election_timeout/max: expected a multiple "
                                      "of election_timeout.granularity (1ms), found 300500us"}));
  const LoadResult r =
      load_scenario_text(head + R"("core": {"election_timeout": {"min": "150ms", "max": "151ms", )"
                                R"("granularity": "1ms"}}})",
                         "x.json");
  ASSERT_TRUE(r.ok());
  const auto& c = session_lease::config_of(*r.scenario->protocol_config);
  EXPECT_EQ(c.core.election_granularity, milliseconds(1));
  EXPECT_EQ(c.server_config(0).core.election_granularity, milliseconds(1));
  const json j = scenario_to_json(*r.scenario);
  EXPECT_EQ(j["core"]["election_timeout"]["granularity"], "1ms");
  const LoadResult plain = load_scenario_text(head + R"("core": {}})", "x.json");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(
      scenario_to_json(*plain.scenario)["core"]["election_timeout"].contains("granularity"));
}

// Pre-Vote on the session core, as raft-lease's core.pre_vote and kv-lease's
// kv.pre_vote: a server cut off for 3 s starts elections alone; at the heal
// its higher term deposes the master, unless Pre-Vote kept its term.
Scenario rejoin(bool pre_vote) {
  const std::string text = std::string(R"({"name": "session-rejoin", "duration": "12s",
      "protocol": {"name": "session-lease"},
      "core": {"servers": 3, "election_timeout": {"min": "300ms", "max": "310ms",
               "granularity": "1ms"}, "heartbeat": "50ms", "pre_vote": )") +
                           (pre_vote ? "true" : "false") + R"(},
      "resources": ["db"], "requestors": [{"names": ["alice"]}],
      "network": {"latency": {"dist": "constant", "value": "2ms"}},
      "clocks": {"nodes": {"n1": {"drift_ppm": 100000}}},
      "faults": [{"at": "1s", "kind": "drift", "target": "n1", "ppm": 0},
                 {"at": "3s", "kind": "isolate", "target": "n3"}, {"at": "6s", "kind": "heal"}]})";
  LoadResult r = load_scenario_text(text, "session-rejoin.json");
  for (const Diagnostic& d : r.errors) ADD_FAILURE() << d.format();
  return r.scenario ? *r.scenario : Scenario{};
}

TEST(SessionModule, PreVoteKeepsARejoiningServerFromDeposingTheMaster) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    Scenario without = rejoin(false), with = rejoin(true);
    without.seed = with.seed = seed;
    const RunResult a = run(without), b = run(with);
    EXPECT_EQ(a.failures + b.failures, 0u);
    EXPECT_EQ(a.metrics.elections, 2u) << "seed " << seed;
    EXPECT_EQ(b.metrics.elections, 1u) << "seed " << seed;
  }
  const Scenario s = rejoin(true);
  EXPECT_TRUE(session_lease::config_of(*s.protocol_config).server_config(0).core.pre_vote);
  const json j = scenario_to_json(s);
  EXPECT_EQ(j["core"]["pre_vote"], true);
  const LoadResult again = load_scenario_json(j, "canonical.json");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(run(*again.scenario).trace_hash, run(s).trace_hash);
  // Left out, it is not written: the library's canonical files stay as they were.
  EXPECT_FALSE(scenario_to_json(load(kSource / "scenarios/explore-session.json"))["core"].contains(
      "pre_vote"));
  EXPECT_EQ(errors_of(R"({"name": "x", "duration": "10s", "protocol": {"name": "session-lease"}, )"
                      R"("core": {"pre_vote": "yes"}})"),
            (std::vector<std::string>{"x.json: /core/pre_vote: expected true or false, found "
                                      "\"yes\""}));
}

TEST(SessionModule, CanonicalJsonRoundTripsExactly) {
  for (const char* f :
       {"scenarios/explore-session.json", "scenarios/sessions/no-local-timeout.json",
        "scenarios/sessions/keepalive-delay-receipt.json"}) {
    const Scenario s = load(kSource / f);
    const json once = scenario_to_json(s);
    const LoadResult again = load_scenario_json(once, "again.json");
    ASSERT_TRUE(again.ok()) << f;
    EXPECT_EQ(scenario_to_json(*again.scenario), once) << f;
  }
}

TEST(SessionModule, EachUnsafeLibraryScenarioViolatesAndItsPairHolds) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"no-local-timeout", "local-timeout"},
      {"ignore-jeopardy-no-lock-delay", "ignore-jeopardy-lock-delay"},
      {"zookeeper-act-until-expired", "zookeeper-suspend"},
      {"pause-lock-delay-off", "pause-lock-delay-on"},
      {"sequencer-check-off", "sequencer-check-on"},
      {"keepalive-delay-receipt", "keepalive-delay-conservative"}};
  for (const auto& [unsafe, fixed] : pairs) {
    const RunResult u = run(load(kSource / "scenarios/sessions" / (unsafe + ".json")));
    const RunResult f = run(load(kSource / "scenarios/sessions" / (fixed + ".json")));
    EXPECT_GT(u.failures, 0u) << unsafe;
    EXPECT_EQ(f.failures, 0u) << fixed;
    EXPECT_GE(f.metrics.grants, 2u) << fixed;
  }
}

TEST(SessionModule, SameScenarioAndSeedGiveTheSameTrace) {
  Scenario s = load(kSource / "scenarios/explore-session.json");
  for (const uint64_t seed : {1u, 2u, 3u}) {
    s.seed = seed;
    const RunResult a = run(s);
    const RunResult b = run(s);
    EXPECT_EQ(a.trace_hash, b.trace_hash) << seed;
    EXPECT_EQ(a.events, b.events) << seed;
    EXPECT_GT(a.metrics.grants, 5u);
  }
}

}  // namespace
}  // namespace module_test
}  // namespace leasesim
