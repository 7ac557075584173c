#include "leasesim/campaign/expectation.hpp"

#include <cstdio>
#include <string_view>

#include "leasesim/core/assert.hpp"
#include "leasesim/report/verdict.hpp"

namespace leasesim {

std::vector<std::string> unmet_expectations(const Expectation& expect, const RunResult& r) {
  std::vector<std::string> out;
  // A warning (latent_overlap) is never a violation: "violation" needs a
  // failure whatever kinds it lists, and "holds" allows none. A listed kind
  // that did not occur is reported by name; a missing listed failure kind
  // already says that no violation occurred.
  const bool want_violation = expect.safety == Expectation::Safety::kViolation;
  std::vector<std::string> missing;
  bool lists_a_failure_kind = false;
  for (const std::string& name : expect.violation_kinds) {
    ViolationKind kind = ViolationKind::kOverlap;
    const bool known = parse_violation_kind(name, &kind);
    LEASESIM_ASSERT(known, "the loader admits only known violation kinds");
    const bool warning = is_warning(kind);
    lists_a_failure_kind = lists_a_failure_kind || !warning;
    bool found = false;
    for (const Violation& v : r.violations) found = found || v.kind == kind;
    const bool vowel = std::string_view("aeiou").find(name[0]) != std::string_view::npos;
    if (!found)
      missing.push_back(std::string("expected ") + (vowel ? "an " : "a ") + name +
                        (warning ? " warning" : " violation") + ", found none");
  }
  if (want_violation && r.failures == 0 && !lists_a_failure_kind)
    out.push_back("expected a violation, but safety held");
  if (!want_violation && r.failures > 0) {
    std::string kinds;
    for (const Violation& v : r.violations) {
      if (is_warning(v.kind)) continue;
      const std::string k = to_string(v.kind);
      if (kinds.find(k) == std::string::npos) kinds += (kinds.empty() ? "" : ", ") + k;
    }
    out.push_back("expected safety to hold, found " + std::to_string(r.failures) +
                  " violation(s): " + kinds);
  }
  out.insert(out.end(), missing.begin(), missing.end());
  if (expect.min_availability && r.metrics.availability < *expect.min_availability) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "availability %.4f below the expected minimum %.4f",
                  r.metrics.availability, *expect.min_availability);
    out.push_back(buf);
  }
  if (expect.min_grants && r.metrics.grants < *expect.min_grants)
    out.push_back("grants " + std::to_string(r.metrics.grants) + " below the expected minimum " +
                  std::to_string(*expect.min_grants));
  if (expect.min_elections && r.metrics.elections < *expect.min_elections)
    out.push_back("elections " + std::to_string(r.metrics.elections) +
                  " below the expected minimum " + std::to_string(*expect.min_elections));
  if (expect.max_elections && r.metrics.elections > *expect.max_elections)
    out.push_back("elections " + std::to_string(r.metrics.elections) +
                  " above the expected maximum " + std::to_string(*expect.max_elections));
  if (cut_short(r.reason))
    out.push_back(std::string("run did not complete: ") + to_string(r.reason));
  return out;
}

}  // namespace leasesim
