// SessionServer: a Raft server with the session machine; the machine's
// replicated part, what it records, and its leadership hooks.
#include <algorithm>

#include "leasesim/protocols/session_lease/server.hpp"

namespace leasesim::session_lease {

raft::Config raft_config(const ServerConfig& c) {
  raft::Config r;
  r.settings() = c.core;
  r.self = c.self;
  r.servers = c.servers;
  r.check_quorum = c.options.check_quorum;
  r.msg_base = kRaftMsgBase;
  return r;
}

SessionServer::SessionServer(const ServerConfig& config, ServerDisk& disk, Rng rng)
    : machine_(config, core_), core_(raft_config(config), disk, rng, machine_) {}

SessionMachine::SessionMachine(const ServerConfig& config, raft::Server& core)
    : cfg_(config), core_(core), table_(config.resources) {
  pending_.resize(cfg_.resources);
  validating_.resize(cfg_.resources);
  grant_block_.resize(cfg_.resources, TimePoint::min());
}

TimePoint SessionMachine::expiry_of(SessionId id) const {
  for (const Tracked& s : tracked_)
    if (s.id == id) return s.expiry;
  return TimePoint::min();
}

SessionMachine::Tracked* SessionMachine::tracked(SessionId id) {
  const auto it = std::lower_bound(tracked_.begin(), tracked_.end(), id,
                                   [](const Tracked& s, SessionId v) { return s.id < v; });
  return it != tracked_.end() && it->id == id ? &*it : nullptr;
}

void SessionMachine::track(const Session& s, TimePoint expiry, Effects& out) {
  Tracked t;
  t.id = s.id;
  t.client = s.client;
  t.timeout = s.timeout;
  t.expiry = expiry;
  for (ResourceId r = 0; r < table_.resources(); ++r)
    if (table_.lock(r).session == s.id) t.held.push_back(r);
  const auto it = std::lower_bound(tracked_.begin(), tracked_.end(), s.id,
                                   [](const Tracked& x, SessionId v) { return x.id < v; });
  arm_expiry(*tracked_.insert(it, std::move(t)), out);
}

void SessionMachine::untrack(SessionId id) {
  const auto it = std::lower_bound(tracked_.begin(), tracked_.end(), id,
                                   [](const Tracked& s, SessionId v) { return s.id < v; });
  if (it != tracked_.end() && it->id == id) tracked_.erase(it);
}

void SessionMachine::on_leader_start(const LocalClocks&, Effects&) {
  tracked_.clear();
  keepalives_.clear();
  opening_.clear();
  std::fill(pending_.begin(), pending_.end(), Pending{});
  std::fill(validating_.begin(), validating_.end(), Validating{});
  std::fill(grant_block_.begin(), grant_block_.end(), TimePoint::min());
}

void SessionMachine::on_leader_end(const LocalClocks&, Effects&) {
  tracked_.clear();
  keepalives_.clear();
  opening_.clear();
  std::fill(pending_.begin(), pending_.end(), Pending{});
  std::fill(validating_.begin(), validating_.end(), Validating{});
}

raft::ApplyResult SessionMachine::apply(LogIndex index, const LogEntry& e) {
  const Outcome o = table_.apply(index, e, &freed_);
  return raft::ApplyResult{static_cast<uint32_t>(o), 0};
}

void SessionMachine::on_applied(LogIndex index, const LogEntry& entry, raft::ApplyResult result,
                                const LocalClocks& now, Effects& out) {
  if (core_.role() != Role::kLeader) return;
  const auto outcome = static_cast<Outcome>(result.outcome);
  if (!core_.ready()) {
    // Entries of earlier terms, committed with our no-op: their leader may
    // have died before learning they committed, so nobody else may ever
    // record them. on_ready then extends every session.
    record_replayed(index, entry, outcome, now, out);
    return;
  }
  applied_as_leader(index, entry, outcome, now, out);
}

void SessionMachine::record_freed(LogIndex index, FreeReason why, Effects& out) {
  for (const auto& [r, lease] : freed_) out.emit(obs::LeaseFreed{r, lease, why, index});
}

void SessionMachine::record_replayed(LogIndex index, const LogEntry& entry, Outcome outcome,
                                     const LocalClocks& now, Effects& out) {
  const Command& c = entry.command<Command>();
  switch (outcome) {
    case Outcome::kOpened:
      // on_ready, in this same step, gives it a full timeout from now.
      out.emit(obs::SessionBegin{index, c.client, c.timeout, now.mono + c.timeout});
      return;
    case Outcome::kGranted: {
      const Session* s = table_.find(c.session);
      out.emit(obs::LeaseGranted{c.resource, index, c.client, index,
                                 s != nullptr ? s->timeout : Duration::zero(), index});
      return;
    }
    case Outcome::kExpired:
      out.emit(obs::SessionEnd{c.session, c.client, SessionEndReason::kExpired});
      record_freed(index, FreeReason::kExpired, out);
      return;
    case Outcome::kReleased:
      record_freed(index, FreeReason::kReleased, out);
      return;
    default:
      return;  // no change; a validation is answered by its own leader
  }
}

void SessionMachine::on_ready(const LocalClocks& now, Effects& out) {
  const TimePoint t = now.mono;
  // Promises earlier leaders may have made that this one cannot see: a
  // lock-delay running since an expiry, a validity window storage is still
  // using.
  Duration wait = cfg_.options.lock_delay;
  if (cfg_.options.sequencer.check) wait = std::max(wait, cfg_.options.sequencer.window);
  grants_blocked_until_ = wait > Duration::zero() ? t + wait : TimePoint::min();
  // Every session gets a full timeout from now: no earlier master can have
  // promised more than its last extension + timeout, and every extension
  // it made was confirmed by a read barrier stamped before our election.
  tracked_.clear();
  for (const Session& s : table_.sessions()) {
    track(s, t + s.timeout, out);
    out.emit(obs::SessionExtend{s.id, s.client, t + s.timeout, SessionExtendCause::kNewLeader});
    for (const ResourceId r : tracked_.back().held)
      out.emit(obs::LeaseRefreshed{r, table_.lock(r).lease, t + s.timeout});
  }
}

void SessionMachine::applied_as_leader(LogIndex index, const LogEntry& entry, Outcome outcome,
                                       const LocalClocks& now, Effects& out) {
  const Command& c = entry.command<Command>();
  const bool own_term = entry.term == core_.term();
  const TimePoint t = now.mono;
  switch (type_of(entry)) {
    case EntryType::kOpen: {
      std::erase_if(opening_, [&c](const Opening& o) {
        return o.client == c.client && o.request_id == c.request_id;
      });
      const Session* s = table_.find(index);
      if (s == nullptr) return;
      out.emit(obs::SessionBegin{index, c.client, s->timeout, t + s->timeout});
      track(*s, t + s->timeout, out);
      SessionMsg& m = reply(MsgType::kSessionOpened, c.client, kNoResource, out);
      m.request_id = c.request_id;
      m.session = index;
      m.timeout = s->timeout;
      return;
    }
    case EntryType::kExpire:
      if (outcome == Outcome::kExpired) {
        out.emit(obs::SessionEnd{c.session, c.client, SessionEndReason::kExpired});
        record_freed(index, FreeReason::kExpired, out);
        // Lock-delay: the holder stopped renewing (crashed, paused, cut
        // off) and may still act; a release would have stopped it first.
        if (cfg_.options.lock_delay > Duration::zero())
          for (const auto& [r, lease] : freed_)
            grant_block_[r] = std::max(grant_block_[r], t + cfg_.options.lock_delay);
      }
      untrack(c.session);
      return;
    case EntryType::kAcquire: {
      if (c.resource >= cfg_.resources) return;
      Pending& p = pending_[c.resource];
      if (own_term && p.busy && p.client == c.client && p.request_id == c.request_id) p = Pending{};
      if (outcome == Outcome::kGranted) {
        const Session* s = table_.find(c.session);
        const Duration timeout = s != nullptr ? s->timeout : Duration::zero();
        out.emit(obs::LeaseGranted{c.resource, index, c.client, index, timeout, index});
        if (Tracked* tr = tracked(c.session)) tr->held.push_back(c.resource);
        SessionMsg& m = reply(MsgType::kGranted, c.client, c.resource, out);
        m.request_id = c.request_id;
        m.session = c.session;
        m.lease = index;
        m.token = index;
        m.timeout = timeout;
      } else {
        SessionMsg& m = reply(MsgType::kDenied, c.client, c.resource, out);
        m.request_id = c.request_id;
        m.session = c.session;
        m.error = table_.find(c.session) == nullptr ? ErrorCode::kExpired : ErrorCode::kHeld;
        m.holder = table_.lock(c.resource).holder;
      }
      return;
    }
    case EntryType::kRelease: {
      if (c.resource >= cfg_.resources) return;
      if (own_term) pending_[c.resource] = Pending{};
      if (outcome == Outcome::kReleased) {
        record_freed(index, FreeReason::kReleased, out);
        if (Tracked* tr = tracked(c.session)) std::erase(tr->held, c.resource);
      }
      SessionMsg& m = reply(MsgType::kReleased, c.client, c.resource, out);
      m.request_id = c.request_id;
      m.lease = c.lease;
      return;
    }
    case EntryType::kValidate: {
      Validating& v = validating_[c.resource];
      if (own_term && v.storage == c.client && v.request_id == c.request_id)
        v = Validating{};  // answered now; a later copy is logged again
      answer_validation(c, outcome, now, out);
      return;
    }
    case EntryType::kNoop:
    case EntryType::kCount:
      return;
  }
}

void SessionMachine::answer_validation(const Command& c, Outcome outcome, const LocalClocks& now,
                                       Effects& out) {
  const bool valid = outcome == Outcome::kValid;
  if (valid) {
    // The window starts now, after the commit: storage counts it from its
    // send, which came before, so its window closes first.
    TimePoint& block = grant_block_[c.resource];
    block = std::max(block, now.mono + c.timeout);
  }
  out.emit(Validated{c.resource, c.lease, valid, valid ? c.timeout : Duration::zero()});
  Message& m = out.send(MsgType::kValidated, core_.self(), c.client);
  m.resource = c.resource;
  raft_lease::LeaseMsg& a = m.set<raft_lease::LeaseMsg>();
  a.lease = c.lease;
  a.token = c.lease;
  a.request_id = c.request_id;
  a.success = valid;
  if (valid)
    a.ttl = c.timeout;
  else
    a.error = ErrorCode::kUnknownLease;
}

}  // namespace leasesim::session_lease
