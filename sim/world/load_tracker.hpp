// Private to the world: counts messages by type and node, the leader's
// load and queueing, and election times (load_stats.hpp). The world calls
// it at each send, each handled message, each queued input, each role
// record and each crash. Counting is a few array increments per message;
// samples are kept only for queueing (with a processing model) and for
// elections.
#pragma once

#include <cstdint>
#include <vector>

#include "leasesim/protocol/observations.hpp"
#include "leasesim/world/load_stats.hpp"

namespace leasesim {

class LoadTracker {
 public:
  // `append_type`: the protocol's type for a Raft AppendEntries (-1: none,
  // so election_heard is not measured).
  LoadTracker(uint32_t nodes, uint32_t servers, size_t types, int append_type);

  void sent(NodeId from, uint16_t type) {
    if (type < s_.sent_by_type.size()) ++s_.sent_by_type[type];
    ++by_node_[from].sent;
    if (from == leader_) ++s_.leader_sent;
  }
  void handled(NodeId to, NodeId from, uint16_t type, TimePoint now) {
    if (type < s_.handled_by_type.size()) ++s_.handled_by_type[type];
    ++by_node_[to].handled;
    if (to == leader_) ++s_.leader_handled;
    if (hearing_) heard(to, from, type, now);
  }
  // A hint: node n is about to send or handle (its counters' line).
  void prefetch(NodeId n) const { __builtin_prefetch(&by_node_[n]); }
  // An input reached node n while it was busy or not: it waits `delay`.
  void queued(NodeId n, Duration delay);
  void role(NodeId n, const obs::RoleChanged& r, TimePoint now);
  void crash(NodeId n, TimePoint now);
  LoadStats finish(TimePoint end);

 private:
  void close_leadership(TimePoint now);
  // After an election: `to` handled `type` from `from`; counts who has heard
  // the new leader's first AppendEntries.
  void heard(NodeId to, NodeId from, uint16_t type, TimePoint now);

  // A node's two counters side by side: a requestor sends and handles at
  // almost every step, and they cost one cache line instead of two. Copied
  // into LoadStats' sent_by_node and handled_by_node by finish().
  struct NodeCounts {
    uint64_t sent = 0;
    uint64_t handled = 0;  // messages handled (timers not counted)
  };
  std::vector<NodeCounts> by_node_;
  LoadStats s_;
  uint32_t servers_;
  int append_type_;
  NodeId leader_ = kInvalidNode;
  Term leader_term_ = 0;
  TimePoint leader_since_;
  std::vector<int64_t> leader_queue_, queue_, election_, heard_;
  // The election under way since a leader crashed.
  bool electing_ = false;
  TimePoint crashed_at_;
  Term crashed_term_ = 0;
  bool hearing_ = false;  // a new leader is elected; counting who heard it
  NodeId new_leader_ = kInvalidNode;
  uint32_t heard_mask_ = 0;
};

}  // namespace leasesim
