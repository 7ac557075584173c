// Overlaps and latent overlaps as stretches of holding (safety_checker.hpp):
// a violation opens when a segment starts while another belief on the
// resource holds (or after the core freed its lease), follows both
// segments while they hold, and settles once its beliefs have closed.
#include <algorithm>

#include "leasesim/check/safety_checker.hpp"
#include "summary.hpp"

namespace leasesim {

void SafetyChecker::started_holding(uint32_t id, TimePoint now) {
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

void SafetyChecker::open_stretch(uint32_t first, uint32_t second, ViolationKind kind,
                                 TimePoint now) {
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

void SafetyChecker::update_stretches(uint32_t id) {
  if (beliefs_[id].tracked == 0) return;
  for (const Tracked& t : tracked_) {
    if (!t.stretching || (t.first != id && t.second != id)) continue;
    TimePoint to = beliefs_[t.first].seg_to;
    if (t.second != kNone) to = std::min(to, beliefs_[t.second].seg_to);
    Violation& v = violations_[t.violation];
    v.to = std::max(v.from, to);
  }
}

void SafetyChecker::hand_over_union(uint32_t id, bool at_end) {
  const Segments u = union_of(beliefs_[id]);
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

void SafetyChecker::settle(size_t i) {
  const size_t index = tracked_[i].violation;
  tracked_[i] = tracked_.back();
  tracked_.pop_back();
  Violation& v = violations_[index];
  v.summary = v.kind == ViolationKind::kOverlap ? summary::overlap(v, setup_.schema)
                                                : summary::latent_overlap(v, setup_.schema);
  v.settled = true;
  settled_.push_back(index);
  ++news_;
}

}  // namespace leasesim
