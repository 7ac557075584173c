// Identifiers shared by every layer. A node is any simulated process
// (server, requestor, storage); nodes are numbered densely from 0 in the
// order the world creates them, so per-node state lives in vectors, never
// in maps.
#pragma once

#include <cstdint>

namespace leasesim {

using NodeId = uint32_t;
inline constexpr NodeId kInvalidNode = UINT32_MAX;

}  // namespace leasesim
