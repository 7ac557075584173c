// LeaseServer log replication: AppendEntries, commit, apply, conflicts,
// back-off, snapshots.
#include <gtest/gtest.h>

#include <vector>

#include "harness.hpp"
#include "leasesim/protocols/raft_lease/lease_server.hpp"

namespace leasesim {
namespace replication_test {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
using testing::L;
using testing::R;
namespace {

using testing::BaseServerConfig;
using testing::ClientMsg;
using testing::Cluster;
using testing::Entry;
using testing::Out;

constexpr NodeId kClient = 100;

void Fill(ServerDisk& disk, Term term, std::initializer_list<Term> entry_terms) {
  disk.term = term;
  for (Term t : entry_terms) disk.log.append(Entry(t));
}

std::vector<Term> Terms(const raft::Log& log) {
  std::vector<Term> t;
  for (LogIndex i = log.first_index(); i <= log.last_index(); ++i) t.push_back(log.term_at(i));
  return t;
}

void ExpectSameTable(const LeaseTable& a, const LeaseTable& b) {
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a.held_count(), b.held_count());
  for (ResourceId r = 0; r < a.size(); ++r) {
    EXPECT_EQ(a.slot(r).lease, b.slot(r).lease) << r;
    EXPECT_EQ(a.slot(r).holder, b.slot(r).holder) << r;
    EXPECT_EQ(a.slot(r).token, b.slot(r).token) << r;
    EXPECT_EQ(a.slot(r).ttl, b.slot(r).ttl) << r;
    EXPECT_EQ(a.slot(r).wall_expiry, b.slot(r).wall_expiry) << r;
    EXPECT_EQ(a.slot(r).request_id, b.slot(r).request_id) << r;
  }
}

Message AppendEntries(NodeId from, NodeId to, Term term, LogIndex prev, Term prev_term,
                      std::vector<LogEntry> entries = {}, LogIndex commit = 0) {
  Message m;
  m = testing::RaftMessage(MsgType::kAppendEntries, from, to);
  R(m).term = term;
  R(m).index = prev;
  R(m).log_term = prev_term;
  m.entries = std::move(entries);
  R(m).commit = commit;
  return m;
}

TEST(Replication, LeaderSendsNewEntriesToEveryFollower) {
  Cluster c(3);
  c.start_all();
  c.elect(0);
  ASSERT_TRUE(c.server(0).ready());
  const Out o = c.client(ClientMsg(MsgType::kAcquire, kClient, 0, 1, 1));
  EXPECT_EQ(c.server(0).log().last_index(), 2u);
  EXPECT_EQ(type_of(c.server(0).log().at(2)), EntryType::kGrant);
  const auto ae = o.sent(MsgType::kAppendEntries);
  ASSERT_EQ(ae.size(), 2u);
  EXPECT_EQ(ae[0].to, 1u);
  EXPECT_EQ(ae[1].to, 2u);
  for (const Message& m : ae) {
    EXPECT_EQ(R(m).term, 1u);
    EXPECT_EQ(R(m).index, 1u);
    EXPECT_EQ(R(m).log_term, 1u);
    EXPECT_EQ(R(m).commit, 1u);
    ASSERT_EQ(m.entries.size(), 1u);
    EXPECT_EQ(type_of(m.entries[0]), EntryType::kGrant);
    EXPECT_EQ(command_of(m.entries[0]).resource, 1u);
    EXPECT_EQ(command_of(m.entries[0]).holder, kClient);
  }
  EXPECT_EQ(c.server(0).commit_index(), 1u);
  EXPECT_EQ(o.count(MsgType::kGranted), 0u);
}

TEST(Replication, CommitsAtMajorityAndAppliesInOrder) {
  Cluster c(3);
  c.start_all();
  c.elect(0);
  c.records.clear();
  for (ResourceId r = 0; r < 3; ++r) c.client(ClientMsg(MsgType::kAcquire, kClient, 0, r, r + 1));
  ASSERT_EQ(c.server(0).log().last_index(), 4u);
  // Only server 1 hears about them: it and the leader are a majority.
  c.drop([](const Message& m) { return m.to == 2; });
  c.deliver_all();
  EXPECT_EQ(c.server(0).commit_index(), 4u);
  const auto committed = c.recs(obs::kCommitted, 0);
  ASSERT_EQ(committed.size(), 3u);
  for (size_t k = 0; k < committed.size(); ++k) {
    const LogIndex index = 2 + k;
    EXPECT_EQ(decode_as<obs::Committed>(committed[k]).index, index);
    EXPECT_EQ(decode_as<obs::Committed>(committed[k]).term, 1u);
    EXPECT_EQ(decode_as<obs::Committed>(committed[k]).digest,
              entry_digest(c.server(0).log().at(index)));
  }
  const auto granted = c.client_msgs(MsgType::kGranted);
  ASSERT_EQ(granted.size(), 3u);
  for (size_t k = 0; k < 3; ++k) EXPECT_EQ(L(granted[k]).lease, 2 + k);
  EXPECT_EQ(c.server(0).table().held_count(), 3u);
  EXPECT_EQ(c.server(2).log().last_index(), 1u);
}

TEST(Replication, NoCommitWithoutAMajority) {
  Cluster c(3);
  c.start_all();
  c.elect(0);
  c.client(ClientMsg(MsgType::kAcquire, kClient, 0, 1, 1));
  c.drop();
  EXPECT_EQ(c.server(0).commit_index(), 1u);
  EXPECT_TRUE(c.client_msgs(MsgType::kGranted).empty());
}

TEST(Replication, CommitIndexReachesFollowersOnTheNextAppendEntries) {
  Cluster c(3);
  c.start_all();
  c.elect(0);
  c.client(ClientMsg(MsgType::kAcquire, kClient, 0, 1, 1));
  c.deliver_all();
  ASSERT_EQ(c.server(0).commit_index(), 2u);
  EXPECT_EQ(c.server(1).commit_index(), 1u);
  EXPECT_EQ(c.server(1).table().slot(1).lease, kNoLease);
  c.records.clear();
  c.advance(milliseconds(50));
  const Out hb = c.fire(0, LeaseServer::kHeartbeatTimer);
  const auto ae = hb.sent(MsgType::kAppendEntries);
  ASSERT_EQ(ae.size(), 2u);
  for (const Message& m : ae) {
    EXPECT_TRUE(m.entries.empty());
    EXPECT_EQ(R(m).commit, 2u);
  }
  c.deliver_all();
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(c.server(i).commit_index(), 2u);
    const auto committed = c.recs(obs::kCommitted, i);
    ASSERT_EQ(committed.size(), 1u) << i;
    EXPECT_EQ(decode_as<obs::Committed>(committed[0]).index, 2u);
    EXPECT_EQ(decode_as<obs::Committed>(committed[0]).digest,
              entry_digest(c.server(0).log().at(2)));
    ExpectSameTable(c.server(i).table(), c.server(0).table());
  }
  EXPECT_EQ(c.server(1).table().slot(1).lease, 2u);
}

TEST(Replication, HeartbeatSkipsFollowersThatGotEntriesRecently) {
  Cluster c(3);
  c.start_all();
  c.elect(0);
  c.advance(milliseconds(30));
  c.client(ClientMsg(MsgType::kAcquire, kClient, 0, 1, 1));
  c.deliver_all();
  const Out hb = c.fire(0, LeaseServer::kHeartbeatTimer);  // 20ms after the entries
  EXPECT_EQ(hb.count(MsgType::kAppendEntries), 0u);
  EXPECT_EQ(hb.timers_of(LeaseServer::kHeartbeatTimer).size(), 1u);
}

TEST(Replication, FollowerRejectsAMismatchedPrevWithAHint) {
  Cluster c(3);
  Fill(c.disk(1), 2, {1, 1, 2, 2});
  c.start_all();
  // prev beyond the follower's log: retry from its last index.
  Out beyond = c.inject(AppendEntries(0, 1, 3, 6, 3));
  ASSERT_EQ(beyond.count(MsgType::kAppendReply), 1u);
  EXPECT_FALSE(R(beyond.sent(MsgType::kAppendReply)[0]).success);
  EXPECT_EQ(R(beyond.sent(MsgType::kAppendReply)[0]).index, 4u);
  EXPECT_EQ(R(beyond.sent(MsgType::kAppendReply)[0]).term, 3u);
  // prev's term conflicts: retry from before the conflicting term.
  Out conflict = c.inject(AppendEntries(0, 1, 3, 4, 3));
  EXPECT_FALSE(R(conflict.sent(MsgType::kAppendReply)[0]).success);
  EXPECT_EQ(R(conflict.sent(MsgType::kAppendReply)[0]).index, 2u);
  EXPECT_EQ(Terms(c.server(1).log()), (std::vector<Term>{1, 1, 2, 2}));  // untouched
  EXPECT_EQ(c.server(1).leader(), 0u);
}

TEST(Replication, FollowerRejectsAStaleTerm) {
  Cluster c(3);
  Fill(c.disk(1), 5, {1});
  c.start_all();
  Out o = c.inject(AppendEntries(0, 1, 3, 1, 1, {Entry(3)}));
  ASSERT_EQ(o.count(MsgType::kAppendReply), 1u);
  EXPECT_FALSE(R(o.sent(MsgType::kAppendReply)[0]).success);
  EXPECT_EQ(R(o.sent(MsgType::kAppendReply)[0]).term, 5u);
  EXPECT_EQ(c.server(1).log().last_index(), 1u);
  EXPECT_EQ(c.server(1).leader(), kInvalidNode);
}

TEST(Replication, FollowerKeepsMatchingEntriesAndTruncatesOnlyAtAConflict) {
  Cluster c(3);
  Fill(c.disk(1), 2, {1, 1, 2});
  c.start_all();
  // A repeat of entries it already has changes nothing (and keeps index 3).
  Out same = c.inject(AppendEntries(0, 1, 2, 0, 0, {Entry(1), Entry(1)}));
  EXPECT_TRUE(R(same.sent(MsgType::kAppendReply)[0]).success);
  EXPECT_EQ(R(same.sent(MsgType::kAppendReply)[0]).index, 2u);
  EXPECT_EQ(Terms(c.server(1).log()), (std::vector<Term>{1, 1, 2}));
  // A conflicting entry at 2 replaces 2 and everything after it.
  Out conflict = c.inject(AppendEntries(0, 1, 3, 1, 1, {Entry(3)}));
  EXPECT_TRUE(R(conflict.sent(MsgType::kAppendReply)[0]).success);
  EXPECT_EQ(R(conflict.sent(MsgType::kAppendReply)[0]).index, 2u);
  EXPECT_EQ(Terms(c.server(1).log()), (std::vector<Term>{1, 3}));
}

TEST(Replication, LaggingFollowerIsBackedOffAndCaughtUp) {
  ServerConfig base = BaseServerConfig(3);
  Cluster c(3, base);
  c.start_all();
  c.elect(0);
  c.isolate(2);
  for (ResourceId r = 0; r < 3; ++r) {
    c.client(ClientMsg(MsgType::kAcquire, kClient, 0, r, r + 1));
    c.deliver_all();
  }
  ASSERT_EQ(c.server(0).commit_index(), 4u);
  ASSERT_EQ(c.server(2).log().last_index(), 1u);
  c.heal(2);
  c.advance(milliseconds(50));
  c.fire(0, LeaseServer::kHeartbeatTimer);
  // The heartbeat's prev is beyond server 2's log: it rejects with a hint.
  auto reply = c.deliver_one([](const Message& m) { return m.to == 2; });
  ASSERT_TRUE(reply);
  const auto rej = reply->sent(MsgType::kAppendReply);
  ASSERT_EQ(rej.size(), 1u);
  EXPECT_FALSE(R(rej[0]).success);
  EXPECT_EQ(R(rej[0]).index, 1u);
  // The leader retries from the hint with the missing entries.
  auto retry = c.deliver_one([](const Message& m) { return m.from == 2; });
  ASSERT_TRUE(retry);
  const auto ae = retry->sent(MsgType::kAppendEntries);
  ASSERT_EQ(ae.size(), 1u);
  EXPECT_EQ(ae[0].to, 2u);
  EXPECT_EQ(R(ae[0]).index, 1u);
  EXPECT_EQ(ae[0].entries.size(), 3u);
  EXPECT_EQ(R(ae[0]).commit, 4u);
  c.deliver_all();
  EXPECT_EQ(Terms(c.server(2).log()), Terms(c.server(0).log()));
  EXPECT_EQ(c.server(2).commit_index(), 4u);
  ExpectSameTable(c.server(2).table(), c.server(0).table());
}

TEST(Replication, ProbeRespectsMaxAppendEntries) {
  ServerConfig base = BaseServerConfig(3);
  base.core.max_append_entries = 2;
  Cluster c(3, base);
  c.start_all();
  c.elect(0);
  c.isolate(2);
  for (ResourceId r = 0; r < 3; ++r) {
    c.client(ClientMsg(MsgType::kAcquire, kClient, 0, r, r + 1));
    c.deliver_all();
  }
  c.heal(2);
  c.advance(milliseconds(50));
  c.fire(0, LeaseServer::kHeartbeatTimer);
  const Out all = c.deliver_all();
  for (const Message& m : all.sent(MsgType::kAppendEntries)) EXPECT_LE(m.entries.size(), 2u);
  EXPECT_EQ(Terms(c.server(2).log()), Terms(c.server(0).log()));
  EXPECT_EQ(c.server(2).commit_index(), 4u);
}

TEST(Replication, ConflictingUncommittedFollowerEntriesAreOverwritten) {
  Cluster c(3);
  Fill(c.disk(0), 3, {1, 2, 2});
  Fill(c.disk(1), 3, {1, 2});
  c.disk(2).term = 3;
  c.disk(2).log.append(Entry(1));
  for (int i = 0; i < 3; ++i) c.disk(2).log.append(Entry(1, EntryType::kGrant, 0, 77));
  c.start_all();
  const Out o = c.elect(0);
  ASSERT_EQ(c.server(0).role(), Role::kLeader);
  ASSERT_TRUE(c.server(0).ready());
  // Server 2 first refused the probe, hinting at the start of its term-1 run.
  std::vector<Message> from2;
  for (const Message& m : o.sent(MsgType::kAppendReply))
    if (m.from == 2) from2.push_back(m);
  ASSERT_GE(from2.size(), 2u);
  EXPECT_FALSE(R(from2[0]).success);
  EXPECT_EQ(R(from2[0]).index, 0u);
  EXPECT_TRUE(R(from2.back()).success);
  EXPECT_EQ(R(from2.back()).index, 4u);
  // Its log is now the leader's, and its stale grants are gone.
  EXPECT_EQ(Terms(c.server(2).log()), (std::vector<Term>{1, 2, 2, 4}));
  EXPECT_EQ(type_of(c.server(2).log().at(2)), EntryType::kNoop);
  c.advance(milliseconds(50));
  c.fire(0, LeaseServer::kHeartbeatTimer);
  c.deliver_all();
  EXPECT_EQ(c.server(2).commit_index(), 4u);
  EXPECT_EQ(c.server(2).table().held_count(), 0u);
}

TEST(Replication, EntriesOfAnEarlierTermCommitWithTheNewLeadersNoop) {
  Cluster c(3);
  Fill(c.disk(0), 1, {1});
  LogEntry grant = Entry(1, EntryType::kGrant, 2, kClient);
  grant.data.get<LeaseCommand>().ttl = seconds(5);
  c.disk(0).log.append(grant);
  Fill(c.disk(1), 1, {1});
  c.start_all();
  c.elect(0);
  ASSERT_TRUE(c.server(0).ready());
  EXPECT_EQ(c.server(0).commit_index(), 3u);
  EXPECT_EQ(c.server(0).table().slot(2).lease, 2u);
  const auto committed = c.recs(obs::kCommitted, 0);
  ASSERT_EQ(committed.size(), 3u);
  EXPECT_EQ(decode_as<obs::Committed>(committed[0]).index, 1u);
  EXPECT_EQ(decode_as<obs::Committed>(committed[1]).index, 2u);
  EXPECT_EQ(decode_as<obs::Committed>(committed[2]).index, 3u);
  EXPECT_EQ(decode_as<obs::Committed>(committed[2]).term, 2u);
}

TEST(Replication, LaggingFollowerReceivesASnapshot) {
  ServerConfig base = BaseServerConfig(3);
  base.core.snapshot_threshold = 4;
  Cluster c(3, base);
  c.start_all();
  c.elect(0);
  c.isolate(2);
  uint64_t req = 1;
  for (ResourceId r = 0; r < 4; ++r) {
    c.client(ClientMsg(MsgType::kAcquire, kClient, 0, r, req++));
    c.deliver_all();
  }
  // Release one so the snapshot is not just grants.
  const LeaseId lease1 = c.server(0).table().slot(1).lease;
  c.client(ClientMsg(MsgType::kRelease, kClient, 0, 1, req++, lease1));
  c.deliver_all();
  ASSERT_EQ(c.server(0).commit_index(), 6u);
  ASSERT_EQ(c.server(0).log().snapshot_index(), 4u);
  EXPECT_EQ(c.server(0).log().snapshot().size(), 3u);
  EXPECT_EQ(c.server(2).log().last_index(), 1u);

  c.heal(2);
  c.advance(milliseconds(50));
  c.fire(0, LeaseServer::kHeartbeatTimer);
  const Out all = c.deliver_all();
  const auto snaps = all.sent(MsgType::kInstallSnapshot);
  ASSERT_EQ(snaps.size(), 1u);
  EXPECT_EQ(snaps[0].to, 2u);
  EXPECT_EQ(R(snaps[0]).index, 4u);
  EXPECT_EQ(R(snaps[0]).log_term, 1u);
  EXPECT_EQ(snaps[0].snapshot.size(), 3u);
  const auto installed = c.recs(obs::kSnapshot, 2);
  ASSERT_EQ(installed.size(), 1u);
  EXPECT_EQ(decode_as<obs::SnapshotInstalled>(installed[0]).index, 4u);
  EXPECT_EQ(decode_as<obs::SnapshotInstalled>(installed[0]).term, 1u);
  EXPECT_EQ(c.server(2).log().snapshot_index(), 4u);
  // The entries after the snapshot follow it; the next heartbeat commits them.
  EXPECT_EQ(c.server(2).log().last_index(), 6u);
  c.advance(milliseconds(50));
  c.fire(0, LeaseServer::kHeartbeatTimer);
  c.deliver_all();
  EXPECT_EQ(c.server(2).commit_index(), 6u);
  ExpectSameTable(c.server(2).table(), c.server(0).table());
  EXPECT_EQ(c.server(2).table().slot(1).lease, kNoLease);
  EXPECT_EQ(c.server(2).table().held_count(), 3u);
  // And a restart rebuilds the table from the snapshot on disk.
  c.start(2);
  EXPECT_EQ(c.server(2).commit_index(), 4u);
  EXPECT_EQ(c.server(2).table().held_count(), 3u);  // as of index 4
}

TEST(Replication, InstallSnapshotClaimsOnlyTheSnapshotIndexAsMatched) {
  // Server 1 agrees with the snapshot at index 2 but holds two more entries
  // of an old term the new leader never had. Its reply must not claim them:
  // the leader would count them as its own entries 3 and 4 when committing.
  Cluster c(3);
  Fill(c.disk(1), 1, {1, 1, 1, 1});
  c.start_all();
  Message snap;
  snap = testing::RaftMessage(MsgType::kInstallSnapshot, 0, 1);
  R(snap).term = 2;
  R(snap).index = 2;
  R(snap).log_term = 1;
  const Out o = c.inject(snap);
  ASSERT_EQ(o.count(MsgType::kAppendReply), 1u);
  const Message r = o.sent(MsgType::kAppendReply)[0];
  EXPECT_TRUE(R(r).success);
  EXPECT_EQ(R(r).index, 2u);
  EXPECT_EQ(c.server(1).log().snapshot_index(), 2u);
  EXPECT_EQ(c.server(1).commit_index(), 2u);
  // The leader's real entries 3.. then replace the stale suffix.
  Out ae = c.inject(AppendEntries(0, 1, 2, 2, 1, {Entry(2)}, 3));
  EXPECT_TRUE(R(ae.sent(MsgType::kAppendReply)[0]).success);
  EXPECT_EQ(R(ae.sent(MsgType::kAppendReply)[0]).index, 3u);
  EXPECT_EQ(c.server(1).log().last_index(), 3u);
  EXPECT_EQ(c.server(1).log().term_at(3), 2u);
  EXPECT_EQ(c.server(1).commit_index(), 3u);
}

TEST(Replication, StaleInstallSnapshotIsAnsweredWithTheCommitIndex) {
  Cluster c(3);
  c.start_all();
  c.elect(0);
  c.client(ClientMsg(MsgType::kAcquire, kClient, 0, 1, 1));
  c.deliver_all();
  c.advance(milliseconds(50));
  c.fire(0, LeaseServer::kHeartbeatTimer);
  c.deliver_all();
  ASSERT_EQ(c.server(1).commit_index(), 2u);
  Message snap;
  snap = testing::RaftMessage(MsgType::kInstallSnapshot, 0, 1);
  R(snap).term = 1;
  R(snap).index = 1;
  R(snap).log_term = 1;
  const Out o = c.inject(snap);
  EXPECT_TRUE(R(o.sent(MsgType::kAppendReply)[0]).success);
  EXPECT_EQ(R(o.sent(MsgType::kAppendReply)[0]).index, 2u);
  EXPECT_EQ(c.server(1).table().slot(1).lease, 2u);  // not rolled back
  EXPECT_EQ(o.count_records(obs::kSnapshot), 0u);
}

TEST(Replication, LeaderCompactsAndStillServes) {
  ServerConfig base = BaseServerConfig(1);
  base.core.snapshot_threshold = 2;
  Cluster c(1, base);
  c.start_all();
  c.elect(0);
  for (uint64_t k = 0; k < 5; ++k) {
    c.client(ClientMsg(MsgType::kAcquire, kClient, 0, 0, 2 * k + 1));
    const LeaseId lease = c.server(0).table().slot(0).lease;
    ASSERT_NE(lease, kNoLease);
    c.client(ClientMsg(MsgType::kRelease, kClient, 0, 0, 2 * k + 2, lease));
    ASSERT_EQ(c.server(0).table().slot(0).lease, kNoLease);
  }
  EXPECT_EQ(c.server(0).commit_index(), 11u);
  EXPECT_GE(c.server(0).log().snapshot_index(), 10u);
  EXPECT_LE(c.server(0).log().entry_count(), 1u);
}

}  // namespace
}  // namespace replication_test
}  // namespace leasesim
