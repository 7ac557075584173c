// What a run's traffic and timing model measured (docs/scenario-format.md,
// `timing`; the JSON report's `load` and `elections`): messages by type and
// by node, the leader's load and queueing, and election times. Measured by
// the world (it sees every send and every input a node handles), never
// judged.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "leasesim/check/metrics.hpp"
#include "leasesim/core/time.hpp"

namespace leasesim {

struct LoadStats {
  // Whether the run had a timing model or a leader crash: campaign run
  // lines carry a `load` object only then (older files stay byte-equal).
  bool worth_recording() const {
    return timing_model || election.count > 0 || elections_unfinished > 0;
  }
  bool timing_model = false;
  std::vector<std::string> type_names;  // the protocol's message names
  // Indexed by the protocol's message type (its module's message_names()).
  std::vector<uint64_t> sent_by_type;
  std::vector<uint64_t> handled_by_type;  // delivered and handled by the receiver
  // Indexed by node id.
  std::vector<uint64_t> sent_by_node;
  std::vector<uint64_t> handled_by_node;  // messages handled (timers not counted)
  // The leader's load: over the time some server led (summed over
  // leaderships), the messages the leader handled and sent.
  Duration leader_time;
  uint64_t leader_handled = 0;
  uint64_t leader_sent = 0;
  double leader_handled_per_s() const;
  double leader_sent_per_s() const;
  // Queueing delay of inputs (arrival -> start of service), with a
  // processing model: at whichever server led when the input arrived, and
  // at every node.
  Distribution leader_queue;
  Distribution queue;
  // Election time after each crash of a leader: to the first new leader
  // (its role record), and to when a majority of the servers (the leader
  // counted) had received an AppendEntries of that leader, the end point
  // of Raft's Figure 16. A crash with no new leader by the end counts in
  // unfinished.
  Distribution election;
  Distribution election_heard;
  uint64_t elections_unfinished = 0;
};

}  // namespace leasesim
