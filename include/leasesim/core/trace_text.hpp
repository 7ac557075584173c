// Human-readable rendering of single records, for run reports and the
// stories attached to violations:
//   "12.345678s  n1  lease_granted resource=db lease=17 holder=alice token=17 ttl=5s"
#pragma once

#include <string>

#include "leasesim/core/trace.hpp"

namespace leasesim {

// The record's kind and fields ("lease_granted resource=db ...").
std::string describe_fields(const TraceSchema& schema, const Record& r);
// Time, node and fields on one line.
std::string describe_record(const TraceSchema& schema, const Record& r);

}  // namespace leasesim
