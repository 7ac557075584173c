// Log replication: AppendEntries, commit, apply, snapshots, read barriers.
#include <algorithm>

#include "leasesim/raft/quorum.hpp"
#include "leasesim/raft/server.hpp"

namespace leasesim::raft {

LogIndex Server::propose_entry(const LogEntry& e, const LocalClocks& now, Effects& out) {
  LEASESIM_ASSERT(role_ == Role::kLeader, "only a leader proposes");
  disk_.append(e);
  const LogIndex index = disk_.log().last_index();
  // With an asynchronous disk the leader's own copy counts once durable
  // (on_durable); otherwise it is durable now.
  if (out.async_disk()) {
    if (cfg_.servers.size() == 1) return index;
  } else {
    peers_[self_index_].match = index;
    if (cfg_.servers.size() == 1) {
      advance_commit(now, out);
      return index;
    }
  }
  broadcast_append(now, out);
  return index;
}

void Server::broadcast_append(const LocalClocks& now, Effects& out) {
  for (size_t i = 0; i < peers_.size(); ++i) {
    if (i == self_index_) continue;
    // A probing follower gets one message at a time; a replicating one
    // gets every new entry at once (pipelining).
    if (!peers_[i].probing && peers_[i].next <= disk_.log().last_index())
      send_append(i, now, out, false);
  }
}

void Server::send_append(size_t i, const LocalClocks& now, Effects& out, bool heartbeat) {
  Peer& p = peers_[i];
  const NodeId to = cfg_.servers[i];
  const Log& log = disk_.log();
  p.last_sent = now.mono;
  if (p.next <= log.snapshot_index()) {
    // The entries this follower needs were compacted away.
    Message& m = send(MsgKind::kInstallSnapshot, to, out);
    RaftMsg& s = m.set<RaftMsg>();
    s.term = disk_.term();
    s.stamp = now.mono;
    s.index = log.snapshot_index();
    s.log_term = log.snapshot_term();
    m.snapshot = log.snapshot();
    p.next = log.snapshot_index() + 1;
    return;
  }
  const LogIndex prev = p.next - 1;
  Message& m = send(MsgKind::kAppendEntries, to, out);
  RaftMsg& a = m.set<RaftMsg>();
  a.term = disk_.term();
  a.stamp = now.mono;
  a.index = prev;
  a.log_term = log.term_at(prev);
  if (!heartbeat || p.probing) {
    const LogIndex last = std::min(log.last_index(), prev + cfg_.max_append_entries);
    for (LogIndex j = prev + 1; j <= last; ++j) m.entries.push_back(log.at(j));
    if (!p.probing) p.next = last + 1;
  }
  // Never tell a follower to commit beyond what this message proves it has.
  a.commit = std::min(commit_, prev + m.entries.size());
}

void Server::on_heartbeat_timer(const LocalClocks& now, Effects& out) {
  for (size_t i = 0; i < peers_.size(); ++i) {
    if (i == self_index_) continue;
    // Followers that got an AppendEntries within the interval need no
    // heartbeat; probing ones are retried here.
    if (peers_[i].probing || now.mono - peers_[i].last_sent >= cfg_.heartbeat)
      send_append(i, now, out, true);
  }
  out.set_timer(ClockKind::kMonotonic, now.mono + cfg_.heartbeat, kHeartbeatTimer, epoch_);
}

void Server::on_append_entries(const Message& m, const LocalClocks& now, Effects& out) {
  const bool current = observe_term(m, now, out);
  const RaftMsg& a = m.as<RaftMsg>();
  RaftMsg& r = send(MsgKind::kAppendReply, m.from, out).set<RaftMsg>();
  r.stamp = a.stamp;
  if (!current) {
    r.term = disk_.term();
    r.success = false;
    r.index = disk_.log().last_index();
    return;
  }
  if (role_ != Role::kFollower || leader_ != m.from)
    become_follower(disk_.term(), m.from, now, out);
  reset_election_timer(now, out);  // AppendEntries from the current leader (Figure 2)
  last_heard_leader_ = now.mono;
  r.term = disk_.term();

  const Log& log = disk_.log();
  LogIndex prev = a.index;
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
  } else if (prev > log.last_index() || log.term_at(prev) != a.log_term) {
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
      disk_.truncate_after(idx - 1);
    }
    disk_.append(m.entries[k]);
  }
  r.success = true;
  r.index = idx;
  const LogIndex new_commit = std::min(a.commit, idx);
  if (new_commit > commit_) {
    commit_ = new_commit;
    apply_committed(now, out);
  }
}

void Server::on_install_snapshot(const Message& m, const LocalClocks& now, Effects& out) {
  const bool current = observe_term(m, now, out);
  const RaftMsg& s = m.as<RaftMsg>();
  RaftMsg& r = send(MsgKind::kAppendReply, m.from, out).set<RaftMsg>();
  r.term = disk_.term();
  r.stamp = s.stamp;
  if (!current) {
    r.index = disk_.log().last_index();
    return;
  }
  if (role_ != Role::kFollower || leader_ != m.from)
    become_follower(disk_.term(), m.from, now, out);
  reset_election_timer(now, out);
  last_heard_leader_ = now.mono;
  r.success = true;
  if (s.index <= commit_) {
    r.index = commit_;
    return;
  }
  disk_.install(s.index, s.log_term, m.snapshot);
  machine_.restore(m.snapshot);
  commit_ = applied_ = s.index;
  out.emit(obs::SnapshotInstalled{s.index, s.log_term});
  // Only the snapshot is known to match the leader: entries kept after it
  // (install keeps a suffix that agrees at s.index) may be from an older
  // term, and claiming them would let the leader count them toward a commit.
  r.index = s.index;
}

void Server::on_append_reply(const Message& m, const LocalClocks& now, Effects& out) {
  if (!observe_term(m, now, out) || role_ != Role::kLeader) return;
  const size_t i = server_index(m.from);
  if (i == kNotAServer) return;
  const RaftMsg& a = m.as<RaftMsg>();
  Peer& p = peers_[i];
  p.heard = true;
  // The follower heard from this leadership by the time it answered; the
  // stamp says how late that is at least (replies may be reordered).
  if (a.stamp > p.acked_stamp) p.acked_stamp = a.stamp;
  if (!reads_.empty()) release_reads(now, out);
  const LogIndex last = disk_.log().last_index();
  if (a.success) {
    const LogIndex match = std::min(a.index, last);
    if (match > p.match) p.match = match;
    if (p.next < p.match + 1) p.next = p.match + 1;
    if (p.probing) {
      p.probing = false;
      p.next = p.match + 1;
      if (p.next <= last) send_append(i, now, out, false);
    } else if (p.next <= last && now.mono - p.last_sent >= cfg_.heartbeat) {
      send_append(i, now, out, false);
    }
    advance_commit(now, out);
    return;
  }
  // Rejected: fall back to probing from the follower's hint. A rejection
  // of an old message (hint at or beyond what we already know) is stale.
  const LogIndex retry = std::max(p.match + 1, std::min(a.index + 1, p.next));
  if (!p.probing || retry < p.next) {
    p.probing = true;
    p.next = retry;
    send_append(i, now, out, false);
  }
}

void Server::advance_commit(const LocalClocks& now, Effects& out) {
  // The highest index a majority holds: the majority()-th largest match.
  // It is above commit_ exactly when a majority's matches are, so count
  // first: most calls (an acknowledgement of an entry already committed, or
  // the first of a new one) change nothing, and counting is cheaper than
  // sorting.
  LogIndex matches[kMaxServers];
  const size_t n = peers_.size();
  size_t above = 0;
  for (size_t i = 0; i < n; ++i) {
    matches[i] = peers_[i].match;
    above += matches[i] > commit_ ? 1 : 0;
  }
  if (above < majority()) return;
  const LogIndex candidate = kth_largest(matches, n, majority());
  // Only entries of the current term commit by counting (Raft 5.4.2).
  if (candidate > commit_ && disk_.log().term_at(candidate) == disk_.term()) {
    commit_ = candidate;
    apply_committed(now, out);
  }
}

void Server::apply_committed(const LocalClocks& now, Effects& out) {
  while (applied_ < commit_) {
    ++applied_;
    // A copy: applying may propose (an expiry), which can move the log.
    const LogEntry e = disk_.log().at(applied_);
    const ApplyResult result = machine_.apply(applied_, e);
    out.emit(obs::Committed{applied_, e.term, machine_.digest(e)});
    if (e.kind != 0) {
      machine_.on_applied(applied_, e, result, now, out);
    } else if (role_ == Role::kLeader && e.term == disk_.term() && !ready_) {
      // This leadership's no-op: every committed entry is applied now.
      ready_ = true;
      out.emit(obs::LeaderReady{disk_.term()});
      machine_.on_ready(now, out);
    }
  }
  maybe_compact();
}

void Server::maybe_compact() {
  if (cfg_.snapshot_threshold == 0) return;
  if (applied_ - disk_.log().snapshot_index() < cfg_.snapshot_threshold) return;
  std::vector<SnapshotItem> items;
  machine_.snapshot(&items);
  disk_.compact(applied_, std::move(items));
}

uint64_t Server::read_barrier(const LocalClocks& now, Effects& out) {
  LEASESIM_ASSERT(role_ == Role::kLeader && ready_,
                  "read barrier on a server that is not a ready leader");
  const uint64_t id = next_read_++;
  reads_.push_back(PendingRead{id, now.mono});
  if (cfg_.servers.size() == 1) {
    release_reads(now, out);
    return id;
  }
  // A round stamped now: its answers prove a majority still followed this
  // leadership after the read arrived.
  for (size_t i = 0; i < peers_.size(); ++i)
    if (i != self_index_) send_append(i, now, out, true);
  return id;
}

void Server::release_reads(const LocalClocks& now, Effects& out) {
  // Every entry committed before a barrier was asked for is applied here
  // (a leader applies as it commits), so only the round trip is awaited.
  const TimePoint contact = majority_contact();
  size_t kept = 0;
  std::vector<PendingRead> done;
  for (const PendingRead& r : reads_) {
    if (r.stamp <= contact)
      done.push_back(r);
    else
      reads_[kept++] = r;
  }
  reads_.resize(kept);
  for (const PendingRead& r : done) {
    if (role_ != Role::kLeader) return;  // a hook stepped down: the rest are dropped
    machine_.on_read_ready(r.id, now, out);
  }
}

}  // namespace leasesim::raft
