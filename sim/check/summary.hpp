// The one-line summaries of violations (private to the check layer).
// scripts/leasesim_trace.py (violation_summary) rebuilds the same text from
// a trace, so plots label violations with the report's words: keep the two
// in step (tests/scripts/test_plot_timeline.py compares them).
#pragma once

#include <string>

#include "leasesim/check/violation.hpp"
#include "leasesim/core/trace.hpp"

namespace leasesim::summary {

std::string node(const TraceSchema* schema, NodeId n);
std::string resource(const TraceSchema* schema, ResourceId r);

// "3.0s..5.0s, 8.0s..12.0s"; the last segment open-ended ("8.0s..") when
// the belief still held at the end of the run.
std::string segments(const Segments& s, bool at_end);

// "alice (lease 2, believed 3.0s..11.0s) and bob (lease 5, believed
// 10.2s..) overlapped on db for 800ms: 10.2s..11.0s". Needs a settled overlap.
std::string overlap(const Violation& v, const TraceSchema* schema);
// "alice (lease 2, believed 3.0s..11.0s) still held db after the core had
// freed its lease, for 2s: 9.0s..11.0s". Needs a settled latent overlap.
std::string latent_overlap(const Violation& v, const TraceSchema* schema);

}  // namespace leasesim::summary
