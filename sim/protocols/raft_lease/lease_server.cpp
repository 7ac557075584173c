// LeaseServer: a Raft server with the lease machine; the machine's
// construction and its leadership hooks.
#include "leasesim/protocols/raft_lease/lease_server.hpp"

#include <algorithm>

namespace leasesim::raft_lease {

raft::Config raft_config(const ServerConfig& c) {
  raft::Config r;
  r.settings() = c.core;
  r.self = c.self;
  r.servers = c.servers;
  r.check_quorum = c.options.check_quorum;
  r.msg_base = kRaftMsgBase;
  return r;
}

LeaseServer::LeaseServer(const ServerConfig& config, ServerDisk& disk, Rng rng)
    : machine_(config, core_), core_(raft_config(config), disk, rng, machine_) {}

LeaseMachine::LeaseMachine(const ServerConfig& config, raft::Server& core)
    : cfg_(config), core_(core), table_(config.resources) {
  leases_.resize(cfg_.resources);
  grant_block_.resize(cfg_.resources, TimePoint::min());
}

void LeaseMachine::on_leader_start(const LocalClocks&, Effects&) {
  for (LeaderLease& l : leases_) l = LeaderLease{};
  std::fill(grant_block_.begin(), grant_block_.end(), TimePoint::min());
}

void LeaseMachine::on_leader_end(const LocalClocks&, Effects&) {
  for (LeaderLease& l : leases_) l = LeaderLease{};
}

raft::ApplyResult LeaseMachine::apply(LogIndex index, const LogEntry& e) {
  // The lease the entry's resource had before: a freed lease is recorded
  // under its id.
  const LeaseId prior =
      e.kind == 0 ? kNoLease : table_.slot(e.command<LeaseCommand>().resource).lease;
  const ApplyOutcome outcome = table_.apply(e, index);
  return raft::ApplyResult{static_cast<uint32_t>(outcome), prior};
}

void LeaseMachine::on_applied(LogIndex index, const LogEntry& entry, raft::ApplyResult result,
                              const LocalClocks& now, Effects& out) {
  if (core_.role() != Role::kLeader) return;
  const auto outcome = static_cast<ApplyOutcome>(result.outcome);
  const LeaseId prior_lease = result.detail;
  const LeaseCommand& e = entry.command<LeaseCommand>();
  if (!core_.ready()) {
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
  const bool own_term = entry.term == core_.term();
  switch (type_of(entry)) {
    case EntryType::kGrant:
      if (own_term && l.pending && l.pending_request == e.request_id) l.pending = false;
      if (outcome == ApplyOutcome::kGranted) {
        l.expiry = t + slot.ttl;
        arm_expiry(r, out);
        if (cfg_.options.grant_reply == GrantReply::kAfterCommit) {
          out.emit(obs::LeaseGranted{r, index, e.holder, index, slot.ttl, index});
          LeaseMsg& m = reply(MsgType::kGranted, e.holder, r, out);
          m.request_id = e.request_id;
          m.lease = index;
          m.token = index;
          m.ttl = slot.ttl;
        }
      } else if (cfg_.options.grant_reply == GrantReply::kAfterCommit) {
        LeaseMsg& m = reply(MsgType::kDenied, e.holder, r, out);
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
        arm_expiry(r, out);
        LeaseMsg& m = reply(MsgType::kRenewed, e.holder, r, out);
        m.request_id = e.request_id;
        m.lease = slot.lease;
        m.ttl = slot.ttl;
      } else {
        LeaseMsg& m = reply(MsgType::kDenied, e.holder, r, out);
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
      if (type_of(entry) == EntryType::kRelease) {
        LeaseMsg& m = reply(MsgType::kReleased, e.holder, r, out);
        m.request_id = e.request_id;
        m.lease = e.lease;
      }
      return;
    case EntryType::kValidate:
      if (own_term && l.validating_from == e.holder && l.validating_request == e.request_id)
        l.validating_from = kInvalidNode;  // answered now; a later copy is logged again
      answer_validation(e, outcome, now, out);
      return;
    case EntryType::kNoop:
    case EntryType::kCount:
      return;
  }
}

void LeaseMachine::record_replayed(const LeaseCommand& e, LogIndex index, ApplyOutcome outcome,
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

void LeaseMachine::on_ready(const LocalClocks& now, Effects& out) {
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
        l.expiry = t + slot.ttl + cfg_.core.election_max;
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
      arm_expiry(r, out);
  }
}

}  // namespace leasesim::raft_lease
