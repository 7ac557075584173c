// Beliefs as unions of holding segments (safety_checker.hpp states the
// model): beginning, extending and ending beliefs, projecting their
// segments through the holders' clocks, and finalising them.
//
// Segment ends are projections: a segment ends when the holder's clock
// reaches its deadline, which happens without any record. The checker
// finalises a live segment whose end has passed at the next look at its
// resource (close_due), so at every record the state of each resource is
// exact as of that record's time. A live segment whose end equals `now`
// is not finalised yet: an extend or clock change at that same instant
// continues it (touching segments merge into one).
#include <algorithm>

#include "leasesim/check/safety_checker.hpp"
#include "leasesim/core/assert.hpp"

namespace leasesim {

TimePoint SafetyChecker::project(const Belief& b, TimePoint now) const {
  return setup_.clocks[b.holder].true_time_when(b.clock, b.deadline, now);
}

void SafetyChecker::close_due(ResourceId res, TimePoint now) {
  for (const uint32_t id : resources_[res].open) {
    const Belief& b = beliefs_[id];
    if (b.live && b.seg_to < now) end_segment(id, b.seg_to);
  }
}

void SafetyChecker::set_seg_to(Belief& b, TimePoint to) {
  const TimePoint old = b.seg_to;
  b.seg_to = to;
  ResourceState& rs = resources_[b.resource];
  if (to >= rs.hold_end)
    rs.hold_end = to;
  else if (old == rs.hold_end)
    recompute_hold_end(b.resource);
}

void SafetyChecker::recompute_hold_end(ResourceId res) {
  ResourceState& rs = resources_[res];
  rs.hold_end = TimePoint::min();
  for (const uint32_t id : rs.open)
    if (beliefs_[id].live) rs.hold_end = std::max(rs.hold_end, beliefs_[id].seg_to);
}

SafetyChecker::Holding SafetyChecker::holding(ResourceId res, TimePoint now) const {
  const ResourceState& rs = resources_[res];
  Holding h{false, rs.last_end, rs.last_holder};
  for (const uint32_t id : rs.open) {
    const Belief& o = beliefs_[id];
    if (!o.live) continue;
    if (o.seg_to > now) h.held = true;
    if (o.seg_to >= h.last_end) {  // finalised later: wins a tie
      h.last_end = o.seg_to;
      h.last_holder = o.holder;
    }
  }
  return h;
}

void SafetyChecker::touch(ResourceId res, const Record& r) {
  advance_to(r.time);
  remember(res, r);
  close_due(res, r.time);
}

void SafetyChecker::belief_begin(const Record& r, const obs::BeliefBegin& bb) {
  advance_to(r.time);
  const ResourceId res = bb.resource;
  const TimePoint now = r.time;
  ResourceState& rs = resources_[res];
  // A second belief_begin of a belief that is still open (a duplicate
  // grant) restates it: one belief per (holder, lease, resource).
  uint32_t id = kNone;
  for (const uint32_t o : rs.open)
    if (beliefs_[o].holder == r.node && beliefs_[o].lease == bb.lease) id = o;
  if (id == kNone) {
    if (!free_beliefs_.empty()) {
      id = free_beliefs_.back();
      free_beliefs_.pop_back();
      beliefs_[id] = Belief{};
    } else {
      id = static_cast<uint32_t>(beliefs_.size());
      beliefs_.emplace_back();
    }
    Belief& b = beliefs_[id];
    b.resource = res;
    b.holder = r.node;
    b.lease = bb.lease;
    b.seq = next_seq_++;
    rs.open.push_back(id);
    open_by_node_[r.node].push_back(id);
  }
  Belief& b = beliefs_[id];
  b.token = bb.token;
  b.deadline = bb.deadline;
  b.clock = bb.clock;
  begins_.add(res, r.node, b.lease, now);
  reproject(id, now);
  if (rs.writes_at == now && !rs.recent_writes.empty()) rejudge_recent_writes(res, r);
}

void SafetyChecker::belief_extend(const Record& r, const obs::BeliefExtend& e) {
  touch(e.resource, r);
  holders_changing(e.resource, r.time);
  for (const uint32_t id : resources_[e.resource].open) {
    Belief& b = beliefs_[id];
    if (b.holder != r.node || b.lease != e.lease) continue;
    b.deadline = e.deadline;
    reproject(id, r.time);
    return;
  }
}

void SafetyChecker::belief_end(const Record& r, const obs::BeliefEnd& e) {
  touch(e.resource, r);
  for (const uint32_t id : resources_[e.resource].open) {
    const Belief& b = beliefs_[id];
    if (b.holder != r.node || b.lease != e.lease) continue;
    // An expiry is noticed by the holder when it next runs; the segment
    // itself ended when its clock reached the deadline (close_due).
    close_belief(id, r.time);
    return;
  }
}

void SafetyChecker::on_clock_change(NodeId n, TimePoint now) {
  advance_to(now);
  LEASESIM_ASSERT(n < open_by_node_.size(), "clock change of an unknown node");
  if (open_by_node_[n].empty()) return;
  scratch_.assign(open_by_node_[n].begin(), open_by_node_[n].end());
  for (const uint32_t id : scratch_) {
    const ResourceId res = beliefs_[id].resource;
    close_due(res, now);
    holders_changing(res, now);
    reproject(id, now);
  }
}

void SafetyChecker::on_crash(NodeId n, TimePoint now) {
  advance_to(now);
  LEASESIM_ASSERT(n < open_by_node_.size(), "crash of an unknown node");
  scratch_.assign(open_by_node_[n].begin(), open_by_node_[n].end());
  for (const uint32_t id : scratch_) {
    close_due(beliefs_[id].resource, now);
    close_belief(id, now);
  }
}

void SafetyChecker::lease_freed(const Record& r, const obs::LeaseFreed& f) {
  advance_to(r.time);
  const ResourceId res = f.resource;
  remember(res, r);
  close_due(res, r.time);
  for (const uint32_t id : resources_[res].open) {
    Belief& b = beliefs_[id];
    if (b.lease != f.lease || b.freed != TimePoint::max()) continue;
    // From now on every instant this belief holds is a latent overlap
    // (started_holding reports later segments).
    b.freed = r.time;
    if (holds(b, r.time)) stretch_begins(id, kNone, ViolationKind::kLatentOverlap, r.time);
  }
}

void SafetyChecker::reproject(uint32_t id, TimePoint now) {
  Belief& b = beliefs_[id];
  const TimePoint end = project(b, now);  // >= now
  if (b.live) {
    LEASESIM_ASSERT(b.seg_to >= now, "a lapsed segment was not finalised");
    const bool was_holding = b.seg_to > now;
    if (end > now) {
      set_seg_to(b, end);  // continues (or, touching, resumes) the segment
      if (was_holding)
        update_stretches(id);
      else
        started_holding(id, now);
    } else if (was_holding) {
      set_seg_to(b, now);  // stops holding now (the clock jumped past the deadline)
      update_stretches(id);
    }
    return;
  }
  if (end <= now) return;  // lapsed, and still lapsed
  b.live = true;
  b.seg_from = now;
  set_seg_to(b, end);
  if (b.first_held == TimePoint::max()) b.first_held = now;
  started_holding(id, now);
}

void SafetyChecker::end_segment(uint32_t id, TimePoint at) {
  Belief& b = beliefs_[id];
  if (!b.live) return;
  const bool at_run_end = at == end_ && b.seg_to > at;
  const TimePoint projected = b.seg_to;
  b.seg_to = std::max(b.seg_from, std::min(b.seg_to, at));
  if (b.tracked > 0) {
    // Its stretches end with it: final now.
    update_stretches(id);
    for (Tracked& t : tracked_)
      if (t.stretching && (t.first == id || t.second == id)) t.stretching = false;
  }
  b.live = false;
  if (projected == resources_[b.resource].hold_end) recompute_hold_end(b.resource);
  // An empty segment held no instant: it is no part of the union, unless
  // the run's end cut it (it began as the run stopped, and still held).
  if (b.seg_to == b.seg_from && !at_run_end) return;
  ResourceState& rs = resources_[b.resource];
  if (listener_ != nullptr) listener_->segment_final(b.resource, b.seg_from, b.seg_to);
  closed_.push_back(ClosedBelief{b.resource, b.lease, b.holder, b.token, b.seg_from, b.seg_to});
  ++news_;
  if (b.seg_to >= rs.last_end) {
    rs.last_end = b.seg_to;
    rs.last_holder = b.holder;
  }
  uint32_t s;
  if (!free_segs_.empty()) {
    s = free_segs_.back();
    free_segs_.pop_back();
  } else {
    s = static_cast<uint32_t>(segs_.size());
    segs_.emplace_back();
  }
  segs_[s] = Segment{b.seg_from, b.seg_to, kNone};
  if (b.segs_tail == kNone)
    b.segs = s;
  else
    segs_[b.segs_tail].next = s;
  b.segs_tail = s;
}

Segments SafetyChecker::union_of(const Belief& b) const {
  Segments out;
  for (uint32_t s = b.segs; s != kNone; s = segs_[s].next)
    out.emplace_back(segs_[s].from, segs_[s].to);
  return out;
}

void SafetyChecker::close_belief(uint32_t id, TimePoint at) {
  Belief& b = beliefs_[id];
  const ResourceId res = b.resource;
  holders_changing(res, at);
  const bool at_end = at == end_ && b.live && b.seg_to > at;
  end_segment(id, at);
  if (b.tracked > 0) hand_over_union(id, at_end);
  for (uint32_t s = b.segs; s != kNone; s = segs_[s].next) free_segs_.push_back(s);
  ResourceState& rs = resources_[res];
  rs.open.erase(std::find(rs.open.begin(), rs.open.end(), id));
  auto& mine = open_by_node_[b.holder];
  mine.erase(std::find(mine.begin(), mine.end(), id));
  free_beliefs_.push_back(id);
}

}  // namespace leasesim
