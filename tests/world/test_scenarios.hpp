// Scenarios built in code for world tests (independent of the JSON loader).
#pragma once

#include <string>

#include "leasesim/protocol/options.hpp"
#include "leasesim/scenario/scenario.hpp"

namespace leasesim::testing {

// `servers` servers, `requestors` requestors contending for `resources`
// resources, uniform 1..10 ms latency, the given preset.
inline Scenario basic_scenario(uint32_t servers, uint32_t requestors, uint32_t resources,
                               const std::string& preset = "seed", uint64_t seed = 1) {
  Scenario s;
  s.name = "test";
  s.seed = seed;
  s.duration = seconds(30);
  s.preset = preset;
  preset_options(preset, &s.options);
  for (uint32_t i = 0; i < servers; ++i) s.servers.push_back("n" + std::to_string(i + 1));
  for (uint32_t i = 0; i < resources; ++i) s.resources.push_back("r" + std::to_string(i + 1));
  for (uint32_t i = 0; i < requestors; ++i) {
    RequestorSpec r;
    r.name = "c" + std::to_string(i + 1);
    for (uint32_t k = 0; k < resources; ++k) r.config.resources.push_back(k);
    r.config.choice = resources == 1 ? ResourceChoice::kFixed : ResourceChoice::kRandom;
    r.config.options = s.options;
    r.config.ttl = seconds(5);
    r.config.renew_every = milliseconds(1666);
    s.requestors.push_back(r);
  }
  s.ttl = s.max_ttl = seconds(5);
  s.network.default_profile.latency = LatencyModel::uniform(milliseconds(1), milliseconds(10));
  s.network.fifo_nodes = servers;
  s.network.node_count = s.node_count();
  s.clocks.resize(s.node_count());
  return s;
}

}  // namespace leasesim::testing

#include <vector>

#include "leasesim/core/trace.hpp"

namespace leasesim::testing {

// Keeps every record of a run in memory (tests only).
class CaptureSink final : public TraceSink {
 public:
  void write(const Record& r) override { records.push_back(r); }
  bool finish(std::string*) override { return true; }
  std::vector<Record> records;
};

inline FaultTarget node_target(NodeId n) {
  FaultTarget t;
  t.kind = FaultTarget::Kind::kNode;
  t.node = n;
  return t;
}

inline FaultTarget leader_target() {
  FaultTarget t;
  t.kind = FaultTarget::Kind::kLeader;
  return t;
}

inline Fault make_fault(FaultKind kind, Duration at, FaultTarget target,
                        Duration duration = Duration::zero()) {
  Fault f;
  f.kind = kind;
  f.at = TimePoint::origin() + at;
  f.target = target;
  f.duration = duration;
  return f;
}

}  // namespace leasesim::testing
