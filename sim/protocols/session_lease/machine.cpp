// The master's session logic: open, keepalive (behind a read barrier),
// acquire, release, validate, session expiry.
#include <algorithm>

#include "leasesim/protocols/session_lease/server.hpp"

namespace leasesim::session_lease {

SessionMsg& SessionMachine::reply(MsgType type, NodeId to, ResourceId resource,
                                  Effects& out) const {
  Message& m = out.send(type, core_.self(), to);
  m.resource = resource;
  return m.set<SessionMsg>();
}

void SessionMachine::propose(EntryType type, const Command& c, const LocalClocks& now,
                             Effects& out) {
  core_.propose(static_cast<uint16_t>(type), c, now, out);
}

SessionMsg& SessionMachine::deny(const Message& m, ErrorCode error, NodeId holder, Effects& out) {
  const SessionMsg& q = m.as<SessionMsg>();
  out.emit(Reject{type_of(m), m.resource, error, q.session});
  SessionMsg& r = reply(MsgType::kDenied, m.from, m.resource, out);
  r.request_id = q.request_id;
  r.attempt = q.attempt;
  r.session = q.session;
  r.lease = q.lease;
  r.error = error;
  r.holder = holder;
  return r;
}

void SessionMachine::tell_expired(NodeId to, SessionId s, uint64_t request_id, Effects& out) const {
  SessionMsg& r = reply(MsgType::kSessionExpired, to, kNoResource, out);
  r.session = s;
  r.request_id = request_id;
}

bool SessionMachine::alive(SessionId id) {
  const Tracked* s = tracked(id);
  return s != nullptr && !s->expiring;
}

void SessionMachine::on_message(const Message& m, const LocalClocks& now, Effects& out) {
  switch (type_of(m)) {
    case MsgType::kOpenSession:
    case MsgType::kKeepAlive:
    case MsgType::kAcquire:
    case MsgType::kRelease:
      on_client_request(m, now, out);
      return;
    case MsgType::kValidate:
      on_storage_request(m, now, out);
      return;
    default:
      return;  // not for a server (a misdirected reply): ignore
  }
}

void SessionMachine::on_client_request(const Message& m, const LocalClocks& now, Effects& out) {
  // Past its quorum deadline a leader answers nothing from its own state.
  if (!core_.confirm_leadership(now, out)) {
    SessionMsg& r = reply(MsgType::kRedirect, m.from, m.resource, out);
    r.request_id = m.as<SessionMsg>().request_id;
    r.attempt = m.as<SessionMsg>().attempt;
    r.leader_hint = core_.leader();
    return;
  }
  if (m.resource != kNoResource && m.resource >= cfg_.resources) return;
  if (!core_.ready()) {
    deny(m, ErrorCode::kNotReady, kInvalidNode, out);
    return;
  }
  switch (type_of(m)) {
    case MsgType::kOpenSession:
      on_open(m, now, out);
      return;
    case MsgType::kKeepAlive:
      on_keepalive(m, now, out);
      return;
    case MsgType::kAcquire:
      on_acquire(m, now, out);
      return;
    case MsgType::kRelease:
      on_release(m, now, out);
      return;
    default:
      return;
  }
}

void SessionMachine::on_storage_request(const Message& m, const LocalClocks& now, Effects& out) {
  // raft-lease's storage sub-protocol: its payload, its answers.
  const raft_lease::LeaseMsg& q = m.as<raft_lease::LeaseMsg>();
  auto answer = [&](MsgType type) -> raft_lease::LeaseMsg& {
    Message& r = out.send(type, core_.self(), m.from);
    r.resource = m.resource;
    raft_lease::LeaseMsg& a = r.set<raft_lease::LeaseMsg>();
    a.request_id = q.request_id;
    a.attempt = q.attempt;  // which send it answers: storage acts on a redirect once
    a.lease = q.lease;
    return a;
  };
  if (!core_.confirm_leadership(now, out)) {
    answer(MsgType::kRedirect).leader_hint = core_.leader();
    return;
  }
  if (m.resource >= cfg_.resources) return;
  if (!core_.ready()) {
    answer(MsgType::kDenied).error = ErrorCode::kNotReady;
    return;
  }
  // Already logged by this leader, not yet committed: its commit answers
  // this copy too (storage takes the first answer to a request id). A new
  // attempt of storage, a write of another lease or a restarted storage
  // has a new request id and is logged afresh.
  Validating& v = validating_[m.resource];
  if (v.storage == m.from && v.request_id == q.request_id) return;
  v = Validating{m.from, q.request_id};
  // Logged whatever the table says now: the answer must be the committed
  // state's, and a later leader must see that a window may be open.
  Command c;
  c.resource = m.resource;
  c.client = m.from;
  c.lease = q.lease;
  c.timeout = cfg_.options.sequencer.window;
  c.request_id = q.request_id;
  propose(EntryType::kValidate, c, now, out);
}

void SessionMachine::on_open(const Message& m, const LocalClocks& now, Effects& out) {
  const SessionMsg& q = m.as<SessionMsg>();
  for (const Session& s : table_.sessions()) {
    if (s.client != m.from || s.request_id != q.request_id || !alive(s.id)) continue;
    // A retry of an open already committed: answer it again.
    SessionMsg& r = reply(MsgType::kSessionOpened, m.from, kNoResource, out);
    r.request_id = q.request_id;
    r.session = s.id;
    r.timeout = s.timeout;
    return;
  }
  for (const Opening& o : opening_)
    if (o.client == m.from && o.request_id == q.request_id) return;  // in flight
  opening_.push_back(Opening{m.from, q.request_id});
  Command c;
  c.client = m.from;
  c.request_id = q.request_id;
  c.timeout = cfg_.session_timeout;
  propose(EntryType::kOpen, c, now, out);
}

void SessionMachine::on_keepalive(const Message& m, const LocalClocks& now, Effects& out) {
  const SessionMsg& q = m.as<SessionMsg>();
  Tracked* s = tracked(q.session);
  if (s == nullptr || s->expiring || s->client != m.from) {
    tell_expired(m.from, q.session, q.request_id, out);
    return;
  }
  if (now.mono >= s->expiry) {
    // A late KeepAlive loses the session.
    tell_expired(m.from, q.session, q.request_id, out);
    expire(*s, now, out);
    return;
  }
  // Not logged, but only a leader that still leads when the request
  // arrived may extend: a read barrier stamped now.
  // A one-server core passes the barrier inside read_barrier(), before its
  // id is known here: the entry is queued first and takes the id after.
  keepalives_.push_back(KeepAlive{kUnassigned, q.session, m.from, q.request_id});
  const uint64_t read = core_.read_barrier(now, out);
  if (!keepalives_.empty() && keepalives_.back().read == kUnassigned)
    keepalives_.back().read = read;
}

void SessionMachine::on_read_ready(uint64_t read, const LocalClocks& now, Effects& out) {
  size_t kept = 0;
  for (size_t i = 0; i < keepalives_.size(); ++i) {
    const KeepAlive k = keepalives_[i];
    if (k.read != read && k.read != kUnassigned) {
      keepalives_[kept++] = k;
      continue;
    }
    Tracked* s = tracked(k.session);
    if (s == nullptr || s->expiring || now.mono >= s->expiry) {
      // Expired while the barrier ran (its expiry entry is proposed by the
      // timer, or already applied).
      tell_expired(k.client, k.session, k.request_id, out);
      continue;
    }
    s->expiry = std::max(s->expiry, now.mono + s->timeout);
    out.emit(obs::SessionExtend{s->id, s->client, s->expiry, SessionExtendCause::kKeepAlive});
    for (const ResourceId r : s->held)
      out.emit(obs::LeaseRenewed{r, table_.lock(r).lease, s->expiry, s->timeout, 0});
    arm_expiry(*s, out);
    SessionMsg& a = reply(MsgType::kKeepAliveOk, k.client, kNoResource, out);
    a.request_id = k.request_id;
    a.session = k.session;
    a.timeout = s->timeout;
  }
  keepalives_.resize(kept);
}

void SessionMachine::on_acquire(const Message& m, const LocalClocks& now, Effects& out) {
  const SessionMsg& q = m.as<SessionMsg>();
  const ResourceId r = m.resource;
  if (r == kNoResource) return;
  const Lock& lock = table_.lock(r);
  Pending& p = pending_[r];
  if (lock.session == q.session && lock.session != kNoSession && lock.holder == m.from &&
      lock.request_id == q.request_id) {
    // A retry of a grant already committed: answer it again.
    SessionMsg& a = reply(MsgType::kGranted, m.from, r, out);
    a.request_id = q.request_id;
    a.session = q.session;
    a.lease = lock.lease;
    a.token = lock.token;
    a.timeout = cfg_.session_timeout;
    return;
  }
  if (p.busy && p.client == m.from && p.request_id == q.request_id) return;  // in flight
  if (!alive(q.session) || tracked(q.session)->client != m.from) {
    deny(m, ErrorCode::kExpired, kInvalidNode, out);
    return;
  }
  if (lock.session != kNoSession || p.busy) {
    SessionMsg& refusal =
        deny(m, ErrorCode::kHeld, lock.session != kNoSession ? lock.holder : p.client, out);
    // The asking session holds it already, under another request (its
    // Granted was lost and it asks anew): say under which lease, so that
    // its client can hand it back; it never learned it.
    if (lock.session == q.session) refusal.lease = lock.lease;
    return;
  }
  // Lock-delay, a validity window, or a new master's wait.
  if (now.mono < grants_blocked_until_ || now.mono < grant_block_[r]) {
    deny(m, ErrorCode::kBlocked, kInvalidNode, out);
    return;
  }
  p = Pending{true, m.from, q.request_id};
  Command c;
  c.resource = r;
  c.session = q.session;
  c.client = m.from;
  c.request_id = q.request_id;
  propose(EntryType::kAcquire, c, now, out);
}

void SessionMachine::on_release(const Message& m, const LocalClocks& now, Effects& out) {
  const SessionMsg& q = m.as<SessionMsg>();
  const ResourceId r = m.resource;
  if (r == kNoResource) return;
  const Lock& lock = table_.lock(r);
  Pending& p = pending_[r];
  if (lock.session == kNoSession || lock.session != q.session || lock.lease != q.lease) {
    // Nothing of the sender's to release: done (the table is the committed
    // state).
    SessionMsg& a = reply(MsgType::kReleased, m.from, r, out);
    a.request_id = q.request_id;
    a.lease = q.lease;
    return;
  }
  // Its release is in flight (a lock held by a session has nothing else
  // pending): its commit answers. Answered Released now, the client would
  // stop asking, and if this master were deposed before the entry
  // committed, the lock would stay with the session, its KeepAlives keeping
  // it alive, for as long as the client runs.
  if (p.busy) return;
  p = Pending{true, m.from, 0};
  Command c;
  c.resource = r;
  c.session = q.session;
  c.lease = q.lease;
  c.client = m.from;
  c.request_id = q.request_id;
  propose(EntryType::kRelease, c, now, out);
}

void SessionMachine::expire(Tracked& s, const LocalClocks& now, Effects& out) {
  s.expiring = true;
  Command c;
  c.session = s.id;
  c.client = s.client;
  propose(EntryType::kExpire, c, now, out);
}

void SessionMachine::arm_expiry(Tracked& s, Effects& out) {
  // Timers are never cancelled: keep only the earliest one that matters
  // and re-arm when it fires early (the session was extended meanwhile).
  if (s.expiry < s.timer_due) {
    s.timer_due = s.expiry;
    out.set_timer(ClockKind::kMonotonic, s.expiry, kExpiryTimer,
                  ((core_.epoch() & 0xffffffULL) << 40) | (s.id & ((1ULL << 40) - 1)));
  }
}

void SessionMachine::on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) {
  LEASESIM_ASSERT(t.kind == kExpiryTimer, "unknown server timer");
  if (core_.role() != Role::kLeader || (t.arg >> 40) != (core_.epoch() & 0xffffffULL)) return;
  Tracked* s = tracked(t.arg & ((1ULL << 40) - 1));
  if (s == nullptr || now.mono < s->timer_due) return;  // gone, or an earlier timer is due
  s->timer_due = TimePoint::max();
  if (s->expiring) return;
  if (now.mono >= s->expiry)
    expire(*s, now, out);
  else
    arm_expiry(*s, out);
}

}  // namespace leasesim::session_lease
