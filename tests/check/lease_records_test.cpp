// The checker's reading of the core's lease records: a committed change
// recorded twice (same log index) counts once; records without an index
// (memory renewals, immediate grants' promises) are never merged; and the
// write-latency metric pairs write_sent with write_accepted.
#include <gtest/gtest.h>

#include "checker_fixture.hpp"

namespace leasesim {
namespace lease_records_test {
namespace {

using testing::History;
using testing::kAlice;
using testing::kBob;
using testing::kDb;
using testing::kN1;
using testing::kN2;
using testing::kStorage;

void Granted(History& h, Duration t, NodeId leader, NodeId holder, LeaseId lease, uint64_t index) {
  h.record(t, leader, obs::LeaseGranted{kDb, lease, holder, lease, seconds(5), index});
}
void Freed(History& h, Duration t, NodeId leader, LeaseId lease, uint64_t index) {
  h.record(t, leader, obs::LeaseFreed{kDb, lease, FreeReason::kExpired, index});
}

TEST(LeaseRecords, ARepeatedCommittedGrantCountsOnce) {
  History h;
  Granted(h, seconds(1), kN1, kAlice, 2, 2);
  // n1 died before anyone learned index 2 committed; n2 applies it again.
  Granted(h, seconds(2), kN2, kAlice, 2, 2);
  Granted(h, seconds(9), kN2, kBob, 7, 7);
  h.finish(seconds(10));
  EXPECT_EQ(h.metrics().grants, 2u);
}

TEST(LeaseRecords, ARepeatedFreeIsNotJudgedAgain) {
  History h;
  Granted(h, seconds(1), kN1, kAlice, 2, 2);
  h.begin(seconds(1), kAlice, kDb, 2, seconds(20));
  Freed(h, seconds(6), kN1, 2, 5);  // alice still believes: a latent overlap
  Freed(h, seconds(7), kN2, 2, 5);  // the same free, applied again
  h.finish(seconds(10));
  size_t latent = 0;
  for (const Violation& v : h.violations()) latent += v.kind == ViolationKind::kLatentOverlap;
  EXPECT_EQ(latent, 1u);
}

TEST(LeaseRecords, RecordsWithoutAnIndexAreNeverMerged) {
  History h;
  // grant_reply immediate: two promises of lease 4 (the first one's entry
  // was lost with its leader and index 4 reused) are two grants.
  Granted(h, seconds(1), kN1, kAlice, 4, 0);
  Granted(h, seconds(2), kN2, kBob, 4, 0);
  h.finish(seconds(10));
  EXPECT_EQ(h.metrics().grants, 2u);
}

TEST(LeaseRecords, WriteLatencyRunsFromSendToAcceptance) {
  History h;
  h.record(seconds(1), kAlice, obs::WriteSent{kDb, 2, 2, 41});
  h.record(seconds(1) + milliseconds(5), kAlice, obs::WriteSent{kDb, 2, 2, 42});
  h.record(seconds(1) + milliseconds(30), kStorage, obs::WriteAccepted{kDb, 2, kAlice, 2, 42});
  h.record(seconds(1) + milliseconds(40), kStorage, obs::WriteAccepted{kDb, 2, kAlice, 2, 41});
  // A rejected write has no latency sample.
  h.record(seconds(2), kBob, obs::WriteSent{kDb, 1, 1, 7});
  h.record(seconds(2), kStorage, obs::WriteRejected{kDb, 1, kBob, 1, 2, ErrorCode::kStaleToken});
  h.finish(seconds(10));
  const Distribution d = h.metrics().write_latency;
  EXPECT_EQ(d.count, 2u);
  EXPECT_EQ(d.min, milliseconds(25));
  EXPECT_EQ(d.max, milliseconds(40));
}

}  // namespace
}  // namespace lease_records_test
}  // namespace leasesim
