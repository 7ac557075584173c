// The network model: point-to-point messages between nodes, with latency,
// loss, duplication and partitions. It decides the fate of messages; it
// does not carry them (the world owns message storage and the event queue).
//
// When a partition is judged: twice. A message is dropped if its link is
// cut when it is sent (the sender cannot reach the destination) *or* when
// it would be delivered (a partition that starts while a message is in
// flight loses it, as a cable pulled mid-transfer would). A link that heals
// while a message is in flight does not revive a message dropped at send.
//
// Loss and duplication are drawn at send time from the link's profile; a
// duplicate is an independent second copy with its own latency. Reordering
// follows from independent latencies. Links between FIFO nodes (the first
// `fifo_nodes` node ids: the servers, which talk over TCP-like connections)
// deliver in send order: a message never arrives before one sent earlier on
// the same directed link.
//
// Partition state is judged per directed link as blocked when any of:
//   - both ends are in groups of the current split and the groups differ
//     (nodes not named in a split are outside it and reach everyone);
//   - the link was cut in that direction (asymmetric cut);
//   - either end is isolated.
// heal() clears all three.
//
// Hot path: decide_send() does no allocation and no map look-up: link
// profiles are found through a small class matrix built at construction.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "leasesim/core/ids.hpp"
#include "leasesim/core/rng.hpp"
#include "leasesim/core/time.hpp"
#include "leasesim/net/latency.hpp"

namespace leasesim {

struct LinkProfile {
  LatencyModel latency = LatencyModel::constant(Duration::zero());
  double loss = 0.0;       // probability a message is lost
  double duplicate = 0.0;  // probability a message is delivered twice
};

// A directed per-link override of the default profile.
struct LinkOverride {
  NodeId from = kInvalidNode;
  NodeId to = kInvalidNode;
  LinkProfile profile;
};

struct NetworkConfig {
  uint32_t node_count = 0;
  uint32_t fifo_nodes = 0;  // links among nodes [0, fifo_nodes) are FIFO
  LinkProfile default_profile;
  std::vector<LinkOverride> overrides;
};

enum class DropReason : uint8_t {
  kNone = 0,
  kPartitioned,  // link blocked at send or at delivery
  kLost,         // random loss
  kCrashed,      // destination crashed at delivery (decided by the host)
  kCount,
};
const char* to_string(DropReason r);
extern const char* const kDropReasonNames[];

struct SendDecision {
  DropReason drop = DropReason::kNone;  // != kNone: no copy is delivered
  uint8_t copies = 0;                   // 1 or 2 when not dropped
  TimePoint deliver_at[2];
};

class Network {
 public:
  Network(const NetworkConfig& config, Rng rng);

  // Decides what happens to a message sent now from `from` to `to`.
  // Inline fast path for the common case (every link open, no window, one
  // profile for all links, no loss, no duplication): one latency draw,
  // exactly the draws the general path makes in that case.
  SendDecision decide_send(TimePoint now, NodeId from, NodeId to) {
    if (!plain_ || any_block_ || window_active_) return decide_send_general(now, from, to);
    LEASESIM_ASSERT(from < config_.node_count && to < config_.node_count, "send to unknown node");
    SendDecision out;
    out.copies = 1;
    out.deliver_at[0] = fifo_hold(from, to, now + profiles_[0].latency.sample(rng_));
    return out;
  }

  // True if a message on from->to may be delivered now.
  bool link_open(NodeId from, NodeId to) const {
    if (!any_block_) return true;
    return link_open_slow(from, to);
  }

  // --- Partitions -------------------------------------------------------
  // Splits the named nodes into groups; unnamed nodes are unaffected.
  // Replaces any previous split (cuts and isolation stay).
  void split(const std::vector<std::vector<NodeId>>& groups);
  void cut(NodeId from, NodeId to);  // one direction only
  void isolate(NodeId node);
  void heal();  // removes splits, cuts and isolation
  bool has_partition() const { return any_block_; }

  // --- Windows: temporary changes to every link ------------------------
  // Extra loss / duplication probability and a latency replacing the
  // profile's, applied to every link until cleared. Windows do not nest:
  // setting one replaces the previous.
  void set_window(double extra_loss, double extra_duplicate, const LatencyModel* latency);
  void clear_window();

  uint32_t node_count() const { return config_.node_count; }
  const NetworkConfig& config() const { return config_; }

 private:
  bool link_open_slow(NodeId from, NodeId to) const;
  SendDecision decide_send_general(TimePoint now, NodeId from, NodeId to);
  // A TCP-like connection holds back a fast segment until the slower
  // earlier ones have arrived, so delivery never overtakes: the time a
  // copy drawn to arrive at `at` arrives.
  TimePoint fifo_hold(NodeId from, NodeId to, TimePoint at) {
    if (from >= config_.fifo_nodes || to >= config_.fifo_nodes) return at;
    TimePoint& last = fifo_last_[static_cast<size_t>(from) * config_.fifo_nodes + to];
    if (last > at) at = last;
    last = at;
    return at;
  }
  void refresh_block_flag();
  const LinkProfile& profile(NodeId from, NodeId to) const {
    return profiles_[class_matrix_[node_class_[from] * class_count_ + node_class_[to]]];
  }

  NetworkConfig config_;
  Rng rng_;
  // Link profiles: node -> class, (class, class) -> profile index.
  std::vector<uint16_t> node_class_;
  uint32_t class_count_ = 1;
  std::vector<uint16_t> class_matrix_;
  std::vector<LinkProfile> profiles_;
  // FIFO: last delivery time per directed link among the first fifo_nodes.
  std::vector<TimePoint> fifo_last_;
  // Partitions.
  bool any_block_ = false;
  std::vector<uint32_t> group_;  // 0 = not in the split
  std::vector<uint8_t> isolated_;
  uint32_t isolated_count_ = 0;
  std::vector<std::pair<NodeId, NodeId>> cuts_;
  // Window.
  bool window_active_ = false;
  // One profile for every link (no overrides), without loss or duplication.
  bool plain_ = false;
  double window_loss_ = 0.0;
  double window_dup_ = 0.0;
  bool window_has_latency_ = false;
  LatencyModel window_latency_;
};

}  // namespace leasesim
