// Golden output: `leasesim run` on library scenarios, compared byte for byte
// with tests/cli/golden/NAME.txt (cases in tests/cli/golden/cases.txt), with
// only the wall-clock figure masked. Any change to the report or to the
// simulation shows up here as a diff; if it is intended, regenerate the
// files with scripts/regen-golden.sh and commit them.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli_process.hpp"

namespace fs = std::filesystem;
using leasesim::testing::CliResult;
using leasesim::testing::run_cli;
using leasesim::testing::slurp;

namespace run_golden_test {
namespace {

const fs::path kSource = LEASESIM_SOURCE_DIR;
const fs::path kGolden = kSource / "tests" / "cli" / "golden";

struct GoldenCase {
  std::string name;
  std::vector<std::string> args;
};

std::vector<GoldenCase> golden_cases() {
  std::vector<GoldenCase> out;
  std::istringstream in(slurp(kGolden / "cases.txt"));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    GoldenCase c;
    if (!(words >> c.name) || c.name[0] == '#') continue;
    for (std::string w; words >> w;) c.args.push_back(w);
    out.push_back(c);
  }
  return out;
}

// Lines without their '\n'; a final line without '\n' is kept as is, so
// "a\nb" and "a\nb\n" differ (byte for byte means byte for byte).
std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    const size_t nl = s.find('\n', start);
    if (nl == std::string::npos) {
      out.push_back(s.substr(start) + "\\ no newline at end");
      break;
    }
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// The same rule as scripts/regen-golden.sh: on the line starting with
// "events", "wall <figure>" becomes "wall <masked>".
std::string mask_wall_time(const std::string& out) {
  static const std::regex wall("(wall +)[^ ]+");
  std::string masked;
  size_t start = 0;
  while (start < out.size()) {
    size_t nl = out.find('\n', start);
    const bool has_nl = nl != std::string::npos;
    if (!has_nl) nl = out.size();
    std::string line = out.substr(start, nl - start);
    if (line.rfind("events", 0) == 0)
      line = std::regex_replace(line, wall, "$1<masked>", std::regex_constants::format_first_only);
    masked += line;
    if (has_nl) masked += '\n';
    start = nl + 1;
  }
  return masked;
}

// A unified diff (3 lines of context) from the longest common subsequence
// of lines; the outputs are small.
std::string unified_diff(const std::string& expected, const std::string& actual,
                         const std::string& expected_name, const std::string& actual_name) {
  const std::vector<std::string> a = split_lines(expected), b = split_lines(actual);
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  struct Op {
    char tag;  // ' ', '-', '+'
    size_t a_line, b_line;
    std::string text;
  };
  std::vector<Op> ops;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      ops.push_back({' ', i, j, a[i]});
      ++i, ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push_back({'-', i, j, a[i]});  // deletions first, as diff -u prints them
      ++i;
    } else {
      ops.push_back({'+', i, j, b[j]});
      ++j;
    }
  }
  constexpr size_t kContext = 3;
  std::ostringstream out;
  out << "--- " << expected_name << "\n+++ " << actual_name << "\n";
  size_t k = 0;
  while (k < ops.size()) {
    if (ops[k].tag == ' ') {
      ++k;
      continue;
    }
    // A hunk: from kContext before this change to kContext after the last
    // change that is at most 2 * kContext unchanged lines further on.
    const size_t from = k >= kContext ? k - kContext : 0;
    size_t to = k;
    for (size_t x = k; x < ops.size(); ++x) {
      if (ops[x].tag != ' ')
        to = x;
      else if (x - to > 2 * kContext)
        break;
    }
    to = std::min(ops.size(), to + kContext + 1);
    size_t a_count = 0, b_count = 0;
    for (size_t x = from; x < to; ++x) {
      a_count += ops[x].tag != '+';
      b_count += ops[x].tag != '-';
    }
    out << "@@ -" << ops[from].a_line + 1 << "," << a_count << " +" << ops[from].b_line + 1 << ","
        << b_count << " @@\n";
    for (size_t x = from; x < to; ++x) out << ops[x].tag << ops[x].text << "\n";
    k = to;
  }
  return out.str();
}

TEST(RunGolden, CasesFileNamesGoldenFilesThatExist) {
  const std::vector<GoldenCase> cases = golden_cases();
  ASSERT_FALSE(cases.empty()) << "no cases in " << (kGolden / "cases.txt");
  for (const GoldenCase& c : cases) EXPECT_TRUE(fs::exists(kGolden / (c.name + ".txt"))) << c.name;
  // ... and every golden file has a case (no stale files).
  for (const fs::directory_entry& e : fs::directory_iterator(kGolden)) {
    if (e.path().extension() != ".txt" || e.path().filename() == "cases.txt") continue;
    const std::string stem = e.path().stem().string();
    EXPECT_TRUE(std::any_of(cases.begin(), cases.end(),
                            [&](const GoldenCase& c) { return c.name == stem; }))
        << e.path() << " has no line in cases.txt";
  }
}

TEST(RunGolden, OutputMatchesTheGoldenFile) {
  for (const GoldenCase& c : golden_cases()) {
    SCOPED_TRACE(c.name);
    const CliResult r = run_cli(c.args, kSource);
    ASSERT_FALSE(r.timed_out);
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << "exit " << r.exit_code << "\n" << r.err;
    const fs::path golden_path = kGolden / (c.name + ".txt");
    const std::string golden = slurp(golden_path);
    const std::string actual = mask_wall_time(r.out);
    if (golden != actual) {
      std::string cmd;
      for (const std::string& a : c.args) cmd += " " + a;
      ADD_FAILURE() << "output of `leasesim" << cmd << "` differs from " << golden_path.string()
                    << ":\n"
                    << unified_diff(golden, actual, golden_path.string(), "actual output")
                    << "if the change is intended, regenerate with scripts/regen-golden.sh and "
                       "commit the new golden file";
    }
  }
}

// The masking and the diff themselves.
TEST(RunGolden, MasksOnlyTheWallFigureOfTheEventsLine) {
  EXPECT_EQ(mask_wall_time("events     3,092   records 5,171   wall 0.013s\n"
                           "a wall 12s line\n"),
            "events     3,092   records 5,171   wall <masked>\n"
            "a wall 12s line\n");
  EXPECT_EQ(mask_wall_time("events 1 wall 5ms"), "events 1 wall <masked>");
}

TEST(RunGolden, DiffShowsTheChangedLinesWithContext) {
  const std::string d =
      unified_diff("a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nE\nf\ng\nh\n", "old", "new");
  EXPECT_EQ(d, "--- old\n+++ new\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n");
  EXPECT_NE(unified_diff("x\n", "x", "old", "new").find("no newline"), std::string::npos);
}

}  // namespace
}  // namespace run_golden_test
