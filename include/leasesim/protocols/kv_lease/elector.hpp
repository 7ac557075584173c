// A kv-lease client: client-go's LeaderElector on a Lease object, one
// election per resource it campaigns for (tools/leaderelection,
// leaderelection.go; docs/protocols.md).
//
// tryAcquireOrRenew (one *attempt*): `now` is read at its start. A leader
// whose cached record still names it and is not expired on its own clock
// first tries the fast path: an Update with the cached version. Otherwise
// (or when that conflicts) it Gets the record; when the record differs from
// the one observed before, it becomes the observed record and the observed
// time is the Get's receipt (local monotonic). A record held by another
// whose lease is still valid ends the attempt (false); valid means
// observed_time + record.lease_duration > now on the elector's own clock
// (Knobs::expiry_basis kObserved; kRecord compares the record's renew_time
// + lease_duration with the local wall clock). Else it Updates the record
// with the read version: holder = self, lease_duration = its own,
// renew_time = now (wall), acquire_time and transitions kept if it was the
// holder, else acquire_time = now and transitions + 1. Any error, conflict
// or timeout ends the attempt (false).
//
// Candidate: attempts at once, then every retry_period + U[0, jitter) after
// the previous attempt returns. Leader (after an attempt succeeds): renew
// rounds; a round starts at acquisition, then retry_period after the last
// success; attempts at the round's start and every retry_period; the
// round's deadline is its start + renew_deadline (Knobs::deadline kRound),
// or last success + retry_period + renew_deadline checked at every step
// (kSuccess; at acquisition, acquisition + renew_deadline). At the deadline
// the in-flight request is abandoned and the elector stops leading.
//
// Belief (the checker's BeliefBegin/Extend/End): a leader believes it holds
// the lease (id and token: the version at which it became holder) until
// its deadline + Knobs::stop_latency (the guarded work outlives the
// decision by that much). It stops leading at the deadline or when its
// `hold` ends; the work stops stop_latency later; Knobs::release decides
// whether and when it blanks the record (holder "", lease_duration 1s);
// then, after `rejoin`, it campaigns again as a fresh process (nothing
// observed).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "leasesim/core/rng.hpp"
#include "leasesim/protocol/node.hpp"
#include "leasesim/protocol/observations.hpp"
#include "leasesim/protocols/kv_lease/messages.hpp"
#include "leasesim/protocols/kv_lease/options.hpp"
#include "leasesim/protocols/kv_lease/records.hpp"

namespace leasesim::kv_lease {

struct ElectorConfig {
  NodeId self = kInvalidNode;
  std::vector<NodeId> servers;
  std::vector<ResourceId> resources;  // one election per resource
  Knobs knobs;
  Duration lease_duration = seconds(15);
  Duration renew_deadline = seconds(10);
  Duration retry_period = seconds(2);
  Duration jitter = milliseconds(2400);  // most extra wait between candidate attempts
  Duration request_timeout = seconds(1);
  Duration start = Duration::zero();
  Duration hold_min = Duration::max(), hold_max = Duration::max();  // max: forever
  Duration rejoin_min = seconds(1), rejoin_max = seconds(1);
  bool fast_path = true;
};

// What an elector keeps across crashes: how many times it started (a
// restarted process campaigns after `rejoin`, not after `start`, and under
// a new identity: node + incarnation, as client-go's hostname + UUID).
struct ElectorDisk final : DurableState {
  uint64_t boots = 0;
};

class Elector final : public Node {
 public:
  Elector(const ElectorConfig& config, ElectorDisk& disk, Rng rng);

  void start(const LocalClocks& now, Effects& out) override;
  void on_message(const Message& m, const LocalClocks& now, Effects& out) override;
  void on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) override;

  enum TimerKind : uint32_t {
    kAttemptTimer = 1,  // the next attempt (or the campaign's start)
    kRequestTimer,      // the request in flight timed out
    kRoundTimer,        // the next renew round starts
    kDeadlineTimer,     // the renew deadline
    kHoldTimer,         // the hold ends
    kStopTimer,         // the guarded work stops
    kTimerKinds,
  };
  enum class Phase : uint8_t { kWaiting, kCandidate, kLeader, kStopping };
  enum class Step : uint8_t { kNone, kGet, kUpdate, kFastUpdate, kReleaseGet, kReleaseUpdate };

  // Read-only views for tests (index into config.resources).
  Phase phase(size_t i) const { return elections_[i].phase; }
  uint64_t lease(size_t i) const { return elections_[i].lease; }
  TimePoint belief_deadline(size_t i) const { return elections_[i].deadline; }
  // What the holder's belief records: deadline + stop_latency, or later after a late stop.
  TimePoint belief_until(size_t i) const { return elections_[i].belief_until; }
  const LeaseRecord& observed(size_t i) const { return elections_[i].observed; }
  TimePoint observed_time(size_t i) const { return elections_[i].observed_time; }

 private:
  struct Election {
    ResourceId resource = kNoResource;
    Phase phase = Phase::kWaiting;
    std::array<uint32_t, kTimerKinds> gen{};
    // Observed record (client-go observedRecord / observedTime).
    bool have_observed = false;
    LeaseRecord observed;
    TimePoint observed_time;  // local mono
    // The attempt (or release) in progress.
    Step step = Step::kNone;
    uint64_t request = 0;               // id of the request in flight
    MsgType last_type = MsgType::kGet;  // it, for a resend after a redirect
    KvMsg last_body;
    LocalClocks attempt_start;
    size_t endpoint = 0;
    uint32_t redirects = 0;
    // Leadership.
    uint64_t lease = 0;
    TimePoint deadline;      // when leadership ends absent success (local mono)
    TimePoint belief_until;  // deadline + stop_latency, as recorded
    bool in_round = false;   // a renew round is running (its deadline applies)
    bool work_running = false;
    bool releasing = false;
    StopReason stop_reason = StopReason::kRenewDeadline;
  };

  Election& election_of(ResourceId r);
  void arm(Election& e, TimerKind kind, TimePoint at, Effects& out);
  void disarm(Election& e, TimerKind kind) { ++e.gen[kind]; }
  void send(Election& e, MsgType type, const KvMsg& body, const LocalClocks& now, Effects& out);
  void resend(Election& e, const LocalClocks& now, Effects& out);
  void campaign(Election& e, const LocalClocks& now, Effects& out);
  void attempt(Election& e, const LocalClocks& now, Effects& out);
  void attempt_done(Election& e, bool ok, uint64_t lease, const LocalClocks& now, Effects& out);
  void observe(Election& e, const LeaseRecord& rec, const LocalClocks& now);
  bool held_by_other(const Election& e, const LeaseRecord& rec) const;
  KvMsg claim(const Election& e, const LeaseRecord& read) const;
  void on_get_reply(Election& e, const KvMsg& k, const LocalClocks& now, Effects& out);
  void on_update_reply(Election& e, bool written, const KvMsg& k, const LocalClocks& now,
                       Effects& out);
  bool is_me(const LeaseRecord& r) const {
    return r.holder == cfg_.self && r.incarnation == incarnation_;
  }
  void on_failure(Election& e, bool rotate, const LocalClocks& now, Effects& out);
  void become_leader(Election& e, uint64_t lease, const LocalClocks& now, Effects& out);
  void start_round(Election& e, const LocalClocks& now, Effects& out);
  // When the attempt that just succeeded counts as a success (knob anchor).
  TimePoint success_time(const Election& e, const LocalClocks& now) const;
  void set_deadline(Election& e, TimePoint deadline, const LocalClocks& now, Effects& out);
  // Records that the holder believes (and its work may run) until `until`
  // on its monotonic clock, if that is later than recorded: an extend, or a
  // new belief if the recorded one has run out.
  void believe_until(Election& e, TimePoint until, const LocalClocks& now, Effects& out);
  void stop_leading(Election& e, StopReason why, const LocalClocks& now, Effects& out);
  void work_stopped(Election& e, const LocalClocks& now, Effects& out);
  void start_release(Election& e, const LocalClocks& now, Effects& out);
  void release_done(Election& e, const LocalClocks& now, Effects& out);
  void maybe_rejoin(Election& e, const LocalClocks& now, Effects& out);
  void cancel_request(Election& e);
  // A leader past its deadline that has not noticed yet (it was paused):
  // it stops before handling anything else.
  bool overdue(const Election& e, const LocalClocks& now) const;

  ElectorConfig cfg_;
  ElectorDisk& disk_;
  Rng rng_;
  std::vector<Election> elections_;
  std::vector<uint32_t> index_of_;  // resource -> index into elections_ (UINT32_MAX: none)
  uint64_t next_request_ = 1;
  uint32_t incarnation_ = 0;  // this life's part of the holder identity
};

}  // namespace leasesim::kv_lease
