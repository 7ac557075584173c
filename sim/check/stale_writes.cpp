// Stale writes (safety_checker.hpp): storage accepted a write under a lease
// another requestor's later belief had superseded, or out of token order.
#include <algorithm>
#include <string>

#include "leasesim/check/safety_checker.hpp"
#include "summary.hpp"

namespace leasesim {

void SafetyChecker::write_accepted(const Record& r, const obs::WriteAccepted& a) {
  advance_to(r.time);
  const ResourceId res = a.resource;
  remember(res, r);
  ResourceState& rs = resources_[res];
  const RecentWrite w{a.writer, a.lease, a.token, rs.highest_accepted, SIZE_MAX};
  rs.highest_accepted = std::max(rs.highest_accepted, w.token);
  if (rs.writes_at != r.time) {
    rs.writes_at = r.time;
    rs.recent_writes.clear();
  }
  const BeliefBegins::Begin* by = begins_.first_other_since(res, w.writer, w.lease, r.time);
  if (by != nullptr && begins_.lease_began(res, w.writer, w.lease) == TimePoint::min()) {
    // Stale only because the writer was not seen believing the lease (it
    // began at minus infinity), yet its begin may still come in this
    // instant, recorded after the write: then the lease began at the
    // acceptance, and the verdict must not hang on which record came
    // first. Judged once the instant is over (open_pending).
    LEASESIM_ASSERT(pending_at_ == TimePoint::max() || pending_at_ == r.time,
                    "a deferred write outlived its instant");
    pending_at_ = r.time;
    deferred_writes_.push_back(DeferredWrite{res, w});
    return;
  }
  if (by != nullptr || w.token < w.highest) {
    stale_write(res, w, r.time, by);
    if (by != nullptr) return;
    rs.recent_writes.push_back(w);
    rs.recent_writes.back().violation = violations_.size() - 1;
    return;
  }
  rs.recent_writes.push_back(w);
}

void SafetyChecker::rejudge_recent_writes(ResourceId res, const Record& begin) {
  ResourceState& rs = resources_[res];
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

void SafetyChecker::judge_deferred_writes(TimePoint at) {
  // Every record of `at` is in: the writer's begins of its lease at `at`
  // too, and so are the other requestors' (which began at or before the
  // acceptance).
  for (const DeferredWrite& d : deferred_writes_) {
    const RecentWrite& w = d.write;
    const BeliefBegins::Begin* by = begins_.first_other_since(d.res, w.writer, w.lease, at);
    if (by != nullptr || w.token < w.highest) stale_write(d.res, w, at, by);
  }
  deferred_writes_.clear();
}

void SafetyChecker::stale_write(ResourceId res, const RecentWrite& w, TimePoint at,
                                const BeliefBegins::Begin* by) {
  const std::string writer = summary::node(setup_.schema, w.writer);
  std::string why;
  if (by != nullptr) {
    const TimePoint began = begins_.lease_began(res, w.writer, w.lease);
    why = summary::node(setup_.schema, by->holder) + "'s lease " + std::to_string(by->lease) +
          " began at " + format_instant(by->at) +
          (began == TimePoint::min()
               ? " (" + writer + " was never seen believing lease " + std::to_string(w.lease) + ")"
               : ", after " + writer + "'s lease " + std::to_string(w.lease) + " began at " +
                     format_instant(began));
  }
  if (w.token < w.highest)
    why += (why.empty() ? "" : "; ") + std::string("token ") + std::to_string(w.token) +
           " is below the " + std::to_string(w.highest) + " already accepted";
  const std::string summary = writer + "'s write to " + summary::resource(setup_.schema, res) +
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
  ++stale_writes_;
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
  report(std::move(v), res, true);
}

}  // namespace leasesim
