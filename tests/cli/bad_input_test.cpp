// The bad input catalogue: scenario files with every kind of mistake a
// person writing them by hand makes, fed to the real `leasesim` binary.
// Each must end in exit code 2 with exactly the expected message on stderr
// (file, JSON path or line/column, what was expected and what was found),
// nothing half-done on stdout, and never a crash, a hang or a stack trace.
//
// The files live in tests/cli/bad_inputs/ (one case per file; a test
// checks that every file there is in the table). Cases that cannot be
// checked-in files (a directory, a FIFO, an unreadable or huge file, very
// deep nesting) are made in a temporary directory by the tests below.
//
// The library-level message table is tests/scenario/loader_errors_test.cpp;
// this one checks what a user at a terminal or a CI job sees.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "cli_process.hpp"

namespace fs = std::filesystem;
using leasesim::testing::CliResult;
using leasesim::testing::run_cli;
using leasesim::testing::TempDir;
using leasesim::testing::write_text;

namespace bad_input_test {
namespace {

const fs::path kBadInputs = fs::path(LEASESIM_SOURCE_DIR) / "tests" / "cli" / "bad_inputs";

struct BadInput {
  const char* file;     // in tests/cli/bad_inputs/
  const char* stderr_;  // exactly what `leasesim validate FILE` prints on stderr
};

// clang-format off
const BadInput kCatalogue[] = {
    // Syntax errors
    {"empty.json",
     "empty.json: the file is empty (expected a JSON object)\n"},
    {"whitespace-only.json",
     "whitespace-only.json: the file is empty (expected a JSON object)\n"},
    {"syntax-truncated.json",
     "syntax-truncated.json: line 2, column 1: JSON syntax error: while parsing object - unexpected end of input; expected '}'\n"},
    {"syntax-trailing-comma.json",
     "syntax-trailing-comma.json: line 1, column 33: JSON syntax error: while parsing object key - unexpected '}'; expected string literal\n"},
    {"syntax-single-quotes.json",
     "syntax-single-quotes.json: line 1, column 2: JSON syntax error: while parsing object key - invalid literal; expected string literal\n"},
    {"syntax-comment.json",
     "syntax-comment.json: line 2, column 3: JSON syntax error: while parsing object key - invalid literal; expected string literal\n"},
    {"syntax-unquoted-key.json",
     "syntax-unquoted-key.json: line 1, column 3: JSON syntax error: while parsing object key - invalid literal; expected string literal\n"},
    {"syntax-missing-colon.json",
     "syntax-missing-colon.json: line 1, column 11: JSON syntax error: while parsing object separator - unexpected string literal; expected ':'\n"},
    {"syntax-two-documents.json",
     "syntax-two-documents.json: line 2, column 1: JSON syntax error: while parsing value - unexpected '{'; expected end of input\n"},
    {"syntax-nan.json",
     "syntax-nan.json: line 1, column 42: JSON syntax error: while parsing value - invalid literal\n"},
    {"syntax-huge-number.json",
     "syntax-huge-number.json: line 1, column 42: JSON syntax error: number overflow parsing '1e999'\n"},
    {"duplicate-key.json",
     "duplicate-key.json: /core/heartbeat: duplicate key \"heartbeat\" (each key may appear once in an object)\n"},
    // Encoding: not UTF-8, NUL bytes
    {"not-utf8-latin1.json",
     "not-utf8-latin1.json: line 2, column 21: not valid UTF-8 (byte 0xE9); scenario files must be UTF-8\n"},
    {"not-utf8-surrogate.json",
     "not-utf8-surrogate.json: line 1, column 31: not valid UTF-8 (byte 0xED); scenario files must be UTF-8\n"},
    {"not-utf8-bom-utf16.json",
     "not-utf8-bom-utf16.json: line 1, column 1: not valid UTF-8 (byte 0xFF); scenario files must be UTF-8\n"},
    {"nul-byte.json",
     "nul-byte.json: line 1, column 33: NUL byte (0x00); scenario files must be JSON text\n"},
    // Wrong types and missing keys
    {"root-array.json",
     "root-array.json: (root): expected an object, found an array\n"},
    {"root-string.json",
     "root-string.json: (root): expected an object, found \"scenario\"\n"},
    {"missing-name.json",
     "missing-name.json: (root): missing required key \"name\"\n"},
    {"missing-duration.json",
     "missing-duration.json: (root): missing required key \"duration\"\n"},
    {"duration-number.json",
     "duration-number.json: /duration: expected a duration like \"150ms\", found 60\n"},
    {"seed-string.json",
     "seed-string.json: /seed: expected a non-negative integer, found \"42\"\n"},
    {"seed-negative.json",
     "seed-negative.json: /seed: expected a non-negative integer, found -1\n"},
    {"seed-fraction.json",
     "seed-fraction.json: /seed: expected a non-negative integer, found 1.5\n"},
    {"servers-string.json",
     "servers-string.json: /core/servers: expected a server count from 1 to 9 or an array of server names, found \"three\"\n"},
    {"requestors-object.json",
     "requestors-object.json: /requestors: expected an array of requestor groups, found an object\n"},
    {"faults-object.json",
     "faults-object.json: /faults: expected an array of faults, found an object\n"},
    {"loss-boolean.json",
     "loss-boolean.json: /network/loss: expected a probability from 0 to 1, found true\n"},
    {"name-uppercase.json",
     "name-uppercase.json: /name: expected a name of lowercase letters, digits, \".\", \"_\" and \"-\", found \"My Scenario\"\n"},
    // Negative, zero, malformed and absurd durations
    {"duration-negative.json",
     "duration-negative.json: /duration: expected a positive duration, found \"-5s\"\n"},
    {"duration-zero.json",
     "duration-zero.json: /duration: expected a positive duration, found \"0s\"\n"},
    {"duration-over-limit.json",
     "duration-over-limit.json: /duration: expected a duration of at most 720h, found \"721h\"\n"},
    {"duration-1000-years.json",
     "duration-1000-years.json: /duration: expected a duration of at most 720h, found \"8766000h\"\n"},
    {"duration-fractional-ns.json",
     "duration-fractional-ns.json: /duration: expected a duration in whole nanoseconds, found \"1.5ns\"\n"},
    {"duration-bad-unit.json",
     "duration-bad-unit.json: /duration: expected a duration like \"150ms\", found \"10d\"\n"},
    {"duration-overflow.json",
     "duration-overflow.json: /duration: expected a duration of at most 720h, found \"99999999999999999999s\"\n"},
    {"ttl-negative.json",
     "ttl-negative.json: /lease/ttl: expected a positive duration, found \"-1s\"\n"},
    {"heartbeat-too-long.json",
     "heartbeat-too-long.json: /core/heartbeat: expected a heartbeat shorter than election_timeout.min (150ms), found \"200ms\"\n"},
    {"heartbeat-1ns.json",
     "heartbeat-1ns.json: /core/heartbeat: expected a duration of at least 1us, found \"1ns\"\n"},
    {"election-min-above-max.json",
     "election-min-above-max.json: /core/election_timeout: expected election_timeout min <= max, found min 500ms > max 300ms\n"},
    {"1000-years-1ns-heartbeat.json",
     "1000-years-1ns-heartbeat.json: /duration: expected a duration of at most 720h, found \"8766000h\"\n" "1000-years-1ns-heartbeat.json: /core/heartbeat: expected a duration of at least 1us, found \"1ns\"\n"},
    {"too-many-events.json",
     "too-many-events.json: /duration: the scenario would need about 7.8e+12 events (the limit is 1e+10); shorten the duration or lengthen the intervals\n"},
    // Unknown keys, names, nodes and enums
    {"unknown-key-typo.json",
     "unknown-key-typo.json: /core/heartbeet: unknown key \"heartbeet\" (did you mean \"heartbeat\"?)\n"},
    {"unknown-top-key.json",
     "unknown-top-key.json: /fault: unknown key \"fault\" (did you mean \"faults\"?)\n"},
    {"unknown-preset.json",
     "unknown-preset.json: /protocol/preset: expected one of \"seed\", \"naive\", \"etcd-like\", \"safe\", found \"saf\" (did you mean \"safe\"?)\n"},
    {"unknown-protocol.json",
     "unknown-protocol.json: /protocol/name: expected one of \"raft-lease\", \"kv-lease\", "
     "\"session-lease\", found \"paxos\"\n"},
    {"unknown-fault-kind.json",
     "unknown-fault-kind.json: /faults/0/kind: expected one of \"crash\", \"restart\", \"pause\", \"partition\", \"cut\", \"isolate\", \"heal\", \"clock_step\", \"drift\", \"network\", found \"explode\"\n"},
    {"unknown-fault-target.json",
     "unknown-fault-target.json: /faults/0/target: unknown node \"n7\" (nodes: n1, n2, n3, alice)\n"},
    {"unknown-resource.json",
     "unknown-resource.json: /requestors/0/resources/0: unknown resource \"db\" (resources: r1)\n"},
    {"unknown-holder-resource.json",
     "unknown-holder-resource.json: /faults/0/target: unknown resource \"db\" (resources: r1)\n"},
    {"unknown-link-node.json",
     "unknown-link-node.json: /network/links/0/to: unknown node \"zed\" (nodes: n1, n2, n3, alice)\n"},
    {"unknown-clock-node.json",
     "unknown-clock-node.json: /clocks/nodes/n9: unknown node \"n9\" (nodes: n1, n2, n3, alice)\n"},
    {"reserved-name-leader.json",
     "reserved-name-leader.json: /requestors/0/name: \"leader\" is a reserved name (fault targets use it for the current leader)\n"},
    {"duplicate-node-name.json",
     "duplicate-node-name.json: /requestors/0/name: duplicate node name \"b\" (also at /core/servers/1)\n"},
    // Impossible faults and out-of-range values
    {"fault-after-end.json",
     "fault-after-end.json: /faults/0/at: expected a time before the end of the run (duration \"10s\"), found \"10s\"\n"},
    {"fault-negative-at.json",
     "fault-negative-at.json: /faults/0/at: expected a non-negative duration, found \"-1s\"\n"},
    {"fault-missing-at.json",
     "fault-missing-at.json: /faults/0: missing required key \"at\"\n"},
    {"fault-pause-no-duration.json",
     "fault-pause-no-duration.json: /faults/0: missing required key \"duration\"\n"},
    {"fault-partition-one-group.json",
     "fault-partition-one-group.json: /faults/0/groups: expected at least 2 groups, found 1\n"},
    {"fault-partition-node-twice.json",
     "fault-partition-node-twice.json: /faults/0/groups/1/0: expected each node in at most one group, found \"n2\" again (also at /faults/0/groups/0/1)\n"},
    {"fault-cut-self.json",
     "fault-cut-self.json: /faults/0/to: expected a node other than \"from\", found \"n1\" again\n"},
    {"fault-storage-absent.json",
     "fault-storage-absent.json: /faults/0/target: unknown node \"storage\" (nodes: n1, n2, n3, alice)\n"},
    {"fault-clock-step-25h.json",
     "fault-clock-step-25h.json: /faults/0/by: expected a duration from -24h to 24h, found \"25h\"\n"},
    {"fault-network-nothing.json",
     "fault-network-nothing.json: /faults/0: expected at least one of the keys \"loss\", \"duplicate\" or \"latency\", found none\n"},
    {"loss-above-one.json",
     "loss-above-one.json: /network/loss: expected a probability from 0 to 1, found 1.5\n"},
    {"drift-absurd.json",
     "drift-absurd.json: /clocks/default/drift_ppm: expected a drift in ppm from -100000 to 100000, found 200000\n"},
    // Huge counts
    {"servers-million.json",
     "servers-million.json: /core/servers: expected a server count from 1 to 9, found 1000000\n"},
    {"servers-zero.json",
     "servers-zero.json: /core/servers: expected a server count from 1 to 9, found 0\n"},
    {"requestors-billion.json",
     "requestors-billion.json: /requestors/0/count: expected a requestor count from 1 to 1000000, found 1000000000\n"},
    {"requestors-over-limit-total.json",
     "requestors-over-limit-total.json: /requestors: expected at most 1000000 requestors in all, found 1200000\n"},
    {"resources-billion.json",
     "resources-billion.json: /resources/count: expected a resource count from 1 to 1000000, found 1000000000\n"},
    {"resource-refs-over-limit.json",
     "resource-refs-over-limit.json: /requestors: expected at most 10000000 resources summed over all requestors (each requestor's list counts), found 11000000; give large groups fewer resources\n"},
    // Deep nesting
    {"nesting-65.json",
     "nesting-65.json: line 1, column 112: JSON nesting deeper than 64 levels\n"},
};
// clang-format on

class BadInputTest : public ::testing::TestWithParam<BadInput> {};

std::string case_name(const ::testing::TestParamInfo<BadInput>& info) {
  std::string name = info.param.file;
  name = name.substr(0, name.size() - 5);  // ".json"
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

// `validate` reports the file and counts it invalid; `run` refuses it with
// the same message before simulating anything. Both exit 2.
TEST_P(BadInputTest, ValidateAndRunRefuseWithExactMessage) {
  const BadInput& c = GetParam();
  const CliResult v = run_cli({"validate", c.file}, kBadInputs);
  EXPECT_EQ(v.exit_code, 2) << v.err;
  EXPECT_EQ(v.err, c.stderr_);
  EXPECT_EQ(v.out, "0 valid, 1 invalid\n");

  const CliResult r = run_cli({"run", c.file}, kBadInputs);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err, c.stderr_);
  EXPECT_EQ(r.out, "");
}

INSTANTIATE_TEST_SUITE_P(Catalogue, BadInputTest, ::testing::ValuesIn(kCatalogue), case_name);

TEST(BadInputCatalogue, EveryFileIsInTheTableAndThereAreAtLeastForty) {
  std::set<std::string> in_table;
  for (const BadInput& c : kCatalogue) {
    EXPECT_TRUE(in_table.insert(c.file).second) << "twice in the table: " << c.file;
    EXPECT_TRUE(fs::is_regular_file(kBadInputs / c.file)) << "missing file: " << c.file;
  }
  for (const fs::directory_entry& e : fs::directory_iterator(kBadInputs))
    EXPECT_TRUE(in_table.count(e.path().filename().string()))
        << "not in the table: " << e.path().filename();
  EXPECT_GE(in_table.size(), 40u);
}

// `validate` over the whole folder: every file reported, nothing valid.
TEST(BadInputCatalogue, ValidateFolderCountsEveryFileInvalid) {
  const CliResult v = run_cli({"validate", "."}, kBadInputs);
  EXPECT_EQ(v.exit_code, 2);
  const size_t n = sizeof kCatalogue / sizeof kCatalogue[0];
  EXPECT_NE(v.out.find("0 valid, " + std::to_string(n) + " invalid\n"), std::string::npos) << v.out;
}

// ---- Cases made at test time -------------------------------------------

struct Special {
  std::vector<std::string> args;
  std::string err;
  std::string out = "";  // `validate` counts: "0 valid, 1 invalid\n"
};

void expect_refused(const TempDir& dir, const Special& s) {
  SCOPED_TRACE(::testing::PrintToString(s.args));
  const CliResult r = run_cli(s.args, dir.path(), std::chrono::seconds(60));
  EXPECT_FALSE(r.timed_out) << "hung";
  EXPECT_EQ(r.signal, 0) << "crashed";
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, s.err);
  EXPECT_EQ(r.out, s.out);
}

TEST(BadInputSpecial, DirectoryInsteadOfAFile) {
  TempDir dir("bad");
  fs::create_directory(dir / "scenario.json");
  expect_refused(
      dir, {{"run", "scenario.json"}, "scenario.json: is a directory, not a scenario file\n"});
}

TEST(BadInputSpecial, MissingFile) {
  TempDir dir("bad");
  expect_refused(
      dir, {{"run", "nope.json"}, "nope.json: cannot read the file: No such file or directory\n"});
  expect_refused(dir, {{"validate", "nope.json"},
                       "leasesim validate: \"nope.json\": no such file or directory\n"
                       "(see leasesim validate --help)\n"});
  fs::create_symlink("gone.json", dir / "dangling.json");
  expect_refused(dir, {{"run", "dangling.json"},
                       "dangling.json: cannot read the file: No such file or directory\n"});
}

TEST(BadInputSpecial, PathThroughAFile) {
  TempDir dir("bad");
  write_text(dir / "plain", "x");
  expect_refused(
      dir, {{"run", "plain/x.json"}, "plain/x.json: cannot read the file: Not a directory\n"});
}

TEST(BadInputSpecial, SymlinkLoop) {
  TempDir dir("bad");
  fs::create_symlink("b.json", dir / "a.json");
  fs::create_symlink("a.json", dir / "b.json");
  expect_refused(dir, {{"run", "a.json"},
                       "a.json: cannot read the file: Too many levels of symbolic links\n"});
  // validate and check name the loop too, not "no such file".
  expect_refused(dir, {{"validate", "a.json"},
                       "leasesim validate: \"a.json\": Too many levels of symbolic links\n"
                       "(see leasesim validate --help)\n"});
  expect_refused(dir, {{"check", "a.json"},
                       "leasesim check: \"a.json\": Too many levels of symbolic links\n"
                       "(see leasesim check --help)\n"});
}

// A loop met while walking a folder aborted validate and check (the
// filesystem library threw on the entry's type); now the loader names it
// like a loop named on the command line, and the other files still count.
TEST(BadInputSpecial, SymlinkLoopInAFolder) {
  TempDir dir("bad");
  fs::create_directories(dir / "lib");
  write_text(dir / "lib" / "ok.json", "{\"name\": \"ok\", \"duration\": \"1s\"}");
  fs::create_symlink("b.json", dir / "lib" / "a.json");
  fs::create_symlink("a.json", dir / "lib" / "b.json");
  fs::create_symlink("gone.json", dir / "lib" / "dangling.json");  // skipped, as before
  const std::string loops =
      "lib/a.json: cannot read the file: Too many levels of symbolic links\n"
      "lib/b.json: cannot read the file: Too many levels of symbolic links\n";
  expect_refused(dir, {{"validate", "lib"}, loops, "ok     lib/ok.json\n1 valid, 2 invalid\n"});
  const CliResult c = run_cli({"check", "lib", "-q"}, dir.path());
  EXPECT_EQ(c.signal, 0) << "crashed";
  EXPECT_EQ(c.exit_code, 2) << c.err;
  EXPECT_NE(c.out.find("ERROR lib/a.json"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("1 passed, 0 failed"), std::string::npos) << c.out;
}

// `explore --resume` looked at its --out with a throwing call: a symlink
// loop there aborted it.
TEST(BadInputSpecial, SymlinkLoopAsResumedResults) {
  TempDir dir("bad");
  write_text(dir / "ok.json", "{\"name\": \"ok\", \"duration\": \"1s\"}");
  fs::create_symlink("r2.jsonl", dir / "r.jsonl");
  fs::create_symlink("r.jsonl", dir / "r2.jsonl");
  expect_refused(dir, {{"explore", "ok.json", "--seeds", "1..2", "--out", "r.jsonl", "--resume"},
                       "r.jsonl: cannot read the file: Too many levels of symbolic links\n"});
}

// Hidden folders (.git, .vscode, .cache) hold editor and tool files, not
// scenarios: a folder's walk skips them (`leasesim check .` in a project's
// root failed on .vscode/settings.json). Named, a hidden path is read.
TEST(BadInputSpecial, HiddenFoldersAreNotWalked) {
  TempDir dir("bad");
  fs::create_directories(dir / "lib" / ".vscode");
  write_text(dir / "lib" / ".vscode" / "settings.json", "{\"editor.tabSize\": 2}");
  write_text(dir / "lib" / "ok.json", "{\"name\": \"ok\", \"duration\": \"1s\"}");
  const CliResult v = run_cli({"validate", "lib"}, dir.path());
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(v.out, "ok     lib/ok.json\n1 valid, 0 invalid\n");
  const CliResult c = run_cli({"check", "lib"}, dir.path());
  EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
  const CliResult named = run_cli({"validate", "lib/.vscode"}, dir.path());
  EXPECT_EQ(named.exit_code, 2);
  EXPECT_NE(named.err.find("settings.json"), std::string::npos) << named.err;
}

// A scenario named twice (or by its folder and itself) runs once: check's
// JUnit report had two test cases of the same name.
TEST(BadInputSpecial, AFileNamedTwiceIsReadOnce) {
  TempDir dir("bad");
  fs::create_directories(dir / "lib");
  write_text(dir / "lib" / "ok.json", "{\"name\": \"ok\", \"duration\": \"1s\"}");
  const CliResult v = run_cli({"validate", "lib/ok.json", "lib", "./lib/ok.json"}, dir.path());
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(v.out, "ok     lib/ok.json\n1 valid, 0 invalid\n");
  const CliResult c = run_cli({"check", "lib/ok.json", "lib", "./lib/ok.json"}, dir.path());
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.out.find("1 passed, 0 failed (1 run(s)"), std::string::npos) << c.out;
}

// A folder without scenario files is a mistaken path in a CI step: it must
// not pass as "0 valid".
TEST(BadInputSpecial, FolderWithoutScenarios) {
  TempDir dir("bad");
  fs::create_directory(dir / "empty");
  write_text(dir / "empty" / "notes.txt", "not a scenario");
  expect_refused(dir, {{"validate", "empty"},
                       "leasesim validate: nothing to validate: no scenario files (*.json) "
                       "under empty\n"});
  expect_refused(dir, {{"check", "empty"},
                       "leasesim check: nothing to run: no scenario files (*.json) under empty\n"});
}

// Permission bits do not stop root, so as root a read error is made with
// /proc/self/mem (a regular file whose first read fails with EIO).
TEST(BadInputSpecial, UnreadableFile) {
  TempDir dir("bad");
  if (::geteuid() != 0) {
    write_text(dir / "secret.json", "{\"name\": \"x\", \"duration\": \"10s\"}");
    fs::permissions(dir / "secret.json", fs::perms::none);
    expect_refused(
        dir, {{"run", "secret.json"}, "secret.json: cannot read the file: Permission denied\n"});
    fs::permissions(dir / "secret.json", fs::perms::owner_all);
  }
  expect_refused(dir, {{"run", "/proc/self/mem"},
                       "/proc/self/mem: cannot read the file: Input/output error\n"});
}

// A FIFO with no writer must not block the loader forever.
TEST(BadInputSpecial, FifoAndDeviceAreNotScenarioFiles) {
  TempDir dir("bad");
  ASSERT_EQ(::mkfifo((dir / "pipe.json").c_str(), 0600), 0);
  expect_refused(dir, {{"run", "pipe.json"}, "pipe.json: is not a regular file\n"});
  expect_refused(
      dir,
      {{"validate", "pipe.json"}, "pipe.json: is not a regular file\n", "0 valid, 1 invalid\n"});
  expect_refused(dir, {{"run", "/dev/null"}, "/dev/null: is not a regular file\n"});
}

TEST(BadInputSpecial, FileOverTheSizeLimit) {
  TempDir dir("bad");
  write_text(dir / "huge.json", "{}");
  fs::resize_file(dir / "huge.json", (uint64_t{64} << 20) + 1);  // sparse: no disk used
  expect_refused(dir, {{"run", "huge.json"},
                       "huge.json: the file is 67108865 bytes; scenario files are limited to 64 "
                       "MiB (use \"count\" and \"prefix\" to generate many names)\n"});
}

// Nesting a recursive parser would overflow the stack on.
TEST(BadInputSpecial, VeryDeepNesting) {
  TempDir dir("bad");
  write_text(dir / "deep.json", std::string(100000, '[') + std::string(100000, ']'));
  expect_refused(dir, {{"run", "deep.json"},
                       "deep.json: line 1, column 65: JSON nesting deeper than 64 levels\n"});
  write_text(dir / "deep2.json", "{\"name\": \"x\", \"duration\": \"10s\", \"description\": " +
                                     std::string(100000, '{') + "}");
  expect_refused(dir, {{"run", "deep2.json"},
                       "deep2.json: line 1, column 112: JSON nesting deeper than 64 levels\n"});
}

// kv-lease's electors are at most 10000 in all, but 10000 groups of
// 10000 each (a 380 KB file) were named one by one before the total was
// checked: 10^8 names, more than 13 GB and minutes before the refusal.
TEST(BadInputSpecial, ElectorGroupsAreCountedBeforeTheirMembersAreNamed) {
  TempDir dir("bad");
  std::string text = R"({"name": "x", "duration": "10s", "protocol": {"name": "kv-lease"},)"
                     R"( "resources": ["r1"], "electors": [)";
  for (int i = 0; i < 10000; ++i)
    text += (i ? ", " : "") + std::string(R"({"count": 10000, "prefix": "e)") + std::to_string(i) +
            "-\"}";
  write_text(dir / "electors.json", text + "]}");
  // A hang guard, not a timing: the refusal takes milliseconds, naming
  // every member first took minutes (as the other guards here, 60 s).
  const CliResult r = run_cli({"validate", "electors.json"}, dir.path(), std::chrono::seconds(60));
  EXPECT_FALSE(r.timed_out) << "hung: every elector was named before the total was checked";
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "electors.json: /electors: expected at most 10000 electors in all, found "
            "100000000\n");
  EXPECT_EQ(r.out, "0 valid, 1 invalid\n");
}

// A scenario's path goes into reports, traces and results files as a JSON
// string. A Latin-1 file name (not UTF-8) aborted `run --json`, `run --out`
// (leaving its temporaries) and `explore --out` (leaving an empty results
// file) with the JSON library's exception; it is refused up front now.
TEST(BadInputSpecial, PathNotUtf8) {
  TempDir dir("bad");
  const std::string name = "caf\xE9.json";
  write_text(dir / name, "{\"name\": \"x\", \"duration\": \"1s\"}");
  const std::string err = name +
                          ": the file's path is not valid UTF-8 (byte 0xE9); leasesim records it "
                          "in JSON reports, traces and results: rename the file, or a folder on "
                          "its path\n";
  expect_refused(dir, {{"run", name, "--json"}, err});
  expect_refused(dir, {{"run", name, "--out", "o"}, err});
  expect_refused(dir, {{"explore", name, "--seeds", "1..2", "--out", "r.jsonl"}, err});
  expect_refused(dir, {{"sweep", name, "--seeds", "2", "--param", "lease.ttl=2s,3s"}, err});
  expect_refused(dir, {{"validate", name}, err, "0 valid, 1 invalid\n"});
  // Nothing half-written: no temporaries, no results file.
  EXPECT_FALSE(fs::exists(dir / "r.jsonl"));
  std::vector<std::string> left;
  if (fs::exists(dir / "o"))
    for (const fs::directory_entry& e : fs::directory_iterator(dir / "o"))
      left.push_back(e.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{});
}

// Only the first 100 errors are printed, then how many more there were.
TEST(BadInputSpecial, ManyErrorsAreCapped) {
  TempDir dir("bad");
  std::string text = "{\"name\": \"x\", \"duration\": \"10s\"";
  for (int i = 0; i < 150; ++i) text += ", \"k" + std::to_string(i) + "\": 1";
  write_text(dir / "many.json", text + "}");
  const CliResult r = run_cli({"run", "many.json"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = r.err.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(r.err.substr(start, nl - start));
  ASSERT_EQ(lines.size(), 101u) << r.err;
  // (The message goes on to list the known keys.)
  EXPECT_EQ(lines[0].rfind("many.json: /k0: unknown key \"k0\"", 0), 0u) << lines[0];
  EXPECT_EQ(lines[100], "many.json: too many errors: 50 more not shown");
}

// Usage errors: a message naming the problem and the --help hint, exit 2.
TEST(BadInputUsage, CommandLineMistakes) {
  TempDir dir("bad");
  write_text(dir / "ok.json", "{\"name\": \"x\", \"duration\": \"1s\"}");
  const std::vector<Special> cases = {
      {{}, ""},  // usage text; checked below
      {{"frobnicate"}, ""},
      {{"run"},
       "leasesim run: missing SCENARIO (a scenario JSON file)\n(see leasesim run --help)\n"},
      {{"validate"},
       "leasesim validate: missing PATH (scenario files or folders)\n(see leasesim validate "
       "--help)\n"},
      {{"run", "ok.json", "--until", "5parsecs"}, "@until"},
      {{"run", "ok.json", "--timeout", "soon"}, "@timeout"},
      {{"run", "ok.json", "--max-events", "many"}, "@max-events"},
      {{"run", "ok.json", "--seed", "x"}, "@seed"},
      {{"run", "ok.json", "--bogus"}, "@bogus"},
      // One argument too many names it (Boost's message named neither it
      // nor how many were expected).
      {{"run", "ok.json", "5"},
       "leasesim run: unexpected argument \"5\": expected one argument besides the options\n"
       "(see leasesim run --help)\n"},
      {{"run", "ok.json", "--seed", "3", "ok.json"},
       "leasesim run: unexpected argument \"ok.json\": expected one argument besides the "
       "options\n(see leasesim run --help)\n"},
      {{"run", "ok.json", "--trace", "t.jsonl", "--out", "o"},
       "leasesim run: --trace and --out both name the trace; use one\n(see leasesim run --help)\n"},
  };
  for (const Special& s : cases) {
    SCOPED_TRACE(::testing::PrintToString(s.args));
    const CliResult r = run_cli(s.args, dir.path());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.out, "");
    if (s.err.empty()) {
      EXPECT_NE(r.err.find("usage: leasesim <command>"), std::string::npos) << r.err;
    } else if (s.err[0] == '@') {
      // Boost's wording for option errors; check it names the option.
      EXPECT_NE(r.err.find(s.err.substr(1)), std::string::npos) << r.err;
      EXPECT_NE(r.err.find("(see leasesim run --help)"), std::string::npos) << r.err;
    } else {
      EXPECT_EQ(r.err, s.err);
    }
  }
  EXPECT_FALSE(fs::exists(dir / "t.jsonl"));
}

}  // namespace
}  // namespace bad_input_test
