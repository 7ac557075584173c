// A restarted requestor must not reuse the request ids of its previous
// life: the core answers a known (holder, request id) as a retry.
#include <gtest/gtest.h>

#include "leasesim/protocols/raft_lease/requestor.hpp"

namespace leasesim {
namespace requestor_restart_test {

using namespace raft_lease;  // NOLINT: the tests of raft-lease's nodes
namespace {

uint64_t first_acquire_id(uint64_t stream_seed) {
  RequestorConfig c;
  c.self = 3;
  c.servers = {0, 1, 2};
  c.resources = {0};
  c.think_min = c.think_max = Duration::zero();
  Requestor r(c, Rng::for_stream(stream_seed, "node/alice"));
  Effects out;
  const LocalClocks t0{TimePoint(0), TimePoint(0)};
  r.start(t0, out);
  EXPECT_EQ(out.timers().size(), 1u);
  const TimerRequest wake = out.timers()[0];
  out.clear();
  r.on_timer(TimerFire{wake.kind, wake.arg}, t0, out);
  EXPECT_EQ(out.message_count(), 1u);
  EXPECT_TRUE(out.message(0).is(MsgType::kAcquire));
  return out.message(0).as<LeaseMsg>().request_id;
}

TEST(RequestorRestart, EachIncarnationUsesFreshRequestIds) {
  // Incarnations draw from different streams ("node/alice", then
  // "node/alice/1", ...); here: different seeds stand for them.
  const uint64_t a = first_acquire_id(1);
  const uint64_t b = first_acquire_id(2);
  EXPECT_NE(a, b);
  EXPECT_EQ(a & 0xFFFFFFFFULL, 1u) << "the counter part starts at 1";
  EXPECT_EQ(first_acquire_id(1), a) << "deterministic per stream";
}

}  // namespace
}  // namespace requestor_restart_test
}  // namespace leasesim
