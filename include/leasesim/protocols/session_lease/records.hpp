// Records private to session-lease, beside the common observations and the
// Raft core's (raft/records.hpp). A lock is the core's record of a lease
// (obs::LeaseGranted .. LeaseFreed, LeaseRenewed at every KeepAlive of its
// session, LeaseRefreshed at a failover) and a session is the core's record
// of a session (obs::SessionBegin .. SessionEnd) with the client's view of
// it (obs::SessionState), so timelines draw both like any protocol's
// (protocol/session_observations.hpp).
#pragma once

#include <cstdint>
#include <iterator>

#include "leasesim/core/trace.hpp"
#include "leasesim/protocol/session_observations.hpp"
#include "leasesim/protocols/session_lease/messages.hpp"
#include "leasesim/raft/records.hpp"

namespace leasesim::session_lease {

// Kinds raft::kFirstProtocolKind + 0 .. + 4 were the session's own records
// before the protocol-neutral session observations replaced them; they stay
// unused so the two below keep their numbers.

// The leader refused a client request.
struct Reject {
  static constexpr uint16_t kKind = raft::kFirstProtocolKind + 5;
  static constexpr KindDesc kDesc{
      kKind,
      "reject",
      4,
      {fd::enumeration("request", kMsgTypeNames), fd::resource("resource"),
       fd::enumeration("error", kErrorCodeNames), fd::uint("session")}};
  MsgType request = MsgType::kAcquire;
  ResourceId resource = kNoResource;
  ErrorCode error = ErrorCode::kNone;
  SessionId session = kNoSession;
  void encode(Record& r) const {
    r.f[0] = field_of(request);
    r.f[1] = resource;
    r.f[2] = field_of(error);
    r.f[3] = session;
  }
  static Reject decode(const Record& r) {
    return {field_enum<MsgType>(r.f[0]), static_cast<ResourceId>(r.f[1]),
            field_enum<ErrorCode>(r.f[2]), r.f[3]};
  }
};

// The leader answered a sequencer validation at its commit.
struct Validated {
  static constexpr uint16_t kKind = raft::kFirstProtocolKind + 6;
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

}  // namespace leasesim::session_lease
