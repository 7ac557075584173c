// The text report `leasesim run` prints (run_report.hpp).
#include "leasesim/report/run_report.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <string>
#include <vector>

#include "leasesim/core/trace_text.hpp"
#include "leasesim/core/version.hpp"
#include "leasesim/protocol/presets.hpp"
#include "leasesim/report/load_report.hpp"
#include "leasesim/report/verdict.hpp"
#include "leasesim/report/wrap.hpp"

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

std::string percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", v * 100.0);
  return buf;
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

// "knobs      anchor=receipt, ..., check_quorum=false (override), ...":
// every effective knob, packed into lines without splitting one.
std::vector<std::string> knob_lines(const std::vector<KnobSetting>& knobs, size_t width) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < knobs.size(); ++i) {
    std::string item =
        knobs[i].knob.name + "=" + knobs[i].knob.value + (knobs[i].overridden ? " (override)" : "");
    if (i + 1 < knobs.size()) item += ",";
    if (!cur.empty() && cur.size() + 1 + item.size() > width) {
      out.push_back(cur);
      cur.clear();
    }
    cur += (cur.empty() ? "" : " ") + item;
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace

std::string format_report(const Scenario& sc, const RunResult& r, const TraceSchema& schema) {
  std::string out;
  auto line = [&out](const std::string& s) {
    out += s;
    out += '\n';
  };
  // Header: what ran (tool, scenario, protocol and every knob) and how far.
  line(std::string("leasesim   ") + leasesim_version());
  line("scenario   " + sc.name + "   seed " + std::to_string(r.seed) +
       (sc.file.empty() ? std::string() : "   file " + sc.file));
  // The description, at most three lines of it (the scenario file has it all).
  std::vector<std::string> about = wrap_text(sc.description, kWidth - 11);
  if (about.size() > kDescriptionLines) {
    about.resize(kDescriptionLines);
    about.back() += " ...";
  }
  for (const std::string& l : about) line("           " + l);
  const std::vector<KnobSetting> knobs = effective_knobs(sc.protocol, *sc.protocol_config);
  size_t overrides = 0;
  for (const KnobSetting& k : knobs) overrides += k.overridden ? 1 : 0;
  line("protocol   " + sc.protocol + ", " + preset_summary(sc.preset, knobs) +
       (overrides == 0 ? " (no overrides)" : ""));
  const std::vector<std::string> knob_text = knob_lines(knobs, kWidth - 11);
  for (size_t i = 0; i < knob_text.size(); ++i)
    line((i == 0 ? "knobs      " : "           ") + knob_text[i]);
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
  if (r.failures == 0 && cut_short(r.reason)) {
    // --max-events / --timeout: no violation so far is not "holds".
    line("SAFETY     INCOMPLETE: no violation up to " + format_time(r.end) +
         ", but the run stopped (" + to_string(r.reason) + ") before the scenario's end at " +
         format_time(TimePoint::origin() + sc.duration));
    if (r.reason == EndReason::kPendingLimit) line("           " + pending_limit_text());
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
    for (const std::string& l : wrap_text(v.summary, kWidth - 5)) line("     " + l);
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
    for (const std::string& l : wrap_text(gr.first->summary, kWidth - 10)) line("          " + l);
  }
  if (groups.size() > kListed) {
    // Each summary states its own interval, so groups are mostly single
    // violations: say how many are left unlisted, not how many groups.
    size_t unlisted = 0;
    for (size_t g = kListed; g < groups.size(); ++g) unlisted += groups[g].count;
    line("  ... and " + std::to_string(unlisted) + " more (see --json or the trace)");
  }
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

}  // namespace leasesim
