#include "leasesim/campaign/results_view.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "leasesim/campaign/text.hpp"

namespace leasesim {

using nlohmann::json;

namespace {

constexpr size_t kListed = 10;  // failing runs results_summary names

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos &&
      (s.empty() || (s.front() != ' ' && s.back() != ' ')))
    return s;
  std::string out = "\"";
  for (const char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// A JSON value as a CSV field: strings as they are, null empty, the rest
// as JSON (numbers, true/false, compact arrays and objects).
std::string value_field(const json& v) {
  if (v.is_null()) return "";
  return csv_field(v.is_string() ? v.get<std::string>() : v.dump());
}

std::string opt_field(const std::optional<int64_t>& v) {
  return v ? std::to_string(*v) : std::string();
}

// "knob.margin.kind" -> value, for every leaf under `j`.
void flatten(const json& j, const std::string& prefix,
             std::vector<std::pair<std::string, json>>* out) {
  if (!j.is_object()) {
    out->emplace_back(prefix, j);
    return;
  }
  for (auto it = j.begin(); it != j.end(); ++it) flatten(it.value(), prefix + "." + it.key(), out);
}

// Each setting's columns (protocol, preset, knob.*, random_faults), and the
// union of their names in first-use order.
struct SettingColumns {
  std::vector<std::string> names;
  std::vector<std::map<std::string, json>> values;  // per setting
};

SettingColumns setting_columns(const Plan& plan) {
  SettingColumns sc;
  auto name = [&](const std::string& n) {
    for (const std::string& x : sc.names)
      if (x == n) return;
    sc.names.push_back(n);
  };
  for (const json& s : plan.settings) {
    std::vector<std::pair<std::string, json>> cols = {{"protocol", s.value("name", json())},
                                                      {"preset", s.value("preset", json())}};
    if (s.contains("knobs")) flatten(s["knobs"], "knob", &cols);
    cols.emplace_back("random_faults", s.value("random_faults", json()));
    std::map<std::string, json> row;
    for (auto& [n, v] : cols) {
      name(n);
      row[n] = std::move(v);
    }
    sc.values.push_back(std::move(row));
  }
  return sc;
}

}  // namespace

std::string results_csv(const ResultsFile& f) {
  const Plan& plan = f.plan;
  const SettingColumns settings = setting_columns(plan);
  std::vector<std::string> head = {"cell_index"};
  // Every scenario's parameters, in first-use order (empty where a cell's
  // scenario has no such parameter).
  std::vector<std::string> names;
  for (const PlanScenario& sc : plan.scenarios)
    for (const SweepParam& p : sc.params)
      if (std::find(names.begin(), names.end(), p.name) == names.end()) names.push_back(p.name);
  for (const std::string& n : names) head.push_back("param." + n);
  for (const char* c : {"scenario", "seed", "verdict", "end", "failures", "warnings"})
    head.push_back(c);
  for (size_t k = 0; k < kViolationKinds; ++k)
    head.push_back(to_string(static_cast<ViolationKind>(k)));
  for (const char* c :
       {"trace_hash", "events", "faults", "grants", "elections", "availability", "acquire_p50_ns",
        "acquire_p99_ns", "handoff_p50_ns", "handoff_p99_ns", "failover_p50_ns", "failover_p99_ns",
        "write_p50_ns", "write_p99_ns", "messages", "held_ns"})
    head.push_back(c);
  head.insert(head.end(), settings.names.begin(), settings.names.end());
  head.push_back("replay");
  std::string out;
  for (size_t i = 0; i < head.size(); ++i) out += (i ? "," : "") + csv_field(head[i]);
  out += "\n";
  for (const RunRecord& r : f.records) {
    std::vector<std::string> row = {std::to_string(r.cell)};
    const Plan::CellAt at = plan.locate(r.cell);
    const PlanScenario& sc = plan.scenarios[at.scenario];
    const std::vector<size_t> coords = sweep_cell_coords(sc.params, at.local);
    for (const std::string& n : names) {
      std::string v;
      for (size_t i = 0; i < sc.params.size(); ++i)
        if (sc.params[i].name == n) v = value_field(sc.params[i].values[coords[i]]);
      row.push_back(v);
    }
    row.insert(row.end(),
               {csv_field(sc.name), std::to_string(r.seed), to_string(r.verdict), end_name(r.end),
                std::to_string(r.failures), std::to_string(r.warnings)});
    for (const uint64_t n : r.kinds) row.push_back(std::to_string(n));
    row.insert(row.end(),
               {format_hash(r.trace_hash), std::to_string(r.events), std::to_string(r.faults),
                std::to_string(r.grants), std::to_string(r.elections), json(r.availability).dump(),
                opt_field(r.acquire_p50), opt_field(r.acquire_p99), opt_field(r.handoff_p50),
                opt_field(r.handoff_p99), opt_field(r.failover_p50), opt_field(r.failover_p99),
                opt_field(r.write_p50), opt_field(r.write_p99),
                r.messages ? std::to_string(*r.messages) : std::string(), opt_field(r.held_ns)});
    const std::map<std::string, json>& s = settings.values.at(plan.cell_settings.at(r.cell));
    for (const std::string& n : settings.names) {
      const auto it = s.find(n);
      row.push_back(it == s.end() ? "" : value_field(it->second));
    }
    row.push_back(csv_field(rerun_command(plan, r.cell, r.seed)));
    for (size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + row[i];
    out += "\n";
  }
  return out;
}

std::string results_summary(const ResultsFile& f, bool markdown) {
  ResultsEmitter emitter(f.plan);
  std::vector<std::string> discard;
  for (const RunRecord& r : f.records) {
    emitter.add(r, &discard);
    discard.clear();
  }
  const Plan& plan = f.plan;
  const Summary& s = emitter.summary();
  std::string out = cell_tables(plan, emitter.cells(), markdown);
  if (!out.empty()) out += "\n";
  out += headline(plan, s) + "\n  " + random_faults_text(plan) + "\n";
  for (const PlanScenario& sc : plan.scenarios)
    out += "  scenario: " + sc.file + " (digest " + sc.digest + ")\n";
  out += "  written by: " + plan.tool_text() + "\n";
  if (plan.shards > 1)
    out += "  one shard of " + std::to_string(plan.shards) +
           ": `leasesim merge` the shards for the whole plan\n";
  if (f.status == "interrupted")
    out += "  interrupted after " + std::to_string(f.records.size()) + " of " +
           std::to_string(plan.shard_jobs()) + " run(s); `leasesim " + plan.command +
           " ... --resume` continues it\n";
  if (s.violations() == 0) return out;
  out +=
      "failing runs (" +
      (s.violations() > kListed ? "the first " + std::to_string(kListed) + " of " : std::string()) +
      std::to_string(s.violations()) + "; `leasesim results " + shell_quote(f.path) +
      " --csv` has them all):\n";
  size_t listed = 0;
  for (const RunRecord& r : f.records) {
    if (r.verdict != Verdict::kViolation) continue;
    if (listed++ == kListed) break;
    out += "  " + run_label(plan, r.cell, r.seed) + ": " + r.failing_kinds() + ", trace " +
           format_hash(r.trace_hash) + "\n    " + rerun_command(plan, r.cell, r.seed) + "\n";
  }
  return out;
}

}  // namespace leasesim
