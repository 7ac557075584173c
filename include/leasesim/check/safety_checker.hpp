// The safety checker: an outside observer that judges a run in true time
// from what nodes did and believed (the common observations of
// protocol/observations.hpp), never from what a node thinks of itself.
// check/observers.hpp feeds it every record, typed, in order.
//
// Beliefs. A belief (holder, lease on a resource) is OPEN from its
// belief_begin until the holder's belief_end, its crash, or the end of the
// run. Within that it HOLDS at every true instant at which the holder's
// clock of the belief's kind (wall or monotonic) reads below its current
// deadline. So a belief may lapse and resume: a wall clock stepped back
// after the deadline passed, or a belief_extend after the deadline passed,
// makes it hold again. Between clock changes a node's clock is strictly
// increasing, so each clock epoch contributes at most one holding segment;
// segments start only at belief_begin, a clock change, or an extend, and
// end when the clock reaches the deadline (projected exactly with the
// holder's NodeClock), or at belief_end / crash / run end. A belief's
// union is its segments, merged where they touch; all judgements use the
// unions, half-open ([from, to): touching is not overlapping).
//
// Judged, always on:
//   overlap          two different requestors' beliefs on one resource hold
//                    at the same instant. One violation per maximal
//                    contiguous stretch in which both hold; it begins
//                    when a segment starts while the other belief holds,
//                    and is judged once that instant is over (every record
//                    of the instant in: one later in the instant may still
//                    end the other belief there, and touching is not
//                    overlapping), so failure_count() counts it from the
//                    next record the checker reads at a later time (or a
//                    crash, a clock change, advance_to(), finish()). A run
//                    cut inside that instant (finish(end, false)) leaves it
//                    unjudged.
//   stale_write      storage accepted, at t, a write under lease L from writer
//                    W when another requestor (whatever its lease number)
//                    began a belief on the resource after L began (W's earliest
//                    belief_begin for L; minus infinity if W was never seen
//                    believing L) and at or before t (belief_begins.hpp);
//                    or accepted a token below one it accepted before.
//                    Judged at the write's record, and again at each begin
//                    later in its instant (which also began at or before t);
//                    but a write that only a lease W was not seen believing
//                    makes stale is judged once its instant is over, like a
//                    stretch: W's own begin of L may still come in it, and
//                    then L began at t, so only a later instant's begin
//                    (none) could make it stale.
//   latent_overlap   (warning) a belief held after the core freed its lease:
//                    a violation waiting for a second requestor. One per
//                    maximal stretch in which it holds after the free.
//   election_safety  two servers leader in the same term.
//   committed_changed a log index was applied with different content on two
//                    servers (or twice).
//
// Violations are SETTLED once nothing can change them any more (an overlap
// or latent overlap when its beliefs have closed, or at the end of the run;
// the others at once): from then on their interval, belief unions and
// summary are final. The host reads settled() to trace them.
//
// The belief model is also what the metrics observer measures (time held,
// time free while wanted, handoff gaps): it reads it through holding(),
// hold_end() and last_end(), and is told of changes as they happen through
// a BeliefListener.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <utility>
#include <vector>

#include "leasesim/check/belief_begins.hpp"
#include "leasesim/check/first_records.hpp"
#include "leasesim/check/violation.hpp"
#include "leasesim/clock/node_clock.hpp"
#include "leasesim/core/trace.hpp"
#include "leasesim/protocol/observations.hpp"

namespace leasesim {

struct CheckSetup {
  uint32_t resources = 0;
  std::span<const NodeClock> clocks;    // one per node, owned by the host
  const TraceSchema* schema = nullptr;  // for readable summaries (optional)
  size_t story_length = 12;             // records kept per resource for stories
};

// A holding segment the checker has finalised, with its true-time interval
// (half-open [from, to)): one per segment of a belief's union. The host
// drains these into belief_interval trace records so plots draw exactly
// what the checker judged.
struct ClosedBelief {
  ResourceId resource = kNoResource;
  LeaseId lease = kNoLease;
  NodeId holder = kInvalidNode;
  uint64_t token = 0;
  TimePoint from, to;
};

// What the belief model tells the metrics observer at the moment it
// happens, from inside the checker's own steps.
class BeliefListener {
 public:
  // Who holds `res` may change at `now` (a segment starts, moves or ends
  // there): whatever is measured up to `now` must be measured first.
  virtual void holders_changing(ResourceId res, TimePoint now) = 0;
  // A holding segment of `res` became part of a belief's union: [from, to).
  virtual void segment_final(ResourceId res, TimePoint from, TimePoint to) = 0;

 protected:
  ~BeliefListener() = default;
};

class SafetyChecker {
 public:
  // `listener` (may be null) must outlive the checker.
  SafetyChecker(const CheckSetup& setup, BeliefListener* listener);

  // Records, typed (observers.cpp dispatches by kind). `r` is the whole
  // record, kept in stories. Preconditions (asserted by the caller):
  // resources and nodes in range. Each tells advance_to() its record's time
  // first.
  //
  // A belief_begin is two steps, so that what is measured of the
  // resource as it was comes between: touch() (tells the story, finalises
  // the segments that ended before the record), then belief_begin().
  void touch(ResourceId res, const Record& r);
  void belief_begin(const Record& r, const obs::BeliefBegin& b);
  void belief_extend(const Record& r, const obs::BeliefExtend& e);
  void belief_end(const Record& r, const obs::BeliefEnd& e);
  void role_changed(const Record& r, const obs::RoleChanged& c);
  void committed(const Record& r, const obs::Committed& c);
  // A committed change may be recorded more than once; the first record
  // of each is kept (first_records.hpp). False for a repeat, which tells
  // nothing new.
  bool first_record(ResourceId res, LogIndex index) { return first_records_.first(res, index); }
  void lease_freed(const Record& r, const obs::LeaseFreed& f);  // after first_record
  void write_accepted(const Record& r, const obs::WriteAccepted& w);
  // Keeps `r` in `res`'s story (what the violations found there tell).
  void remember(ResourceId res, const Record& r);
  // A fault, a leader change or another run-wide event worth telling in stories.
  void note(const Record& r);

  // Time has reached `now`: every record of an earlier instant is in, so
  // the stretches begun then (and the writes deferred then) are judged. Every record entry point
  // and host event calls it first, and finish() opens what is left; a host or test that wants them
  // judged sooner calls it too. One compare when nothing is pending (pending_at_ is then
  // TimePoint::max()).
  void advance_to(TimePoint now) {
    if (now > pending_at_) open_pending();
  }

  // Host events: node n's clock changed at `now`; node n crashed (it
  // believes nothing any more).
  void on_clock_change(NodeId n, TimePoint now);
  void on_crash(NodeId n, TimePoint now);
  // Closes every belief at the end of the run, cutting segments and
  // stretches there, and settles every violation. `instant_complete`: every
  // record of the instant `end` is in (the run reached its end or ran out of
  // events); false when the run was cut inside it (an event budget, a
  // wall-clock limit, a stop at the first violation), and then a stretch
  // begun at `end` is not judged: a record still due could have ended the
  // other belief there.
  void finish(TimePoint end, bool instant_complete = true);

  // Violations so far (warnings included), in detection order. An overlap's
  // or latent overlap's interval, unions and summary are final once settled.
  const std::vector<Violation>& violations() const { return violations_; }
  // Indices into violations() settled since the last clear_settled(), in
  // settling order. The host drains them after every step.
  const std::vector<size_t>& settled() const { return settled_; }
  void clear_settled() { settled_.clear(); }
  // Violations that are not warnings.
  size_t failure_count() const { return failures_; }
  // Stale writes found (each write once).
  uint64_t stale_writes() const { return stale_writes_; }
  // Segments finalised since the last clear_closed(), in closing order. The
  // host drains them after every step (they accumulate otherwise).
  const std::vector<ClosedBelief>& closed() const { return closed_; }
  void clear_closed() { closed_.clear(); }
  // Bumped whenever violations(), settled() or closed() grows, so a host
  // learns whether there is anything to report by comparing one number
  // with the value it saw last (after every event), not three vectors.
  uint64_t news() const { return news_; }

  // The belief model as of the last record, for the metrics observer.
  struct Holding {
    bool held = false;  // a segment on the resource holds at `now`
    // The latest end of a segment that has ended by `now` (finalised or
    // ending exactly at `now`), and whose it was (later finalised wins a tie).
    TimePoint last_end;
    NodeId last_holder = kInvalidNode;
  };
  Holding holding(ResourceId res, TimePoint now) const;
  // Latest projected end of a live segment on `res` (TimePoint::min() if none).
  TimePoint hold_end(ResourceId res) const { return resources_[res].hold_end; }
  // Latest end of a finalised segment on `res` (the origin if none).
  TimePoint last_end(ResourceId res) const { return resources_[res].last_end; }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;

  // What every record about a belief reads comes first (one cache line).
  struct Belief {
    ResourceId resource = kNoResource;
    NodeId holder = kInvalidNode;
    LeaseId lease = kNoLease;
    TimePoint deadline;  // on the holder's `clock`
    // The current segment [seg_from, seg_to), if `live`: seg_to is the
    // projected end until the segment is final. It holds at t iff
    // seg_from <= t < seg_to. A live segment whose seg_to has passed is
    // finalised at the next look at its resource.
    TimePoint seg_from, seg_to;
    ClockKind clock = ClockKind::kMonotonic;
    bool live = false;
    uint32_t tracked = 0;                // unsettled violations naming it
    TimePoint freed = TimePoint::max();  // the core freed its lease (first seen)
    uint64_t token = 0;
    uint64_t seq = 0;                          // observation order of its belief_begin (ties)
    TimePoint first_held = TimePoint::max();   // start of its first segment
    uint32_t segs = kNone, segs_tail = kNone;  // finalised segments (segs_ chain)
  };
  struct Segment {
    TimePoint from, to;
    uint32_t next = kNone;
  };
  struct RecentWrite {
    NodeId writer = kInvalidNode;
    LeaseId lease = kNoLease;
    uint64_t token = 0;
    uint64_t highest = 0;         // highest token accepted before it
    size_t violation = SIZE_MAX;  // its token-order violation, if any
  };
  // Hot fields first: begins and extends read them on every record of the
  // resource (one cache line).
  struct alignas(64) ResourceState {
    TimePoint last_end = TimePoint::origin();  // latest end of a finalised segment
    TimePoint hold_end = TimePoint::min();     // latest seg_to of a live segment
    NodeId last_holder = kInvalidNode;         // whose segment ended at last_end
    std::vector<uint32_t> open;                // open beliefs (ids into beliefs_), in begin order
    uint64_t highest_accepted = 0;
    // Writes accepted at the instant `writes_at` that no belief made stale
    // yet: a belief begun at that same instant, observed after the write,
    // still began "at or before" its acceptance.
    TimePoint writes_at = TimePoint::min();
    std::vector<RecentWrite> recent_writes;
    std::vector<Record> story;  // ring, oldest first when read out
    size_t story_next = 0;
  };
  // An overlap or latent overlap not settled yet. `first`/`second` are
  // belief ids while those beliefs are open (kNone after they closed, or
  // for a latent overlap's second); `stretching` while the stretch can
  // still grow (both segments live).
  struct Tracked {
    size_t violation;
    uint32_t first, second;
    bool stretching;
  };
  // A write accepted at pending_at_ under a lease its writer was not seen
  // believing, judged once the instant is over.
  struct DeferredWrite {
    ResourceId res;
    RecentWrite write;
  };
  // A stretch begun at pending_at_, not judged yet. The seqs tell whether
  // the ids still name the same beliefs (a closed belief's id is reused).
  struct PendingStretch {
    uint32_t first, second;  // second: kNone for a latent overlap
    uint64_t first_seq, second_seq;
    ViolationKind kind;
  };

  // Beliefs as unions of segments (beliefs.cpp).
  // Re-projects belief `id` at `now` after its deadline or clock changed
  // (or it began): continues, ends or starts a segment.
  void reproject(uint32_t id, TimePoint now);
  // Finalises the live segments on `res` whose end has passed (< now).
  void close_due(ResourceId res, TimePoint now);
  // Finalises belief id's live segment, cut at `at` if that is earlier.
  void end_segment(uint32_t id, TimePoint at);
  // Closes belief id (belief_end, crash, run end) at `at`.
  void close_belief(uint32_t id, TimePoint at);
  bool holds(const Belief& b, TimePoint t) const {
    return b.live && b.seg_from <= t && t < b.seg_to;
  }
  // Moves a live segment's end, keeping its resource's hold_end.
  void set_seg_to(Belief& b, TimePoint to);
  void recompute_hold_end(ResourceId res);
  TimePoint project(const Belief& b, TimePoint now) const;
  Segments union_of(const Belief& b) const;
  void holders_changing(ResourceId res, TimePoint now) {
    if (listener_ != nullptr) listener_->holders_changing(res, now);
  }

  // Overlaps and latent overlaps: stretches of holding (stretches.cpp).
  // Belief id started holding at `now`.
  void started_holding(uint32_t id, TimePoint now);
  // A stretch that begins at `now` is judged once the instant is over
  // (open_pending): a record later in the same instant can still end one of
  // its beliefs at `now` (the end of a holder recorded after the next
  // holder's begin), and then the two only touched.
  void stretch_begins(uint32_t first, uint32_t second, ViolationKind kind, TimePoint now);
  // Judges what was left pending at pending_at_ (stretches, then deferred
  // writes), now that its instant is over.
  void open_pending();
  void open_stretch(uint32_t first, uint32_t second, ViolationKind kind, TimePoint now);
  void update_stretches(uint32_t id);
  // Hands a closing belief's union to the violations naming it, settling
  // those whose beliefs have all closed.
  void hand_over_union(uint32_t id, bool at_end);
  void settle(size_t tracked_index);

  // Writes (stale_writes.cpp).
  // Reports (or completes) the stale write of `w` on `res` at `at` made stale
  // by `by` (nullptr: token order only).
  void stale_write(ResourceId res, const RecentWrite& w, TimePoint at,
                   const BeliefBegins::Begin* by);
  // A belief begun at the instant of recent accepted writes may make them stale.
  void rejudge_recent_writes(ResourceId res, const Record& begin);
  // Judges the writes deferred to the end of their instant `at`.
  void judge_deferred_writes(TimePoint at);

  void report(Violation v, ResourceId res, bool settled);
  std::vector<Record> story_of(ResourceId res) const;

  CheckSetup setup_;
  BeliefListener* listener_ = nullptr;
  std::vector<Belief> beliefs_;
  std::vector<uint32_t> free_beliefs_;
  std::vector<Segment> segs_;
  std::vector<uint32_t> free_segs_;
  std::vector<ResourceState> resources_;
  BeliefBegins begins_;
  FirstRecords first_records_;
  std::vector<std::vector<uint32_t>> open_by_node_;  // node -> open belief ids
  std::map<Term, NodeId> leader_of_term_;            // rare updates only
  std::vector<uint64_t> committed_;                  // index -> digest (0 = unknown)
  uint64_t next_seq_ = 0;
  std::vector<Record> global_story_;  // faults and leader changes
  size_t global_next_ = 0;
  std::vector<Violation> violations_;
  std::vector<Tracked> tracked_;
  std::vector<PendingStretch> pending_;          // all begun at pending_at_
  std::vector<PendingStretch> scratch_pending_;  // open_pending's copy (no allocation)
  std::vector<DeferredWrite> deferred_writes_;   // all accepted at pending_at_ (rare)
  TimePoint pending_at_ = TimePoint::max();      // max(): nothing pending
  std::vector<size_t> settled_;
  std::vector<ClosedBelief> closed_;
  std::vector<uint32_t> scratch_;     // reused id lists (no allocation per record)
  TimePoint end_ = TimePoint::max();  // the run's end, once finished
  size_t failures_ = 0;
  uint64_t stale_writes_ = 0;
  uint64_t news_ = 0;  // see news()
};

}  // namespace leasesim
