#include "leasesim/protocol/observations.hpp"

#include <array>

#include "leasesim/protocol/session_observations.hpp"

namespace leasesim {
namespace {

constexpr std::array<KindDesc, obs::kEnd - obs::kRole> kKinds = {
    obs::RoleChanged::kDesc,       obs::LeaderReady::kDesc,   obs::Committed::kDesc,
    obs::SnapshotInstalled::kDesc, obs::LeaseGranted::kDesc,  obs::LeaseRenewed::kDesc,
    obs::LeaseRefreshed::kDesc,    obs::LeaseFreed::kDesc,    obs::Want::kDesc,
    obs::BeliefBegin::kDesc,       obs::BeliefExtend::kDesc,  obs::BeliefEnd::kDesc,
    obs::WorkCheck::kDesc,         obs::WriteAccepted::kDesc, obs::WriteRejected::kDesc,
    obs::WriteSent::kDesc,         obs::SessionBegin::kDesc,  obs::SessionExtend::kDesc,
    obs::SessionEnd::kDesc,        obs::SessionState::kDesc,
};
// Kinds are dense from kRole and listed in number order.
constexpr bool dense() {
  for (size_t i = 0; i < kKinds.size(); ++i)
    if (kKinds[i].kind != obs::kRole + i) return false;
  return true;
}
static_assert(dense());

}  // namespace

std::span<const KindDesc> observation_kinds() {
  return kKinds;
}

}  // namespace leasesim
