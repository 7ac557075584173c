// The kv-lease module: its ProtocolModule implementation and the node
// configurations it derives from a scenario's block.
#include "leasesim/protocols/kv_lease/module.hpp"

#include <array>

#include "block.hpp"
#include "leasesim/core/assert.hpp"

namespace leasesim::kv_lease {

ServerConfig Config::server_config(NodeId id) const {
  ServerConfig c;
  c.self = id;
  for (uint32_t i = 0; i < servers; ++i) c.servers.push_back(i);
  c.resources = resources;
  c.knobs = knobs;
  c.core = core;
  c.check_quorum = check_quorum;
  return c;
}

ElectorConfig Config::elector_config(size_t i) const {
  const ElectorGroup& g = electors[i];
  ElectorConfig c;
  c.self = elector_id(i);
  for (uint32_t s = 0; s < servers; ++s) c.servers.push_back(s);
  c.resources = g.resources;
  if (c.resources.empty())
    for (ResourceId r = 0; r < resources; ++r) c.resources.push_back(r);
  c.knobs = knobs;
  c.lease_duration = lease_duration;
  c.renew_deadline = renew_deadline;
  c.retry_period = retry_period;
  c.jitter = jitter;
  c.request_timeout = request_timeout;
  c.fast_path = fast_path;
  c.start = g.start;
  c.hold_min = g.hold_min;
  c.hold_max = g.hold_max;
  c.rejoin_min = g.rejoin_min;
  c.rejoin_max = g.rejoin_max;
  return c;
}

const Config& config_of(const ProtocolConfig& c) {
  const auto* kc = dynamic_cast<const Config*>(&c);
  LEASESIM_ASSERT(kc != nullptr, "not a kv-lease config");
  return *kc;
}

namespace {

constexpr std::array<KindDesc, 4> kKinds = {raft::Vote::kDesc, raft::StepDown::kDesc,
                                            KvWrite::kDesc, StoppedLeading::kDesc};

class Module final : public ProtocolModule {
 public:
  std::string_view name() const override { return "kv-lease"; }
  std::string_view description() const override {
    return "a lease record in a Raft key-value store, judged by its clients on their own clocks "
           "(Kubernetes client-go leader election)";
  }
  const Format& scenario_format() const override { return block::tables().format; }
  BlockOutput load(const BlockInput& in, format::Sink& diag) const override {
    return block::load(in, diag);
  }
  double events_per_second(const ProtocolConfig& pc) const override {
    // Heartbeats and their replies at every follower; per election and
    // retry period a Get or Update and its reply, replicated; a resend per
    // elector per request_timeout (the worst case: answers lost).
    const Config& c = config_of(pc);
    const double second = static_cast<double>(seconds(1).ns());
    double rate = 2.0 * second / static_cast<double>(c.core.heartbeat.ns()) * c.servers;
    for (size_t i = 0; i < c.electors.size(); ++i) {
      const size_t n =
          c.electors[i].resources.empty() ? c.resources : c.electors[i].resources.size();
      rate += (4.0 + 2.0 * c.servers) * static_cast<double>(n) * second /
              static_cast<double>(c.retry_period.ns());
      rate += static_cast<double>(n) * second / static_cast<double>(c.request_timeout.ns());
    }
    return rate;
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
    return std::make_unique<ElectorDisk>();
  }
  std::unique_ptr<Node> make_node(const ProtocolConfig& pc, NodeId id, DurableState* disk,
                                  Rng rng) const override {
    const Config& c = config_of(pc);
    if (id < c.servers)
      return std::make_unique<KvServer>(c.server_config(id), static_cast<ServerDisk&>(*disk), rng);
    LEASESIM_ASSERT(id < c.node_count(), "node id outside the scenario");
    return std::make_unique<Elector>(c.elector_config(id - c.servers),
                                     static_cast<ElectorDisk&>(*disk), rng);
  }
  std::span<const KindDesc> record_kinds() const override { return kKinds; }
  std::span<const char* const> message_names() const override { return kMsgTypeNames; }
};

}  // namespace

const ProtocolModule& module() {
  static const Module m;
  return m;
}

}  // namespace leasesim::kv_lease
