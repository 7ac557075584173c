// Internal to the kv-lease module: its scenario block's tables, reading,
// rules and canonical JSON, and its catalog.
#pragma once

#include <nlohmann/json.hpp>

#include "leasesim/format/diagnostics.hpp"
#include "leasesim/format/reader.hpp"
#include "leasesim/format/types.hpp"
#include "leasesim/protocol/module.hpp"
#include "leasesim/protocols/kv_lease/module.hpp"
#include "leasesim/raft/core_block.hpp"

namespace leasesim::kv_lease::block {

using format::Type;
using nlohmann::json;

struct Tables {
  ProtocolModule::Format format;
  const Type* protocol;
  const Type* knobs;
  raft::CoreBlockTypes kv;
  const Type* election;
  const Type* elector;
  const Type* range;
};
const Tables& tables();

BlockOutput load(const BlockInput& in, format::Sink& diag);
void to_json(const Config& c, const ScenarioNames& names, json* doc);
ProtocolCatalog catalog();
std::vector<KnobSetting> effective_knobs(const Config& c);

}  // namespace leasesim::kv_lease::block
