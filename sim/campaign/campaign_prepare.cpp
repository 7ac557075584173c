// Campaign::prepare: the plan, every cell's scenario (all checked before
// anything runs), the per-cell settings, and what a resumed file holds.
#include <filesystem>
#include <map>

#include "campaign_impl.hpp"
#include "leasesim/campaign/explore.hpp"
#include "leasesim/campaign/results.hpp"
#include "leasesim/scenario/loader.hpp"

namespace leasesim {

namespace {

constexpr uint64_t kMaxCells = 100'000;
constexpr size_t kShownErrors = 20;

}  // namespace

bool Campaign::Impl::build_cells(std::vector<std::string>* warnings,
                                 std::vector<std::string>* errors) {
  const std::string& path = config.scenario_path;
  LoadResult base = load_scenario_file(path);
  for (const Diagnostic& d : base.warnings) warnings->push_back("warning: " + d.format());
  for (const Diagnostic& d : base.errors) errors->push_back(d.format());
  if (!base.ok()) return false;
  plan.scenario = base.scenario->name;
  plan.digest = scenario_digest(scenario_to_json(*base.scenario).dump());
  const uint64_t count = plan.cells();
  if (count > kMaxCells) {
    errors->push_back("the grid has " + std::to_string(count) + " cells (at most " +
                      std::to_string(kMaxCells) + ")");
    return false;
  }
  if (plan.seeds_per_cell() > UINT64_MAX / count) {
    errors->push_back("--seeds: too many runs (cells x seeds must fit in 64 bits)");
    return false;
  }
  if (plan.params.empty()) {
    cells.push_back(std::move(*base.scenario));
  } else {
    // Cells are edits of the file's JSON, each loaded like a file.
    nlohmann::json doc;
    std::vector<Diagnostic> diags;
    if (!read_scenario_json(path, &doc, &diags)) {
      for (const Diagnostic& d : diags) errors->push_back(d.format());
      return false;
    }
    std::vector<std::string> cell_errors;
    for (uint64_t c = 0; c < count; ++c) {
      std::optional<Scenario> sc = sweep_cell_scenario(doc, path, plan.params, c, &cell_errors);
      if (sc) cells.push_back(std::move(*sc));
    }
    for (size_t i = 0; i < cell_errors.size() && i < kShownErrors; ++i)
      errors->push_back(cell_errors[i]);
    if (cell_errors.size() > kShownErrors)
      errors->push_back("... and " + std::to_string(cell_errors.size() - kShownErrors) + " more");
    if (!cell_errors.empty()) return false;
  }
  if (config.random_faults)
    for (const Scenario& sc : cells) layouts.push_back(explore_layout(sc));
  return true;
}

void Campaign::Impl::build_settings() {
  std::map<std::string, uint32_t> index;  // settings text -> position
  for (const Scenario& sc : cells) {
    nlohmann::json s = scenario_to_json(sc)["protocol"];
    s["random_faults"] = !config.random_faults ? "off" : sc.explore ? "explore block" : "defaults";
    const auto [it, added] = index.emplace(s.dump(), static_cast<uint32_t>(plan.settings.size()));
    if (added) plan.settings.push_back(std::move(s));
    plan.cell_settings.push_back(it->second);
  }
}

bool Campaign::Impl::read_previous(std::vector<std::string>* errors) {
  if (!config.resume || !std::filesystem::exists(config.out_path)) return true;
  ResultsFile prev;
  std::string error;
  if (!read_results(config.out_path, &prev, &error)) {
    errors->push_back(error);
    return false;
  }
  if (!prev.plan.same_run_as(plan) || prev.plan.shard != plan.shard) {
    errors->push_back(config.out_path + " was written by a different run (command, scenario, " +
                      "parameters, seeds, shard or options differ):\n  file: " +
                      prev.plan.format() + "\n  now:  " + plan.format());
    return false;
  }
  std::vector<std::string> discard;
  for (const RunRecord& r : prev.records) {
    emitter.add(r, &discard);
    discard.clear();
  }
  start = prev.records.size();
  keep_bytes = prev.good_bytes;
  pending = prev.pending;
  new_file = false;
  // Stopped at its first violation: nothing is left to run.
  if (prev.status == "stopped-on-first") start = plan.shard_jobs();
  return true;
}

bool Campaign::prepare(std::vector<std::string>* warnings, std::vector<std::string>* errors) {
  Impl& m = *impl_;
  const CampaignConfig& c = m.config;
  Plan& p = m.plan;
  p.command = c.command;
  p.scenario_file = c.scenario_path;
  p.params = c.params;
  p.first_seed = c.first_seed;
  p.last_seed = c.last_seed;
  p.shard = c.shard;
  p.shards = c.shards;
  p.stop_on_first = c.stop_on_first;
  if (c.max_events) {
    m.run_options.max_events = *c.max_events;
    p.options["max_events"] = *c.max_events;
  }
  if (c.timeout) {
    m.run_options.max_wall_seconds = static_cast<double>(c.timeout->ns()) / 1e9;
    p.options["timeout"] = format_duration(*c.timeout);
  }
  if (!c.random_faults) p.options["random_faults"] = false;
  if (!m.build_cells(warnings, errors)) return false;
  m.build_settings();
  return m.read_previous(errors);
}

}  // namespace leasesim
