// Campaign::prepare: the plan, every cell's scenario (all checked before
// anything runs), the per-cell settings, and what a resumed file holds.
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "campaign_impl.hpp"
#include "leasesim/campaign/explore.hpp"
#include "leasesim/campaign/results.hpp"
#include "leasesim/core/version.hpp"
#include "leasesim/format/diagnostics.hpp"
#include "leasesim/scenario/loader.hpp"

namespace leasesim {

namespace {

constexpr uint64_t kMaxCells = 100'000;
constexpr size_t kShownErrors = 20;

// What differs between two results headers, key by key ("seeds: 1..300 in
// the file, 1..200 now"), so a refused --resume says what to change; long
// values are named, not shown. The build that wrote them ("leasesim") is
// not part of the match and not listed.
std::string header_differences(const std::string& file, const std::string& now) {
  const nlohmann::json a = nlohmann::json::parse(file, nullptr, false);
  const nlohmann::json b = nlohmann::json::parse(now, nullptr, false);
  if (!a.is_object() || !b.is_object()) return "";
  std::map<std::string, bool> keys;  // sorted: the message does not depend on order
  for (const auto& [k, v] : a.items()) keys[k] = true;
  for (const auto& [k, v] : b.items()) keys[k] = true;
  std::string out;
  for (const auto& [k, unused] : keys) {
    if (k == "leasesim") continue;
    const nlohmann::json va = a.contains(k) ? a[k] : nlohmann::json();
    const nlohmann::json vb = b.contains(k) ? b[k] : nlohmann::json();
    if (va == vb) continue;
    const std::string sa = va.dump(), sb = vb.dump();
    out += "\n  " + k;
    if (sa.size() <= 60 && sb.size() <= 60)
      out += ": " + sa + " in the file, " + sb + " now";
    else
      out += " differs";
  }
  return out;
}

// The knobs a `knobs` object sets, by dotted name ("margin.kind").
void knob_names(const nlohmann::json& knobs, const std::string& prefix,
                std::vector<std::string>* out) {
  for (const auto& [k, v] : knobs.items()) {
    if (v.is_object())
      knob_names(v, prefix + k + ".", out);
    else
      out->push_back(prefix + k);
  }
}

// Presets compared (--compare, --param protocol.preset=...) over a scenario
// that sets knobs itself: every compared preset keeps them, so a cell named
// after a preset may not run that preset's knobs. "" if none is kept so.
std::string kept_knobs_warning(const nlohmann::json& doc, const std::string& path,
                               const std::vector<SweepParam>& params) {
  bool presets = false;
  for (const SweepParam& p : params) presets = presets || p.path == "protocol.preset";
  if (!presets || !doc.is_object()) return "";
  const auto protocol = doc.find("protocol");
  if (protocol == doc.end() || !protocol->is_object()) return "";
  const auto knobs = protocol->find("knobs");
  if (knobs == protocol->end() || !knobs->is_object()) return "";
  std::vector<std::string> names;
  knob_names(*knobs, "", &names);
  // A knob the sweep sets itself is the sweep's, not the file's.
  std::erase_if(names, [&](const std::string& n) {
    for (const SweepParam& p : params) {
      const std::string knob = "protocol.knobs." + n;
      if (knob == p.path || knob.rfind(p.path + ".", 0) == 0) return true;
    }
    return false;
  });
  if (names.empty()) return "";
  return "warning: " + path + ": the scenario overrides knob" + (names.size() > 1 ? "s " : " ") +
         format::join_plain(names, names.size()) +
         " of its preset; every compared preset keeps them (its cells run those values, not the "
         "preset's; remove them from protocol.knobs to compare the presets as they are)";
}

}  // namespace

bool Campaign::Impl::build_cells(std::vector<std::string>* warnings,
                                 std::vector<std::string>* errors) {
  const std::vector<std::string>& paths = config.scenario_paths;
  std::vector<LoadResult> bases;
  bool ok = true;
  for (const std::string& path : paths) {
    bases.push_back(load_scenario_file(path));
    const LoadResult& base = bases.back();
    for (const Diagnostic& d : base.warnings) warnings->push_back("warning: " + d.format());
    for (const Diagnostic& d : base.errors) errors->push_back(d.format());
    ok = ok && base.ok();
  }
  if (!ok) return false;
  plan.scenarios.clear();
  for (size_t i = 0; i < paths.size(); ++i) {
    const Scenario& sc = *bases[i].scenario;
    for (size_t k = 0; k < i; ++k)
      if (plan.scenarios[k].name == sc.name)
        errors->push_back(paths[i] + ": scenario name \"" + sc.name + "\" is also the name of " +
                          paths[k] + " (a sweep's scenarios name its cells: make them unique)");
    PlanScenario ps{sc.name, paths[i], scenario_digest(scenario_to_json(sc).dump()), {}};
    for (size_t p = 0; p < config.params.size(); ++p) {
      const std::string scope = p < config.param_scopes.size() ? config.param_scopes[p] : "";
      if (scope.empty() || scope == sc.name) ps.params.push_back(config.params[p]);
    }
    plan.scenarios.push_back(std::move(ps));
  }
  for (size_t p = 0; p < config.param_scopes.size(); ++p) {
    const std::string& scope = config.param_scopes[p];
    bool found = scope.empty();
    for (const PlanScenario& ps : plan.scenarios) found = found || ps.name == scope;
    if (!found)
      errors->push_back("--param " + scope + ":" + config.params[p].name +
                        ": no scenario is named \"" + scope + "\" (the scenarios are " +
                        plan.scenario_names() + ")");
  }
  if (!errors->empty()) return false;
  for (const PlanScenario& ps : plan.scenarios) {
    const uint64_t n = sweep_cell_count(ps.params);
    if (n > kMaxCells) {
      // (A product past 64 bits is counted as UINT64_MAX.)
      errors->push_back("the grid has " + std::to_string(n) + (n == UINT64_MAX ? " or more" : "") +
                        " cells (at most " + std::to_string(kMaxCells) + ")");
      return false;
    }
  }
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
  std::vector<std::string> cell_errors;
  for (size_t i = 0; i < paths.size(); ++i) {
    const PlanScenario& ps = plan.scenarios[i];
    if (ps.params.empty()) {
      cells.push_back(std::move(*bases[i].scenario));
      continue;
    }
    // Cells are edits of the file's JSON, each loaded like a file.
    nlohmann::json doc;
    std::vector<Diagnostic> diags;
    if (!read_scenario_json(paths[i], &doc, &diags)) {
      for (const Diagnostic& d : diags) errors->push_back(d.format());
      return false;
    }
    if (const std::string w = kept_knobs_warning(doc, paths[i], ps.params); !w.empty())
      warnings->push_back(w);
    const uint64_t n = sweep_cell_count(ps.params);
    for (uint64_t c = 0; c < n; ++c) {
      std::optional<Scenario> sc = sweep_cell_scenario(doc, paths[i], ps.params, c, &cell_errors);
      if (sc) cells.push_back(std::move(*sc));
    }
  }
  for (size_t i = 0; i < cell_errors.size() && i < kShownErrors; ++i)
    errors->push_back(cell_errors[i]);
  if (cell_errors.size() > kShownErrors)
    errors->push_back("... and " + std::to_string(cell_errors.size() - kShownErrors) + " more");
  if (!cell_errors.empty() && plan.several()) {
    // The likely mistake: a parameter meant for one of the files.
    std::vector<std::string> names;
    for (const PlanScenario& ps : plan.scenarios) names.push_back(ps.name);
    errors->push_back(
        "(with several files a --param applies to each; NAME:PATH=... applies it to the "
        "scenario named NAME only: " +
        format::join_plain(names, names.size()) + ")");
  }
  if (!cell_errors.empty()) return false;
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

bool Campaign::Impl::read_previous(std::vector<std::string>* warnings,
                                   std::vector<std::string>* errors) {
  if (!config.resume) return true;
  // A path that cannot be looked at (a symlink loop) threw here and aborted;
  // now read_results names the problem.
  std::error_code ec;
  if (!std::filesystem::exists(config.out_path, ec) && !ec) return true;
  ResultsFile prev;
  std::string error;
  if (!read_results(config.out_path, &prev, &error)) {
    errors->push_back(error);
    return false;
  }
  // A version-2 file (one scenario) is continued in its own version.
  if (prev.plan.version < plan.version && !plan.several()) plan.version = prev.plan.version;
  if (!prev.plan.same_run_as(plan) || prev.plan.shard != plan.shard) {
    const std::string file = prev.plan.format(), now = plan.format();
    const std::string diff = header_differences(file, now);
    errors->push_back(config.out_path + " was written by a different run" +
                      (diff.empty() ? " (command, scenario, parameters, seeds, shard or options "
                                      "differ)"
                                    : ":" + diff) +
                      "\n  file: " + file + "\n  now:  " + now);
    return false;
  }
  if (prev.plan.tool_differs(plan))
    warnings->push_back("warning: " + config.out_path + " was started by " + prev.plan.tool_text() +
                        "; this is " + plan.tool_text() +
                        ": its runs are kept and the rest run here, and runs of two builds may "
                        "differ");
  std::vector<std::string> discard;
  for (const RunRecord& r : prev.records) {
    emitter.add(r, &discard);
    discard.clear();
  }
  // What the earlier sessions saved counts against --max-saved, so the
  // resumed file has the saved runs an uninterrupted one has.
  for (const RunRecord& r : prev.records)
    if (wants_saved(r.verdict) && std::filesystem::exists(saved_path(r.cell, r.seed), ec))
      ++saved_before;
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
  p.first_seed = c.first_seed;
  p.last_seed = c.last_seed;
  p.shard = c.shard;
  p.shards = c.shards;
  p.stop_on_first = c.stop_on_first;
  p.tool_version = leasesim_version();
  p.tool_build = leasesim_build_id();
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
  return m.read_previous(warnings, errors);
}

}  // namespace leasesim
