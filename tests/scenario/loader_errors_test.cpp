// Every way a scenario can be wrong, with the exact message a user sees.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/scenario/loader.hpp"
#include "loader_errors_cases.hpp"
#include "scenario_test_util.hpp"

namespace leasesim {
namespace loader_errors_test {
namespace {

using testing::BadCase;
using testing::doc;
using testing::formatted;

// The whole table (loader_errors_cases.hpp), in its order.
std::vector<BadCase> bad_cases() {
  std::vector<BadCase> cases = testing::bad_document_cases();
  for (BadCase& c : testing::bad_run_cases()) cases.push_back(std::move(c));
  return cases;
}

class LoaderErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(LoaderErrors, ReportsExactMessages) {
  const BadCase& c = GetParam();
  const LoadResult r = load_scenario_text(c.text, "x.json");
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.scenario.has_value());
  EXPECT_EQ(formatted(r.errors), c.errors);
}

INSTANTIATE_TEST_SUITE_P(Table, LoaderErrors, ::testing::ValuesIn(bad_cases()),
                         [](const ::testing::TestParamInfo<BadCase>& p) {
                           return std::string(p.param.name);
                         });

TEST(LoaderErrorsTable, HasAtLeastFortyCases) {
  EXPECT_GE(bad_cases().size(), 40u);
}

TEST(LoaderErrorsTable, CaseNamesAreUnique) {
  std::set<std::string> names;
  for (const BadCase& c : bad_cases()) EXPECT_TRUE(names.insert(c.name).second) << c.name;
}

// Warnings do not stop a scenario from loading.
struct WarnCase {
  const char* name;
  std::string text;
  std::vector<std::string> warnings;
};

std::vector<WarnCase> warn_cases() {
  return {
      {"EvenServers",
       doc(R"("core": {"servers": 4})"),
       {"x.json: /core/servers: an even number of servers tolerates no more failures than one "
        "fewer (4 and 3 servers both tolerate 1)"}},
      {"TtlNotAboveRenew",
       doc(R"("requestors": [{"name": "a", "ttl": "1s", "renew_every": "1s"}])"),
       {"x.json: /requestors/0: ttl 1s is not longer than renew_every 1s: leases expire before "
        "they are renewed"}},
      {"TtlNotAboveRenewDefault",
       doc(R"("lease": {"ttl": "1s", "renew_every": "2s"})"),
       {"x.json: /lease: ttl 1s is not longer than renew_every 2s: leases expire before they "
        "are renewed"}},
      {"RestartNotCrashed",
       doc(R"("faults": [{"at": "5s", "kind": "restart", "target": "n2"}])"),
       {"x.json: /faults/0: restart of \"n2\" at 5s, but the script has not crashed it (it is "
        "running then)"}},
      {"RestartAfterTimedCrash",
       doc(R"("faults": [{"at": "9s", "kind": "restart", "target": "n2"},
                         {"at": "1s", "kind": "crash", "target": "n2", "duration": "3s"}])"),
       {"x.json: /faults/0: restart of \"n2\" at 9s, but the script has not crashed it (it is "
        "running then)"}},
      {"HealWithoutPartition",
       doc(R"("faults": [{"at": "5s", "kind": "heal"}])"),
       {"x.json: /faults/0: heal at 5s with no partition, cut or isolate before it"}},
      {"NoWarningAfterRoleCrash",
       doc(R"("faults": [{"at": "1s", "kind": "crash", "target": "leader"},
                         {"at": "5s", "kind": "restart", "target": "n2"}])"),
       {}},
      {"NoWarningAfterCrash",
       doc(R"("faults": [{"at": "1s", "kind": "crash", "target": "n2"},
                         {"at": "5s", "kind": "restart", "target": "n2"},
                         {"at": "6s", "kind": "cut", "from": "n1", "to": "n3"},
                         {"at": "7s", "kind": "heal"}])"),
       {}},
  };
}

class LoaderWarnings : public ::testing::TestWithParam<WarnCase> {};

TEST_P(LoaderWarnings, ReportsExactWarnings) {
  const WarnCase& c = GetParam();
  const LoadResult r = load_scenario_text(c.text, "x.json");
  EXPECT_TRUE(r.ok()) << ::testing::PrintToString(formatted(r.errors));
  EXPECT_EQ(formatted(r.warnings), c.warnings);
  for (const Diagnostic& d : r.warnings) EXPECT_TRUE(d.warning);
}

INSTANTIATE_TEST_SUITE_P(Table, LoaderWarnings, ::testing::ValuesIn(warn_cases()),
                         [](const ::testing::TestParamInfo<WarnCase>& p) {
                           return std::string(p.param.name);
                         });

TEST(LoaderErrors, ErrorsAreCappedWithASummary) {
  std::string text = R"({"name": "t", "duration": "60s", "requestors": [)";
  for (int i = 0; i < 150; ++i) text += std::string(i ? "," : "") + R"({"name": 1})";
  text += "]}";
  const LoadResult r = load_scenario_text(text, "x.json");
  ASSERT_EQ(r.errors.size(), scenario_limits::kMaxErrors + 1);
  EXPECT_EQ(r.errors.back().format(), "x.json: too many errors: 50 more not shown");
}

TEST(LoaderErrors, ProgrammaticDocumentsAreCheckedToo) {
  nlohmann::json j = {{"name", "t"}, {"duration", "60s"}, {"seed", "x"}};
  const LoadResult r = load_scenario_json(j, "sweep[3]");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].format(), "sweep[3]: /seed: expected a non-negative integer, found \"x\"");
  // Invalid UTF-8 inside a programmatic document does not throw.
  j["seed"] = std::string("\xff");
  const LoadResult r2 = load_scenario_json(j, "sweep[3]");
  ASSERT_EQ(r2.errors.size(), 1u);
  EXPECT_EQ(r2.errors[0].format(),
            "sweep[3]: /seed: expected a non-negative integer, found \"\xef\xbf\xbd\"");
}
}  // namespace
}  // namespace loader_errors_test
}  // namespace leasesim
