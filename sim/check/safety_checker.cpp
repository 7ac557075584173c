// The safety checker's records of the core (election safety, committed
// log entries, repeated lease records), its stories, and the end of a run.
// Beliefs are in beliefs.cpp, overlaps in stretches.cpp, stale writes in
// stale_writes.cpp.
#include "leasesim/check/safety_checker.hpp"

#include <algorithm>
#include <string>

#include "leasesim/core/assert.hpp"
#include "summary.hpp"

namespace leasesim {
namespace {

constexpr uint64_t kUnknownDigest = 0;

}  // namespace

SafetyChecker::SafetyChecker(const CheckSetup& setup, BeliefListener* listener)
    : setup_(setup),
      listener_(listener),
      resources_(setup.resources),
      begins_(setup.resources),
      first_records_(setup.resources),
      open_by_node_(setup.clocks.size()) {}

void SafetyChecker::remember(ResourceId res, const Record& r) {
  advance_to(r.time);
  if (setup_.story_length == 0) return;
  ResourceState& rs = resources_[res];
  if (rs.story.size() < setup_.story_length) {
    rs.story.push_back(r);
  } else {
    rs.story[rs.story_next] = r;
    rs.story_next = (rs.story_next + 1) % setup_.story_length;
  }
}

void SafetyChecker::note(const Record& r) {
  // Faults and leader changes are noted by the host before it reports what
  // they do (a crash): a pending stretch of an earlier instant is judged
  // first, so its story ends where its instant did.
  advance_to(r.time);
  if (setup_.story_length == 0) return;
  if (global_story_.size() < setup_.story_length) {
    global_story_.push_back(r);
  } else {
    global_story_[global_next_] = r;
    global_next_ = (global_next_ + 1) % setup_.story_length;
  }
}

std::vector<Record> SafetyChecker::story_of(ResourceId res) const {
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

void SafetyChecker::report(Violation v, ResourceId res, bool settled) {
  v.story = story_of(res);
  v.settled = settled;
  if (!is_warning(v.kind)) ++failures_;
  if (settled) settled_.push_back(violations_.size());
  violations_.push_back(std::move(v));
  ++news_;
}

void SafetyChecker::role_changed(const Record& r, const obs::RoleChanged& c) {
  note(r);
  if (c.role != Role::kLeader) return;
  auto [it, inserted] = leader_of_term_.emplace(c.term, r.node);
  if (inserted || it->second == r.node) return;
  Violation v;
  v.kind = ViolationKind::kElectionSafety;
  v.detected = v.from = v.to = r.time;
  v.first = it->second;
  v.second = r.node;
  v.first_lease = v.second_lease = c.term;
  v.summary = "two leaders in term " + std::to_string(c.term) + ": " +
              summary::node(setup_.schema, it->second) + " and " +
              summary::node(setup_.schema, r.node);
  report(std::move(v), kNoResource, true);
}

void SafetyChecker::committed(const Record& r, const obs::Committed& c) {
  advance_to(r.time);
  const uint64_t digest = c.digest == kUnknownDigest ? 1 : c.digest;
  if (c.index >= committed_.size())
    committed_.resize(std::max<size_t>(c.index + 1, committed_.size() * 2), kUnknownDigest);
  uint64_t& known = committed_[c.index];
  if (known == kUnknownDigest) {
    known = digest;
    return;
  }
  if (known == digest) return;
  Violation v;
  v.kind = ViolationKind::kCommittedChanged;
  v.detected = v.from = v.to = r.time;
  v.second = r.node;
  v.first_lease = v.second_lease = c.index;
  v.summary = "log index " + std::to_string(c.index) + " applied by " +
              summary::node(setup_.schema, r.node) + " differs from what was committed before";
  report(std::move(v), kNoResource, true);
}

void SafetyChecker::finish(TimePoint end, bool instant_complete) {
  if (pending_at_ != TimePoint::max()) {
    if (instant_complete || pending_at_ < end) {
      open_pending();  // their instant is over
    } else {
      pending_.clear();  // cut inside their instant: not judged
      deferred_writes_.clear();
      pending_at_ = TimePoint::max();
    }
  }
  end_ = end;
  for (ResourceId res = 0; res < resources_.size(); ++res) {
    close_due(res, end);
    holders_changing(res, end);
  }
  // Stretches still going on were cut by the end of the run.
  for (const Tracked& t : tracked_) {
    if (!t.stretching) continue;
    bool both = holds(beliefs_[t.first], end);
    if (t.second != kNone) both = both && holds(beliefs_[t.second], end);
    violations_[t.violation].cut_by_run_end = both;
  }
  for (ResourceId res = 0; res < resources_.size(); ++res)
    while (!resources_[res].open.empty()) close_belief(resources_[res].open.front(), end);
  LEASESIM_ASSERT(tracked_.empty(), "a violation was left unsettled");
  for (Violation& v : violations_) {
    if (v.to > end) v.to = end;
  }
}

}  // namespace leasesim
