#include "leasesim/net/network.hpp"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <limits>

#include "leasesim/core/assert.hpp"
#include "leasesim/core/distributions.hpp"

namespace leasesim {

const char* const kDropReasonNames[] = {"none", "partitioned", "lost", "crashed"};
static_assert(std::size(kDropReasonNames) == static_cast<size_t>(DropReason::kCount),
              "kDropReasonNames must name every DropReason, in enum order");

const char* to_string(DropReason r) {
  const auto i = static_cast<size_t>(r);
  LEASESIM_ASSERT(i < static_cast<size_t>(DropReason::kCount), "bad DropReason");
  return kDropReasonNames[i];
}

Network::Network(const NetworkConfig& config, Rng rng) : config_(config), rng_(rng) {
  const uint32_t n = config_.node_count;
  LEASESIM_ASSERT(n > 0, "network needs at least one node");
  LEASESIM_ASSERT(config_.fifo_nodes <= n, "more FIFO nodes than nodes");

  // Only nodes named in an override can have a non-default link, so every
  // other node shares class 0 and the matrix stays (overridden nodes + 1)^2
  // instead of node_count^2. Giving each overridden node its own class makes
  // the matrix exact per directed node pair.
  constexpr uint32_t kMaxIndex = std::numeric_limits<uint16_t>::max();
  node_class_.assign(n, 0);
  for (const LinkOverride& o : config_.overrides) {
    LEASESIM_ASSERT(o.from < n && o.to < n, "link override names an unknown node");
    for (const NodeId node : {o.from, o.to}) {
      if (node_class_[node] != 0) continue;
      LEASESIM_ASSERT(class_count_ < kMaxIndex, "too many overridden nodes");
      node_class_[node] = static_cast<uint16_t>(class_count_++);
    }
  }
  class_matrix_.assign(static_cast<size_t>(class_count_) * class_count_, 0);
  profiles_.push_back(config_.default_profile);
  for (const LinkOverride& o : config_.overrides) {
    uint16_t& slot =
        class_matrix_[static_cast<size_t>(node_class_[o.from]) * class_count_ + node_class_[o.to]];
    if (slot != 0) {
      // Same directed link named again: the later override wins.
      profiles_[slot] = o.profile;
      continue;
    }
    LEASESIM_ASSERT(profiles_.size() < kMaxIndex, "too many link overrides");
    slot = static_cast<uint16_t>(profiles_.size());
    profiles_.push_back(o.profile);
  }

  const size_t fifo = config_.fifo_nodes;
  fifo_last_.assign(fifo * fifo, TimePoint::min());
  group_.assign(n, 0);
  isolated_.assign(n, 0);
  plain_ = profiles_.size() == 1 && config_.default_profile.loss <= 0 &&
           config_.default_profile.duplicate <= 0;
}

SendDecision Network::decide_send_general(TimePoint now, NodeId from, NodeId to) {
  LEASESIM_ASSERT(from < config_.node_count && to < config_.node_count, "send to unknown node");
  SendDecision out;
  // Checked before any draw so that a partition does not shift the random
  // sequence of the messages that do get through.
  if (!link_open(from, to)) {
    out.drop = DropReason::kPartitioned;
    return out;
  }

  const LinkProfile& p = profile(from, to);
  double loss = p.loss;
  double dup = p.duplicate;
  const LatencyModel* latency = &p.latency;
  if (window_active_) {
    loss = std::min(1.0, loss + window_loss_);
    dup = std::min(1.0, dup + window_dup_);
    if (window_has_latency_) latency = &window_latency_;
  }

  // Draw order, pinned by golden tests (changing it changes every trace):
  //   1. loss (bernoulli: no draw when p <= 0 or p >= 1);
  //   2. duplication (same rule), only if not lost;
  //   3. one latency sample per copy, first copy first.
  if (bernoulli(rng_, loss)) {
    out.drop = DropReason::kLost;
    return out;
  }
  out.copies = bernoulli(rng_, dup) ? 2 : 1;
  for (uint8_t i = 0; i < out.copies; ++i)
    out.deliver_at[i] = fifo_hold(from, to, now + latency->sample(rng_));
  return out;
}

bool Network::link_open_slow(NodeId from, NodeId to) const {
  if (isolated_[from] != 0 || isolated_[to] != 0) return false;
  // Linear: cuts are set by hand in a scenario and number a handful.
  for (const auto& [cf, ct] : cuts_) {
    if (cf == from && ct == to) return false;
  }
  const uint32_t gf = group_[from];
  const uint32_t gt = group_[to];
  return gf == 0 || gt == 0 || gf == gt;
}

void Network::refresh_block_flag() {
  // A split blocks something only if at least two of its groups are
  // non-empty; an empty or single-group split leaves every link open and
  // must keep link_open() on its fast path.
  bool split_blocks = false;
  uint32_t first_group = 0;
  for (const uint32_t g : group_) {
    if (g == 0) continue;
    if (first_group == 0) {
      first_group = g;
    } else if (g != first_group) {
      split_blocks = true;
      break;
    }
  }
  any_block_ = split_blocks || !cuts_.empty() || isolated_count_ > 0;
}

void Network::split(const std::vector<std::vector<NodeId>>& groups) {
  std::fill(group_.begin(), group_.end(), 0);
  for (size_t i = 0; i < groups.size(); ++i) {
    for (const NodeId node : groups[i]) {
      LEASESIM_ASSERT(node < config_.node_count, "split names an unknown node");
      LEASESIM_ASSERT(group_[node] == 0, "node listed twice in a split");
      group_[node] = static_cast<uint32_t>(i + 1);
    }
  }
  refresh_block_flag();
}

void Network::cut(NodeId from, NodeId to) {
  LEASESIM_ASSERT(from < config_.node_count && to < config_.node_count, "cut of unknown node");
  if (std::find(cuts_.begin(), cuts_.end(), std::make_pair(from, to)) == cuts_.end()) {
    cuts_.emplace_back(from, to);
  }
  refresh_block_flag();
}

void Network::isolate(NodeId node) {
  LEASESIM_ASSERT(node < config_.node_count, "isolate of unknown node");
  if (isolated_[node] == 0) {
    isolated_[node] = 1;
    ++isolated_count_;
  }
  refresh_block_flag();
}

void Network::heal() {
  std::fill(group_.begin(), group_.end(), 0);
  std::fill(isolated_.begin(), isolated_.end(), 0);
  isolated_count_ = 0;
  cuts_.clear();
  any_block_ = false;
}

void Network::set_window(double extra_loss, double extra_duplicate, const LatencyModel* latency) {
  window_active_ = true;
  window_loss_ = extra_loss;
  window_dup_ = extra_duplicate;
  window_has_latency_ = latency != nullptr;
  window_latency_ = latency != nullptr ? *latency : LatencyModel{};
}

void Network::clear_window() {
  window_active_ = false;
  window_loss_ = 0.0;
  window_dup_ = 0.0;
  window_has_latency_ = false;
  window_latency_ = LatencyModel{};
}

}  // namespace leasesim
