// The checker's measurements on hand-built histories: acquisition latency,
// handoff gaps (only when someone was waiting), availability, failover.
#include <gtest/gtest.h>

#include "checker_fixture.hpp"

namespace leasesim {
namespace metrics_test {
namespace {

using testing::History;
using testing::kAlice;
using testing::kBob;
using testing::kCache;
using testing::kCarol;
using testing::kDb;
using testing::kN1;
using testing::kN2;

// alice wants db at 1 s and holds it 1.5 s .. 6.8 s; bob waits from 2 s and
// holds 7 s .. 8 s; carol comes later (10 s), when nobody was waiting, and
// holds from 10.1 s to the end (12 s).
void Turns(History& h) {
  h.want(seconds(1), kAlice, kDb);
  h.want(milliseconds(1200), kAlice, kDb);  // a retry continues the same wait
  h.granted(milliseconds(1450), kN1, kDb, 1, kAlice);
  h.begin(milliseconds(1500), kAlice, kDb, 1, seconds(5));
  h.want(seconds(2), kBob, kDb);
  h.extend(seconds(4), kAlice, kDb, 1, seconds(9));
  h.end(milliseconds(6800), kAlice, kDb, 1, BeliefEndReason::kReleased);
  h.granted(milliseconds(6950), kN1, kDb, 2, kBob);
  h.begin(seconds(7), kBob, kDb, 2, seconds(12));
  h.end(seconds(8), kBob, kDb, 2, BeliefEndReason::kReleased);
  h.want(seconds(10), kCarol, kDb);
  h.granted(milliseconds(10050), kN1, kDb, 3, kCarol);
  h.begin(milliseconds(10100), kCarol, kDb, 3, seconds(20));
  h.finish(seconds(12));
}

TEST(Metrics, AcquireLatencyRunsFromTheFirstWant) {
  History h;
  Turns(h);
  const Distribution d = h.metrics().acquire_latency;
  EXPECT_EQ(d.count, 3u);  // 500 ms, 5 s, 100 ms
  EXPECT_EQ(d.min, milliseconds(100));
  EXPECT_EQ(d.p50, milliseconds(500));
  EXPECT_EQ(d.max, seconds(5));
  EXPECT_EQ(d.mean, (milliseconds(100) + milliseconds(500) + seconds(5)) / 3);
}

TEST(Metrics, HandoffGapOnlyWhenSomeoneWasWaiting) {
  History h;
  Turns(h);
  const Distribution d = h.metrics().handoff_gap;
  // alice -> bob (bob waiting since 2 s): 6.8 s -> 7 s. bob -> carol does not
  // count: carol only wanted db at 10 s, 2 s after bob let go.
  EXPECT_EQ(d.count, 1u);
  EXPECT_EQ(d.max, milliseconds(200));
}

TEST(Metrics, AvailabilityIsHeldOverHeldOrWanted) {
  History h;
  Turns(h);
  const Metrics m = h.metrics();
  const ResourceMetrics& db = m.resources[kDb];
  EXPECT_EQ(db.held, milliseconds(5300) + seconds(1) + milliseconds(1900));
  // Free while wanted: 1 -> 1.5 (alice), 6.8 -> 7 (bob), 10 -> 10.1 (carol).
  EXPECT_EQ(db.wanted_free, milliseconds(500) + milliseconds(200) + milliseconds(100));
  EXPECT_EQ(db.grants, 3u);
  EXPECT_DOUBLE_EQ(db.availability(), 8.2 / 9.0);
  EXPECT_DOUBLE_EQ(m.availability, 8.2 / 9.0);  // cache was never wanted
  EXPECT_DOUBLE_EQ(m.resources[kCache].availability(), 1.0);
  EXPECT_EQ(m.grants, 3u);
  EXPECT_EQ(m.beliefs, 3u);
  EXPECT_TRUE(h.violations().empty());
}

TEST(Metrics, WantedButNeverGrantedCountsAsUnavailableToTheEnd) {
  History h;
  h.want(seconds(2), kAlice, kCache);
  h.finish(seconds(10));
  EXPECT_EQ(h.metrics().resources[kCache].wanted_free, seconds(8));
  EXPECT_DOUBLE_EQ(h.metrics().availability, 0.0);
}

TEST(Metrics, FailoverRunsFromTheLeaderCrashToTheNextReadyLeader) {
  History h;
  h.leader(milliseconds(100), kN1, 1);
  h.ready(milliseconds(120), kN1, 1);
  h.crash(seconds(3), kAlice);  // not the leader: no failover
  h.crash(seconds(5), kN1);
  h.leader(milliseconds(5200), kN2, 2);
  h.ready(milliseconds(5300), kN2, 2);
  h.ready(seconds(6), kN2, 2);  // counted once
  h.finish(seconds(10));
  const Metrics m = h.metrics();
  EXPECT_EQ(m.leader_crashes, 1u);
  EXPECT_EQ(m.elections, 2u);
  EXPECT_EQ(m.failover.count, 1u);
  EXPECT_EQ(m.failover.max, milliseconds(300));
}

TEST(Metrics, NoSamplesNoNumbers) {
  History h;
  h.finish(seconds(1));
  const Metrics m = h.metrics();
  EXPECT_EQ(m.acquire_latency.count, 0u);
  EXPECT_EQ(m.handoff_gap.count, 0u);
  EXPECT_EQ(m.failover.count, 0u);
  EXPECT_DOUBLE_EQ(m.availability, 1.0);
}

TEST(Distribution, NearestRankPercentiles) {
  std::vector<int64_t> s;
  for (int64_t i = 100; i >= 1; --i) s.push_back(i);
  const Distribution d = Distribution::of(s);
  EXPECT_EQ(d.count, 100u);
  EXPECT_EQ(d.min, nanoseconds(1));
  EXPECT_EQ(d.p50, nanoseconds(50));
  EXPECT_EQ(d.p90, nanoseconds(90));
  EXPECT_EQ(d.p99, nanoseconds(99));
  EXPECT_EQ(d.max, nanoseconds(100));
  EXPECT_EQ(d.mean, nanoseconds(50));  // 50.5 truncated
}

}  // namespace
}  // namespace metrics_test
}  // namespace leasesim
