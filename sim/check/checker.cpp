#include "leasesim/check/checker.hpp"

#include <algorithm>
#include <string>

#include "leasesim/core/assert.hpp"
#include "leasesim/protocol/observations.hpp"

namespace leasesim {
namespace {

constexpr uint64_t kUnknownDigest = 0;

std::string node_name(const TraceSchema* schema, NodeId n) {
  if (schema && n < schema->names(name_table::kNodes).size())
    return schema->names(name_table::kNodes)[n];
  return n == kInvalidNode ? std::string("?") : "node" + std::to_string(n);
}
std::string resource_name(const TraceSchema* schema, ResourceId r) {
  if (schema && r < schema->names(name_table::kResources).size())
    return schema->names(name_table::kResources)[r];
  return "resource" + std::to_string(r);
}

}  // namespace

Checker::Checker(const CheckerSetup& setup)
    : setup_(setup),
      resources_(setup.resources),
      begins_(setup.resources),
      open_by_node_(setup.clocks.size()),
      wants_(setup.clocks.size()) {
  metrics_.resources.resize(setup.resources);
}

TimePoint Checker::project(const Belief& b, TimePoint now) const {
  return setup_.clocks[b.holder].true_time_when(b.clock, b.deadline, now);
}

void Checker::remember(ResourceId res, const Record& r) {
  if (setup_.story_length == 0) return;
  ResourceState& rs = resources_[res];
  if (rs.story.size() < setup_.story_length) {
    rs.story.push_back(r);
  } else {
    rs.story[rs.story_next] = r;
    rs.story_next = (rs.story_next + 1) % setup_.story_length;
  }
}

void Checker::note(const Record& r) {
  if (setup_.story_length == 0) return;
  if (global_story_.size() < setup_.story_length) {
    global_story_.push_back(r);
  } else {
    global_story_[global_next_] = r;
    global_next_ = (global_next_ + 1) % setup_.story_length;
  }
}

std::vector<Record> Checker::story_of(ResourceId res) const {
  std::vector<Record> out;
  auto append_ring = [&out](const std::vector<Record>& ring, size_t next) {
    for (size_t i = 0; i < ring.size(); ++i) out.push_back(ring[(next + i) % ring.size()]);
  };
  append_ring(global_story_, global_next_);
  if (res != kNoResource) append_ring(resources_[res].story, resources_[res].story_next);
  std::stable_sort(out.begin(), out.end(),
                   [](const Record& a, const Record& b) { return a.time < b.time; });
  return out;
}

void Checker::report(Violation v, ResourceId res) {
  v.story = story_of(res);
  if (!is_warning(v.kind)) ++failures_;
  violations_.push_back(std::move(v));
}

void Checker::close_due(ResourceState& rs, TimePoint now) {
  for (size_t i = 0; i < rs.open.size();) {
    const Belief& b = beliefs_[rs.open[i]];
    if (b.end <= now) {
      close_belief(rs, i, b.end);
    } else {
      ++i;
    }
  }
}

void Checker::close_belief(ResourceState& rs, size_t pos, TimePoint end) {
  const uint32_t id = rs.open[pos];
  Belief& b = beliefs_[id];
  b.end = std::max(b.begin, std::min(b.end, end));
  b.open = false;
  update_tracked(id, true);
  closed_.push_back(ClosedBelief{b.resource, b.lease, b.holder, b.token, b.begin, b.end});
  metrics_.resources[b.resource].held += b.end - b.begin;
  if (b.end >= rs.last_end) {
    rs.last_end = b.end;
    rs.last_holder = b.holder;
  }
  rs.open.erase(rs.open.begin() + static_cast<std::ptrdiff_t>(pos));
  auto& by_node = open_by_node_[b.holder];
  by_node.erase(std::remove(by_node.begin(), by_node.end(), id), by_node.end());
  free_beliefs_.push_back(id);
}

void Checker::observe(const Record& r) {
  switch (r.kind) {
    case obs::kBeliefBegin:
      belief_begin(r);
      return;
    case obs::kBeliefExtend:
      belief_extend(r);
      return;
    case obs::kBeliefEnd: {
      const ResourceId res = static_cast<ResourceId>(r.f[0]);
      if (res >= resources_.size()) return;
      remember(res, r);
      ResourceState& rs = resources_[res];
      for (size_t i = 0; i < rs.open.size(); ++i) {
        const Belief& b = beliefs_[rs.open[i]];
        if (b.holder != r.node || b.lease != r.f[1]) continue;
        // An expiry is noticed by the holder when it next runs; the belief
        // itself ended when its clock reached the deadline (close_belief
        // keeps the earlier of the two).
        close_belief(rs, i, r.time);
        break;
      }
      return;
    }
    case obs::kWant: {
      const ResourceId res = static_cast<ResourceId>(r.f[0]);
      if (res >= resources_.size() || r.node >= wants_.size()) return;
      // A retry after a refusal continues the same wait.
      if (wants_[r.node].resource == res) return;
      stop_wanting(r.node, r.time);
      wants_[r.node] = Want{res, r.time};
      ResourceState& rs = resources_[res];
      if (rs.waiters++ == 0) rs.wanted_since = r.time;
      return;
    }
    case obs::kRole: {
      note(r);
      const Role role = static_cast<Role>(r.f[0]);
      const Term term = r.f[1];
      if (role == Role::kLeader) {
        ++metrics_.elections;
        leader_ = r.node;
        auto [it, inserted] = leader_of_term_.emplace(term, r.node);
        if (!inserted && it->second != r.node) {
          Violation v;
          v.kind = ViolationKind::kElectionSafety;
          v.detected = v.from = v.to = r.time;
          v.first = it->second;
          v.second = r.node;
          v.first_lease = v.second_lease = term;
          v.summary = "two leaders in term " + std::to_string(term) + ": " +
                      node_name(setup_.schema, it->second) + " and " +
                      node_name(setup_.schema, r.node);
          report(std::move(v), kNoResource);
        }
      } else if (r.node == leader_) {
        leader_ = kInvalidNode;
      }
      return;
    }
    case obs::kLeaderReady:
      note(r);
      if (leaderless_) {
        failover_samples_.push_back((r.time - leader_crashed_at_).ns());
        leaderless_ = false;
      }
      return;
    case obs::kCommitted: {
      const LogIndex index = r.f[0];
      const uint64_t digest = r.f[2] == kUnknownDigest ? 1 : r.f[2];
      if (index >= committed_.size())
        committed_.resize(std::max<size_t>(index + 1, committed_.size() * 2), kUnknownDigest);
      uint64_t& known = committed_[index];
      if (known == kUnknownDigest) {
        known = digest;
      } else if (known != digest) {
        Violation v;
        v.kind = ViolationKind::kCommittedChanged;
        v.detected = v.from = v.to = r.time;
        v.second = r.node;
        v.first_lease = v.second_lease = index;
        v.summary = "log index " + std::to_string(index) + " applied by " +
                    node_name(setup_.schema, r.node) + " differs from what was committed before";
        report(std::move(v), kNoResource);
      }
      return;
    }
    case obs::kLeaseGranted: {
      const ResourceId res = static_cast<ResourceId>(r.f[0]);
      if (res >= resources_.size()) return;
      ++metrics_.grants;
      remember(res, r);
      return;
    }
    case obs::kLeaseRenewed:
    case obs::kLeaseRefreshed: {
      const ResourceId res = static_cast<ResourceId>(r.f[0]);
      if (res < resources_.size()) remember(res, r);
      return;
    }
    case obs::kLeaseFreed: {
      const ResourceId res = static_cast<ResourceId>(r.f[0]);
      if (res >= resources_.size()) return;
      remember(res, r);
      ResourceState& rs = resources_[res];
      close_due(rs, r.time);
      for (uint32_t id : rs.open) {
        Belief& b = beliefs_[id];
        if (b.lease != r.f[1] || b.core_freed) continue;
        b.core_freed = true;
        Violation v;
        v.kind = ViolationKind::kLatentOverlap;
        v.detected = v.from = r.time;
        v.to = b.end;
        v.resource = res;
        v.first = b.holder;
        v.first_lease = b.lease;
        v.summary = node_name(setup_.schema, b.holder) + " still believes it holds " +
                    resource_name(setup_.schema, res) + " (lease " + std::to_string(b.lease) +
                    ") for " + format_duration_short(b.end - r.time) + " after the core freed it";
        report(std::move(v), res);
        track(violations_.size() - 1, id, kNoBelief);
      }
      return;
    }
    case obs::kWorkCheck: {
      const ResourceId res = static_cast<ResourceId>(r.f[0]);
      if (res < resources_.size()) remember(res, r);
      return;
    }
    case obs::kWriteAccepted:
      write_accepted(r);
      return;
    case obs::kWriteRejected: {
      const ResourceId res = static_cast<ResourceId>(r.f[0]);
      ++metrics_.writes_rejected;
      if (res < resources_.size()) remember(res, r);
      return;
    }
    default:
      return;
  }
}

void Checker::stop_wanting(NodeId n, TimePoint now) {
  (void)now;
  Want& w = wants_[n];
  if (w.resource == kNoResource) return;
  ResourceState& rs = resources_[w.resource];
  if (rs.waiters > 0) --rs.waiters;
  w.resource = kNoResource;
}

void Checker::belief_begin(const Record& r) {
  const ResourceId res = static_cast<ResourceId>(r.f[0]);
  if (res >= resources_.size() || r.node >= open_by_node_.size()) return;
  remember(res, r);
  ResourceState& rs = resources_[res];
  close_due(rs, r.time);

  Belief b;
  b.resource = res;
  b.holder = r.node;
  b.lease = r.f[1];
  b.token = r.f[2];
  b.begin = r.time;
  b.deadline = TimePoint(static_cast<int64_t>(r.f[3]));
  b.clock = static_cast<ClockKind>(r.f[4]);
  b.end = project(b, r.time);
  uint32_t id;
  if (!free_beliefs_.empty()) {
    id = free_beliefs_.back();
    free_beliefs_.pop_back();
    beliefs_[id] = b;
  } else {
    id = static_cast<uint32_t>(beliefs_.size());
    beliefs_.push_back(b);
  }

  // Metrics: acquisition latency, handoff gap, time free while wanted.
  ++metrics_.beliefs;
  ++metrics_.resources[res].grants;
  Want& w = wants_[r.node];
  if (w.resource == res) {
    acquire_samples_.push_back((r.time - w.since).ns());
    if (rs.open.empty()) {
      const TimePoint free_from = std::max(rs.wanted_since, rs.last_end);
      if (r.time > free_from) metrics_.resources[res].wanted_free += r.time - free_from;
      if (rs.last_holder != kInvalidNode && rs.last_holder != r.node && w.since <= rs.last_end)
        handoff_samples_.push_back((r.time - rs.last_end).ns());
    }
  }
  stop_wanting(r.node, r.time);
  if (rs.waiters > 0) rs.wanted_since = r.time;

  for (uint32_t other_id : rs.open) {
    const Belief& o = beliefs_[other_id];
    if (o.holder == b.holder || o.end <= r.time) continue;
    Violation v;
    v.kind = ViolationKind::kOverlap;
    v.detected = r.time;
    v.from = r.time;
    v.to = std::min(o.end, b.end);
    v.resource = res;
    v.first = o.holder;
    v.second = b.holder;
    v.first_lease = o.lease;
    v.second_lease = b.lease;
    v.summary = node_name(setup_.schema, b.holder) + " began holding " +
                resource_name(setup_.schema, res) + " (lease " + std::to_string(b.lease) +
                ") while " + node_name(setup_.schema, o.holder) +
                " still believed it held it (lease " + std::to_string(o.lease) + ") for another " +
                format_duration_short(o.end - r.time);
    report(std::move(v), res);
    track(violations_.size() - 1, other_id, id);
  }
  rs.open.push_back(id);
  open_by_node_[r.node].push_back(id);
  begins_.add(res, r.node, b.lease, r.time);
  if (rs.writes_at == r.time && !rs.recent_writes.empty()) rejudge_recent_writes(rs, res, r);
}

void Checker::write_accepted(const Record& r) {
  const ResourceId res = static_cast<ResourceId>(r.f[0]);
  if (res >= resources_.size()) return;
  ++metrics_.writes_accepted;
  remember(res, r);
  ResourceState& rs = resources_[res];
  const RecentWrite w{static_cast<NodeId>(r.f[2]), r.f[3], r.f[1], rs.highest_accepted, SIZE_MAX};
  rs.highest_accepted = std::max(rs.highest_accepted, w.token);
  if (rs.writes_at != r.time) {
    rs.writes_at = r.time;
    rs.recent_writes.clear();
  }
  const BeliefBegins::Begin* by = begins_.first_other_since(res, w.writer, w.lease, r.time);
  if (by != nullptr || w.token < w.highest) {
    stale_write(res, w, r.time, by);
    if (by != nullptr) return;
    rs.recent_writes.push_back(w);
    rs.recent_writes.back().violation = violations_.size() - 1;
    return;
  }
  rs.recent_writes.push_back(w);
}

void Checker::rejudge_recent_writes(ResourceState& rs, ResourceId res, const Record& begin) {
  for (size_t i = 0; i < rs.recent_writes.size();) {
    const RecentWrite& w = rs.recent_writes[i];
    const BeliefBegins::Begin* by = begins_.first_other_since(res, w.writer, w.lease, begin.time);
    if (by == nullptr) {
      ++i;
      continue;
    }
    stale_write(res, w, begin.time, by);
    rs.recent_writes[i] = rs.recent_writes.back();
    rs.recent_writes.pop_back();
  }
}

void Checker::stale_write(ResourceId res, const RecentWrite& w, TimePoint at,
                          const BeliefBegins::Begin* by) {
  const std::string writer = node_name(setup_.schema, w.writer);
  std::string why;
  if (by != nullptr) {
    const TimePoint began = begins_.lease_began(res, w.writer, w.lease);
    why = node_name(setup_.schema, by->holder) + "'s lease " + std::to_string(by->lease) +
          " began at " + format_instant(by->at) +
          (began == TimePoint::min()
               ? " (" + writer + " was never seen believing lease " + std::to_string(w.lease) + ")"
               : ", after " + writer + "'s lease " + std::to_string(w.lease) + " began at " +
                     format_instant(began));
  }
  if (w.token < w.highest)
    why += (why.empty() ? "" : "; ") + std::string("token ") + std::to_string(w.token) +
           " is below the " + std::to_string(w.highest) + " already accepted";
  const std::string summary = writer + "'s write to " + resource_name(setup_.schema, res) +
                              " (lease " + std::to_string(w.lease) + ", token " +
                              std::to_string(w.token) + ") accepted at " + format_instant(at) +
                              " was stale: " + why;
  if (w.violation != SIZE_MAX) {
    // Already reported for its token; a belief begun at the same instant,
    // observed after it, also made it stale.
    Violation& v = violations_[w.violation];
    v.second = by->holder;
    v.second_lease = by->lease;
    v.summary = summary;
    return;
  }
  ++metrics_.stale_writes;
  Violation v;
  v.kind = ViolationKind::kStaleWrite;
  v.detected = v.from = v.to = at;
  v.resource = res;
  v.first = w.writer;
  v.first_lease = w.lease;
  v.token = w.token;
  if (by != nullptr) {
    v.second = by->holder;
    v.second_lease = by->lease;
  }
  v.summary = summary;
  report(std::move(v), res);
}

void Checker::belief_extend(const Record& r) {
  const ResourceId res = static_cast<ResourceId>(r.f[0]);
  if (res >= resources_.size()) return;
  remember(res, r);
  ResourceState& rs = resources_[res];
  close_due(rs, r.time);
  for (uint32_t id : rs.open) {
    Belief& b = beliefs_[id];
    if (b.holder != r.node || b.lease != r.f[1]) continue;
    b.deadline = TimePoint(static_cast<int64_t>(r.f[2]));
    // Overlap with a later holder is judged when that holder begins, and
    // outliving the core's record when the core frees the lease.
    b.end = project(b, r.time);
    update_tracked(id, false);
    return;
  }
}

void Checker::on_clock_change(NodeId n, TimePoint now) {
  if (n >= open_by_node_.size()) return;
  for (uint32_t id : std::vector<uint32_t>(open_by_node_[n])) {
    Belief& b = beliefs_[id];
    if (!b.open) continue;
    if (b.end > now) b.end = project(b, now);
    update_tracked(id, false);
  }
}

void Checker::track(size_t violation, uint32_t first, uint32_t second) {
  tracked_.push_back(Tracked{violation, first, second});
}

void Checker::update_tracked(uint32_t belief, bool closing) {
  for (size_t i = 0; i < tracked_.size();) {
    const Tracked t = tracked_[i];
    if (t.first != belief && t.second != belief) {
      ++i;
      continue;
    }
    // The overlap lasts while both believe; a latent overlap while the
    // holder believes. Once either belief has closed the end is final.
    TimePoint to = beliefs_[t.first].end;
    if (t.second != kNoBelief) to = std::min(to, beliefs_[t.second].end);
    Violation& v = violations_[t.violation];
    v.to = std::max(v.from, to);
    if (closing) {
      tracked_[i] = tracked_.back();
      tracked_.pop_back();
    } else {
      ++i;
    }
  }
}

void Checker::on_crash(NodeId n, TimePoint now) {
  if (n == leader_) {
    ++metrics_.leader_crashes;
    leader_crashed_at_ = now;
    leaderless_ = true;
    leader_ = kInvalidNode;
  }
  if (n >= open_by_node_.size()) return;
  stop_wanting(n, now);
  // Copy: closing edits the node's list.
  const std::vector<uint32_t> open = open_by_node_[n];
  for (uint32_t id : open) {
    ResourceState& rs = resources_[beliefs_[id].resource];
    const auto it = std::find(rs.open.begin(), rs.open.end(), id);
    if (it != rs.open.end()) close_belief(rs, static_cast<size_t>(it - rs.open.begin()), now);
  }
}

void Checker::finish(TimePoint end) {
  for (ResourceId res = 0; res < resources_.size(); ++res) {
    ResourceState& rs = resources_[res];
    const bool held_at_end = !rs.open.empty();
    while (!rs.open.empty()) close_belief(rs, 0, end);
    if (!held_at_end && rs.waiters > 0) {
      const TimePoint free_from = std::max(rs.wanted_since, rs.last_end);
      if (end > free_from) metrics_.resources[res].wanted_free += end - free_from;
    }
  }
  for (auto& v : violations_)
    if (v.to > end) v.to = end;
  metrics_.acquire_latency = Distribution::of(std::move(acquire_samples_));
  metrics_.handoff_gap = Distribution::of(std::move(handoff_samples_));
  metrics_.failover = Distribution::of(std::move(failover_samples_));
  Duration held, wanted_free;
  for (const ResourceMetrics& m : metrics_.resources) {
    held += m.held;
    wanted_free += m.wanted_free;
  }
  metrics_.availability =
      (held + wanted_free) > Duration::zero()
          ? static_cast<double>(held.ns()) / static_cast<double>((held + wanted_free).ns())
          : 1.0;
}

}  // namespace leasesim
