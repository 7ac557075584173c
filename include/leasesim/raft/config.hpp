// What a Raft server needs to know: the cluster, its timing, its limits,
// and the CheckQuorum mode.
#pragma once

#include <cstdint>
#include <vector>

#include "leasesim/core/ids.hpp"
#include "leasesim/core/time.hpp"

namespace leasesim::raft {

// A core of at most this many servers (per-peer arrays are fixed-size).
inline constexpr size_t kMaxServers = 16;

// How a leader decides it has lost its majority (CheckQuorum), and whether
// followers ignore disruptive candidates (leader stickiness).
enum class QuorumCheck : uint8_t {
  kOff,       // no step-down without a higher term; no stickiness
  kTick,      // etcd: every election_min, step down unless a majority replied
              // since the previous check (so up to 2 x election_min after the
              // last majority contact); followers that know a leader and heard
              // from it within election_min ignore vote requests
  kDeadline,  // step down exactly at last majority contact + election_min on
              // the leader's monotonic clock, contact anchored at the *send*
              // of the acknowledged append; confirm_leadership() refuses past
              // it; a server ignores vote requests for election_min after it
              // last heard a leader or restarted (unless it never adopted a
              // term, so never answered a leader) (docs/protocol.md)
};
const char* to_string(QuorumCheck v);

// What a scenario sets for a whole core, the same for every server in it:
// its timing, its limits and Pre-Vote. Every lease family that runs on a
// Raft core keeps one (read from its `core` or `kv` block, raft/core_block.hpp).
struct CoreSettings {
  Duration election_min = milliseconds(150);
  Duration election_max = milliseconds(300);
  // Resolution of a drawn election timeout: 0 draws any nanosecond in
  // [election_min, election_max]; g > 0 rounds the draw to the nearest
  // multiple of g, as an implementation that draws whole milliseconds does
  // (LogCabin: lround of a uniform double, in ms). Both bounds are then
  // multiples of g, so the result stays within them. Same single draw
  // either way.
  Duration election_granularity = Duration::zero();
  Duration heartbeat = milliseconds(50);
  uint32_t snapshot_threshold = 4096;  // applied entries between compactions; 0: never
  uint32_t max_append_entries = 64;    // entries per AppendEntries
  // Pre-Vote (Raft dissertation 9.6): a server whose election timer fires
  // first asks whether it could win (RequestVote with pre_vote set, for
  // term + 1, changing no one's term or vote) and starts a real election
  // only with a majority of yeses. A server says yes if the candidate's
  // log is up to date and it has not heard from a leader within
  // election_min (a leader says no).
  bool pre_vote = false;
};

// One server's configuration: the core's settings, who it is, and how the
// protocol runs the core.
struct Config : CoreSettings {
  NodeId self = kInvalidNode;
  std::vector<NodeId> servers;  // every server of the core, self included, in order
  QuorumCheck check_quorum = QuorumCheck::kOff;
  // Where the core's five message types sit in the protocol's numbering:
  // msg_base + MsgKind (messages.hpp). The protocol numbers its own around
  // them.
  uint16_t msg_base = 0;

  CoreSettings& settings() { return *this; }
  const CoreSettings& settings() const { return *this; }
};

}  // namespace leasesim::raft
