// The records every lease protocol emits so an outside observer (the
// checker, the plots) can judge it. This is the seam between protocols and
// the checker: a new protocol is judged correctly as long as its nodes emit
// these records truthfully about what they *did* and *believed*; the
// checker never reads a node's internal state.
//
// One struct per kind (core/trace.hpp's typed records): its number, its
// descriptor (the field names and types the trace prints), and its codec,
// side by side. All fields are in the emitting node's terms (local clocks).
// Nodes emit with Effects::emit(obs::X{...}); readers use decode_as<obs::X>.
//
// `index` of the lease records is the log index of the committed entry
// that made the change, or 0 for a change that is not a committed entry (a
// memory renewal, an immediate grant's promise). A committed change may be
// recorded more than once (a leader applies and records it, then dies
// before anyone else learns it committed, and the next leader applies it
// again); observers keep the first record of each index. Per resource the
// index of a first record is always above every index recorded before, so
// "skip a record whose index is not above the highest seen on its
// resource" is exact (docs/trace-format.md). A protocol without a log
// numbers its changes the same way (an increasing counter).
//
// A holder's belief is "I hold `lease` on `resource` until my `clock` reads
// `deadline`". The checker turns that into true time with the node's clock
// model, so a holder that is paused past its deadline stops believing at
// the deadline, not when it wakes up.
//
// Record layout and numbering are part of the trace format and of the
// trace hash: a field never moves.
#pragma once

#include <cstdint>
#include <span>

#include "leasesim/core/trace.hpp"
#include "leasesim/protocol/types.hpp"

namespace leasesim {

enum class Role : uint8_t { kFollower, kCandidate, kLeader, kCount };
inline constexpr const char* kRoleNames[] = {"follower", "candidate", "leader"};
static_assert(std::size(kRoleNames) == static_cast<size_t>(Role::kCount));

enum class FreeReason : uint8_t { kExpired, kReleased, kCount };
inline constexpr const char* kFreeReasonNames[] = {"expired", "released"};
static_assert(std::size(kFreeReasonNames) == static_cast<size_t>(FreeReason::kCount));

enum class BeliefEndReason : uint8_t {
  kReleased,  // the holder let go before releasing
  kExpired,   // its local deadline passed without renewal
  kRevoked,   // the core told it the lease is gone (renew refused)
  kFenced,    // storage rejected its token
  kCount,
};
inline constexpr const char* kBeliefEndReasonNames[] = {"released", "expired", "revoked", "fenced"};
static_assert(std::size(kBeliefEndReasonNames) == static_cast<size_t>(BeliefEndReason::kCount));

// Indexed by ClockKind (kWall = 0, kMonotonic = 1).
inline constexpr const char* kClockKindNames[] = {"wall", "monotonic"};

namespace obs {

// A server changed role.
struct RoleChanged {
  static constexpr uint16_t kKind = kind_range::kProtocol + 0;
  static constexpr KindDesc kDesc{
      kKind, "role", 2, {fd::enumeration("role", kRoleNames), fd::uint("term")}};
  Role role = Role::kFollower;
  Term term = 0;
  void encode(Record& r) const {
    r.f[0] = field_of(role);
    r.f[1] = term;
  }
  static RoleChanged decode(const Record& r) { return {field_enum<Role>(r.f[0]), r.f[1]}; }
};

// The leader serves requests (its state reflects every committed change).
struct LeaderReady {
  static constexpr uint16_t kKind = kind_range::kProtocol + 1;
  static constexpr KindDesc kDesc{kKind, "leader_ready", 1, {fd::uint("term")}};
  Term term = 0;
  void encode(Record& r) const { r.f[0] = term; }
  static LeaderReady decode(const Record& r) { return {r.f[0]}; }
};

// A server applied the committed entry at `index`; `digest` fingerprints
// its content (the checker verifies an index never changes).
struct Committed {
  static constexpr uint16_t kKind = kind_range::kProtocol + 2;
  static constexpr KindDesc kDesc{
      kKind, "committed", 3, {fd::uint("index"), fd::uint("term"), fd::uint("digest")}};
  LogIndex index = 0;
  Term term = 0;
  uint64_t digest = 0;
  void encode(Record& r) const {
    r.f[0] = index;
    r.f[1] = term;
    r.f[2] = digest;
  }
  static Committed decode(const Record& r) { return {r.f[0], r.f[1], r.f[2]}; }
};

// A server installed a snapshot up to `index`.
struct SnapshotInstalled {
  static constexpr uint16_t kKind = kind_range::kProtocol + 3;
  static constexpr KindDesc kDesc{kKind, "snapshot", 2, {fd::uint("index"), fd::uint("term")}};
  LogIndex index = 0;
  Term term = 0;
  void encode(Record& r) const {
    r.f[0] = index;
    r.f[1] = term;
  }
  static SnapshotInstalled decode(const Record& r) { return {r.f[0], r.f[1]}; }
};

// The leader: `lease` is now the core's record for `resource`.
struct LeaseGranted {
  static constexpr uint16_t kKind = kind_range::kProtocol + 4;
  static constexpr KindDesc kDesc{kKind,
                                  "lease_granted",
                                  6,
                                  {fd::resource("resource"), fd::uint("lease"), fd::node("holder"),
                                   fd::uint("token"), fd::duration("ttl"), fd::uint("index")}};
  ResourceId resource = kNoResource;
  LeaseId lease = kNoLease;
  NodeId holder = kInvalidNode;
  uint64_t token = 0;
  Duration ttl;
  LogIndex index = 0;
  void encode(Record& r) const {
    r.f[0] = resource;
    r.f[1] = lease;
    r.f[2] = holder;
    r.f[3] = token;
    r.f[4] = field_of(ttl);
    r.f[5] = index;
  }
  static LeaseGranted decode(const Record& r) {
    return {static_cast<ResourceId>(r.f[0]), r.f[1], static_cast<NodeId>(r.f[2]), r.f[3],
            field_duration(r.f[4]),          r.f[5]};
  }
};

// The leader extended a lease until `expiry` on its lease clock.
struct LeaseRenewed {
  static constexpr uint16_t kKind = kind_range::kProtocol + 5;
  static constexpr KindDesc kDesc{kKind,
                                  "lease_renewed",
                                  5,
                                  {fd::resource("resource"), fd::uint("lease"), fd::time("expiry"),
                                   fd::duration("ttl"), fd::uint("index")}};
  ResourceId resource = kNoResource;
  LeaseId lease = kNoLease;
  TimePoint expiry;
  Duration ttl;
  LogIndex index = 0;
  void encode(Record& r) const {
    r.f[0] = resource;
    r.f[1] = lease;
    r.f[2] = field_of(expiry);
    r.f[3] = field_of(ttl);
    r.f[4] = index;
  }
  static LeaseRenewed decode(const Record& r) {
    return {static_cast<ResourceId>(r.f[0]), r.f[1], field_time(r.f[2]), field_duration(r.f[3]),
            r.f[4]};
  }
};

// A new leader refreshed a lease it found in its state.
struct LeaseRefreshed {
  static constexpr uint16_t kKind = kind_range::kProtocol + 6;
  static constexpr KindDesc kDesc{
      kKind,
      "lease_refreshed",
      3,
      {fd::resource("resource"), fd::uint("lease"), fd::time("expiry")}};
  ResourceId resource = kNoResource;
  LeaseId lease = kNoLease;
  TimePoint expiry;
  void encode(Record& r) const {
    r.f[0] = resource;
    r.f[1] = lease;
    r.f[2] = field_of(expiry);
  }
  static LeaseRefreshed decode(const Record& r) {
    return {static_cast<ResourceId>(r.f[0]), r.f[1], field_time(r.f[2])};
  }
};

// The leader: `resource` is grantable again.
struct LeaseFreed {
  static constexpr uint16_t kKind = kind_range::kProtocol + 7;
  static constexpr KindDesc kDesc{kKind,
                                  "lease_freed",
                                  4,
                                  {fd::resource("resource"), fd::uint("lease"),
                                   fd::enumeration("reason", kFreeReasonNames), fd::uint("index")}};
  ResourceId resource = kNoResource;
  LeaseId lease = kNoLease;
  FreeReason reason = FreeReason::kExpired;
  LogIndex index = 0;
  void encode(Record& r) const {
    r.f[0] = resource;
    r.f[1] = lease;
    r.f[2] = field_of(reason);
    r.f[3] = index;
  }
  static LeaseFreed decode(const Record& r) {
    return {static_cast<ResourceId>(r.f[0]), r.f[1], field_enum<FreeReason>(r.f[2]), r.f[3]};
  }
};

// A requestor starts trying to acquire `resource`.
struct Want {
  static constexpr uint16_t kKind = kind_range::kProtocol + 8;
  static constexpr KindDesc kDesc{kKind, "want", 1, {fd::resource("resource")}};
  ResourceId resource = kNoResource;
  void encode(Record& r) const { r.f[0] = resource; }
  static Want decode(const Record& r) { return {static_cast<ResourceId>(r.f[0])}; }
};

// A holder believes it holds `lease` until its `clock` reads `deadline`.
struct BeliefBegin {
  static constexpr uint16_t kKind = kind_range::kProtocol + 9;
  static constexpr KindDesc kDesc{
      kKind,
      "belief_begin",
      5,
      {fd::resource("resource"), fd::uint("lease"), fd::uint("token"), fd::time("deadline"),
       fd::enumeration("clock", kClockKindNames)}};
  ResourceId resource = kNoResource;
  LeaseId lease = kNoLease;
  uint64_t token = 0;
  TimePoint deadline;
  ClockKind clock = ClockKind::kMonotonic;
  void encode(Record& r) const {
    r.f[0] = resource;
    r.f[1] = lease;
    r.f[2] = token;
    r.f[3] = field_of(deadline);
    r.f[4] = field_of(clock);
  }
  static BeliefBegin decode(const Record& r) {
    return {static_cast<ResourceId>(r.f[0]), r.f[1], r.f[2], field_time(r.f[3]),
            field_enum<ClockKind>(r.f[4])};
  }
};

// The holder moved its deadline (a renewal answered).
struct BeliefExtend {
  static constexpr uint16_t kKind = kind_range::kProtocol + 10;
  static constexpr KindDesc kDesc{
      kKind,
      "belief_extend",
      3,
      {fd::resource("resource"), fd::uint("lease"), fd::time("deadline")}};
  ResourceId resource = kNoResource;
  LeaseId lease = kNoLease;
  TimePoint deadline;
  void encode(Record& r) const {
    r.f[0] = resource;
    r.f[1] = lease;
    r.f[2] = field_of(deadline);
  }
  static BeliefExtend decode(const Record& r) {
    return {static_cast<ResourceId>(r.f[0]), r.f[1], field_time(r.f[2])};
  }
};

// The holder stopped believing.
struct BeliefEnd {
  static constexpr uint16_t kKind = kind_range::kProtocol + 11;
  static constexpr KindDesc kDesc{kKind,
                                  "belief_end",
                                  3,
                                  {fd::resource("resource"), fd::uint("lease"),
                                   fd::enumeration("reason", kBeliefEndReasonNames)}};
  ResourceId resource = kNoResource;
  LeaseId lease = kNoLease;
  BeliefEndReason reason = BeliefEndReason::kReleased;
  void encode(Record& r) const {
    r.f[0] = resource;
    r.f[1] = lease;
    r.f[2] = field_of(reason);
  }
  static BeliefEnd decode(const Record& r) {
    return {static_cast<ResourceId>(r.f[0]), r.f[1], field_enum<BeliefEndReason>(r.f[2])};
  }
};

// The holder checked its lease before a write.
struct WorkCheck {
  static constexpr uint16_t kKind = kind_range::kProtocol + 12;
  static constexpr KindDesc kDesc{
      kKind, "work_check", 3, {fd::resource("resource"), fd::uint("lease"), fd::uint("token")}};
  ResourceId resource = kNoResource;
  LeaseId lease = kNoLease;
  uint64_t token = 0;
  void encode(Record& r) const {
    r.f[0] = resource;
    r.f[1] = lease;
    r.f[2] = token;
  }
  static WorkCheck decode(const Record& r) {
    return {static_cast<ResourceId>(r.f[0]), r.f[1], r.f[2]};
  }
};

// Storage accepted a write (id `write`).
struct WriteAccepted {
  static constexpr uint16_t kKind = kind_range::kProtocol + 13;
  static constexpr KindDesc kDesc{kKind,
                                  "write_accepted",
                                  5,
                                  {fd::resource("resource"), fd::uint("token"), fd::node("writer"),
                                   fd::uint("lease"), fd::uint("write")}};
  ResourceId resource = kNoResource;
  uint64_t token = 0;
  NodeId writer = kInvalidNode;
  LeaseId lease = kNoLease;
  uint64_t write = 0;
  void encode(Record& r) const {
    r.f[0] = resource;
    r.f[1] = token;
    r.f[2] = writer;
    r.f[3] = lease;
    r.f[4] = write;
  }
  static WriteAccepted decode(const Record& r) {
    return {static_cast<ResourceId>(r.f[0]), r.f[1], static_cast<NodeId>(r.f[2]), r.f[3], r.f[4]};
  }
};

// Storage rejected a write; `highest` is the highest token it had accepted.
struct WriteRejected {
  static constexpr uint16_t kKind = kind_range::kProtocol + 14;
  static constexpr KindDesc kDesc{
      kKind,
      "write_rejected",
      6,
      {fd::resource("resource"), fd::uint("token"), fd::node("writer"), fd::uint("lease"),
       fd::uint("highest"), fd::enumeration("reason", kErrorCodeNames)}};
  ResourceId resource = kNoResource;
  uint64_t token = 0;
  NodeId writer = kInvalidNode;
  LeaseId lease = kNoLease;
  uint64_t highest = 0;
  ErrorCode reason = ErrorCode::kNone;
  void encode(Record& r) const {
    r.f[0] = resource;
    r.f[1] = token;
    r.f[2] = writer;
    r.f[3] = lease;
    r.f[4] = highest;
    r.f[5] = field_of(reason);
  }
  static WriteRejected decode(const Record& r) {
    return {static_cast<ResourceId>(r.f[0]), r.f[1], static_cast<NodeId>(r.f[2]), r.f[3], r.f[4],
            field_enum<ErrorCode>(r.f[5])};
  }
};

// A holder sent a write (id `write`).
struct WriteSent {
  static constexpr uint16_t kKind = kind_range::kProtocol + 15;
  static constexpr KindDesc kDesc{
      kKind,
      "write_sent",
      4,
      {fd::resource("resource"), fd::uint("lease"), fd::uint("token"), fd::uint("write")}};
  ResourceId resource = kNoResource;
  LeaseId lease = kNoLease;
  uint64_t token = 0;
  uint64_t write = 0;
  void encode(Record& r) const {
    r.f[0] = resource;
    r.f[1] = lease;
    r.f[2] = token;
    r.f[3] = write;
  }
  static WriteSent decode(const Record& r) {
    return {static_cast<ResourceId>(r.f[0]), r.f[1], r.f[2], r.f[3]};
  }
};

// Kind numbers, for switches over a record's kind.
inline constexpr uint16_t kRole = RoleChanged::kKind;
inline constexpr uint16_t kLeaderReady = LeaderReady::kKind;
inline constexpr uint16_t kCommitted = Committed::kKind;
inline constexpr uint16_t kSnapshot = SnapshotInstalled::kKind;
inline constexpr uint16_t kLeaseGranted = LeaseGranted::kKind;
inline constexpr uint16_t kLeaseRenewed = LeaseRenewed::kKind;
inline constexpr uint16_t kLeaseRefreshed = LeaseRefreshed::kKind;
inline constexpr uint16_t kLeaseFreed = LeaseFreed::kKind;
inline constexpr uint16_t kWant = Want::kKind;
inline constexpr uint16_t kBeliefBegin = BeliefBegin::kKind;
inline constexpr uint16_t kBeliefExtend = BeliefExtend::kKind;
inline constexpr uint16_t kBeliefEnd = BeliefEnd::kKind;
inline constexpr uint16_t kWorkCheck = WorkCheck::kKind;
inline constexpr uint16_t kWriteAccepted = WriteAccepted::kKind;
inline constexpr uint16_t kWriteRejected = WriteRejected::kKind;
inline constexpr uint16_t kWriteSent = WriteSent::kKind;
// kProtocol + 16 .. + 19: a client's session with the core
// (session_observations.hpp: session_begin, session_extend, session_end,
// session_state).
inline constexpr uint16_t kEnd = kind_range::kProtocol + 20;
// Kinds from kProtocolPrivate on belong to individual protocols.
inline constexpr uint16_t kProtocolPrivate = kind_range::kProtocol + 0x40;

}  // namespace obs

// Descriptors of the kinds above and of the session kinds
// (session_observations.hpp), for the trace schema.
std::span<const KindDesc> observation_kinds();

}  // namespace leasesim
