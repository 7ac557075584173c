#include "leasesim/world/results.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace leasesim {
namespace {

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

// A made-up result for seed s: every 7th seed fails.
SeedRecord fake(uint64_t s) {
  SeedRecord r;
  r.seed = s;
  r.trace_hash = s * 0x9E3779B97F4A7C15ULL;
  r.events = 1000 + s;
  r.grants = s % 5;
  r.availability = 1.0 / static_cast<double>(1 + s % 3);
  r.elections = 1;
  r.acquire_p50_ns = static_cast<int64_t>(s) * 1000;
  r.faults = s % 4;
  r.end = "completed";
  if (s % 7 == 0) {
    r.verdict = Verdict::kViolation;
    r.violations = {"overlap"};
    r.failures = 2;
  }
  return r;
}

ResultsHeader header(uint64_t first, uint64_t last, uint32_t shard, uint32_t shards,
                     bool stop_on_first = false) {
  ResultsHeader h;
  h.scenario = "x";
  h.digest = "0123456789abcdef";
  h.plan = SeedPlan{first, last, shard, shards};
  h.stop_on_first = stop_on_first;
  return h;
}

// The text the explore command writes for this plan (with fake results).
std::string run_text(const ResultsHeader& h) {
  std::string out = h.format() + "\n";
  SummaryBuilder b;
  for (uint64_t i = 0; i < h.plan.count(); ++i) {
    const SeedRecord r = fake(h.plan.seed(i));
    out += r.format() + "\n";
    b.add(r);
    if (h.stop_on_first && r.verdict == Verdict::kViolation) break;
  }
  return out + b.format(h) + "\n";
}

TEST(SeedPlan, ShardsCoverEverySeedOnce) {
  for (uint32_t n : {1u, 2u, 3u, 7u, 20u}) {
    std::multiset<uint64_t> seen;
    for (uint32_t k = 1; k <= n; ++k) {
      const SeedPlan p{5, 23, k, n};
      for (uint64_t i = 0; i < p.count(); ++i) seen.insert(p.seed(i));
    }
    ASSERT_EQ(seen.size(), 19u) << n;
    for (uint64_t s = 5; s <= 23; ++s) EXPECT_EQ(seen.count(s), 1u) << s;
  }
}

TEST(SeedPlan, ParsesRangesAndShards) {
  uint64_t a = 0, b = 0;
  std::string e;
  ASSERT_TRUE(parse_seed_range("1..100000", &a, &b, &e));
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(b, 100000u);
  ASSERT_TRUE(parse_seed_range("50", &a, &b, &e));
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(b, 50u);
  ASSERT_TRUE(parse_seed_range("7..7", &a, &b, &e));
  for (const char* bad : {"", "0", "5..1", "a..b", "1..", "..3", "1...3", "-1..4", "1..2x"}) {
    EXPECT_FALSE(parse_seed_range(bad, &a, &b, &e)) << bad;
  }
  uint32_t k = 0, n = 0;
  ASSERT_TRUE(parse_shard("3/8", &k, &n, &e));
  EXPECT_EQ(k, 3u);
  EXPECT_EQ(n, 8u);
  for (const char* bad : {"0/3", "4/3", "1/0", "3", "a/b", "1/2/3"}) {
    EXPECT_FALSE(parse_shard(bad, &k, &n, &e)) << bad;
  }
}

TEST(SeedRecord, FormatParsesBackToTheSameLine) {
  for (uint64_t s : {1u, 7u, 9u}) {
    SeedRecord r = fake(s);
    if (s == 9) r.acquire_p50_ns.reset();
    SeedRecord back;
    std::string e;
    ASSERT_TRUE(SeedRecord::parse(r.format(), &back, &e)) << e;
    EXPECT_EQ(back.format(), r.format());
  }
  EXPECT_EQ(fake(7).format().rfind(
                "{\"seed\":7,\"verdict\":\"violation\",\"violations\":[\"overlap\"]", 0),
            0u);
}

TEST(Results, MergedShardsEqualTheUnshardedRun) {
  for (bool stop : {false, true}) {
    const std::string whole = run_text(header(3, 40, 1, 1, stop));
    std::vector<ResultsFile> files(3);
    for (uint32_t k = 1; k <= 3; ++k) {
      const std::string path = temp_path("shard" + std::to_string(k) + ".jsonl");
      write(path, run_text(header(3, 40, k, 3, stop)));
      std::string e;
      ASSERT_TRUE(read_results(path, &files[3 - k], &e)) << e;  // any order
    }
    std::string merged, e;
    ASSERT_TRUE(merge_results(files, &merged, &e)) << e;
    EXPECT_EQ(merged, whole) << "stop_on_first " << stop;
  }
}

TEST(Results, MergeRefusesMissingDuplicateForeignOrUnfinishedShards) {
  std::vector<ResultsFile> files(2);
  std::string e, text;
  for (uint32_t k = 1; k <= 2; ++k) {
    const std::string path = temp_path("m" + std::to_string(k) + ".jsonl");
    write(path, run_text(header(1, 20, k, 3)));
    ASSERT_TRUE(read_results(path, &files[k - 1], &e)) << e;
  }
  EXPECT_FALSE(merge_results(files, &text, &e));
  EXPECT_NE(e.find("shard 3/3 is missing"), std::string::npos) << e;

  std::vector<ResultsFile> dup = {files[0], files[0]};
  EXPECT_FALSE(merge_results(dup, &text, &e));
  EXPECT_NE(e.find("twice"), std::string::npos) << e;

  const std::string other = temp_path("other.jsonl");
  ResultsHeader h = header(1, 20, 3, 3);
  h.digest = "ffffffffffffffff";
  write(other, run_text(h));
  files.emplace_back();
  ASSERT_TRUE(read_results(other, &files.back(), &e)) << e;
  EXPECT_FALSE(merge_results(files, &text, &e));
  EXPECT_NE(e.find("not a shard of the same run"), std::string::npos) << e;

  // Shard 3 cut short (interrupted): no summary, fewer seeds.
  const std::string cut = temp_path("cut.jsonl");
  const std::string full = run_text(header(1, 20, 3, 3));
  write(cut, full.substr(0, full.find('\n', full.find('\n') + 1) + 1));
  ASSERT_TRUE(read_results(cut, &files.back(), &e)) << e;
  EXPECT_FALSE(merge_results(files, &text, &e));
  EXPECT_NE(e.find("incomplete"), std::string::npos) << e;
}

TEST(Results, ReaderDropsACutOffLastLineAndKnowsTheGoodPrefix) {
  const std::string full = run_text(header(1, 10, 1, 1));
  const size_t third = full.find('\n', full.find('\n', full.find('\n') + 1) + 1) + 1;
  const std::string path = temp_path("partial.jsonl");
  write(path, full.substr(0, third + 20));  // header, 2 seeds, 20 bytes of the third
  ResultsFile f;
  std::string e;
  ASSERT_TRUE(read_results(path, &f, &e)) << e;
  EXPECT_TRUE(f.partial_tail);
  EXPECT_EQ(f.records.size(), 2u);
  EXPECT_EQ(f.good_bytes, third);
  EXPECT_FALSE(f.summary);

  // Appending after the good prefix gives a valid file again.
  ResultsWriter w;
  ASSERT_TRUE(w.open(path, f.good_bytes, &e)) << e;
  ASSERT_TRUE(w.write_line(fake(3).format(), &e));
  ASSERT_TRUE(w.close(&e));
  ASSERT_TRUE(read_results(path, &f, &e)) << e;
  EXPECT_EQ(f.records.size(), 3u);
  EXPECT_EQ(slurp(path), full.substr(0, third + fake(3).format().size() + 1));
}

TEST(Results, ReaderRejectsSeedsOutOfPlanOrder) {
  const ResultsHeader h = header(1, 10, 1, 1);
  const std::string path = temp_path("order.jsonl");
  write(path, h.format() + "\n" + fake(2).format() + "\n");
  ResultsFile f;
  std::string e;
  EXPECT_FALSE(read_results(path, &f, &e));
  EXPECT_NE(e.find("line 2"), std::string::npos) << e;
  write(path, "hello\n");
  EXPECT_FALSE(read_results(path, &f, &e));
  EXPECT_NE(e.find("not a leasesim results file"), std::string::npos) << e;
}

TEST(Results, SummaryStatus) {
  const ResultsHeader h = header(1, 10, 1, 1, /*stop_on_first=*/true);
  SummaryBuilder b;
  for (uint64_t s = 1; s <= 6; ++s) b.add(fake(s));
  EXPECT_EQ(b.status(h), "interrupted");
  b.add(fake(7));
  EXPECT_EQ(b.status(h), "stopped-on-first");
  EXPECT_EQ(b.first_violation(), std::optional<uint64_t>(7));
}

}  // namespace
}  // namespace leasesim
