// The leader's lease logic: acquire, renew, release, validate, expiry,
// failover.
#include <algorithm>

#include "leasesim/protocols/raft_lease/lease_server.hpp"

namespace leasesim::raft_lease {

LeaseMsg& LeaseMachine::reply(MsgType type, NodeId to, ResourceId resource, Effects& out) const {
  Message& m = out.send(type, core_.self(), to);
  m.resource = resource;
  return m.set<LeaseMsg>();
}

void LeaseMachine::propose(EntryType type, const LeaseCommand& c, const LocalClocks& now,
                           Effects& out) {
  core_.propose(static_cast<uint16_t>(type), c, now, out);
}

void LeaseMachine::deny(const Message& m, ErrorCode error, NodeId holder, Effects& out) {
  const LeaseMsg& q = m.as<LeaseMsg>();
  out.emit(Reject{type_of(m), m.resource, error, q.lease});
  LeaseMsg& r = reply(MsgType::kDenied, m.from, m.resource, out);
  r.request_id = q.request_id;
  r.attempt = q.attempt;
  r.lease = q.lease;
  r.error = error;
  r.holder = holder;
}

void LeaseMachine::on_message(const Message& m, const LocalClocks& now, Effects& out) {
  switch (type_of(m)) {
    case MsgType::kAcquire:
    case MsgType::kRenew:
    case MsgType::kRelease:
    case MsgType::kValidate:
      on_client_request(m, now, out);
      return;
    default:
      return;  // not for a server (e.g. a misdirected reply): ignore
  }
}

void LeaseMachine::on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) {
  LEASESIM_ASSERT(t.kind == kExpiryTimer, "unknown server timer");
  on_expiry_timer(t.arg, now, out);
}

void LeaseMachine::on_client_request(const Message& m, const LocalClocks& now, Effects& out) {
  // Past its quorum deadline a leader must not answer anything from its own
  // state (a memory renewal): it may be deposed already.
  if (!core_.confirm_leadership(now, out)) {
    LeaseMsg& r = reply(MsgType::kRedirect, m.from, m.resource, out);
    r.request_id = m.as<LeaseMsg>().request_id;
    r.attempt = m.as<LeaseMsg>().attempt;
    r.leader_hint = core_.leader();
    return;
  }
  if (m.resource >= cfg_.resources) return;  // not a resource of this core
  if (!core_.ready()) {
    deny(m, ErrorCode::kNotReady, kInvalidNode, out);
    return;
  }
  switch (type_of(m)) {
    case MsgType::kAcquire:
      on_acquire(m, now, out);
      return;
    case MsgType::kRenew:
      on_renew(m, now, out);
      return;
    case MsgType::kRelease:
      on_release(m, now, out);
      return;
    case MsgType::kValidate:
      on_validate(m, now, out);
      return;
    default:
      return;
  }
}

bool LeaseMachine::matches_request(const LeaseSlot& slot, const Message& m) const {
  if (slot.lease == kNoLease) return false;
  if (cfg_.options.keying == LeaseKeying::kResource) return true;
  return slot.lease == m.as<LeaseMsg>().lease && slot.holder == m.from;
}

void LeaseMachine::on_acquire(const Message& m, const LocalClocks& now, Effects& out) {
  const LeaseMsg& q = m.as<LeaseMsg>();
  const LeaseSlot& slot = table_.slot(m.resource);
  LeaderLease& l = leases_[m.resource];
  if (slot.lease != kNoLease && slot.holder == m.from && slot.request_id == q.request_id) {
    // A retry or duplicate of a request already granted: answer it again.
    LeaseMsg& r = reply(MsgType::kGranted, m.from, m.resource, out);
    r.request_id = q.request_id;
    r.lease = slot.lease;
    r.token = slot.token;
    r.ttl = slot.ttl;
    return;
  }
  if (l.pending && l.pending_holder == m.from && l.pending_request == q.request_id) {
    return;  // the same request is being replicated; its answer will come
  }
  if (slot.lease != kNoLease || l.pending) {
    deny(m, ErrorCode::kHeld, slot.lease != kNoLease ? slot.holder : l.pending_holder, out);
    return;
  }
  // Lock-delay, a validity window this leader granted, or a new leader's
  // wait: the resource is free but granted to no one yet.
  const TimePoint t = leader_now(now);
  if (t < grants_blocked_until_ || t < grant_block_[m.resource]) {
    deny(m, ErrorCode::kBlocked, kInvalidNode, out);
    return;
  }
  const Duration ttl = std::clamp(q.ttl, Duration(1), cfg_.max_ttl);
  LeaseCommand e;
  e.resource = m.resource;
  e.holder = m.from;
  e.ttl = ttl;
  e.wall_expiry = now.wall + ttl;
  e.request_id = q.request_id;
  l.pending = true;
  l.pending_holder = m.from;
  l.pending_request = q.request_id;
  const LogIndex index = core_.next_index();
  if (cfg_.options.grant_reply == GrantReply::kImmediate) {
    // Unsafe variant: promise the lease before a majority has it. Not a
    // committed change (index key 0): the entry may never commit.
    out.emit(obs::LeaseGranted{m.resource, index, m.from, index, ttl, 0});
    LeaseMsg& r = reply(MsgType::kGranted, m.from, m.resource, out);
    r.request_id = q.request_id;
    r.lease = index;
    r.token = index;
    r.ttl = ttl;
  }
  propose(EntryType::kGrant, e, now, out);
}

void LeaseMachine::on_renew(const Message& m, const LocalClocks& now, Effects& out) {
  const LeaseMsg& q = m.as<LeaseMsg>();
  const LeaseSlot& slot = table_.slot(m.resource);
  LeaderLease& l = leases_[m.resource];
  if (!matches_request(slot, m)) {
    const ErrorCode why = (slot.lease == q.lease && slot.lease != kNoLease)
                              ? ErrorCode::kNotHolder
                              : ErrorCode::kUnknownLease;
    deny(m, why, slot.holder, out);
    return;
  }
  const TimePoint t = leader_now(now);
  // A logged renewal accepted before expiry and still in flight keeps the
  // lease alive (its commit sets the new expiry), as in on_expiry_timer:
  // expiring under it would free the lease right after its RENEWED.
  if (l.pending || (t >= l.expiry && l.renews_in_flight == 0)) {
    // A late renewal loses the lease.
    deny(m, ErrorCode::kExpired, slot.holder, out);
    if (!l.pending) expire(m.resource, now, out);
    return;
  }
  if (cfg_.options.renewals == RenewalPath::kMemory) {
    l.expiry = t + slot.ttl;
    // Not a log entry: no index key.
    out.emit(obs::LeaseRenewed{m.resource, slot.lease, l.expiry, slot.ttl, 0});
    LeaseMsg& r = reply(MsgType::kRenewed, m.from, m.resource, out);
    r.request_id = q.request_id;
    r.lease = slot.lease;
    r.ttl = slot.ttl;
    arm_expiry(m.resource, out);
    return;
  }
  LeaseCommand e;
  e.resource = m.resource;
  e.holder = m.from;
  e.lease = cfg_.options.keying == LeaseKeying::kResource ? kNoLease : slot.lease;
  e.ttl = slot.ttl;
  e.wall_expiry = now.wall + slot.ttl;
  e.request_id = q.request_id;
  ++l.renews_in_flight;
  propose(EntryType::kRenew, e, now, out);
}

void LeaseMachine::on_release(const Message& m, const LocalClocks& now, Effects& out) {
  const LeaseMsg& q = m.as<LeaseMsg>();
  const LeaseSlot& slot = table_.slot(m.resource);
  LeaderLease& l = leases_[m.resource];
  if (!matches_request(slot, m)) {
    // Nothing of the sender's to release (the committed table says so):
    // done.
    LeaseMsg& r = reply(MsgType::kReleased, m.from, m.resource, out);
    r.request_id = q.request_id;
    r.lease = q.lease;
    return;
  }
  if (l.pending) {
    // The sender's lease is going (its release or its expiry is logged, not
    // yet committed): no answer. Answered now, the requestor would stop
    // asking; if this leader is deposed before the entry commits, the entry
    // is lost and the lease stays until its ttl runs out at the next leader.
    // A release's commit answers it; a retry after an expiry's commit, or
    // sent to the next leader, is answered from that table.
    return;
  }
  LeaseCommand e;
  e.resource = m.resource;
  e.holder = m.from;
  e.lease = cfg_.options.keying == LeaseKeying::kResource ? kNoLease : slot.lease;
  e.request_id = q.request_id;
  l.pending = true;
  l.pending_holder = slot.holder;
  l.pending_request = 0;
  propose(EntryType::kRelease, e, now, out);
}

void LeaseMachine::on_validate(const Message& m, const LocalClocks& now, Effects& out) {
  // Logged whatever the table says now: the answer must be the committed
  // state's (a deposed leader cannot commit, so it never answers), and a
  // later leader must see that a window may be open.
  const LeaseMsg& q = m.as<LeaseMsg>();
  LeaderLease& l = leases_[m.resource];
  // Already logged by this leader, not yet committed: its commit answers
  // this copy too (storage takes the first answer to a request id). A new
  // attempt of storage has a new request id and is logged afresh.
  if (l.validating_from == m.from && l.validating_request == q.request_id) return;
  LeaseCommand e;
  e.resource = m.resource;
  e.holder = m.from;
  e.lease = q.lease;
  e.ttl = cfg_.options.sequencer.window;
  e.request_id = q.request_id;
  l.validating_from = m.from;
  l.validating_request = q.request_id;
  propose(EntryType::kValidate, e, now, out);
}

void LeaseMachine::answer_validation(const LeaseCommand& e, ApplyOutcome outcome,
                                     const LocalClocks& now, Effects& out) {
  const bool valid = outcome == ApplyOutcome::kValidated;
  if (valid) {
    // The window starts now, after the commit: storage counts it from its
    // send, which came before, so its window closes first (drift margin).
    TimePoint& block = grant_block_[e.resource];
    block = std::max(block, leader_now(now) + e.ttl);
  }
  out.emit(Validated{e.resource, e.lease, valid, valid ? e.ttl : Duration::zero()});
  LeaseMsg& m = reply(MsgType::kValidated, e.holder, e.resource, out);
  m.lease = e.lease;
  m.token = e.lease;
  m.request_id = e.request_id;
  m.success = valid;
  if (valid)
    m.ttl = e.ttl;
  else
    m.error = ErrorCode::kUnknownLease;
}

void LeaseMachine::expire(ResourceId r, const LocalClocks& now, Effects& out) {
  const LeaseSlot& slot = table_.slot(r);
  LeaderLease& l = leases_[r];
  LeaseCommand e;
  e.resource = r;
  e.lease = slot.lease;
  l.pending = true;
  l.pending_holder = slot.holder;
  l.pending_request = 0;
  propose(EntryType::kExpire, e, now, out);
}

void LeaseMachine::arm_expiry(ResourceId r, Effects& out) {
  LeaderLease& l = leases_[r];
  // Timers are never cancelled: keep only the earliest one that matters
  // and re-arm when it fires early (the lease was renewed meanwhile).
  if (l.expiry < l.timer_due) {
    l.timer_due = l.expiry;
    out.set_timer(cfg_.options.leader_clock, l.expiry, kExpiryTimer, (core_.epoch() << 32) | r);
  }
}

void LeaseMachine::on_expiry_timer(uint64_t arg, const LocalClocks& now, Effects& out) {
  if (core_.role() != Role::kLeader || (arg >> 32) != (core_.epoch() & 0xffffffffULL)) return;
  const ResourceId r = static_cast<ResourceId>(arg & 0xffffffffULL);
  LeaderLease& l = leases_[r];
  const TimePoint t = leader_now(now);
  if (t < l.timer_due) return;  // superseded by an earlier timer still to come
  l.timer_due = TimePoint::max();
  if (table_.slot(r).lease == kNoLease || l.pending) return;
  // A logged renewal accepted before expiry is still in flight: its commit
  // sets the new expiry (and re-arms), so do not expire under it.
  if (l.renews_in_flight > 0) return;
  if (t >= l.expiry)
    expire(r, now, out);
  else
    arm_expiry(r, out);
}

}  // namespace leasesim::raft_lease
