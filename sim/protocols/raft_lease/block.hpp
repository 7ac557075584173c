// Internal to the raft-lease module: its scenario block's tables, reading
// and canonical JSON.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/format/diagnostics.hpp"
#include "leasesim/format/reader.hpp"
#include "leasesim/format/types.hpp"
#include "leasesim/protocol/module.hpp"
#include "leasesim/protocols/raft_lease/module.hpp"
#include "leasesim/protocols/workload/group_block.hpp"
#include "leasesim/raft/core_block.hpp"

namespace leasesim::raft_lease::block {

using format::Type;
using nlohmann::json;

// The block's types (block_format.cpp), built once.
struct Tables {
  ProtocolModule::Format format;  // what the loader merges into the root
  const Type* protocol;           // the protocol object as this module reads it
  const Type* knobs;
  const Type* margin;
  const Type* sequencer;
  raft::CoreBlockTypes core;
  const Type* lease;
  workload::GroupTypes requestors;
};
const Tables& tables();

// Reading (block_load.cpp); the rules checked after the generic sections
// (block_checks.cpp).
BlockOutput load(const BlockInput& in, format::Sink& diag);
struct GroupTiming {
  std::string path;  // "" for the default requestor
  bool ttl_set = false;
  bool renew_set = false;
  Duration ttl, renew_every;
};
std::function<void(format::Sink&)> requestor_timing_checks(std::vector<GroupTiming> groups);
double events_per_second(const Config& c);

// Canonical JSON (block_json.cpp).
void to_json(const Config& c, const ScenarioNames& names, json* doc);

// Knobs and presets (catalog.cpp).
ProtocolCatalog catalog();
std::vector<KnobSetting> effective_knobs(const Config& c);

}  // namespace leasesim::raft_lease::block
