// The safety checker: an outside observer that judges a run in true time
// from what nodes did and believed (the common observations of
// protocol/observations.hpp), never from what a node thinks of itself.
//
// Judged, always on:
//   overlap          for each resource, the true-time intervals in which
//                    two different requestors believed they held it must not
//                    intersect. Intervals are half-open [begin, end): a
//                    belief that ends at t and one that begins at t touch but
//                    do not overlap. The violation's [from, to) follows
//                    both beliefs after detection (renewed, revoked) until
//                    either ends; so does a latent overlap's.
//   stale_write      storage accepted, at t, a write under lease L from writer
//                    W when another requestor with another lease began a
//                    belief on the resource after L began (W's earliest
//                    belief_begin for L; minus infinity if W was never seen
//                    believing L) and at or before t (belief_begins.hpp);
//                    or accepted a token below one it accepted before.
//   latent_overlap   (warning) a holder still believed it held a lease after
//                    the core had freed it: a violation waiting for a second
//                    requestor.
//   election_safety  two servers leader in the same term.
//   committed_changed a log index was applied with different content on two
//                    servers (or twice).
//
// A belief's end in true time comes from the holder's clock model: it ends
// when the holder's clock reaches its deadline (even if the holder is
// paused then and only notices later), or earlier if the holder gives up,
// crashes, or is told the lease is gone. Clock changes re-project open
// beliefs; the host calls on_clock_change() after changing a clock.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "leasesim/check/belief_begins.hpp"
#include "leasesim/check/metrics.hpp"
#include "leasesim/check/violation.hpp"
#include "leasesim/clock/node_clock.hpp"
#include "leasesim/core/trace.hpp"

namespace leasesim {

struct CheckerSetup {
  uint32_t resources = 0;
  std::span<const NodeClock> clocks;    // one per node, owned by the host
  const TraceSchema* schema = nullptr;  // for readable summaries (optional)
  size_t story_length = 12;             // records kept per resource for stories
};

// A belief the checker has closed, with the true-time interval it judged
// (half-open [from, to)). The host drains these into belief_interval trace
// records so plots draw exactly what the checker judged.
struct ClosedBelief {
  ResourceId resource = kNoResource;
  LeaseId lease = kNoLease;
  NodeId holder = kInvalidNode;
  uint64_t token = 0;
  TimePoint from, to;
};

class Checker {
 public:
  explicit Checker(const CheckerSetup& setup);

  // Every record of the run, in order, with time/local/node filled in.
  void observe(const Record& r);
  // The host changed node n's clock at true time `now`.
  void on_clock_change(NodeId n, TimePoint now);
  // Node n crashed at `now`: it believes nothing any more.
  void on_crash(NodeId n, TimePoint now);
  // A fault or other host event worth telling in stories.
  void note(const Record& r);
  // Closes open intervals at the end of the run.
  void finish(TimePoint end);

  // Violations so far (warnings included), in detection order.
  const std::vector<Violation>& violations() const { return violations_; }
  // Violations that are not warnings.
  size_t failure_count() const { return failures_; }
  const Metrics& metrics() const { return metrics_; }
  // Beliefs closed since the last clear_closed(), in closing order. The
  // host drains them after every step (they accumulate otherwise).
  const std::vector<ClosedBelief>& closed() const { return closed_; }
  void clear_closed() { closed_.clear(); }

 private:
  struct Belief {
    ResourceId resource = kNoResource;
    NodeId holder = kInvalidNode;
    LeaseId lease = kNoLease;
    uint64_t token = 0;
    TimePoint begin;
    TimePoint deadline;  // holder's local clock
    ClockKind clock = ClockKind::kMonotonic;
    TimePoint end;  // projected (or final) true end
    bool open = true;
    bool core_freed = false;  // latent overlap already reported
  };
  struct RecentWrite {
    NodeId writer = kInvalidNode;
    LeaseId lease = kNoLease;
    uint64_t token = 0;
    uint64_t highest = 0;         // highest token accepted before it
    size_t violation = SIZE_MAX;  // its token-order violation, if any
  };
  struct ResourceState {
    std::vector<uint32_t> open;  // indices into beliefs_
    uint64_t highest_accepted = 0;
    // Writes accepted at the instant `writes_at` that no belief made stale
    // yet: a belief begun at that same instant, observed after the write,
    // still began "at or before" its acceptance.
    TimePoint writes_at = TimePoint::min();
    std::vector<RecentWrite> recent_writes;
    // Metrics.
    TimePoint last_end = TimePoint::origin();
    NodeId last_holder = kInvalidNode;
    uint32_t waiters = 0;
    TimePoint wanted_since;
    TimePoint held_since;       // when the current run of holders began
    std::vector<Record> story;  // ring, oldest first when read out
    size_t story_next = 0;
  };
  struct Want {
    ResourceId resource = kNoResource;
    TimePoint since;
  };

  void belief_begin(const Record& r);
  void belief_extend(const Record& r);
  void write_accepted(const Record& r);
  // Reports (or completes) the stale write of `w` on `res` at `at` made stale
  // by `by` (nullptr: token order only).
  void stale_write(ResourceId res, const RecentWrite& w, TimePoint at,
                   const BeliefBegins::Begin* by);
  // A belief begun at the instant of recent accepted writes may make them stale.
  void rejudge_recent_writes(ResourceState& rs, ResourceId res, const Record& begin);
  // Ends the belief at rs.open[pos] at `end` (clamped to its projection).
  void close_belief(ResourceState& rs, size_t pos, TimePoint end);
  // Ends the beliefs on rs whose projected end is <= now.
  void close_due(ResourceState& rs, TimePoint now);
  void report(Violation v, ResourceId res);
  void remember(ResourceId res, const Record& r);
  TimePoint project(const Belief& b, TimePoint now) const;
  // Keeps the `to` of overlap and latent-overlap violations equal to the
  // end of the offending beliefs as they change after detection (renewed,
  // revoked, re-projected); forgets a violation once its interval is final.
  void track(size_t violation, uint32_t first, uint32_t second);
  void update_tracked(uint32_t belief, bool closing);
  void stop_wanting(NodeId n, TimePoint now);
  std::vector<Record> story_of(ResourceId res) const;

  CheckerSetup setup_;
  std::vector<Belief> beliefs_;
  std::vector<uint32_t> free_beliefs_;
  std::vector<ResourceState> resources_;
  BeliefBegins begins_;
  std::vector<std::vector<uint32_t>> open_by_node_;  // node -> open belief ids
  std::vector<Want> wants_;                          // node -> current want
  std::map<Term, NodeId> leader_of_term_;            // rare updates only
  std::vector<uint64_t> committed_;                  // index -> digest (0 = unknown)
  NodeId leader_ = kInvalidNode;
  TimePoint leader_crashed_at_ = TimePoint::min();
  bool leaderless_ = false;
  std::vector<Record> global_story_;  // faults and leader changes
  size_t global_next_ = 0;
  std::vector<int64_t> acquire_samples_, handoff_samples_, failover_samples_;
  std::vector<Violation> violations_;
  struct Tracked {
    size_t violation;
    uint32_t first, second;  // belief ids; second == kNoBelief for a latent overlap
  };
  static constexpr uint32_t kNoBelief = UINT32_MAX;
  std::vector<Tracked> tracked_;  // violations whose interval may still change
  std::vector<ClosedBelief> closed_;
  size_t failures_ = 0;
  Metrics metrics_;
};

}  // namespace leasesim
