// The driver's state (campaign.hpp is the interface), shared by
// campaign_prepare.cpp (planning, cells, resume) and campaign.cpp
// (running, saving, reporting).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "leasesim/campaign/aggregate.hpp"
#include "leasesim/campaign/batch.hpp"
#include "leasesim/campaign/campaign.hpp"
#include "leasesim/campaign/plan.hpp"
#include "leasesim/fault/random_faults.hpp"
#include "leasesim/scenario/scenario.hpp"

namespace leasesim {

struct Campaign::Impl {
  explicit Impl(CampaignConfig c) : config(std::move(c)), runner(config.jobs), emitter(plan) {}

  CampaignConfig config;
  BatchRunner runner;
  Plan plan;
  ResultsEmitter emitter;  // every run of the file so far (resumed ones included)
  std::vector<Scenario> cells;
  std::vector<ExploreLayout> layouts;  // per cell; empty with random faults off
  RunOptions run_options;

  // Resuming: runs already in the file, its bytes to keep, lines it owes.
  uint64_t start = 0;
  uint64_t keep_bytes = 0;
  bool new_file = true;
  std::vector<std::string> pending;
  uint64_t saved_before = 0;  // runs of the file its earlier sessions saved (--max-saved)

  // This session.
  uint64_t ran = 0;
  double seconds = 0.0;
  uint64_t saved = 0;
  uint64_t unsaved = 0;     // runs to be saved whose file could not be written
  uint64_t reported = 0;    // failing runs described to the message hook
  std::string first_saved;  // the saved scenario of the first failing run, if saved now
  bool stopped = false;     // a stop request ended the run

  bool build_cells(std::vector<std::string>* warnings, std::vector<std::string>* errors);
  void build_settings();
  bool read_previous(std::vector<std::string>* warnings, std::vector<std::string>* errors);
  // The scenario job `job` runs, and the number of random faults it adds.
  Scenario job_scenario(uint64_t job) const;
  uint64_t added_faults(uint64_t cell, uint64_t seed) const;
  // Saves the run's replay scenario; its path, or "" (and a message) if it
  // could not be written. Also returns the faults it added in *added.
  std::string save_run(uint64_t cell, uint64_t seed, uint64_t* added, std::string* message);
  std::string saved_path(uint64_t cell, uint64_t seed) const;
  bool wants_saved(Verdict v) const;
  // The save options (--save, --save-dir, --max-saved) that differ from
  // the defaults, as a resume command repeats them: " --save all ...".
  std::string save_args() const;
};

}  // namespace leasesim
