// The records every lease protocol emits so an outside observer (the
// checker, the plots) can judge it. This is the seam between protocols and
// the checker: a new protocol is judged correctly as long as its nodes emit
// these records truthfully about what they *did* and *believed*; the
// checker never reads a node's internal state.
//
// Field layout per kind (f0..f5), all in the emitting node's terms:
//   kRole          role(Role), term                      a server changed role
//   kLeaderReady   term                                  leader serves requests
//   kCommitted     index, term, digest                   server applied entry
//   kSnapshot      index, term                           server installed a snapshot
//   kLeaseGranted  resource, lease, holder, token, ttl, index
//                                                        leader: lease now in the core's record
//   kLeaseRenewed  resource, lease, expiry(local), ttl, index
//                                                        leader extended a lease
//   kLeaseRefreshed resource, lease, expiry(local)       new leader refreshed a known lease
//   kLeaseFreed    resource, lease, reason(FreeReason), index
//                                                        leader: resource grantable again
//   kWant          resource                              requestor starts trying to acquire
//   kBeliefBegin   resource, lease, token, deadline(local), clock(ClockKind)
//   kBeliefExtend  resource, lease, deadline(local)
//   kBeliefEnd     resource, lease, reason(BeliefEndReason)
//   kWorkCheck     resource, lease, token                holder checked its lease before a write
//   kWriteSent     resource, lease, token, write         holder sent a write (id `write`)
//   kWriteAccepted resource, token, writer(node), lease, write
//                                                        storage accepted a write
//   kWriteRejected resource, token, writer(node), lease, highest, reason(ErrorCode)
//
// `index` of the lease records is the log index of the committed entry
// that made the change, or 0 for a change that is not a committed entry (a
// memory renewal, an immediate grant's promise). A committed change may be
// recorded more than once (a leader applies and records it, then dies
// before anyone else learns it committed, and the next leader applies it
// again); observers keep the first record of each index. Per resource the
// index of a first record is always above every index recorded before, so
// "skip a record whose index is not above the highest seen on its
// resource" is exact (docs/trace-format.md).
//
// A holder's belief is "I hold `lease` on `resource` until my `clock` reads
// `deadline`". The checker turns that into true time with the node's clock
// model, so a holder that is paused past its deadline stops believing at
// the deadline, not when it wakes up.
#pragma once

#include <cstdint>
#include <span>

#include "leasesim/core/trace.hpp"

namespace leasesim {

enum class Role : uint8_t { kFollower, kCandidate, kLeader, kCount };
extern const char* const kRoleNames[];

enum class FreeReason : uint8_t { kExpired, kReleased, kCount };
extern const char* const kFreeReasonNames[];

enum class BeliefEndReason : uint8_t {
  kReleased,  // the holder let go before releasing
  kExpired,   // its local deadline passed without renewal
  kRevoked,   // the core told it the lease is gone (renew refused)
  kFenced,    // storage rejected its token
  kCount,
};
extern const char* const kBeliefEndReasonNames[];

namespace obs {
inline constexpr uint16_t kRole = kind_range::kProtocol + 0;
inline constexpr uint16_t kLeaderReady = kind_range::kProtocol + 1;
inline constexpr uint16_t kCommitted = kind_range::kProtocol + 2;
inline constexpr uint16_t kSnapshot = kind_range::kProtocol + 3;
inline constexpr uint16_t kLeaseGranted = kind_range::kProtocol + 4;
inline constexpr uint16_t kLeaseRenewed = kind_range::kProtocol + 5;
inline constexpr uint16_t kLeaseRefreshed = kind_range::kProtocol + 6;
inline constexpr uint16_t kLeaseFreed = kind_range::kProtocol + 7;
inline constexpr uint16_t kWant = kind_range::kProtocol + 8;
inline constexpr uint16_t kBeliefBegin = kind_range::kProtocol + 9;
inline constexpr uint16_t kBeliefExtend = kind_range::kProtocol + 10;
inline constexpr uint16_t kBeliefEnd = kind_range::kProtocol + 11;
inline constexpr uint16_t kWorkCheck = kind_range::kProtocol + 12;
inline constexpr uint16_t kWriteAccepted = kind_range::kProtocol + 13;
inline constexpr uint16_t kWriteRejected = kind_range::kProtocol + 14;
inline constexpr uint16_t kWriteSent = kind_range::kProtocol + 15;
inline constexpr uint16_t kEnd = kind_range::kProtocol + 16;
// Kinds from kProtocolPrivate on belong to individual protocols.
inline constexpr uint16_t kProtocolPrivate = kind_range::kProtocol + 0x40;
}  // namespace obs

// Descriptors of the kinds above, for the trace schema.
std::span<const KindDesc> observation_kinds();

}  // namespace leasesim
