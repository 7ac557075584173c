// What a campaign says to people: names of runs, commands to paste into a
// shell, the headline and the per-cell tables. Shared by the driver (at the
// end of `explore` and `sweep`) and `leasesim results`, so both say the same
// about the same file.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "leasesim/campaign/aggregate.hpp"
#include "leasesim/campaign/plan.hpp"

namespace leasesim {

// `s` quoted for a POSIX shell when it needs it (letters, digits and
// _-./:=+, pass as they are).
std::string shell_quote(const std::string& s);

// Runs per second for people: "2274", "4.5", "0.33", never "0" for a
// rate above zero (a W1 workload runs at under one a second).
std::string format_rate(double per_second);

// "seed 7" without parameters, else "cell 1 (protocol=naive) seed 7".
std::string run_label(const Plan& plan, uint64_t cell, uint64_t seed);
// The file name a saved run gets: "seed-7.json" or "cell-1-seed-7.json".
std::string saved_run_name(const Plan& plan, uint64_t cell, uint64_t seed);

// The per-run limits, as arguments of `leasesim run` (" --max-events N
// --timeout T"; "" for none).
std::string run_limit_args(const Plan& plan);
// The options that change results, as arguments of explore and sweep
// (run_limit_args and " --no-random-faults").
std::string result_options_args(const Plan& plan);
// `leasesim run FILE ...`: replays a saved run of this plan.
std::string replay_command(const Plan& plan, const std::string& saved_file);
// The command that runs exactly this run again and prints its verdict and
// trace hash: `leasesim explore S --seeds 7..7`, or for a sweep
// `leasesim sweep S --param protocol=naive ... --seeds 7..7`.
std::string rerun_command(const Plan& plan, uint64_t cell, uint64_t seed);
// The command that continues this plan's results file; `save_args` are
// the session's save options (" --save all --max-saved 5"; "" for the
// defaults), which a resume must repeat to save the same runs.
std::string resume_command(const Plan& plan, const std::string& out_path,
                           const std::string& save_args = "");

// "random faults: limits from the scenario's explore block" (or default
// limits, each cell's block, or off): which limits the runs used.
std::string random_faults_text(const Plan& plan);

// "explore NAME: seeds 1..200: 200 run(s), 34 violating (overlap 30,
// stale_write 4), 0 incomplete (complete)"; a sweep names its grid.
std::string headline(const Plan& plan, const Summary& summary);

// With parameters: one row per cell (runs, violating runs, rate, 95% CI,
// one column per violation kind seen, availability, latencies), and with a
// protocol parameter of several values the side-by-side comparison, one row
// per violation kind. "" without parameters or cells.
std::string cell_tables(const Plan& plan, const std::map<uint64_t, CellSummary>& cells,
                        bool markdown);

}  // namespace leasesim
