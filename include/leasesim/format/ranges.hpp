// Duration ranges as scenario files write them: a single duration ("2s",
// both bounds), "forever" where the table allows it (Duration::max()), or
// {"min": ..., "max": ...}, drawn uniformly between the bounds. The protocol
// blocks' hold, think, backoff and rejoin fields all read, check and write
// through these, so they mean and say the same in every family.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "leasesim/core/time.hpp"
#include "leasesim/format/diagnostics.hpp"
#include "leasesim/format/types.hpp"

namespace leasesim::format {

// Reads a range value that passed check() against a union of a duration
// type and `range_type` (an object with "min" and "max").
void read_range(const nlohmann::json& v, const Type* range_type, Duration* lo, Duration* hi);

// Reports "expected <what> min <= max" at `pointer` unless lo <= hi;
// returns whether the order holds.
bool check_range_order(Sink& diag, const std::string& pointer, Duration lo, Duration hi,
                       const char* what);

// The canonical JSON of a range: one duration (or "forever") when the bounds
// are equal, else {"min", "max"}. read_range() reads it back to the same.
nlohmann::json range_to_json(Duration lo, Duration hi);

}  // namespace leasesim::format
