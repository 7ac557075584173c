// The raft-lease module: its ProtocolModule implementation and the node
// configurations it derives from a scenario's block.
#include "leasesim/protocols/raft_lease/module.hpp"

#include <algorithm>
#include <array>

#include "block.hpp"
#include "leasesim/core/assert.hpp"

namespace leasesim::raft_lease {

ServerConfig Config::server_config(NodeId id) const {
  ServerConfig c;
  c.self = id;
  for (uint32_t i = 0; i < servers; ++i) c.servers.push_back(i);
  c.resources = resources;
  c.options = options;
  c.core = core;
  c.max_ttl = max_ttl;
  return c;
}

RequestorConfig Config::requestor_config(size_t i) const {
  RequestorConfig c = requestors[i];
  c.self = requestor_id(i);
  c.servers.clear();
  for (uint32_t s = 0; s < servers; ++s) c.servers.push_back(s);
  c.storage = storage_id();
  return c;
}

StorageConfig Config::storage_config() const {
  StorageConfig c;
  c.self = storage_id();
  c.resources = resources;
  c.fencing = options.fencing;
  c.sequencer = options.sequencer;
  if (c.sequencer.check)
    for (uint32_t s = 0; s < servers; ++s) c.servers.push_back(s);
  c.margin = options.margin;
  return c;
}

const Config& config_of(const ProtocolConfig& c) {
  const auto* rc = dynamic_cast<const Config*>(&c);
  LEASESIM_ASSERT(rc != nullptr, "not a raft-lease config");
  return *rc;
}

namespace {

constexpr std::array<KindDesc, 4> kKinds = {raft::Vote::kDesc, raft::StepDown::kDesc, Reject::kDesc,
                                            Validated::kDesc};

// One run's nodes. Consecutive requestors with equal configurations (a
// group of a scenario, unless a caller edited single requestors) share one
// RequestorConfig: their ids differ, and the Requestor keeps its id apart.
class Factory final : public NodeFactory {
 public:
  explicit Factory(const Config& c) : c_(c) {
    for (size_t i = 0; i < c.requestors.size(); ++i) {
      if (i > 0 && c.requestors[i] == c.requestors[i - 1]) continue;
      RequestorConfig shared = c.requestor_config(i);
      shared.self = kInvalidNode;  // per requestor, never read from here
      stretches_.push_back({i, std::make_shared<const RequestorConfig>(std::move(shared))});
    }
  }

  std::unique_ptr<Node> make_node(NodeId id, DurableState* disk, Rng rng) override;

 private:
  struct Stretch {
    size_t first;  // index of its first requestor
    std::shared_ptr<const RequestorConfig> config;
  };
  const Config& c_;
  std::vector<Stretch> stretches_;  // by `first`, ascending
};

std::unique_ptr<Node> make_server_or_storage(const Config& c, NodeId id, DurableState* disk,
                                             Rng rng) {
  if (id < c.servers) {
    return std::make_unique<LeaseServer>(c.server_config(id), static_cast<ServerDisk&>(*disk), rng);
  }
  LEASESIM_ASSERT(id == c.storage_id(), "not a server or the storage node");
  return std::make_unique<Storage>(c.storage_config(), static_cast<raft_lease::StorageDisk&>(*disk),
                                   rng);
}

std::unique_ptr<Node> Factory::make_node(NodeId id, DurableState* disk, Rng rng) {
  if (id < c_.requestor_id(0)) return make_server_or_storage(c_, id, disk, rng);
  LEASESIM_ASSERT(id < c_.node_count(), "node id outside the scenario");
  const size_t i = id - c_.requestor_id(0);
  const auto it = std::upper_bound(stretches_.begin(), stretches_.end(), i,
                                   [](size_t v, const Stretch& s) { return v < s.first; });
  return std::make_unique<Requestor>((it - 1)->config, id, rng);
}

class Module final : public ProtocolModule {
 public:
  std::string_view name() const override { return "raft-lease"; }
  std::string_view description() const override {
    return "Raft consistent core with a replicated lease table (the seed design and its "
           "variants)";
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
    if (id < c.requestor_id(0)) return make_server_or_storage(c, id, disk, rng);
    LEASESIM_ASSERT(id < c.node_count(), "node id outside the scenario");
    return std::make_unique<Requestor>(c.requestor_config(id - c.requestor_id(0)), rng);
  }
  std::unique_ptr<NodeFactory> node_factory(const ProtocolConfig& pc) const override {
    return std::make_unique<Factory>(config_of(pc));
  }
  std::span<const KindDesc> record_kinds() const override { return kKinds; }
  std::span<const char* const> message_names() const override { return kMsgTypeNames; }
};

}  // namespace

const ProtocolModule& module() {
  static const Module m;
  return m;
}

}  // namespace leasesim::raft_lease
