// The scenario library (scenarios/<topic>/) and the exit codes CI relies on:
//   * every library scenario has a description and an expect block, every
//     unsafe/fixed pair is complete, and docs/scenario-library.md lists each;
//   * `leasesim check` exits 0 on a passing folder, 1 when a scenario's
//     expectation fails, 2 when a scenario cannot be loaded (the others
//     still run); `leasesim run` exits 1 on a violation, 0 when safety holds.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_process.hpp"

namespace fs = std::filesystem;
using leasesim::testing::CliResult;
using leasesim::testing::run_cli;
using leasesim::testing::slurp;
using leasesim::testing::TempDir;
using leasesim::testing::write_text;

namespace library_test {
namespace {

const fs::path kSource = LEASESIM_SOURCE_DIR;
const fs::path kScenarios = kSource / "scenarios";

// The library's topic folders (scenarios/default.json, scenarios/bench/ and
// other top-level files belong to other jobs).
const std::vector<std::string> kTopics = {"basics",    "clocks", "failover", "network",
                                          "partition", "pause",  "scale",    "sessions"};

std::vector<fs::path> library_files() {
  std::vector<fs::path> out;
  for (const std::string& t : kTopics)
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(kScenarios / t))
      if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

nlohmann::json load(const fs::path& p) {
  return nlohmann::json::parse(slurp(p));
}

TEST(Library, EveryScenarioDescribesItselfAndStatesItsExpectation) {
  const std::vector<fs::path> files = library_files();
  ASSERT_GE(files.size(), 20u);
  std::set<std::string> names;
  for (const fs::path& f : files) {
    SCOPED_TRACE(f.string());
    const nlohmann::json j = load(f);
    EXPECT_EQ(j.value("name", ""), f.stem().string()) << "name should match the file name";
    EXPECT_TRUE(names.insert(j.value("name", "")).second) << "duplicate scenario name";
    EXPECT_GE(j.value("description", "").size(), 100u) << "describe what it demonstrates";
    ASSERT_TRUE(j.contains("expect"));
    const std::string safety = j["expect"].value("safety", "");
    EXPECT_TRUE(safety == "holds" || safety == "violation");
    if (safety == "violation") {
      ASSERT_TRUE(j["expect"].contains("violations")) << "name the violation kind";
      EXPECT_FALSE(j["expect"]["violations"].empty());
    }
  }
}

// A description that says "(pair: OTHER; ...)" names its partner: the
// partner exists, names this one back, and exactly one of the two holds.
TEST(Library, PairsAreCompleteWithOneUnsafeAndOneFixedVariant) {
  std::map<std::string, nlohmann::json> by_name;
  for (const fs::path& f : library_files()) by_name[f.stem().string()] = load(f);
  size_t pairs = 0;
  for (const auto& [name, j] : by_name) {
    const std::string d = j.value("description", "");
    const size_t at = d.find("(pair: ");
    if (at == std::string::npos) continue;
    SCOPED_TRACE(name);
    const size_t from = at + 7;
    const std::string other = d.substr(from, d.find_first_of(";)", from) - from);
    ASSERT_TRUE(by_name.count(other)) << "partner " << other << " missing";
    const nlohmann::json& o = by_name[other];
    EXPECT_NE(o.value("description", "").find("(pair: " + name + ";"), std::string::npos)
        << other << " does not name " << name << " back";
    EXPECT_NE(j["expect"].value("safety", ""), o["expect"].value("safety", ""));
    ++pairs;
  }
  EXPECT_GE(pairs, 2u * 14u);  // fourteen pairs, each counted from both sides
}

// Every leaf value of a scenario, by JSON pointer, without the parts that
// say what it is (name, description, expect).
void leaves(const nlohmann::json& j, const std::string& at,
            std::map<std::string, nlohmann::json>* out) {
  if (at == "/name" || at == "/description" || at == "/expect") return;
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) leaves(it.value(), at + "/" + it.key(), out);
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) leaves(j[i], at + "/" + std::to_string(i), out);
  } else {
    (*out)[at] = j;
  }
}

// The partner a description names after `marker` ("(pair: OTHER; ..."), or "".
std::string partner(const std::string& description, const std::string& marker) {
  const size_t at = description.find(marker);
  if (at == std::string::npos) return "";
  const size_t from = at + marker.size();
  return description.substr(from, description.find_first_of(";)", from) - from);
}

// A description that says "(liveness pair: OTHER; ...)" names a partner that
// differs in liveness, not safety: both hold, and the election bounds of
// their expectations exclude each other (one's min_elections is above the
// other's max_elections), so `check` tells the two runs apart.
TEST(Library, LivenessPairsBothHoldAndDifferInElections) {
  std::map<std::string, nlohmann::json> by_name;
  for (const fs::path& f : library_files()) by_name[f.stem().string()] = load(f);
  size_t pairs = 0;
  for (const auto& [name, j] : by_name) {
    const std::string other = partner(j.value("description", ""), "(liveness pair: ");
    if (other.empty()) continue;
    SCOPED_TRACE(name);
    ASSERT_TRUE(by_name.count(other)) << "partner " << other << " missing";
    const nlohmann::json& o = by_name[other];
    EXPECT_EQ(partner(o.value("description", ""), "(liveness pair: "), name)
        << other << " does not name " << name << " back";
    EXPECT_EQ(j["expect"].value("safety", ""), "holds");
    EXPECT_EQ(o["expect"].value("safety", ""), "holds");
    const bool this_more = j["expect"].contains("min_elections") &&
                           o["expect"].contains("max_elections") &&
                           j["expect"]["min_elections"] > o["expect"]["max_elections"];
    const bool other_more = o["expect"].contains("min_elections") &&
                            j["expect"].contains("max_elections") &&
                            o["expect"]["min_elections"] > j["expect"]["max_elections"];
    EXPECT_TRUE(this_more != other_more) << "the election bounds should tell the two apart";
    ++pairs;
  }
  EXPECT_GE(pairs, 2u);  // rejoin-without-pre-vote / rejoin-with-pre-vote, both ways
}

// "One knob apart": the two halves of a pair (safety or liveness) differ in
// exactly one setting.
TEST(Library, PairsDifferInExactlyOneSetting) {
  std::map<std::string, nlohmann::json> by_name;
  for (const fs::path& f : library_files()) by_name[f.stem().string()] = load(f);
  size_t compared = 0;
  for (const auto& [name, j] : by_name) {
    const std::string d = j.value("description", "");
    std::string other = partner(d, "(pair: ");
    if (other.empty()) other = partner(d, "(liveness pair: ");
    if (other.empty() || other < name || !by_name.count(other)) continue;  // each pair once
    SCOPED_TRACE(name + " / " + other);
    std::map<std::string, nlohmann::json> a, b;
    leaves(j, "", &a);
    leaves(by_name[other], "", &b);
    std::vector<std::string> differ;
    for (const auto& [path, v] : a)
      if (!b.count(path) || b[path] != v) differ.push_back(path);
    for (const auto& [path, v] : b)
      if (!a.count(path)) differ.push_back(path);
    EXPECT_EQ(differ.size(), 1u) << "settings that differ: " << nlohmann::json(differ).dump();
    ++compared;
  }
  EXPECT_GE(compared, 15u);  // fourteen safety pairs and one liveness pair
}

TEST(Library, CatalogueListsEveryScenario) {
  const std::string doc = slurp(kSource / "docs" / "scenario-library.md");
  ASSERT_FALSE(doc.empty());
  for (const fs::path& f : library_files()) {
    const std::string rel = fs::relative(f, kSource).string();
    EXPECT_NE(doc.find(rel), std::string::npos) << rel << " is not in docs/scenario-library.md";
  }
}

size_t json_files_in(const fs::path& dir) {
  size_t n = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".json") ++n;
  return n;
}

// `text` with every run of whitespace made one space, so that a phrase
// matches wherever the Markdown source breaks its lines.
std::string one_line(const std::string& text) {
  std::string out;
  for (const char ch : text) {
    const bool space = ch == ' ' || ch == '\n' || ch == '\t';
    if (!space)
      out += ch;
    else if (!out.empty() && out.back() != ' ')
      out += ' ';
  }
  return out;
}

std::string in_words(size_t n) {
  static const char* const kWords[] = {"zero", "one",   "two",   "three", "four", "five",
                                       "six",  "seven", "eight", "nine",  "ten"};
  return n < std::size(kWords) ? kWords[n] : std::to_string(n);
}

// The counts README.md and docs/scenario-library.md state are the tree's.
// Scenarios were added without them: README said `check scenarios/` ran 88
// files when it ran 90.
TEST(Library, TheDocsStateTheTreesCounts) {
  const size_t demos = library_files().size();
  const size_t compare = json_files_in(kScenarios / "compare");
  const size_t top = json_files_in(kScenarios);
  const size_t bench = json_files_in(kScenarios / "bench");
  const std::string topics = std::to_string(demos + compare);
  const std::string checked = std::to_string(demos + compare + top);

  const std::string readme = one_line(slurp(kSource / "README.md"));
  for (const std::string& phrase :
       {"holds " + topics + " scenarios of the three families",
        "(" + std::to_string(demos) + " demonstrations in " + in_words(kTopics.size()) +
            " topic folders",
        "the " + std::to_string(compare) + " files of the cross-family comparison",
        "the " + in_words(top) + " top-level files (" + checked + " in all;"})
    EXPECT_NE(readme.find(phrase), std::string::npos) << "README.md should say: " << phrase;

  const std::string raw = slurp(kSource / "docs" / "scenario-library.md");
  const std::string library = one_line(raw);
  for (const std::string& phrase :
       {"The topic folders hold " + topics + " scenarios: the " + std::to_string(demos) +
            " in the summary below and the " + std::to_string(compare) + " of `scenarios/compare/`",
        "`leasesim check scenarios/` runs " + checked + " files, those and the " + in_words(top) +
            " at the top of `scenarios/`",
        "skips `scenarios/bench/` (" + std::to_string(bench) + " files, run when named)"})
    EXPECT_NE(library.find(phrase), std::string::npos)
        << "docs/scenario-library.md should say: " << phrase;

  // The summary table has a row per demonstration.
  size_t rows = 0;
  const size_t summary = raw.find("\n## Summary\n");
  ASSERT_NE(summary, std::string::npos);
  const size_t end = raw.find("\n## ", summary + 1);
  for (size_t at = raw.find("\n| `scenarios/", summary); at < end;
       at = raw.find("\n| `scenarios/", at + 1))
    ++rows;
  EXPECT_EQ(rows, demos) << "rows in docs/scenario-library.md's summary table";
}

TEST(Library, CheckPassesOnTheLibrary) {
  std::vector<std::string> args = {"check", "--quiet"};
  for (const std::string& t : kTopics) args.push_back("scenarios/" + t);
  const CliResult r = run_cli(args, kSource);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(" 0 failed"), std::string::npos) << r.out;
}

// --- exit codes ---------------------------------------------------------------

std::string with_expect(const fs::path& scenario, const nlohmann::json& expect) {
  nlohmann::json j = load(scenario);
  j["expect"] = expect;
  return j.dump(2);
}

const fs::path kHolds = kScenarios / "pause" / "gc-pause-fencing-on.json";
const fs::path kViolates = kScenarios / "pause" / "gc-pause-fencing-off.json";

TEST(CheckExit, PassingFolderIsZero) {
  TempDir dir("check-pass");
  fs::create_directories(dir / "sub");
  fs::copy_file(kHolds, dir / "a.json");
  fs::copy_file(kViolates, dir / "sub" / "b.json");  // expects its stale_write
  const CliResult r = run_cli({"check", dir.path().string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("2 passed, 0 failed"), std::string::npos) << r.out;
}

TEST(CheckExit, FailedExpectationIsOne) {
  TempDir dir("check-fail");
  fs::copy_file(kHolds, dir / "a.json");
  // A violating run that claims to hold, and a holding run that claims a violation.
  write_text(dir / "b.json", with_expect(kViolates, {{"safety", "holds"}}));
  write_text(dir / "c.json",
             with_expect(kHolds, {{"safety", "violation"}, {"violations", {"overlap"}}}));
  const CliResult r = run_cli({"check", dir.path().string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("1 passed, 2 failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("expected safety to hold, found 1 violation(s): stale_write"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("expected an overlap violation, found none"), std::string::npos) << r.out;
}

TEST(CheckExit, UnmetMetricBoundIsOne) {
  TempDir dir("check-metric");
  write_text(dir / "a.json", with_expect(kHolds, {{"safety", "holds"}, {"min_grants", 1000}}));
  const CliResult r = run_cli({"check", dir.path().string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("below the expected minimum 1000"), std::string::npos) << r.out;
}

TEST(CheckExit, ElectionBoundsBothWays) {
  TempDir dir("check-elections");
  // kHolds elects one leader and keeps it.
  write_text(dir / "few.json", with_expect(kHolds, {{"safety", "holds"}, {"min_elections", 2}}));
  write_text(
      dir / "ok.json",
      with_expect(kHolds, {{"safety", "holds"}, {"min_elections", 1}, {"max_elections", 1}}));
  const CliResult r = run_cli({"check", dir.path().string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("1 passed, 1 failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("elections 1 below the expected minimum 2"), std::string::npos) << r.out;
}

TEST(CheckExit, InvalidScenarioIsTwoAndTheOthersStillRun) {
  TempDir dir("check-invalid");
  fs::copy_file(kHolds, dir / "a.json");
  write_text(dir / "b.json", R"({"name": "b", "duration": "10s", "core": {"heartbeet": "50ms"}})");
  write_text(dir / "c.json", with_expect(kViolates, {{"safety", "holds"}}));
  const CliResult r = run_cli({"check", dir.path().string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("/core/heartbeet"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("PASS"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAIL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 passed, 1 failed, 1 invalid"), std::string::npos) << r.out;
}

TEST(RunExit, ViolationIsOneHoldingIsZero) {
  const CliResult bad = run_cli({"run", kViolates.string()});
  EXPECT_EQ(bad.exit_code, 1) << bad.err;
  EXPECT_NE(bad.out.find("stale_write"), std::string::npos) << bad.out;
  const CliResult good = run_cli({"run", kHolds.string()});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_NE(good.out.find("holds"), std::string::npos) << good.out;
}

// Warnings (a latent overlap) do not make `run` fail: the deposed leader
// keeps renewing alice after the new leader freed her lease, but nobody
// else wants db, so nothing overlaps.
TEST(RunExit, WarningsAloneAreZero) {
  TempDir dir("run-warning");
  nlohmann::json j = load(kScenarios / "partition" / "deposed-leader-memory-renewals.json");
  j["requestors"] = nlohmann::json::array({j["requestors"][0]});  // alice only
  j["faults"][0]["groups"][1] = nlohmann::json::array({"n1", "n2", "n3"});
  j.erase("expect");
  write_text(dir / "latent.json", j.dump(2));
  const CliResult r = run_cli({"run", (dir / "latent.json").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("latent_overlap"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace library_test
