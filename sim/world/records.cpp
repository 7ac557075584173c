#include "leasesim/world/records.hpp"

#include <array>

#include "leasesim/check/violation.hpp"
#include "leasesim/net/network.hpp"
#include "leasesim/protocol/message.hpp"

namespace leasesim::world_rec {
namespace {

constexpr const char* kSkipNames[] = {"no_leader",       "no_holder", "not_crashed",
                                      "already_crashed", "self_link", "empty_group"};
static_assert(std::size(kSkipNames) == static_cast<size_t>(SkipReason::kCount));
constexpr const char* kViolationNames[] = {"overlap", "stale_write", "latent_overlap",
                                           "election_safety", "committed_changed"};
static_assert(std::size(kViolationNames) == static_cast<size_t>(ViolationKind::kCount));

constexpr FieldDesc U(const char* n) { return FieldDesc{n, FieldType::kUint, 0, nullptr, 0}; }
constexpr FieldDesc I(const char* n) { return FieldDesc{n, FieldType::kInt, 0, nullptr, 0}; }
constexpr FieldDesc T(const char* n) { return FieldDesc{n, FieldType::kTime, 0, nullptr, 0}; }
constexpr FieldDesc B(const char* n) { return FieldDesc{n, FieldType::kBool, 0, nullptr, 0}; }
constexpr FieldDesc D(const char* n) { return FieldDesc{n, FieldType::kDuration, 0, nullptr, 0}; }
constexpr FieldDesc Nd(const char* n) {
  return FieldDesc{n, FieldType::kName, name_table::kNodes, nullptr, 0};
}
constexpr FieldDesc Res(const char* n) {
  return FieldDesc{n, FieldType::kName, name_table::kResources, nullptr, 0};
}
FieldDesc E(const char* n, const char* const* names, size_t count) {
  return FieldDesc{n, FieldType::kEnum, 0, names, static_cast<uint32_t>(count)};
}
const size_t kMsgCount = static_cast<size_t>(MsgType::kCount);
const size_t kDropCount = static_cast<size_t>(DropReason::kCount);

const std::array<KindDesc, 22> kKinds = {{
    {kSend, "send", 4, {Nd("to"), E("type", kMsgTypeNames, kMsgCount), U("id"), Res("resource")}},
    {kDeliver, "deliver", 4,
     {Nd("from"), E("type", kMsgTypeNames, kMsgCount), U("id"), Res("resource")}},
    {kDrop, "drop", 4,
     {Nd("to"), E("type", kMsgTypeNames, kMsgCount), U("id"),
      E("reason", kDropReasonNames, kDropCount)}},
    {kTimer, "timer", 2, {U("timer"), U("arg")}},
    {kCrash, "crash", 0, {}},
    {kRestart, "restart", 0, {}},
    {kPause, "pause", 1, {D("duration")}},
    {kResume, "resume", 0, {}},
    {kPartition, "partition", 1, {U("groups")}},
    {kGroupMember, "group_member", 2, {U("group"), Nd("member")}},
    {kCut, "cut", 2, {Nd("from"), Nd("to")}},
    {kIsolate, "isolate", 0, {}},
    {kHeal, "heal", 0, {}},
    {kClockStep, "clock_step", 2, {D("by"), D("offset")}},
    {kDrift, "drift", 2, {I("ppb"), D("offset")}},
    {kNetWindow, "net_window", 3, {U("loss_ppm"), U("duplicate_ppm"), D("duration")}},
    {kNetWindowEnd, "net_window_end", 0, {}},
    {kFaultSkipped, "fault_skipped", 2, {U("fault"), E("why", kSkipNames, std::size(kSkipNames))}},
    {kClockInit, "clock_init", 2, {D("offset"), I("ppb")}},
    {kViolation, "violation", 6,
     {E("kind", kViolationNames, std::size(kViolationNames)), Res("resource"), Nd("first"),
      Nd("second"), T("from"), T("to")}},
    {kBeliefInterval, "belief_interval", 6,
     {Res("resource"), U("lease"), Nd("holder"), U("token"), T("from"), T("to")}},
    {kViolationDetail, "violation_detail", 6,
     {U("number"), U("first_lease"), U("second_lease"), U("token"), B("first_at_end"),
      B("second_at_end")}},
}};

}  // namespace

std::span<const KindDesc> kinds() { return kKinds; }

const char* to_string(SkipReason why) {
  const auto i = static_cast<size_t>(why);
  return i < std::size(kSkipNames) ? kSkipNames[i] : "?";
}

}  // namespace leasesim::world_rec
