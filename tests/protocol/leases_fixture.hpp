// What the tests of the leader's lease logic share (leases_*_test.cpp): a
// server config with lease options, a ready single leader, client requests
// and the GRANTED of a step.
#pragma once

#include <gtest/gtest.h>

#include "harness.hpp"
#include "leasesim/protocols/raft_lease/lease_server.hpp"

namespace leasesim::testing::leases {

inline constexpr NodeId kA = 100;
inline constexpr NodeId kB = 101;

inline ServerConfig Config(size_t n, const LeaseOptions& o = LeaseOptions{}) {
  ServerConfig c = BaseServerConfig(n);
  c.options = o;
  return c;
}

// Elects server 0 and forgets what that produced.
inline void MakeReady(Cluster& c) {
  c.start_all();
  c.elect(0);
  ASSERT_TRUE(c.server(0).ready());
  c.records.clear();
  c.to_clients.clear();
}

inline Message Acquire(NodeId from, ResourceId r, uint64_t req, Duration ttl = seconds(5),
                       NodeId to = 0) {
  return ClientMsg(MsgType::kAcquire, from, to, r, req, kNoLease, ttl);
}
inline Message Renew(NodeId from, ResourceId r, LeaseId lease, uint64_t req, NodeId to = 0) {
  return ClientMsg(MsgType::kRenew, from, to, r, req, lease);
}
inline Message Release(NodeId from, ResourceId r, LeaseId lease, uint64_t req, NodeId to = 0) {
  return ClientMsg(MsgType::kRelease, from, to, r, req, lease);
}

inline TimePoint Mono(const Cluster& c, size_t i = 0) {
  return c.clock(i).mono;
}

// The one GRANTED in `o` (a failure and an empty message if there is none).
inline Message Granted(const Out& o) {
  const auto g = o.sent(MsgType::kGranted);
  EXPECT_EQ(g.size(), 1u) << "expected exactly one GRANTED";
  return g.empty() ? Message{} : g[0];
}

// Acquires `r` for `who` through the cluster's leader and returns the lease
// once its entry has committed and the GRANTED has reached the client (a
// failure and kNoLease if there is not exactly one). The GRANTED stays in
// `c.to_clients`.
inline LeaseId CommittedLease(Cluster& c, NodeId who = kA, ResourceId r = 1, uint64_t req = 1) {
  c.client(Acquire(who, r, req));
  c.deliver_all();
  const auto g = c.client_msgs(MsgType::kGranted);
  EXPECT_EQ(g.size(), 1u) << "expected exactly one GRANTED";
  return g.empty() ? kNoLease : L(g[0]).lease;
}

}  // namespace leasesim::testing::leases
