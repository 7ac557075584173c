#include "leasesim/protocols/session_lease/client.hpp"

#include <algorithm>

#include "leasesim/core/distributions.hpp"
#include "leasesim/protocols/raft_lease/messages.hpp"

namespace leasesim::session_lease {

Client::Client(const ClientConfig& config, Rng rng) : cfg_(config), rng_(rng) {
  LEASESIM_ASSERT(!cfg_.servers.empty(), "client without servers");
  LEASESIM_ASSERT(!cfg_.resources.empty() || cfg_.resource_range != 0, "client without resources");
  LEASESIM_ASSERT(cfg_.choice != ResourceChoice::kCycle, "session-lease has no cycle choice");
  LEASESIM_ASSERT(cfg_.keepalive_every > Duration::zero(), "keepalive interval must be positive");
}

void Client::set_timer(const LocalClocks& now, Duration after, TimerKind kind, uint64_t arg,
                       Effects& out) const {
  // Every timer but the write is the client's single one of its kind: a
  // write stays armed whatever happens after its check (the window a stale
  // write comes through).
  if (kind == kWorkWriteTimer)
    out.set_timer(ClockKind::kMonotonic, now.mono + after, kind, arg);
  else
    out.replace_timer(ClockKind::kMonotonic, now.mono + after, kind, arg);
}

void Client::note_server(NodeId from) {
  const auto it = std::find(cfg_.servers.begin(), cfg_.servers.end(), from);
  if (it != cfg_.servers.end()) target_ = static_cast<size_t>(it - cfg_.servers.begin());
}

TimePoint Client::deadline_for(TimePoint c) const {
  const Options& o = cfg_.options;
  if (o.local_timeout == LocalTimeout::kNone || c == TimePoint::max()) return kForever;
  if (o.jeopardy == Jeopardy::kStop) return c;
  if (o.expiry == ExpiryJudge::kServer) return kForever;
  return std::min(c + o.grace, kForever);
}

void Client::start(const LocalClocks& now, Effects& out) {
  target_ = static_cast<size_t>(rng_.below(cfg_.servers.size()));
  // Request ids carry a random prefix per incarnation, so a restarted
  // client's ids never match its predecessor's.
  next_request_ = (rng_.next_u64() & 0xFFFFFFFF00000000ULL) | 1;
  open_session(now, out);
  const Duration think = uniform_duration(rng_, cfg_.think_min, cfg_.think_max);
  set_timer(now, cfg_.start_after + think, kWakeTimer, 0, out);
}

// --- The session -------------------------------------------------------

void Client::open_session(const LocalClocks& now, Effects& out) {
  state_ = SessionState::kOpening;
  session_ = kNoSession;
  // The old session's locks end with it; nothing is left to hand back.
  hand_backs_.clear();
  // Nor do its not_ready refusals count against the new session's first.
  not_ready_since_ = TimePoint::max();
  out.cancel_timer(kHandBackTimer);
  c_ = TimePoint::min();
  grace_end_ = TimePoint::max();
  open_request_ = next_request_++;
  open_sent_ = now.mono;
  out.cancel_timer(kSessionTimer);
  send_open(now, out);
}

void Client::send_open(const LocalClocks& now, Effects& out) {
  Message& m = out.send(MsgType::kOpenSession, cfg_.self, target());
  m.set<SessionMsg>().request_id = open_request_;
  set_timer(now, cfg_.request_timeout, kOpenTimer, ++open_gen_, out);
}

void Client::send_keepalive(const LocalClocks& now, Effects& out) {
  const TimePoint t = now.mono;
  // KeepAlives have gone unanswered for request_timeout, counted from the
  // first one sent since the last answer: the server we talk to is
  // probably gone. (Not "no answer for keepalive_every": the next KeepAlive
  // is due keepalive_every after the last one's send, later than its answer
  // by less than a round trip, so any lateness of the timer would rotate
  // away from a leader that answers every time. Not from the last one
  // sent: with request_timeout > keepalive_every that wait never ends.)
  if (last_answer_ >= unanswered_since_) {
    unanswered_since_ = t;  // answered since: a new wait starts with this one
  } else if (t - unanswered_since_ >= cfg_.request_timeout) {
    next_server();
    unanswered_since_ = t;  // the next server gets a wait of its own
    not_ready_since_ = TimePoint::max();
  }
  const uint64_t id = next_request_++;
  const size_t slot = static_cast<size_t>(id % kRing);
  ka_ids_[slot] = id;
  ka_sent_[slot] = t;
  Message& m = out.send(MsgType::kKeepAlive, cfg_.self, target());
  SessionMsg& q = m.set<SessionMsg>();
  q.request_id = id;
  q.session = session_;
}

void Client::arm_session_timer(const LocalClocks& now, Effects& out) {
  (void)now;
  if (state_ == SessionState::kLive && c_ != TimePoint::max())
    out.replace_timer(ClockKind::kMonotonic, c_, kSessionTimer);
  else if (state_ == SessionState::kJeopardy && grace_end_ != TimePoint::max())
    out.replace_timer(ClockKind::kMonotonic, grace_end_, kSessionTimer);
  else
    out.cancel_timer(kSessionTimer);
}

void Client::advance(const LocalClocks& now, Effects& out) {
  const TimePoint t = now.mono;
  if (state_ == SessionState::kLive && t >= c_) {
    state_ = SessionState::kJeopardy;
    grace_end_ =
        cfg_.options.expiry == ExpiryJudge::kClient ? c_ + cfg_.options.grace : TimePoint::max();
    out.emit(obs::SessionState{session_, SessionView::kJeopardy, std::min(grace_end_, kForever),
                               ClockKind::kMonotonic, SessionLoss::kNone});
    arm_session_timer(now, out);
  }
  if (believing_ && t >= belief_deadline_) end_belief(BeliefEndReason::kExpired, out);
  if (state_ == SessionState::kJeopardy && t >= grace_end_)
    session_lost(SessionLoss::kTimedOut, now, out);
}

void Client::session_lost(SessionLoss why, const LocalClocks& now, Effects& out) {
  out.emit(
      obs::SessionState{session_, SessionView::kLost, TimePoint(), ClockKind::kMonotonic, why});
  // The session's locks are gone with it (or will be, at the server).
  end_belief(
      why == SessionLoss::kToldExpired ? BeliefEndReason::kRevoked : BeliefEndReason::kExpired,
      out);
  if (phase_ == Phase::kHolding || phase_ == Phase::kAcquiring) {
    if (phase_ == Phase::kHolding) ++holds_;
    wait_then_want(cfg_.backoff_min, cfg_.backoff_max, now, out);
  } else if (phase_ == Phase::kReleasing) {
    wait_then_want(cfg_.think_min, cfg_.think_max, now, out);
  }
  open_session(now, out);
}

void Client::emit_safe(Effects& out) const {
  out.emit(obs::SessionState{session_, SessionView::kSafe, std::min(c_, kForever),
                             ClockKind::kMonotonic, SessionLoss::kNone});
}

void Client::on_opened(const Message& m, const LocalClocks& now, Effects& out) {
  const SessionMsg& p = m.as<SessionMsg>();
  if (state_ != SessionState::kOpening || p.request_id != open_request_) return;
  const TimePoint t = now.mono;
  note_server(m.from);
  out.cancel_timer(kOpenTimer);
  session_ = p.session;
  state_ = SessionState::kLive;
  c_ = local_deadline(cfg_.options, open_sent_, t, p.timeout);
  last_answer_ = t;
  ka_ids_.fill(0);
  // A session that opened too slowly to be safe at all goes straight to
  // jeopardy (advance()), with no safe state before it.
  if (c_ > t) emit_safe(out);
  set_timer(now, cfg_.keepalive_every, kKeepAliveTimer, 0, out);
  arm_session_timer(now, out);
  advance(now, out);
  if (state_ == SessionState::kLive && phase_ == Phase::kWaiting) {
    phase_ = Phase::kAcquiring;
    request_ = next_request_++;
    send_acquire(now, out);
  }
}

void Client::on_keepalive_ok(const Message& m, const LocalClocks& now, Effects& out) {
  const SessionMsg& p = m.as<SessionMsg>();
  if (p.session != session_ || (state_ != SessionState::kLive && state_ != SessionState::kJeopardy))
    return;
  const size_t slot = static_cast<size_t>(p.request_id % kRing);
  if (ka_ids_[slot] != p.request_id || p.request_id == 0) return;  // unknown or too old
  const TimePoint t = now.mono;
  last_answer_ = t;
  not_ready_since_ = TimePoint::max();
  note_server(m.from);
  const TimePoint c = local_deadline(cfg_.options, ka_sent_[slot], t, p.timeout);
  if (c > c_) c_ = c;
  if (state_ == SessionState::kJeopardy && c_ > t) {
    state_ = SessionState::kLive;
    grace_end_ = TimePoint::max();
    emit_safe(out);
    if (phase_ == Phase::kHolding && !believing_) begin_belief(now, out);
    if (phase_ == Phase::kWaiting) {
      phase_ = Phase::kAcquiring;
      request_ = next_request_++;
      send_acquire(now, out);
    }
  }
  if (believing_) {
    const TimePoint d = deadline_for(c_);
    if (d > belief_deadline_) {
      belief_deadline_ = d;
      out.emit(obs::BeliefExtend{resource_, lease_, belief_deadline_});
    }
  }
  arm_session_timer(now, out);
}

void Client::on_expired(const Message& m, const LocalClocks& now, Effects& out) {
  const SessionMsg& p = m.as<SessionMsg>();
  if (p.session != session_ || (state_ != SessionState::kLive && state_ != SessionState::kJeopardy))
    return;
  session_lost(SessionLoss::kToldExpired, now, out);
}

// --- Locks -------------------------------------------------------------

void Client::wait_then_want(Duration lo, Duration hi, const LocalClocks& now, Effects& out) {
  phase_ = Phase::kIdle;
  out.cancel_timer(kRequestTimer);
  out.cancel_timer(kRetryTimer);
  out.cancel_timer(kHoldEndTimer);
  out.cancel_timer(kWorkCheckTimer);
  set_timer(now, uniform_duration(rng_, lo, hi), kWakeTimer, 0, out);
}

void Client::want(const LocalClocks& now, Effects& out) {
  if (cfg_.max_holds != 0 && holds_ >= cfg_.max_holds) {
    phase_ = Phase::kDone;
    return;
  }
  resource_ = cfg_.choice == ResourceChoice::kFixed
                  ? resource_at(0)
                  : resource_at(static_cast<size_t>(rng_.below(resource_count())));
  out.emit(obs::Want{resource_});
  if (state_ != SessionState::kLive) {
    phase_ = Phase::kWaiting;  // acquire once the session is live
    return;
  }
  phase_ = Phase::kAcquiring;
  request_ = next_request_++;
  send_acquire(now, out);
}

void Client::send_acquire(const LocalClocks& now, Effects& out) {
  Message& m = out.send(MsgType::kAcquire, cfg_.self, target());
  m.resource = resource_;
  SessionMsg& q = m.set<SessionMsg>();
  q.request_id = request_;
  q.attempt = ++send_gen_;  // the request timer's generation too
  q.session = session_;
  sent_to_ = target_;
  out.cancel_timer(kRetryTimer);
  set_timer(now, cfg_.request_timeout, kRequestTimer, send_gen_, out);
}

void Client::send_release(const LocalClocks& now, Effects& out) {
  Message& m = out.send(MsgType::kRelease, cfg_.self, target());
  m.resource = resource_;
  SessionMsg& q = m.set<SessionMsg>();
  q.request_id = request_;
  q.attempt = ++send_gen_;  // the request timer's generation too
  q.session = session_;
  sent_to_ = target_;
  q.lease = lease_;
  out.cancel_timer(kRetryTimer);
  set_timer(now, cfg_.request_timeout, kRequestTimer, send_gen_, out);
}

void Client::hand_back(ResourceId resource, LeaseId lease, const LocalClocks& now, Effects& out) {
  const std::pair<ResourceId, LeaseId> lock{resource, lease};
  if (std::find(hand_backs_.begin(), hand_backs_.end(), lock) == hand_backs_.end())
    hand_backs_.push_back(lock);
  send_hand_back(resource, lease, out);
  // Sent again until the master answers it (on_released) or the session
  // ends: a lost hand-back would leave the lock to this session for as long
  // as its KeepAlives keep it alive.
  set_timer(now, cfg_.request_timeout, kHandBackTimer, 0, out);
}

void Client::send_hand_back(ResourceId resource, LeaseId lease, Effects& out) {
  Message& m = out.send(MsgType::kRelease, cfg_.self, target());
  m.resource = resource;
  SessionMsg& q = m.set<SessionMsg>();
  q.request_id = next_request_++;
  q.session = session_;
  q.lease = lease;
}

void Client::resend(const LocalClocks& now, Effects& out) {
  if (phase_ == Phase::kAcquiring)
    send_acquire(now, out);
  else if (phase_ == Phase::kReleasing)
    send_release(now, out);
}

void Client::begin_belief(const LocalClocks& now, Effects& out) {
  const TimePoint d = deadline_for(c_);
  if (d <= now.mono) return;
  belief_deadline_ = d;
  believing_ = true;
  out.emit(obs::BeliefBegin{resource_, lease_, token_, d, ClockKind::kMonotonic});
}

void Client::end_belief(BeliefEndReason why, Effects& out) {
  if (!believing_) return;
  believing_ = false;
  out.emit(obs::BeliefEnd{resource_, lease_, why});
}

void Client::release_lock(BeliefEndReason why, const LocalClocks& now, Effects& out) {
  // Stop acting as holder *before* asking for the release.
  end_belief(why, out);
  work_allowed_ = false;
  ++holds_;
  out.cancel_timer(kHoldEndTimer);
  out.cancel_timer(kWorkCheckTimer);
  phase_ = Phase::kReleasing;
  request_ = next_request_++;
  send_release(now, out);
}

void Client::on_granted(const Message& m, const LocalClocks& now, Effects& out) {
  const SessionMsg& p = m.as<SessionMsg>();
  if (p.session != session_ || session_ == kNoSession) return;  // a lost session's: gone with it
  if (phase_ != Phase::kAcquiring || p.request_id != request_) {
    // Not the answer awaited. The lock it holds, answered again (a retry):
    // its own. Any other lock granted to this session (a duplicated Acquire
    // that reached the master after a release) would stay held as long as
    // the session lives: hand it back, as a client that finds a lock it
    // did not mean to take does (Curator's protection mode).
    const bool own = (phase_ == Phase::kHolding || phase_ == Phase::kReleasing) &&
                     m.resource == resource_ && p.lease == lease_;
    if (!own) hand_back(m.resource, p.lease, now, out);
    return;
  }
  note_server(m.from);
  out.cancel_timer(kRequestTimer);
  out.cancel_timer(kRetryTimer);
  lease_ = p.lease;
  token_ = p.token;
  ++hold_gen_;
  phase_ = Phase::kHolding;
  work_allowed_ = true;
  if (state_ == SessionState::kLive) begin_belief(now, out);
  if (!believing_) {
    // Granted to a session in jeopardy, or too late to be of use.
    release_lock(BeliefEndReason::kReleased, now, out);
    --holds_;  // not a hold
    return;
  }
  if (cfg_.hold_min != Duration::max())
    set_timer(now, uniform_duration(rng_, cfg_.hold_min, cfg_.hold_max), kHoldEndTimer, hold_gen_,
              out);
  if (cfg_.storage != kInvalidNode && cfg_.write_every > Duration::zero())
    set_timer(now, cfg_.write_every, kWorkCheckTimer, hold_gen_, out);
}

void Client::on_denied(const Message& m, const LocalClocks& now, Effects& out) {
  const SessionMsg& p = m.as<SessionMsg>();
  const bool own = (phase_ == Phase::kHolding || phase_ == Phase::kReleasing) &&
                   m.resource == resource_ && p.lease == lease_;
  // While this lock's Acquire is open, a refusal of an older Acquire of it
  // may name the lease that answers the open one, its Granted still on the
  // way (messages overtake each other): handing that back would free a
  // lock this client is about to believe. The open Acquire's own answer
  // settles it: its Granted, or a refusal that names a lease of some
  // earlier request (a retry of a granted request is answered Granted).
  const bool may_answer_open =
      phase_ == Phase::kAcquiring && m.resource == resource_ && p.request_id != request_;
  if (p.error == ErrorCode::kHeld && p.holder == cfg_.self && p.session == session_ &&
      session_ != kNoSession && p.lease != kNoLease && !own && !may_answer_open) {
    // Held by this very session under a lease it never learned (the Granted
    // of an earlier request was lost): hand it back, or the session would
    // hold it for as long as it lives.
    hand_back(m.resource, p.lease, now, out);
  }
  if (p.error == ErrorCode::kNotReady && m.from == target() && p.session == session_ &&
      session_ != kNoSession && is_keepalive(p.request_id)) {
    // A master taking over is alive and will answer once ready: the next
    // KeepAlive stays with it (the silence rule of send_keepalive() would
    // move on to a server that may be down, and the session could be lost
    // for want of an answer the ready master would have given). But one cut
    // off before it became ready may never be (without check_quorum it
    // stays leader): refusals count as answers for request_timeout from the
    // first, then the silence rule applies again.
    if (not_ready_since_ == TimePoint::max()) not_ready_since_ = now.mono;
    if (now.mono - not_ready_since_ < cfg_.request_timeout) last_answer_ = now.mono;
    return;
  }
  if (p.request_id != request_) return;  // an old request: the open one's answer settles it
  // A refusal made at once names the send it answers (its attempt) and
  // says what that send found when it arrived: a master not ready yet, a
  // lock held or blocked then. It counts only if it answers the latest send
  // (see on_redirect()). One of an earlier send would end the acquire while
  // the latest send's answer is still to come, and that may be a grant (the
  // holder released meanwhile), which would reach a client no longer
  // waiting for it: granted, handed back, and asked for anew after a
  // backoff. A refusal at commit (attempt 0) answers the request as logged,
  // whichever send it came by, and always counts.
  if (p.attempt != 0 && p.attempt != send_gen_) return;
  if (phase_ == Phase::kAcquiring) {
    if (p.error == ErrorCode::kNotReady) {
      // A master not ready yet says nothing of the request: an earlier
      // master may have granted it, and the log will replay that grant to
      // this session. Ask again with the same request, which the ready
      // master answers Granted if so; a new request would leave such a
      // grant to the session, unknown to its client.
      out.cancel_timer(kRequestTimer);
      set_timer(now, cfg_.backoff_min, kRetryTimer, ++send_gen_, out);
      return;
    }
    wait_then_want(cfg_.backoff_min, cfg_.backoff_max, now, out);
  } else if (phase_ == Phase::kReleasing) {
    // Refused (a new master not ready yet): not released. Ask again a
    // little later, as a redirect without a leader does.
    out.cancel_timer(kRequestTimer);
    set_timer(now, cfg_.backoff_min, kRetryTimer, ++send_gen_, out);
  }
}

void Client::on_redirect(const Message& m, const LocalClocks& now, Effects& out) {
  const SessionMsg& p = m.as<SessionMsg>();
  const auto it = std::find(cfg_.servers.begin(), cfg_.servers.end(), p.leader_hint);
  const bool known = it != cfg_.servers.end() && p.leader_hint != m.from;
  // A redirect is an answer: a live server told us where to go, so the
  // silence rule of send_keepalive() must not send the next KeepAlive past
  // the leader it named.
  last_answer_ = now.mono;
  if (known)
    target_ = static_cast<size_t>(it - cfg_.servers.begin());
  else if (target() == m.from)
    next_server();
  if (state_ == SessionState::kOpening && p.request_id == open_request_) {
    if (known) send_open(now, out);
    return;  // else the open timer tries the next server
  }
  if (p.request_id != request_ || (phase_ != Phase::kAcquiring && phase_ != Phase::kReleasing))
    return;  // a KeepAlive: the next one goes to the new target
  // Only the answer to the latest send, and only while nothing else has
  // been done about it, asks again: a duplicated answer, or one that a
  // later send's timeout overtook, names a send the client no longer waits
  // on (a retry is armed, or a newer send is out). Acted on, each such
  // answer started a retry chain of its own beside the one already
  // running, and with backoff_min 0 and duplication the chains multiplied
  // at every round trip until the run stopped at the pending-event limit.
  if (p.attempt != send_gen_) return;
  if (known) {
    resend(now, out);
  } else {
    // No leader known (an election is under way): retry a little later.
    out.cancel_timer(kRequestTimer);
    set_timer(now, cfg_.backoff_min, kRetryTimer, ++send_gen_, out);
  }
}

void Client::on_released(const Message& m, const LocalClocks& now, Effects& out) {
  const SessionMsg& p = m.as<SessionMsg>();
  const auto handed = std::find(hand_backs_.begin(), hand_backs_.end(),
                                std::pair<ResourceId, LeaseId>{m.resource, p.lease});
  if (handed != hand_backs_.end()) {
    hand_backs_.erase(handed);
    if (hand_backs_.empty()) out.cancel_timer(kHandBackTimer);
  }
  if (phase_ != Phase::kReleasing || p.request_id != request_) return;
  wait_then_want(cfg_.think_min, cfg_.think_max, now, out);
}

void Client::on_write_reply(const Message& m, const LocalClocks& now, Effects& out) {
  const raft_lease::LeaseMsg& p = m.as<raft_lease::LeaseMsg>();
  // Fenced, or told the sequencer is not current: the lock is no longer
  // ours to act on; hand it back. `unavailable` says nothing about it.
  if (phase_ == Phase::kHolding && !p.success && p.lease == lease_ &&
      p.error != ErrorCode::kUnavailable)
    release_lock(BeliefEndReason::kFenced, now, out);
}

void Client::on_message(const Message& m, const LocalClocks& now, Effects& out) {
  advance(now, out);
  switch (type_of(m)) {
    case MsgType::kSessionOpened:
      on_opened(m, now, out);
      return;
    case MsgType::kKeepAliveOk:
      on_keepalive_ok(m, now, out);
      return;
    case MsgType::kSessionExpired:
      on_expired(m, now, out);
      return;
    case MsgType::kGranted:
      on_granted(m, now, out);
      return;
    case MsgType::kDenied:
      on_denied(m, now, out);
      return;
    case MsgType::kRedirect:
      on_redirect(m, now, out);
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

void Client::on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) {
  advance(now, out);
  const TimePoint l = now.mono;
  switch (t.kind) {
    case kWakeTimer:
      if (phase_ == Phase::kIdle) want(now, out);
      return;
    case kOpenTimer:
      if (state_ == SessionState::kOpening && t.arg == open_gen_) {
        next_server();
        send_open(now, out);
      }
      return;
    case kRequestTimer:
      if (t.arg != send_gen_) return;
      // The latest send went unanswered: try the next server, unless an
      // answer since (a late redirect naming the leader, a KeepAlive's)
      // already pointed elsewhere. A late answer asks nothing again
      // (on_redirect()), so its hint is followed here.
      if (phase_ == Phase::kAcquiring) {
        if (target_ == sent_to_) next_server();
        send_acquire(now, out);
      } else if (phase_ == Phase::kReleasing) {
        // Retried for as long as the session lives: the KeepAlives keep it
        // alive, so giving up would leave the lock to a session nobody uses
        // (a lost session ends the release: session_lost()).
        if (target_ == sent_to_) next_server();
        send_release(now, out);
      }
      return;
    case kRetryTimer:
      if (t.arg == send_gen_) resend(now, out);
      return;
    case kKeepAliveTimer:
      if (state_ == SessionState::kLive || state_ == SessionState::kJeopardy) {
        send_keepalive(now, out);
        set_timer(now, cfg_.keepalive_every, kKeepAliveTimer, 0, out);
      }
      return;
    case kSessionTimer:
      arm_session_timer(now, out);  // advance() above did the work
      return;
    case kHandBackTimer:
      if (hand_backs_.empty() || session_ == kNoSession) return;
      for (const auto& [resource, lease] : hand_backs_) send_hand_back(resource, lease, out);
      set_timer(now, cfg_.request_timeout, kHandBackTimer, 0, out);
      return;
    case kHoldEndTimer:
      if (phase_ == Phase::kHolding && t.arg == hold_gen_)
        release_lock(BeliefEndReason::kReleased, now, out);
      return;
    case kWorkCheckTimer:
      if (phase_ != Phase::kHolding || t.arg != hold_gen_) return;
      if (believing_ && l < belief_deadline_) {
        out.emit(obs::WorkCheck{resource_, lease_, token_});
        set_timer(now, cfg_.check_to_write, kWorkWriteTimer, hold_gen_, out);
      }
      set_timer(now, cfg_.write_every, kWorkCheckTimer, hold_gen_, out);
      return;
    case kWorkWriteTimer: {
      // The write goes out without looking at the lock again: whatever
      // happened since the check (a pause, jeopardy) is not noticed.
      if (t.arg != hold_gen_ || !work_allowed_) return;
      Message& m = out.send(MsgType::kWrite, cfg_.self, cfg_.storage);
      m.resource = resource_;
      raft_lease::LeaseMsg& q = m.set<raft_lease::LeaseMsg>();
      q.token = token_;
      q.lease = lease_;
      q.request_id = next_request_++;
      out.emit(obs::WriteSent{resource_, lease_, token_, q.request_id});
      return;
    }
    default:
      LEASESIM_UNREACHABLE("unknown client timer");
  }
}

}  // namespace leasesim::session_lease
