#include "leasesim/protocols/raft_lease/lease_table.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "harness.hpp"

namespace leasesim {
namespace lease_table_test {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
using testing::L;
using testing::R;
namespace {

LogEntry Grant(ResourceId r, NodeId holder, Duration ttl = seconds(5), uint64_t request = 1,
               TimePoint wall_expiry = TimePoint(5'000'000'000)) {
  LeaseCommand e;
  e.resource = r;
  e.holder = holder;
  e.ttl = ttl;
  e.wall_expiry = wall_expiry;
  e.request_id = request;
  return make_entry(1, EntryType::kGrant, e);
}

LogEntry Op(EntryType type, ResourceId r, LeaseId lease, Duration ttl = Duration::zero(),
            TimePoint wall_expiry = TimePoint()) {
  LeaseCommand e;
  e.resource = r;
  e.lease = lease;
  e.ttl = ttl;
  e.wall_expiry = wall_expiry;
  return make_entry(1, type, e);
}

TEST(LeaseTable, StartsEmpty) {
  LeaseTable t(3);
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t.held_count(), 0u);
  for (ResourceId r = 0; r < 3; ++r) EXPECT_EQ(t.slot(r).lease, kNoLease);
  std::vector<SnapshotItem> snap;
  t.snapshot(&snap);
  EXPECT_TRUE(snap.empty());
}

TEST(LeaseTable, NoopChangesNothing) {
  LeaseTable t(2);
  EXPECT_EQ(t.apply(LogEntry{}, 1), ApplyOutcome::kNone);
  EXPECT_EQ(t.held_count(), 0u);
}

TEST(LeaseTable, GrantSetsLeaseIdAndTokenToTheIndex) {
  LeaseTable t(3);
  EXPECT_EQ(t.apply(Grant(1, 42, seconds(7), 9, TimePoint(123)), 17), ApplyOutcome::kGranted);
  const LeaseSlot& s = t.slot(1);
  EXPECT_EQ(s.lease, 17u);
  EXPECT_EQ(s.token, 17u);
  EXPECT_EQ(s.holder, 42u);
  EXPECT_EQ(s.ttl, seconds(7));
  EXPECT_EQ(s.wall_expiry, TimePoint(123));
  EXPECT_EQ(s.request_id, 9u);
  EXPECT_EQ(t.held_count(), 1u);
  EXPECT_EQ(t.slot(0).lease, kNoLease);
}

TEST(LeaseTable, GrantOnAHeldResourceIsIgnored) {
  LeaseTable t(2);
  ASSERT_EQ(t.apply(Grant(0, 42), 3), ApplyOutcome::kGranted);
  EXPECT_EQ(t.apply(Grant(0, 43), 4), ApplyOutcome::kIgnored);
  EXPECT_EQ(t.slot(0).lease, 3u);
  EXPECT_EQ(t.slot(0).holder, 42u);
  EXPECT_EQ(t.held_count(), 1u);
}

TEST(LeaseTable, RenewByLeaseIdOnlyMatchesThatLease) {
  LeaseTable t(1);
  ASSERT_EQ(t.apply(Grant(0, 42), 3), ApplyOutcome::kGranted);
  EXPECT_EQ(t.apply(Op(EntryType::kRenew, 0, 2, seconds(9), TimePoint(77)), 4),
            ApplyOutcome::kIgnored);
  EXPECT_EQ(t.slot(0).ttl, seconds(5));
  EXPECT_EQ(t.apply(Op(EntryType::kRenew, 0, 3, seconds(9), TimePoint(77)), 5),
            ApplyOutcome::kRenewed);
  EXPECT_EQ(t.slot(0).ttl, seconds(9));
  EXPECT_EQ(t.slot(0).wall_expiry, TimePoint(77));
  EXPECT_EQ(t.slot(0).lease, 3u);  // renewal keeps the lease and token
  EXPECT_EQ(t.slot(0).token, 3u);
}

TEST(LeaseTable, RenewByResourceMatchesWhateverLeaseHolds) {
  LeaseTable t(1);
  ASSERT_EQ(t.apply(Grant(0, 42), 3), ApplyOutcome::kGranted);
  EXPECT_EQ(t.apply(Op(EntryType::kRenew, 0, kNoLease, seconds(2), TimePoint(9)), 4),
            ApplyOutcome::kRenewed);
  EXPECT_EQ(t.slot(0).ttl, seconds(2));
}

TEST(LeaseTable, RenewOfAFreeResourceIsIgnored) {
  LeaseTable t(1);
  EXPECT_EQ(t.apply(Op(EntryType::kRenew, 0, kNoLease, seconds(2)), 1), ApplyOutcome::kIgnored);
  EXPECT_EQ(t.apply(Op(EntryType::kRelease, 0, kNoLease), 2), ApplyOutcome::kIgnored);
  EXPECT_EQ(t.apply(Op(EntryType::kExpire, 0, 1), 3), ApplyOutcome::kIgnored);
  EXPECT_EQ(t.held_count(), 0u);
}

TEST(LeaseTable, ReleaseAndExpireByLeaseId) {
  LeaseTable t(2);
  ASSERT_EQ(t.apply(Grant(0, 42), 3), ApplyOutcome::kGranted);
  ASSERT_EQ(t.apply(Grant(1, 43), 4), ApplyOutcome::kGranted);
  // Stale lease ids match nothing.
  EXPECT_EQ(t.apply(Op(EntryType::kRelease, 0, 1), 5), ApplyOutcome::kIgnored);
  EXPECT_EQ(t.apply(Op(EntryType::kExpire, 1, 3), 6), ApplyOutcome::kIgnored);
  EXPECT_EQ(t.held_count(), 2u);
  EXPECT_EQ(t.apply(Op(EntryType::kRelease, 0, 3), 7), ApplyOutcome::kReleased);
  EXPECT_EQ(t.apply(Op(EntryType::kExpire, 1, 4), 8), ApplyOutcome::kExpired);
  EXPECT_EQ(t.slot(0).lease, kNoLease);
  EXPECT_EQ(t.slot(0).holder, kInvalidNode);
  EXPECT_EQ(t.slot(1).lease, kNoLease);
  EXPECT_EQ(t.held_count(), 0u);
}

TEST(LeaseTable, ReleaseAndExpireByResourceFreeTheCurrentLease) {
  LeaseTable t(1);
  ASSERT_EQ(t.apply(Grant(0, 42), 3), ApplyOutcome::kGranted);
  EXPECT_EQ(t.apply(Op(EntryType::kRelease, 0, kNoLease), 4), ApplyOutcome::kReleased);
  ASSERT_EQ(t.apply(Grant(0, 43), 5), ApplyOutcome::kGranted);
  EXPECT_EQ(t.apply(Op(EntryType::kExpire, 0, kNoLease), 6), ApplyOutcome::kExpired);
  EXPECT_EQ(t.held_count(), 0u);
}

TEST(LeaseTable, TokensStrictlyIncreaseAcrossGrants) {
  LeaseTable t(1);
  uint64_t last = 0;
  LogIndex index = 1;
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(t.apply(Grant(0, 40 + static_cast<NodeId>(i)), index), ApplyOutcome::kGranted);
    EXPECT_GT(t.slot(0).token, last);
    last = t.slot(0).token;
    ++index;
    ASSERT_EQ(t.apply(Op(EntryType::kRelease, 0, last), index), ApplyOutcome::kReleased);
    index += 2;
  }
}

TEST(LeaseTable, SnapshotAndLoadRoundTrip) {
  LeaseTable a(4);
  ASSERT_EQ(a.apply(Grant(0, 42, seconds(3), 5, TimePoint(11)), 2), ApplyOutcome::kGranted);
  ASSERT_EQ(a.apply(Grant(2, 43, seconds(4), 6, TimePoint(12)), 3), ApplyOutcome::kGranted);
  ASSERT_EQ(a.apply(Grant(3, 44, seconds(5), 7, TimePoint(13)), 4), ApplyOutcome::kGranted);
  ASSERT_EQ(a.apply(Op(EntryType::kRelease, 3, 4), 5), ApplyOutcome::kReleased);
  std::vector<SnapshotItem> snap;
  a.snapshot(&snap);
  ASSERT_EQ(snap.size(), 2u);
  EXPECT_EQ(snap[0].item<LeaseRecord>().resource, 0u);
  EXPECT_EQ(snap[1].item<LeaseRecord>().resource, 2u);

  LeaseTable b(4);
  ASSERT_EQ(b.apply(Grant(1, 99), 1), ApplyOutcome::kGranted);  // load replaces this
  b.load(snap);
  EXPECT_EQ(b.held_count(), 2u);
  for (ResourceId r = 0; r < 4; ++r) {
    EXPECT_EQ(b.slot(r).lease, a.slot(r).lease) << r;
    EXPECT_EQ(b.slot(r).holder, a.slot(r).holder) << r;
    EXPECT_EQ(b.slot(r).token, a.slot(r).token) << r;
    EXPECT_EQ(b.slot(r).ttl, a.slot(r).ttl) << r;
    EXPECT_EQ(b.slot(r).wall_expiry, a.slot(r).wall_expiry) << r;
    EXPECT_EQ(b.slot(r).request_id, a.slot(r).request_id) << r;
  }
  // The loaded table goes on exactly like the original.
  EXPECT_EQ(b.apply(Op(EntryType::kRelease, 2, 3), 6), ApplyOutcome::kReleased);
  EXPECT_EQ(b.apply(Grant(0, 45), 7), ApplyOutcome::kIgnored);
  EXPECT_EQ(b.held_count(), 1u);
}

TEST(EntryDigest, DiffersWhenAnyFieldDiffers) {
  LeaseCommand c;
  c.resource = 2;
  c.holder = 7;
  c.lease = 0;
  c.ttl = seconds(5);
  c.wall_expiry = TimePoint(1'000);
  c.request_id = 11;
  const LogEntry base = make_entry(3, EntryType::kGrant, c);
  const uint64_t d = entry_digest(base);
  EXPECT_EQ(entry_digest(base), d);  // a pure function of the content

  std::vector<LogEntry> variants(8, base);
  variants[0].term = 4;
  variants[1].kind = static_cast<uint16_t>(EntryType::kRenew);
  variants[2].data.get<LeaseCommand>().resource = 3;
  variants[3].data.get<LeaseCommand>().holder = 8;
  variants[4].data.get<LeaseCommand>().lease = 1;
  variants[5].data.get<LeaseCommand>().ttl = seconds(6);
  variants[6].data.get<LeaseCommand>().wall_expiry = TimePoint(1'001);
  variants[7].data.get<LeaseCommand>().request_id = 12;
  std::set<uint64_t> seen = {d};
  for (size_t i = 0; i < variants.size(); ++i) {
    const uint64_t v = entry_digest(variants[i]);
    EXPECT_NE(v, d) << "field " << i;
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), variants.size() + 1);
}

// The digest is part of every trace (committed records) and so of the trace
// hash: these values were computed from the entry layout before log entries
// carried typed commands, and must never change.
TEST(EntryDigest, IsPinned) {
  LeaseCommand c;
  c.resource = 2;
  c.holder = 7;
  c.ttl = seconds(5);
  c.wall_expiry = TimePoint(1'000);
  c.request_id = 11;
  EXPECT_EQ(entry_digest(make_entry(3, EntryType::kGrant, c)), 0xf469fbb99732c2c4ULL);
  EXPECT_EQ(entry_digest(make_entry(1, EntryType::kNoop)), 0x97fae86a07b0d5e3ULL);
}

}  // namespace
}  // namespace lease_table_test
}  // namespace leasesim
