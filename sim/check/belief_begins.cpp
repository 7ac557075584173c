#include "leasesim/check/belief_begins.hpp"

#include "leasesim/core/assert.hpp"

namespace leasesim {
namespace {

constexpr size_t kInitialSlots = 64;

uint64_t mix(ResourceId res, NodeId holder, LeaseId lease) {
  // splitmix64's finaliser over the three ids: cheap and well spread, so
  // linear probing stays short.
  uint64_t x = lease * 0x9E3779B97F4A7C15ULL ^ (static_cast<uint64_t>(holder) << 32 | res);
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

}  // namespace

BeliefBegins::BeliefBegins(uint32_t resources)
    : by_resource_(resources), indexed_(resources, 0), slots_(kInitialSlots) {}

size_t BeliefBegins::find_slot(ResourceId res, NodeId holder, LeaseId lease) const {
  const size_t mask = slots_.size() - 1;
  size_t i = mix(res, holder, lease) & mask;
  for (;;) {
    const Slot& s = slots_[i];
    if (s.holder == kInvalidNode || (s.holder == holder && s.resource == res && s.lease == lease))
      return i;
    i = (i + 1) & mask;
  }
}

void BeliefBegins::grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  for (const Slot& s : old)
    if (s.holder != kInvalidNode) slots_[find_slot(s.resource, s.holder, s.lease)] = s;
}

void BeliefBegins::add(ResourceId res, NodeId holder, LeaseId lease, TimePoint at) {
  LEASESIM_ASSERT(res < by_resource_.size(), "belief begin on an unknown resource");
  LEASESIM_ASSERT(holder != kInvalidNode, "belief begin without a holder");
  std::vector<Begin>& begins = by_resource_[res];
  LEASESIM_ASSERT(begins.empty() || begins.back().at <= at, "belief begins out of time order");
  begins.push_back(Begin{at, holder, lease});
}

void BeliefBegins::index(ResourceId res) {
  const std::vector<Begin>& begins = by_resource_[res];
  for (uint32_t pos = indexed_[res]; pos < begins.size(); ++pos) {
    const Begin& b = begins[pos];
    const size_t i = find_slot(res, b.holder, b.lease);
    if (slots_[i].holder != kInvalidNode) continue;
    // First begin of this lease by this holder: the one a write's lease
    // began with. A later begin of the same lease keeps the earliest.
    slots_[i] = Slot{b.lease, b.holder, res, pos};
    if (++used_ * 2 > slots_.size()) grow();
  }
  indexed_[res] = static_cast<uint32_t>(begins.size());
}

TimePoint BeliefBegins::lease_began(ResourceId res, NodeId holder, LeaseId lease) {
  index(res);
  const Slot& s = slots_[find_slot(res, holder, lease)];
  if (s.holder == kInvalidNode) return TimePoint::min();
  return by_resource_[res][s.pos].at;
}

const BeliefBegins::Begin* BeliefBegins::first_other_since(ResourceId res, NodeId writer,
                                                           LeaseId lease, TimePoint until) {
  index(res);
  const std::vector<Begin>& begins = by_resource_[res];
  const Slot& s = slots_[find_slot(res, writer, lease)];
  size_t i = 0;
  if (s.holder != kInvalidNode) {
    // Strictly after the lease began: skip what began at the same instant.
    const TimePoint began = begins[s.pos].at;
    i = s.pos + 1;
    while (i < begins.size() && begins[i].at == began) ++i;
  }
  // Any other requestor's begin, whatever its lease number: numbers can be
  // reused across grants (an uncommitted grant's number given again by the
  // next leader), so only the holder tells another tenure apart.
  for (; i < begins.size() && begins[i].at <= until; ++i) {
    const Begin& b = begins[i];
    if (b.holder != writer) return &b;
  }
  return nullptr;
}

}  // namespace leasesim
