#include "leasesim/protocols/raft_lease/lease_table.hpp"

#include "leasesim/core/assert.hpp"

namespace leasesim::raft_lease {

bool LeaseTable::matches(const LeaseCommand& c) const {
  const LeaseSlot& s = slots_[c.resource];
  if (s.lease == kNoLease) return false;
  // lease == kNoLease in an entry means "whatever lease holds the resource"
  // (the resource-keyed variant).
  return c.lease == kNoLease || c.lease == s.lease;
}

ApplyOutcome LeaseTable::apply(const LogEntry& entry, LogIndex index) {
  const EntryType type = type_of(entry);
  if (type == EntryType::kNoop) return ApplyOutcome::kNone;
  const LeaseCommand& e = entry.command<LeaseCommand>();
  LEASESIM_ASSERT(e.resource < slots_.size(), "entry names an unknown resource");
  LeaseSlot& s = slots_[e.resource];
  switch (type) {
    case EntryType::kGrant:
      if (s.lease != kNoLease) return ApplyOutcome::kIgnored;
      s = LeaseSlot{index, e.holder, index, e.ttl, e.wall_expiry, e.request_id};
      ++held_;
      return ApplyOutcome::kGranted;
    case EntryType::kRenew:
      if (!matches(e)) return ApplyOutcome::kIgnored;
      s.ttl = e.ttl;
      s.wall_expiry = e.wall_expiry;
      return ApplyOutcome::kRenewed;
    case EntryType::kRelease:
    case EntryType::kExpire:
      if (!matches(e)) return ApplyOutcome::kIgnored;
      s = LeaseSlot{};
      --held_;
      return type == EntryType::kRelease ? ApplyOutcome::kReleased : ApplyOutcome::kExpired;
    case EntryType::kValidate:
      return e.lease != kNoLease && matches(e) ? ApplyOutcome::kValidated : ApplyOutcome::kIgnored;
    case EntryType::kNoop:
    case EntryType::kCount:
      break;
  }
  LEASESIM_UNREACHABLE("bad entry type");
}

void LeaseTable::snapshot(std::vector<SnapshotItem>* out) const {
  out->clear();
  out->reserve(held_);
  for (ResourceId r = 0; r < slots_.size(); ++r) {
    const LeaseSlot& s = slots_[r];
    if (s.lease != kNoLease)
      out->push_back(SnapshotItem::of(
          LeaseRecord{r, s.holder, s.lease, s.token, s.ttl, s.wall_expiry, s.request_id}));
  }
}

void LeaseTable::load(std::span<const SnapshotItem> items) {
  for (LeaseSlot& s : slots_) s = LeaseSlot{};
  held_ = 0;
  for (const SnapshotItem& item : items) {
    const LeaseRecord& r = item.item<LeaseRecord>();
    LEASESIM_ASSERT(r.resource < slots_.size(), "snapshot names an unknown resource");
    slots_[r.resource] = LeaseSlot{r.lease, r.holder, r.token, r.ttl, r.wall_expiry, r.request_id};
    ++held_;
  }
}

uint64_t entry_digest(const LogEntry& entry) {
  const LeaseCommand& e = command_of(entry);
  uint64_t h = 0x9E3779B97F4A7C15ULL;
  auto mix = [&h](uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    h *= 0xBF58476D1CE4E5B9ULL;
  };
  mix(entry.term);
  mix(entry.kind);
  mix(e.resource);
  mix(e.holder);
  mix(e.lease);
  mix(static_cast<uint64_t>(e.ttl.ns()));
  mix(static_cast<uint64_t>(e.wall_expiry.ns()));
  mix(e.request_id);
  return h;
}

}  // namespace leasesim::raft_lease
