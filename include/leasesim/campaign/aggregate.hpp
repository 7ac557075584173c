// What a results file says about many runs: one line per cell (after the
// cell's last run, in unsharded files) and a summary line at the end, both
// computed from the run records alone, in job order. So a file is a
// function of its plan and its runs: resumed, merged and uninterrupted runs
// of one plan write the same bytes.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "leasesim/campaign/plan.hpp"
#include "leasesim/campaign/record.hpp"

namespace leasesim {

// Wilson score interval for k successes in n trials at 95% (z = 1.96);
// [0, 1] for n = 0.
void wilson_interval(uint64_t k, uint64_t n, double* lo, double* hi);

// A double with 6 decimals, trailing zeros dropped ("0.06", "1",
// "0.953125"): rates and means in cell and summary lines.
std::string fmt6(double x);

// One cell's runs, summarised.
struct CellSummary {
  uint64_t runs = 0;
  uint64_t violations = 0;  // runs with a failing violation
  uint64_t incomplete = 0;
  std::array<uint64_t, kViolationKinds> kind_runs{};  // runs showing each failing kind
  double availability_mean = 1.0;
  double grants_mean = 0.0, elections_mean = 0.0;
  // The median over the runs of each run's median, and the 99th percentile
  // over the runs of each run's p99 (nearest rank); unset without samples.
  std::optional<int64_t> acquire_p50, acquire_p99, handoff_p50, handoff_p99, failover_p50,
      failover_p99;
  // Cost per unit of service, when every run of the cell records messages
  // and held time (results format 3): messages sent per run, seconds held
  // per run (summed over resources), and messages per holder-second (the
  // ratio of the sums; unset when nothing was held).
  bool metered = false;
  double messages_mean = 0.0, held_s_mean = 0.0;
  std::optional<double> messages_per_held_s;

  // {"type":"cell","cell":{...values...},"cell_index":c,"runs":n,
  //  "violations":k,"violation_rate":p,"ci95":[lo,hi],"violation_kinds":{...},
  //  "incomplete":i,"availability_mean":a,"acquire_p50_ns":...,
  //  "acquire_p99_ns":...,"handoff_p50_ns":...,"handoff_p99_ns":...,
  //  "failover_p50_ns":...,"failover_p99_ns":...,"grants_mean":g,"elections_mean":e
  //  [,"messages_mean":m,"held_s_mean":h,"messages_per_held_s":x|null] (when metered)}
  std::string line(const Plan& plan, uint64_t cell) const;
};

// Accumulates the runs of one cell.
class CellStats {
 public:
  void add(const RunRecord& r);
  uint64_t runs() const { return runs_; }
  CellSummary summary() const;
  void clear() { *this = CellStats(); }

 private:
  uint64_t runs_ = 0, violations_ = 0, incomplete_ = 0, grants_ = 0, elections_ = 0;
  uint64_t metered_ = 0, messages_ = 0;  // runs with messages and held time; their sums
  int64_t held_ns_ = 0;
  double availability_ = 0.0;
  std::array<uint64_t, kViolationKinds> kind_runs_{};
  // Per-run p50 and p99 of acquire, handoff, failover (in that order).
  std::array<std::vector<int64_t>, 6> latencies_;
};

// Run identity, for the summary's first and failing runs.
struct RunId {
  uint64_t cell = 0, seed = 0;
};

// The file's totals.
class Summary {
 public:
  static constexpr size_t kListedFailures = 100;
  void add(const RunRecord& r);
  uint64_t runs() const { return runs_; }
  uint64_t holds() const { return holds_; }
  uint64_t violations() const { return violations_; }
  uint64_t incomplete() const { return incomplete_; }
  uint64_t kind_runs(size_t k) const { return kind_runs_[k]; }
  std::optional<RunId> first_violation() const { return first_violation_; }
  // "complete" (every job of the file ran), "stopped-on-first" or "interrupted".
  std::string status(const Plan& plan) const;
  // {"type":"summary","status":S,"cells":C,"jobs":J,"runs":R,"holds":H,
  //  "violations":V,"incomplete":I,"violation_kinds":{...},
  //  "first_violation":{"cell_index":c,"seed":s}|null,"failing":[{...}...],
  //  "events":E,"faults":F,"availability_mean":A}
  std::string line(const Plan& plan) const;

 private:
  uint64_t runs_ = 0, holds_ = 0, violations_ = 0, incomplete_ = 0, events_ = 0, faults_ = 0;
  double availability_ = 0.0;
  std::array<uint64_t, kViolationKinds> kind_runs_{};
  std::optional<RunId> first_violation_;
  std::vector<RunId> failing_;  // the first kListedFailures
  bool last_was_violation_ = false;
};

// Turns the runs of a file, in job order, into its lines, and keeps each
// cell's summary for tables. `plan` must outlive it.
class ResultsEmitter {
 public:
  explicit ResultsEmitter(const Plan& plan) : plan_(&plan) {}
  // Appends the lines that record `r`, the next run of the file: its run
  // line and, in an unsharded file, its cell's line when r is the cell's
  // last run.
  void add(const RunRecord& r, std::vector<std::string>* lines);
  const Summary& summary() const { return summary_; }
  std::string summary_line() const { return summary_.line(*plan_); }
  // Every cell with at least one run so far (a cell still running: its runs
  // so far), by cell index.
  std::map<uint64_t, CellSummary> cells() const;

 private:
  const Plan* plan_;
  Summary summary_;
  CellStats current_;
  uint64_t current_cell_ = 0;
  std::map<uint64_t, CellSummary> done_;
};

}  // namespace leasesim
