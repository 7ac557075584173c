// Observations of a client's *session* with the core: a liveness lease that
// belongs to a client rather than to a resource (Chubby's and ZooKeeper's
// sessions; etcd's leases that keys are attached to). Beside the lease
// records of observations.hpp, with the same pattern (one struct per kind:
// number, descriptor, codec), so every tool above the protocol layer (the
// timeline, the Perfetto export) can draw any protocol's sessions without
// knowing the protocol. The checker does not judge sessions: a protocol's
// locks are judged through the lease and belief records as always.
//
// Two views, as for leases:
//  * the core's record: session_begin when the session exists (its open is
//    committed), session_extend each time a leader moves its expiry (a
//    KeepAlive, or a new leader extending every session it inherits), and
//    session_end when it is gone (expired or closed). Times are on the
//    emitting leader's clock.
//  * the client's view: session_state each time it changes: safe (it may
//    act on the session), jeopardy (its local timeout passed; it waits,
//    not acting or acting at its own risk, for an answer) and lost (it gave
//    the session up). `until` is when the state ends by itself on the
//    client's `clock`: safe until its local timeout, jeopardy until its
//    grace period is over (a far-future reading when no timer of its own
//    can end it).
//
// Session ids are unique in a run (session-lease: the log index of the
// open entry). As with lease records a committed change may be recorded
// twice (a leader records it, dies before the others learn it committed,
// and the next leader records it again); readers keep the first
// session_begin and the first session_end of each session.
//
// Record layout and numbering are part of the trace format and of the
// trace hash: a field never moves.
#pragma once

#include <cstdint>
#include <iterator>

#include "leasesim/protocol/observations.hpp"

namespace leasesim {

enum class SessionEndReason : uint8_t { kExpired, kClosed, kCount };
inline constexpr const char* kSessionEndReasonNames[] = {"expired", "closed"};
static_assert(std::size(kSessionEndReasonNames) == static_cast<size_t>(SessionEndReason::kCount));

enum class SessionExtendCause : uint8_t {
  kKeepAlive,  // the client's KeepAlive (heartbeat) was answered
  kNewLeader,  // a new leader extended a session it inherited
  kCount,
};
inline constexpr const char* kSessionExtendCauseNames[] = {"keepalive", "new_leader"};
static_assert(std::size(kSessionExtendCauseNames) ==
              static_cast<size_t>(SessionExtendCause::kCount));

enum class SessionView : uint8_t { kSafe, kJeopardy, kLost, kCount };
inline constexpr const char* kSessionViewNames[] = {"safe", "jeopardy", "lost"};
static_assert(std::size(kSessionViewNames) == static_cast<size_t>(SessionView::kCount));

enum class SessionLoss : uint8_t {
  kNone,         // not lost (state safe or jeopardy)
  kTimedOut,     // its own clock said the session is over (end of grace)
  kToldExpired,  // the core told it the session expired
  kCount,
};
inline constexpr const char* kSessionLossNames[] = {"none", "timed_out", "told_expired"};
static_assert(std::size(kSessionLossNames) == static_cast<size_t>(SessionLoss::kCount));

namespace obs {

// The leader: `session` of `client` exists, until `expiry` on its clock.
struct SessionBegin {
  static constexpr uint16_t kKind = kind_range::kProtocol + 16;
  static constexpr KindDesc kDesc{
      kKind,
      "session_begin",
      4,
      {fd::uint("session"), fd::node("client"), fd::duration("timeout"), fd::time("expiry")}};
  uint64_t session = 0;
  NodeId client = kInvalidNode;
  Duration timeout;
  TimePoint expiry;
  void encode(Record& r) const {
    r.f[0] = session;
    r.f[1] = client;
    r.f[2] = field_of(timeout);
    r.f[3] = field_of(expiry);
  }
  static SessionBegin decode(const Record& r) {
    return {r.f[0], static_cast<NodeId>(r.f[1]), field_duration(r.f[2]), field_time(r.f[3])};
  }
};

// The leader moved the session's expiry to `expiry` on its clock.
struct SessionExtend {
  static constexpr uint16_t kKind = kind_range::kProtocol + 17;
  static constexpr KindDesc kDesc{kKind,
                                  "session_extend",
                                  4,
                                  {fd::uint("session"), fd::node("client"), fd::time("expiry"),
                                   fd::enumeration("cause", kSessionExtendCauseNames)}};
  uint64_t session = 0;
  NodeId client = kInvalidNode;
  TimePoint expiry;
  SessionExtendCause cause = SessionExtendCause::kKeepAlive;
  void encode(Record& r) const {
    r.f[0] = session;
    r.f[1] = client;
    r.f[2] = field_of(expiry);
    r.f[3] = field_of(cause);
  }
  static SessionExtend decode(const Record& r) {
    return {r.f[0], static_cast<NodeId>(r.f[1]), field_time(r.f[2]),
            field_enum<SessionExtendCause>(r.f[3])};
  }
};

// The leader: the session is gone (its locks are freed, each with its own
// lease_freed record).
struct SessionEnd {
  static constexpr uint16_t kKind = kind_range::kProtocol + 18;
  static constexpr KindDesc kDesc{
      kKind,
      "session_end",
      3,
      {fd::uint("session"), fd::node("client"), fd::enumeration("reason", kSessionEndReasonNames)}};
  uint64_t session = 0;
  NodeId client = kInvalidNode;
  SessionEndReason reason = SessionEndReason::kExpired;
  void encode(Record& r) const {
    r.f[0] = session;
    r.f[1] = client;
    r.f[2] = field_of(reason);
  }
  static SessionEnd decode(const Record& r) {
    return {r.f[0], static_cast<NodeId>(r.f[1]), field_enum<SessionEndReason>(r.f[2])};
  }
};

// The client's view of its session changed to `state`, until its `clock`
// reads `until` (0 when lost); `reason` says why it was lost.
struct SessionState {
  static constexpr uint16_t kKind = kind_range::kProtocol + 19;
  static constexpr KindDesc kDesc{
      kKind,
      "session_state",
      5,
      {fd::uint("session"), fd::enumeration("state", kSessionViewNames), fd::time("until"),
       fd::enumeration("clock", kClockKindNames), fd::enumeration("reason", kSessionLossNames)}};
  uint64_t session = 0;
  SessionView state = SessionView::kSafe;
  TimePoint until;
  ClockKind clock = ClockKind::kMonotonic;
  SessionLoss reason = SessionLoss::kNone;
  void encode(Record& r) const {
    r.f[0] = session;
    r.f[1] = field_of(state);
    r.f[2] = field_of(until);
    r.f[3] = field_of(clock);
    r.f[4] = field_of(reason);
  }
  static SessionState decode(const Record& r) {
    return {r.f[0], field_enum<SessionView>(r.f[1]), field_time(r.f[2]),
            field_enum<ClockKind>(r.f[3]), field_enum<SessionLoss>(r.f[4])};
  }
};

inline constexpr uint16_t kSessionBegin = SessionBegin::kKind;
inline constexpr uint16_t kSessionExtend = SessionExtend::kKind;
inline constexpr uint16_t kSessionEnd = SessionEnd::kKind;
inline constexpr uint16_t kSessionState = SessionState::kKind;
static_assert(kSessionState + 1 == kEnd, "the session kinds close the common range");

}  // namespace obs
}  // namespace leasesim
