// The leader's lease logic: acquire, renew, release, expiry, failover.
#include <algorithm>

#include "leasesim/protocol/lease_server.hpp"

namespace leasesim {

void LeaseServer::deny(const Message& m, ErrorCode error, NodeId holder, Effects& out) {
  out.emit(raft_obs::Reject{m.type, m.resource, error, m.lease});
  Message& r = out.send(MsgType::kDenied, cfg_.self, m.from);
  r.resource = m.resource;
  r.request_id = m.request_id;
  r.lease = m.lease;
  r.error = error;
  r.holder = holder;
}

void LeaseServer::on_client_request(const Message& m, const LocalClocks& now, Effects& out) {
  // Past its quorum deadline a leader must not answer anything from its own
  // state (a memory renewal): it may be deposed already. The timer usually
  // gets there first, but a request can be handled at the same instant or,
  // after a pause, before the overdue timer.
  if (role_ == Role::kLeader && cfg_.options.check_quorum == QuorumCheck::kDeadline &&
      now.mono >= quorum_deadline()) {
    step_down(StepDownReason::kLostQuorum, disk_.term, now, out);
  }
  if (role_ != Role::kLeader) {
    Message& r = out.send(MsgType::kRedirect, cfg_.self, m.from);
    r.request_id = m.request_id;
    r.resource = m.resource;
    r.leader_hint = leader_;
    return;
  }
  if (m.resource >= cfg_.resources) return;  // not a resource of this core
  if (!ready_) {
    deny(m, ErrorCode::kNotReady, kInvalidNode, out);
    return;
  }
  switch (m.type) {
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

bool LeaseServer::matches_request(const LeaseSlot& slot, const Message& m) const {
  if (slot.lease == kNoLease) return false;
  if (cfg_.options.keying == LeaseKeying::kResource) return true;
  return slot.lease == m.lease && slot.holder == m.from;
}

void LeaseServer::on_acquire(const Message& m, const LocalClocks& now, Effects& out) {
  const LeaseSlot& slot = table_.slot(m.resource);
  LeaderLease& l = leases_[m.resource];
  if (slot.lease != kNoLease && slot.holder == m.from && slot.request_id == m.request_id) {
    // A retry or duplicate of a request already granted: answer it again.
    Message& r = out.send(MsgType::kGranted, cfg_.self, m.from);
    r.resource = m.resource;
    r.request_id = m.request_id;
    r.lease = slot.lease;
    r.token = slot.token;
    r.ttl = slot.ttl;
    return;
  }
  if (l.pending && l.pending_holder == m.from && l.pending_request == m.request_id) {
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
  const Duration ttl = std::clamp(m.ttl, Duration(1), cfg_.max_ttl);
  LogEntry e;
  e.term = disk_.term;
  e.type = EntryType::kGrant;
  e.resource = m.resource;
  e.holder = m.from;
  e.ttl = ttl;
  e.wall_expiry = now.wall + ttl;
  e.request_id = m.request_id;
  l.pending = true;
  l.pending_holder = m.from;
  l.pending_request = m.request_id;
  const LogIndex index = disk_.log.last_index() + 1;
  if (cfg_.options.grant_reply == GrantReply::kImmediate) {
    // Unsafe variant: promise the lease before a majority has it. Not a
    // committed change (index key 0): the entry may never commit.
    out.emit(obs::LeaseGranted{m.resource, index, m.from, index, ttl, 0});
    Message& r = out.send(MsgType::kGranted, cfg_.self, m.from);
    r.resource = m.resource;
    r.request_id = m.request_id;
    r.lease = index;
    r.token = index;
    r.ttl = ttl;
  }
  append_local(e, now, out);
}

void LeaseServer::on_renew(const Message& m, const LocalClocks& now, Effects& out) {
  const LeaseSlot& slot = table_.slot(m.resource);
  LeaderLease& l = leases_[m.resource];
  if (!matches_request(slot, m)) {
    const ErrorCode why = (slot.lease == m.lease && slot.lease != kNoLease)
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
    Message& r = out.send(MsgType::kRenewed, cfg_.self, m.from);
    r.resource = m.resource;
    r.request_id = m.request_id;
    r.lease = slot.lease;
    r.ttl = slot.ttl;
    arm_expiry(m.resource, now, out);
    return;
  }
  LogEntry e;
  e.term = disk_.term;
  e.type = EntryType::kRenew;
  e.resource = m.resource;
  e.holder = m.from;
  e.lease = cfg_.options.keying == LeaseKeying::kResource ? kNoLease : slot.lease;
  e.ttl = slot.ttl;
  e.wall_expiry = now.wall + slot.ttl;
  e.request_id = m.request_id;
  ++l.renews_in_flight;
  append_local(e, now, out);
}

void LeaseServer::on_release(const Message& m, const LocalClocks& now, Effects& out) {
  const LeaseSlot& slot = table_.slot(m.resource);
  LeaderLease& l = leases_[m.resource];
  if (!matches_request(slot, m) || l.pending) {
    // Nothing of the sender's to release (or already going): done.
    Message& r = out.send(MsgType::kReleased, cfg_.self, m.from);
    r.resource = m.resource;
    r.request_id = m.request_id;
    r.lease = m.lease;
    return;
  }
  LogEntry e;
  e.term = disk_.term;
  e.type = EntryType::kRelease;
  e.resource = m.resource;
  e.holder = m.from;
  e.lease = cfg_.options.keying == LeaseKeying::kResource ? kNoLease : slot.lease;
  e.request_id = m.request_id;
  l.pending = true;
  l.pending_holder = slot.holder;
  l.pending_request = 0;
  append_local(e, now, out);
}

void LeaseServer::on_validate(const Message& m, const LocalClocks& now, Effects& out) {
  // Logged whatever the table says now: the answer must be the committed
  // state's (a deposed leader cannot commit, so it never answers), and a
  // later leader must see that a window may be open.
  LogEntry e;
  e.term = disk_.term;
  e.type = EntryType::kValidate;
  e.resource = m.resource;
  e.holder = m.from;
  e.lease = m.lease;
  e.ttl = cfg_.options.sequencer.window;
  e.request_id = m.request_id;
  append_local(e, now, out);
}

void LeaseServer::answer_validation(const LogEntry& e, ApplyOutcome outcome, const LocalClocks& now,
                                    Effects& out) {
  const bool valid = outcome == ApplyOutcome::kValidated;
  if (valid) {
    // The window starts now, after the commit: storage counts it from its
    // send, which came before, so its window closes first (drift margin).
    TimePoint& block = grant_block_[e.resource];
    block = std::max(block, leader_now(now) + e.ttl);
  }
  out.emit(raft_obs::Validated{e.resource, e.lease, valid, valid ? e.ttl : Duration::zero()});
  Message& m = out.send(MsgType::kValidated, cfg_.self, e.holder);
  m.resource = e.resource;
  m.lease = e.lease;
  m.token = e.lease;
  m.request_id = e.request_id;
  m.success = valid;
  if (valid)
    m.ttl = e.ttl;
  else
    m.error = ErrorCode::kUnknownLease;
}

void LeaseServer::expire(ResourceId r, const LocalClocks& now, Effects& out) {
  const LeaseSlot& slot = table_.slot(r);
  LeaderLease& l = leases_[r];
  LogEntry e;
  e.term = disk_.term;
  e.type = EntryType::kExpire;
  e.resource = r;
  e.lease = slot.lease;
  l.pending = true;
  l.pending_holder = slot.holder;
  l.pending_request = 0;
  append_local(e, now, out);
}

void LeaseServer::arm_expiry(ResourceId r, const LocalClocks& now, Effects& out) {
  LeaderLease& l = leases_[r];
  // Timers are never cancelled: keep only the earliest one that matters
  // and re-arm when it fires early (the lease was renewed meanwhile).
  if (l.expiry < l.timer_due) {
    l.timer_due = l.expiry;
    out.set_timer(cfg_.options.leader_clock, l.expiry, kExpiryTimer, (epoch_ << 32) | r);
  }
  (void)now;
}

void LeaseServer::on_expiry_timer(uint64_t arg, const LocalClocks& now, Effects& out) {
  if (role_ != Role::kLeader || (arg >> 32) != (epoch_ & 0xffffffffULL)) return;
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
    arm_expiry(r, now, out);
}

void LeaseServer::on_applied(const LogEntry& e, LogIndex index, ApplyOutcome outcome,
                             LeaseId prior_lease, const LocalClocks& now, Effects& out) {
  if (role_ != Role::kLeader) return;
  if (e.type == EntryType::kNoop) {
    if (e.term == disk_.term && !ready_) on_ready(now, out);
    return;
  }
  if (!ready_) {
    // Entries of earlier terms, committed with our no-op: their leader may
    // have died before learning they committed, so nobody else may ever
    // record them. Their requestors retry and get answered then; on_ready
    // refreshes the leases right after.
    record_replayed(e, index, outcome, prior_lease, now, out);
    return;
  }
  const ResourceId r = e.resource;
  LeaderLease& l = leases_[r];
  const LeaseSlot& slot = table_.slot(r);
  const TimePoint t = leader_now(now);
  const bool own_term = e.term == disk_.term;
  switch (e.type) {
    case EntryType::kGrant:
      if (own_term && l.pending && l.pending_request == e.request_id) l.pending = false;
      if (outcome == ApplyOutcome::kGranted) {
        l.expiry = t + slot.ttl;
        arm_expiry(r, now, out);
        if (cfg_.options.grant_reply == GrantReply::kAfterCommit) {
          out.emit(obs::LeaseGranted{r, index, e.holder, index, slot.ttl, index});
          Message& m = out.send(MsgType::kGranted, cfg_.self, e.holder);
          m.resource = r;
          m.request_id = e.request_id;
          m.lease = index;
          m.token = index;
          m.ttl = slot.ttl;
        }
      } else if (cfg_.options.grant_reply == GrantReply::kAfterCommit) {
        Message& m = out.send(MsgType::kDenied, cfg_.self, e.holder);
        m.resource = r;
        m.request_id = e.request_id;
        m.error = ErrorCode::kHeld;
        m.holder = slot.holder;
      }
      return;
    case EntryType::kRenew:
      if (own_term && l.renews_in_flight > 0) --l.renews_in_flight;
      if (outcome == ApplyOutcome::kRenewed) {
        l.expiry = t + slot.ttl;
        out.emit(obs::LeaseRenewed{r, slot.lease, l.expiry, slot.ttl, index});
        arm_expiry(r, now, out);
        Message& m = out.send(MsgType::kRenewed, cfg_.self, e.holder);
        m.resource = r;
        m.request_id = e.request_id;
        m.lease = slot.lease;
        m.ttl = slot.ttl;
      } else {
        Message& m = out.send(MsgType::kDenied, cfg_.self, e.holder);
        m.resource = r;
        m.request_id = e.request_id;
        m.lease = e.lease;
        m.error = ErrorCode::kExpired;
      }
      return;
    case EntryType::kRelease:
    case EntryType::kExpire:
      if (outcome == ApplyOutcome::kReleased || outcome == ApplyOutcome::kExpired) {
        const FreeReason why =
            outcome == ApplyOutcome::kReleased ? FreeReason::kReleased : FreeReason::kExpired;
        out.emit(obs::LeaseFreed{r, prior_lease, why, index});
        const TimePoint timer_due = l.timer_due;  // that timer is still pending
        l = LeaderLease{};
        l.timer_due = timer_due;
        // Lock-delay: only a lease its holder lost (it stopped renewing:
        // crashed, paused, cut off) keeps the resource from being granted;
        // a holder that released it has stopped acting first.
        if (why == FreeReason::kExpired && cfg_.options.lock_delay > Duration::zero()) {
          TimePoint& block = grant_block_[r];
          block = std::max(block, t + cfg_.options.lock_delay);
        }
      } else if (own_term) {
        l.pending = false;
      }
      if (e.type == EntryType::kRelease) {
        Message& m = out.send(MsgType::kReleased, cfg_.self, e.holder);
        m.resource = r;
        m.request_id = e.request_id;
        m.lease = e.lease;
      }
      return;
    case EntryType::kValidate:
      answer_validation(e, outcome, now, out);
      return;
    case EntryType::kNoop:
    case EntryType::kCount:
      return;
  }
}

void LeaseServer::record_replayed(const LogEntry& e, LogIndex index, ApplyOutcome outcome,
                                  LeaseId prior_lease, const LocalClocks& now, Effects& out) {
  const ResourceId r = e.resource;
  const LeaseSlot& slot = table_.slot(r);
  switch (outcome) {
    case ApplyOutcome::kGranted:
      // With grant_reply immediate the leader that appended the grant
      // recorded it then (the promise is the record, committed or not).
      if (cfg_.options.grant_reply == GrantReply::kAfterCommit)
        out.emit(obs::LeaseGranted{r, index, e.holder, index, slot.ttl, index});
      return;
    case ApplyOutcome::kRenewed:
      // The expiry this leader would have set; on_ready refreshes it.
      out.emit(obs::LeaseRenewed{r, slot.lease, leader_now(now) + slot.ttl, slot.ttl, index});
      return;
    case ApplyOutcome::kReleased:
    case ApplyOutcome::kExpired: {
      const FreeReason why =
          outcome == ApplyOutcome::kReleased ? FreeReason::kReleased : FreeReason::kExpired;
      out.emit(obs::LeaseFreed{r, prior_lease, why, index});
      return;
    }
    case ApplyOutcome::kNone:
    case ApplyOutcome::kIgnored:
    case ApplyOutcome::kValidated:
      return;  // no change to the table; a validation is answered by its own leader
  }
}

void LeaseServer::on_ready(const LocalClocks& now, Effects& out) {
  ready_ = true;
  out.emit(obs::LeaderReady{disk_.term});
  const TimePoint t = leader_now(now);
  const FailoverPolicy policy = cfg_.options.failover;
  // Promises earlier leaders may have made that this one cannot see: a
  // lock-delay running since an expiry, a validity window storage is still
  // using (its send came before our election, so it ends within `window`
  // from now), and Chubby's wait for max ttl.
  Duration wait = Duration::zero();
  if (policy == FailoverPolicy::kWaitMaxTtl) wait = std::max(wait, cfg_.max_ttl);
  wait = std::max(wait, cfg_.options.lock_delay);
  if (cfg_.options.sequencer.check) wait = std::max(wait, cfg_.options.sequencer.window);
  grants_blocked_until_ = wait > Duration::zero() ? t + wait : TimePoint::min();
  for (ResourceId r = 0; r < table_.size(); ++r) {
    const LeaseSlot& slot = table_.slot(r);
    if (slot.lease == kNoLease) continue;
    LeaderLease& l = leases_[r];
    switch (policy) {
      case FailoverPolicy::kExtendTtl:
      case FailoverPolicy::kWaitMaxTtl:
        l.expiry = t + slot.ttl;
        break;
      case FailoverPolicy::kExtendTtlPlusElection:
        l.expiry = t + slot.ttl + cfg_.election_max;
        break;
      case FailoverPolicy::kTrustLog:
        // The old leader's wall-clock expiry, read on our wall clock and
        // carried over to the clock we track leases on.
        l.expiry = t + (slot.wall_expiry - now.wall);
        break;
    }
    out.emit(obs::LeaseRefreshed{r, slot.lease, l.expiry});
    if (t >= l.expiry)
      expire(r, now, out);
    else
      arm_expiry(r, now, out);
  }
}

}  // namespace leasesim
