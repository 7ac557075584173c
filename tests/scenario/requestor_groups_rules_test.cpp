// raft-lease's requestors and session-lease's clients are groups read,
// checked and written by one piece of code (protocols/workload): the same
// mistake gets the same message in both families, in the family's own
// words, and canonical JSON reads back to the same groups.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/scenario/loader.hpp"
#include "loader_errors_cases.hpp"
#include "scenario_test_util.hpp"

namespace leasesim {
namespace requestor_groups_rules_test {
namespace {

using testing::formatted;

struct Family {
  const char* protocol;
  const char* many;  // what the family calls its requestors
  const char* one;
};
const Family kFamilies[] = {{"raft-lease", "requestors", "requestor"},
                            {"session-lease", "clients", "client"}};

// A scenario of `f` with `rest` (members of the root object, after the
// protocol).
std::string scenario(const Family& f, const std::string& rest) {
  return std::string(R"({"name": "t", "duration": "10s", "protocol": {"name": ")") + f.protocol +
         R"("}, )" + rest + "}";
}

// `text` with "{N}" replaced by the family's plural word and "{1}" by its
// singular.
std::string words(const Family& f, std::string text) {
  for (const auto& [mark, word] : {std::pair<std::string, std::string>{"{N}", f.many},
                                   std::pair<std::string, std::string>{"{1}", f.one}}) {
    for (size_t i = text.find(mark); i != std::string::npos; i = text.find(mark, i))
      text.replace(i, mark.size(), word);
  }
  return text;
}

struct RuleCase {
  const char* name;
  std::string rest;
  std::vector<std::string> errors;  // exact, in order; "{N}", "{1}": the family's words
};

const std::vector<RuleCase>& cases() {
  static const std::vector<RuleCase> kCases = {
      {"TwoNamings",
       R"("requestors": [{"name": "a", "count": 2}])",
       {"x.json: /requestors/0: expected exactly one of the keys \"name\", \"names\" or "
        "\"count\", found \"name\" and \"count\""}},
      {"TooManyInAll",
       R"("requestors": [{"count": 600000}, {"count": 600000, "prefix": "d"}])",
       {"x.json: /requestors: expected at most 1000000 {N} in all, found 1200000"}},
      {"ResourceRefsTooMany",
       R"("resources": {"count": 1000}, "requestors": [{"count": 10001, "resources": )" +
           testing::resource_list(1000) + "}]",
       {"x.json: /requestors: expected at most 10000000 resources summed over all {N} (each "
        "{1}'s list counts), found 10001000; give large groups fewer resources"}},
      {"UnknownResource",
       R"("resources": ["db"], "requestors": [{"name": "a"}, {"name": "b", "resources": ["db", "dbx"]}])",
       {"x.json: /requestors/1/resources/1: unknown resource \"dbx\" (resources: db)"}},
      {"RangesInverted",
       R"("requestors": [{"name": "a", "hold": {"min": "10s", "max": "2s"},
            "think": {"min": "2s", "max": "1s"}, "backoff": {"min": "3s", "max": "1s"}}])",
       {"x.json: /requestors/0/hold: expected hold min <= max, found min 10s > max 2s",
        "x.json: /requestors/0/think: expected think min <= max, found min 2s > max 1s",
        "x.json: /requestors/0/backoff: expected backoff min <= max, found min 3s > max 1s"}},
      {"NamesClashAcrossGroups",
       R"("requestors": [{"count": 3, "prefix": "c"}, {"names": ["x", "c2"]}])",
       {"x.json: /requestors/1/names/1: duplicate node name \"c2\" (also at "
        "/requestors/0/count)"}},
      {"ReservedStorage",
       R"("requestors": [{"name": "storage"}])",
       {"x.json: /requestors/0/name: \"storage\" is a reserved name (it names the storage "
        "node)"}},
  };
  return kCases;
}

class RequestorGroupRules : public ::testing::TestWithParam<Family> {};

TEST_P(RequestorGroupRules, SameMistakeSameMessageInTheFamilysWords) {
  const Family& f = GetParam();
  for (const RuleCase& c : cases()) {
    const LoadResult r = load_scenario_text(scenario(f, c.rest), "x.json");
    std::vector<std::string> want;
    for (const std::string& e : c.errors) want.push_back(words(f, e));
    EXPECT_EQ(formatted(r.errors), want) << c.name;
  }
}

// Members named alike in both families, in order of their groups.
TEST_P(RequestorGroupRules, GroupsNameTheirMembersInOrder) {
  const Family& f = GetParam();
  const LoadResult r = load_scenario_text(
      scenario(f, R"("requestors": [{"names": ["x", "y"]}, {"count": 3, "prefix": "w"},
                                    {"name": "z"}])"),
      "x.json");
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(formatted(r.errors));
  const nlohmann::json j = scenario_to_json(*r.scenario);
  std::vector<std::string> named;
  for (const nlohmann::json& g : j["requestors"]) {
    if (g.contains("name")) named.push_back(g["name"].get<std::string>());
    if (g.contains("count"))
      for (int k = 1; k <= g["count"].get<int>(); ++k)
        named.push_back(g["prefix"].get<std::string>() + std::to_string(k));
  }
  EXPECT_EQ(named, (std::vector<std::string>{"x", "y", "w1", "w2", "w3", "z"}));
}

// Every workload key, set away from its default, survives canonical JSON; a
// run named prefix1..prefixN configured alike stays one count group, and a
// list of every resource in order is written as "all" (the same resources,
// wanted alike).
TEST_P(RequestorGroupRules, CanonicalJsonReadsBackTheSame) {
  const Family& f = GetParam();
  const LoadResult first = load_scenario_text(scenario(f, R"("resources": ["db", "queue", "cache"],
          "requestors": [
            {"count": 3, "prefix": "w", "resources": ["queue", "db"], "choice": "fixed",
             "start": "2s", "hold": "forever", "think": "3s", "backoff": {"min": "1s", "max": "2s"},
             "write_every": "100ms", "check_to_write": "5ms", "max_holds": 4},
            {"name": "every", "resources": ["db", "queue", "cache"]}])"),
                                              "x.json");
  ASSERT_TRUE(first.ok()) << ::testing::PrintToString(formatted(first.errors));
  const nlohmann::json j = scenario_to_json(*first.scenario);
  const nlohmann::json& groups = j["requestors"];
  ASSERT_EQ(groups.size(), 2u) << groups.dump();
  const nlohmann::json& w = groups[0];
  EXPECT_EQ(w["count"], 3);
  EXPECT_EQ(w["prefix"], "w");
  EXPECT_EQ(w["resources"], nlohmann::json({"queue", "db"}));
  EXPECT_EQ(w["choice"], "fixed");
  EXPECT_EQ(w["start"], "2s");
  EXPECT_EQ(w["hold"], "forever");
  EXPECT_EQ(w["think"], "3s");
  EXPECT_EQ(w["backoff"], nlohmann::json({{"min", "1s"}, {"max", "2s"}}));
  EXPECT_EQ(w["write_every"], "100ms");
  EXPECT_EQ(w["check_to_write"], "5ms");
  EXPECT_EQ(w["max_holds"], 4);
  EXPECT_EQ(groups[1]["name"], "every");
  EXPECT_EQ(groups[1]["resources"], "all");
  EXPECT_EQ(groups[1]["choice"], "random");
  const LoadResult again = load_scenario_text(j.dump(), "y.json");
  ASSERT_TRUE(again.ok()) << ::testing::PrintToString(formatted(again.errors));
  EXPECT_EQ(scenario_to_json(*again.scenario), j);
}

INSTANTIATE_TEST_SUITE_P(Families, RequestorGroupRules, ::testing::ValuesIn(kFamilies),
                         [](const ::testing::TestParamInfo<Family>& p) {
                           std::string n = p.param.protocol;
                           for (char& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

// Only raft-lease's requestors take turns over their resources.
TEST(RequestorGroupChoice, CycleIsRaftLeasesAlone) {
  const std::string groups =
      R"("resources": ["a", "b"], "requestors": [{"name": "r", "choice": "cycle"}])";
  EXPECT_TRUE(load_scenario_text(scenario(kFamilies[0], groups), "x.json").ok());
  const LoadResult s = load_scenario_text(scenario(kFamilies[1], groups), "x.json");
  EXPECT_EQ(formatted(s.errors),
            std::vector<std::string>{"x.json: /requestors/0/choice: expected one of \"fixed\", "
                                     "\"random\", found \"cycle\""});
}

}  // namespace
}  // namespace requestor_groups_rules_test
}  // namespace leasesim
