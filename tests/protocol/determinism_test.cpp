// The same inputs to two fresh nodes with the same Rng seed give identical
// Effects, bit for bit.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "leasesim/protocols/raft_lease/lease_server.hpp"
#include "leasesim/protocols/raft_lease/requestor.hpp"

namespace leasesim {
namespace determinism_test {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
using testing::L;
using testing::R;
namespace {

using testing::ClientMsg;
using testing::Cluster;
using testing::Driver;
using testing::Out;

void ExpectSameMessage(const Message& a, const Message& b) {
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.from, b.from);
  EXPECT_EQ(a.to, b.to);
  EXPECT_EQ(a.resource, b.resource);
  ASSERT_EQ(a.payload_tag, b.payload_tag);
  if (a.payload_tag == LeaseMsg::kTag) {
    EXPECT_EQ(L(a).request_id, L(b).request_id);
    EXPECT_EQ(L(a).lease, L(b).lease);
    EXPECT_EQ(L(a).token, L(b).token);
    EXPECT_EQ(L(a).ttl, L(b).ttl);
    EXPECT_EQ(L(a).error, L(b).error);
    EXPECT_EQ(L(a).holder, L(b).holder);
    EXPECT_EQ(L(a).leader_hint, L(b).leader_hint);
    EXPECT_EQ(L(a).success, L(b).success);
  } else {
    EXPECT_EQ(R(a).term, R(b).term);
    EXPECT_EQ(R(a).index, R(b).index);
    EXPECT_EQ(R(a).log_term, R(b).log_term);
    EXPECT_EQ(R(a).commit, R(b).commit);
    EXPECT_EQ(R(a).stamp, R(b).stamp);
    EXPECT_EQ(R(a).success, R(b).success);
  }
  ASSERT_EQ(a.entries.size(), b.entries.size());
  for (size_t i = 0; i < a.entries.size(); ++i)
    EXPECT_EQ(entry_digest(a.entries[i]), entry_digest(b.entries[i]));
  EXPECT_EQ(a.snapshot.size(), b.snapshot.size());
}

void ExpectSameOut(const Out& a, const Out& b) {
  ASSERT_EQ(a.msgs.size(), b.msgs.size());
  for (size_t i = 0; i < a.msgs.size(); ++i) ExpectSameMessage(a.msgs[i], b.msgs[i]);
  ASSERT_EQ(a.timers.size(), b.timers.size());
  for (size_t i = 0; i < a.timers.size(); ++i) {
    EXPECT_EQ(a.timers[i].clock, b.timers[i].clock);
    EXPECT_EQ(a.timers[i].deadline, b.timers[i].deadline);
    EXPECT_EQ(a.timers[i].kind, b.timers[i].kind);
    EXPECT_EQ(a.timers[i].arg, b.timers[i].arg);
  }
  ASSERT_EQ(a.records.size(), b.records.size());
  for (size_t i = 0; i < a.records.size(); ++i) {
    EXPECT_EQ(a.records[i].kind, b.records[i].kind);
    EXPECT_EQ(a.records[i].f, b.records[i].f);
  }
}

// A scripted run of a 3-server core with two clients; returns everything
// every step produced, in order.
Out ScriptedCoreRun(uint64_t seed) {
  ServerConfig base = testing::BaseServerConfig(3);
  base.options.check_quorum = QuorumCheck::kTick;
  base.core.snapshot_threshold = 3;
  Cluster c(3, base, seed);
  Out all;
  for (size_t i = 0; i < 3; ++i) all.append(c.start(i));
  all.append(c.elect(0));
  all.append(c.client(ClientMsg(MsgType::kAcquire, 100, 0, 1, 1)));
  all.append(c.deliver_all());
  all.append(c.client(ClientMsg(MsgType::kAcquire, 101, 0, 1, 1)));
  all.append(c.client(ClientMsg(MsgType::kAcquire, 101, 0, 2, 2)));
  all.append(c.deliver_all());
  all.append(c.fire(0, LeaseServer::kHeartbeatTimer));
  all.append(c.deliver_all());
  all.append(c.fire(0, LeaseServer::kExpiryTimer));
  all.append(c.deliver_all());
  c.isolate(0);
  all.append(c.fire(0, LeaseServer::kQuorumTimer));
  all.append(c.fire(0, LeaseServer::kQuorumTimer));
  all.append(c.elect(1));
  return all;
}

TEST(Determinism, SameSeedSameServerEffects) {
  const Out a = ScriptedCoreRun(7);
  const Out b = ScriptedCoreRun(7);
  EXPECT_GT(a.msgs.size(), 20u);
  EXPECT_GT(a.records.size(), 20u);
  ExpectSameOut(a, b);
}

TEST(Determinism, TheSeedDrivesTheElectionTimeouts) {
  auto first_timeout = [](uint64_t seed) {
    ServerDisk disk;
    LeaseServer s(testing::BaseServerConfig(3), disk, Rng(seed));
    Effects fx;
    s.start(LocalClocks{}, fx);
    EXPECT_FALSE(fx.timers().empty());
    return fx.timers().empty() ? TimePoint() : fx.timers()[0].deadline;
  };
  EXPECT_EQ(first_timeout(3), first_timeout(3));
  EXPECT_NE(first_timeout(3), first_timeout(4));
}

Out ScriptedRequestorRun(uint64_t seed) {
  RequestorConfig cfg;
  cfg.self = 100;
  cfg.servers = {0, 1, 2};
  cfg.storage = 50;
  cfg.resources = {0, 1, 2};
  cfg.choice = ResourceChoice::kRandom;
  cfg.write_every = milliseconds(300);
  Requestor r(cfg, Rng(seed));
  Driver d(&r);
  Out all;
  all.append(d.start());
  for (int round = 0; round < 3; ++round) {
    const Out wake = d.fire(Requestor::kWakeTimer);
    all.append(wake);
    const Message a = wake.sent(MsgType::kAcquire).at(0);
    Message g;
    g = testing::LeaseMessage(MsgType::kGranted, a.to, a.from);
    g.resource = a.resource;
    L(g).request_id = L(a).request_id;
    L(g).lease = L(g).token = 10 + static_cast<uint64_t>(round);
    L(g).ttl = seconds(5);
    d.advance(milliseconds(20));
    all.append(d.deliver(g));
    all.append(d.fire(Requestor::kWorkCheckTimer));
    all.append(d.fire(Requestor::kWorkWriteTimer));
    all.append(d.fire(Requestor::kRenewTimer));
    const Out end = d.fire(Requestor::kHoldEndTimer);
    all.append(end);
    const Message rel = end.sent(MsgType::kRelease).at(0);
    Message done;
    done = testing::LeaseMessage(MsgType::kReleased, rel.to, rel.from);
    L(done).request_id = L(rel).request_id;
    all.append(d.deliver(done));
  }
  return all;
}

TEST(Determinism, SameSeedSameRequestorEffects) {
  const Out a = ScriptedRequestorRun(11);
  const Out b = ScriptedRequestorRun(11);
  EXPECT_GT(a.records.size(), 10u);
  ExpectSameOut(a, b);
}

}  // namespace
}  // namespace determinism_test
}  // namespace leasesim
