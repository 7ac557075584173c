// Overlaps and latent overlaps as stretches of holding (safety_checker.hpp):
// a violation opens when a segment starts while another belief on the
// resource holds (or after the core freed its lease), follows both
// segments while they hold, and settles once its beliefs have closed.
#include <algorithm>

#include "leasesim/check/safety_checker.hpp"
#include "leasesim/core/assert.hpp"
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
      stretch_begins(o, id, ViolationKind::kOverlap, now);
    else
      stretch_begins(id, o, ViolationKind::kOverlap, now);
  }
  if (b.freed <= now && !continues(kNone))
    stretch_begins(id, kNone, ViolationKind::kLatentOverlap, now);
}

void SafetyChecker::stretch_begins(uint32_t first, uint32_t second, ViolationKind kind,
                                   TimePoint now) {
  LEASESIM_ASSERT(pending_at_ == TimePoint::max() || pending_at_ == now,
                  "a pending stretch outlived its instant");
  LEASESIM_ASSERT(now != TimePoint::max(), "a stretch begun at the end of time");
  pending_at_ = now;
  pending_.push_back(PendingStretch{first, second, beliefs_[first].seq,
                                    second == kNone ? 0 : beliefs_[second].seq, kind});
}

void SafetyChecker::open_pending() {
  const TimePoint at = pending_at_;
  scratch_pending_.swap(pending_);  // open_stretch adds none: pending_ stays empty
  pending_at_ = TimePoint::max();
  for (const PendingStretch& p : scratch_pending_) {
    // Both beliefs must still be the ones that began it, and still hold at
    // its instant after everything the instant brought: one that ended,
    // lapsed or crashed at `at` only touched the other.
    const Belief& a = beliefs_[p.first];
    if (a.seq != p.first_seq || !holds(a, at)) continue;
    if (p.second != kNone) {
      const Belief& b = beliefs_[p.second];
      if (b.seq != p.second_seq || !holds(b, at)) continue;
    } else if (a.freed > at) {
      continue;
    }
    // Begun twice within the instant (a segment that stopped and resumed):
    // one stretch.
    bool open = false;
    if (a.tracked > 0)  // no stretch names it: none to find
      for (const Tracked& t : tracked_)
        open = open || (t.stretching && ((t.first == p.first && t.second == p.second) ||
                                         (t.first == p.second && t.second == p.first)));
    if (!open) open_stretch(p.first, p.second, p.kind, at);
  }
  scratch_pending_.clear();
  if (!deferred_writes_.empty()) judge_deferred_writes(at);
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
