#include "leasesim/scenario/scenario.hpp"

#include <array>
#include <string_view>

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
  if (storage) names.emplace_back("storage");
  for (const RequestorSpec& r : requestors) names.push_back(r.name);
  return names;
}

}  // namespace leasesim
