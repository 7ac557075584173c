// A run's provenance, at the head of its trace: a `header` record
// (world_rec::Header: leasesim's version, the scenario's name and file, the
// seed, the protocol and preset) and one `knob` record (world_rec::Knob) per
// effective knob, marking those that override the preset. A reader of the trace alone (a plot, an
// archive) knows what ran.
//
// The strings sit in the schema's text table and the records carry their
// indices, which are fixed by position. So the trace hash covers the seed
// and which knobs override the preset, but not the text: the same run from
// another leasesim version, or from a copy of the file elsewhere, hashes
// the same.
#pragma once

#include <vector>

#include "leasesim/core/trace.hpp"
#include "leasesim/scenario/scenario.hpp"

namespace leasesim {

// Fills `schema`'s text table with the strings header_records() refers to.
void add_header_strings(const Scenario& scenario, TraceSchema* schema);

// The header record and the knob records, in emission order; time, local
// time and node are left for the caller (time 0, no node).
std::vector<Record> header_records(const Scenario& scenario);

}  // namespace leasesim
