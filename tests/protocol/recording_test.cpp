// Recording of committed lease changes (issue 12, item 3): every committed
// grant, renewal, release and expiry is recorded by a leader, including the
// earlier-term entries a new leader commits with its no-op before it is
// ready; a change recorded twice (its first leader died before anyone else
// learned it committed) carries the same log index both times.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "leasesim/protocols/raft_lease/lease_server.hpp"

namespace leasesim {
namespace recording_test {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
using testing::L;
using testing::R;
namespace {

using testing::BaseServerConfig;
using testing::ClientMsg;
using testing::Cluster;

constexpr NodeId kA = 100;
constexpr ResourceId kRes = 1;

bool AppendTo(const Message& m, NodeId to) {
  return m.is(MsgType::kAppendEntries) && m.to == to;
}

// Server 0 leads a three-server core; server 1 will take over.
struct Takeover {
  Cluster c{3, BaseServerConfig(3)};
  Takeover() {
    c.start_all();
    c.elect(0);
    EXPECT_TRUE(c.server(0).ready());
    c.records.clear();
    c.to_clients.clear();
  }
  // Appends a client request at the leader and gets it to server 1 only.
  void replicate_to_1(const Message& request) {
    c.client(request);
    ASSERT_TRUE(c.deliver_one([](const Message& m) { return AppendTo(m, 1); }));
  }
  // Server 0 is cut off; server 1 is elected with server 2's vote, and its
  // no-op commits every earlier entry.
  void fail_over_to_1() {
    c.isolate(0);
    c.drop([](const Message& m) { return m.from == 0 || m.to == 0; });
    c.elect(1);
    ASSERT_EQ(c.server(1).role(), Role::kLeader);
    ASSERT_TRUE(c.server(1).ready());
  }
};

TEST(Recording, GrantCommittedThroughTheNextLeadersNoopIsRecorded) {
  Takeover t;
  t.replicate_to_1(ClientMsg(MsgType::kAcquire, kA, 0, kRes, 7));
  // Server 0 never hears that server 1 has the grant: it never applies it.
  t.c.drop();
  EXPECT_TRUE(t.c.recs(obs::kLeaseGranted).empty());
  t.fail_over_to_1();
  // The grant (index 2, after server 0's no-op) committed with server 1's
  // no-op; before the fix nobody ever recorded it.
  const auto granted = t.c.recs(obs::kLeaseGranted);
  ASSERT_EQ(granted.size(), 1u);
  EXPECT_EQ(granted[0].node, 1u);
  EXPECT_EQ(decode_as<obs::LeaseGranted>(granted[0]).resource, kRes);
  EXPECT_EQ(decode_as<obs::LeaseGranted>(granted[0]).lease, 2u);  // lease
  EXPECT_EQ(decode_as<obs::LeaseGranted>(granted[0]).holder, kA);
  EXPECT_EQ(decode_as<obs::LeaseGranted>(granted[0]).token, 2u);  // token
  EXPECT_EQ(decode_as<obs::LeaseGranted>(granted[0]).index, 2u);  // index key
  // It is recorded before the new leader is ready, and refreshed at once.
  const auto ready = t.c.recs(obs::kLeaderReady, 1);
  ASSERT_EQ(ready.size(), 1u);
  ASSERT_EQ(t.c.recs(obs::kLeaseRefreshed, 1).size(), 1u);
  EXPECT_EQ(t.c.server(1).table().slot(kRes).holder, kA);
  // Nobody was answered: the requestor's retry will be.
  EXPECT_TRUE(t.c.client_msgs(MsgType::kGranted).empty());
}

TEST(Recording, AGrantTheDeadLeaderRecordedIsRecordedAgainWithTheSameIndex) {
  Takeover t;
  t.replicate_to_1(ClientMsg(MsgType::kAcquire, kA, 0, kRes, 7));
  // Server 0 learns the commit (and records), but dies before telling.
  ASSERT_TRUE(t.c.deliver_one([](const Message& m) { return m.to == 0; }));
  ASSERT_EQ(t.c.recs(obs::kLeaseGranted).size(), 1u);
  EXPECT_EQ(t.c.server(1).commit_index(), 1u);
  t.fail_over_to_1();
  const auto granted = t.c.recs(obs::kLeaseGranted);
  ASSERT_EQ(granted.size(), 2u);
  EXPECT_EQ(granted[0].node, 0u);
  EXPECT_EQ(granted[1].node, 1u);
  // Same change, same key: observers keep the first.
  EXPECT_EQ(decode_as<obs::LeaseGranted>(granted[0]).index, 2u);
  EXPECT_EQ(decode_as<obs::LeaseGranted>(granted[1]).index, 2u);
  EXPECT_EQ(decode_as<obs::LeaseGranted>(granted[0]).lease,
            decode_as<obs::LeaseGranted>(granted[1]).lease);
}

TEST(Recording, ReleaseAndExpiryCommittedThroughTheNextLeadersNoopAreRecorded) {
  for (const MsgType op : {MsgType::kRelease, MsgType::kRenew}) {
    Takeover t;
    t.c.client(ClientMsg(MsgType::kAcquire, kA, 0, kRes, 7));
    t.c.deliver_all();
    ASSERT_EQ(t.c.server(0).table().slot(kRes).lease, 2u);
    t.c.records.clear();
    if (op == MsgType::kRelease) {
      t.replicate_to_1(ClientMsg(MsgType::kRelease, kA, 0, kRes, 8, 2));
    } else {
      // A renewal after the lease ran out on the leader's clock: the
      // leader logs the expiry.
      t.c.advance(seconds(6));
      t.replicate_to_1(ClientMsg(MsgType::kRenew, kA, 0, kRes, 8, 2));
    }
    t.c.drop();
    EXPECT_TRUE(t.c.recs(obs::kLeaseFreed).empty());
    t.fail_over_to_1();
    const auto freed = t.c.recs(obs::kLeaseFreed);
    ASSERT_EQ(freed.size(), 1u) << to_string(op);
    EXPECT_EQ(freed[0].node, 1u);
    EXPECT_EQ(decode_as<obs::LeaseFreed>(freed[0]).lease, 2u);
    EXPECT_EQ(decode_as<obs::LeaseFreed>(freed[0]).reason,
              (op == MsgType::kRelease ? FreeReason::kReleased : FreeReason::kExpired));
    EXPECT_EQ(decode_as<obs::LeaseFreed>(freed[0]).index,
              3u);  // the release/expire entry, after the grant at 2
    EXPECT_EQ(t.c.server(1).table().slot(kRes).lease, kNoLease);
  }
}

TEST(Recording, LoggedRenewalCommittedThroughTheNextLeadersNoopIsRecorded) {
  Takeover t;
  t.c.client(ClientMsg(MsgType::kAcquire, kA, 0, kRes, 7));
  t.c.deliver_all();
  t.c.records.clear();
  t.replicate_to_1(ClientMsg(MsgType::kRenew, kA, 0, kRes, 8, 2));
  t.c.drop();
  t.fail_over_to_1();
  const auto renewed = t.c.recs(obs::kLeaseRenewed);
  ASSERT_EQ(renewed.size(), 1u);
  EXPECT_EQ(renewed[0].node, 1u);
  EXPECT_EQ(decode_as<obs::LeaseRenewed>(renewed[0]).lease, 2u);
  EXPECT_EQ(decode_as<obs::LeaseRenewed>(renewed[0]).index, 3u);  // the renew entry's index
}

TEST(Recording, OwnTermChangesCarryTheirIndexAndUnloggedOnesZero) {
  Takeover t;
  t.c.client(ClientMsg(MsgType::kAcquire, kA, 0, kRes, 7));
  t.c.deliver_all();
  const auto granted = t.c.recs(obs::kLeaseGranted);
  ASSERT_EQ(granted.size(), 1u);
  EXPECT_EQ(decode_as<obs::LeaseGranted>(granted[0]).index, 2u);

  LeaseOptions o;
  o.renewals = RenewalPath::kMemory;
  o.grant_reply = GrantReply::kImmediate;
  ServerConfig cfg = BaseServerConfig(1);
  cfg.options = o;
  Cluster one(1, cfg);
  one.start_all();
  one.elect(0);
  one.records.clear();
  one.client(ClientMsg(MsgType::kAcquire, kA, 0, kRes, 7));
  one.client(ClientMsg(MsgType::kRenew, kA, 0, kRes, 8, 2));
  ASSERT_EQ(one.recs(obs::kLeaseGranted).size(), 1u);
  EXPECT_EQ(decode_as<obs::LeaseGranted>(one.recs(obs::kLeaseGranted)[0]).index,
            0u);  // a promise, not a commit
  ASSERT_EQ(one.recs(obs::kLeaseRenewed).size(), 1u);
  EXPECT_EQ(decode_as<obs::LeaseRenewed>(one.recs(obs::kLeaseRenewed)[0]).index,
            0u);  // not a log entry
}

}  // namespace
}  // namespace recording_test
}  // namespace leasesim
