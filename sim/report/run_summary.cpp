#include "leasesim/report/run_summary.hpp"

#include <cstdio>

#include "leasesim/report/verdict.hpp"

namespace leasesim {

std::string run_summary_line(const RunResult& r) {
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "seed %llu: %s, %s virtual (%s), %llu events, trace hash %s, availability %.4f, "
                "grants %llu, elections %llu\n",
                static_cast<unsigned long long>(r.seed), to_string(verdict_of(r)),
                format_time(r.end).c_str(), to_string(r.reason),
                static_cast<unsigned long long>(r.events), format_hash(r.trace_hash).c_str(),
                r.metrics.availability, static_cast<unsigned long long>(r.metrics.grants),
                static_cast<unsigned long long>(r.metrics.elections));
  return buf;
}

std::string violation_lines(const RunResult& r, size_t max) {
  if (r.violations.empty()) return {};
  std::string t = "violations (" + std::to_string(r.failures) + " failure(s), " +
                  std::to_string(r.violations.size() - r.failures) + " warning(s)):\n";
  for (size_t i = 0; i < r.violations.size() && i < max; ++i) {
    const Violation& v = r.violations[i];
    t += "  " + std::string(to_string(v.kind)) + (is_warning(v.kind) ? " (warning)" : "") + " at " +
         format_time(v.from) + ": " + v.summary + "\n";
  }
  if (r.violations.size() > max)
    t += "  ... and " + std::to_string(r.violations.size() - max) + " more\n";
  return t;
}

}  // namespace leasesim
