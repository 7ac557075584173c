// Log replication: AppendEntries, commit, apply, snapshots.
#include <algorithm>

#include "leasesim/protocol/lease_server.hpp"

namespace leasesim {

void LeaseServer::append_local(const LogEntry& e, const LocalClocks& now, Effects& out) {
  disk_.log.append(e);
  peers_[self_index_].match = disk_.log.last_index();
  if (cfg_.servers.size() == 1) {
    advance_commit(now, out);
    return;
  }
  broadcast_append(now, out);
}

void LeaseServer::broadcast_append(const LocalClocks& now, Effects& out) {
  for (size_t i = 0; i < peers_.size(); ++i) {
    if (i == self_index_) continue;
    // A probing follower gets one message at a time; a replicating one
    // gets every new entry at once (pipelining).
    if (!peers_[i].probing && peers_[i].next <= disk_.log.last_index())
      send_append(i, now, out, false);
  }
}

void LeaseServer::send_append(size_t i, const LocalClocks& now, Effects& out, bool heartbeat) {
  Peer& p = peers_[i];
  const NodeId to = cfg_.servers[i];
  p.last_sent = now.mono;
  if (p.next <= disk_.log.snapshot_index()) {
    // The entries this follower needs were compacted away.
    Message& m = out.send(MsgType::kInstallSnapshot, cfg_.self, to);
    m.term = disk_.term;
    m.stamp = now.mono;
    m.index = disk_.log.snapshot_index();
    m.log_term = disk_.log.snapshot_term();
    m.snapshot = disk_.log.snapshot();
    p.next = disk_.log.snapshot_index() + 1;
    return;
  }
  const LogIndex prev = p.next - 1;
  Message& m = out.send(MsgType::kAppendEntries, cfg_.self, to);
  m.term = disk_.term;
  m.stamp = now.mono;
  m.index = prev;
  m.log_term = disk_.log.term_at(prev);
  if (!heartbeat || p.probing) {
    const LogIndex last = std::min(disk_.log.last_index(), prev + cfg_.max_append_entries);
    for (LogIndex j = prev + 1; j <= last; ++j) m.entries.push_back(disk_.log.at(j));
    if (!p.probing) p.next = last + 1;
  }
  // Never tell a follower to commit beyond what this message proves it has.
  m.commit = std::min(commit_, prev + m.entries.size());
}

void LeaseServer::on_heartbeat_timer(const LocalClocks& now, Effects& out) {
  for (size_t i = 0; i < peers_.size(); ++i) {
    if (i == self_index_) continue;
    // Followers that got an AppendEntries within the interval need no
    // heartbeat; probing ones are retried here.
    if (peers_[i].probing || now.mono - peers_[i].last_sent >= cfg_.heartbeat)
      send_append(i, now, out, true);
  }
  out.set_timer(ClockKind::kMonotonic, now.mono + cfg_.heartbeat, kHeartbeatTimer, epoch_);
}

void LeaseServer::on_append_entries(const Message& m, const LocalClocks& now, Effects& out) {
  const bool current = observe_term(m, now, out);
  Message& r = out.send(MsgType::kAppendReply, cfg_.self, m.from);
  r.stamp = m.stamp;
  if (!current) {
    r.term = disk_.term;
    r.success = false;
    r.index = disk_.log.last_index();
    return;
  }
  if (role_ != Role::kFollower || leader_ != m.from)
    become_follower(disk_.term, m.from, now, out);
  else
    reset_election_timer(now, out);
  last_heard_leader_ = now.mono;
  r.term = disk_.term;

  RaftLog& log = disk_.log;
  LogIndex prev = m.index;
  size_t skip = 0;
  if (prev < log.snapshot_index()) {
    // Entries up to our snapshot are committed and identical; skip them.
    const LogIndex behind = log.snapshot_index() - prev;
    if (behind >= m.entries.size() + 0) {
      r.success = true;
      r.index = std::max(log.snapshot_index(), prev + m.entries.size());
      r.index = std::min(r.index, log.last_index());
      return;
    }
    skip = static_cast<size_t>(behind);
    prev = log.snapshot_index();
  } else if (prev > log.last_index() || log.term_at(prev) != m.log_term) {
    r.success = false;
    // Hint: retry from our last index, or before the conflicting term.
    LogIndex hint = std::min(prev - 1, log.last_index());
    if (prev <= log.last_index()) {
      const Term conflict = log.term_at(prev);
      while (hint > log.snapshot_index() && log.term_at(hint) == conflict) --hint;
    }
    r.index = hint;
    return;
  }
  LogIndex idx = prev;
  for (size_t k = skip; k < m.entries.size(); ++k) {
    ++idx;
    if (idx <= log.last_index()) {
      if (log.term_at(idx) == m.entries[k].term) continue;
      LEASESIM_ASSERT(idx > commit_, "leader asked to overwrite a committed entry");
      log.truncate_after(idx - 1);
    }
    log.append(m.entries[k]);
  }
  r.success = true;
  r.index = idx;
  const LogIndex new_commit = std::min(m.commit, idx);
  if (new_commit > commit_) {
    commit_ = new_commit;
    apply_committed(now, out);
  }
}

void LeaseServer::on_install_snapshot(const Message& m, const LocalClocks& now, Effects& out) {
  const bool current = observe_term(m, now, out);
  Message& r = out.send(MsgType::kAppendReply, cfg_.self, m.from);
  r.term = disk_.term;
  r.stamp = m.stamp;
  if (!current) {
    r.index = disk_.log.last_index();
    return;
  }
  if (role_ != Role::kFollower || leader_ != m.from)
    become_follower(disk_.term, m.from, now, out);
  else
    reset_election_timer(now, out);
  last_heard_leader_ = now.mono;
  r.success = true;
  if (m.index <= commit_) {
    r.index = commit_;
    return;
  }
  disk_.log.install(m.index, m.log_term, m.snapshot);
  table_.load(m.snapshot);
  commit_ = applied_ = m.index;
  out.emit(obs::SnapshotInstalled{m.index, m.log_term});
  // Only the snapshot is known to match the leader: entries kept after it
  // (install keeps a suffix that agrees at m.index) may be from an older
  // term, and claiming them would let the leader count them toward a commit.
  r.index = m.index;
}

void LeaseServer::on_append_reply(const Message& m, const LocalClocks& now, Effects& out) {
  if (!observe_term(m, now, out) || role_ != Role::kLeader) return;
  const auto it = std::find(cfg_.servers.begin(), cfg_.servers.end(), m.from);
  if (it == cfg_.servers.end()) return;
  const size_t i = static_cast<size_t>(it - cfg_.servers.begin());
  Peer& p = peers_[i];
  p.heard = true;
  // The follower heard from this leadership by the time it answered; the
  // stamp says how late that is at least (replies may be reordered).
  if (m.stamp > p.acked_stamp) p.acked_stamp = m.stamp;
  if (m.success) {
    const LogIndex match = std::min(m.index, disk_.log.last_index());
    if (match > p.match) p.match = match;
    if (p.next < p.match + 1) p.next = p.match + 1;
    if (p.probing) {
      p.probing = false;
      p.next = p.match + 1;
      if (p.next <= disk_.log.last_index()) send_append(i, now, out, false);
    } else if (p.next <= disk_.log.last_index() && now.mono - p.last_sent >= cfg_.heartbeat) {
      send_append(i, now, out, false);
    }
    advance_commit(now, out);
    return;
  }
  // Rejected: fall back to probing from the follower's hint. A rejection
  // of an old message (hint at or beyond what we already know) is stale.
  const LogIndex retry = std::max(p.match + 1, std::min(m.index + 1, p.next));
  if (!p.probing || retry < p.next) {
    p.probing = true;
    p.next = retry;
    send_append(i, now, out, false);
  }
}

void LeaseServer::advance_commit(const LocalClocks& now, Effects& out) {
  // The highest index a majority holds: the majority()-th largest match.
  LogIndex matches[16];
  const size_t n = peers_.size();
  LEASESIM_ASSERT(n <= 16, "too many servers");
  for (size_t i = 0; i < n; ++i) matches[i] = peers_[i].match;
  std::sort(matches, matches + n, std::greater<LogIndex>());
  const LogIndex candidate = matches[majority() - 1];
  // Only entries of the current term commit by counting (Raft 5.4.2).
  if (candidate > commit_ && disk_.log.term_at(candidate) == disk_.term) {
    commit_ = candidate;
    apply_committed(now, out);
  }
}

void LeaseServer::apply_committed(const LocalClocks& now, Effects& out) {
  while (applied_ < commit_) {
    ++applied_;
    // A copy: applying may append (an expiry), which can move the log.
    const LogEntry e = disk_.log.at(applied_);
    const LeaseId prior = e.type == EntryType::kNoop ? kNoLease : table_.slot(e.resource).lease;
    const ApplyOutcome outcome = table_.apply(e, applied_);
    out.emit(obs::Committed{applied_, e.term, entry_digest(e)});
    on_applied(e, applied_, outcome, prior, now, out);
  }
  maybe_compact();
}

void LeaseServer::maybe_compact() {
  if (cfg_.snapshot_threshold == 0) return;
  if (applied_ - disk_.log.snapshot_index() < cfg_.snapshot_threshold) return;
  disk_.log.compact(applied_, table_.snapshot());
}

}  // namespace leasesim
