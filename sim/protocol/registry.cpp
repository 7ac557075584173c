#include "leasesim/protocol/registry.hpp"

#include <array>

namespace leasesim {
namespace {

const std::array<KindDesc, 4> kRaftKinds = {raft_obs::Vote::kDesc, raft_obs::StepDown::kDesc,
                                            raft_obs::Reject::kDesc, raft_obs::Validated::kDesc};

class RaftLeaseProtocol final : public ProtocolFactory {
 public:
  std::string_view name() const override { return "raft-lease"; }
  std::string_view description() const override {
    return "Raft consistent core with a replicated lease table (the seed design and its "
           "variants)";
  }
  std::unique_ptr<DurableState> make_server_disk() const override {
    return std::make_unique<ServerDisk>();
  }
  std::unique_ptr<Node> make_server(const ServerConfig& config, DurableState& disk,
                                    Rng rng) const override {
    return std::make_unique<LeaseServer>(config, static_cast<ServerDisk&>(disk), rng);
  }
  std::unique_ptr<Node> make_requestor(const RequestorConfig& config, Rng rng) const override {
    return std::make_unique<Requestor>(config, rng);
  }
  std::span<const KindDesc> record_kinds() const override { return kRaftKinds; }
};

const RaftLeaseProtocol kRaftLease;
const std::array<const ProtocolFactory*, 1> kProtocols = {&kRaftLease};

}  // namespace

const ProtocolFactory& raft_lease_protocol() {
  return kRaftLease;
}

std::span<const ProtocolFactory* const> protocols() {
  return kProtocols;
}

const ProtocolFactory* find_protocol(std::string_view name) {
  for (const ProtocolFactory* p : kProtocols)
    if (p->name() == name) return p;
  return nullptr;
}

}  // namespace leasesim
