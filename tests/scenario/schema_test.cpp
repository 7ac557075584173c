// The JSON Schema is generated from the loader's own tables; these tests
// keep the checked-in copy current and check that an independent validator
// (Python's jsonschema) agrees with the loader on valid and invalid files.
#include "leasesim/scenario/schema.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/scenario/loader.hpp"
#include "scenario_test_util.hpp"

namespace leasesim {
namespace schema_test {
namespace {

using testing::ScratchDir;

const std::string kSourceDir = LEASESIM_SOURCE_DIR;

TEST(Schema, CheckedInCopyIsCurrent) {
  const std::string path = kSourceDir + "/docs/scenario.schema.json";
  const std::string want = scenario_schema().dump(2) + "\n";
  EXPECT_TRUE(testing::slurp(path) == want)
      << path << " is out of date with the loader's tables; regenerate it with "
      << "`build/leasesim schema > docs/scenario.schema.json`";
}

TEST(Schema, IsDraft202012WithClosedObjects) {
  const nlohmann::json s = scenario_schema();
  EXPECT_EQ(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
  // One branch per built-in protocol (raft-lease, kv-lease, session-lease), keys closed
  // across them.
  EXPECT_EQ(s["unevaluatedProperties"], false);
  EXPECT_EQ(s["required"], (nlohmann::json{"name", "duration"}));
  ASSERT_EQ(s["allOf"].size(), 3u);
  const nlohmann::json& raft = s["allOf"][0]["then"]["properties"];
  EXPECT_EQ(raft["core"]["properties"]["heartbeat"]["default"], "50ms");
  const nlohmann::json& kv = s["allOf"][1]["then"]["properties"];
  EXPECT_EQ(kv["election"]["properties"]["lease_duration"]["default"], "15s");
  EXPECT_FALSE(kv.contains("core"));
  const nlohmann::json& session = s["allOf"][2]["then"]["properties"];
  EXPECT_TRUE(session.contains("session"));
  EXPECT_TRUE(session.contains("core"));
  EXPECT_EQ(s["$defs"]["fault_pause"]["additionalProperties"], false);
}

bool python_has_jsonschema(std::string* why) {
  std::string out;
  const int rc = testing::run_command(
      "/usr/bin/python3 -c 'import jsonschema; jsonschema.Draft202012Validator'", &out);
  if (rc != 0) *why = out.empty() ? "exit status " + std::to_string(rc) : out;
  return rc == 0;
}

const char* const kValidator = R"(import json, sys
from jsonschema import Draft202012Validator
with open(sys.argv[1], encoding="utf-8") as f:
    schema = json.load(f)
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    errors = list(validator.iter_errors(doc))
    print(("invalid " if errors else "valid ") + path)
)";

// Documents the loader rejects for structural reasons (key, type, enum,
// pattern, range, count), which the schema must reject too.
std::vector<std::pair<std::string, std::string>> structurally_bad() {
  const std::string base = R"("name": "t", "duration": "60s")";
  auto doc = [&](const std::string& extra) { return "{" + base + ", " + extra + "}"; };
  return {
      {"missing_name", R"({"duration": "60s"})"},
      {"unknown_root_key", doc(R"("durations": "1s")")},
      {"unknown_core_key", doc(R"("core": {"heartbeet": "1ms"})")},
      {"seed_string", doc(R"("seed": "42")")},
      {"seed_negative", doc(R"("seed": -1)")},
      {"bad_name", R"({"name": "Big Name", "duration": "60s"})"},
      {"bad_duration", R"({"name": "t", "duration": "abc"})"},
      {"negative_at", doc(R"("faults": [{"at": "-1s", "kind": "heal"}])")},
      {"bad_preset", doc(R"("protocol": {"preset": "saf"})")},
      {"bad_knob", doc(R"("protocol": {"knobs": {"anchor": "sent"}})")},
      {"bad_knob_type", doc(R"("protocol": {"knobs": {"fencing": "yes"}})")},
      {"servers_too_many", doc(R"("core": {"servers": 12})")},
      {"servers_string", doc(R"("core": {"servers": "3"})")},
      {"resources_empty", doc(R"("resources": [])")},
      {"resources_duplicate", doc(R"("resources": ["a", "a"])")},
      {"two_namings", doc(R"("requestors": [{"name": "a", "count": 2}])")},
      {"no_naming", doc(R"("requestors": [{"ttl": "1s"}])")},
      {"prefix_without_count", doc(R"("requestors": [{"name": "a", "prefix": "c"}])")},
      {"hold_number", doc(R"("requestors": [{"name": "a", "hold": 5}])")},
      {"loss_above_one", doc(R"("network": {"loss": 1.5})")},
      {"bad_dist", doc(R"("network": {"latency": {"dist": "normal", "value": "1ms"}})")},
      {"latency_extra_key",
       doc(R"("network": {"latency": {"dist": "constant", "value": "1ms", "min": "1ms"}})")},
      {"bad_clock_key", doc(R"("clocks": {"nodes": {"n 1": {}}})")},
      {"drift_too_big", doc(R"("clocks": {"default": {"drift_ppm": 200000}})")},
      {"bad_fault_kind", doc(R"("faults": [{"at": "1s", "kind": "crsh", "target": "n1"}])")},
      {"heal_with_target", doc(R"("faults": [{"at": "1s", "kind": "heal", "target": "n1"}])")},
      {"pause_no_duration", doc(R"("faults": [{"at": "1s", "kind": "pause", "target": "n1"}])")},
      {"network_fault_empty",
       doc(R"("faults": [{"at": "1s", "kind": "network", "duration": "1s"}])")},
      {"partition_one_group",
       doc(R"("faults": [{"at": "1s", "kind": "partition", "groups": [["n1"]]}])")},
      {"bad_target", doc(R"("faults": [{"at": "1s", "kind": "isolate", "target": "holder:"}])")},
      {"bad_violation", doc(R"("expect": {"safety": "violation", "violations": ["overlaps"]})")},
      {"root_array", "[]"},
      // A protocol nobody registered (the schema accepted any name).
      {"unknown_protocol", doc(R"("protocol": {"name": "zk"})")},
  };
}

TEST(Schema, PythonJsonschemaAgreesWithTheLoader) {
  std::string why;
  if (!python_has_jsonschema(&why)) {
    GTEST_SKIP() << "/usr/bin/python3 cannot import jsonschema (install python3-jsonschema): "
                 << why;
  }
  ScratchDir dir;
  const std::string schema = dir.write("scenario.schema.json", scenario_schema().dump(2));
  const std::string script = dir.write("validate.py", kValidator);

  // Valid: every scenario in scenarios/, the test's own examples, and the
  // canonical form of the full example.
  std::vector<std::string> good;
  const std::filesystem::path scenarios = kSourceDir + "/scenarios";
  if (std::filesystem::is_directory(scenarios)) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(scenarios)) {
      if (e.is_regular_file() && e.path().extension() == ".json") {
        good.push_back(e.path().string());
      }
    }
  }
  good.push_back(dir.write("full.json", testing::kFullExample));
  good.push_back(dir.write("minimal.json", R"({"name": "m", "duration": "1s"})"));
  const LoadResult full = load_scenario_text(testing::kFullExample, "full.json");
  ASSERT_TRUE(full.ok());
  good.push_back(dir.write("canonical.json", scenario_to_json(*full.scenario).dump(2)));
  for (const std::string& g : good) {
    const LoadResult r = load_scenario_file(g);
    EXPECT_TRUE(r.ok()) << g << ": " << ::testing::PrintToString(testing::formatted(r.errors));
  }

  std::vector<std::string> bad;
  for (const auto& [name, text] : structurally_bad()) {
    bad.push_back(dir.write("bad-" + name + ".json", text));
    EXPECT_FALSE(load_scenario_text(text, name).ok()) << name;
  }

  std::string command = "/usr/bin/python3 " + script + " " + schema;
  for (const std::string& f : good) command += " '" + f + "'";
  for (const std::string& f : bad) command += " '" + f + "'";
  std::string out;
  ASSERT_EQ(testing::run_command(command, &out), 0) << out;
  out = "\n" + out;
  for (const std::string& f : good) {
    EXPECT_NE(out.find("\nvalid " + f + "\n"), std::string::npos) << f << "\n" << out;
  }
  for (const std::string& f : bad) {
    EXPECT_NE(out.find("\ninvalid " + f + "\n"), std::string::npos) << f << "\n" << out;
  }
}

}  // namespace
}  // namespace schema_test
}  // namespace leasesim
