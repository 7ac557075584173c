#include "leasesim/protocol/registry.hpp"

#include <array>

namespace leasesim {
namespace {

constexpr const char* kMsgNames[] = {
    "acquire",          "renew",    "release",      "granted",    "denied",         "renewed",
    "released",         "redirect", "request_vote", "vote_reply", "append_entries", "append_reply",
    "install_snapshot", "write",    "write_reply",  "validate",   "validated"};
constexpr const char* kStepDownNames[] = {"higher_term", "lost_quorum"};
constexpr const char* kErrorNames[] = {"none",          "held",       "not_ready",
                                       "unknown_lease", "not_holder", "expired",
                                       "stale_token",   "blocked",    "unavailable"};
static_assert(std::size(kMsgNames) == static_cast<size_t>(MsgType::kCount));
static_assert(std::size(kErrorNames) == static_cast<size_t>(ErrorCode::kCount));
static_assert(std::size(kStepDownNames) == static_cast<size_t>(StepDownReason::kCount));

constexpr FieldDesc U(const char* n) {
  return FieldDesc{n, FieldType::kUint, 0, nullptr, 0};
}
constexpr FieldDesc B(const char* n) {
  return FieldDesc{n, FieldType::kBool, 0, nullptr, 0};
}
constexpr FieldDesc D(const char* n) {
  return FieldDesc{n, FieldType::kDuration, 0, nullptr, 0};
}
constexpr FieldDesc Nd(const char* n) {
  return FieldDesc{n, FieldType::kName, name_table::kNodes, nullptr, 0};
}
constexpr FieldDesc Res(const char* n) {
  return FieldDesc{n, FieldType::kName, name_table::kResources, nullptr, 0};
}
template <size_t N>
constexpr FieldDesc E(const char* n, const char* const (&names)[N]) {
  return FieldDesc{n, FieldType::kEnum, 0, names, static_cast<uint32_t>(N)};
}

const std::array<KindDesc, 4> kRaftKinds = {{
    {raft_obs::kVote, "vote", 3, {U("term"), Nd("candidate"), B("granted")}},
    {raft_obs::kStepDown, "step_down", 2, {U("term"), E("reason", kStepDownNames)}},
    {raft_obs::kReject,
     "reject",
     4,
     {E("request", kMsgNames), Res("resource"), E("error", kErrorNames), U("lease")}},
    {raft_obs::kValidated, "validated", 4, {Res("resource"), U("lease"), B("valid"), D("window")}},
}};

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
