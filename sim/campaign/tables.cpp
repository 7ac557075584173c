// The per-cell tables of text.hpp.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "leasesim/campaign/text.hpp"

namespace leasesim {

namespace {

using Rows = std::vector<std::vector<std::string>>;

std::string pct(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * x);
  return buf;
}

double rate(uint64_t k, uint64_t n) {
  return n ? static_cast<double>(k) / static_cast<double>(n) : 0.0;
}

std::string ns_text(const std::optional<int64_t>& v) {
  return v ? format_duration_short(Duration(*v)) : std::string("-");
}

// "12/200 6.0% [3.5-10.2%]"
std::string rate_cell(uint64_t k, uint64_t n) {
  double lo = 0, hi = 1;
  wilson_interval(k, n, &lo, &hi);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%llu/%llu %s [%.1f-%.1f%%]", static_cast<unsigned long long>(k),
                static_cast<unsigned long long>(n), pct(rate(k, n)).c_str(), 100.0 * lo,
                100.0 * hi);
  return buf;
}

// A cell as markdown keeps its column: `|` and `\` escaped (a `\|` left
// as it is would be an escaped backslash and a column break), a line break
// a space (a parameter's value may hold any of them).
std::string markdown_cell(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '|' || c == '\\')
      out += std::string("\\") + c;
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string format_table(const Rows& given, bool markdown) {
  Rows escaped;
  if (markdown) {
    escaped = given;
    for (auto& r : escaped)
      for (std::string& cell : r) cell = markdown_cell(cell);
  }
  const Rows& rows = markdown ? escaped : given;
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  std::string out;
  for (size_t ri = 0; ri < rows.size(); ++ri) {
    std::string line = markdown ? "|" : "";
    for (size_t i = 0; i < rows[ri].size(); ++i) {
      std::string cell = rows[ri][i];
      cell.resize(width[i], ' ');
      line += markdown ? " " + cell + " |" : (i ? "  " : "") + cell;
    }
    while (!markdown && !line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    if (ri != 0) continue;
    std::string sep = markdown ? "|" : "";
    for (size_t i = 0; i < width.size(); ++i)
      sep += markdown ? std::string(width[i] + 2, '-') + "|"
                      : (i ? "  " : "") + std::string(width[i], '-');
    out += sep + "\n";
  }
  return out;
}

// The failing kinds some cell shows, in kind order.
std::vector<size_t> kinds_seen(const std::map<uint64_t, CellSummary>& cells) {
  std::vector<size_t> out;
  for (size_t k = 0; k < kViolationKinds; ++k) {
    bool seen = false;
    for (const auto& [c, s] : cells) seen = seen || s.kind_runs[k] > 0;
    if (seen) out.push_back(k);
  }
  return out;
}

const char* kind_name(size_t k) {
  return to_string(static_cast<ViolationKind>(k));
}

// The parameter names of all the plan's scenarios, in first-use order.
std::vector<std::string> param_names(const Plan& plan) {
  std::vector<std::string> out;
  for (const PlanScenario& sc : plan.scenarios)
    for (const SweepParam& p : sc.params)
      if (std::find(out.begin(), out.end(), p.name) == out.end()) out.push_back(p.name);
  return out;
}

std::string cell_table(const Plan& plan, const std::map<uint64_t, CellSummary>& cells,
                       const std::vector<size_t>& kinds, bool markdown) {
  const std::vector<std::string> names = param_names(plan);
  bool metered = false;
  for (const auto& [c, s] : cells) metered = metered || s.metered;
  Rows rows(1);
  if (plan.several()) rows[0].push_back("scenario");
  for (const std::string& n : names) rows[0].push_back(n);
  for (const char* c : {"runs", "viol", "rate", "95% CI"}) rows[0].push_back(c);
  for (const size_t k : kinds) rows[0].push_back(kind_name(k));
  for (const char* c : {"avail", "acq p50", "acq p99", "handoff p50", "failover p50"})
    rows[0].push_back(c);
  if (metered) rows[0].push_back("msg/held-s");
  for (const auto& [c, s] : cells) {
    std::vector<std::string> row;
    const Plan::CellAt at = plan.locate(c);
    const PlanScenario& sc = plan.scenarios[at.scenario];
    if (plan.several()) row.push_back(sc.name);
    const std::vector<size_t> coords = sweep_cell_coords(sc.params, at.local);
    for (const std::string& n : names) {
      std::string v = "-";
      for (size_t i = 0; i < sc.params.size(); ++i)
        if (sc.params[i].name == n) v = sweep_value_text(sc.params[i].values[coords[i]]);
      row.push_back(v);
    }
    double lo = 0, hi = 1;
    wilson_interval(s.violations, s.runs, &lo, &hi);
    row.push_back(std::to_string(s.runs));
    row.push_back(std::to_string(s.violations));
    row.push_back(pct(rate(s.violations, s.runs)));
    row.push_back("[" + pct(lo) + ", " + pct(hi) + "]");
    for (const size_t k : kinds)
      row.push_back(std::to_string(s.kind_runs[k]) + " (" + pct(rate(s.kind_runs[k], s.runs)) +
                    ")");
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", s.availability_mean);
    row.push_back(buf);
    row.push_back(ns_text(s.acquire_p50));
    row.push_back(ns_text(s.acquire_p99));
    row.push_back(ns_text(s.handoff_p50));
    row.push_back(ns_text(s.failover_p50));
    if (metered) {
      std::string m = "-";
      if (s.messages_per_held_s) {
        std::snprintf(buf, sizeof buf, "%.1f", *s.messages_per_held_s);
        m = buf;
      }
      row.push_back(m);
    }
    rows.push_back(std::move(row));
  }
  return format_table(rows, markdown);
}

// Protocol variants as columns; the other parameters and the violation
// kind ("any" first) as rows.
std::string compare_table(const Plan& plan, size_t proto,
                          const std::map<uint64_t, CellSummary>& cells,
                          const std::vector<size_t>& kinds, bool markdown) {
  const std::vector<SweepParam>& params = plan.scenarios[0].params;
  const std::vector<nlohmann::json>& variants = params[proto].values;
  Rows rows(1);
  for (size_t i = 0; i < params.size(); ++i)
    if (i != proto) rows[0].push_back(params[i].name);
  rows[0].push_back("kind");
  const size_t first_col = rows[0].size();
  for (const auto& v : variants) rows[0].push_back(sweep_value_text(v));
  std::map<std::vector<size_t>, size_t> first_row;  // other coordinates -> their "any" row
  for (const auto& [c, s] : cells) {
    std::vector<size_t> coords = sweep_cell_coords(params, c);
    const size_t col = first_col + coords[proto];
    coords.erase(coords.begin() + static_cast<std::ptrdiff_t>(proto));
    auto it = first_row.find(coords);
    if (it == first_row.end()) {
      it = first_row.emplace(coords, rows.size()).first;
      for (size_t r = 0; r <= kinds.size(); ++r) {
        std::vector<std::string> row;
        size_t k = 0;
        for (size_t i = 0; i < params.size(); ++i)
          if (i != proto) row.push_back(sweep_value_text(params[i].values[coords[k++]]));
        row.push_back(r == 0 ? "any" : kind_name(kinds[r - 1]));
        row.resize(rows[0].size(), "-");
        rows.push_back(std::move(row));
      }
    }
    rows[it->second][col] = rate_cell(s.violations, s.runs);
    for (size_t r = 0; r < kinds.size(); ++r)
      rows[it->second + 1 + r][col] = rate_cell(s.kind_runs[kinds[r]], s.runs);
  }
  return "violation rate by " + params[proto].name +
         " (violating runs/runs, rate, 95% Wilson CI; same seeds and fault schedules in every "
         "column)\n" +
         format_table(rows, markdown);
}

}  // namespace

std::string cell_tables(const Plan& plan, const std::map<uint64_t, CellSummary>& cells,
                        bool markdown) {
  if (!plan.has_params() || cells.empty()) return "";
  const std::vector<size_t> kinds = kinds_seen(cells);
  std::string out = cell_table(plan, cells, kinds, markdown);
  // The side-by-side table is of one scenario's presets.
  if (plan.several()) return out;
  const std::vector<SweepParam>& params = plan.scenarios[0].params;
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].path == "protocol.preset" && params[i].values.size() > 1)
      return out + "\n" + compare_table(plan, i, cells, kinds, markdown);
  }
  return out;
}

}  // namespace leasesim
