// The session-lease module: its ProtocolModule implementation and the node
// configurations it derives from a scenario's block.
#include "leasesim/protocols/session_lease/module.hpp"

#include <array>

#include "block.hpp"
#include "leasesim/core/assert.hpp"

namespace leasesim::session_lease {

ServerConfig Config::server_config(NodeId id) const {
  ServerConfig c;
  c.self = id;
  for (uint32_t i = 0; i < servers; ++i) c.servers.push_back(i);
  c.resources = resources;
  c.options = options;
  c.session_timeout = session_timeout;
  c.core = core;
  return c;
}

ClientConfig Config::client_config(size_t i) const {
  ClientConfig c = clients[i];
  c.self = client_id(i);
  c.servers.clear();
  for (uint32_t s = 0; s < servers; ++s) c.servers.push_back(s);
  c.storage = storage_id();
  c.options = options;
  c.keepalive_every = keepalive_every;
  c.request_timeout = request_timeout;
  return c;
}

raft_lease::StorageConfig Config::storage_config() const {
  raft_lease::StorageConfig c;
  c.self = storage_id();
  c.resources = resources;
  c.fencing = options.fencing;
  c.sequencer = raft_lease::SequencerOptions{options.sequencer.check, options.sequencer.window};
  if (c.sequencer.check)
    for (uint32_t s = 0; s < servers; ++s) c.servers.push_back(s);
  // Storage's validity windows get the clients' drift margin.
  c.margin = raft_lease::HolderMargin{raft_lease::MarginKind::kDriftBound, options.margin,
                                      options.drift_ppm};
  return c;
}

const Config& config_of(const ProtocolConfig& c) {
  const auto* sc = dynamic_cast<const Config*>(&c);
  LEASESIM_ASSERT(sc != nullptr, "not a session-lease config");
  return *sc;
}

namespace {

// The session's own life is in the common session observations
// (protocol/session_observations.hpp), in every run's schema.
constexpr std::array<KindDesc, 4> kKinds = {raft::Vote::kDesc, raft::StepDown::kDesc, Reject::kDesc,
                                            Validated::kDesc};

class Module final : public ProtocolModule {
 public:
  std::string_view name() const override { return "session-lease"; }
  std::string_view description() const override {
    return "Chubby/ZooKeeper-style sessions: locks tied to sessions kept alive by KeepAlives, "
           "on a Raft core";
  }
  const Format& scenario_format() const override { return block::tables().format; }
  BlockOutput load(const BlockInput& in, format::Sink& diag) const override {
    return block::load(in, diag);
  }
  double events_per_second(const ProtocolConfig& c) const override {
    return block::events_per_second(config_of(c));
  }
  void to_json(const ProtocolConfig& c, const ScenarioNames& names,
               nlohmann::json* doc) const override {
    block::to_json(config_of(c), names, doc);
  }
  ProtocolCatalog catalog() const override { return block::catalog(); }
  std::vector<KnobSetting> effective_knobs(const ProtocolConfig& c) const override {
    return block::effective_knobs(config_of(c));
  }
  std::unique_ptr<DurableState> make_disk(const ProtocolConfig& pc, NodeId id) const override {
    const Config& c = config_of(pc);
    if (id < c.servers) return std::make_unique<ServerDisk>();
    if (id == c.storage_id()) return std::make_unique<raft_lease::StorageDisk>();
    return nullptr;
  }
  std::unique_ptr<Node> make_node(const ProtocolConfig& pc, NodeId id, DurableState* disk,
                                  Rng rng) const override {
    const Config& c = config_of(pc);
    if (id < c.servers)
      return std::make_unique<SessionServer>(c.server_config(id), static_cast<ServerDisk&>(*disk),
                                             rng);
    if (id == c.storage_id())
      return std::make_unique<raft_lease::Storage>(
          c.storage_config(), static_cast<raft_lease::StorageDisk&>(*disk), rng);
    LEASESIM_ASSERT(id < c.node_count(), "node id outside the scenario");
    return std::make_unique<Client>(c.client_config(id - c.client_id(0)), rng);
  }
  std::span<const KindDesc> record_kinds() const override { return kKinds; }
  std::span<const char* const> message_names() const override { return kMsgTypeNames; }
};

}  // namespace

const ProtocolModule& module() {
  static const Module m;
  return m;
}

}  // namespace leasesim::session_lease
