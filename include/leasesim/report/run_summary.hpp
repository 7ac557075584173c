// Short summaries of one run, for tools that run many (check's JUnit
// cases, CI logs): one line with the verdict and the numbers that tell
// runs apart, and the violations one per line. The full story of a run is
// its report (run_report.hpp).
#pragma once

#include <cstddef>
#include <string>

#include "leasesim/world/world.hpp"

namespace leasesim {

// "seed 7: holds, 60.000000s virtual (completed), 12364 events, trace hash
// 60ead0a9a4536574, availability 0.9629, grants 23, elections 2\n"
std::string run_summary_line(const RunResult& r);

// "violations (2 failure(s), 1 warning(s)):\n" and one line per violation
// ("  overlap at 10.200000s: <summary>\n"), the first `max` of them, then
// "  ... and N more\n". Empty if the run found none.
std::string violation_lines(const RunResult& r, size_t max);

}  // namespace leasesim
