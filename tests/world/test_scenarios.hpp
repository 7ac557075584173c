// Scenarios built in code for world tests (independent of the JSON loader).
#pragma once

#include <memory>
#include <string>

#include "../support/raft_lease.hpp"
#include "leasesim/protocols/raft_lease/module.hpp"
#include "leasesim/scenario/scenario.hpp"

namespace leasesim::testing {

// `servers` servers, `requestors` requestors contending for `resources`
// resources, uniform 1..10 ms latency, the given raft-lease preset.
inline Scenario basic_scenario(uint32_t servers, uint32_t requestors, uint32_t resources,
                               const std::string& preset = "seed", uint64_t seed = 1) {
  Scenario s;
  s.name = "test";
  s.seed = seed;
  s.duration = seconds(30);
  auto c = std::make_shared<raft_lease::Config>();
  c->preset = preset;
  raft_lease::preset_options(preset, &c->options);
  c->servers = servers;
  c->resources = resources;
  NodeLayout nodes;
  for (uint32_t i = 0; i < servers; ++i) nodes.servers.push_back("n" + std::to_string(i + 1));
  for (uint32_t i = 0; i < resources; ++i) s.resources.push_back("r" + std::to_string(i + 1));
  for (uint32_t i = 0; i < requestors; ++i) {
    nodes.requestors.push_back("c" + std::to_string(i + 1));
    raft_lease::RequestorConfig r;
    for (uint32_t k = 0; k < resources; ++k) r.resources.push_back(k);
    r.choice =
        resources == 1 ? raft_lease::ResourceChoice::kFixed : raft_lease::ResourceChoice::kRandom;
    r.options = c->options;
    r.ttl = seconds(5);
    r.renew_every = milliseconds(1666);
    c->requestors.push_back(r);
  }
  c->ttl = c->max_ttl = seconds(5);
  s.set_protocol(raft_lease::module(), c, preset, std::move(nodes));
  s.network.default_profile.latency = LatencyModel::uniform(milliseconds(1), milliseconds(10));
  s.network.fifo_nodes = servers;
  s.network.node_count = s.node_count();
  s.clocks.resize(s.node_count());
  return s;
}

}  // namespace leasesim::testing

#include <vector>

#include "leasesim/core/trace.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim::testing {

// Keeps every record of a run in memory (tests only).
class CaptureSink final : public TraceSink {
 public:
  void write(const Record& r) override { records.push_back(r); }
  bool finish(std::string*) override { return true; }
  std::vector<Record> records;
};

// Every record of a run of `s`, in order.
inline std::vector<Record> run_records(const Scenario& s) {
  CaptureSink sink;
  RunOptions o;
  o.trace = &sink;
  World(s, o).run();
  return std::move(sink.records);
}

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
