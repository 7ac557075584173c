#include "leasesim/scenario/scenario.hpp"

#include <array>
#include <string_view>

#include "leasesim/core/assert.hpp"
#include "leasesim/protocol/registry.hpp"

namespace leasesim {

namespace {
constexpr std::array<const char*, 10> kFaultKindNames = {"crash", "restart", "pause", "partition",
                                                         "cut",   "isolate", "heal",  "clock_step",
                                                         "drift", "network"};
static_assert(kFaultKindNames.size() == static_cast<size_t>(FaultKind::kCount));
}  // namespace

const char* to_string(FaultKind k) {
  const auto i = static_cast<size_t>(k);
  return i < kFaultKindNames.size() ? kFaultKindNames[i] : "?";
}

std::vector<std::string> Scenario::node_names() const {
  std::vector<std::string> names;
  names.reserve(node_count());
  names.insert(names.end(), servers.begin(), servers.end());
  names.insert(names.end(), others.begin(), others.end());
  names.insert(names.end(), requestors.begin(), requestors.end());
  return names;
}

const ProtocolModule& Scenario::module() const {
  const ProtocolModule* m = find_protocol(protocol);
  LEASESIM_ASSERT(m != nullptr, "scenario names an unregistered protocol");
  return *m;
}

void Scenario::set_protocol(const ProtocolModule& m, std::shared_ptr<const ProtocolConfig> config,
                            std::string preset_name, NodeLayout nodes) {
  protocol = std::string(m.name());
  preset = std::move(preset_name);
  protocol_config = std::move(config);
  servers = std::move(nodes.servers);
  others = std::move(nodes.others);
  requestors = std::move(nodes.requestors);
}

}  // namespace leasesim
