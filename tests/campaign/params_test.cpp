#include "leasesim/world/sweep.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "leasesim/scenario/loader.hpp"
#include "leasesim/world/batch.hpp"

namespace leasesim {
namespace {

using nlohmann::json;

SweepParam param(const std::string& arg) {
  SweepParam p;
  std::string err;
  EXPECT_TRUE(parse_sweep_param(arg, &p, &err)) << err;
  return p;
}

std::string temp_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("leasesim-sweep-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST(SweepParam, ValuesAreJsonWhenValidElseStrings) {
  const SweepParam p = param("lease.ttl=2s,5s");
  EXPECT_EQ(p.path, "lease.ttl");
  ASSERT_EQ(p.values.size(), 2u);
  EXPECT_EQ(p.values[0], json("2s"));
  const SweepParam d = param("clocks.default.drift_ppm=0,100,1.5,-3");
  EXPECT_EQ(d.values[1], json(100));
  EXPECT_EQ(d.values[2], json(1.5));
  EXPECT_EQ(d.values[3], json(-3));
  const SweepParam b = param("protocol.knobs.fencing=true,false");
  EXPECT_EQ(b.values[0], json(true));
  // Commas inside brackets and quotes do not split.
  const SweepParam l = param(R"(network.latency={"dist":"uniform","min":"1ms","max":"5ms"},"a,b")");
  ASSERT_EQ(l.values.size(), 2u);
  EXPECT_EQ(l.values[0]["dist"], "uniform");
  EXPECT_EQ(l.values[1], json("a,b"));
}

TEST(SweepParam, AliasesAndErrors) {
  EXPECT_EQ(param("protocol=seed,safe").path, "protocol.preset");
  EXPECT_EQ(param("protocol=seed,safe").name, "protocol");
  EXPECT_EQ(param("clocks.drift_ppm=0,10").path, "clocks.default.drift_ppm");
  SweepParam p;
  std::string err;
  EXPECT_FALSE(parse_sweep_param("lease.ttl", &p, &err));
  EXPECT_NE(err.find("PATH=V1,V2"), std::string::npos) << err;
  EXPECT_FALSE(parse_sweep_param("lease.ttl=2s,,5s", &p, &err));
  EXPECT_NE(err.find("empty value"), std::string::npos) << err;
  EXPECT_FALSE(parse_sweep_param("lease.ttl=2s,2s", &p, &err));
  EXPECT_NE(err.find("twice"), std::string::npos) << err;
  EXPECT_FALSE(parse_sweep_param("seed=1,2", &p, &err));
  EXPECT_NE(err.find("--seeds"), std::string::npos) << err;
}

TEST(SweepPath, CreatesObjectsIndexesArraysAndNamesBadPaths) {
  json doc = {{"name", "x"}, {"requestors", json::array({{{"name", "a"}}})}, {"lease", "oops"}};
  std::string err;
  ASSERT_TRUE(set_json_path(&doc, "protocol.knobs.anchor", "send", &err)) << err;
  EXPECT_EQ(doc["protocol"]["knobs"]["anchor"], "send");
  ASSERT_TRUE(set_json_path(&doc, "requestors.0.hold", "1s", &err)) << err;
  EXPECT_EQ(doc["requestors"][0]["hold"], "1s");
  EXPECT_FALSE(set_json_path(&doc, "requestors.3.hold", "1s", &err));
  EXPECT_NE(err.find("out of range"), std::string::npos) << err;
  EXPECT_FALSE(set_json_path(&doc, "requestors.x", "1s", &err));
  EXPECT_NE(err.find("expected an index"), std::string::npos) << err;
  EXPECT_FALSE(set_json_path(&doc, "lease.ttl", "1s", &err));
  EXPECT_NE(err.find("not an object"), std::string::npos) << err;
  EXPECT_FALSE(set_json_path(&doc, "faults.0.at", "1s", &err));
  EXPECT_NE(err.find("not in the scenario"), std::string::npos) << err;
  EXPECT_FALSE(set_json_path(&doc, "a..b", 1, &err));
}

TEST(SweepCells, CartesianProductFirstParameterOutermost) {
  const std::vector<SweepParam> ps = {param("protocol=seed,naive"), param("lease.ttl=2s,5s,9s")};
  EXPECT_EQ(sweep_cell_count(ps), 6u);
  EXPECT_EQ(sweep_cell_coords(ps, 4), (std::vector<size_t>{1, 1}));
  EXPECT_EQ(sweep_cell_label(ps, 4), "protocol=naive lease.ttl=5s");
  EXPECT_EQ(sweep_cell_json(ps, 2), R"({"protocol":"seed","lease.ttl":"9s"})");
  EXPECT_EQ(sweep_cell_count({}), 1u);
}

TEST(SweepCells, EveryCellGoesThroughTheLoader) {
  const json base = {{"name", "s"}, {"duration", "5s"}};
  const std::vector<SweepParam> ps = {param("core.servers=1,3"), param("lease.ttl=2s,nope")};
  std::vector<std::string> errors;
  const std::optional<Scenario> ok = sweep_cell_scenario(base, "s.json", ps, 2, &errors);
  ASSERT_TRUE(ok) << (errors.empty() ? "" : errors[0]);
  EXPECT_EQ(ok->servers.size(), 3u);
  EXPECT_EQ(ok->ttl, seconds(2));
  EXPECT_FALSE(sweep_cell_scenario(base, "s.json", ps, 1, &errors));
  ASSERT_FALSE(errors.empty());
  // The loader's message, prefixed with the cell.
  EXPECT_NE(errors.back().find("cell core.servers=1 lease.ttl=nope: s.json: /lease/ttl"),
            std::string::npos)
      << errors.back();
}

TEST(Wilson, KnownIntervals) {
  double lo, hi;
  wilson_interval(0, 50, &lo, &hi);
  EXPECT_EQ(lo, 0.0);
  EXPECT_NEAR(hi, 0.0713, 1e-4);
  wilson_interval(13, 50, &lo, &hi);
  EXPECT_NEAR(lo, 0.1588, 1e-4);
  EXPECT_NEAR(hi, 0.3955, 1e-4);
  wilson_interval(10, 10, &lo, &hi);
  EXPECT_NEAR(lo, 0.7225, 1e-4);
  EXPECT_EQ(hi, 1.0);
  wilson_interval(0, 0, &lo, &hi);
  EXPECT_EQ(lo, 0.0);
  EXPECT_EQ(hi, 1.0);
}

// A made-up run: every 5th fails.
SweepRun fake(uint64_t cell, uint64_t seed) {
  SweepRun r;
  r.cell = cell;
  r.seed = seed;
  r.end = "completed";
  r.availability = 0.5 + static_cast<double>((cell * 7 + seed) % 10) / 21.0;
  r.grants = seed % 4;
  r.elections = 1 + cell;
  r.acquire_p50 = static_cast<int64_t>(seed * 1000 + cell);
  r.acquire_p99 = static_cast<int64_t>(seed * 5000);
  if (seed % 3) r.failover_p50 = static_cast<int64_t>(seed * 10);
  if ((seed + cell) % 5 == 0) {
    r.verdict = SweepVerdict::kViolation;
    r.violations = {"overlap"};
  }
  SweepRun back;
  std::string err;
  EXPECT_TRUE(SweepRun::parse(r.format(), &back, &err)) << err;
  return back;
}

SweepHeader fake_header(uint32_t shard, uint32_t shards) {
  SweepHeader h;
  h.scenario = "s";
  h.digest = "0123456789abcdef";
  h.params = {param("protocol=seed,naive"), param("lease.ttl=2s,5s,9s")};
  h.first_seed = 3;
  h.last_seed = 9;
  h.shard = shard;
  h.shards = shards;
  return h;
}

std::string write_plan(const SweepHeader& h, uint64_t runs_to_do) {
  SweepEmitter e(h);
  std::string text = h.format() + "\n";
  for (uint64_t i = 0; i < runs_to_do; ++i) {
    const uint64_t job = h.job(i);
    for (const std::string& l : e.add(fake(h.cell_of(job), h.seed_of(job)))) text += l + "\n";
  }
  return text + e.summary() + "\n";
}

TEST(SweepRunLine, RoundTripsAndRoundsAvailability) {
  SweepRun r = fake(1, 4);
  r.availability = 0.123456789;
  SweepRun back;
  std::string err;
  ASSERT_TRUE(SweepRun::parse(r.format(), &back, &err)) << err;
  EXPECT_EQ(back.availability, 0.123457);
  EXPECT_EQ(back.format(), SweepRun::parse(back.format(), &back, &err) ? back.format() : "");
  EXPECT_FALSE(SweepRun::parse("{\"cell\":{}}", &back, &err));
}

TEST(SweepFileFormat, CellLinesFollowTheirLastRun) {
  const SweepHeader h = fake_header(1, 1);
  const std::string text = write_plan(h, h.total_jobs());
  std::istringstream in(text);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  ASSERT_EQ(lines.size(), 1 + 6 * 7 + 6 + 1u);
  EXPECT_TRUE(is_sweep_header_line(lines[0]));
  EXPECT_EQ(lines[8].rfind("{\"cell\":{\"protocol\":\"seed\",\"lease.ttl\":\"2s\"}", 0), 0u)
      << lines[8];
  const json cell = json::parse(lines[8]);
  EXPECT_EQ(cell["runs"], 7);
  // Seeds 3..9 of cell 0: 5 fails.
  EXPECT_EQ(cell["violations"], 1);
  EXPECT_EQ(cell["violation_kinds"]["overlap"], 1);
  EXPECT_EQ(cell["acquire_p50_ns"], 6000);  // median of 3000..9000 step 1000
  EXPECT_EQ(cell["acquire_p99_ns"], 45000);
  EXPECT_TRUE(cell["handoff_p50_ns"].is_null());
  EXPECT_EQ(json::parse(lines.back())["summary"]["status"], "complete");
}

TEST(SweepFileFormat, ShardsMergeToTheUnshardedBytes) {
  const SweepHeader whole = fake_header(1, 1);
  const std::string expected = write_plan(whole, whole.total_jobs());
  for (uint32_t n : {2u, 3u, 5u, 50u}) {
    std::vector<SweepFile> files(n);
    for (uint32_t k = n; k >= 1; --k) {  // any order
      const SweepHeader h = fake_header(k, n);
      const std::string path = temp_path("shard-" + std::to_string(k) + ".jsonl");
      write(path, write_plan(h, h.shard_jobs()));
      std::string err;
      ASSERT_TRUE(read_sweep_file(path, &files[n - k], &err)) << err;
      EXPECT_TRUE(files[n - k].cells.empty());  // shards hold runs only
    }
    std::string text, err;
    ASSERT_TRUE(merge_sweep_files(files, &text, &err)) << err;
    EXPECT_EQ(text, expected) << "shards: " << n;
  }
}

TEST(SweepFileFormat, MergeRefusesMissingDuplicateForeignAndUnfinishedShards) {
  auto file = [](uint32_t k, uint32_t n, uint64_t runs, const std::string& name) {
    const SweepHeader h = fake_header(k, n);
    const std::string path = temp_path(name);
    write(path, write_plan(h, std::min(runs, h.shard_jobs())));
    SweepFile f;
    std::string err;
    EXPECT_TRUE(read_sweep_file(path, &f, &err)) << err;
    return f;
  };
  std::string text, err;
  EXPECT_FALSE(merge_sweep_files({file(1, 2, 99, "a1")}, &text, &err));
  EXPECT_NE(err.find("shard 2/2 is missing"), std::string::npos) << err;
  EXPECT_FALSE(merge_sweep_files({file(1, 2, 99, "b1"), file(1, 2, 99, "b2")}, &text, &err));
  EXPECT_NE(err.find("twice"), std::string::npos) << err;
  EXPECT_FALSE(merge_sweep_files({file(1, 2, 99, "c1"), file(2, 2, 3, "c2")}, &text, &err));
  EXPECT_NE(err.find("incomplete"), std::string::npos) << err;
  EXPECT_FALSE(merge_sweep_files({file(1, 2, 99, "d1"), file(2, 3, 99, "d2")}, &text, &err));
  EXPECT_NE(err.find("different sweep"), std::string::npos) << err;
}

TEST(SweepFileFormat, ACutOffFileResumesWhereItStopped) {
  const SweepHeader h = fake_header(1, 1);
  const std::string full = write_plan(h, h.total_jobs());
  // Cut after the 7th run line (the last of cell 0) but before its cell
  // line, plus half a line.
  size_t pos = 0;
  for (int i = 0; i < 8; ++i) pos = full.find('\n', pos) + 1;
  const std::string path = temp_path("cut.jsonl");
  write(path, full.substr(0, pos) + "{\"cell_ind");
  SweepFile f;
  std::string err;
  ASSERT_TRUE(read_sweep_file(path, &f, &err)) << err;
  EXPECT_EQ(f.runs.size(), 7u);
  EXPECT_EQ(f.good_bytes, pos);
  ASSERT_EQ(f.pending.size(), 1u);  // cell 0's line is still owed
  EXPECT_EQ(f.pending[0].rfind("{\"cell\":", 0), 0u);
  EXPECT_FALSE(f.complete());
  // A tampered line is refused, naming the line.
  std::string bad = full;
  bad.replace(bad.find("\"grants\":"), 10, "\"grants\":7");
  write(path, bad);
  EXPECT_FALSE(read_sweep_file(path, &f, &err));
  EXPECT_NE(err.find("line "), std::string::npos) << err;
}

TEST(SweepRuns, SameSeedsGiveTheSameRecordsWhateverTheThreads) {
  LoadResult lr = load_scenario_text(
      R"({"name":"t","duration":"5s","protocol":{"preset":"naive"},
          "requestors":[{"names":["a","b"],"hold":"1s"}]})",
      "t.json");
  ASSERT_TRUE(lr.ok());
  auto run_all = [&](unsigned threads) {
    BatchRunner runner(threads);
    std::string out;
    runner.run(
        6,
        [&](size_t i) {
          Scenario s = *lr.scenario;
          s.seed = i + 1;
          return s;
        },
        RunOptions{},
        [&](size_t i, RunResult&& r) {
          out += SweepRun::from_run(0, i + 1, r, 0).format() + "\n";
          return true;
        });
    return out;
  };
  EXPECT_EQ(run_all(1), run_all(2));
}

}  // namespace
}  // namespace leasesim
