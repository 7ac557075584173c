// Results files of many-seed commands (explore; sweep reuses the pieces):
// JSON Lines, written a whole line at a time and flushed, so a file cut
// short by a crash is a valid prefix plus at most one partial last line
// (which readers drop). docs/exploration.md describes the format:
//
//   {"command":"explore","digest":H,"options":{},"results":1,"scenario":N,"seeds":"A..B",...}
//   {"seed":A,"verdict":"holds",...}          one line per seed, in plan order
//   ...
//   {"summary":{...}}                          last; absent after a hard kill
//
// Everything in the file is a function of the scenario, the seed plan and
// the per-run options (never of --jobs or the wall clock, except runs cut
// short by --timeout), so two runs of the same plan write identical bytes,
// and merge_results() of the shards of a plan writes exactly what one
// unsharded run would have.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/world/world.hpp"

namespace leasesim {

// Which seeds a run covers: first..last, restricted to shard K of N
// (1-based) by index: seed first + i belongs to shard (i % N) + 1. Round
// robin keeps shards equally long and equally mixed.
struct SeedPlan {
  uint64_t first = 1;
  uint64_t last = 1;
  uint32_t shard = 1;   // 1..shards
  uint32_t shards = 1;  // 1: unsharded

  uint64_t total() const { return last - first + 1; }  // seeds in the whole range
  uint64_t count() const;                              // seeds in this shard
  uint64_t seed(uint64_t i) const { return first + i * shards + (shard - 1); }
  std::string seeds_text() const;  // "A..B"
  std::string shard_text() const;  // "K/N"
};

// "A..B" (inclusive) or "N" (1..N). Returns false with *error set.
bool parse_seed_range(std::string_view text, uint64_t* first, uint64_t* last, std::string* error);
// "K/N" with 1 <= K <= N.
bool parse_shard(std::string_view text, uint32_t* shard, uint32_t* shards, std::string* error);

// The first line of a results file.
struct ResultsHeader {
  std::string command = "explore";
  std::string scenario;  // the scenario's name
  std::string digest;    // hash of the scenario's canonical JSON (scenario_digest)
  SeedPlan plan;
  bool stop_on_first = false;
  // Command options that change results (max_events, timeout, ...): merge
  // only combines files whose headers agree on everything but the shard.
  nlohmann::json options = nlohmann::json::object();

  std::string format() const;  // one line, no newline
  static bool parse(std::string_view line, ResultsHeader* out, std::string* error);
};

// Hex hash of a scenario's canonical JSON text.
std::string scenario_digest(const std::string& canonical_json_text);

enum class Verdict : uint8_t { kHolds, kViolation, kIncomplete };
const char* to_string(Verdict v);

// One seed's line.
struct SeedRecord {
  uint64_t seed = 0;
  Verdict verdict = Verdict::kHolds;
  std::vector<std::string> violations;  // distinct failing kinds (no warnings), kind order
  uint64_t failures = 0;
  uint64_t warnings = 0;
  uint64_t trace_hash = 0;
  uint64_t events = 0;
  uint64_t grants = 0;
  double availability = 1.0;
  uint64_t elections = 0;
  std::optional<int64_t> acquire_p50_ns, handoff_p50_ns, failover_p50_ns;
  uint64_t faults = 0;  // faults added for this seed
  std::string end;      // completed, quiescent, violation, event_budget, timeout

  // A violation wins over an incomplete run (the violation is real).
  static SeedRecord from_run(uint64_t seed, const RunResult& r, uint64_t faults);
  std::string format() const;  // one line, no newline, fixed key order
  static bool parse(std::string_view line, SeedRecord* out, std::string* error);
};

// The summary line, built incrementally from the seed lines in order.
class SummaryBuilder {
 public:
  static constexpr size_t kListedFailures = 100;
  void add(const SeedRecord& r);
  uint64_t runs() const { return runs_; }
  uint64_t violations() const { return violation_; }
  uint64_t incomplete() const { return incomplete_; }
  std::optional<uint64_t> first_violation() const { return first_violation_; }
  // "complete" (every planned seed ran), "stopped-on-first" or "interrupted".
  std::string status(const ResultsHeader& h) const;
  std::string format(const ResultsHeader& h) const;  // one line, no newline

 private:
  uint64_t runs_ = 0, holds_ = 0, violation_ = 0, incomplete_ = 0;
  uint64_t events_ = 0, faults_ = 0;
  double availability_sum_ = 0.0;
  std::map<std::string, uint64_t> kinds_;  // seeds showing each kind
  std::optional<uint64_t> first_violation_;
  std::vector<uint64_t> failing_;  // the first kListedFailures
  bool last_was_violation_ = false;
};

// A results file as read back.
struct ResultsFile {
  std::string path;
  ResultsHeader header;
  std::vector<std::string> lines;  // seed lines, verbatim
  std::vector<SeedRecord> records;
  std::optional<nlohmann::json> summary;
  uint64_t good_bytes = 0;    // length of the valid prefix (header + whole seed lines)
  bool partial_tail = false;  // a cut-off last line was dropped
};
// Reads and checks a results file (seed lines must follow the header's
// plan order). Returns false with *error naming the file and line.
bool read_results(const std::string& path, ResultsFile* out, std::string* error);

// The merged file's text: the shards 1..N of one plan (each exactly once,
// each complete or stopped on its first violation), or a single unsharded
// file. Returns false with *error set.
bool merge_results(const std::vector<ResultsFile>& inputs, std::string* text, std::string* error);

// Appends whole lines and flushes each, so readers and crashes only ever
// see whole lines (plus at most one cut-off last line after a hard kill).
class ResultsWriter {
 public:
  ResultsWriter() = default;
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;
  ~ResultsWriter();
  // Creates/truncates `path`, or (keep_bytes > 0) keeps its first
  // keep_bytes and appends after them.
  bool open(const std::string& path, uint64_t keep_bytes, std::string* error);
  bool write_line(std::string_view line, std::string* error);  // adds '\n'
  bool close(std::string* error);
  bool is_open() const { return fp_ != nullptr; }

 private:
  std::FILE* fp_ = nullptr;
  std::string path_;
};

}  // namespace leasesim
