// The kv-lease protocol module: a lease record per resource in a
// linearizable key-value store built on the Raft core (KvServer), and
// electors that judge it on their own clocks (Elector), as Kubernetes'
// client-go leader election on a coordination.k8s.io Lease. Its scenario
// block is the `protocol` (preset, knobs), `kv`, `election` and `electors`
// keys of docs/scenario-format.md.
#pragma once

#include <string>
#include <vector>

#include "leasesim/protocol/module.hpp"
#include "leasesim/protocols/kv_lease/elector.hpp"
#include "leasesim/protocols/kv_lease/kv_server.hpp"
#include "leasesim/protocols/kv_lease/options.hpp"

namespace leasesim::kv_lease {

// One group of electors with one configuration (names expanded).
struct ElectorGroup {
  std::vector<ResourceId> resources;  // empty: every resource
  Duration start = Duration::zero();
  Duration hold_min = Duration::max(), hold_max = Duration::max();
  Duration rejoin_min = seconds(1), rejoin_max = seconds(1);
  bool operator==(const ElectorGroup&) const = default;
};

// A scenario's kv-lease block. Node ids: servers 0..servers-1, then the
// electors.
struct Config final : ProtocolConfig {
  std::string preset = "safe";
  Knobs knobs;

  // The store.
  uint32_t servers = 3;
  raft::CoreSettings core{};  // pre_vote: etcd's --pre-vote
  raft::QuorumCheck check_quorum = raft::QuorumCheck::kTick;

  // The election (every elector's, as one deployment configures them).
  Duration lease_duration = seconds(15);
  Duration renew_deadline = seconds(10);
  Duration retry_period = seconds(2);
  Duration jitter = milliseconds(2400);
  Duration request_timeout = seconds(1);
  bool fast_path = true;

  uint32_t resources = 0;
  std::vector<ElectorGroup> electors;  // one per elector, in node order

  NodeId elector_id(size_t i) const { return static_cast<NodeId>(servers + i); }
  uint32_t node_count() const { return servers + static_cast<uint32_t>(electors.size()); }
  ServerConfig server_config(NodeId id) const;
  ElectorConfig elector_config(size_t i) const;
};

const ProtocolModule& module();
const Config& config_of(const ProtocolConfig& c);

}  // namespace leasesim::kv_lease
