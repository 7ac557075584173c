#include "leasesim/raft/log.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "harness.hpp"

namespace leasesim {
namespace raft_log_test {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
using testing::L;
using testing::R;
namespace {

using testing::Entry;

raft::Log LogWithTerms(const std::vector<Term>& terms) {
  raft::Log log;
  for (Term t : terms) log.append(Entry(t));
  return log;
}

std::vector<SnapshotItem> OneLease(ResourceId r, LeaseId lease) {
  LeaseRecord rec;
  rec.resource = r;
  rec.holder = 7;
  rec.lease = lease;
  rec.token = lease;
  rec.ttl = seconds(5);
  return {SnapshotItem::of(rec)};
}

TEST(RaftLog, EmptyLogHasSentinel) {
  raft::Log log;
  EXPECT_EQ(log.snapshot_index(), 0u);
  EXPECT_EQ(log.first_index(), 1u);
  EXPECT_EQ(log.last_index(), 0u);
  EXPECT_EQ(log.last_term(), 0u);
  EXPECT_TRUE(log.has(0));
  EXPECT_FALSE(log.has(1));
  EXPECT_EQ(log.term_at(0), 0u);
}

TEST(RaftLog, AppendAndTermAt) {
  raft::Log log = LogWithTerms({1, 1, 2, 3});
  EXPECT_EQ(log.last_index(), 4u);
  EXPECT_EQ(log.last_term(), 3u);
  EXPECT_EQ(log.term_at(1), 1u);
  EXPECT_EQ(log.term_at(2), 1u);
  EXPECT_EQ(log.term_at(3), 2u);
  EXPECT_EQ(log.term_at(4), 3u);
  EXPECT_EQ(log.entry_count(), 4u);
  EXPECT_TRUE(log.has(4));
  EXPECT_FALSE(log.has(5));
}

TEST(RaftLog, AtReturnsTheEntryAtItsIndex) {
  raft::Log log;
  log.append(Entry(1, EntryType::kGrant, 3, 9));
  log.append(Entry(1, EntryType::kRelease, 3, 9, 1));
  EXPECT_EQ(type_of(log.at(1)), EntryType::kGrant);
  EXPECT_EQ(command_of(log.at(1)).holder, 9u);
  EXPECT_EQ(type_of(log.at(2)), EntryType::kRelease);
  EXPECT_EQ(command_of(log.at(2)).lease, 1u);
}

TEST(RaftLog, TruncateAfterRemovesTheSuffix) {
  raft::Log log = LogWithTerms({1, 1, 2, 3});
  log.truncate_after(2);
  EXPECT_EQ(log.last_index(), 2u);
  EXPECT_EQ(log.last_term(), 1u);
  log.truncate_after(5);  // beyond the end: nothing to do
  EXPECT_EQ(log.last_index(), 2u);
  log.truncate_after(0);
  EXPECT_EQ(log.last_index(), 0u);
  EXPECT_EQ(log.last_term(), 0u);
}

TEST(RaftLog, CompactFoldsThePrefixIntoASnapshot) {
  raft::Log log = LogWithTerms({1, 1, 2, 3, 3});
  log.compact(3, OneLease(0, 2));
  EXPECT_EQ(log.snapshot_index(), 3u);
  EXPECT_EQ(log.snapshot_term(), 2u);
  EXPECT_EQ(log.first_index(), 4u);
  EXPECT_EQ(log.last_index(), 5u);
  EXPECT_EQ(log.entry_count(), 2u);
  EXPECT_EQ(log.term_at(3), 2u);  // the snapshot's own term
  EXPECT_EQ(log.term_at(4), 3u);
  EXPECT_FALSE(log.has(2));
  ASSERT_EQ(log.snapshot().size(), 1u);
  EXPECT_EQ(log.snapshot()[0].item<LeaseRecord>().lease, 2u);
  // Appending continues after the last index.
  log.append(Entry(4));
  EXPECT_EQ(log.last_index(), 6u);
  EXPECT_EQ(log.term_at(6), 4u);
  // Truncating down to the snapshot index empties the entries.
  log.truncate_after(3);
  EXPECT_EQ(log.last_index(), 3u);
  EXPECT_EQ(log.last_term(), 2u);
}

TEST(RaftLog, CompactEverything) {
  raft::Log log = LogWithTerms({1, 2});
  log.compact(2, {});
  EXPECT_EQ(log.snapshot_index(), 2u);
  EXPECT_EQ(log.last_index(), 2u);
  EXPECT_EQ(log.last_term(), 2u);
  EXPECT_EQ(log.entry_count(), 0u);
}

TEST(RaftLog, InstallKeepsTheSuffixWhenTheLogAgrees) {
  raft::Log log = LogWithTerms({1, 1, 2, 2, 3});
  log.install(3, 2, OneLease(1, 3));
  EXPECT_EQ(log.snapshot_index(), 3u);
  EXPECT_EQ(log.snapshot_term(), 2u);
  EXPECT_EQ(log.last_index(), 5u);
  EXPECT_EQ(log.term_at(4), 2u);
  EXPECT_EQ(log.term_at(5), 3u);
  ASSERT_EQ(log.snapshot().size(), 1u);
  EXPECT_EQ(log.snapshot()[0].item<LeaseRecord>().resource, 1u);
}

TEST(RaftLog, InstallDropsEverythingWhenTheTermDisagrees) {
  raft::Log log = LogWithTerms({1, 1, 2, 2, 3});
  log.install(3, 5, {});
  EXPECT_EQ(log.snapshot_index(), 3u);
  EXPECT_EQ(log.snapshot_term(), 5u);
  EXPECT_EQ(log.last_index(), 3u);
  EXPECT_EQ(log.last_term(), 5u);
  EXPECT_EQ(log.entry_count(), 0u);
}

TEST(RaftLog, InstallBeyondTheEndDropsEverything) {
  raft::Log log = LogWithTerms({1, 1});
  log.install(7, 3, OneLease(0, 6));
  EXPECT_EQ(log.snapshot_index(), 7u);
  EXPECT_EQ(log.last_index(), 7u);
  EXPECT_EQ(log.last_term(), 3u);
  EXPECT_EQ(log.entry_count(), 0u);
  EXPECT_EQ(log.snapshot().size(), 1u);
}

TEST(RaftLog, InstallOverAnEarlierSnapshot) {
  raft::Log log = LogWithTerms({1, 1, 1, 2});
  log.compact(2, {});
  log.install(3, 1, {});  // agrees at 3: keeps entry 4
  EXPECT_EQ(log.snapshot_index(), 3u);
  EXPECT_EQ(log.last_index(), 4u);
  EXPECT_EQ(log.term_at(4), 2u);
}

TEST(RaftLogDeathTest, TermAtOutsideTheLogAsserts) {
  raft::Log log = LogWithTerms({1, 1, 1});
  log.compact(2, {});
  EXPECT_DEATH((void)log.term_at(1), "term_at outside the log");
  EXPECT_DEATH((void)log.term_at(4), "term_at outside the log");
  EXPECT_DEATH(log.truncate_after(1), "truncating into the snapshot");
}

}  // namespace
}  // namespace raft_log_test
}  // namespace leasesim
