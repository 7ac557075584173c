#include "leasesim/protocol/observations.hpp"

#include <array>

#include "leasesim/core/time.hpp"
#include "leasesim/protocol/types.hpp"

namespace leasesim {
namespace {

constexpr const char* kClockNames[] = {"wall", "monotonic"};

constexpr FieldDesc U(const char* n) {
  return FieldDesc{n, FieldType::kUint, 0, nullptr, 0};
}
constexpr FieldDesc T(const char* n) {
  return FieldDesc{n, FieldType::kTime, 0, nullptr, 0};
}
constexpr FieldDesc D(const char* n) {
  return FieldDesc{n, FieldType::kDuration, 0, nullptr, 0};
}
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
constexpr size_t kErrors = static_cast<size_t>(ErrorCode::kCount);

const std::array<KindDesc, obs::kEnd - obs::kRole> kKinds = {{
    {obs::kRole, "role", 2, {E("role", kRoleNames, kRoles), U("term")}},
    {obs::kLeaderReady, "leader_ready", 1, {U("term")}},
    {obs::kCommitted, "committed", 3, {U("index"), U("term"), U("digest")}},
    {obs::kSnapshot, "snapshot", 2, {U("index"), U("term")}},
    {obs::kLeaseGranted,
     "lease_granted",
     6,
     {Res("resource"), U("lease"), Nd("holder"), U("token"), D("ttl"), U("index")}},
    {obs::kLeaseRenewed,
     "lease_renewed",
     5,
     {Res("resource"), U("lease"), T("expiry"), D("ttl"), U("index")}},
    {obs::kLeaseRefreshed, "lease_refreshed", 3, {Res("resource"), U("lease"), T("expiry")}},
    {obs::kLeaseFreed,
     "lease_freed",
     4,
     {Res("resource"), U("lease"), E("reason", kFreeReasonNames, kFreeReasons), U("index")}},
    {obs::kWant, "want", 1, {Res("resource")}},
    {obs::kBeliefBegin,
     "belief_begin",
     5,
     {Res("resource"), U("lease"), U("token"), T("deadline"), E("clock", kClockNames, 2)}},
    {obs::kBeliefExtend, "belief_extend", 3, {Res("resource"), U("lease"), T("deadline")}},
    {obs::kBeliefEnd,
     "belief_end",
     3,
     {Res("resource"), U("lease"), E("reason", kBeliefEndReasonNames, kEndReasons)}},
    {obs::kWorkCheck, "work_check", 3, {Res("resource"), U("lease"), U("token")}},
    {obs::kWriteAccepted,
     "write_accepted",
     5,
     {Res("resource"), U("token"), Nd("writer"), U("lease"), U("write")}},
    {obs::kWriteRejected,
     "write_rejected",
     6,
     {Res("resource"), U("token"), Nd("writer"), U("lease"), U("highest"),
      E("reason", kErrorCodeNames, kErrors)}},
    {obs::kWriteSent, "write_sent", 4, {Res("resource"), U("lease"), U("token"), U("write")}},
}};

}  // namespace

std::span<const KindDesc> observation_kinds() {
  return kKinds;
}

}  // namespace leasesim
