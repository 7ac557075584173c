// Hard limits of scenario files, refused up front with a message
// (docs/scenario-format.md). Here, below the scenario loader, so that the
// generic sections and every protocol module's block share them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "leasesim/core/time.hpp"

namespace leasesim::scenario_limits {
inline constexpr uint32_t kMaxServers = 9;
inline constexpr uint64_t kMaxResources = 1'000'000;
inline constexpr uint64_t kMaxRequestors = 1'000'000;
inline constexpr uint64_t kMaxFaults = 100'000;
inline constexpr uint64_t kMaxLinks = 100'000;
inline constexpr uint64_t kMaxExploreFaults = 1'000;  // explore.max_faults
// Sum over requestors of the resources each may ask for.
inline constexpr uint64_t kMaxResourceRefs = 10'000'000;
inline constexpr Duration kMaxDuration = hours(24 * 30);
inline constexpr Duration kMaxClockOffset = hours(24);
inline constexpr Duration kMinInterval = microseconds(1);
inline constexpr int64_t kMaxDriftPpm = 100'000;
inline constexpr double kMaxEvents = 1e10;
inline constexpr int kMaxJsonDepth = 64;
inline constexpr uint64_t kMaxFileBytes = uint64_t{64} << 20;
inline constexpr size_t kMaxErrors = 100;
}  // namespace leasesim::scenario_limits
