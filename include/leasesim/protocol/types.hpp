// Identifiers and small value types of the lease protocols.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>

#include "leasesim/core/ids.hpp"
#include "leasesim/core/time.hpp"

namespace leasesim {

using ResourceId = uint32_t;  // dense, 0..resources-1
using LeaseId = uint64_t;     // 0 = no lease
using Term = uint64_t;
using LogIndex = uint64_t;  // 1-based; 0 = before the first entry

inline constexpr ResourceId kNoResource = UINT32_MAX;
inline constexpr LeaseId kNoLease = 0;

// Why a request was refused.
enum class ErrorCode : uint8_t {
  kNone = 0,
  kHeld,          // acquire: the resource is leased (or being granted)
  kNotReady,      // the leader has not finished taking over yet
  kUnknownLease,  // renew/release: no such lease
  kNotHolder,     // renew/release: the lease belongs to someone else
  kExpired,       // renew: the lease has already expired at the leader
  kStaleToken,    // storage: fencing token older than one already seen
  kBlocked,       // acquire: the core holds the resource back (lock-delay,
                  // a sequencer validity window, a new leader's wait)
  kUnavailable,   // storage: the write's lease could not be validated in time
  kCount,
};
inline constexpr const char* kErrorCodeNames[] = {"none",          "held",       "not_ready",
                                                  "unknown_lease", "not_holder", "expired",
                                                  "stale_token",   "blocked",    "unavailable"};
static_assert(std::size(kErrorCodeNames) == static_cast<size_t>(ErrorCode::kCount));

}  // namespace leasesim
