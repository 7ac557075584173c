#include "leasesim/check/checker.hpp"

#include <algorithm>
#include <string>

#include "leasesim/core/assert.hpp"
#include "leasesim/protocol/observations.hpp"
#include "summary.hpp"

namespace leasesim {
namespace {

constexpr uint64_t kUnknownDigest = 0;

std::string node_name(const TraceSchema* schema, NodeId n) {
  return summary::node(schema, n);
}
std::string resource_name(const TraceSchema* schema, ResourceId r) {
  return summary::resource(schema, r);
}

}  // namespace

Checker::Checker(const CheckerSetup& setup)
    : setup_(setup),
      resources_(setup.resources),
      begins_(setup.resources),
      open_by_node_(setup.clocks.size()),
      wants_(setup.clocks.size()),
      writes_sent_(setup.clocks.size()) {
  metrics_.resources.resize(setup.resources);
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

void Checker::report(Violation v, ResourceId res, bool settled) {
  v.story = story_of(res);
  v.settled = settled;
  if (!is_warning(v.kind)) ++failures_;
  if (settled) settled_.push_back(violations_.size());
  violations_.push_back(std::move(v));
}

void Checker::observe(const Record& r) {
  switch (r.kind) {
    case obs::kBeliefBegin:
      belief_begin(r);
      return;
    case obs::kBeliefExtend:
      belief_extend(r);
      return;
    case obs::kBeliefEnd:
      belief_end(r);
      return;
    case obs::kWant: {
      const ResourceId res = static_cast<ResourceId>(r.f[0]);
      if (res >= resources_.size() || r.node >= wants_.size()) return;
      // A retry after a refusal continues the same wait.
      if (wants_[r.node].resource == res) return;
      stop_wanting(r.node, r.time);
      account(res, r.time);
      wants_[r.node] = Want{res, r.time};
      ++resources_[res].waiters;
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
          report(std::move(v), kNoResource, true);
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
        report(std::move(v), kNoResource, true);
      }
      return;
    }
    case obs::kLeaseGranted: {
      const ResourceId res = static_cast<ResourceId>(r.f[0]);
      if (res >= resources_.size() || repeated_change(res, r, 5)) return;
      ++metrics_.grants;
      remember(res, r);
      return;
    }
    case obs::kLeaseRenewed:
    case obs::kLeaseRefreshed: {
      const ResourceId res = static_cast<ResourceId>(r.f[0]);
      if (res >= resources_.size()) return;
      if (r.kind == obs::kLeaseRenewed && repeated_change(res, r, 4)) return;
      remember(res, r);
      return;
    }
    case obs::kLeaseFreed: {
      const ResourceId res = static_cast<ResourceId>(r.f[0]);
      if (res >= resources_.size() || repeated_change(res, r, 3)) return;
      lease_freed(r);
      return;
    }
    case obs::kWriteSent: {
      if (r.node >= writes_sent_.size()) return;
      std::vector<SentWrite>& sent = writes_sent_[r.node];
      if (sent.size() == kWritesTracked) sent.erase(sent.begin());
      sent.push_back(SentWrite{r.f[3], r.time});
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

bool Checker::repeated_change(ResourceId res, const Record& r, size_t index_field) {
  const uint64_t index = r.f[index_field];
  if (index == 0) return false;  // not a committed entry: recorded once
  ResourceState& rs = resources_[res];
  if (index <= rs.last_change_index) return true;
  rs.last_change_index = index;
  return false;
}

void Checker::write_accepted(const Record& r) {
  const ResourceId res = static_cast<ResourceId>(r.f[0]);
  if (res >= resources_.size()) return;
  ++metrics_.writes_accepted;
  if (const NodeId writer = static_cast<NodeId>(r.f[2]); writer < writes_sent_.size()) {
    std::vector<SentWrite>& sent = writes_sent_[writer];
    for (size_t i = 0; i < sent.size(); ++i) {
      if (sent[i].id != r.f[4]) continue;
      write_samples_.push_back((r.time - sent[i].at).ns());
      sent.erase(sent.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  }
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

void Checker::rejudge_recent_writes(ResourceId res, const Record& begin) {
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
  report(std::move(v), res, true);
}

void Checker::finish(TimePoint end) {
  end_ = end;
  for (ResourceId res = 0; res < resources_.size(); ++res) {
    close_due(res, end);
    account(res, end);
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
  metrics_.acquire_latency = Distribution::of(std::move(acquire_samples_));
  metrics_.handoff_gap = Distribution::of(std::move(handoff_samples_));
  metrics_.failover = Distribution::of(std::move(failover_samples_));
  metrics_.write_latency = Distribution::of(std::move(write_samples_));
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
