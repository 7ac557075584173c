// Beliefs as unions of holding segments, and the judgements on them:
// overlaps, latent overlaps, held time and time free while wanted
// (checker.hpp states the model).
//
// Segment ends are projections: a segment ends when the holder's clock
// reaches its deadline, which happens without any record. The checker
// finalises a live segment whose end has passed at the next look at its
// resource (close_due), so at every record the state of each resource is
// exact as of that record's time. A live segment whose end equals `now`
// is not finalised yet: an extend or clock change at that same instant
// continues it (touching segments merge into one).
#include <algorithm>

#include "leasesim/check/checker.hpp"
#include "leasesim/core/assert.hpp"
#include "summary.hpp"

namespace leasesim {

TimePoint Checker::project(const Belief& b, TimePoint now) const {
  return setup_.clocks[b.holder].true_time_when(b.clock, b.deadline, now);
}

void Checker::close_due(ResourceId res, TimePoint now) {
  for (const uint32_t id : resources_[res].open) {
    const Belief& b = beliefs_[id];
    if (b.live && b.seg_to < now) end_segment(id, b.seg_to);
  }
}

void Checker::account(ResourceId res, TimePoint now) {
  ResourceState& rs = resources_[res];
  if (now <= rs.accounted) return;
  // Since `accounted` the waiters did not change and nobody started
  // holding (both call this first), so if nobody holds now the resource
  // was free from the latest segment end on.
  if (rs.waiters > 0 && rs.hold_end <= now) {
    const TimePoint free_from = std::max({rs.accounted, rs.last_end, rs.hold_end});
    if (now > free_from) metrics_.resources[res].wanted_free += now - free_from;
  }
  rs.accounted = now;
}

void Checker::set_seg_to(Belief& b, TimePoint to) {
  const TimePoint old = b.seg_to;
  b.seg_to = to;
  ResourceState& rs = resources_[b.resource];
  if (to >= rs.hold_end)
    rs.hold_end = to;
  else if (old == rs.hold_end)
    recompute_hold_end(b.resource);
}

void Checker::recompute_hold_end(ResourceId res) {
  ResourceState& rs = resources_[res];
  rs.hold_end = TimePoint::min();
  for (const uint32_t id : rs.open)
    if (beliefs_[id].live) rs.hold_end = std::max(rs.hold_end, beliefs_[id].seg_to);
}

void Checker::stop_wanting(NodeId n, TimePoint now) {
  Want& w = wants_[n];
  if (w.resource == kNoResource) return;
  account(w.resource, now);
  ResourceState& rs = resources_[w.resource];
  if (rs.waiters > 0) --rs.waiters;
  w.resource = kNoResource;
}

void Checker::belief_begin(const Record& r) {
  const ResourceId res = static_cast<ResourceId>(r.f[0]);
  if (res >= resources_.size() || r.node >= open_by_node_.size()) return;
  const TimePoint now = r.time;
  remember(res, r);
  close_due(res, now);
  account(res, now);
  ResourceState& rs = resources_[res];
  ++metrics_.beliefs;
  ++metrics_.resources[res].grants;

  // Metrics: acquisition latency, and the handoff gap if nobody holds now.
  const Want& w = wants_[r.node];
  if (w.resource == res) {
    acquire_samples_.push_back((now - w.since).ns());
    bool held = false;
    TimePoint last_end = rs.last_end;
    NodeId last_holder = rs.last_holder;
    for (const uint32_t id : rs.open) {
      const Belief& o = beliefs_[id];
      if (!o.live) continue;
      if (o.seg_to > now) held = true;
      if (o.seg_to >= last_end) {  // finalised later: wins a tie
        last_end = o.seg_to;
        last_holder = o.holder;
      }
    }
    if (!held && last_holder != kInvalidNode && last_holder != r.node && w.since <= last_end)
      handoff_samples_.push_back((now - last_end).ns());
  }
  stop_wanting(r.node, now);

  // A second belief_begin of a belief that is still open (a duplicate
  // grant) restates it: one belief per (holder, lease, resource).
  uint32_t id = kNone;
  for (const uint32_t o : rs.open)
    if (beliefs_[o].holder == r.node && beliefs_[o].lease == r.f[1]) id = o;
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
    b.lease = r.f[1];
    b.seq = next_seq_++;
    rs.open.push_back(id);
    open_by_node_[r.node].push_back(id);
  }
  Belief& b = beliefs_[id];
  b.token = r.f[2];
  b.deadline = TimePoint(static_cast<int64_t>(r.f[3]));
  b.clock = static_cast<ClockKind>(r.f[4]);
  begins_.add(res, r.node, b.lease, now);
  reproject(id, now);
  if (rs.writes_at == now && !rs.recent_writes.empty()) rejudge_recent_writes(res, r);
}

void Checker::belief_extend(const Record& r) {
  const ResourceId res = static_cast<ResourceId>(r.f[0]);
  if (res >= resources_.size()) return;
  remember(res, r);
  close_due(res, r.time);
  account(res, r.time);
  for (const uint32_t id : resources_[res].open) {
    Belief& b = beliefs_[id];
    if (b.holder != r.node || b.lease != r.f[1]) continue;
    b.deadline = TimePoint(static_cast<int64_t>(r.f[2]));
    reproject(id, r.time);
    return;
  }
}

void Checker::belief_end(const Record& r) {
  const ResourceId res = static_cast<ResourceId>(r.f[0]);
  if (res >= resources_.size()) return;
  remember(res, r);
  close_due(res, r.time);
  for (const uint32_t id : resources_[res].open) {
    const Belief& b = beliefs_[id];
    if (b.holder != r.node || b.lease != r.f[1]) continue;
    // An expiry is noticed by the holder when it next runs; the segment
    // itself ended when its clock reached the deadline (close_due).
    close_belief(id, r.time);
    return;
  }
}

void Checker::on_clock_change(NodeId n, TimePoint now) {
  if (n >= open_by_node_.size() || open_by_node_[n].empty()) return;
  scratch_.assign(open_by_node_[n].begin(), open_by_node_[n].end());
  for (const uint32_t id : scratch_) {
    const ResourceId res = beliefs_[id].resource;
    close_due(res, now);
    account(res, now);
    reproject(id, now);
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
  scratch_.assign(open_by_node_[n].begin(), open_by_node_[n].end());
  for (const uint32_t id : scratch_) {
    close_due(beliefs_[id].resource, now);
    close_belief(id, now);
  }
}

void Checker::lease_freed(const Record& r) {
  const ResourceId res = static_cast<ResourceId>(r.f[0]);
  if (res >= resources_.size()) return;
  remember(res, r);
  close_due(res, r.time);
  for (const uint32_t id : resources_[res].open) {
    Belief& b = beliefs_[id];
    if (b.lease != r.f[1] || b.freed != TimePoint::max()) continue;
    // From now on every instant this belief holds is a latent overlap
    // (started_holding reports later segments).
    b.freed = r.time;
    if (holds(b, r.time)) open_stretch(id, kNone, ViolationKind::kLatentOverlap, r.time);
  }
}

void Checker::reproject(uint32_t id, TimePoint now) {
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

void Checker::started_holding(uint32_t id, TimePoint now) {
  const Belief& b = beliefs_[id];
  // A stretch that ended exactly now (the other one stopped holding at
  // `now`, touching) continues rather than starting a new violation.
  auto continues = [&](uint32_t other) {
    if (b.tracked == 0) return false;
    for (const Tracked& t : tracked_) {
      if (!t.stretching) continue;
      if ((t.first == id && t.second == other) || (t.first == other && t.second == id)) {
        update_stretches(id);
        return true;
      }
    }
    return false;
  };
  for (const uint32_t o : resources_[b.resource].open) {
    const Belief& other = beliefs_[o];
    if (o == id || other.holder == b.holder || !holds(other, now)) continue;
    if (continues(o)) continue;
    const bool other_first =
        other.first_held < b.first_held || (other.first_held == b.first_held && other.seq < b.seq);
    if (other_first)
      open_stretch(o, id, ViolationKind::kOverlap, now);
    else
      open_stretch(id, o, ViolationKind::kOverlap, now);
  }
  if (b.freed <= now && !continues(kNone))
    open_stretch(id, kNone, ViolationKind::kLatentOverlap, now);
}

void Checker::open_stretch(uint32_t first, uint32_t second, ViolationKind kind, TimePoint now) {
  const Belief& a = beliefs_[first];
  Violation v;
  v.kind = kind;
  v.detected = v.from = now;
  v.to = a.seg_to;
  v.resource = a.resource;
  v.first = a.holder;
  v.first_lease = a.lease;
  if (second != kNone) {
    const Belief& b = beliefs_[second];
    v.to = std::min(v.to, b.seg_to);
    v.second = b.holder;
    v.second_lease = b.lease;
    ++beliefs_[second].tracked;
  }
  ++beliefs_[first].tracked;
  const ResourceId res = a.resource;
  report(std::move(v), res, false);
  tracked_.push_back(Tracked{violations_.size() - 1, first, second, true});
}

void Checker::update_stretches(uint32_t id) {
  if (beliefs_[id].tracked == 0) return;
  for (const Tracked& t : tracked_) {
    if (!t.stretching || (t.first != id && t.second != id)) continue;
    TimePoint to = beliefs_[t.first].seg_to;
    if (t.second != kNone) to = std::min(to, beliefs_[t.second].seg_to);
    Violation& v = violations_[t.violation];
    v.to = std::max(v.from, to);
  }
}

void Checker::end_segment(uint32_t id, TimePoint at) {
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
  metrics_.resources[b.resource].held += b.seg_to - b.seg_from;
  closed_.push_back(ClosedBelief{b.resource, b.lease, b.holder, b.token, b.seg_from, b.seg_to});
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

Segments Checker::union_of(const Belief& b) const {
  Segments out;
  for (uint32_t s = b.segs; s != kNone; s = segs_[s].next)
    out.emplace_back(segs_[s].from, segs_[s].to);
  return out;
}

void Checker::close_belief(uint32_t id, TimePoint at) {
  Belief& b = beliefs_[id];
  const ResourceId res = b.resource;
  account(res, at);
  const bool at_end = at == end_ && b.live && b.seg_to > at;
  end_segment(id, at);
  if (b.tracked > 0) {
    // Hand its union to the violations naming it; settle those whose
    // beliefs have all closed.
    Segments u = union_of(b);
    for (size_t i = 0; i < tracked_.size();) {
      Tracked& t = tracked_[i];
      Violation& v = violations_[t.violation];
      if (t.first == id) {
        v.first_belief = u;
        v.first_at_end = at_end;
        t.first = kNone;
      } else if (t.second == id) {
        v.second_belief = u;
        v.second_at_end = at_end;
        t.second = kNone;
      } else {
        ++i;
        continue;
      }
      if (t.first == kNone && t.second == kNone) {
        settle(i);  // removes tracked_[i]
      } else {
        ++i;
      }
    }
  }
  for (uint32_t s = b.segs; s != kNone; s = segs_[s].next) free_segs_.push_back(s);
  ResourceState& rs = resources_[res];
  rs.open.erase(std::find(rs.open.begin(), rs.open.end(), id));
  auto& mine = open_by_node_[b.holder];
  mine.erase(std::find(mine.begin(), mine.end(), id));
  free_beliefs_.push_back(id);
}

void Checker::settle(size_t i) {
  const size_t index = tracked_[i].violation;
  tracked_[i] = tracked_.back();
  tracked_.pop_back();
  Violation& v = violations_[index];
  v.summary = v.kind == ViolationKind::kOverlap ? summary::overlap(v, setup_.schema)
                                                : summary::latent_overlap(v, setup_.schema);
  v.settled = true;
  settled_.push_back(index);
}

}  // namespace leasesim
