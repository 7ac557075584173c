#include "leasesim/protocol/observations.hpp"

#include <array>

#include "leasesim/core/time.hpp"

namespace leasesim {
namespace {

constexpr const char* kClockNames[] = {"wall", "monotonic"};

constexpr FieldDesc U(const char* n) { return FieldDesc{n, FieldType::kUint, 0, nullptr, 0}; }
constexpr FieldDesc T(const char* n) { return FieldDesc{n, FieldType::kTime, 0, nullptr, 0}; }
constexpr FieldDesc D(const char* n) { return FieldDesc{n, FieldType::kDuration, 0, nullptr, 0}; }
constexpr FieldDesc Res(const char* n) {
  return FieldDesc{n, FieldType::kName, name_table::kResources, nullptr, 0};
}
constexpr FieldDesc Nd(const char* n) {
  return FieldDesc{n, FieldType::kName, name_table::kNodes, nullptr, 0};
}
FieldDesc E(const char* n, const char* const* names, size_t count) {
  return FieldDesc{n, FieldType::kEnum, 0, names, static_cast<uint32_t>(count)};
}
constexpr size_t kRoles = static_cast<size_t>(Role::kCount);
constexpr size_t kFreeReasons = static_cast<size_t>(FreeReason::kCount);
constexpr size_t kEndReasons = static_cast<size_t>(BeliefEndReason::kCount);

const std::array<KindDesc, obs::kEnd - obs::kRole> kKinds = {{
    {obs::kRole, "role", 2, {E("role", kRoleNames, kRoles), U("term")}},
    {obs::kLeaderReady, "leader_ready", 1, {U("term")}},
    {obs::kCommitted, "committed", 3, {U("index"), U("term"), U("digest")}},
    {obs::kSnapshot, "snapshot", 2, {U("index"), U("term")}},
    {obs::kLeaseGranted, "lease_granted", 5,
     {Res("resource"), U("lease"), Nd("holder"), U("token"), D("ttl")}},
    {obs::kLeaseRenewed, "lease_renewed", 4,
     {Res("resource"), U("lease"), T("expiry"), D("ttl")}},
    {obs::kLeaseRefreshed, "lease_refreshed", 3, {Res("resource"), U("lease"), T("expiry")}},
    {obs::kLeaseFreed, "lease_freed", 3,
     {Res("resource"), U("lease"), E("reason", kFreeReasonNames, kFreeReasons)}},
    {obs::kWant, "want", 1, {Res("resource")}},
    {obs::kBeliefBegin, "belief_begin", 5,
     {Res("resource"), U("lease"), U("token"), T("deadline"), E("clock", kClockNames, 2)}},
    {obs::kBeliefExtend, "belief_extend", 3, {Res("resource"), U("lease"), T("deadline")}},
    {obs::kBeliefEnd, "belief_end", 3,
     {Res("resource"), U("lease"), E("reason", kBeliefEndReasonNames, kEndReasons)}},
    {obs::kWorkCheck, "work_check", 3, {Res("resource"), U("lease"), U("token")}},
    {obs::kWriteAccepted, "write_accepted", 4,
     {Res("resource"), U("token"), Nd("writer"), U("lease")}},
    {obs::kWriteRejected, "write_rejected", 5,
     {Res("resource"), U("token"), Nd("writer"), U("lease"), U("highest")}},
}};

}  // namespace

std::span<const KindDesc> observation_kinds() { return kKinds; }

}  // namespace leasesim
