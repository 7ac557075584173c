#include "leasesim/world/report.hpp"

#include <cstdio>

#include "leasesim/core/trace_text.hpp"

namespace leasesim {
namespace {

std::string with_commas(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

std::string dist_line(const Distribution& d) {
  if (d.count == 0) return "-";
  return "p50 " + format_duration_short(d.p50) + "  p90 " + format_duration_short(d.p90) +
         "  p99 " + format_duration_short(d.p99) + "  max " + format_duration_short(d.max) +
         "  (n=" + with_commas(d.count) + ")";
}

std::string percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", v * 100.0);
  return buf;
}

nlohmann::json dist_json(const Distribution& d) {
  return {{"count", d.count}, {"min_ns", d.min.ns()}, {"p50_ns", d.p50.ns()},
          {"p90_ns", d.p90.ns()}, {"p99_ns", d.p99.ns()}, {"max_ns", d.max.ns()},
          {"mean_ns", d.mean.ns()}};
}

std::string node_name(const TraceSchema& schema, NodeId n) {
  const auto& names = schema.names(name_table::kNodes);
  return n < names.size() ? names[n] : std::string("-");
}

}  // namespace

std::string format_report(const Scenario& sc, const RunResult& r, const TraceSchema& schema) {
  std::string out;
  auto line = [&out](const std::string& s) {
    out += s;
    out += '\n';
  };
  line("scenario   " + sc.name + (sc.description.empty() ? "" : " - " + sc.description));
  line("protocol   " + sc.protocol + " (preset " + sc.preset + ")");
  char buf[256];
  std::snprintf(buf, sizeof buf, "seed       %llu    virtual time %s (%s)",
                static_cast<unsigned long long>(r.seed), format_time(r.end).c_str(),
                to_string(r.reason));
  line(buf);
  std::snprintf(buf, sizeof buf, "events     %s    records %s    wall %.3fs",
                with_commas(r.events).c_str(), with_commas(r.records).c_str(), r.wall_seconds);
  line(buf);
  line("trace hash " + format_hash(r.trace_hash));
  line("");

  size_t warnings = r.violations.size() - r.failures;
  if (r.failures == 0) {
    line("SAFETY     holds" + std::string(warnings ? " (" + std::to_string(warnings) +
                                                       " warning(s) below)"
                                                 : ""));
  } else {
    line("SAFETY     VIOLATED: " + std::to_string(r.failures) + " violation(s)" +
         (warnings ? ", " + std::to_string(warnings) + " warning(s)" : ""));
  }
  // Violations first (failures before warnings), each with its story.
  constexpr size_t kShown = 10;
  size_t shown = 0;
  for (int pass = 0; pass < 2; ++pass) {
    for (const Violation& v : r.violations) {
      if ((pass == 0) == is_warning(v.kind)) continue;
      if (shown++ == kShown) {
        line("  ... and " + std::to_string(r.violations.size() - kShown) +
             " more (see --json or the trace)");
        break;
      }
      std::string when = format_time(v.from);
      if (v.to > v.from) when += " .. " + format_time(v.to);
      line("  [" + std::string(to_string(v.kind)) + (is_warning(v.kind) ? ", warning" : "") +
           "] " + when);
      line("    " + v.summary);
      for (const Record& rec : v.story) line("      " + describe_record(schema, rec));
    }
    if (shown > kShown) break;
  }
  line("");
  const Metrics& m = r.metrics;
  line("METRICS");
  line("  grants " + with_commas(m.grants) + "   holds " + with_commas(m.beliefs) +
       "   elections " + with_commas(m.elections) + "   leader crashes " +
       with_commas(m.leader_crashes));
  line("  availability   " + percent(m.availability) +
       "  (time held / time held or wanted)");
  line("  acquire        " + dist_line(m.acquire_latency));
  line("  handoff gap    " + dist_line(m.handoff_gap));
  line("  failover       " + dist_line(m.failover));
  if (m.writes_accepted + m.writes_rejected > 0)
    line("  writes         accepted " + with_commas(m.writes_accepted) + "   rejected " +
         with_commas(m.writes_rejected) + "   stale " + with_commas(m.stale_writes));
  line("  messages       sent " + with_commas(r.net.sent) + "   delivered " +
       with_commas(r.net.delivered) + "   dropped " +
       with_commas(r.net.dropped_partition + r.net.dropped_loss + r.net.dropped_crashed) +
       " (partition " + with_commas(r.net.dropped_partition) + ", loss " +
       with_commas(r.net.dropped_loss) + ", crashed " + with_commas(r.net.dropped_crashed) +
       ")   duplicated " + with_commas(r.net.duplicated));
  return out;
}

nlohmann::json report_json(const Scenario& sc, const RunResult& r, const TraceSchema& schema) {
  nlohmann::json j;
  j["scenario"] = sc.name;
  j["file"] = sc.file;
  j["protocol"] = sc.protocol;
  j["preset"] = sc.preset;
  j["seed"] = r.seed;
  j["end_ns"] = r.end.ns();
  j["end_reason"] = to_string(r.reason);
  j["events"] = r.events;
  j["records"] = r.records;
  j["wall_seconds"] = r.wall_seconds;
  j["trace_hash"] = format_hash(r.trace_hash);
  j["safety"] = r.failures == 0 ? "holds" : "violated";
  j["failures"] = r.failures;
  nlohmann::json vs = nlohmann::json::array();
  const auto& resources = schema.names(name_table::kResources);
  for (const Violation& v : r.violations) {
    nlohmann::json story = nlohmann::json::array();
    for (const Record& rec : v.story) story.push_back(describe_record(schema, rec));
    vs.push_back({{"kind", to_string(v.kind)},
                  {"warning", is_warning(v.kind)},
                  {"detected_ns", v.detected.ns()},
                  {"from_ns", v.from.ns()},
                  {"to_ns", v.to.ns()},
                  {"resource", v.resource < resources.size() ? nlohmann::json(resources[v.resource])
                                                             : nlohmann::json(nullptr)},
                  {"first", node_name(schema, v.first)},
                  {"second", node_name(schema, v.second)},
                  {"first_lease", v.first_lease},
                  {"second_lease", v.second_lease},
                  {"summary", v.summary},
                  {"story", story}});
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
                  {"resources", per_resource}};
  j["messages"] = {{"sent", r.net.sent},
                   {"delivered", r.net.delivered},
                   {"duplicated", r.net.duplicated},
                   {"dropped_partition", r.net.dropped_partition},
                   {"dropped_loss", r.net.dropped_loss},
                   {"dropped_crashed", r.net.dropped_crashed}};
  return j;
}

}  // namespace leasesim
