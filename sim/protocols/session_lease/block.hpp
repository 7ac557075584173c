// Internal to the session-lease module: its scenario block's tables,
// reading, cross-field rules, canonical JSON and catalog.
#pragma once

#include <nlohmann/json.hpp>

#include "leasesim/format/diagnostics.hpp"
#include "leasesim/format/reader.hpp"
#include "leasesim/format/types.hpp"
#include "leasesim/protocol/module.hpp"
#include "leasesim/protocols/session_lease/module.hpp"
#include "leasesim/protocols/workload/group_block.hpp"
#include "leasesim/raft/core_block.hpp"

namespace leasesim::session_lease::block {

using format::Type;
using nlohmann::json;

struct Tables {
  ProtocolModule::Format format;
  const Type* protocol;
  const Type* knobs;
  const Type* sequencer;
  raft::CoreBlockTypes core;
  const Type* session;
  workload::GroupTypes requestors;
};
const Tables& tables();

BlockOutput load(const BlockInput& in, format::Sink& diag);
double events_per_second(const Config& c);
void to_json(const Config& c, const ScenarioNames& names, json* doc);
ProtocolCatalog catalog();
std::vector<KnobSetting> effective_knobs(const Config& c);

}  // namespace leasesim::session_lease::block
