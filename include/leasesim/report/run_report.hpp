// Run reports: the summary `leasesim run` prints (violations first, then
// metrics and the trace hash), as text for people (run_report_text.cpp)
// and as JSON for tools (run_report_json.cpp). Both render the same
// RunResult, so they cannot disagree; docs/cli.md shows both.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "leasesim/core/trace.hpp"
#include "leasesim/scenario/scenario.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim {

std::string format_report(const Scenario& scenario, const RunResult& result,
                          const TraceSchema& schema);
nlohmann::json report_json(const Scenario& scenario, const RunResult& result,
                           const TraceSchema& schema);

}  // namespace leasesim
