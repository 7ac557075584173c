// Help and discoverability: `leasesim help CMD` and `CMD --help` print the
// command's help with typed placeholders (never Boost's "arg"), mistyped
// commands and options get a did-you-mean, seeds and counts are never
// negative, and `leasesim presets` lists every preset's knob values, equal
// to docs/protocol.md's table and to what a run reports.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>
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

namespace help_cli_test {
namespace {

const fs::path kSource = LEASESIM_SOURCE_DIR;
const std::vector<std::string> kCommands = {"run",     "check", "validate", "schema", "presets",
                                            "explore", "merge", "shrink",   "sweep",  "results"};

// The version names the release and the exact source: the git commit the
// program was built from (this test runs in a git checkout), with "-dirty"
// when it had uncommitted changes; the JSON run report carries the same.
TEST(Version, TakesNoArguments) {
  const CliResult r = run_cli({"--version", "extra"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("--version takes no arguments, found \"extra\""), std::string::npos)
      << r.err;
}

TEST(Version, NamesTheReleaseAndTheCommit) {
  const CliResult r = run_cli({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_match(
      r.out, m, std::regex(R"(leasesim \d+\.\d+\.\d+ \(git ([0-9a-f]{12}(-dirty)?|unknown)\)\n)")))
      << r.out;
  const CliResult run =
      run_cli({"run", "scenarios/basics/steady-contention.json", "--json"}, kSource);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(nlohmann::json::parse(run.out)["leasesim_build"], m[1].str());
}

TEST(Help, HelpCommandPrintsTheCommandsOwnHelp) {
  for (const std::string& c : kCommands) {
    SCOPED_TRACE(c);
    const CliResult a = run_cli({"help", c});
    const CliResult b = run_cli({c, "--help"});
    const CliResult h = run_cli({c, "-h"});
    EXPECT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(a.out.rfind("usage: leasesim " + c, 0), 0u) << a.out;
    EXPECT_EQ(a.out, b.out);
    EXPECT_EQ(a.out, h.out);
    // Typed placeholders: every option with a value names what it takes.
    EXPECT_FALSE(std::regex_search(a.out, std::regex(R"(--[a-z-]+ arg\b)"))) << a.out;
    EXPECT_FALSE(std::regex_search(a.out, std::regex(R"(-[a-zA-Z] arg\b)"))) << a.out;
  }
  // The general usage lists every command and says how to get its help.
  const CliResult u = run_cli({"help"});
  EXPECT_EQ(u.exit_code, 0);
  for (const std::string& c : kCommands)
    EXPECT_NE(u.out.find("\n  " + c + " "), std::string::npos) << c << "\n" << u.out;
  EXPECT_NE(u.out.find("leasesim help <command>"), std::string::npos) << u.out;
  EXPECT_EQ(run_cli({"--help"}).out, u.out);
  const CliResult bad = run_cli({"help", "nosuch"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_NE(bad.err.find("unknown command \"nosuch\""), std::string::npos) << bad.err;
}

TEST(Help, PlaceholdersNameWhatTheyTake) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> expected = {
      {"run",
       {"--seed N", "--until T", "--trace FILE", "--out DIR", "--trace-format FORMAT",
        "--plot FILE", "--python PATH", "--max-events N", "--timeout T"}},
      {"check",
       {"--junit FILE", "--seeds A..B", "-k PATTERN", "--timeout T", "--max-events N",
        "--jobs ] N"}},
      {"shrink",
       {"--out ] FILE", "--kind KIND", "--seed N", "--max-runs N", "--timeout T", "--max-events N",
        "--reseeds N"}},
  };
  for (const auto& [command, wants] : expected) {
    const CliResult r = run_cli({command, "--help"});
    for (const std::string& w : wants)
      EXPECT_NE(r.out.find(w), std::string::npos) << command << ": " << w << "\n" << r.out;
  }
}

TEST(Help, MistypedCommandsAndOptionsGetADidYouMean) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"chek", "x"}, "unknown command \"chek\"; did you mean \"check\"?"},
      {{"rnu"}, "unknown command \"rnu\"; did you mean \"run\"?"},
      {{"exp"}, "unknown command \"exp\"; did you mean \"explore\"?"},
      {{"reslts"}, "did you mean \"results\"?"},
      {{"help", "swep"}, "unknown command \"swep\"; did you mean \"sweep\"?"},
      {{"run", "x.json", "--sed", "3"}, "unrecognised option '--sed'; did you mean \"--seed\"?"},
      {{"check", "x", "--junti", "f.xml"}, "did you mean \"--junit\"?"},
      {{"explore", "x.json", "--seeds", "3", "--stop-on-frist"},
       "did you mean \"--stop-on-first\"?"},
  };
  for (const auto& [args, message] : cases) {
    SCOPED_TRACE(::testing::PrintToString(args));
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  }
  // Nothing close: no guess.
  const CliResult far = run_cli({"frobnicate"});
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_EQ(far.err.find("did you mean"), std::string::npos) << far.err;
}

TEST(Help, SeedsAndCountsAreNeverNegative) {
  TempDir dir("help-seeds");
  const std::string s = (kSource / "scenarios" / "pause" / "gc-pause-fencing-off.json").string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"run", s, "--seed", "-1"}, "--seed: seeds cannot be negative (found \"-1\")"},
      {{"run", s, "--seed=-5"}, "--seed: seeds cannot be negative"},
      {{"run", s, "--seed", "18446744073709551616"}, "--seed: expected a seed"},
      {{"run", s, "--seed", "7x"}, "--seed: expected a seed"},
      {{"run", s, "--max-events", "-1"}, "--max-events: expected a whole number"},
      {{"shrink", s, "--seed", "-1"}, "--seed: seeds cannot be negative"},
      {{"shrink", s, "--reseeds", "-1"}, "--reseeds: expected a whole number"},
      {{"shrink", s, "--max-runs", "-1"}, "--max-runs: expected a whole number"},
      {{"shrink", s, "--max-events", "-3"}, "--max-events: expected a whole number"},
      {{"check", s, "--seeds", "-2..4"}, "seeds cannot be negative"},
  };
  for (const auto& [args, message] : cases) {
    SCOPED_TRACE(::testing::PrintToString(args));
    const CliResult r = run_cli(args, dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  }
  // The largest seed is a seed; shrink --seed shrinks that run.
  const CliResult max = run_cli({"run", s, "--seed", "18446744073709551615", "--json"});
  EXPECT_EQ(nlohmann::json::parse(max.out)["seed"], 18446744073709551615ull) << max.err;
  const CliResult sh = run_cli(
      {"shrink", s, "--seed", "3", "--reseeds", "0", "-q", "--out", (dir / "m.json").string()});
  EXPECT_EQ(sh.exit_code, 0) << sh.out << sh.err;
  EXPECT_EQ(nlohmann::json::parse(slurp(dir / "m.json"))["seed"], 3);
}

// An empty value is what a CI step passes when a variable is unset
// (`--junit "$JUNIT"`): refused, never taken as "option not given", which
// silently wrote no report and exited 0.
TEST(Help, AnEmptyValueIsRefusedNotIgnored) {
  TempDir dir("help-empty");
  const std::string s = (kSource / "scenarios" / "default.json").string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"check", s, "--junit", ""},
       "leasesim check: --junit: expected a value, found an empty one"},
      {{"run", s, "--out", ""}, "leasesim run: --out: expected a value, found an empty one"},
      {{"run", s, "--trace", ""}, "leasesim run: --trace: expected a value, found an empty one"},
      {{"run", s, "--plot", ""}, "leasesim run: --plot: expected a value, found an empty one"},
      {{"run", s, "--until", ""}, "leasesim run: --until: expected a value, found an empty one"},
      {{"explore", s, "--seeds", "2", "--out", ""},
       "leasesim explore: --out: expected a value, found an empty one"},
      {{"sweep", s, "--seeds", "2", "--compare", ""},
       "leasesim sweep: --compare: expected a value, found an empty one"},
      {{"presets", ""}, "leasesim presets: expected a PRESET, found an empty argument"},
      {{"check", s, "-k", ""}, "leasesim check: -k: expected a value, found an empty one"},
      {{"validate", s, ""}, "leasesim validate: expected a PATH, found an empty argument"},
  };
  for (const auto& [args, message] : cases) {
    SCOPED_TRACE(::testing::PrintToString(args));
    const CliResult r = run_cli(args, dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind(message, 0), 0u) << r.err;
  }
}

// Keys in the order printed (the catalog's).
nlohmann::ordered_json presets_json() {
  const CliResult r = run_cli({"presets", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::ordered_json::parse(r.out);
}

TEST(Presets, ListEveryPresetsKnobValues) {
  const nlohmann::ordered_json j = presets_json();
  ASSERT_EQ(j["protocols"].size(), 3u);  // raft-lease (the default), kv-lease, session-lease
  EXPECT_EQ(j["protocols"][1]["name"], "kv-lease");
  EXPECT_EQ(j["protocols"][1]["presets"][0]["name"], "safe");
  EXPECT_EQ(j["protocols"][2]["name"], "session-lease");
  const nlohmann::ordered_json& p = j["protocols"][0];
  EXPECT_EQ(p["name"], "raft-lease");
  std::vector<std::string> names;
  for (const auto& preset : p["presets"]) {
    names.push_back(preset["name"]);
    EXPECT_FALSE(preset["description"].get<std::string>().empty());
    ASSERT_EQ(preset["knobs"].size(), p["knobs"].size()) << preset["name"];
    size_t i = 0;
    for (auto it = preset["knobs"].begin(); it != preset["knobs"].end(); ++it, ++i)
      EXPECT_EQ(it.key(), p["knobs"][i]["name"]);  // the catalog's order
  }
  EXPECT_EQ(names, (std::vector<std::string>{"seed", "naive", "etcd-like", "safe"}));
  EXPECT_EQ(p["presets"][2]["knobs"]["check_quorum"], "tick");
  EXPECT_EQ(p["presets"][3]["knobs"]["sequencer.check"], true);
  EXPECT_EQ(p["presets"][3]["knobs"]["margin.drift_ppm"], 2000);
  EXPECT_EQ(p["presets"][1]["knobs"]["failover"], "trust-log");

  const CliResult text = run_cli({"presets"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_TRUE(
      std::regex_search(text.out, std::regex(R"(\ncheck_quorum +off +off +tick +deadline\n)")))
      << text.out;
  for (const auto& k : p["knobs"])
    EXPECT_NE(text.out.find("\n" + k["name"].get<std::string>() + " "), std::string::npos);
  const CliResult one = run_cli({"presets", "etcd-like"});
  EXPECT_EQ(one.exit_code, 0);
  EXPECT_EQ(one.out.rfind("etcd-like (protocol raft-lease)\n", 0), 0u) << one.out;
  EXPECT_TRUE(std::regex_search(one.out, std::regex(R"(\nrenewals +memory +)"))) << one.out;
  const CliResult bad = run_cli({"presets", "etcd"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown preset \"etcd\"; did you mean \"etcd-like\"?"), std::string::npos)
      << bad.err;
  // The known presets, by protocol: a name two protocols share is not a
  // repetition, and a protocol's name is accepted too.
  EXPECT_NE(bad.err.find("(raft-lease: seed, naive, etcd-like, safe; kv-lease: safe, client-go"),
            std::string::npos)
      << bad.err;
  EXPECT_NE(bad.err.find("; or a protocol: raft-lease, kv-lease, session-lease)"),
            std::string::npos)
      << bad.err;
  const CliResult family = run_cli({"presets", "kv-lease"});
  EXPECT_EQ(family.exit_code, 0) << family.err;
  EXPECT_EQ(family.out.rfind("kv-lease: ", 0), 0u) << family.out;
  EXPECT_EQ(family.out.find("raft-lease:"), std::string::npos) << family.out;
  EXPECT_TRUE(std::regex_search(family.out, std::regex(R"(
knob +safe +client-go)")))
      << family.out;
  const CliResult shared = run_cli({"presets", "safe"});
  EXPECT_NE(shared.out.find("safe (protocol raft-lease)\n"), std::string::npos) << shared.out;
  EXPECT_NE(shared.out.find("safe (protocol kv-lease)\n"), std::string::npos) << shared.out;
  const CliResult family_json = run_cli({"presets", "session-lease", "--json"});
  EXPECT_EQ(nlohmann::json::parse(family_json.out)["protocols"].size(), 1u);
}

// A run of a scenario naming a preset reports exactly the preset's knobs.
TEST(Presets, AgreeWithWhatARunReports) {
  TempDir dir("presets-run");
  // Held by name: a range-for over a member of a temporary would dangle.
  const nlohmann::ordered_json catalog = presets_json();
  for (const auto& preset : catalog["protocols"][0]["presets"]) {
    const std::string name = preset["name"];
    write_text(dir / "s.json", R"({"name": "p", "duration": "2s", "protocol": {"preset": ")" +
                                   name + R"("}, "requestors": [{"names": ["a"]}]})");
    const CliResult r = run_cli({"run", (dir / "s.json").string(), "--json"});
    ASSERT_LE(r.exit_code, 1) << r.err;
    const nlohmann::json report = nlohmann::json::parse(r.out);
    EXPECT_EQ(report["knobs"], nlohmann::json::parse(preset["knobs"].dump())) << name;
    EXPECT_EQ(report["overrides"], nlohmann::json::array()) << name;
  }
}

// docs/protocol.md's preset table says what `leasesim presets` says.
TEST(Presets, TheProtocolDocsTableMatches) {
  const nlohmann::ordered_json p = presets_json()["protocols"][0];
  std::istringstream doc(slurp(kSource / "docs" / "protocol.md"));
  std::vector<std::vector<std::string>> rows;
  bool in_table = false;
  for (std::string line; std::getline(doc, line);) {
    if (line.rfind("| knob | `seed` | `naive` | `etcd-like` | `safe` |", 0) == 0) {
      in_table = true;
      continue;
    }
    if (!in_table) continue;
    if (line.rfind("|---", 0) == 0) continue;
    if (line.empty() || line[0] != '|') break;
    std::vector<std::string> cells;
    std::istringstream in(line.substr(1));
    for (std::string cell; std::getline(in, cell, '|');) {
      cell.erase(0, cell.find_first_not_of(' '));
      cell.erase(cell.find_last_not_of(' ') + 1);
      cells.push_back(cell);
    }
    rows.push_back(cells);
  }
  ASSERT_EQ(rows.size(), 12u) << "the preset table of docs/protocol.md";
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 5u);
    for (size_t i = 0; i < 4; ++i) {
      const nlohmann::ordered_json& knobs = p["presets"][i]["knobs"];
      SCOPED_TRACE(row[0] + " / " + p["presets"][i]["name"].get<std::string>());
      if (row[0] == "margin") {
        const std::string kind = knobs["margin.kind"];
        std::string want = kind;
        if (kind == "drift-bound")
          want += ", " + std::to_string(knobs["margin.drift_ppm"].get<int>()) + " ppm";
        EXPECT_EQ(row[i + 1], want);
      } else if (row[0] == "sequencer") {
        std::string want = "off";
        if (knobs["sequencer.check"].get<bool>())
          want = "check, window " + knobs["sequencer.window"].get<std::string>();
        EXPECT_EQ(row[i + 1], want);
      } else {
        ASSERT_TRUE(knobs.contains(row[0]));
        const nlohmann::ordered_json& v = knobs[row[0]];
        EXPECT_EQ(row[i + 1], v.is_string() ? v.get<std::string>() : v.dump());
      }
    }
  }
}

}  // namespace
}  // namespace help_cli_test
