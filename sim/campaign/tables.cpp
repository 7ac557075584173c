// The per-cell tables of text.hpp.
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

std::string format_table(const Rows& rows, bool markdown) {
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

std::string cell_table(const Plan& plan, const std::map<uint64_t, CellSummary>& cells,
                       const std::vector<size_t>& kinds, bool markdown) {
  Rows rows(1);
  for (const SweepParam& p : plan.params) rows[0].push_back(p.name);
  for (const char* c : {"runs", "viol", "rate", "95% CI"}) rows[0].push_back(c);
  for (const size_t k : kinds) rows[0].push_back(kind_name(k));
  for (const char* c : {"avail", "acq p50", "acq p99", "handoff p50", "failover p50"})
    rows[0].push_back(c);
  for (const auto& [c, s] : cells) {
    std::vector<std::string> row;
    const std::vector<size_t> coords = sweep_cell_coords(plan.params, c);
    for (size_t i = 0; i < plan.params.size(); ++i)
      row.push_back(sweep_value_text(plan.params[i].values[coords[i]]));
    double lo = 0, hi = 1;
    wilson_interval(s.violations, s.runs, &lo, &hi);
    row.push_back(std::to_string(s.runs));
    row.push_back(std::to_string(s.violations));
    row.push_back(pct(rate(s.violations, s.runs)));
    row.push_back("[" + pct(lo) + ", " + pct(hi) + "]");
    for (const size_t k : kinds)
      row.push_back(std::to_string(s.kind_runs[k]) + " (" + pct(rate(s.kind_runs[k], s.runs)) +
                    ")");
    char avail[32];
    std::snprintf(avail, sizeof avail, "%.3f", s.availability_mean);
    row.push_back(avail);
    row.push_back(ns_text(s.acquire_p50));
    row.push_back(ns_text(s.acquire_p99));
    row.push_back(ns_text(s.handoff_p50));
    row.push_back(ns_text(s.failover_p50));
    rows.push_back(std::move(row));
  }
  return format_table(rows, markdown);
}

// Protocol variants as columns; the other parameters and the violation
// kind ("any" first) as rows.
std::string compare_table(const Plan& plan, size_t proto,
                          const std::map<uint64_t, CellSummary>& cells,
                          const std::vector<size_t>& kinds, bool markdown) {
  const std::vector<nlohmann::json>& variants = plan.params[proto].values;
  Rows rows(1);
  for (size_t i = 0; i < plan.params.size(); ++i)
    if (i != proto) rows[0].push_back(plan.params[i].name);
  rows[0].push_back("kind");
  const size_t first_col = rows[0].size();
  for (const auto& v : variants) rows[0].push_back(sweep_value_text(v));
  std::map<std::vector<size_t>, size_t> first_row;  // other coordinates -> their "any" row
  for (const auto& [c, s] : cells) {
    std::vector<size_t> coords = sweep_cell_coords(plan.params, c);
    const size_t col = first_col + coords[proto];
    coords.erase(coords.begin() + static_cast<std::ptrdiff_t>(proto));
    auto it = first_row.find(coords);
    if (it == first_row.end()) {
      it = first_row.emplace(coords, rows.size()).first;
      for (size_t r = 0; r <= kinds.size(); ++r) {
        std::vector<std::string> row;
        size_t k = 0;
        for (size_t i = 0; i < plan.params.size(); ++i)
          if (i != proto) row.push_back(sweep_value_text(plan.params[i].values[coords[k++]]));
        row.push_back(r == 0 ? "any" : kind_name(kinds[r - 1]));
        row.resize(rows[0].size(), "-");
        rows.push_back(std::move(row));
      }
    }
    rows[it->second][col] = rate_cell(s.violations, s.runs);
    for (size_t r = 0; r < kinds.size(); ++r)
      rows[it->second + 1 + r][col] = rate_cell(s.kind_runs[kinds[r]], s.runs);
  }
  return "violation rate by " + plan.params[proto].name +
         " (violating runs/runs, rate, 95% Wilson CI; same seeds and fault schedules in every "
         "column)\n" +
         format_table(rows, markdown);
}

}  // namespace

std::string cell_tables(const Plan& plan, const std::map<uint64_t, CellSummary>& cells,
                        bool markdown) {
  if (plan.params.empty() || cells.empty()) return "";
  const std::vector<size_t> kinds = kinds_seen(cells);
  std::string out = cell_table(plan, cells, kinds, markdown);
  for (size_t i = 0; i < plan.params.size(); ++i) {
    if (plan.params[i].path == "protocol.preset" && plan.params[i].values.size() > 1)
      return out + "\n" + compare_table(plan, i, cells, kinds, markdown);
  }
  return out;
}

}  // namespace leasesim
