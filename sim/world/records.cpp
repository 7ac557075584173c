#include "leasesim/world/records.hpp"

#include <array>

#include "leasesim/check/violation.hpp"
#include "leasesim/net/network.hpp"

namespace leasesim::world_rec {
namespace {

static_assert(std::size(kViolationKindNames) == static_cast<size_t>(ViolationKind::kCount));
static_assert(std::size(kDropNames) == static_cast<size_t>(DropReason::kCount));

constexpr std::array<KindDesc, 25> kKinds = {
    Send::kDesc,
    Deliver::kDesc,
    Drop::kDesc,
    Timer::kDesc,
    Crash::kDesc,
    Restart::kDesc,
    Pause::kDesc,
    Resume::kDesc,
    Partition::kDesc,
    GroupMember::kDesc,
    Cut::kDesc,
    Isolate::kDesc,
    Heal::kDesc,
    ClockStep::kDesc,
    Drift::kDesc,
    NetWindow::kDesc,
    NetWindowEnd::kDesc,
    FaultSkipped::kDesc,
    ClockInit::kDesc,
    Header::kDesc,
    Knob::kDesc,
    ViolationFound::kDesc,
    BeliefInterval::kDesc,
    ViolationDetail::kDesc,
    RunEnd::kDesc,
};

}  // namespace

std::vector<KindDesc> kinds(std::span<const char* const> message_names) {
  std::vector<KindDesc> out(kKinds.begin(), kKinds.end());
  for (KindDesc& d : out) {
    if (d.kind != kSend && d.kind != kDeliver && d.kind != kDrop) continue;
    d.fields[1].enum_names = message_names.data();
    d.fields[1].enum_count = static_cast<uint32_t>(message_names.size());
  }
  return out;
}

const char* to_string(SkipReason why) {
  const auto i = static_cast<size_t>(why);
  return i < std::size(kSkipReasonNames) ? kSkipReasonNames[i] : "?";
}

}  // namespace leasesim::world_rec
