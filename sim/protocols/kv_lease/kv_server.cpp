// KvServer: the Raft core with the Lease store as its state machine; the
// leader's Get and Update handling and its records.
#include "leasesim/protocols/kv_lease/kv_server.hpp"

#include <algorithm>

namespace leasesim::kv_lease {

raft::Config raft_config(const ServerConfig& c) {
  raft::Config r;
  r.settings() = c.core;
  r.self = c.self;
  r.servers = c.servers;
  r.check_quorum = c.check_quorum;
  r.msg_base = kRaftMsgBase;
  return r;
}

KvServer::KvServer(const ServerConfig& config, ServerDisk& disk, Rng rng)
    : machine_(config, core_), core_(raft_config(config), disk, rng, machine_) {}

KvMachine::KvMachine(const ServerConfig& config, raft::Server& core)
    : cfg_(config), core_(core), slots_(config.resources) {}

// --- Replicated state ------------------------------------------------------

raft::ApplyResult KvMachine::apply(LogIndex index, const LogEntry& e) {
  if (e.kind != kUpdateEntry) return {};
  const UpdateCommand& c = e.command<UpdateCommand>();
  LEASESIM_ASSERT(c.resource < slots_.size(), "update of a key outside the store");
  Slot& s = slots_[c.resource];
  replaced_ = s;
  // The compare of compare-and-swap happens here, in log order, on every
  // server alike (etcd's Txn on mod_revision): what the writer read no
  // longer matters once a newer version is committed.
  const bool written = cfg_.knobs.update == Update::kBlind || s.record.version == c.expected;
  if (!written) return raft::ApplyResult{0, 0};
  const LeaseRecord before = s.record;
  s.record = LeaseRecord{index,    c.lease_duration, c.acquire_time, c.renew_time,
                         c.holder, c.incarnation,    c.transitions};
  if (c.holder == kInvalidNode)
    s.lease = 0;
  else if (!s.record.same_holder(before) || s.lease == 0)
    s.lease = index;
  return raft::ApplyResult{1, 0};
}

uint64_t KvMachine::digest(const LogEntry& e) const {
  uint64_t h = 0x9E3779B97F4A7C15ULL;
  auto mix = [&h](uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    h *= 0xBF58476D1CE4E5B9ULL;
  };
  mix(e.term);
  mix(e.kind);
  if (e.kind != kUpdateEntry) return h;
  const UpdateCommand& c = e.command<UpdateCommand>();
  mix(c.expected);
  mix(static_cast<uint64_t>(c.lease_duration.ns()));
  mix(static_cast<uint64_t>(c.acquire_time.ns()));
  mix(static_cast<uint64_t>(c.renew_time.ns()));
  mix(c.holder);
  mix(c.incarnation);
  mix(c.transitions);
  mix(c.resource);
  return h;
}

void KvMachine::snapshot(std::vector<SnapshotItem>* out) const {
  out->clear();
  for (const Slot& s : slots_) {
    out->push_back(SnapshotItem::of(s.record));
    out->push_back(SnapshotItem::of(StoredLease{s.lease}));
  }
}

void KvMachine::restore(std::span<const SnapshotItem> items) {
  std::fill(slots_.begin(), slots_.end(), Slot{});
  for (size_t i = 0; 2 * i + 1 < items.size() && i < slots_.size(); ++i)
    slots_[i] = Slot{items[2 * i].item<LeaseRecord>(), items[2 * i + 1].item<StoredLease>().lease};
}

// --- Leader hooks ----------------------------------------------------------

void KvMachine::on_leader_start(const LocalClocks&, Effects&) {
  updates_.clear();
  reads_.clear();
}

void KvMachine::on_leader_end(const LocalClocks&, Effects&) {
  // Unanswered requests are dropped: their clients time out and retry.
  updates_.clear();
  reads_.clear();
}

void KvMachine::on_applied(LogIndex index, const LogEntry& e, raft::ApplyResult result,
                           const LocalClocks&, Effects& out) {
  if (core_.role() != Role::kLeader || e.kind != kUpdateEntry) return;
  const UpdateCommand& c = e.command<UpdateCommand>();
  const bool written = result.outcome == 1;
  record_write(index, c, written, out);
  while (!updates_.empty() && updates_.front().key < index) updates_.pop_front();
  if (updates_.empty() || updates_.front().key != index) return;
  const Pending p = updates_.front();
  updates_.pop_front();
  const Slot& s = slots_[c.resource];
  KvMsg& m = reply(written ? MsgType::kUpdateReply : MsgType::kConflict, p.client, c.resource,
                   p.request_id, out);
  m.record = s.record;
  m.lease = s.lease;
}

void KvMachine::record_write(LogIndex index, const UpdateCommand& c, bool written,
                             Effects& out) const {
  const ResourceId r = c.resource;
  const Slot& now = slots_[r];
  out.emit(KvWrite{r, written ? index : replaced_.record.version, c.holder, c.expected,
                   written ? Status::kOk : Status::kConflict, c.transitions});
  if (!written) return;
  const NodeId before = replaced_.record.holder;
  const uint64_t change = 2 * index;
  if (before != kInvalidNode && now.lease == replaced_.lease) {
    out.emit(obs::LeaseRenewed{r, now.lease, now.record.renew_time + now.record.lease_duration,
                               now.record.lease_duration, change});
    return;
  }
  if (before != kInvalidNode) {
    const FreeReason why =
        now.record.holder == kInvalidNode ? FreeReason::kReleased : FreeReason::kExpired;
    out.emit(obs::LeaseFreed{r, replaced_.lease, why, change});
  }
  if (now.record.holder != kInvalidNode) {
    out.emit(obs::LeaseGranted{r, now.lease, now.record.holder, now.lease,
                               now.record.lease_duration, change + 1});
  }
}

// --- Requests ----------------------------------------------------------------

KvMsg& KvMachine::reply(MsgType type, NodeId to, ResourceId r, uint64_t request_id,
                        Effects& out) const {
  Message& m = out.send(type, core_.self(), to);
  m.resource = r;
  KvMsg& k = m.set<KvMsg>();
  k.request_id = request_id;
  return k;
}

void KvMachine::answer_get(NodeId to, ResourceId r, uint64_t request_id, Effects& out) const {
  KvMsg& m = reply(MsgType::kGetReply, to, r, request_id, out);
  m.record = slots_[r].record;
  m.lease = slots_[r].lease;
}

void KvMachine::redirect(const Message& m, Effects& out) const {
  KvMsg& k = reply(MsgType::kRedirect, m.from, m.resource, m.as<KvMsg>().request_id, out);
  k.record.holder = core_.leader();
}

void KvMachine::on_message(const Message& m, const LocalClocks& now, Effects& out) {
  if (m.resource >= slots_.size()) return;  // not a key of this store
  switch (type_of(m)) {
    case MsgType::kGet:
      on_get(m, now, out);
      return;
    case MsgType::kUpdate:
      on_update(m, now, out);
      return;
    default:
      return;  // not for a server
  }
}

void KvMachine::on_get(const Message& m, const LocalClocks& now, Effects& out) {
  const uint64_t id = m.as<KvMsg>().request_id;
  switch (cfg_.knobs.reads) {
    case Reads::kAny:
      answer_get(m.from, m.resource, id, out);
      return;
    case Reads::kLeader:
      if (!core_.confirm_leadership(now, out)) {
        redirect(m, out);
        return;
      }
      answer_get(m.from, m.resource, id, out);
      return;
    case Reads::kBarrier:
      if (!core_.confirm_leadership(now, out)) {
        redirect(m, out);
        return;
      }
      if (!core_.ready()) {
        reply(MsgType::kUnavailable, m.from, m.resource, id, out);
        return;
      }
      if (cfg_.servers.size() == 1) {
        answer_get(m.from, m.resource, id, out);  // its own majority: nothing to wait for
        return;
      }
      reads_.push_back(Pending{core_.read_barrier(now, out), m.from, id, m.resource});
      return;
  }
}

void KvMachine::on_read_ready(uint64_t read, const LocalClocks&, Effects& out) {
  for (size_t i = 0; i < reads_.size(); ++i) {
    if (reads_[i].key != read) continue;
    const Pending p = reads_[i];
    reads_.erase(reads_.begin() + static_cast<std::ptrdiff_t>(i));
    answer_get(p.client, p.resource, p.request_id, out);
    return;
  }
}

void KvMachine::on_update(const Message& m, const LocalClocks& now, Effects& out) {
  if (!core_.confirm_leadership(now, out)) {
    redirect(m, out);
    return;
  }
  const KvMsg& q = m.as<KvMsg>();
  UpdateCommand c;
  c.expected = q.record.version;
  c.lease_duration = q.record.lease_duration;
  c.acquire_time = q.record.acquire_time;
  c.renew_time = q.record.renew_time;
  c.holder = q.record.holder;
  c.incarnation = q.record.incarnation;
  c.transitions = q.record.transitions;
  c.resource = m.resource;
  // Noted before proposing: a single server commits and applies inside propose().
  updates_.push_back(Pending{core_.next_index(), m.from, q.request_id, m.resource});
  const LogIndex index = core_.propose(kUpdateEntry, c, now, out);
  LEASESIM_ASSERT(updates_.empty() || updates_.back().key <= index, "proposal index moved");
}

}  // namespace leasesim::kv_lease
