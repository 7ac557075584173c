// The session-lease protocol module: Chubby/ZooKeeper-style sessions on a
// Raft consistent core (SessionServer), clients that keep a session alive
// and hold locks under it (Client), and raft-lease's storage node (fencing,
// sequencer checking) when some client writes. Its scenario block is the
// `protocol` (preset, knobs), `core`, `session` and `requestors` keys
// (docs/scenario-format.md#session-lease).
#pragma once

#include <string>
#include <vector>

#include "leasesim/protocol/module.hpp"
#include "leasesim/protocols/raft_lease/storage.hpp"
#include "leasesim/protocols/session_lease/client.hpp"
#include "leasesim/protocols/session_lease/options.hpp"
#include "leasesim/protocols/session_lease/server.hpp"

namespace leasesim::session_lease {

// A scenario's session-lease block, read and validated. Node ids: servers
// 0..servers-1, then the storage node (if any), then the clients.
struct Config final : ProtocolConfig {
  std::string preset = "chubby";
  Options options;

  // The core.
  uint32_t servers = 3;
  raft::CoreSettings core{};

  // Sessions.
  Duration session_timeout = seconds(3);
  Duration keepalive_every = seconds(1);
  Duration request_timeout = milliseconds(500);

  uint32_t resources = 0;
  // One per client, in node order; self, servers, storage, options and
  // session timing are filled in when the node is made.
  std::vector<ClientConfig> clients;
  bool storage = false;  // a storage node exists (some client writes)

  uint32_t node_count() const {
    return servers + (storage ? 1 : 0) + static_cast<uint32_t>(clients.size());
  }
  NodeId storage_id() const { return storage ? servers : kInvalidNode; }
  NodeId client_id(size_t i) const { return static_cast<NodeId>(servers + (storage ? 1 : 0) + i); }
  ServerConfig server_config(NodeId id) const;
  ClientConfig client_config(size_t i) const;
  raft_lease::StorageConfig storage_config() const;
};

const ProtocolModule& module();
const Config& config_of(const ProtocolConfig& c);

}  // namespace leasesim::session_lease
