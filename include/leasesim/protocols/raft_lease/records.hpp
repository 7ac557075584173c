// Records private to raft-lease, beside the common observations and the
// Raft core's own (raft/records.hpp).
#pragma once

#include <cstdint>

#include "leasesim/core/trace.hpp"
#include "leasesim/protocols/raft_lease/messages.hpp"
#include "leasesim/raft/records.hpp"

namespace leasesim::raft_lease {

// The leader refused a client request.
struct Reject {
  static constexpr uint16_t kKind = raft::kFirstProtocolKind + 0;
  static constexpr KindDesc kDesc{
      kKind,
      "reject",
      4,
      {fd::enumeration("request", kMsgTypeNames), fd::resource("resource"),
       fd::enumeration("error", kErrorCodeNames), fd::uint("lease")}};
  MsgType request = MsgType::kAcquire;
  ResourceId resource = kNoResource;
  ErrorCode error = ErrorCode::kNone;
  LeaseId lease = kNoLease;
  void encode(Record& r) const {
    r.f[0] = field_of(request);
    r.f[1] = resource;
    r.f[2] = field_of(error);
    r.f[3] = lease;
  }
  static Reject decode(const Record& r) {
    return {field_enum<MsgType>(r.f[0]), static_cast<ResourceId>(r.f[1]),
            field_enum<ErrorCode>(r.f[2]), r.f[3]};
  }
};

// The leader answered a sequencer validation at its commit.
struct Validated {
  static constexpr uint16_t kKind = raft::kFirstProtocolKind + 1;
  static constexpr KindDesc kDesc{
      kKind,
      "validated",
      4,
      {fd::resource("resource"), fd::uint("lease"), fd::flag("valid"), fd::duration("window")}};
  ResourceId resource = kNoResource;
  LeaseId lease = kNoLease;
  bool valid = false;
  Duration window;
  void encode(Record& r) const {
    r.f[0] = resource;
    r.f[1] = lease;
    r.f[2] = field_of(valid);
    r.f[3] = field_of(window);
  }
  static Validated decode(const Record& r) {
    return {static_cast<ResourceId>(r.f[0]), r.f[1], r.f[2] != 0, field_duration(r.f[3])};
  }
};

inline constexpr uint16_t kReject = Reject::kKind;
inline constexpr uint16_t kValidated = Validated::kKind;

}  // namespace leasesim::raft_lease
