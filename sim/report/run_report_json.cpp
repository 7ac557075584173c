// The JSON report (run_report.hpp): every field a tool reads, with the
// same numbers as the text report.
#include <string>

#include "leasesim/core/trace_text.hpp"
#include "leasesim/core/version.hpp"
#include "leasesim/protocol/presets.hpp"
#include "leasesim/report/load_report.hpp"
#include "leasesim/report/run_report.hpp"
#include "leasesim/report/verdict.hpp"

namespace leasesim {
namespace {

nlohmann::json dist_json(const Distribution& d) {
  return {{"count", d.count},      {"min_ns", d.min.ns()}, {"p50_ns", d.p50.ns()},
          {"p90_ns", d.p90.ns()},  {"p99_ns", d.p99.ns()}, {"max_ns", d.max.ns()},
          {"mean_ns", d.mean.ns()}};
}

std::string node_name(const TraceSchema& schema, NodeId n) {
  const auto& names = schema.names(name_table::kNodes);
  return n < names.size() ? names[n] : std::string("-");
}

nlohmann::json faults_json(const FaultStats& f) {
  nlohmann::json why = nlohmann::json::object();
  for (size_t k = 0; k < f.skipped.size(); ++k)
    why[world_rec::to_string(static_cast<world_rec::SkipReason>(k))] = f.skipped[k];
  return {{"scheduled", f.scheduled},
          {"applied", f.applied()},
          {"skipped", f.skipped_total()},
          {"skipped_by_reason", why},
          {"not_reached", f.scheduled - f.fired}};
}

nlohmann::json knob_json(const KnobValue& k) {
  if (k.type == KnobType::kBool) return k.value == "true";
  if (k.type == KnobType::kInt) return std::stoll(k.value);
  return k.value;
}

}  // namespace

nlohmann::json report_json(const Scenario& sc, const RunResult& r, const TraceSchema& schema) {
  nlohmann::json j;
  j["leasesim_version"] = leasesim_version();
  j["leasesim_build"] = leasesim_build_id();
  j["scenario"] = sc.name;
  j["file"] = sc.file;
  j["protocol"] = sc.protocol;
  j["preset"] = sc.preset;
  // Every effective knob (dotted names, as results --csv's knob.* columns)
  // and the ones that differ from the preset.
  nlohmann::json knobs = nlohmann::json::object();
  nlohmann::json overrides = nlohmann::json::array();
  for (const KnobSetting& k : effective_knobs(sc.protocol, *sc.protocol_config)) {
    knobs[k.knob.name] = knob_json(k.knob);
    if (k.overridden) overrides.push_back(k.knob.name);
  }
  j["knobs"] = knobs;
  j["overrides"] = overrides;
  j["seed"] = r.seed;
  j["end_ns"] = r.end.ns();
  // The token results files' "end" carries; the text report's words too.
  j["end_reason"] = end_name(r.reason);
  j["end_reason_text"] = to_string(r.reason);
  j["events"] = r.events;
  j["records"] = r.records;
  j["wall_seconds"] = r.wall_seconds;
  j["trace_hash"] = format_hash(r.trace_hash);
  // As the text report's SAFETY line: no violation in a run cut short is
  // "incomplete" (check fails it, explore's verdict), never "holds".
  const bool complete = !cut_short(r.reason);
  j["safety"] = r.failures > 0 ? "violated" : complete ? "holds" : "incomplete";
  j["complete"] = complete;
  j["failures"] = r.failures;
  nlohmann::json vs = nlohmann::json::array();
  const auto& resources = schema.names(name_table::kResources);
  for (const Violation& v : r.violations) {
    nlohmann::json story = nlohmann::json::array();
    for (const Record& rec : v.story) story.push_back(describe_record(schema, rec));
    vs.push_back(
        {{"kind", to_string(v.kind)},
         {"warning", is_warning(v.kind)},
         {"detected_ns", v.detected.ns()},
         {"from_ns", v.from.ns()},
         {"to_ns", v.to.ns()},
         {"resource", v.resource < resources.size() ? nlohmann::json(resources[v.resource])
                                                    : nlohmann::json(nullptr)},
         {"first", node_name(schema, v.first)},
         {"second", v.second == kInvalidNode ? nlohmann::json(nullptr)
                                             : nlohmann::json(node_name(schema, v.second))},
         {"first_lease", v.first_lease},
         {"second_lease",
          v.second == kInvalidNode ? nlohmann::json(nullptr) : nlohmann::json(v.second_lease)},
         {"summary", v.summary},
         {"story", story}});
    nlohmann::json& out = vs.back();
    const bool stretch =
        v.kind == ViolationKind::kOverlap || v.kind == ViolationKind::kLatentOverlap;
    auto segments = [](const Segments& s) {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& [from, to] : s) a.push_back({from.ns(), to.ns()});
      return a;
    };
    out["overlap_ns"] = stretch ? nlohmann::json((v.to - v.from).ns()) : nlohmann::json(nullptr);
    out["cut_by_run_end"] = stretch ? nlohmann::json(v.cut_by_run_end) : nlohmann::json(nullptr);
    out["first_belief"] = stretch ? segments(v.first_belief) : nlohmann::json(nullptr);
    out["second_belief"] =
        v.kind == ViolationKind::kOverlap ? segments(v.second_belief) : nlohmann::json(nullptr);
    out["token"] =
        v.kind == ViolationKind::kStaleWrite ? nlohmann::json(v.token) : nlohmann::json(nullptr);
  }
  j["violations"] = vs;
  const Metrics& m = r.metrics;
  nlohmann::json per_resource = nlohmann::json::object();
  for (size_t i = 0; i < m.resources.size() && i < resources.size(); ++i) {
    const ResourceMetrics& rm = m.resources[i];
    per_resource[resources[i]] = {{"held_ns", rm.held.ns()},
                                  {"wanted_free_ns", rm.wanted_free.ns()},
                                  {"holds", rm.grants},
                                  {"availability", rm.availability()}};
  }
  j["metrics"] = {{"grants", m.grants},
                  {"holds", m.beliefs},
                  {"elections", m.elections},
                  {"leader_crashes", m.leader_crashes},
                  {"availability", m.availability},
                  {"writes_accepted", m.writes_accepted},
                  {"writes_rejected", m.writes_rejected},
                  {"stale_writes", m.stale_writes},
                  {"acquire_latency", dist_json(m.acquire_latency)},
                  {"handoff_gap", dist_json(m.handoff_gap)},
                  {"failover", dist_json(m.failover)},
                  {"write_latency", dist_json(m.write_latency)},
                  {"resources", per_resource}};
  j["faults"] = faults_json(r.faults);
  j["messages"] = {{"sent", r.net.sent},
                   {"delivered", r.net.delivered},
                   {"duplicated", r.net.duplicated},
                   {"dropped_partition", r.net.dropped_partition},
                   {"dropped_loss", r.net.dropped_loss},
                   {"dropped_crashed", r.net.dropped_crashed}};
  j["load"] = load_json(sc, r.load);
  return j;
}

}  // namespace leasesim
