// The raft-lease protocol module: a Raft consistent core with a replicated
// lease table (LeaseServer), requestors that hold leases (Requestor), and a
// storage node they write to (Storage). Its scenario block is the
// `protocol` (preset, knobs), `core`, `lease` and `requestors` keys of
// docs/scenario-format.md.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "leasesim/protocol/module.hpp"
#include "leasesim/protocols/raft_lease/lease_server.hpp"
#include "leasesim/protocols/raft_lease/options.hpp"
#include "leasesim/protocols/raft_lease/requestor.hpp"
#include "leasesim/protocols/raft_lease/storage.hpp"

namespace leasesim::raft_lease {

// A scenario's raft-lease block, read and validated. Node ids: servers
// 0..servers-1, then the storage node (if any), then the requestors.
struct Config final : ProtocolConfig {
  std::string preset = "seed";
  LeaseOptions options;

  // The core.
  uint32_t servers = 3;
  raft::CoreSettings core{};

  // Leases.
  Duration ttl = seconds(5);
  Duration max_ttl = seconds(5);
  uint32_t resources = 0;
  // One per requestor, in node order; `self`, `servers` and `storage` are
  // filled in when the node is made.
  std::vector<RequestorConfig> requestors;
  bool storage = false;  // a storage node exists (some requestor writes)

  uint32_t node_count() const {
    return servers + (storage ? 1 : 0) + static_cast<uint32_t>(requestors.size());
  }
  NodeId storage_id() const { return storage ? servers : kInvalidNode; }
  NodeId requestor_id(size_t i) const {
    return static_cast<NodeId>(servers + (storage ? 1 : 0) + i);
  }
  // The configuration of server `id`, requestor `i` and the storage node.
  ServerConfig server_config(NodeId id) const;
  RequestorConfig requestor_config(size_t i) const;
  StorageConfig storage_config() const;
};

// The module (registered by register_builtin_protocols()).
const ProtocolModule& module();

// The config of a scenario whose protocol is raft-lease. Precondition: it
// is (asserted).
const Config& config_of(const ProtocolConfig& c);

}  // namespace leasesim::raft_lease
