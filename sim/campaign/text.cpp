#include "leasesim/campaign/text.hpp"

#include <cinttypes>
#include <cstdio>

namespace leasesim {

std::string format_rate(double r) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", r >= 10 || r <= 0 ? 0 : r >= 1 ? 1 : r >= 0.01 ? 2 : 4, r);
  return buf;
}

std::string shell_quote(const std::string& s) {
  bool plain = !s.empty();
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.' || c == '/' || c == ':' || c == '=' ||
                    c == '+' || c == ',';
    plain = plain && ok;
  }
  if (plain) return s;
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string run_label(const Plan& plan, uint64_t cell, uint64_t seed) {
  if (!plan.has_params()) return "seed " + std::to_string(seed);
  return "cell " + std::to_string(cell) + " (" + plan.cell_label(cell) + ") seed " +
         std::to_string(seed);
}

std::string saved_run_name(const Plan& plan, uint64_t cell, uint64_t seed) {
  const std::string s = "seed-" + std::to_string(seed) + ".json";
  return plan.has_params() ? "cell-" + std::to_string(cell) + "-" + s : s;
}

std::string run_limit_args(const Plan& plan) {
  std::string out;
  if (plan.options.contains("max_events"))
    out += " --max-events " + plan.options["max_events"].dump();
  if (plan.options.contains("timeout"))
    out += " --timeout " + shell_quote(plan.options["timeout"].get<std::string>());
  return out;
}

std::string result_options_args(const Plan& plan) {
  return run_limit_args(plan) + (plan.random_faults() ? "" : " --no-random-faults");
}

std::string replay_command(const Plan& plan, const std::string& saved_file) {
  return "leasesim run " + shell_quote(saved_file) + run_limit_args(plan);
}

namespace {

// " --param P=V ..." for one scenario's parameters: values are `values(i)`
// for its parameter i, and `scope` ("NAME:" or "") goes before each.
template <typename Values>
std::string param_args(const PlanScenario& sc, const std::string& scope, Values values) {
  std::string out;
  for (size_t i = 0; i < sc.params.size(); ++i)
    out += " --param " + shell_quote(scope + sc.params[i].name + "=" + values(i));
  return out;
}

std::string all_values(const SweepParam& p) {
  std::string list;
  for (const auto& v : p.values) list += (list.empty() ? "" : ",") + sweep_value_arg(v);
  return list;
}

bool same_params(const std::vector<SweepParam>& a, const std::vector<SweepParam>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || a[i].path != b[i].path || a[i].values != b[i].values)
      return false;
  return true;
}

}  // namespace

std::string rerun_command(const Plan& plan, uint64_t cell, uint64_t seed) {
  // One run of a plan of several scenarios is a run of its own scenario:
  // the same scenario, seed and random faults give the same trace.
  const Plan::CellAt at = plan.locate(cell);
  const PlanScenario& sc = plan.scenarios[at.scenario];
  const std::vector<size_t> coords = sweep_cell_coords(sc.params, at.local);
  const std::string s = std::to_string(seed);
  return "leasesim " + plan.command + " " + shell_quote(sc.file) +
         param_args(sc, "",
                    [&](size_t i) { return sweep_value_arg(sc.params[i].values[coords[i]]); }) +
         " --seeds " + s + ".." + s + result_options_args(plan);
}

std::string resume_command(const Plan& plan, const std::string& out_path,
                           const std::string& save_args) {
  std::string cmd = "leasesim " + plan.command;
  for (const PlanScenario& sc : plan.scenarios) cmd += " " + shell_quote(sc.file);
  // Parameters every scenario shares are given once; otherwise each
  // scenario's are scoped to it.
  bool shared = true;
  for (const PlanScenario& sc : plan.scenarios)
    shared = shared && same_params(sc.params, plan.scenarios[0].params);
  for (const PlanScenario& sc : plan.scenarios) {
    cmd += param_args(sc, shared ? "" : sc.name + ":",
                      [&](size_t i) { return all_values(sc.params[i]); });
    if (shared) break;
  }
  cmd += " --seeds " + plan.seeds_text();
  if (plan.shards > 1) cmd += " --shard " + plan.shard_text();
  if (plan.stop_on_first) cmd += " --stop-on-first";
  return cmd + result_options_args(plan) + " --out " + shell_quote(out_path) + save_args +
         " --resume";
}

std::string random_faults_text(const Plan& plan) {
  if (!plan.random_faults())
    return "random faults: off (--no-random-faults): only the scenario's scripted faults";
  uint64_t with_block = 0;
  for (const uint32_t s : plan.cell_settings)
    with_block += plan.settings.at(s).value("random_faults", "") == "explore block";
  const std::string whose = plan.has_params() ? "each cell's" : "the scenario's";
  if (with_block == plan.cell_settings.size())
    return "random faults: limits from " + whose + " explore block";
  if (with_block == 0)
    return "random faults: default limits (the scenario has no explore block; "
           "docs/exploration.md lists them; --no-random-faults for none)";
  return "random faults: each cell's explore block; default limits for the " +
         std::to_string(plan.cell_settings.size() - with_block) + " cell(s) without one";
}

std::string headline(const Plan& plan, const Summary& s) {
  std::string what;
  if (!plan.has_params()) {
    what = "seeds " + plan.seeds_text();
  } else {
    what = std::to_string(plan.cells()) + " cell(s) x " + std::to_string(plan.seeds_per_cell()) +
           " seed(s) (seeds " + plan.seeds_text() + ")";
  }
  if (plan.shards > 1) what += " shard " + plan.shard_text();
  std::string kinds;
  for (size_t k = 0; k < kViolationKinds; ++k) {
    if (s.kind_runs(k) == 0) continue;
    kinds += (kinds.empty() ? " (" : ", ") + std::string(to_string(static_cast<ViolationKind>(k))) +
             " " + std::to_string(s.kind_runs(k));
  }
  if (!kinds.empty()) kinds += ")";
  return plan.command + " " + plan.scenario_names() + ": " + what + ": " +
         std::to_string(s.runs()) + " run(s), " + std::to_string(s.violations()) + " violating" +
         kinds + ", " + std::to_string(s.incomplete()) + " incomplete (" + s.status(plan) + ")";
}

}  // namespace leasesim
