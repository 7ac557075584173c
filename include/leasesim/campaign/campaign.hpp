// The campaign driver: everything `leasesim explore` and `leasesim sweep`
// do between parsing their options and printing (docs/exploration.md).
// Explore is a sweep with no parameters: one driver plans the runs (cells x
// seeds, one shard of them), checks every cell before anything runs,
// resumes an interrupted results file, runs the jobs on a BatchRunner,
// writes the results file, saves runs as replayable scenarios, and says
// what happened. The commands only turn options into a CampaignConfig,
// connect progress and Ctrl-C, and print.
//
//   Campaign c(config);
//   if (!c.prepare(&warnings, &errors)) ...      // exit 2
//   StopSignals s(&c.runner());                   // Ctrl-C stops cleanly
//   if (!c.run(hooks, &error)) ...                // results not writable: exit 2
//   std::cout << c.report(markdown);
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "leasesim/campaign/aggregate.hpp"
#include "leasesim/campaign/batch.hpp"
#include "leasesim/campaign/params.hpp"
#include "leasesim/campaign/plan.hpp"

namespace leasesim {

// Which runs are saved as scenarios `leasesim run` replays.
enum class SaveWhich : uint8_t { kFailures, kAll, kNone };

// Failing runs saved without --max-saved.
inline constexpr uint64_t kDefaultMaxSaved = 100;

// Where runs are saved without --save-dir: FILE.failures/ (FILE.runs/ with
// --save all) beside the results FILE.jsonl.
std::string default_save_dir(const std::string& out_path, SaveWhich save);

struct CampaignConfig {
  std::string command = "explore";  // "explore" or "sweep": names in output and files
  // One scenario, or several (a sweep comparing them: their grids one
  // after the other, the same seeds in every cell).
  std::vector<std::string> scenario_paths;
  std::vector<SweepParam> params;  // empty: one cell per scenario, the scenario itself
  // Per parameter: "" (it applies to every scenario) or the name of the one
  // scenario it applies to (`--param NAME:PATH=...`).
  std::vector<std::string> param_scopes;
  uint64_t first_seed = 1, last_seed = 1;
  uint32_t shard = 1, shards = 1;
  bool stop_on_first = false;  // stop at the first violating run in job order
  bool random_faults = true;   // the explore block's limits, or the defaults without one
  std::optional<uint64_t> max_events;
  std::optional<Duration> timeout;  // wall clock per run
  unsigned jobs = 0;                // parallel runs; 0: one per hardware thread
  std::string out_path;             // the results file; "": none
  bool resume = false;              // continue out_path if it exists
  SaveWhich save = SaveWhich::kFailures;
  std::string save_dir;  // where saved runs go; "": nowhere
  // At most this many saved runs per results file: a resumed file counts
  // the runs its earlier sessions saved (each shard has its own).
  uint64_t max_saved = UINT64_MAX;
};

// Called on the thread that calls run(), in job order.
struct CampaignHooks {
  // After each run: runs of the plan done so far (resumed ones included)
  // and violating runs so far.
  std::function<void(uint64_t done, uint64_t violations)> progress;
  // A line for people: a failing run and how to reproduce it (the first
  // ten), or the only run of a one-run plan.
  std::function<void(const std::string&)> message;
  // A run whose scenario could not be saved: an output lost, which the
  // caller shows even when it shows no messages (see Campaign::unsaved()).
  std::function<void(const std::string&)> save_error;
};

class Campaign {
 public:
  explicit Campaign(CampaignConfig config);
  ~Campaign();
  Campaign(const Campaign&) = delete;
  Campaign& operator=(const Campaign&) = delete;

  // Loads the scenario, builds and checks every cell, and (with resume)
  // reads what the results file already holds. Loader warnings go to
  // *warnings; false with every error, one per line, in *errors.
  bool prepare(std::vector<std::string>* warnings, std::vector<std::string>* errors);
  // Runs the jobs left and writes the results. False with *error when the
  // results file cannot be written (what ran before is kept).
  bool run(const CampaignHooks& hooks, std::string* error);

  // For SIGINT/SIGTERM: runner().request_stop() is async-signal-safe.
  BatchRunner& runner();
  const Plan& plan() const;
  uint64_t total() const;  // jobs in the plan (this shard)
  uint64_t done() const;   // jobs with a result, resumed ones included
  const Summary& summary() const;
  // True when a stop request ended the run before the plan did.
  bool interrupted() const;
  // Runs of this session that were to be saved and could not be.
  uint64_t unsaved() const;

  // What to print at the end: the per-cell tables (with parameters), the
  // headline, the random-fault limits, this session's throughput, the
  // first failing run and how to reproduce it, where results and saved
  // runs went, and after an interruption the command that resumes.
  std::string report(bool tables, bool markdown) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace leasesim
