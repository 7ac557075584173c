// The timing model of a run's nodes (docs/scenario-format.md, `timing`):
// processing time, timer jitter, durable-write latency and start offsets,
// per node. Everything left out is zero, which is leasesim without a
// timing model: inputs take no time, timers fire exactly, writes are
// durable at once, every node starts at 0.
#pragma once

#include <optional>
#include <vector>

#include "leasesim/net/latency.hpp"

namespace leasesim {

struct NodeTiming {
  // Service time of each input (a message, a timer, a write's completion):
  // the node handles one input at a time, in arrival order; the others queue.
  std::optional<LatencyModel> processing;
  // How late a timer fires after its deadline.
  std::optional<LatencyModel> timer_jitter;
  // Latency of a durable write (fsync). With group_commit, writes asked for
  // while one is in flight share the next one; without, each waits its turn.
  std::optional<LatencyModel> fsync;
  bool group_commit = true;
  // Whether a node's messages may leave while its own write of the same
  // step is in flight, where the node allows it (a Raft leader's
  // AppendEntries, a new candidate's RequestVotes: Raft dissertation
  // 10.2.1). false: every message of a step that wrote waits until the
  // write is durable, as in a server that writes synchronously before it
  // sends (LogCabin's candidate writes its term and vote under its lock
  // before its peer threads send RequestVote).
  bool send_while_writing = true;
  // When the node starts (from 0).
  std::optional<LatencyModel> start;

  bool any() const { return processing || timer_jitter || fsync || start; }
};

struct TimingSpec {
  // Per node id; empty when the scenario has no `timing` block.
  std::vector<NodeTiming> nodes;
  bool any() const {
    for (const NodeTiming& n : nodes)
      if (n.any()) return true;
    return false;
  }
};

}  // namespace leasesim
