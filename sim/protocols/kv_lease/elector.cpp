// The kv-lease elector: client-go's tryAcquireOrRenew, its acquire and renew
// loops, release, and what the holder believes.
#include "leasesim/protocols/kv_lease/elector.hpp"

#include <algorithm>

#include "leasesim/core/distributions.hpp"

namespace leasesim::kv_lease {

namespace {
constexpr uint64_t kResourceBits = 24;
constexpr Duration kReleasedLeaseDuration = seconds(1);  // what client-go's release writes
}  // namespace

Elector::Elector(const ElectorConfig& config, ElectorDisk& disk, Rng rng)
    : cfg_(config), disk_(disk), rng_(rng) {
  uint32_t top = 0;
  for (const ResourceId r : cfg_.resources) top = std::max(top, r + 1);
  index_of_.assign(top, UINT32_MAX);
  for (const ResourceId r : cfg_.resources) {
    LEASESIM_ASSERT(r < (1u << kResourceBits), "resource id too large for a timer argument");
    if (index_of_[r] != UINT32_MAX) continue;
    index_of_[r] = static_cast<uint32_t>(elections_.size());
    elections_.emplace_back();
    elections_.back().resource = r;
    // Spread the electors over the servers; each election keeps its own.
    elections_.back().endpoint = (cfg_.self + r) % std::max<size_t>(cfg_.servers.size(), 1);
  }
}

Elector::Election& Elector::election_of(ResourceId r) {
  return elections_[index_of_[r]];
}

void Elector::arm(Election& e, TimerKind kind, TimePoint at, Effects& out) {
  const uint64_t arg = (static_cast<uint64_t>(++e.gen[kind]) << kResourceBits) | e.resource;
  out.set_timer(ClockKind::kMonotonic, at, kind, arg);
}

void Elector::start(const LocalClocks& now, Effects& out) {
  // Fresh request ids per incarnation: replies to a previous life's
  // requests must not match.
  next_request_ = (rng_.next_u64() & 0xFFFFFFFF00000000ULL) | 1;
  const bool first = disk_.boots++ == 0;
  incarnation_ = static_cast<uint32_t>(disk_.boots);
  for (Election& e : elections_) {
    const Duration wait =
        first ? cfg_.start : uniform_duration(rng_, cfg_.rejoin_min, cfg_.rejoin_max);
    arm(e, kAttemptTimer, now.mono + wait, out);
  }
}

// --- Requests ----------------------------------------------------------------

void Elector::send(Election& e, MsgType type, const KvMsg& body, const LocalClocks& now,
                   Effects& out) {
  e.request = next_request_++;
  e.last_type = type;
  e.last_body = body;
  e.last_body.request_id = e.request;
  resend(e, now, out);
}

void Elector::resend(Election& e, const LocalClocks& now, Effects& out) {
  Message& m = out.send(e.last_type, cfg_.self, cfg_.servers[e.endpoint]);
  m.resource = e.resource;
  m.set<KvMsg>() = e.last_body;
  arm(e, kRequestTimer, now.mono + cfg_.request_timeout, out);
}

bool Elector::overdue(const Election& e, const LocalClocks& now) const {
  return e.phase == Phase::kLeader && now.mono >= e.deadline &&
         (cfg_.knobs.deadline == Deadline::kSuccess || e.in_round);
}

void Elector::cancel_request(Election& e) {
  e.step = Step::kNone;
  e.request = 0;
  disarm(e, kRequestTimer);
}

void Elector::on_message(const Message& m, const LocalClocks& now, Effects& out) {
  if (m.resource >= index_of_.size() || index_of_[m.resource] == UINT32_MAX) return;
  Election& e = election_of(m.resource);
  if (overdue(e, now)) stop_leading(e, StopReason::kRenewDeadline, now, out);
  const KvMsg& k = m.as<KvMsg>();
  if (e.step == Step::kNone || k.request_id != e.request) return;  // stale or cancelled
  switch (type_of(m)) {
    case MsgType::kGetReply:
      if (e.step == Step::kGet || e.step == Step::kReleaseGet) on_get_reply(e, k, now, out);
      return;
    case MsgType::kUpdateReply:
    case MsgType::kConflict:
      if (e.step == Step::kUpdate || e.step == Step::kFastUpdate || e.step == Step::kReleaseUpdate)
        on_update_reply(e, type_of(m) == MsgType::kUpdateReply, k, now, out);
      return;
    case MsgType::kRedirect: {
      // Follow the hint at once, within the attempt, or without one try the
      // next server (a client balancing over the store's endpoints); after
      // going round every server the attempt fails like an error.
      if (++e.redirects > cfg_.servers.size()) {
        on_failure(e, true, now, out);
        return;
      }
      const NodeId hint = k.record.holder;
      const auto it = std::find(cfg_.servers.begin(), cfg_.servers.end(), hint);
      e.endpoint = it != cfg_.servers.end() ? static_cast<size_t>(it - cfg_.servers.begin())
                                            : (e.endpoint + 1) % cfg_.servers.size();
      resend(e, now, out);
      return;
    }
    case MsgType::kUnavailable:
      on_failure(e, false, now, out);
      return;
    default:
      return;
  }
}

void Elector::on_failure(Election& e, bool rotate, const LocalClocks& now, Effects& out) {
  if (rotate) e.endpoint = (e.endpoint + 1) % cfg_.servers.size();
  if (e.step == Step::kReleaseGet || e.step == Step::kReleaseUpdate) {
    release_done(e, now, out);  // best effort, as client-go's
    return;
  }
  attempt_done(e, false, 0, now, out);
}

// --- tryAcquireOrRenew -------------------------------------------------------

void Elector::attempt(Election& e, const LocalClocks& now, Effects& out) {
  e.attempt_start = now;
  e.redirects = 0;
  const LeaseRecord& o = e.observed;
  if (cfg_.fast_path && e.phase == Phase::kLeader && e.have_observed && is_me(o) &&
      e.observed_time + o.lease_duration > now.mono) {
    e.step = Step::kFastUpdate;
    send(e, MsgType::kUpdate, claim(e, o), now, out);
    return;
  }
  e.step = Step::kGet;
  send(e, MsgType::kGet, KvMsg{}, now, out);
}

void Elector::observe(Election& e, const LeaseRecord& rec, const LocalClocks& now) {
  // client-go compares the record's bytes: any change (every renewal
  // changes renew_time, unless the holder's wall clock stepped back by its
  // renew interval) restarts the observed time; with observe: version, any
  // write does (every write makes a new version).
  const bool unchanged = cfg_.knobs.observe == Observe::kSpec ? rec.same_spec(e.observed)
                                                              : rec.version == e.observed.version;
  if (e.have_observed && unchanged) {
    e.observed.version = rec.version;
    return;
  }
  e.have_observed = true;
  e.observed = rec;
  e.observed_time = now.mono;
}

bool Elector::held_by_other(const Election& e, const LeaseRecord& rec) const {
  if (rec.holder == kInvalidNode || is_me(rec)) return false;
  if (cfg_.knobs.expiry_basis == ExpiryBasis::kRecord)
    return rec.renew_time + rec.lease_duration > e.attempt_start.wall;
  return e.observed_time + rec.lease_duration > e.attempt_start.mono;
}

KvMsg Elector::claim(const Election& e, const LeaseRecord& read) const {
  KvMsg k;
  LeaseRecord& w = k.record;
  const bool mine = read.version != 0 && is_me(read);
  w.version = read.version;  // the expected version
  w.holder = cfg_.self;
  w.incarnation = incarnation_;
  w.lease_duration = cfg_.lease_duration;
  w.renew_time = e.attempt_start.wall;
  w.acquire_time = mine ? read.acquire_time : e.attempt_start.wall;
  w.transitions = read.version == 0 ? 0 : read.transitions + (mine ? 0 : 1);
  return k;
}

void Elector::on_get_reply(Election& e, const KvMsg& k, const LocalClocks& now, Effects& out) {
  const LeaseRecord& rec = k.record;
  if (e.step == Step::kReleaseGet) {
    // Blank the record only if it still names us (checked on the fresh
    // record: blanking a successor's record would let a third take over).
    if (rec.version == 0 || !is_me(rec)) {
      release_done(e, now, out);
      return;
    }
    KvMsg b;
    b.record = rec;
    b.record.holder = kInvalidNode;
    b.record.lease_duration = kReleasedLeaseDuration;
    b.record.renew_time = b.record.acquire_time = now.wall;
    e.step = Step::kReleaseUpdate;
    send(e, MsgType::kUpdate, b, now, out);
    return;
  }
  if (rec.version == 0) {  // no object yet: create it
    e.step = Step::kUpdate;
    send(e, MsgType::kUpdate, claim(e, rec), now, out);
    return;
  }
  observe(e, rec, now);
  if (held_by_other(e, rec)) {
    attempt_done(e, false, 0, now, out);
    return;
  }
  e.step = Step::kUpdate;
  send(e, MsgType::kUpdate, claim(e, rec), now, out);
}

void Elector::on_update_reply(Election& e, bool written, const KvMsg& k, const LocalClocks& now,
                              Effects& out) {
  if (e.step == Step::kReleaseUpdate) {
    if (written) {
      observe(e, k.record, now);
      release_done(e, now, out);
    } else {
      e.step = Step::kReleaseGet;  // someone wrote meanwhile: read again
      send(e, MsgType::kGet, KvMsg{}, now, out);
    }
    return;
  }
  if (written) {
    observe(e, k.record, now);
    attempt_done(e, true, k.lease, now, out);
    return;
  }
  if (e.step == Step::kFastUpdate) {  // the cached version is stale: the slow path
    e.step = Step::kGet;
    send(e, MsgType::kGet, KvMsg{}, now, out);
    return;
  }
  attempt_done(e, false, 0, now, out);
}

void Elector::attempt_done(Election& e, bool ok, uint64_t lease, const LocalClocks& now,
                           Effects& out) {
  cancel_request(e);
  if (e.phase == Phase::kCandidate) {
    if (ok) {
      become_leader(e, lease, now, out);
      return;
    }
    const Duration wait = cfg_.retry_period + uniform_duration(rng_, Duration::zero(), cfg_.jitter);
    arm(e, kAttemptTimer, now.mono + wait, out);
    return;
  }
  if (e.phase != Phase::kLeader) return;
  if (ok) {
    // The round succeeded: the next starts retry_period from now.
    e.in_round = false;
    arm(e, kRoundTimer, now.mono + cfg_.retry_period, out);
    disarm(e, kAttemptTimer);
    const TimePoint success = success_time(e, now);
    if (cfg_.knobs.deadline == Deadline::kSuccess) {
      set_deadline(e, success + cfg_.retry_period + cfg_.renew_deadline, now, out);
      arm(e, kDeadlineTimer, e.deadline, out);
    } else {
      disarm(e, kDeadlineTimer);  // no deadline between rounds
      set_deadline(e, success + cfg_.retry_period + cfg_.renew_deadline, now, out);
    }
    return;
  }
  // Failed ("held by another" included): retry within the round.
  const TimePoint next = std::max(now.mono, e.attempt_start.mono + cfg_.retry_period);
  arm(e, kAttemptTimer, next, out);
}

// --- Leadership ------------------------------------------------------------

void Elector::campaign(Election& e, const LocalClocks& now, Effects& out) {
  e.phase = Phase::kCandidate;
  out.emit(obs::Want{e.resource});
  attempt(e, now, out);
}

void Elector::become_leader(Election& e, uint64_t lease, const LocalClocks& now, Effects& out) {
  e.phase = Phase::kLeader;
  e.lease = lease;
  e.work_running = true;
  // Round 1 starts at acquisition (as the anchor counts it), with its
  // immediate attempt.
  e.deadline = success_time(e, now) + cfg_.renew_deadline;
  e.in_round = true;
  e.belief_until = e.deadline + cfg_.knobs.stop_latency;
  out.emit(obs::BeliefBegin{e.resource, lease, lease, e.belief_until, ClockKind::kMonotonic});
  arm(e, kDeadlineTimer, e.deadline, out);
  if (cfg_.hold_max != Duration::max()) {
    const Duration hold = uniform_duration(rng_, cfg_.hold_min, cfg_.hold_max);
    arm(e, kHoldTimer, now.mono + hold, out);
  }
  attempt(e, now, out);
}

TimePoint Elector::success_time(const Election& e, const LocalClocks& now) const {
  // The attempt's write was applied after it started, so a candidate that
  // saw it counts from later than the attempt's start; the reply's arrival
  // may be later still (a slow network, a pause of this process).
  return cfg_.knobs.anchor == Anchor::kSend ? e.attempt_start.mono : now.mono;
}

void Elector::set_deadline(Election& e, TimePoint deadline, const LocalClocks& now, Effects& out) {
  if (deadline <= e.deadline) return;
  e.deadline = deadline;
  believe_until(e, deadline + cfg_.knobs.stop_latency, now, out);
}

void Elector::believe_until(Election& e, TimePoint until, const LocalClocks& now, Effects& out) {
  if (until <= e.belief_until) return;
  if (now.mono >= e.belief_until) {
    // The old belief ran out while this process was not running (a pause
    // between rounds, or before it noticed its deadline): it believes, and
    // works, again from now, as client-go's next round does.
    out.emit(obs::BeliefEnd{e.resource, e.lease, BeliefEndReason::kExpired});
    out.emit(obs::BeliefBegin{e.resource, e.lease, e.lease, until, ClockKind::kMonotonic});
  } else {
    out.emit(obs::BeliefExtend{e.resource, e.lease, until});
  }
  e.belief_until = until;
}

void Elector::start_round(Election& e, const LocalClocks& now, Effects& out) {
  e.in_round = true;
  if (cfg_.knobs.deadline == Deadline::kSuccess) {
    if (now.mono >= e.deadline) {  // the deadline passed while we were not running
      stop_leading(e, StopReason::kRenewDeadline, now, out);
      return;
    }
  } else {
    set_deadline(e, now.mono + cfg_.renew_deadline, now, out);
    arm(e, kDeadlineTimer, e.deadline, out);
  }
  attempt(e, now, out);
}

void Elector::stop_leading(Election& e, StopReason why, const LocalClocks& now, Effects& out) {
  cancel_request(e);  // the round's context is cancelled: its request is abandoned
  for (const TimerKind k : {kAttemptTimer, kRoundTimer, kDeadlineTimer, kHoldTimer}) disarm(e, k);
  e.phase = Phase::kStopping;
  e.in_round = false;
  e.stop_reason = why;
  out.emit(StoppedLeading{e.resource, e.lease, why});
  if (cfg_.knobs.release == Release::kOnCancel) start_release(e, now, out);
  if (cfg_.knobs.stop_latency > Duration::zero()) {
    // The work runs on for stop_latency from now, however late now is (a
    // pause, a late timer): past deadline + stop_latency, the belief must
    // say so, or the checker would not see the work beside the next holder.
    believe_until(e, now.mono + cfg_.knobs.stop_latency, now, out);
    arm(e, kStopTimer, now.mono + cfg_.knobs.stop_latency, out);
  } else {
    work_stopped(e, now, out);
  }
}

void Elector::work_stopped(Election& e, const LocalClocks& now, Effects& out) {
  e.work_running = false;
  const BeliefEndReason why = e.stop_reason == StopReason::kRenewDeadline
                                  ? BeliefEndReason::kExpired
                                  : BeliefEndReason::kReleased;
  out.emit(obs::BeliefEnd{e.resource, e.lease, why});
  if (cfg_.knobs.release == Release::kAfterStop) start_release(e, now, out);
  maybe_rejoin(e, now, out);
}

void Elector::start_release(Election& e, const LocalClocks& now, Effects& out) {
  e.releasing = true;
  e.redirects = 0;
  e.step = Step::kReleaseGet;
  send(e, MsgType::kGet, KvMsg{}, now, out);
}

void Elector::release_done(Election& e, const LocalClocks& now, Effects& out) {
  cancel_request(e);
  e.releasing = false;
  maybe_rejoin(e, now, out);
}

void Elector::maybe_rejoin(Election& e, const LocalClocks& now, Effects& out) {
  if (e.phase != Phase::kStopping || e.work_running || e.releasing) return;
  // client-go's Run returns; the process starts over with a fresh elector.
  e.phase = Phase::kWaiting;
  e.have_observed = false;
  e.observed = LeaseRecord{};
  e.lease = 0;
  arm(e, kAttemptTimer, now.mono + uniform_duration(rng_, cfg_.rejoin_min, cfg_.rejoin_max), out);
}

// --- Timers ------------------------------------------------------------------

void Elector::on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) {
  const ResourceId r = static_cast<ResourceId>(t.arg & ((1u << kResourceBits) - 1));
  if (t.kind == 0 || t.kind >= kTimerKinds || r >= index_of_.size() || index_of_[r] == UINT32_MAX)
    return;
  Election& e = election_of(r);
  if ((t.arg >> kResourceBits) != e.gen[t.kind]) return;  // replaced or cancelled
  if (t.kind != kDeadlineTimer && overdue(e, now))
    stop_leading(e, StopReason::kRenewDeadline, now, out);
  switch (t.kind) {
    case kAttemptTimer:
      if (e.phase == Phase::kWaiting) {
        campaign(e, now, out);
      } else if ((e.phase == Phase::kCandidate || e.phase == Phase::kLeader) &&
                 e.step == Step::kNone) {
        attempt(e, now, out);
      }
      return;
    case kRequestTimer:
      if (e.step != Step::kNone) on_failure(e, true, now, out);
      return;
    case kRoundTimer:
      if (e.phase == Phase::kLeader) start_round(e, now, out);
      return;
    case kDeadlineTimer:
      if (e.phase == Phase::kLeader && now.mono >= e.deadline)
        stop_leading(e, StopReason::kRenewDeadline, now, out);
      return;
    case kHoldTimer:
      if (e.phase == Phase::kLeader) stop_leading(e, StopReason::kHoldEnded, now, out);
      return;
    case kStopTimer:
      if (e.phase == Phase::kStopping && e.work_running) work_stopped(e, now, out);
      return;
    default:
      return;
  }
}

}  // namespace leasesim::kv_lease
