#include "leasesim/campaign/params.hpp"
#include "leasesim/campaign/aggregate.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "leasesim/scenario/loader.hpp"

#include "../support/raft_lease.hpp"
#include "campaign_test_util.hpp"

namespace leasesim {
namespace params_test {

using namespace raft_lease;  // NOLINT: these scenarios are raft-lease's
using testing::edit;
using testing::rl;
namespace {

using testing::param;

using nlohmann::json;

TEST(SweepParam, ValuesAreJsonWhenValidElseStrings) {
  const SweepParam p = param("lease.ttl=2s,5s");
  EXPECT_EQ(p.path, "lease.ttl");
  ASSERT_EQ(p.values.size(), 2u);
  EXPECT_EQ(p.values[0], json("2s"));
  const SweepParam d = param("clocks.default.drift_ppm=0,100,1.5,-3");
  EXPECT_EQ(d.values[1], json(100));
  EXPECT_EQ(d.values[2], json(1.5));
  EXPECT_EQ(d.values[3], json(-3));
  const SweepParam b = param("protocol.knobs.fencing=true,false");
  EXPECT_EQ(b.values[0], json(true));
  // Commas inside brackets and quotes do not split.
  const SweepParam l = param(R"(network.latency={"dist":"uniform","min":"1ms","max":"5ms"},"a,b")");
  ASSERT_EQ(l.values.size(), 2u);
  EXPECT_EQ(l.values[0]["dist"], "uniform");
  EXPECT_EQ(l.values[1], json("a,b"));
}

TEST(SweepParam, AliasesAndErrors) {
  EXPECT_EQ(param("protocol=seed,safe").path, "protocol.preset");
  EXPECT_EQ(param("protocol=seed,safe").name, "protocol");
  EXPECT_EQ(param("clocks.drift_ppm=0,10").path, "clocks.default.drift_ppm");
  SweepParam p;
  std::string err;
  EXPECT_FALSE(parse_sweep_param("lease.ttl", &p, &err));
  EXPECT_NE(err.find("PATH=V1,V2"), std::string::npos) << err;
  EXPECT_FALSE(parse_sweep_param("lease.ttl=2s,,5s", &p, &err));
  EXPECT_NE(err.find("empty value"), std::string::npos) << err;
  EXPECT_FALSE(parse_sweep_param("lease.ttl=2s,2s", &p, &err));
  EXPECT_NE(err.find("twice"), std::string::npos) << err;
  EXPECT_FALSE(parse_sweep_param("seed=1,2", &p, &err));
  EXPECT_NE(err.find("--seeds"), std::string::npos) << err;
}

// A value nested deeper than a scenario file may be is refused, as in a
// file (before: 60,000 levels overflowed the stack: a segfault).
TEST(SweepParam, ValuesNestNoDeeperThanAScenarioFile) {
  SweepParam p;
  std::string err;
  const auto nested = [](size_t n) { return std::string(n, '[') + std::string(n, ']'); };
  EXPECT_TRUE(parse_sweep_param("description=" + nested(64), &p, &err)) << err;
  EXPECT_FALSE(parse_sweep_param("description=" + nested(65), &p, &err));
  EXPECT_EQ(err, "description: a value nested deeper than 64 levels");
  EXPECT_FALSE(parse_sweep_param("description=" + nested(60000), &p, &err));
  EXPECT_EQ(err, "description: a value nested deeper than 64 levels");
  // Brackets inside a string do not nest.
  EXPECT_TRUE(parse_sweep_param("description=\"" + nested(100) + "\"", &p, &err)) << err;
}

TEST(SweepPath, CreatesObjectsIndexesArraysAndNamesBadPaths) {
  json doc = {{"name", "x"}, {"requestors", json::array({{{"name", "a"}}})}, {"lease", "oops"}};
  std::string err;
  ASSERT_TRUE(set_json_path(&doc, "protocol.knobs.anchor", "send", &err)) << err;
  EXPECT_EQ(doc["protocol"]["knobs"]["anchor"], "send");
  ASSERT_TRUE(set_json_path(&doc, "requestors.0.hold", "1s", &err)) << err;
  EXPECT_EQ(doc["requestors"][0]["hold"], "1s");
  EXPECT_FALSE(set_json_path(&doc, "requestors.3.hold", "1s", &err));
  EXPECT_NE(err.find("out of range"), std::string::npos) << err;
  EXPECT_FALSE(set_json_path(&doc, "requestors.x", "1s", &err));
  EXPECT_NE(err.find("expected an index"), std::string::npos) << err;
  EXPECT_FALSE(set_json_path(&doc, "lease.ttl", "1s", &err));
  EXPECT_NE(err.find("not an object"), std::string::npos) << err;
  EXPECT_FALSE(set_json_path(&doc, "faults.0.at", "1s", &err));
  EXPECT_NE(err.find("not in the scenario"), std::string::npos) << err;
  EXPECT_FALSE(set_json_path(&doc, "a..b", 1, &err));
}

TEST(SweepCells, CartesianProductFirstParameterOutermost) {
  const std::vector<SweepParam> ps = {param("protocol=seed,naive"), param("lease.ttl=2s,5s,9s")};
  EXPECT_EQ(sweep_cell_count(ps), 6u);
  EXPECT_EQ(sweep_cell_coords(ps, 4), (std::vector<size_t>{1, 1}));
  EXPECT_EQ(sweep_cell_label(ps, 4), "protocol=naive lease.ttl=5s");
  EXPECT_EQ(sweep_cell_json(ps, 2), R"({"protocol":"seed","lease.ttl":"9s"})");
  EXPECT_EQ(sweep_cell_count({}), 1u);
}

// Values become JSON strings, which must be UTF-8.
TEST(SweepParam, TextThatIsNotUtf8IsRefused) {
  SweepParam p;
  std::string err;
  EXPECT_FALSE(parse_sweep_param("description=caf\xE9", &p, &err));
  EXPECT_EQ(err, "expected UTF-8 text, found byte 0xE9 in \"description=caf\xE9\"");
  EXPECT_FALSE(parse_sweep_param("descr\xFFiption=x", &p, &err));
  EXPECT_TRUE(parse_sweep_param("description=caf\xC3\xA9", &p, &err)) << err;
  EXPECT_EQ(p.values[0], "caf\xC3\xA9");
}

// 64 parameters of two values are 2^64 cells: the product wrapped to 0,
// and sweep ran no cell at all and reported the grid complete.
TEST(SweepCells, ACountPastSixtyFourBitsSaturates) {
  std::vector<SweepParam> ps;
  for (int i = 0; i < 32; ++i) ps.push_back(param("description.p" + std::to_string(i) + "=1,2"));
  EXPECT_EQ(sweep_cell_count(ps), uint64_t{1} << 32);
  for (int i = 32; i < 64; ++i) ps.push_back(param("description.p" + std::to_string(i) + "=1,2"));
  EXPECT_EQ(sweep_cell_count(ps), UINT64_MAX);
  ps.push_back(param("lease.ttl=2s,5s,9s"));
  EXPECT_EQ(sweep_cell_count(ps), UINT64_MAX);
}

TEST(SweepCells, EveryCellGoesThroughTheLoader) {
  const json base = {{"name", "s"}, {"duration", "5s"}};
  const std::vector<SweepParam> ps = {param("core.servers=1,3"), param("lease.ttl=2s,nope")};
  std::vector<std::string> errors;
  const std::optional<Scenario> ok = sweep_cell_scenario(base, "s.json", ps, 2, &errors);
  ASSERT_TRUE(ok) << (errors.empty() ? "" : errors[0]);
  EXPECT_EQ(ok->servers.size(), 3u);
  EXPECT_EQ(rl(*ok).ttl, seconds(2));
  EXPECT_FALSE(sweep_cell_scenario(base, "s.json", ps, 1, &errors));
  ASSERT_FALSE(errors.empty());
  // The loader's message, prefixed with the cell.
  EXPECT_NE(errors.back().find("cell core.servers=1 lease.ttl=nope: s.json: /lease/ttl"),
            std::string::npos)
      << errors.back();
}

TEST(Wilson, KnownIntervals) {
  double lo, hi;
  wilson_interval(0, 50, &lo, &hi);
  EXPECT_EQ(lo, 0.0);
  EXPECT_NEAR(hi, 0.0713, 1e-4);
  wilson_interval(13, 50, &lo, &hi);
  EXPECT_NEAR(lo, 0.1588, 1e-4);
  EXPECT_NEAR(hi, 0.3955, 1e-4);
  wilson_interval(10, 10, &lo, &hi);
  EXPECT_NEAR(lo, 0.7225, 1e-4);
  EXPECT_EQ(hi, 1.0);
  wilson_interval(0, 0, &lo, &hi);
  EXPECT_EQ(lo, 0.0);
  EXPECT_EQ(hi, 1.0);
}

TEST(SweepValueArg, ReadsBackToTheSameValue) {
  const json values[] = {json("2s"),
                         json(100),
                         json(1.5),
                         json(true),
                         json("true"),
                         json("a,b"),
                         json("100"),
                         json(nullptr),
                         json(""),
                         json::parse(R"({"dist":"uniform"})"),
                         json::array({1, 2}),
                         json("x[1"),
                         json("say \"hi\"")};
  for (const json& v : values) {
    SweepParam p;
    std::string err;
    ASSERT_TRUE(parse_sweep_param("lease.ttl=" + sweep_value_arg(v), &p, &err)) << v << err;
    ASSERT_EQ(p.values.size(), 1u) << v;
    EXPECT_EQ(p.values[0], v) << sweep_value_arg(v);
  }
  EXPECT_EQ(sweep_value_arg("2s"), "2s");
  EXPECT_EQ(sweep_value_arg("true"), "\"true\"");
  EXPECT_EQ(sweep_value_text(json("2s")), "2s");
  EXPECT_EQ(sweep_value_text(json(3)), "3");
}

}  // namespace
}  // namespace params_test
}  // namespace leasesim
