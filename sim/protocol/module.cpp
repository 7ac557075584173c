// The default node factory: every process from the module's make_node.
#include "leasesim/protocol/module.hpp"

namespace leasesim {

namespace {

class PlainFactory final : public NodeFactory {
 public:
  PlainFactory(const ProtocolModule& module, const ProtocolConfig& config)
      : module_(module), config_(config) {}
  std::unique_ptr<Node> make_node(NodeId id, DurableState* disk, Rng rng) override {
    return module_.make_node(config_, id, disk, rng);
  }

 private:
  const ProtocolModule& module_;
  const ProtocolConfig& config_;
};

}  // namespace

std::unique_ptr<NodeFactory> ProtocolModule::node_factory(const ProtocolConfig& config) const {
  return std::make_unique<PlainFactory>(*this, config);
}

}  // namespace leasesim
