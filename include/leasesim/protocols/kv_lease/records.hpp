// Records private to kv-lease, beside the common observations and the Raft
// core's own (raft/records.hpp).
#pragma once

#include <cstdint>
#include <iterator>

#include "leasesim/core/trace.hpp"
#include "leasesim/protocols/kv_lease/messages.hpp"
#include "leasesim/raft/records.hpp"

namespace leasesim::kv_lease {

inline constexpr const char* kStatusNames[] = {"ok", "conflict"};
static_assert(std::size(kStatusNames) == 2);

// The leader applied an Update of `resource`: the record's version after it
// (`version`, the entry's index, on success), the holder it names, the
// version the writer expected, and whether it was written.
struct KvWrite {
  static constexpr uint16_t kKind = raft::kFirstProtocolKind + 0;
  static constexpr KindDesc kDesc{
      kKind,
      "kv_write",
      6,
      {fd::resource("resource"), fd::uint("version"), fd::node("holder"), fd::uint("expected"),
       fd::enumeration("status", kStatusNames), fd::uint("transitions")}};
  ResourceId resource = kNoResource;
  uint64_t version = 0;
  NodeId holder = kInvalidNode;
  uint64_t expected = 0;
  Status status = Status::kOk;
  uint32_t transitions = 0;
  void encode(Record& r) const {
    r.f[0] = resource;
    r.f[1] = version;
    r.f[2] = holder;
    r.f[3] = expected;
    r.f[4] = field_of(status);
    r.f[5] = transitions;
  }
  static KvWrite decode(const Record& r) {
    return {static_cast<ResourceId>(r.f[0]), r.f[1],
            static_cast<NodeId>(r.f[2]),     r.f[3],
            field_enum<Status>(r.f[4]),      static_cast<uint32_t>(r.f[5])};
  }
};

// An elector stopped leading: why, and when its guarded work stops (local
// monotonic) — later than now when the work outlives the decision.
enum class StopReason : uint8_t { kRenewDeadline, kHoldEnded, kCount };
inline constexpr const char* kStopReasonNames[] = {"renew_deadline", "hold_ended"};
static_assert(std::size(kStopReasonNames) == static_cast<size_t>(StopReason::kCount));
struct StoppedLeading {
  static constexpr uint16_t kKind = raft::kFirstProtocolKind + 1;
  static constexpr KindDesc kDesc{
      kKind,
      "stopped_leading",
      3,
      {fd::resource("resource"), fd::uint("lease"), fd::enumeration("reason", kStopReasonNames)}};
  ResourceId resource = kNoResource;
  uint64_t lease = 0;
  StopReason reason = StopReason::kRenewDeadline;
  void encode(Record& r) const {
    r.f[0] = resource;
    r.f[1] = lease;
    r.f[2] = field_of(reason);
  }
  static StoppedLeading decode(const Record& r) {
    return {static_cast<ResourceId>(r.f[0]), r.f[1], field_enum<StopReason>(r.f[2])};
  }
};

}  // namespace leasesim::kv_lease
