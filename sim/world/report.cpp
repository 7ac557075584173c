#include "leasesim/world/report.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <string>
#include <vector>

#include "leasesim/core/trace_text.hpp"
#include "leasesim/world/load_report.hpp"

namespace leasesim {
namespace {

std::string with_commas(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

// The text report's layout.
constexpr size_t kWidth = 90;      // wrap long text at this column
constexpr size_t kWithStory = 3;   // violations told with their story
constexpr size_t kStoryLines = 8;  // story records shown per violation
constexpr size_t kListed = 10;     // groups of further violations listed
constexpr size_t kDescriptionLines = 3;

// Three significant digits ("23.8ms", "1.19s", "310us"): a table cell.
std::string short_duration(Duration d) {
  const int64_t ns = d.ns();
  const int64_t a = ns < 0 ? -ns : ns;
  struct Unit {
    int64_t scale;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{3'600'000'000'000, "h"},
                                    {60'000'000'000, "m"},
                                    {1'000'000'000, "s"},
                                    {1'000'000, "ms"},
                                    {1'000, "us"}};
  char buf[32];
  for (const Unit& u : kUnits) {
    if (a < u.scale) continue;
    const double v = static_cast<double>(ns) / static_cast<double>(u.scale);
    std::snprintf(buf, sizeof buf, "%.3g%s", v, u.name);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%lldns", static_cast<long long>(ns));
  return buf;
}

template <typename Line>
void dist_row(Line& line, const char* name, const Distribution& d) {
  char buf[128];
  if (d.count == 0) {
    std::snprintf(buf, sizeof buf, "  %-14s%8s %9s", name, "0", "-");
  } else {
    std::snprintf(buf, sizeof buf, "  %-14s%8s %9s %9s %9s %9s", name, with_commas(d.count).c_str(),
                  short_duration(d.p50).c_str(), short_duration(d.p90).c_str(),
                  short_duration(d.p99).c_str(), short_duration(d.max).c_str());
  }
  line(buf);
}

// Splits text into lines of at most `width` characters at spaces.
std::vector<std::string> wrap(const std::string& text, size_t width) {
  std::vector<std::string> out;
  std::string cur;
  size_t i = 0;
  while (i < text.size()) {
    const size_t sp = text.find(' ', i);
    const std::string word = text.substr(i, sp == std::string::npos ? std::string::npos : sp - i);
    i = sp == std::string::npos ? text.size() : sp + 1;
    if (word.empty()) continue;
    if (!cur.empty() && cur.size() + 1 + word.size() > width) {
      out.push_back(cur);
      cur.clear();
    }
    cur += (cur.empty() ? "" : " ") + word;
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::string percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", v * 100.0);
  return buf;
}

nlohmann::json dist_json(const Distribution& d) {
  return {{"count", d.count},      {"min_ns", d.min.ns()}, {"p50_ns", d.p50.ns()},
          {"p90_ns", d.p90.ns()},  {"p99_ns", d.p99.ns()}, {"max_ns", d.max.ns()},
          {"mean_ns", d.mean.ns()}};
}

std::string node_name(const TraceSchema& schema, NodeId n) {
  const auto& names = schema.names(name_table::kNodes);
  return n < names.size() ? names[n] : std::string("-");
}

// Stopped by a guard (--max-events, --timeout) before the end: the run
// says nothing about the rest of the scenario.
bool cut_short(const RunResult& r) {
  return r.reason == EndReason::kEventBudget || r.reason == EndReason::kWallTimeout;
}

// "faults        applied 5 of 7   skipped 1 (self_link 1)   not reached 1"
std::string fault_line(const FaultStats& f) {
  std::string s = "  faults        applied " + with_commas(f.applied()) + " of " +
                  with_commas(f.scheduled) + "   skipped " + with_commas(f.skipped_total());
  std::string why;
  for (size_t k = 0; k < f.skipped.size(); ++k) {
    if (f.skipped[k] == 0) continue;
    why += (why.empty() ? "" : ", ") +
           std::string(world_rec::to_string(static_cast<world_rec::SkipReason>(k))) + " " +
           with_commas(f.skipped[k]);
  }
  if (!why.empty()) s += " (" + why + ")";
  if (f.fired < f.scheduled) s += "   not reached " + with_commas(f.scheduled - f.fired);
  return s;
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

}  // namespace

std::string format_report(const Scenario& sc, const RunResult& r, const TraceSchema& schema) {
  std::string out;
  auto line = [&out](const std::string& s) {
    out += s;
    out += '\n';
  };
  // Header: what ran and how far, in four lines plus the description.
  line("scenario   " + sc.name + "   seed " + std::to_string(r.seed) + "   " + sc.protocol +
       ", preset " + sc.preset);
  // The description, at most three lines of it (the scenario file has it all).
  std::vector<std::string> about = wrap(sc.description, kWidth - 11);
  if (about.size() > kDescriptionLines) {
    about.resize(kDescriptionLines);
    about.back() += " ...";
  }
  for (const std::string& l : about) line("           " + l);
  char buf[256];
  std::snprintf(buf, sizeof buf, "virtual    %s (%s)", format_time(r.end).c_str(),
                to_string(r.reason));
  line(buf);
  std::snprintf(buf, sizeof buf, "events     %s   records %s   wall %.3fs",
                with_commas(r.events).c_str(), with_commas(r.records).c_str(), r.wall_seconds);
  line(buf);
  line("trace hash " + format_hash(r.trace_hash));
  line("");

  size_t warnings = r.violations.size() - r.failures;
  if (r.failures == 0 && cut_short(r)) {
    // --max-events / --timeout: no violation so far is not "holds".
    line("SAFETY     INCOMPLETE: no violation up to " + format_time(r.end) +
         ", but the run stopped (" + to_string(r.reason) + ") before the scenario's end at " +
         format_time(TimePoint::origin() + sc.duration));
  } else if (r.failures == 0) {
    line("SAFETY     holds" +
         std::string(warnings ? " (" + std::to_string(warnings) + " warning(s) below)" : ""));
  } else {
    line("SAFETY     VIOLATED: " + std::to_string(r.failures) + " violation(s)" +
         (warnings ? ", " + std::to_string(warnings) + " warning(s)" : ""));
  }
  // Violations first (failures before warnings): a count per kind, then
  // the first few with the end of their story, then one line each.
  if (!r.violations.empty()) {
    size_t counts[static_cast<size_t>(ViolationKind::kCount)] = {};
    for (const Violation& v : r.violations) ++counts[static_cast<size_t>(v.kind)];
    std::string kinds;
    for (size_t k = 0; k < std::size(counts); ++k) {
      if (counts[k] == 0) continue;
      const auto kind = static_cast<ViolationKind>(k);
      kinds += (kinds.empty() ? "" : ", ") + std::to_string(counts[k]) + " " + to_string(kind) +
               (is_warning(kind) ? " (warning)" : "");
    }
    line("           " + kinds);
  }
  // Failures before warnings; the first of each kind is told with the end
  // of its story, the rest are grouped by what happened.
  std::vector<const Violation*> ordered;
  for (int pass = 0; pass < 2; ++pass)
    for (const Violation& v : r.violations)
      if ((pass == 0) != is_warning(v.kind)) ordered.push_back(&v);
  std::vector<bool> storied(ordered.size(), false);
  size_t told = 0;
  for (int pass = 0; pass < 2 && told < kWithStory; ++pass) {
    bool kind_told[static_cast<size_t>(ViolationKind::kCount)] = {};
    for (size_t i = 0; i < ordered.size() && told < kWithStory; ++i) {
      const auto k = static_cast<size_t>(ordered[i]->kind);
      if (storied[i] || (pass == 0 && kind_told[k])) continue;
      storied[i] = kind_told[k] = true;
      ++told;
    }
  }
  auto interval = [](const Violation& v) {
    std::string when = format_time(v.from);
    if (v.to > v.from) when += " .. " + format_time(v.to);
    return when;
  };
  size_t number = 0;
  for (size_t i = 0; i < ordered.size(); ++i) {
    if (!storied[i]) continue;
    const Violation& v = *ordered[i];
    line("");
    line("  " + std::to_string(++number) + ". " + to_string(v.kind) +
         (is_warning(v.kind) ? " (warning)" : "") + "  " + interval(v));
    for (const std::string& l : wrap(v.summary, kWidth - 5)) line("     " + l);
    // The story's end is what led to the violation; --json has all of it.
    const size_t first = v.story.size() > kStoryLines ? v.story.size() - kStoryLines : 0;
    if (first > 0)
      line("       (last " + std::to_string(kStoryLines) + " of " + std::to_string(v.story.size()) +
           " records; all in --json)");
    for (size_t j = first; j < v.story.size(); ++j)
      line("       " + describe_record(schema, v.story[j]));
  }
  struct Group {
    const Violation* first;
    const Violation* last;
    size_t count;
  };
  std::vector<Group> groups;
  for (size_t i = 0; i < ordered.size(); ++i) {
    if (storied[i]) continue;
    const Violation& v = *ordered[i];
    auto it = std::find_if(groups.begin(), groups.end(), [&v](const Group& g) {
      return g.first->kind == v.kind && g.first->summary == v.summary;
    });
    if (it == groups.end()) {
      groups.push_back(Group{&v, &v, 1});
    } else {
      it->last = &v;
      ++it->count;
    }
  }
  if (!groups.empty()) {
    line("");
    line("  and " + std::to_string(ordered.size() - told) + " more:");
  }
  for (size_t g = 0; g < groups.size() && g < kListed; ++g) {
    const Group& gr = groups[g];
    std::string when = format_time(gr.first->from);
    const TimePoint end = std::max(gr.last->to, gr.last->from);
    if (end > gr.first->from) when += " .. " + format_time(end);
    char count[32];
    std::snprintf(count, sizeof count, "%6zu x ", gr.count);
    line(count + std::string(to_string(gr.first->kind)) +
         (is_warning(gr.first->kind) ? " (warning)" : "") + "  " + when);
    for (const std::string& l : wrap(gr.first->summary, kWidth - 10)) line("          " + l);
  }
  if (groups.size() > kListed)
    line("  ... and " + std::to_string(groups.size() - kListed) +
         " more kinds of event (see --json or the trace)");
  line("");

  // Metrics: the latency distributions as a table, then counts.
  const Metrics& m = r.metrics;
  std::snprintf(buf, sizeof buf, "%-16s%8s %9s %9s %9s %9s", "METRICS", "n", "p50", "p90", "p99",
                "max");
  line(buf);
  dist_row(line, "acquire", m.acquire_latency);
  dist_row(line, "handoff gap", m.handoff_gap);
  dist_row(line, "failover", m.failover);
  if (m.write_latency.count > 0) dist_row(line, "write", m.write_latency);
  line("  availability  " + percent(m.availability) + " (time held / time held or wanted)");
  line("  leases        grants " + with_commas(m.grants) + "   holds " + with_commas(m.beliefs) +
       "   elections " + with_commas(m.elections) + "   leader crashes " +
       with_commas(m.leader_crashes));
  if (m.writes_accepted + m.writes_rejected > 0)
    line("  writes        accepted " + with_commas(m.writes_accepted) + "   rejected " +
         with_commas(m.writes_rejected) + "   stale " + with_commas(m.stale_writes));
  if (r.faults.scheduled > 0) line(fault_line(r.faults));
  for (const std::string& l : load_lines(r.load)) line(l);
  line("  messages      sent " + with_commas(r.net.sent) + "   delivered " +
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
  j["complete"] = !cut_short(r);  // false: "holds" only up to end_ns
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
