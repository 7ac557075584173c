#include "leasesim/protocols/raft_lease/requestor.hpp"

#include <algorithm>

#include "leasesim/core/distributions.hpp"

namespace leasesim::raft_lease {

Requestor::Requestor(const RequestorConfig& config, Rng rng)
    : Requestor(std::make_shared<const RequestorConfig>(config), config.self, rng) {}

Requestor::Requestor(std::shared_ptr<const RequestorConfig> config, NodeId self, Rng rng)
    : cfg_(std::move(config)), self_(self), rng_(rng) {
  LEASESIM_ASSERT(cfg_ != nullptr, "requestor without a configuration");
  LEASESIM_ASSERT(!cfg_->servers.empty(), "requestor without servers");
  LEASESIM_ASSERT(!cfg_->resources.empty() || cfg_->resource_range != 0,
                  "requestor without resources");
  LEASESIM_ASSERT(cfg_->renew_every > Duration::zero(), "renew interval must be positive");
}

void Requestor::set_timer(const LocalClocks& now, Duration after, TimerKind kind, uint64_t arg,
                          Effects& out) const {
  // Every timer but the write is the requestor's single one of its kind
  // (node.hpp): re-arming replaces it, and the ones a state change makes
  // moot are cancelled (cancel_request_timers, end_belief). A write stays
  // armed whatever happens after its check: that is the window a stale
  // write comes through.
  if (kind == kWorkWriteTimer)
    out.set_timer(cfg_->options.holder_clock, local(now) + after, kind, arg);
  else
    out.replace_timer(cfg_->options.holder_clock, local(now) + after, kind, arg);
}

void Requestor::cancel_request_timers(Effects& out) const {
  out.cancel_timer(kRequestTimer);
  out.cancel_timer(kRetryTimer);
}

void Requestor::start(const LocalClocks& now, Effects& out) {
  // Which server to try first is the requestor's own draw, so requestors
  // spread over the core instead of all hitting the first server.
  target_ = static_cast<size_t>(rng_.below(cfg_->servers.size()));
  // Request ids carry a random prefix per incarnation: after a crash the
  // counter starts over, and a reused id would make the core take a new
  // acquire for a retry of one it already granted (and answer with the
  // old lease, which the holder would then anchor afresh).
  next_request_ = (rng_.next_u64() & 0xFFFFFFFF00000000ULL) | 1;
  phase_ = Phase::kIdle;
  past_ = {};
  past_settled_ = 0;
  hand_backs_ = {};
  any_hand_back_ = false;
  writes_armed_ = 0;
  acquire_waits_ = false;
  const Duration think = uniform_duration(rng_, cfg_->think_min, cfg_->think_max);
  set_timer(now, cfg_->start_after + think, kWakeTimer, 0, out);
}

void Requestor::wait_then_want(Duration lo, Duration hi, const LocalClocks& now, Effects& out) {
  phase_ = Phase::kIdle;
  cancel_request_timers(out);
  send_waiting_hand_backs(now, out);  // one that waited for the acquire or hold to end
  set_timer(now, uniform_duration(rng_, lo, hi), kWakeTimer, 0, out);
}

void Requestor::want(const LocalClocks& now, Effects& out) {
  if (cfg_->max_holds != 0 && holds_ >= cfg_->max_holds) {
    phase_ = Phase::kDone;
    return;
  }
  switch (cfg_->choice) {
    case ResourceChoice::kFixed:
      resource_ = resource_at(0);
      break;
    case ResourceChoice::kCycle:
      resource_ = resource_at(cycle_ % resource_count());
      break;
    case ResourceChoice::kRandom:
      resource_ = resource_at(static_cast<size_t>(rng_.below(resource_count())));
      break;
  }
  out.emit(obs::Want{resource_});
  // Under keying `resource` a hand-back of this resource still unanswered
  // (or a copy of it still on its way) could free the lease this acquire is
  // granted: ask once it is answered (acquire_after_hand_back()), as after
  // a release.
  if (cfg_->options.keying == LeaseKeying::kResource && hand_back_open(resource_)) {
    acquire_waits_ = true;
    return;
  }
  acquire(now, out);
}

bool Requestor::hand_back_open(ResourceId r) const {
  if (!any_hand_back_) return false;
  for (const HandBack& h : hand_backs_)
    if (h.request != 0 && h.resource == r) return true;
  return false;
}

void Requestor::acquire_after_hand_back(const LocalClocks& now, Effects& out) {
  if (!acquire_waits_ || hand_back_open(resource_)) return;
  acquire_waits_ = false;
  acquire(now, out);
}

void Requestor::acquire(const LocalClocks& now, Effects& out) {
  phase_ = Phase::kAcquiring;
  request_ = next_request_++;
  request_first_sent_ = local(now);
  past_[past_next_] = PastAcquire{request_, request_first_sent_};
  past_settled_ = static_cast<uint8_t>(past_settled_ & ~(1u << past_next_));
  past_next_ = static_cast<uint8_t>((past_next_ + 1) % kPastAcquires);
  send_acquire(now, out);
}

void Requestor::send_acquire(const LocalClocks& now, Effects& out) {
  Message& m = out.send(MsgType::kAcquire, self_, target());
  LeaseMsg& q = m.set<LeaseMsg>();
  m.resource = resource_;
  q.ttl = cfg_->ttl;
  q.request_id = request_;
  q.attempt = ++send_gen_;  // the request timer's generation too
  sent_to_ = target_;
  out.cancel_timer(kRetryTimer);
  set_timer(now, cfg_->request_timeout, kRequestTimer, send_gen_, out);
}

void Requestor::send_release(const LocalClocks& now, Effects& out) {
  Message& m = out.send(MsgType::kRelease, self_, target());
  LeaseMsg& q = m.set<LeaseMsg>();
  m.resource = resource_;
  q.lease = lease_;
  q.request_id = request_;
  q.attempt = ++send_gen_;  // the request timer's generation too
  sent_to_ = target_;
  out.cancel_timer(kRetryTimer);
  set_timer(now, cfg_->request_timeout, kRequestTimer, send_gen_, out);
}

void Requestor::resend(const LocalClocks& now, Effects& out) {
  if (phase_ == Phase::kAcquiring)
    send_acquire(now, out);
  else if (phase_ == Phase::kReleasing)
    send_release(now, out);
}

void Requestor::on_message(const Message& m, const LocalClocks& now, Effects& out) {
  switch (type_of(m)) {
    case MsgType::kGranted:
      on_granted(m, now, out);
      return;
    case MsgType::kDenied:
      on_denied(m, now, out);
      return;
    case MsgType::kRedirect:
      on_redirect(m, now, out);
      return;
    case MsgType::kRenewed:
      on_renewed(m, now, out);
      return;
    case MsgType::kReleased:
      on_released(m, now, out);
      return;
    case MsgType::kWriteReply:
      on_write_reply(m, now, out);
      return;
    default:
      return;
  }
}

void Requestor::on_granted(const Message& m, const LocalClocks& now, Effects& out) {
  const LeaseMsg& p = m.as<LeaseMsg>();
  if (phase_ != Phase::kAcquiring || p.request_id != request_) {
    on_unused_grant(m, now, out);
    return;
  }
  settle(unsettled(request_));
  // A resource has one lease at a time: an older lease of it being handed
  // back has ended, or this one would not have been granted. One with this
  // very number is dropped too: under `grant_reply: immediate` a deposed
  // leader's uncommitted grant and the next leader's can share a number, and
  // a RELEASE naming it would free the lease just granted.
  if (any_hand_back_) {
    for (HandBack& h : hand_backs_)
      if (h.request != 0 && h.resource == resource_ && h.lease <= p.lease) h = HandBack{};
    note_hand_backs();
  }
  const auto it = std::find(cfg_->servers.begin(), cfg_->servers.end(), m.from);
  if (it != cfg_->servers.end()) target_ = static_cast<size_t>(it - cfg_->servers.begin());
  const TimePoint t = local(now);
  const TimePoint anchor = cfg_->options.anchor == ExpiryAnchor::kSend ? request_first_sent_ : t;
  lease_ = p.lease;
  lease_resource_ = resource_;
  token_ = p.token;
  ttl_ = p.ttl;
  deadline_ = holder_deadline(cfg_->options.margin, anchor, p.ttl);
  ++hold_gen_;
  if (deadline_ <= t) {
    // Granted too late to be of use: hand it back and try again later.
    phase_ = Phase::kReleasing;
    request_ = next_request_++;
    release_attempts_ = 1;
    send_release(now, out);
    return;
  }
  phase_ = Phase::kHolding;
  cancel_request_timers(out);
  work_allowed_ = true;
  std::fill(renew_ids_.begin(), renew_ids_.end(), 0);
  last_renew_answer_ = t;
  out.emit(obs::BeliefBegin{resource_, lease_, token_, deadline_, cfg_->options.holder_clock});
  set_timer(now, deadline_ - t, kDeadlineTimer, hold_gen_, out);
  set_timer(now, cfg_->renew_every, kRenewTimer, hold_gen_, out);
  if (cfg_->hold_min != Duration::max()) {
    const Duration hold = uniform_duration(rng_, cfg_->hold_min, cfg_->hold_max);
    hold_until_ = t + hold;
    set_timer(now, hold, kHoldEndTimer, hold_gen_, out);
  } else {
    hold_until_ = TimePoint::max();
  }
  if (cfg_->storage != kInvalidNode && cfg_->write_every > Duration::zero())
    set_timer(now, cfg_->write_every, kWorkCheckTimer, hold_gen_, out);
}

size_t Requestor::unsettled(uint64_t request) const {
  for (size_t i = 0; i < kPastAcquires; ++i)
    if (past_[i].request == request && (past_settled_ & (1u << i)) == 0) return i;
  return kPastAcquires;
}

void Requestor::settle(size_t i) {
  if (i < kPastAcquires) past_settled_ = static_cast<uint8_t>(past_settled_ | (1u << i));
}

void Requestor::on_unused_grant(const Message& m, const LocalClocks& now, Effects& out) {
  const LeaseMsg& p = m.as<LeaseMsg>();
  // Not the answer awaited. A resource has one lease at a time: a lease of
  // the resource it holds, or one no newer than the last it was granted of
  // that resource, is its own answered again (a duplicate, or the answer to
  // a retry) or one that had ended before its own was granted. Neither is
  // to be handed back: under keying `resource` a RELEASE frees whatever
  // lease the resource has, its own among them.
  if (phase_ == Phase::kHolding && m.resource == resource_) return;
  if (m.resource == lease_resource_ && p.lease <= lease_) return;
  // The grant of an acquire it has ended (the latest send was refused
  // while an earlier send, or the network's copy of that very send, was
  // still on its way). Ignored, the lease sat unused until it expired, and
  // everyone, this requestor's next acquire included, was refused `held`
  // meanwhile. Hand it back, once however many copies of the grant arrive;
  // a grant of a request it does not know (too old, or of an earlier
  // incarnation) is let be.
  const size_t i = unsettled(p.request_id);
  if (i == kPastAcquires) return;
  settle(i);
  // Only while the lease is certainly still the resource's, the window the
  // requestor would have believed it for: later, it may have expired at the
  // core, and under keying `resource` the RELEASE would free whichever
  // lease the resource has by then.
  const TimePoint t = local(now);
  const TimePoint anchor = cfg_->options.anchor == ExpiryAnchor::kSend ? past_[i].first_sent : t;
  const TimePoint until = holder_deadline(cfg_->options.margin, anchor, p.ttl);
  if (until <= t) return;
  hand_back(m.resource, p.lease, until, false, m.from, now, out);
}

void Requestor::hand_back(ResourceId resource, LeaseId lease, TimePoint until, bool after_writes,
                          NodeId to, const LocalClocks& now, Effects& out) {
  // A free slot, or else the oldest: its lease runs out at the core anyway.
  size_t s = hand_back_next_;
  for (size_t i = 0; i < kHandBacks; ++i) {
    if (hand_backs_[i].request == 0) {
      s = i;
      break;
    }
  }
  hand_back_next_ = static_cast<uint8_t>((s + 1) % kHandBacks);
  // One request id for all its sends, as for a release: the answer to any
  // of them closes it.
  HandBack& h = hand_backs_[s];
  const bool reused = h.request != 0;
  h = HandBack{next_request_++, lease, until, resource, after_writes, false};
  any_hand_back_ = true;
  if (reused) acquire_after_hand_back(now, out);  // one that waited for the slot's hand-back
  if (may_send(h)) {
    h.sent = true;
    send_hand_back(s, to, out);
  }
  // Sent (again) until answered (on_released()) or until the lease has run
  // out: a lost hand-back would leave the lease unused as before.
  set_timer(now, cfg_->request_timeout, kHandBackTimer, 0, out);
}

bool Requestor::may_send(const HandBack& h) const {
  // A hand-back of an expired belief goes after every write a check before
  // the deadline armed (lose_lease()).
  if (!h.sent && h.after_writes && writes_armed_ != 0) return false;
  // Under keying `resource` a RELEASE names only the resource: while this
  // requestor acquires or holds it, one could free the lease it holds or is
  // about to be granted (the handed-back lease may have been freed since,
  // by an earlier send whose answer is still to come, or by someone
  // else's RELEASE). It waits until the acquire ends; a grant of the
  // resource ends it (on_granted()).
  return !(cfg_->options.keying == LeaseKeying::kResource && h.resource == resource_ &&
           (phase_ == Phase::kAcquiring || phase_ == Phase::kHolding));
}

void Requestor::send_hand_back(size_t slot, NodeId to, Effects& out) const {
  const HandBack& h = hand_backs_[slot];
  Message& m = out.send(MsgType::kRelease, self_, to);
  LeaseMsg& q = m.set<LeaseMsg>();
  m.resource = h.resource;
  q.lease = h.lease;
  q.request_id = h.request;
}

void Requestor::send_hand_backs(bool waiting_only, const LocalClocks& now, Effects& out) {
  const TimePoint t = local(now);
  bool closed = false;
  for (size_t i = 0; i < kHandBacks; ++i) {
    HandBack& h = hand_backs_[i];
    if (h.request == 0) continue;
    if (t >= h.until) {
      h = HandBack{};  // run out at the core: nothing left to free
      closed = true;
      continue;
    }
    if ((waiting_only && h.sent) || !may_send(h)) continue;
    h.sent = true;
    send_hand_back(i, target(), out);
  }
  note_hand_backs();
  if (!waiting_only && any_hand_back_)
    set_timer(now, cfg_->request_timeout, kHandBackTimer, 0, out);
  if (closed) acquire_after_hand_back(now, out);  // one whose hand-back ran out
}

void Requestor::note_hand_backs() {
  any_hand_back_ = false;
  for (const HandBack& h : hand_backs_) any_hand_back_ = any_hand_back_ || h.request != 0;
}

void Requestor::send_waiting_hand_backs(const LocalClocks& now, Effects& out) {
  if (!any_hand_back_) return;  // the common case: no line of hand_backs_ read
  for (const HandBack& h : hand_backs_) {
    if (h.request != 0 && !h.sent) {
      send_hand_backs(true, now, out);
      return;
    }
  }
}

void Requestor::on_denied(const Message& m, const LocalClocks& now, Effects& out) {
  const LeaseMsg& p = m.as<LeaseMsg>();
  if (phase_ == Phase::kHolding) {
    const bool about_renewal =
        std::find(renew_ids_.begin(), renew_ids_.end(), p.request_id) != renew_ids_.end();
    if (!about_renewal || p.error == ErrorCode::kNotReady) return;
    lose_lease(BeliefEndReason::kRevoked, now, out);
    return;
  }
  if (p.request_id != request_) return;
  // A refusal made at once names the send it answers (its attempt), and
  // says what that send found when it arrived: a leader not ready yet, a
  // resource held or blocked then. It counts only if it answers the latest
  // send (see on_redirect()). One of an earlier send would end the request
  // while the latest send's answer is still to come, and that may be a
  // grant (the resource freed meanwhile), which would then reach a
  // requestor no longer waiting for it: the lease would sit unused until
  // it expired. A refusal at commit (attempt 0) answers the request as
  // logged, whichever send it came by, and always counts.
  if (p.attempt != 0 && p.attempt != send_gen_) return;
  if (phase_ == Phase::kAcquiring) {
    wait_then_want(cfg_->backoff_min, cfg_->backoff_max, now, out);
  } else if (phase_ == Phase::kReleasing) {
    wait_then_want(cfg_->think_min, cfg_->think_max, now, out);
  }
}

void Requestor::on_redirect(const Message& m, const LocalClocks& now, Effects& out) {
  const LeaseMsg& p = m.as<LeaseMsg>();
  const auto it = std::find(cfg_->servers.begin(), cfg_->servers.end(), p.leader_hint);
  const bool known = it != cfg_->servers.end() && p.leader_hint != m.from;
  if (known) target_ = static_cast<size_t>(it - cfg_->servers.begin());
  if (phase_ == Phase::kHolding) {
    const bool about_renewal =
        std::find(renew_ids_.begin(), renew_ids_.end(), p.request_id) != renew_ids_.end();
    // A redirect naming the leader sends the renewal there once: a copy
    // of that redirect (the network duplicated it) sends nothing more.
    const size_t slot = static_cast<size_t>(p.request_id % kRenewRing);
    if (about_renewal && known && !renew_redirected_[slot]) {
      renew_redirected_[slot] = true;
      send_renew(now, out);
    } else if (about_renewal && !known && target() == m.from) {
      next_server();
    }
    return;
  }
  if (p.request_id != request_ || (phase_ != Phase::kAcquiring && phase_ != Phase::kReleasing))
    return;
  // Only the answer to the latest send, and only while nothing else has
  // been done about it, asks again: a duplicated answer, or one that a
  // later send's timeout overtook, names a send the requestor no longer
  // waits on (a retry is armed, or a newer send is out). Acted on, each
  // such answer started a retry chain of its own beside the one already
  // running, and with backoff_min 0 and duplication the chains multiplied
  // at every round trip until the run stopped at the pending-event limit.
  // (A leader such an answer names is where the next timeout sends to.)
  if (p.attempt != send_gen_) return;
  if (known) {
    resend(now, out);
  } else {
    // No leader known (an election is under way): try another server a
    // little later rather than spinning.
    if (target() == m.from) next_server();
    out.cancel_timer(kRequestTimer);
    set_timer(now, cfg_->backoff_min, kRetryTimer, ++send_gen_, out);
  }
}

void Requestor::send_renew(const LocalClocks& now, Effects& out) {
  const TimePoint t = local(now);
  const uint64_t id = next_request_++;
  const size_t slot = static_cast<size_t>(id % kRenewRing);
  renew_ids_[slot] = id;
  renew_sent_[slot] = t;
  renew_redirected_[slot] = false;
  Message& m = out.send(MsgType::kRenew, self_, target());
  LeaseMsg& q = m.set<LeaseMsg>();
  m.resource = resource_;
  q.lease = lease_;
  q.request_id = id;
}

void Requestor::on_renewed(const Message& m, const LocalClocks& now, Effects& out) {
  const LeaseMsg& p = m.as<LeaseMsg>();
  if (phase_ != Phase::kHolding || m.resource != resource_) return;
  const size_t slot = static_cast<size_t>(p.request_id % kRenewRing);
  if (renew_ids_[slot] != p.request_id || p.request_id == 0) return;  // unknown or too old
  const TimePoint t = local(now);
  if (t >= deadline_) {
    // The belief already ended at its deadline (the answer was handled
    // late, e.g. after a pause): a belief is one unbroken interval, so a
    // late answer cannot revive it. Notice the expiry now.
    lose_lease(BeliefEndReason::kExpired, now, out);
    return;
  }
  last_renew_answer_ = t;
  const TimePoint anchor = cfg_->options.anchor == ExpiryAnchor::kSend ? renew_sent_[slot] : t;
  const TimePoint d = holder_deadline(cfg_->options.margin, anchor, p.ttl);
  if (d > deadline_) {
    deadline_ = d;
    out.emit(obs::BeliefExtend{resource_, lease_, deadline_});
  }
}

void Requestor::on_released(const Message& m, const LocalClocks& now, Effects& out) {
  const LeaseMsg& p = m.as<LeaseMsg>();
  if (any_hand_back_) {
    bool closed = false;
    for (HandBack& h : hand_backs_) {
      if (h.request != 0 && h.request == p.request_id) {
        h = HandBack{};
        closed = true;
      }
    }
    if (closed) {
      note_hand_backs();
      if (!any_hand_back_) out.cancel_timer(kHandBackTimer);
      acquire_after_hand_back(now, out);
    }
  }
  if (phase_ != Phase::kReleasing || p.request_id != request_) return;
  wait_then_want(cfg_->think_min, cfg_->think_max, now, out);
}

void Requestor::on_write_reply(const Message& m, const LocalClocks& now, Effects& out) {
  const LeaseMsg& p = m.as<LeaseMsg>();
  // Fenced (a later token was accepted) or told the lease is not current:
  // the lease is gone. `unavailable` (storage could not validate it in
  // time) says nothing about the lease.
  if (phase_ == Phase::kHolding && !p.success && p.lease == lease_ &&
      p.error != ErrorCode::kUnavailable)
    lose_lease(BeliefEndReason::kFenced, now, out);
}

void Requestor::end_belief(BeliefEndReason why, Effects& out) {
  out.emit(obs::BeliefEnd{resource_, lease_, why});
  out.cancel_timer(kRenewTimer);
  out.cancel_timer(kDeadlineTimer);
  out.cancel_timer(kHoldEndTimer);
  out.cancel_timer(kWorkCheckTimer);
}

void Requestor::hold_over() {
  ++holds_;
  // "cycle" moves on once per hold, however it ended; a refused or lost
  // acquire does not count, so the next attempt asks for the same one.
  ++cycle_;
}

void Requestor::lose_lease(BeliefEndReason why, const LocalClocks& now, Effects& out) {
  end_belief(why, out);
  hold_over();
  // Its own deadline passed: it no longer uses the lease, but the core
  // keeps it until its own expiry, later (the margin, a renewal the core
  // applied whose answer was lost or late, a new leader's refresh), and
  // refuses everyone meanwhile. Hand it back. Only when a RELEASE names the
  // lease: under keying `resource` it would free whatever lease the
  // resource has when it arrives, and the core may have expired this one
  // and granted the resource again by then. After any write a check before
  // the deadline armed (it still goes out: the stale-write window), so the
  // lease is not freed for the next holder before this one's last write,
  // as a release after a hold is not. A revoked or fenced lease is the
  // core's or storage's word that it is gone: nothing to hand back.
  if (why == BeliefEndReason::kExpired && cfg_->options.keying == LeaseKeying::kLeaseId)
    hand_back(resource_, lease_, local(now) + ttl_, true, target(), now, out);
  // Still wanting the resource: back off and try again.
  wait_then_want(cfg_->backoff_min, cfg_->backoff_max, now, out);
}

void Requestor::finish_hold(const LocalClocks& now, Effects& out) {
  // Stop acting as holder *before* asking for the release.
  end_belief(BeliefEndReason::kReleased, out);
  work_allowed_ = false;
  hold_over();
  phase_ = Phase::kReleasing;
  request_ = next_request_++;
  release_attempts_ = 1;
  send_release(now, out);
}

void Requestor::on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) {
  const TimePoint l = local(now);
  switch (t.kind) {
    case kWakeTimer:
      if (phase_ == Phase::kIdle) want(now, out);
      return;
    case kRequestTimer:
      if (t.arg != send_gen_) return;
      // The latest send went unanswered: try the next server, unless an
      // answer since (a late redirect naming the leader) already pointed
      // elsewhere. A late answer asks nothing again (on_redirect()), so
      // its hint is followed here.
      if (phase_ == Phase::kAcquiring) {
        if (target_ == sent_to_) next_server();
        send_acquire(now, out);
      } else if (phase_ == Phase::kReleasing) {
        // The lease runs out anyway; do not retry forever.
        if (++release_attempts_ > 3) {
          wait_then_want(cfg_->think_min, cfg_->think_max, now, out);
          return;
        }
        if (target_ == sent_to_) next_server();
        send_release(now, out);
      }
      return;
    case kRetryTimer:
      if (t.arg == send_gen_) resend(now, out);
      return;
    case kRenewTimer:
      if (phase_ != Phase::kHolding || t.arg != hold_gen_) return;
      if (l >= deadline_) {
        lose_lease(BeliefEndReason::kExpired, now, out);
        return;
      }
      // Renewals unanswered for a request timeout: the server we talk to
      // is probably gone; try the next one. Renewals go out every
      // renew_every, so with renew_every > request_timeout even a prompt
      // answer is more than request_timeout old at the next tick: only an
      // answer older than both means a renewal went unanswered.
      if (l - last_renew_answer_ > std::max(cfg_->request_timeout, cfg_->renew_every)) {
        next_server();
        last_renew_answer_ = l;
      }
      send_renew(now, out);
      set_timer(now, cfg_->renew_every, kRenewTimer, hold_gen_, out);
      return;
    case kDeadlineTimer:
      if (phase_ != Phase::kHolding || t.arg != hold_gen_) return;
      if (l >= deadline_)
        lose_lease(BeliefEndReason::kExpired, now, out);
      else
        set_timer(now, deadline_ - l, kDeadlineTimer, hold_gen_, out);
      return;
    case kHoldEndTimer:
      if (phase_ == Phase::kHolding && t.arg == hold_gen_) finish_hold(now, out);
      return;
    case kWorkCheckTimer:
      if (phase_ != Phase::kHolding || t.arg != hold_gen_) return;
      if (l < deadline_) {
        out.emit(obs::WorkCheck{resource_, lease_, token_});
        set_timer(now, cfg_->check_to_write, kWorkWriteTimer, hold_gen_, out);
        ++writes_armed_;
      }
      set_timer(now, cfg_->write_every, kWorkCheckTimer, hold_gen_, out);
      return;
    case kWorkWriteTimer: {
      if (writes_armed_ != 0) --writes_armed_;
      // The write goes out without looking at the lease again: whatever
      // happened since the check (a pause, an expiry) is not noticed.
      if (t.arg == hold_gen_ && work_allowed_) {
        Message& m = out.send(MsgType::kWrite, self_, cfg_->storage);
        LeaseMsg& q = m.set<LeaseMsg>();
        m.resource = resource_;
        q.token = token_;
        q.lease = lease_;
        q.request_id = next_request_++;
        out.emit(obs::WriteSent{resource_, lease_, token_, q.request_id});
      }
      // A hand-back that waited for the holder's last write goes now.
      if (writes_armed_ == 0) send_waiting_hand_backs(now, out);
      return;
    }
    case kHandBackTimer:
      send_hand_backs(false, now, out);
      return;
    default:
      LEASESIM_UNREACHABLE("unknown requestor timer");
  }
}

}  // namespace leasesim::raft_lease
