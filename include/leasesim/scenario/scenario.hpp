// A validated experiment: everything a run needs, with names resolved to
// dense ids and durations parsed. Built by the loader (loader.hpp) from a
// JSON scenario file (docs/scenario-format.md); the world builds a run from
// it without further checks.
//
// The protocol's part (its `protocol` fields, and for raft-lease the `core`,
// `lease` and `requestors` keys) is read by its module into an opaque
// ProtocolConfig; the scenario keeps the node layout the module declared.
// Node numbering: servers are 0..S-1 (in `servers` order), then the
// protocol's other nodes (`others`, e.g. the storage node), then
// requestors in file order.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "leasesim/core/ids.hpp"
#include "leasesim/core/time.hpp"
#include "leasesim/fault/fault.hpp"
#include "leasesim/fault/random_faults.hpp"
#include "leasesim/net/network.hpp"
#include "leasesim/protocol/module.hpp"
#include "leasesim/protocol/types.hpp"
#include "leasesim/scenario/timing.hpp"

namespace leasesim {

struct ClockSpec {
  Duration offset = Duration::zero();
  int64_t drift_ppb = 0;
};

// What the scenario claims about its own outcome; `leasesim check`
// compares it with the run.
struct Expectation {
  enum class Safety : uint8_t { kUnspecified, kHolds, kViolation };
  Safety safety = Safety::kUnspecified;
  std::vector<std::string> violation_kinds;  // with kViolation: each must occur
  std::optional<double> min_availability;    // fraction of wanted time held, per run
  std::optional<uint64_t> min_grants;
  std::optional<uint64_t> min_elections;  // times a server became leader
  std::optional<uint64_t> max_elections;
};

struct Scenario {
  std::string file;  // where it came from ("" if built in code)
  std::string name;
  std::string description;
  uint64_t seed = 1;
  Duration duration = seconds(60);

  // The protocol (a registered module's name), its preset's name (for
  // reports) and the module's parsed block.
  std::string protocol;
  std::string preset;
  std::shared_ptr<const ProtocolConfig> protocol_config;

  // Node names by id range (module.hpp's NodeLayout).
  std::vector<std::string> servers;
  std::vector<std::string> others;
  std::vector<std::string> requestors;

  std::vector<std::string> resources;
  NetworkConfig network;          // node_count and fifo_nodes filled by the loader
  std::vector<ClockSpec> clocks;  // per node id
  TimingSpec timing;              // the `timing` block (timing.hpp)
  std::vector<Fault> faults;      // sorted by `at`, stable
  Expectation expect;
  // The `explore` block: limits for random faults (leasesim explore); unset
  // when the file has none (explore then uses ExploreSpec's defaults).
  std::optional<ExploreSpec> explore;

  // The module of `protocol` (registry.hpp). Precondition: registered.
  const ProtocolModule& module() const;
  // Makes this a scenario of `m` with `config`, its nodes laid out as
  // `nodes` (for scenarios built in code; the loader does the same).
  void set_protocol(const ProtocolModule& m, std::shared_ptr<const ProtocolConfig> config,
                    std::string preset_name, NodeLayout nodes);

  // Derived layout.
  uint32_t node_count() const {
    return static_cast<uint32_t>(servers.size() + others.size() + requestors.size());
  }
  NodeId requestor_id(size_t i) const {
    return static_cast<NodeId>(servers.size() + others.size() + i);
  }
  std::vector<std::string> node_names() const;
  ScenarioNames names() const { return {servers, others, requestors, resources}; }
};

}  // namespace leasesim
