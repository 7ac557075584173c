#include "leasesim/campaign/aggregate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "leasesim/check/metrics.hpp"

namespace leasesim {

namespace {

std::string opt_ns(const std::optional<int64_t>& v) {
  return v ? std::to_string(*v) : std::string("null");
}

// {"overlap":3,"stale_write":1}: the kinds with a nonzero count, kind order.
std::string kind_counts(const std::array<uint64_t, kViolationKinds>& counts) {
  std::string s = "{";
  for (size_t k = 0; k < kViolationKinds; ++k) {
    if (counts[k] == 0) continue;
    s += (s.size() > 1 ? ",\"" : "\"") + std::string(to_string(static_cast<ViolationKind>(k))) +
         "\":" + std::to_string(counts[k]);
  }
  return s + "}";
}

std::string run_id(const RunId& id) {
  return "{\"cell_index\":" + std::to_string(id.cell) + ",\"seed\":" + std::to_string(id.seed) +
         "}";
}

std::optional<int64_t> percentile(const std::vector<int64_t>& v, bool p99) {
  if (v.empty()) return std::nullopt;
  const Distribution d = Distribution::of(v);
  return p99 ? d.p99.ns() : d.p50.ns();
}

}  // namespace

void wilson_interval(uint64_t k, uint64_t n, double* lo, double* hi) {
  if (n == 0) {
    *lo = 0.0;
    *hi = 1.0;
    return;
  }
  constexpr double z = 1.959963984540054;  // the 97.5% normal quantile
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(k) / nn;
  const double z2 = z * z;
  const double denom = 1.0 + z2 / nn;
  const double center = (p + z2 / (2.0 * nn)) / denom;
  const double half = z / denom * std::sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
  *lo = k == 0 ? 0.0 : std::max(0.0, center - half);
  *hi = k == n ? 1.0 : std::min(1.0, center + half);
}

// printf of a double is correctly rounded in glibc, so this text (and what
// reading it back gives) is the same everywhere.
std::string fmt6(double x) {
  if (!std::isfinite(x)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", x);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

// --- cells -----------------------------------------------------------------

void CellStats::add(const RunRecord& r) {
  ++runs_;
  violations_ += r.verdict == Verdict::kViolation;
  incomplete_ += r.verdict == Verdict::kIncomplete;
  for (size_t k = 0; k < kViolationKinds; ++k)
    kind_runs_[k] += r.shows(static_cast<ViolationKind>(k));
  availability_ += r.availability;
  grants_ += r.grants;
  elections_ += r.elections;
  if (r.messages && r.held_ns) {
    ++metered_;
    messages_ += *r.messages;
    held_ns_ += *r.held_ns;
  }
  const std::optional<int64_t>* samples[] = {&r.acquire_p50, &r.acquire_p99,  &r.handoff_p50,
                                             &r.handoff_p99, &r.failover_p50, &r.failover_p99};
  for (size_t i = 0; i < latencies_.size(); ++i)
    if (*samples[i]) latencies_[i].push_back(**samples[i]);
}

CellSummary CellStats::summary() const {
  CellSummary s;
  s.runs = runs_;
  s.violations = violations_;
  s.incomplete = incomplete_;
  s.kind_runs = kind_runs_;
  const double n = runs_ ? static_cast<double>(runs_) : 1.0;
  s.availability_mean = runs_ ? availability_ / n : 1.0;
  s.grants_mean = static_cast<double>(grants_) / n;
  s.elections_mean = static_cast<double>(elections_) / n;
  s.acquire_p50 = percentile(latencies_[0], false);
  s.acquire_p99 = percentile(latencies_[1], true);
  s.handoff_p50 = percentile(latencies_[2], false);
  s.handoff_p99 = percentile(latencies_[3], true);
  s.failover_p50 = percentile(latencies_[4], false);
  s.failover_p99 = percentile(latencies_[5], true);
  s.metered = runs_ > 0 && metered_ == runs_;
  if (s.metered) {
    const double held_s = static_cast<double>(held_ns_) / 1e9;
    s.messages_mean = static_cast<double>(messages_) / n;
    s.held_s_mean = held_s / n;
    if (held_ns_ > 0) s.messages_per_held_s = static_cast<double>(messages_) / held_s;
  }
  return s;
}

std::string CellSummary::line(const Plan& plan, uint64_t cell) const {
  double lo = 0, hi = 1;
  wilson_interval(violations, runs, &lo, &hi);
  const double rate = runs ? static_cast<double>(violations) / static_cast<double>(runs) : 0.0;
  std::string meter;
  if (metered)
    meter = ",\"messages_mean\":" + fmt6(messages_mean) + ",\"held_s_mean\":" + fmt6(held_s_mean) +
            ",\"messages_per_held_s\":" +
            (messages_per_held_s ? fmt6(*messages_per_held_s) : std::string("null"));
  return "{\"type\":\"cell\",\"cell\":" + plan.cell_json(cell) +
         ",\"cell_index\":" + std::to_string(cell) + ",\"runs\":" + std::to_string(runs) +
         ",\"violations\":" + std::to_string(violations) + ",\"violation_rate\":" + fmt6(rate) +
         ",\"ci95\":[" + fmt6(lo) + "," + fmt6(hi) +
         "],\"violation_kinds\":" + kind_counts(kind_runs) +
         ",\"incomplete\":" + std::to_string(incomplete) +
         ",\"availability_mean\":" + fmt6(availability_mean) +
         ",\"acquire_p50_ns\":" + opt_ns(acquire_p50) +
         ",\"acquire_p99_ns\":" + opt_ns(acquire_p99) +
         ",\"handoff_p50_ns\":" + opt_ns(handoff_p50) +
         ",\"handoff_p99_ns\":" + opt_ns(handoff_p99) +
         ",\"failover_p50_ns\":" + opt_ns(failover_p50) +
         ",\"failover_p99_ns\":" + opt_ns(failover_p99) + ",\"grants_mean\":" + fmt6(grants_mean) +
         ",\"elections_mean\":" + fmt6(elections_mean) + meter + "}";
}

// --- the summary -------------------------------------------------------------

void Summary::add(const RunRecord& r) {
  ++runs_;
  events_ += r.events;
  faults_ += r.faults;
  availability_ += r.availability;
  last_was_violation_ = r.verdict == Verdict::kViolation;
  switch (r.verdict) {
    case Verdict::kHolds:
      ++holds_;
      break;
    case Verdict::kIncomplete:
      ++incomplete_;
      break;
    case Verdict::kViolation:
      ++violations_;
      if (!first_violation_) first_violation_ = RunId{r.cell, r.seed};
      if (failing_.size() < kListedFailures) failing_.push_back(RunId{r.cell, r.seed});
      for (size_t k = 0; k < kViolationKinds; ++k)
        kind_runs_[k] += r.shows(static_cast<ViolationKind>(k));
      break;
  }
}

std::string Summary::status(const Plan& plan) const {
  if (runs_ == plan.shard_jobs()) return "complete";
  if (plan.stop_on_first && last_was_violation_) return "stopped-on-first";
  return "interrupted";
}

std::string Summary::line(const Plan& plan) const {
  std::string failing = "[";
  for (const RunId& id : failing_) failing += (failing.size() > 1 ? "," : "") + run_id(id);
  return "{\"type\":\"summary\",\"status\":\"" + status(plan) +
         "\",\"cells\":" + std::to_string(plan.cells()) +
         ",\"jobs\":" + std::to_string(plan.shard_jobs()) + ",\"runs\":" + std::to_string(runs_) +
         ",\"holds\":" + std::to_string(holds_) + ",\"violations\":" + std::to_string(violations_) +
         ",\"incomplete\":" + std::to_string(incomplete_) +
         ",\"violation_kinds\":" + kind_counts(kind_runs_) + ",\"first_violation\":" +
         (first_violation_ ? run_id(*first_violation_) : std::string("null")) +
         ",\"failing\":" + failing + "],\"events\":" + std::to_string(events_) +
         ",\"faults\":" + std::to_string(faults_) + ",\"availability_mean\":" +
         fmt6(runs_ ? availability_ / static_cast<double>(runs_) : 1.0) + "}";
}

// --- the lines of a file -----------------------------------------------------

void ResultsEmitter::add(const RunRecord& run, std::vector<std::string>* lines) {
  // A version-2 file (resumed or merged) gets version-2 run lines.
  RunRecord r = run;
  if (plan_->version < 3) {
    r.messages.reset();
    r.held_ns.reset();
  }
  lines->push_back(r.format());
  summary_.add(r);
  if (current_.runs() > 0 && r.cell != current_cell_) {
    done_[current_cell_] = current_.summary();
    current_.clear();
  }
  current_cell_ = r.cell;
  current_.add(r);
  if (current_.runs() == plan_->seeds_per_cell()) {
    const CellSummary s = current_.summary();
    if (plan_->shards == 1) lines->push_back(s.line(*plan_, r.cell));
    done_[r.cell] = s;
    current_.clear();
  }
}

std::map<uint64_t, CellSummary> ResultsEmitter::cells() const {
  std::map<uint64_t, CellSummary> out = done_;
  if (current_.runs() > 0) out[current_cell_] = current_.summary();
  return out;
}

}  // namespace leasesim
