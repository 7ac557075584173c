// Internal to the scenario loader: the generic sections of the scenario
// format as data (format/types.hpp). Every key, its type, limits, default
// and description is written down once here; the structural validator,
// the loader's typed reads and the JSON Schema generator (schema.cpp) all
// walk these tables. A protocol module's keys come from the module
// (ProtocolModule::scenario_format) and are merged in by root_for().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/core/time.hpp"
#include "leasesim/format/types.hpp"
#include "leasesim/protocol/module.hpp"

namespace leasesim::scenario_detail {

using namespace leasesim::format;  // NOLINT: the loader is written in the format's terms

// The types of the format, by role.
struct Tables {
  const Type* root;          // the generic keys only ("protocol" holds just "name")
  const Type* resource_gen;  // {"count", "prefix"}
  const Type* network;
  const Type* latency;
  const Type* link;
  const Type* clocks;
  const Type* clock;
  const Type* timing;
  const Type* node_timing;
  const Type* disk;
  const Type* faults;  // the tagged fault type
  const Type* expect;
  const Type* explore;
  // Fault variants by FaultKind order.
  std::vector<const Type*> fault_variants;
};

const Tables& tables();

// The root object for documents of protocol `m`: the generic keys and the
// module's, in the documented order, with "protocol" holding "name" (one
// of the registered protocols) and the module's protocol fields. Built once
// per module; thread-safe.
const Type* root_for(const ProtocolModule& m);

}  // namespace leasesim::scenario_detail
