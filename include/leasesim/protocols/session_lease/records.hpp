// Records private to session-lease, beside the common observations and the
// Raft core's (raft/records.hpp). A lock is the core's record of a lease
// (obs::LeaseGranted .. LeaseFreed, LeaseRenewed at every KeepAlive of its
// session, LeaseRefreshed at a failover), so timelines draw it like any
// protocol's; the session's own life is recorded here.
#pragma once

#include <cstdint>
#include <iterator>

#include "leasesim/core/trace.hpp"
#include "leasesim/protocols/session_lease/messages.hpp"
#include "leasesim/raft/records.hpp"

namespace leasesim::session_lease {

// Why a client stopped using a session.
enum class SessionEnd : uint8_t { kGraceOver, kToldExpired, kCount };
inline constexpr const char* kSessionEndNames[] = {"grace_over", "told_expired"};
static_assert(std::size(kSessionEndNames) == static_cast<size_t>(SessionEnd::kCount));

// The leader: a session exists (its open entry committed), until its
// expiry on the leader's clock.
struct SessionOpen {
  static constexpr uint16_t kKind = raft::kFirstProtocolKind + 0;
  static constexpr KindDesc kDesc{
      kKind, "session_open", 3, {fd::uint("session"), fd::node("client"), fd::duration("timeout")}};
  SessionId session = kNoSession;
  NodeId client = kInvalidNode;
  Duration timeout;
  void encode(Record& r) const {
    r.f[0] = session;
    r.f[1] = client;
    r.f[2] = field_of(timeout);
  }
  static SessionOpen decode(const Record& r) {
    return {r.f[0], static_cast<NodeId>(r.f[1]), field_duration(r.f[2])};
  }
};

// The leader: a session expired (its expire entry committed; its locks are
// freed, each with a lease_freed record).
struct SessionExpire {
  static constexpr uint16_t kKind = raft::kFirstProtocolKind + 1;
  static constexpr KindDesc kDesc{
      kKind, "session_expire", 3, {fd::uint("session"), fd::node("client"), fd::uint("locks")}};
  SessionId session = kNoSession;
  NodeId client = kInvalidNode;
  uint64_t locks = 0;
  void encode(Record& r) const {
    r.f[0] = session;
    r.f[1] = client;
    r.f[2] = locks;
  }
  static SessionExpire decode(const Record& r) {
    return {r.f[0], static_cast<NodeId>(r.f[1]), r.f[2]};
  }
};

// A client's local lease timeout passed: jeopardy (until `grace_end` on
// its monotonic clock, or a KeepAlive answer).
struct JeopardyBegan {
  static constexpr uint16_t kKind = raft::kFirstProtocolKind + 2;
  static constexpr KindDesc kDesc{
      kKind, "jeopardy", 2, {fd::uint("session"), fd::time("grace_end")}};
  SessionId session = kNoSession;
  TimePoint grace_end;
  void encode(Record& r) const {
    r.f[0] = session;
    r.f[1] = field_of(grace_end);
  }
  static JeopardyBegan decode(const Record& r) { return {r.f[0], field_time(r.f[1])}; }
};

// A client in jeopardy got a KeepAlive answered: its session is safe again.
struct SessionSafe {
  static constexpr uint16_t kKind = raft::kFirstProtocolKind + 3;
  static constexpr KindDesc kDesc{kKind, "session_safe", 1, {fd::uint("session")}};
  SessionId session = kNoSession;
  void encode(Record& r) const { r.f[0] = session; }
  static SessionSafe decode(const Record& r) { return {r.f[0]}; }
};

// A client gave up its session.
struct SessionLost {
  static constexpr uint16_t kKind = raft::kFirstProtocolKind + 4;
  static constexpr KindDesc kDesc{
      kKind, "session_lost", 2, {fd::uint("session"), fd::enumeration("reason", kSessionEndNames)}};
  SessionId session = kNoSession;
  SessionEnd reason = SessionEnd::kGraceOver;
  void encode(Record& r) const {
    r.f[0] = session;
    r.f[1] = field_of(reason);
  }
  static SessionLost decode(const Record& r) { return {r.f[0], field_enum<SessionEnd>(r.f[1])}; }
};

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
