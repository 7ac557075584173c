// `leasesim results FILE`: a results file as a table for analysis (CSV, one
// row per run) or as a summary for people (docs/analysis.md).
#pragma once

#include <string>

#include "leasesim/campaign/results.hpp"

namespace leasesim {

// One header row, then one row per run in job order. Columns, in order:
//   cell_index, param.<NAME> (one per swept parameter of any of the plan's
//   scenarios, empty for a cell whose scenario lacks it; none for explore),
//   scenario (the cell's scenario's name), seed, verdict, end, failures, warnings, one column per
//   violation kind (that run's count of it), trace_hash, events, faults, grants, elections,
//   availability, {acquire,handoff,failover,write}_{p50,p99}_ns (empty without
//   samples), messages (sent in the run), held_ns (time the resources were
//   held, summed; both empty in version-2 files), protocol, preset, knob.<KNOB> (every effective
//   knob of the run's cell, nested knobs dotted), random_faults, replay (a command that runs this
//   run again and prints its trace hash).
// RFC 4180 quoting; every column holds one type (numbers, booleans or
// text), so pandas.read_csv gives one dtype per column.
std::string results_csv(const ResultsFile& f);

// The headline, random-fault limits, per-cell tables (with parameters),
// status, and the first failing runs with commands that reproduce them.
std::string results_summary(const ResultsFile& f, bool markdown);

}  // namespace leasesim
