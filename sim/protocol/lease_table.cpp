#include "leasesim/protocol/lease_table.hpp"

#include "leasesim/core/assert.hpp"

namespace leasesim {

bool LeaseTable::matches(const LogEntry& e) const {
  const LeaseSlot& s = slots_[e.resource];
  if (s.lease == kNoLease) return false;
  // lease == kNoLease in an entry means "whatever lease holds the resource"
  // (the resource-keyed variant).
  return e.lease == kNoLease || e.lease == s.lease;
}

ApplyOutcome LeaseTable::apply(const LogEntry& e, LogIndex index) {
  if (e.type == EntryType::kNoop) return ApplyOutcome::kNone;
  LEASESIM_ASSERT(e.resource < slots_.size(), "entry names an unknown resource");
  LeaseSlot& s = slots_[e.resource];
  switch (e.type) {
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
      return e.type == EntryType::kRelease ? ApplyOutcome::kReleased : ApplyOutcome::kExpired;
    case EntryType::kValidate:
      return e.lease != kNoLease && matches(e) ? ApplyOutcome::kValidated : ApplyOutcome::kIgnored;
    case EntryType::kNoop:
    case EntryType::kCount:
      break;
  }
  LEASESIM_UNREACHABLE("bad entry type");
}

std::vector<LeaseRecord> LeaseTable::snapshot() const {
  std::vector<LeaseRecord> out;
  out.reserve(held_);
  for (ResourceId r = 0; r < slots_.size(); ++r) {
    const LeaseSlot& s = slots_[r];
    if (s.lease != kNoLease)
      out.push_back(LeaseRecord{r, s.holder, s.lease, s.token, s.ttl, s.wall_expiry, s.request_id});
  }
  return out;
}

void LeaseTable::load(const std::vector<LeaseRecord>& records) {
  for (LeaseSlot& s : slots_) s = LeaseSlot{};
  held_ = 0;
  for (const LeaseRecord& r : records) {
    LEASESIM_ASSERT(r.resource < slots_.size(), "snapshot names an unknown resource");
    slots_[r.resource] = LeaseSlot{r.lease, r.holder, r.token, r.ttl, r.wall_expiry, r.request_id};
    ++held_;
  }
}

uint64_t entry_digest(const LogEntry& e) {
  uint64_t h = 0x9E3779B97F4A7C15ULL;
  auto mix = [&h](uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    h *= 0xBF58476D1CE4E5B9ULL;
  };
  mix(e.term);
  mix(static_cast<uint64_t>(e.type));
  mix(e.resource);
  mix(e.holder);
  mix(e.lease);
  mix(static_cast<uint64_t>(e.ttl.ns()));
  mix(static_cast<uint64_t>(e.wall_expiry.ns()));
  mix(e.request_id);
  return h;
}

}  // namespace leasesim
