// What the requestor's tests share (requestor_*_test.cpp): a requestor
// config for one resource, replies to its requests, and a requestor driven
// through its first ACQUIRE.
#pragma once

#include <gtest/gtest.h>

#include "harness.hpp"
#include "leasesim/protocols/raft_lease/requestor.hpp"

namespace leasesim::testing::requestor {

inline constexpr NodeId kSelf = 100;
inline constexpr NodeId kStorage = 50;
inline constexpr ResourceId kRes = 3;
inline constexpr LeaseId kLease = 7;

inline RequestorConfig Config(const LeaseOptions& o = LeaseOptions{}) {
  RequestorConfig c;
  c.self = kSelf;
  c.servers = {0, 1, 2};
  c.storage = kStorage;
  c.resources = {kRes};
  c.options = o;
  c.ttl = seconds(5);
  c.renew_every = seconds(1);
  c.start_after = seconds(1);
  c.think_min = c.think_max = Duration::zero();
  c.hold_min = c.hold_max = seconds(2);
  c.backoff_min = c.backoff_max = milliseconds(500);
  c.request_timeout = seconds(1);
  return c;
}

inline Message Reply(MsgType type, const Message& req) {
  Message m = testing::LeaseMessage(type, req.to, req.from, req.resource);
  L(m).request_id = L(req).request_id;
  L(m).attempt = L(req).attempt;  // the server's immediate answers echo it
  L(m).lease = L(req).lease;
  return m;
}

inline Message GrantFor(const Message& acquire, Duration ttl = seconds(5)) {
  Message m = Reply(MsgType::kGranted, acquire);
  L(m).lease = kLease;
  L(m).token = kLease;
  L(m).ttl = ttl;
  return m;
}

// A requestor with a driver; `acquire` is its first ACQUIRE.
struct Harness {
  explicit Harness(const RequestorConfig& cfg, uint64_t seed = 1) : r(cfg, Rng(seed)), d(&r) {
    start = d.start();
    wake = d.fire(Requestor::kWakeTimer);
    const auto a = wake.sent(MsgType::kAcquire);
    EXPECT_EQ(a.size(), 1u);
    if (!a.empty()) acquire = a[0];
    sent_at = d.now.mono;
  }
  // Delivers GRANTED `after` the acquire was sent.
  Out grant(Duration after = milliseconds(200), Duration ttl = seconds(5)) {
    d.advance(after);
    return d.deliver(GrantFor(acquire, ttl));
  }
  Requestor r;
  Driver d;
  Out start, wake;
  Message acquire;
  TimePoint sent_at;
};

inline Record Only(const Out& o, uint16_t kind) {
  const auto r = o.recs(kind);
  EXPECT_EQ(r.size(), 1u) << "kind " << kind;
  return r.empty() ? Record{} : r[0];
}

}  // namespace leasesim::testing::requestor
