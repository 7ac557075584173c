// Parameter sweeps: a grid of scenario variants ("cells"), each run over
// many seeds, summarised per cell as a violation rate with a 95% confidence
// interval plus liveness metrics (docs/exploration.md, "sweep").
//
// A parameter is a dotted path into the scenario's JSON document
// ("lease.ttl", "protocol.preset", "requestors.0.hold") and a list of values.
// Cell c is the base document with one value of every parameter written at
// its path, then loaded with load_scenario_json, so a bad value is reported
// by the loader exactly as in a file. Cells are the cartesian product, first
// parameter outermost.
//
// Jobs are (cell, seed) pairs in cell-major order: job j is cell j / S with
// the (j % S)-th seed of the plan (S seeds per cell). With an `explore`
// block each job adds the random faults of its seed (world/explore.hpp), so
// every cell sees the same fault schedules for the same seeds as long as the
// cells share a node layout: that is what makes a protocol comparison fair.
//
// Sweep files are JSON Lines, each line written whole:
//
//   {"sweep":1,...header...}
//   {"cell_index":0,"seed":1,...}      one line per run, in job order
//   ...
//   {"cell":{"lease.ttl":"2s"},...}    after the last run of each cell
//   ...
//   {"summary":{...}}                  last; absent after a hard kill
//
// Everything is a function of the scenario, the parameters, the seeds and
// the per-run options (never of --jobs), and cell lines are computed only
// from the run lines as written, so a shard file (run lines of its jobs
// only, no cell lines) merges into exactly the bytes of the unsharded run,
// and a resumed run writes exactly what an uninterrupted one would have.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/scenario/scenario.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim {

// --- parameters and cells ------------------------------------------------

struct SweepParam {
  std::string name;  // as the user wrote it ("protocol"); the key in cell lines
  std::string path;  // dotted path in the document ("protocol.preset")
  std::vector<nlohmann::json> values;
};

// Parses "PATH=V1,V2,...". Values are split at commas outside quotes and
// brackets; each is read as JSON when it is valid JSON (numbers, true,
// false, null, quoted strings, arrays, objects), else taken as a string.
// Aliases: "protocol" -> "protocol.preset", "clocks.drift_ppm" ->
// "clocks.default.drift_ppm", "clocks.offset" -> "clocks.default.offset".
bool parse_sweep_param(std::string_view arg, SweepParam* out, std::string* error);

// Writes value at a dotted path, creating missing objects on the way.
// Numeric segments index arrays (which must already have that element).
// Returns false with *error set for a path through a non-object, a bad or
// out-of-range index, or an empty segment.
bool set_json_path(nlohmann::json* doc, std::string_view path, const nlohmann::json& value,
                   std::string* error);

// Number of cells (product of the value counts; 1 with no parameters).
uint64_t sweep_cell_count(const std::vector<SweepParam>& params);
// The value index of each parameter in cell c.
std::vector<size_t> sweep_cell_coords(const std::vector<SweepParam>& params, uint64_t c);
// "lease.ttl=2s protocol=safe" (values as compact JSON, strings unquoted).
std::string sweep_cell_label(const std::vector<SweepParam>& params, uint64_t c);
// {"lease.ttl":"2s","protocol":"safe"}, keys in parameter order.
std::string sweep_cell_json(const std::vector<SweepParam>& params, uint64_t c);

// The scenario of cell c, or nullopt with *errors holding the loader's
// messages (and path errors), each prefixed with the cell's label.
std::optional<Scenario> sweep_cell_scenario(const nlohmann::json& base_doc,
                                            const std::string& file_label,
                                            const std::vector<SweepParam>& params, uint64_t c,
                                            std::vector<std::string>* errors);

// --- the plan --------------------------------------------------------------

struct SweepHeader {
  std::string scenario;  // the base scenario's name
  std::string digest;    // scenario_digest of its canonical JSON
  std::vector<SweepParam> params;
  uint64_t first_seed = 1, last_seed = 1;
  uint32_t shard = 1, shards = 1;  // job j belongs to shard (j % shards) + 1
  // Per-run options that change results (max_events, timeout).
  nlohmann::json options = nlohmann::json::object();

  uint64_t cells() const { return sweep_cell_count(params); }
  uint64_t seeds_per_cell() const { return last_seed - first_seed + 1; }
  uint64_t total_jobs() const { return cells() * seeds_per_cell(); }
  uint64_t shard_jobs() const;                                         // jobs in this shard
  uint64_t job(uint64_t i) const { return i * shards + (shard - 1); }  // i-th job of this shard
  uint64_t cell_of(uint64_t job) const { return job / seeds_per_cell(); }
  uint64_t seed_of(uint64_t job) const { return first_seed + job % seeds_per_cell(); }

  std::string format() const;  // one line, no newline
  static bool parse(std::string_view line, SweepHeader* out, std::string* error);
  // The same plan unsharded (for merge).
  SweepHeader unsharded() const;
};

// Whether a line looks like a sweep header (for `leasesim merge`).
bool is_sweep_header_line(std::string_view line);
// Whether the file's first line is a sweep header.
bool is_sweep_file(const std::string& path);

// --- runs and cells ----------------------------------------------------------

enum class SweepVerdict : uint8_t { kHolds, kViolation, kIncomplete };

struct SweepRun {
  uint64_t cell = 0;
  uint64_t seed = 0;
  SweepVerdict verdict = SweepVerdict::kHolds;
  std::vector<std::string> violations;  // distinct failing kinds (warnings excluded)
  std::string end;                      // completed, quiescent, violation, event_budget, timeout
  double availability = 1.0;            // written with 6 decimals
  uint64_t grants = 0;
  uint64_t elections = 0;
  uint64_t faults = 0;  // random faults added for this seed
  std::optional<int64_t> acquire_p50, acquire_p99, handoff_p50, handoff_p99, failover_p50,
      failover_p99;

  // The record of a run, normalised through its own text form, so a record
  // made here and one read back from a file are identical.
  static SweepRun from_run(uint64_t cell, uint64_t seed, const RunResult& r, uint64_t faults);
  std::string format() const;
  static bool parse(std::string_view line, SweepRun* out, std::string* error);
};

// Wilson score interval for k successes in n trials at 95% (z = 1.96);
// [0, 1] for n = 0.
void wilson_interval(uint64_t k, uint64_t n, double* lo, double* hi);

// Accumulates one cell's runs and formats its line.
class CellAggregator {
 public:
  void add(const SweepRun& r);
  uint64_t runs() const { return runs_.size(); }
  void clear() { runs_.clear(); }
  // {"cell":{...},"cell_index":c,"runs":n,"violations":k,"violation_rate":p,
  //  "ci95":[lo,hi],"violation_kinds":{...},"incomplete":i,"availability_mean":a,
  //  "acquire_p50_ns":...,"acquire_p99_ns":...,"handoff_p50_ns":...,
  //  "handoff_p99_ns":...,"failover_p50_ns":...,"failover_p99_ns":...,
  //  "grants_mean":g,"elections_mean":e}
  // pXX_ns: the median over the cell's runs of each run's median, and the
  // 99th percentile over the runs of each run's p99 (nearest rank; null
  // when no run had a sample).
  std::string format(const SweepHeader& h, uint64_t cell) const;

 private:
  std::vector<SweepRun> runs_;
};

// Turns the runs of a file, in job order, into its lines: every run line,
// and (unsharded files only) each cell's line after its last run.
class SweepEmitter {
 public:
  explicit SweepEmitter(const SweepHeader& h) : h_(h) {}
  // The lines (without newlines) that record run `r`, the i-th of the file.
  std::vector<std::string> add(const SweepRun& r);
  uint64_t runs() const { return runs_; }
  uint64_t violations() const { return violations_; }
  uint64_t incomplete() const { return incomplete_; }
  // {"summary":{"jobs":J,"runs":R,"violations":V,"incomplete":I,"status":S}},
  // S = "complete" when every job of the file ran, else "interrupted".
  std::string summary() const;

 private:
  const SweepHeader& h_;
  CellAggregator cell_;
  uint64_t runs_ = 0, violations_ = 0, incomplete_ = 0;
};

// A sweep file as read back: the longest prefix that is exactly what a
// sweep would write (header, whole lines in order).
struct SweepFile {
  std::string path;
  SweepHeader header;
  std::vector<SweepRun> runs;
  std::vector<nlohmann::json> cells;  // parsed cell lines
  std::optional<nlohmann::json> summary;
  uint64_t good_bytes = 0;           // bytes of that prefix
  std::vector<std::string> pending;  // lines a resumed run must write first
  bool complete() const;             // summary present with status "complete"
};
bool read_sweep_file(const std::string& path, SweepFile* out, std::string* error);

// The text of the unsharded file from shard files 1..N of one plan (each
// once, each complete), or from one complete unsharded file.
bool merge_sweep_files(const std::vector<SweepFile>& inputs, std::string* text, std::string* error);

}  // namespace leasesim
