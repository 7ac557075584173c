#include "leasesim/campaign/text.hpp"

#include <cinttypes>
#include <cstdio>

namespace leasesim {

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
  if (plan.params.empty()) return "seed " + std::to_string(seed);
  return "cell " + std::to_string(cell) + " (" + sweep_cell_label(plan.params, cell) + ") seed " +
         std::to_string(seed);
}

std::string saved_run_name(const Plan& plan, uint64_t cell, uint64_t seed) {
  const std::string s = "seed-" + std::to_string(seed) + ".json";
  return plan.params.empty() ? s : "cell-" + std::to_string(cell) + "-" + s;
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

// "leasesim CMD SCENARIO [--param P=V...]": values are `values(i)` for
// parameter i.
template <typename Values>
std::string command_prefix(const Plan& plan, Values values) {
  std::string cmd = "leasesim " + plan.command + " " + shell_quote(plan.scenario_file);
  for (size_t i = 0; i < plan.params.size(); ++i)
    cmd += " --param " + shell_quote(plan.params[i].name + "=" + values(i));
  return cmd;
}

}  // namespace

std::string rerun_command(const Plan& plan, uint64_t cell, uint64_t seed) {
  const std::vector<size_t> coords = sweep_cell_coords(plan.params, cell);
  const std::string s = std::to_string(seed);
  return command_prefix(
             plan, [&](size_t i) { return sweep_value_arg(plan.params[i].values[coords[i]]); }) +
         " --seeds " + s + ".." + s + result_options_args(plan);
}

std::string resume_command(const Plan& plan, const std::string& out_path) {
  std::string cmd = command_prefix(plan, [&](size_t i) {
    std::string list;
    for (const auto& v : plan.params[i].values)
      list += (list.empty() ? "" : ",") + sweep_value_arg(v);
    return list;
  });
  cmd += " --seeds " + plan.seeds_text();
  if (plan.shards > 1) cmd += " --shard " + plan.shard_text();
  if (plan.stop_on_first) cmd += " --stop-on-first";
  return cmd + result_options_args(plan) + " --out " + shell_quote(out_path) + " --resume";
}

std::string random_faults_text(const Plan& plan) {
  if (!plan.random_faults())
    return "random faults: off (--no-random-faults): only the scenario's scripted faults";
  uint64_t with_block = 0;
  for (const uint32_t s : plan.cell_settings)
    with_block += plan.settings.at(s).value("random_faults", "") == "explore block";
  const std::string whose = plan.params.empty() ? "the scenario's" : "each cell's";
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
  if (plan.params.empty()) {
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
  return plan.command + " " + plan.scenario + ": " + what + ": " + std::to_string(s.runs()) +
         " run(s), " + std::to_string(s.violations()) + " violating" + kinds + ", " +
         std::to_string(s.incomplete()) + " incomplete (" + s.status(plan) + ")";
}

}  // namespace leasesim
