// What a campaign runs: a scenario, a grid of parameter values (none for
// `leasesim explore`, which is a sweep with no parameters), and a range of
// seeds run in every cell, possibly one shard of it. The plan is the first
// line of a results file (docs/exploration.md, "The results file").
//
// Jobs are (cell, seed) pairs in cell-major order: job j is cell j / S with
// the (j % S)-th seed of the range (S seeds per cell). Shard K of N holds
// the jobs j with j % N == K - 1, round robin, so shards are equally long
// and equally mixed. Without parameters job j is simply seed first + j.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/campaign/params.hpp"

namespace leasesim {

// The results format this leasesim writes and reads (the header's
// "version"). Version 3 added run lines' "messages" and "held_ns" and plans
// of several scenarios; version 2 files (one scenario, run lines without
// those keys) are still read, and a resumed one is continued as version 2.
// Files of other versions are refused with a message naming both (leasesim
// 0.1's explore files, {"results":1,...}, and sweep files, {"sweep":1,...},
// are version 1).
inline constexpr int kResultsVersion = 3;
inline constexpr int kOldestResultsVersion = 2;

// One scenario of a plan and the parameter grid run on it.
struct PlanScenario {
  std::string name;                // the scenario's name
  std::string file;                // the path it was given as (for replay commands)
  std::string digest;              // scenario_digest of its canonical JSON
  std::vector<SweepParam> params;  // empty: one cell, the scenario itself
};

// Cells are the scenarios' grids one after the other: scenario 0's cells
// (first parameter outermost), then scenario 1's, and so on. A plan of one
// scenario is what every version-2 file holds.
struct Plan {
  int version = kResultsVersion;
  std::string command = "explore";  // the command that wrote it: "explore" or "sweep"
  std::vector<PlanScenario> scenarios = {PlanScenario{}};  // at least one
  uint64_t first_seed = 1, last_seed = 1;
  uint32_t shard = 1, shards = 1;  // 1..shards; 1/1: unsharded
  bool stop_on_first = false;      // stop at the first violating run in job order
  // Per-run options that change results ("max_events", "timeout",
  // "random_faults": false): merge and resume require them equal.
  nlohmann::json options = nlohmann::json::object();
  // Each cell's effective protocol settings (protocol, preset, knobs) and
  // random-fault limits ("explore block", "defaults" or "off"): the
  // distinct objects in first-use order, and per cell an index into them.
  std::vector<nlohmann::json> settings;
  std::vector<uint32_t> cell_settings;
  // The leasesim that started the run: its version and build
  // (core/version.hpp), the header's "leasesim" object. Empty when unknown
  // (files of earlier leasesims, version-2 files). Not part of what makes
  // two plans the same run: resuming or merging across builds is allowed,
  // with a warning (tool_differs), since runs of two builds may differ.
  std::string tool_version, tool_build;

  // Where cell c is: its scenario's index and its index in that grid.
  struct CellAt {
    size_t scenario = 0;
    uint64_t local = 0;
  };
  uint64_t cells() const;
  CellAt locate(uint64_t cell) const;
  const PlanScenario& scenario_of(uint64_t cell) const { return scenarios[locate(cell).scenario]; }
  bool several() const { return scenarios.size() > 1; }
  bool has_params() const { return several() || !scenarios[0].params.empty(); }
  // "name" or "name1, name2, name3".
  std::string scenario_names() const;
  // The cell for people ("protocol=naive", "scenario=a protocol=naive";
  // "(base)" for a single scenario without parameters) and for cell lines
  // ({"protocol":"naive"}, {"scenario":"a","protocol":"naive"}).
  std::string cell_label(uint64_t cell) const;
  std::string cell_json(uint64_t cell) const;
  uint64_t seeds_per_cell() const { return last_seed - first_seed + 1; }
  uint64_t total_jobs() const { return cells() * seeds_per_cell(); }
  uint64_t shard_jobs() const;                                         // jobs in this shard
  uint64_t job(uint64_t i) const { return i * shards + (shard - 1); }  // i-th job of the shard
  uint64_t cell_of(uint64_t job) const { return job / seeds_per_cell(); }
  uint64_t seed_of(uint64_t job) const { return first_seed + job % seeds_per_cell(); }
  bool random_faults() const;  // options has no "random_faults": false
  const nlohmann::json& cell_setting(uint64_t cell) const;

  std::string seeds_text() const;  // "A..B"
  std::string shard_text() const;  // "K/N"
  // The same plan unsharded (what merge writes).
  Plan unsharded() const;
  // Whether `o` is a shard of the same run, or the same run (everything
  // equal but the shard, the spelling of the scenarios' paths and the
  // leasesim that wrote it).
  bool same_run_as(const Plan& o) const;
  // Whether `o` was started by another leasesim build than this plan (or
  // either does not say which).
  bool tool_differs(const Plan& o) const;
  // "leasesim 0.1.0 (git 068ceae9bfee)", or "a leasesim that recorded no
  // build" (a file of an earlier leasesim).
  std::string tool_text() const;

  std::string format() const;  // one line, no newline
  // Refuses other formats and versions with a message naming the version
  // found and the one this leasesim reads.
  static bool parse(std::string_view line, Plan* out, std::string* error);
};

// "A..B" (inclusive, 0 <= A <= B) or "N" (1..N). Returns false with
// *error set (negative seeds get their own message).
bool parse_seed_range(std::string_view text, uint64_t* first, uint64_t* last, std::string* error);
// "K/N" with 1 <= K <= N.
bool parse_shard(std::string_view text, uint32_t* shard, uint32_t* shards, std::string* error);

// Hex hash of a scenario's canonical JSON text.
std::string scenario_digest(const std::string& canonical_json_text);

}  // namespace leasesim
