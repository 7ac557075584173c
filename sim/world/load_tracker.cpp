#include "load_tracker.hpp"

#include <bit>

namespace leasesim {

double LoadStats::leader_handled_per_s() const {
  return leader_time > Duration::zero()
             ? static_cast<double>(leader_handled) * 1e9 / static_cast<double>(leader_time.ns())
             : 0.0;
}
double LoadStats::leader_sent_per_s() const {
  return leader_time > Duration::zero()
             ? static_cast<double>(leader_sent) * 1e9 / static_cast<double>(leader_time.ns())
             : 0.0;
}

LoadTracker::LoadTracker(uint32_t nodes, uint32_t servers, size_t types, int append_type)
    : servers_(servers), append_type_(append_type) {
  s_.sent_by_type.assign(types, 0);
  s_.handled_by_type.assign(types, 0);
  by_node_.assign(nodes, NodeCounts{});
}

void LoadTracker::heard(NodeId to, NodeId from, uint16_t type, TimePoint now) {
  if (from == new_leader_ && static_cast<int>(type) == append_type_ && to < servers_ && to < 32) {
    heard_mask_ |= uint32_t{1} << to;
    if (static_cast<uint32_t>(std::popcount(heard_mask_)) >= servers_ / 2 + 1) {
      heard_.push_back((now - crashed_at_).ns());
      hearing_ = false;
    }
  }
}

void LoadTracker::queued(NodeId n, Duration delay) {
  queue_.push_back(delay.ns());
  if (n == leader_) leader_queue_.push_back(delay.ns());
}

void LoadTracker::close_leadership(TimePoint now) {
  if (leader_ == kInvalidNode) return;
  s_.leader_time += now - leader_since_;
  leader_ = kInvalidNode;
}

void LoadTracker::role(NodeId n, const obs::RoleChanged& r, TimePoint now) {
  if (r.role == Role::kLeader) {
    if (r.term < leader_term_) return;
    close_leadership(now);
    leader_ = n;
    leader_term_ = r.term;
    leader_since_ = now;
    if (electing_ && r.term > crashed_term_) {
      election_.push_back((now - crashed_at_).ns());
      electing_ = false;
      hearing_ = append_type_ >= 0 && n < 32;
      new_leader_ = n;
      heard_mask_ = uint32_t{1} << (n & 31);
      if (hearing_ && servers_ == 1) {
        heard_.push_back((now - crashed_at_).ns());
        hearing_ = false;
      }
    } else if (hearing_ && n != new_leader_) {
      // Another leader before a majority heard the first: count its heartbeats.
      new_leader_ = n;
      heard_mask_ = uint32_t{1} << (n & 31);
    }
  } else if (n == leader_) {
    close_leadership(now);
  }
}

void LoadTracker::crash(NodeId n, TimePoint now) {
  if (n != leader_) return;
  if (electing_ || hearing_) ++s_.elections_unfinished;  // an earlier one never ended
  crashed_term_ = leader_term_;
  close_leadership(now);
  electing_ = true;
  hearing_ = false;
  crashed_at_ = now;
}

LoadStats LoadTracker::finish(TimePoint end) {
  close_leadership(end);
  if (electing_ || hearing_) ++s_.elections_unfinished;
  electing_ = hearing_ = false;
  s_.leader_queue = Distribution::of(std::move(leader_queue_));
  s_.queue = Distribution::of(std::move(queue_));
  s_.election = Distribution::of(std::move(election_));
  s_.election_heard = Distribution::of(std::move(heard_));
  s_.sent_by_node.clear();
  s_.handled_by_node.clear();
  for (const NodeCounts& c : by_node_) {
    s_.sent_by_node.push_back(c.sent);
    s_.handled_by_node.push_back(c.handled);
  }
  return std::move(s_);
}

}  // namespace leasesim
