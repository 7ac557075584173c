// Results files: the plan line, run records, cell and summary lines, the
// reader, resume prefixes and merges, for explore (no parameters) and
// sweep plans alike.
#include "leasesim/campaign/results.hpp"
#include "leasesim/campaign/text.hpp"

#include "campaign_test_util.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace leasesim {
namespace results_test {
namespace {

using testing::param;

using nlohmann::json;

std::string temp_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("leasesim-results-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A plan over `params` (none: an explore plan) with one setting per cell.
Plan plan(std::vector<SweepParam> params, uint64_t first, uint64_t last, uint32_t shard = 1,
          uint32_t shards = 1, bool stop_on_first = false) {
  Plan p;
  p.command = params.empty() ? "explore" : "sweep";
  p.scenarios = {PlanScenario{"x", "x.json", "0123456789abcdef", std::move(params)}};
  p.first_seed = first;
  p.last_seed = last;
  p.shard = shard;
  p.shards = shards;
  p.stop_on_first = stop_on_first;
  p.settings = {json{{"name", "raft-lease"}, {"preset", "seed"}, {"random_faults", "defaults"}}};
  p.cell_settings.assign(p.cells(), 0);
  return p;
}

Plan sweep_plan(uint32_t shard = 1, uint32_t shards = 1) {
  return plan({param("protocol=seed,naive"), param("lease.ttl=2s,5s,9s")}, 3, 9, shard, shards);
}

// A made-up result: every 7th (cell + seed) fails; some latencies missing.
RunRecord fake(uint64_t cell, uint64_t s) {
  RunRecord r;
  r.cell = cell;
  r.seed = s;
  r.trace_hash = (s + 31 * cell) * 0x9E3779B97F4A7C15ULL;
  r.events = 1000 + s;
  r.grants = s % 5;
  r.availability = 1.0 / static_cast<double>(1 + (s + cell) % 3);
  r.elections = 1 + cell;
  r.acquire_p50 = static_cast<int64_t>(s) * 1000 + static_cast<int64_t>(cell);
  r.acquire_p99 = static_cast<int64_t>(s) * 5000;
  if (s % 3) r.failover_p50 = static_cast<int64_t>(s) * 10;
  r.faults = s % 4;
  if ((s + cell) % 7 == 0) {
    r.verdict = Verdict::kViolation;
    r.kinds[static_cast<size_t>(ViolationKind::kOverlap)] = 2;
    r.kinds[static_cast<size_t>(ViolationKind::kLatentOverlap)] = 1;
    r.failures = 2;
    r.warnings = 1;
  }
  return r;
}

// The text a campaign writes for this plan (with fake results), running
// `runs` of its jobs (all by default) and stopping like the driver does.
std::string run_text(const Plan& p, uint64_t runs = UINT64_MAX) {
  ResultsEmitter e(p);
  std::string out = p.format() + "\n";
  std::vector<std::string> lines;
  for (uint64_t i = 0; i < std::min(runs, p.shard_jobs()); ++i) {
    const uint64_t job = p.job(i);
    const RunRecord r = fake(p.cell_of(job), p.seed_of(job));
    lines.clear();
    e.add(r, &lines);
    for (const std::string& l : lines) out += l + "\n";
    if (p.stop_on_first && r.verdict == Verdict::kViolation) break;
  }
  return out + e.summary_line() + "\n";
}

ResultsFile read(const std::string& path) {
  ResultsFile f;
  std::string e;
  EXPECT_TRUE(read_results(path, &f, &e)) << e;
  return f;
}

// A results file is a regular file: a device or a pipe is refused at once
// (reading /dev/zero never ended and grew without bound).
TEST(ResultsFile, OnlyARegularFileIsRead) {
  ResultsFile f;
  std::string error;
  EXPECT_FALSE(read_results("/dev/zero", &f, &error));
  EXPECT_EQ(error, "/dev/zero: is not a regular file");
  const std::string dir = ::testing::TempDir();
  EXPECT_FALSE(read_results(dir, &f, &error));
  EXPECT_EQ(error, dir + ": is a directory, not a results file");
  EXPECT_FALSE(read_results(dir + "/no-such-results.jsonl", &f, &error));
  EXPECT_NE(error.find("cannot read the file"), std::string::npos) << error;
}

// A results file that passed through a Windows tool has CR LF line ends:
// said so at line 1, not "run line not in the form leasesim writes" at 2.
TEST(ResultsFile, WindowsLineEndsAreNamed) {
  const Plan p = sweep_plan();
  std::string text = run_text(p), crlf;
  for (const char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const std::string path = ::testing::TempDir() + "/crlf.jsonl";
  std::ofstream(path, std::ios::binary) << crlf;
  ResultsFile f;
  std::string error;
  EXPECT_FALSE(read_results(path, &f, &error));
  EXPECT_EQ(error, path +
                       ": line 1: Windows line ends (CR LF); leasesim writes LF only: convert "
                       "the file (dos2unix) to read it");
}

TEST(Plan, ShardsCoverEveryJobOnce) {
  for (const bool with_params : {false, true}) {
    for (uint32_t n : {1u, 2u, 3u, 7u, 20u}) {
      std::multiset<std::pair<uint64_t, uint64_t>> seen;
      for (uint32_t k = 1; k <= n; ++k) {
        const Plan p = with_params ? sweep_plan(k, n) : plan({}, 5, 23, k, n);
        for (uint64_t i = 0; i < p.shard_jobs(); ++i)
          seen.insert({p.cell_of(p.job(i)), p.seed_of(p.job(i))});
      }
      const Plan whole = with_params ? sweep_plan() : plan({}, 5, 23);
      ASSERT_EQ(seen.size(), whole.total_jobs()) << n;
      for (uint64_t j = 0; j < whole.total_jobs(); ++j)
        EXPECT_EQ(seen.count({whole.cell_of(j), whole.seed_of(j)}), 1u) << j;
    }
  }
  // Without parameters job i is seed first + i.
  const Plan p = plan({}, 5, 23, 2, 3);
  EXPECT_EQ(p.seed_of(p.job(0)), 6u);
  EXPECT_EQ(p.seed_of(p.job(1)), 9u);
}

// A campaign of slow runs said "0/s": the rate keeps the digits it needs.
TEST(Text, RatesAreNeverPrintedAsZero) {
  EXPECT_EQ(format_rate(2274.4), "2274");
  EXPECT_EQ(format_rate(12.0), "12");
  EXPECT_EQ(format_rate(4.56), "4.6");
  EXPECT_EQ(format_rate(0.33), "0.33");
  EXPECT_EQ(format_rate(0.0037), "0.0037");
  EXPECT_EQ(format_rate(0.0), "0");
}

TEST(Plan, ParsesRangesAndShardsAndSaysWhatIsWrong) {
  uint64_t a = 0, b = 0;
  std::string e;
  ASSERT_TRUE(parse_seed_range("1..100000", &a, &b, &e));
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(b, 100000u);
  ASSERT_TRUE(parse_seed_range("50", &a, &b, &e));
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(b, 50u);
  ASSERT_TRUE(parse_seed_range("0..7", &a, &b, &e));
  for (const char* bad : {"", "0", "5..1", "a..b", "1..", "..3", "1...3", "1..2x"}) {
    EXPECT_FALSE(parse_seed_range(bad, &a, &b, &e)) << bad;
    EXPECT_NE(e.find("expected seeds as A..B"), std::string::npos) << e;
  }
  // A range written with a dash is named as such, not as a negative seed.
  EXPECT_FALSE(parse_seed_range("1-3", &a, &b, &e));
  EXPECT_EQ(e, "expected A..B (two dots) with 0 <= A <= B, or N for 1..N, found \"1-3\"");
  for (const char* negative : {"-1", "-1..4", "3..-2"}) {
    EXPECT_FALSE(parse_seed_range(negative, &a, &b, &e)) << negative;
    EXPECT_NE(e.find("seeds cannot be negative"), std::string::npos) << e;
  }
  // Every seed at once is one more than a count holds: said so, not
  // "expected A <= B" (which holds).
  EXPECT_FALSE(parse_seed_range("0..18446744073709551615", &a, &b, &e));
  EXPECT_EQ(e,
            "0..18446744073709551615 is 2^64 seeds, one more than a count can hold: start at 1 "
            "or end one lower");
  ASSERT_TRUE(parse_seed_range("1..18446744073709551615", &a, &b, &e)) << e;
  uint32_t k = 0, n = 0;
  ASSERT_TRUE(parse_shard("3/8", &k, &n, &e));
  EXPECT_EQ(k, 3u);
  EXPECT_EQ(n, 8u);
  for (const char* bad : {"0/3", "4/3", "1/0", "3", "a/b", "1/2/3"})
    EXPECT_FALSE(parse_shard(bad, &k, &n, &e)) << bad;
  // K <= N holds; N is what is too large, and the message says so (it
  // repeated "1 <= K <= N"; found by an adversarial CLI test).
  EXPECT_FALSE(parse_shard("2/18446744073709551615", &k, &n, &e));
  EXPECT_EQ(e, "expected at most 4294967295 shards, found \"2/18446744073709551615\"");
}

TEST(Plan, HeaderRoundTripsWithAVersion) {
  Plan p = sweep_plan(2, 3);
  p.options["max_events"] = 500;
  const std::string line = p.format();
  EXPECT_EQ(line.rfind("{\"format\":\"leasesim-results\",\"version\":3,", 0), 0u) << line;
  Plan back;
  std::string e;
  ASSERT_TRUE(Plan::parse(line, &back, &e)) << e;
  EXPECT_EQ(back.format(), line);
  EXPECT_TRUE(back.same_run_as(sweep_plan(1, 3)) == false);  // options differ
  Plan moved = back;
  moved.scenarios[0].file = "elsewhere/x.json";
  moved.shard = 3;
  EXPECT_TRUE(moved.same_run_as(back));  // the path's spelling and the shard do not count
}

// A damaged header field is named by its JSON path, as a run line's is.
TEST(Plan, ADamagedHeaderFieldIsNamedWithWhatWasExpected) {
  const auto parse_error = [](const std::string& from, const std::string& to) {
    std::string line = sweep_plan(2, 3).format();
    const size_t at = line.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    line.replace(at, from.size(), to);
    Plan back;
    std::string e;
    EXPECT_FALSE(Plan::parse(line, &back, &e)) << line;
    return e;
  };
  EXPECT_EQ(parse_error("\"command\":\"sweep\"", "\"command\":7"),
            "malformed results header: /command: expected a string, found 7");
  EXPECT_EQ(parse_error("\"stop_on_first\":false", "\"stop_on_first\":\"no\""),
            "malformed results header: /stop_on_first: expected true or false, found a string");
  EXPECT_EQ(parse_error("\"seeds\":", "\"seeds\":5,\"_\":"),
            "malformed results header: /seeds: expected a string, found 5");
  EXPECT_EQ(parse_error("\"cell_settings\":[", "\"cell_settings\":[-1,"),
            "malformed results header: /cell_settings/0: expected a whole number, found -1");
  EXPECT_EQ(parse_error("\"name\":\"lease.ttl\"", "\"name\":null"),
            "malformed results header: /params/1/name: expected a string, found null");
}

// The header names the leasesim that started the run; two builds' files are
// still shards of the same run (merge and resume warn instead), and a
// version-2 plan never gains the key.
TEST(Plan, HeaderNamesTheLeasesimThatStartedTheRun) {
  Plan p = sweep_plan(1, 2);
  p.tool_version = "0.1.0";
  p.tool_build = "0123456789ab";
  const std::string line = p.format();
  EXPECT_NE(line.find(R"(,"leasesim":{"version":"0.1.0","build":"0123456789ab"}})"),
            std::string::npos)
      << line;
  Plan back;
  std::string e;
  ASSERT_TRUE(Plan::parse(line, &back, &e)) << e;
  EXPECT_EQ(back.tool_build, "0123456789ab");
  EXPECT_EQ(back.format(), line);
  EXPECT_EQ(back.tool_text(), "leasesim 0.1.0 (git 0123456789ab)");
  Plan other = sweep_plan(2, 2);
  other.tool_version = "0.1.0";
  other.tool_build = "ba9876543210-dirty";
  EXPECT_TRUE(other.same_run_as(back));
  EXPECT_TRUE(other.tool_differs(back));
  other.tool_build = back.tool_build;
  EXPECT_FALSE(other.tool_differs(back));
  // A file of an earlier leasesim says nothing: parsed, and unknown.
  Plan old = sweep_plan();
  ASSERT_TRUE(Plan::parse(old.format(), &back, &e)) << e;
  EXPECT_TRUE(back.tool_build.empty());
  EXPECT_EQ(back.tool_text(), "a leasesim that recorded no build");
  EXPECT_TRUE(back.tool_differs(p));
  p.version = 2;
  EXPECT_EQ(p.format().find("\"leasesim\""), std::string::npos);
}

// leasesim 0.1 wrote explore and sweep results in two formats (version 1):
// refused with the version found and the one expected.
TEST(Plan, OlderFormatsAreRefusedNamingBothVersions) {
  const std::string path = temp_path("old.jsonl");
  struct Case {
    const char* header;
    const char* found;
  };
  const Case cases[] = {
      {R"({"command":"explore","digest":"77c45ed10b12cad1","options":{},"results":1,"scenario":"default","seeds":"1..40","shard":null,"stop_on_first":false})",
       "an explore results file of format version 1"},
      {R"({"sweep":1,"scenario":"canary-naive","digest":"c7a6706888ba5922","params":[],"seeds":"1..3","shard":null,"options":{}})",
       "a sweep results file of format version 1"},
      {R"({"format":"leasesim-results","version":4})", "results format version 4"},
      {R"({"format":"leasesim-results","version":1})", "results format version 1"},
  };
  for (const Case& c : cases) {
    write(path, std::string(c.header) + "\n" +
                    R"({"seed":1,"verdict":"holds","violations":[],"failures":0})" + "\n");
    ResultsFile f;
    std::string e;
    EXPECT_FALSE(read_results(path, &f, &e));
    EXPECT_NE(e.find(path + ": line 1: " + c.found), std::string::npos) << e;
    EXPECT_NE(e.find("this leasesim reads results format versions 2 and 3"), std::string::npos)
        << e;
  }
  write(path, "hello\n");
  ResultsFile f;
  std::string e;
  EXPECT_FALSE(read_results(path, &f, &e));
  EXPECT_NE(e.find("not a leasesim results file"), std::string::npos) << e;
}

TEST(RunRecord, FormatParsesBackToTheSameRecord) {
  for (uint64_t s : {1u, 7u, 9u}) {
    RunRecord r = fake(0, s);
    r.availability = 0.1 + 1.0 / 3.0;  // a double that needs all its digits
    RunRecord back;
    std::string e;
    ASSERT_TRUE(RunRecord::parse(r.format(), &back, &e)) << e;
    EXPECT_EQ(back.format(), r.format());
    EXPECT_EQ(back.availability, r.availability);
  }
  EXPECT_EQ(
      fake(0, 7).format().rfind(
          R"({"type":"run","cell_index":0,"seed":7,"verdict":"violation","violations":{"overlap":2,"latent_overlap":1},"failures":2,"warnings":1,)",
          0),
      0u)
      << fake(0, 7).format();
  RunRecord back;
  std::string e;
  std::string line = fake(0, 7).format();
  line.replace(line.find("\"violation\""), 11, "\"holds\"");
  EXPECT_FALSE(RunRecord::parse(line, &back, &e));
  EXPECT_NE(e.find("verdict does not follow"), std::string::npos) << e;
  line = fake(0, 7).format();
  line.replace(line.find("\"overlap\""), 9, "\"meteor\"");
  EXPECT_FALSE(RunRecord::parse(line, &back, &e));
  EXPECT_NE(e.find("unknown violation kind \"meteor\""), std::string::npos) << e;
}

// A damaged field is named by its JSON path with what was expected and what
// was found, never by the JSON library's own text ("[json.exception...]").
TEST(RunRecord, ADamagedFieldIsNamedWithWhatWasExpected) {
  const auto parse_error = [](const std::string& line) {
    RunRecord back;
    std::string e;
    EXPECT_FALSE(RunRecord::parse(line, &back, &e)) << line;
    return e;
  };
  const auto edit = [](const std::string& from, const std::string& to) {
    std::string line = fake(0, 7).format();
    const size_t at = line.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return line.replace(at, from.size(), to);
  };
  EXPECT_EQ(parse_error(edit("\"seed\":7", "\"seed\":\"7\"")),
            "malformed run line: /seed: expected a whole number, found a string");
  EXPECT_EQ(parse_error(edit("\"seed\":7", "\"seed\":-7")),
            "malformed run line: /seed: expected a whole number, found -7");
  EXPECT_EQ(parse_error(edit("\"seed\":7,", "")), "malformed run line: /seed: missing");
  EXPECT_EQ(parse_error(edit("\"overlap\":2", "\"overlap\":2.5")),
            "malformed run line: /violations/overlap: expected a whole number, found 2.5");
  EXPECT_EQ(parse_error(edit("\"verdict\":\"violation\"", "\"verdict\":1")),
            "malformed run line: /verdict: expected a string, found 1");
  EXPECT_EQ(parse_error(edit("\"acquire_p50_ns\":", "\"acquire_p50_ns\":\"x\",\"_\":")),
            "malformed run line: /acquire_p50_ns: expected nanoseconds (an integer) or null, "
            "found a string");
  EXPECT_EQ(parse_error(edit("\"availability\":", "\"availability\":null,\"_\":")),
            "malformed run line: /availability: expected a number, found null");
}

TEST(ResultsFile, CellLinesFollowTheirLastRunAndSplitKinds) {
  const Plan p = sweep_plan();
  std::istringstream in(run_text(p));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 1 + 6 * 7 + 6 + 1u);
  EXPECT_EQ(lines[8].rfind(R"({"type":"cell","cell":{"protocol":"seed","lease.ttl":"2s"})", 0), 0u)
      << lines[8];
  const json cell = json::parse(lines[8]);
  EXPECT_EQ(cell["runs"], 7);
  EXPECT_EQ(cell["violations"], 1);                            // seeds 3..9 of cell 0: 7 fails
  EXPECT_EQ(cell["violation_kinds"], (json{{"overlap", 1}}));  // warnings are not failures
  EXPECT_EQ(cell["acquire_p50_ns"], 6000);                     // median of 3000..9000 step 1000
  EXPECT_EQ(cell["acquire_p99_ns"], 45000);
  EXPECT_TRUE(cell["handoff_p50_ns"].is_null());
  const json summary = json::parse(lines.back());
  EXPECT_EQ(summary["type"], "summary");
  EXPECT_EQ(summary["status"], "complete");
  EXPECT_EQ(summary["runs"], 42);
  EXPECT_EQ(summary["first_violation"], (json{{"cell_index", 0}, {"seed", 7}}));
}

TEST(ResultsFile, ShardsMergeToTheUnshardedBytes) {
  struct Case {
    std::function<Plan(uint32_t, uint32_t)> make;
    std::vector<uint32_t> shard_counts;
  };
  const Case cases[] = {
      {[](uint32_t k, uint32_t n) { return plan({}, 3, 40, k, n); }, {2, 3, 5}},
      {[](uint32_t k, uint32_t n) { return plan({}, 3, 40, k, n, /*stop_on_first=*/true); }, {3}},
      {[](uint32_t k, uint32_t n) { return sweep_plan(k, n); }, {2, 3, 5, 50}},
  };
  for (const Case& c : cases) {
    const std::string expected = run_text(c.make(1, 1));
    for (const uint32_t n : c.shard_counts) {
      std::vector<ResultsFile> files;
      for (uint32_t k = n; k >= 1; --k) {  // any order
        const std::string path = temp_path("shard-" + std::to_string(k) + ".jsonl");
        write(path, run_text(c.make(k, n)));
        files.push_back(read(path));
        EXPECT_TRUE(files.back().pending.empty());  // shards hold runs only
      }
      std::string text, err;
      ASSERT_TRUE(merge_results(files, &text, &err)) << err;
      EXPECT_EQ(text, expected) << "shards: " << n;
    }
  }
}

TEST(ResultsFile, MergeRefusesMissingDuplicateForeignAndUnfinishedShards) {
  auto file = [](const Plan& p, uint64_t runs, const std::string& name) {
    const std::string path = temp_path(name);
    write(path, run_text(p, runs));
    return read(path);
  };
  std::string text, err;
  EXPECT_FALSE(merge_results({file(sweep_plan(1, 2), 99, "a1")}, &text, &err));
  EXPECT_NE(err.find("shard 2/2 is missing"), std::string::npos) << err;
  EXPECT_FALSE(merge_results({file(sweep_plan(1, 2), 99, "b1"), file(sweep_plan(1, 2), 99, "b2")},
                             &text, &err));
  EXPECT_NE(err.find("twice"), std::string::npos) << err;
  EXPECT_FALSE(merge_results({file(sweep_plan(1, 2), 99, "c1"), file(sweep_plan(2, 2), 3, "c2")},
                             &text, &err));
  EXPECT_NE(err.find("incomplete (3 of 21 runs)"), std::string::npos) << err;
  EXPECT_FALSE(merge_results({file(sweep_plan(1, 2), 99, "d1"), file(sweep_plan(2, 3), 99, "d2")},
                             &text, &err));
  EXPECT_NE(err.find("not a shard of the same run"), std::string::npos) << err;
  Plan other = plan({}, 1, 20, 2, 2);
  other.scenarios[0].digest = "ffffffffffffffff";
  EXPECT_FALSE(
      merge_results({file(plan({}, 1, 20, 1, 2), 99, "e1"), file(other, 99, "e2")}, &text, &err));
  EXPECT_NE(err.find("not a shard of the same run"), std::string::npos) << err;
}

TEST(ResultsFile, ACutOffFileResumesWhereItStopped) {
  const Plan p = sweep_plan();
  const std::string full = run_text(p);
  // Cut after the 7th run line (the last of cell 0) but before its cell
  // line, plus half a line.
  size_t pos = 0;
  for (int i = 0; i < 8; ++i) pos = full.find('\n', pos) + 1;
  const std::string path = temp_path("cut.jsonl");
  write(path, full.substr(0, pos) + "{\"type\":\"ce");
  ResultsFile f = read(path);
  EXPECT_EQ(f.records.size(), 7u);
  EXPECT_EQ(f.good_bytes, pos);
  EXPECT_TRUE(f.partial_tail);
  EXPECT_EQ(f.status, "interrupted");
  ASSERT_EQ(f.pending.size(), 1u);  // cell 0's line is still owed
  EXPECT_EQ(f.pending[0].rfind("{\"type\":\"cell\",", 0), 0u);

  // Appending the owed line and the rest after the good prefix gives the
  // whole file.
  ResultsWriter w;
  std::string e;
  ASSERT_TRUE(w.open(path, f.good_bytes, &e)) << e;
  const size_t rest = full.find('\n', pos) + 1;
  ASSERT_TRUE(w.write_line(f.pending[0], &e));
  ASSERT_TRUE(w.write_line(full.substr(rest, full.size() - rest - 1), &e));
  ASSERT_TRUE(w.close(&e));
  EXPECT_EQ(slurp(path), full);
  EXPECT_EQ(read(path).status, "complete");
}

TEST(ResultsFile, TamperedOrMisorderedLinesAreRefusedNamingTheLine) {
  const Plan p = plan({}, 1, 10);
  const std::string path = temp_path("bad.jsonl");
  // A line not in leasesim's own form.
  std::string bad = run_text(p);
  bad.replace(bad.find("\"grants\":"), 9, "\"grants\": ");
  write(path, bad);
  ResultsFile f;
  std::string e;
  EXPECT_FALSE(read_results(path, &f, &e));
  EXPECT_NE(e.find("line 2: run line not in the form leasesim writes"), std::string::npos) << e;
  // A changed value: the cell line computed from the runs disagrees.
  bad = run_text(p);
  bad.replace(bad.find("\"grants\":"), 10, "\"grants\":7");
  write(path, bad);
  EXPECT_FALSE(read_results(path, &f, &e));
  EXPECT_NE(e.find("line 12: expected the cell line computed from the runs before it"),
            std::string::npos)
      << e;
  write(path, p.format() + "\n" + fake(0, 2).format() + "\n");
  EXPECT_FALSE(read_results(path, &f, &e));
  EXPECT_NE(e.find("line 2: expected the run of cell 0 seed 1"), std::string::npos) << e;
  const std::string whole = run_text(p);
  write(path, whole + whole.substr(whole.find('\n') + 1));
  EXPECT_FALSE(read_results(path, &f, &e));
  EXPECT_NE(e.find("after the summary"), std::string::npos) << e;
}

TEST(ResultsFile, StatusOfAStopOnFirstFile) {
  const Plan p = plan({}, 1, 10, 1, 1, /*stop_on_first=*/true);
  const std::string path = temp_path("stop.jsonl");
  write(path, run_text(p, 6));
  EXPECT_EQ(read(path).status, "interrupted");
  write(path, run_text(p));
  const ResultsFile f = read(path);
  EXPECT_EQ(f.status, "stopped-on-first");
  EXPECT_EQ(f.records.size(), 7u);
  EXPECT_TRUE(f.has_summary);
}

}  // namespace
}  // namespace results_test
}  // namespace leasesim
