// The block that sets up a Raft core (raft-lease's and session-lease's
// `core`, kv-lease's `kv`) is read and checked by one piece of code
// (raft/core_block.hpp): the same mistake gets the same message in every
// family, at the family's own key, and canonical JSON reads back the same.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/scenario/loader.hpp"
#include "scenario_test_util.hpp"

namespace leasesim {
namespace core_block_rules_test {
namespace {

using testing::formatted;

struct Family {
  const char* protocol;
  const char* key;  // the block's key
};
const Family kFamilies[] = {{"raft-lease", "core"}, {"session-lease", "core"}, {"kv-lease", "kv"}};

// A minimal scenario of `f` whose core block is `block`.
std::string scenario(const Family& f, const std::string& block) {
  return std::string(R"({"name": "t", "duration": "10s", "protocol": {"name": ")") + f.protocol +
         R"("}, ")" + f.key + R"(": )" + block + "}";
}

// `text` with every "{K}" replaced by the family's key.
std::string at(const Family& f, std::string text) {
  for (size_t i = text.find("{K}"); i != std::string::npos; i = text.find("{K}", i))
    text.replace(i, 3, f.key);
  return text;
}

struct RuleCase {
  const char* name;
  const char* block;
  std::vector<std::string> errors;  // exact, in order; "{K}" is the block's key
};

const RuleCase kCases[] = {
    {"HeartbeatNotShorterThanMin",
     R"({"heartbeat": "200ms"})",
     {"x.json: /{K}/heartbeat: expected a heartbeat shorter than election_timeout.min (150ms), "
      "found \"200ms\""}},
    // The heartbeat is the default: the file's mistake is the short timeout.
    {"MinNotLongerThanDefaultHeartbeat",
     R"({"election_timeout": {"min": "40ms", "max": "300ms"}})",
     {"x.json: /{K}/election_timeout/min: expected an election timeout longer than the heartbeat "
      "(50ms), found \"40ms\""}},
    {"MinAboveMax",
     R"({"election_timeout": {"min": "400ms", "max": "300ms"}})",
     {"x.json: /{K}/election_timeout: expected election_timeout min <= max, found min 400ms > "
      "max 300ms"}},
    // An invalid heartbeat is reported once, and the bounds are still checked.
    {"MinAboveMaxWithBadHeartbeat",
     R"({"heartbeat": "500ns", "election_timeout": {"min": "400ms", "max": "300ms"}})",
     {"x.json: /{K}/heartbeat: expected a duration of at least 1us, found \"500ns\"",
      "x.json: /{K}/election_timeout: expected election_timeout min <= max, found min 400ms > "
      "max 300ms"}},
    {"BoundsNotMultiplesOfGranularity",
     R"({"election_timeout": {"min": "150500us", "max": "300500us", "granularity": "1ms"}})",
     {"x.json: /{K}/election_timeout/min: expected a multiple of election_timeout.granularity "
      "(1ms), found 150500us",
      "x.json: /{K}/election_timeout/max: expected a multiple of election_timeout.granularity "
      "(1ms), found 300500us"}},
    {"TooManyServers",
     R"({"servers": 10})",
     {"x.json: /{K}/servers: expected a server count from 1 to 9, found 10"}},
};

class CoreBlockRules : public ::testing::TestWithParam<Family> {};

TEST_P(CoreBlockRules, SameMistakeSameMessageAtTheFamilysKey) {
  const Family& f = GetParam();
  for (const RuleCase& c : kCases) {
    const LoadResult r = load_scenario_text(scenario(f, c.block), "x.json");
    std::vector<std::string> want;
    for (const std::string& e : c.errors) want.push_back(at(f, e));
    EXPECT_EQ(formatted(r.errors), want) << c.name;
  }
}

TEST_P(CoreBlockRules, EvenServersWarnAtTheFamilysKey) {
  const Family& f = GetParam();
  const LoadResult r = load_scenario_text(scenario(f, R"({"servers": 4})"), "x.json");
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(formatted(r.errors));
  EXPECT_EQ(formatted(r.warnings),
            std::vector<std::string>{at(f,
                                        "x.json: /{K}/servers: an even number of servers tolerates "
                                        "no more failures than one fewer (4 and 3 servers both "
                                        "tolerate 1)")});
}

TEST_P(CoreBlockRules, DuplicateServerNamesPointAtTheListEntry) {
  const Family& f = GetParam();
  const LoadResult r = load_scenario_text(scenario(f, R"({"servers": ["a", "b", "a"]})"), "x.json");
  ASSERT_FALSE(r.ok());
  const std::vector<std::string> errors = formatted(r.errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find(at(f, "/{K}/servers/2")), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find(at(f, "/{K}/servers/0")), std::string::npos) << errors[0];
}

// Every key the block has, set away from its default, survives a round trip
// through canonical JSON; granularity and pre_vote appear only when set.
TEST_P(CoreBlockRules, CanonicalJsonReadsBackTheSame) {
  const Family& f = GetParam();
  std::string block = R"({"servers": ["a", "b", "c", "d", "e"], "heartbeat": "20ms",
      "election_timeout": {"min": "100ms", "max": "200ms", "granularity": "1ms"},
      "snapshot_every": 77, "pre_vote": true)";
  if (std::string(f.protocol) != "kv-lease") block += R"(, "max_append_entries": 9)";
  block += "}";
  const LoadResult first = load_scenario_text(scenario(f, block), "x.json");
  ASSERT_TRUE(first.ok()) << ::testing::PrintToString(formatted(first.errors));
  const nlohmann::json j = scenario_to_json(*first.scenario);
  const nlohmann::json& core = j[f.key];
  EXPECT_EQ(core["servers"], nlohmann::json({"a", "b", "c", "d", "e"}));
  EXPECT_EQ(core["heartbeat"], "20ms");
  EXPECT_EQ(core["election_timeout"]["granularity"], "1ms");
  EXPECT_EQ(core["snapshot_every"], 77);
  EXPECT_EQ(core["pre_vote"], true);
  const LoadResult again = load_scenario_text(j.dump(), "y.json");
  ASSERT_TRUE(again.ok()) << ::testing::PrintToString(formatted(again.errors));
  EXPECT_EQ(scenario_to_json(*again.scenario), j);

  const LoadResult plain = load_scenario_text(scenario(f, "{}"), "x.json");
  ASSERT_TRUE(plain.ok());
  const nlohmann::json p = scenario_to_json(*plain.scenario)[f.key];
  EXPECT_FALSE(p["election_timeout"].contains("granularity"));
  EXPECT_FALSE(p.contains("pre_vote"));
}

INSTANTIATE_TEST_SUITE_P(Families, CoreBlockRules, ::testing::ValuesIn(kFamilies),
                         [](const ::testing::TestParamInfo<Family>& p) {
                           std::string n = p.param.protocol;
                           for (char& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

}  // namespace
}  // namespace core_block_rules_test
}  // namespace leasesim
