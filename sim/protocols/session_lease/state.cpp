// The session table: applying committed commands, snapshots, digests.
#include <algorithm>

#include "leasesim/protocols/session_lease/state.hpp"

namespace leasesim::session_lease {

namespace {

// Snapshot items: one per session, one per held lock.
enum class ItemKind : uint32_t { kSession = 1, kLock = 2 };
struct SessionItem {
  ItemKind kind = ItemKind::kSession;
  NodeId client = kInvalidNode;
  SessionId id = kNoSession;
  Duration timeout;
  uint64_t request_id = 0;
};
struct LockItem {
  ItemKind kind = ItemKind::kLock;
  ResourceId resource = kNoResource;
  NodeId holder = kInvalidNode;
  SessionId session = kNoSession;
  LeaseId lease = kNoLease;
  uint64_t token = 0;
  uint64_t request_id = 0;
};

const Command& command_of(const LogEntry& e) {
  static constexpr Command kNone{};
  return e.kind == 0 ? kNone : e.command<Command>();
}

}  // namespace

const Session* SessionTable::find(SessionId id) const {
  const auto it = std::lower_bound(sessions_.begin(), sessions_.end(), id,
                                   [](const Session& s, SessionId v) { return s.id < v; });
  return it != sessions_.end() && it->id == id ? &*it : nullptr;
}

Outcome SessionTable::apply(LogIndex index, const LogEntry& e,
                            std::vector<std::pair<ResourceId, LeaseId>>* freed) {
  freed->clear();
  const Command& c = command_of(e);
  const bool resource_ok = c.resource < locks_.size();
  switch (type_of(e)) {
    case EntryType::kNoop:
    case EntryType::kCount:
      return Outcome::kNone;
    case EntryType::kOpen:
      // Indices only grow, so appending keeps the vector sorted.
      sessions_.push_back(Session{index, c.client, c.timeout, c.request_id});
      return Outcome::kOpened;
    case EntryType::kExpire: {
      const auto it = std::lower_bound(sessions_.begin(), sessions_.end(), c.session,
                                       [](const Session& s, SessionId v) { return s.id < v; });
      if (it == sessions_.end() || it->id != c.session) return Outcome::kIgnored;
      sessions_.erase(it);
      for (ResourceId r = 0; r < locks_.size(); ++r) {
        if (locks_[r].session != c.session) continue;
        freed->emplace_back(r, locks_[r].lease);
        locks_[r] = Lock{};
      }
      return Outcome::kExpired;
    }
    case EntryType::kAcquire: {
      if (!resource_ok) return Outcome::kIgnored;
      Lock& l = locks_[c.resource];
      if (l.session != kNoSession || find(c.session) == nullptr) return Outcome::kRefused;
      l = Lock{c.session, c.client, index, index, c.request_id};
      return Outcome::kGranted;
    }
    case EntryType::kRelease: {
      if (!resource_ok) return Outcome::kIgnored;
      Lock& l = locks_[c.resource];
      if (l.session == kNoSession || l.session != c.session || l.lease != c.lease)
        return Outcome::kIgnored;
      freed->emplace_back(c.resource, l.lease);
      l = Lock{};
      return Outcome::kReleased;
    }
    case EntryType::kValidate: {
      if (!resource_ok) return Outcome::kInvalid;
      const Lock& l = locks_[c.resource];
      return l.session != kNoSession && l.lease == c.lease ? Outcome::kValid : Outcome::kInvalid;
    }
  }
  return Outcome::kNone;
}

void SessionTable::snapshot(std::vector<SnapshotItem>* out) const {
  out->clear();
  for (const Session& s : sessions_)
    out->push_back(
        SnapshotItem::of(SessionItem{ItemKind::kSession, s.client, s.id, s.timeout, s.request_id}));
  for (ResourceId r = 0; r < locks_.size(); ++r) {
    const Lock& l = locks_[r];
    if (l.session == kNoSession) continue;
    out->push_back(SnapshotItem::of(
        LockItem{ItemKind::kLock, r, l.holder, l.session, l.lease, l.token, l.request_id}));
  }
}

void SessionTable::load(std::span<const SnapshotItem> items) {
  sessions_.clear();
  std::fill(locks_.begin(), locks_.end(), Lock{});
  for (const SnapshotItem& i : items) {
    if (i.item<SessionItem>().kind == ItemKind::kSession) {
      const SessionItem& s = i.item<SessionItem>();
      sessions_.push_back(Session{s.id, s.client, s.timeout, s.request_id});
    } else {
      const LockItem& l = i.item<LockItem>();
      if (l.resource < locks_.size())
        locks_[l.resource] = Lock{l.session, l.holder, l.lease, l.token, l.request_id};
    }
  }
}

uint64_t entry_digest(const LogEntry& entry) {
  const Command& c = command_of(entry);
  uint64_t h = 0x9E3779B97F4A7C15ULL;
  auto mix = [&h](uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    h *= 0xBF58476D1CE4E5B9ULL;
  };
  mix(entry.term);
  mix(entry.kind);
  mix(c.session);
  mix(c.lease);
  mix(c.request_id);
  mix(static_cast<uint64_t>(c.timeout.ns()));
  mix(c.resource);
  mix(c.client);
  return h;
}

}  // namespace leasesim::session_lease
