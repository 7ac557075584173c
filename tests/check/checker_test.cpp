// The checker's other judgements on hand-built histories: stale writes,
// latent overlaps (a warning), election safety, committed entries that
// change; and the stories it attaches.
#include "leasesim/check/observers.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "checker_fixture.hpp"

namespace leasesim {
namespace checker_test {
namespace {

using testing::At;
using testing::History;
using testing::kAlice;
using testing::kBob;
using testing::kDb;
using testing::kN1;
using testing::kN2;
using testing::kN3;

// --- stale writes -----------------------------------------------------------

TEST(StaleWrite, WriteFromASupersededHolderIsStale) {
  History h;
  h.begin_token(seconds(1), kAlice, kDb, 1, 1, seconds(4));
  h.begin_token(seconds(5), kBob, kDb, 5, 5, seconds(9));
  h.write_accepted(seconds(5) + milliseconds(100), kDb, 5, kBob, 5);
  h.write_accepted(seconds(6), kDb, 1, kAlice, 1);  // alice's write, delayed by a pause
  ASSERT_EQ(h.violations().size(), 1u);
  const Violation& v = h.violations()[0];
  EXPECT_EQ(v.kind, ViolationKind::kStaleWrite);
  EXPECT_EQ(v.resource, kDb);
  EXPECT_EQ(v.first, kAlice);
  EXPECT_EQ(v.second, kBob);
  EXPECT_EQ(v.first_lease, 1u);
  EXPECT_EQ(v.second_lease, 5u);
  EXPECT_EQ(v.from, At(seconds(6)));
  EXPECT_EQ(v.to, At(seconds(6)));
  EXPECT_EQ(h.checker().failure_count(), 1u);
  EXPECT_EQ(h.metrics().stale_writes, 1u);
  EXPECT_EQ(h.metrics().writes_accepted, 2u);
}

// Stale means "a later holder's belief had begun", not "the writer's belief
// had ended": a late write before anyone else holds the resource is fine.
TEST(StaleWrite, LateWriteBeforeTheNextHolderBeginsIsNotStale) {
  History h;
  h.begin_token(seconds(1), kAlice, kDb, 1, 1, seconds(4));
  h.write_accepted(seconds(4) + milliseconds(500), kDb, 1, kAlice, 1);
  h.begin_token(seconds(5), kBob, kDb, 5, 5, seconds(9));
  h.write_accepted(seconds(6), kDb, 5, kBob, 5);
  EXPECT_TRUE(h.violations().empty());
}

TEST(StaleWrite, WriteOfAStaleTokenWithoutFencingIsStaleEvenIfTheNewHolderHasNotWritten) {
  History h;
  h.begin_token(seconds(1), kAlice, kDb, 1, 1, seconds(4));
  h.begin_token(seconds(5), kBob, kDb, 5, 5, seconds(9));
  h.write_accepted(seconds(6), kDb, 1, kAlice, 1);
  EXPECT_EQ(h.count(ViolationKind::kStaleWrite), 1u);
}

TEST(StaleWrite, TokensAcceptedOutOfOrderAreStale) {
  History h;
  h.begin_token(seconds(1), kBob, kDb, 9, 9, seconds(9));
  h.write_accepted(seconds(2), kDb, 9, kBob, 9);
  h.write_accepted(seconds(3), kDb, 3, kBob, 9);  // a lower token after 9
  ASSERT_EQ(h.violations().size(), 1u);
  EXPECT_EQ(h.violations()[0].kind, ViolationKind::kStaleWrite);
  EXPECT_NE(h.violations()[0].summary.find("below"), std::string::npos);
}

TEST(StaleWrite, RejectedWritesAreNotViolations) {
  History h;
  h.begin_token(seconds(1), kAlice, kDb, 1, 1, seconds(4));
  h.begin_token(seconds(5), kBob, kDb, 5, 5, seconds(9));
  h.write_accepted(seconds(5) + milliseconds(100), kDb, 5, kBob, 5);
  h.write_rejected(seconds(6), kDb, 1, kAlice, 1, 5);  // fencing on
  EXPECT_TRUE(h.violations().empty());
  EXPECT_EQ(h.metrics().writes_rejected, 1u);
  EXPECT_EQ(h.metrics().stale_writes, 0u);
}

TEST(StaleWrite, TheHoldersOwnEarlierLeaseIsNotSuperseded) {
  History h;
  h.begin_token(seconds(1), kAlice, kDb, 1, 1, seconds(4));
  h.begin_token(seconds(3), kAlice, kDb, 2, 2, seconds(8));
  h.write_accepted(seconds(3) + milliseconds(10), kDb, 1, kAlice, 1);
  EXPECT_TRUE(h.violations().empty());
}

// --- latent overlap (a warning) ---------------------------------------------

TEST(LatentOverlap, CoreFreeingABelievedLeaseIsAWarningNotAFailure) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(10));
  h.freed(seconds(6), kN1, kDb, 1);
  h.at(seconds(6) + nanoseconds(1));  // the instant is over
  ASSERT_EQ(h.violations().size(), 1u);
  const Violation& v = h.violations()[0];
  EXPECT_EQ(v.kind, ViolationKind::kLatentOverlap);
  EXPECT_TRUE(is_warning(v.kind));
  EXPECT_EQ(v.first, kAlice);
  EXPECT_EQ(v.first_lease, 1u);
  EXPECT_EQ(v.from, At(seconds(6)));
  EXPECT_EQ(v.to, At(seconds(10)));
  EXPECT_EQ(h.checker().failure_count(), 0u);
  // The holder learns it lost the lease at 7 s: the interval ends there.
  h.end(seconds(7), kAlice, kDb, 1, BeliefEndReason::kRevoked);
  EXPECT_EQ(h.violations()[0].to, At(seconds(7)));
}

TEST(LatentOverlap, ReportedOncePerBelief) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(10));
  h.freed(seconds(6), kN1, kDb, 1);
  h.freed(seconds(7), kN2, kDb, 1);  // a new leader frees it again
  EXPECT_EQ(h.violations().size(), 1u);
}

TEST(LatentOverlap, NoneWhenTheBeliefEndedFirstOrIsAnotherLease) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(5));
  h.freed(seconds(5), kN1, kDb, 1);  // freed exactly at the deadline: touching
  h.begin(seconds(6), kBob, kDb, 2, seconds(10));
  h.freed(seconds(7), kN1, kDb, 1);  // a late duplicate for the old lease
  h.finish(seconds(12));
  EXPECT_TRUE(h.violations().empty());
}

// --- election safety and committed entries ----------------------------------

TEST(ElectionSafety, TwoLeadersInOneTerm) {
  History h;
  h.leader(seconds(1), kN1, 3);
  h.follower(seconds(2), kN1, 3);
  h.leader(seconds(2), kN1, 3);  // the same node again: fine
  h.leader(seconds(3), kN2, 4);  // another term: fine
  EXPECT_TRUE(h.violations().empty());
  h.leader(seconds(4), kN3, 3);
  ASSERT_EQ(h.violations().size(), 1u);
  const Violation& v = h.violations()[0];
  EXPECT_EQ(v.kind, ViolationKind::kElectionSafety);
  EXPECT_EQ(v.first, kN1);
  EXPECT_EQ(v.second, kN3);
  EXPECT_EQ(v.first_lease, 3u);
  EXPECT_EQ(v.from, At(seconds(4)));
  EXPECT_EQ(h.checker().failure_count(), 1u);
  EXPECT_EQ(h.metrics().elections, 4u);
}

TEST(CommittedChanged, SameIndexDifferentDigest) {
  History h;
  h.committed(seconds(1), kN1, 5, 1, 0xabc);
  h.committed(seconds(1), kN2, 5, 1, 0xabc);
  h.committed(seconds(2), kN1, 6, 1, 0xdef);
  EXPECT_TRUE(h.violations().empty());
  h.committed(seconds(3), kN3, 5, 2, 0x123);
  ASSERT_EQ(h.violations().size(), 1u);
  const Violation& v = h.violations()[0];
  EXPECT_EQ(v.kind, ViolationKind::kCommittedChanged);
  EXPECT_EQ(v.second, kN3);
  EXPECT_EQ(v.first_lease, 5u);
  EXPECT_EQ(h.checker().failure_count(), 1u);
}

TEST(CommittedChanged, LargeIndicesAreTracked) {
  History h;
  h.committed(seconds(1), kN1, 100000, 1, 7);
  h.committed(seconds(2), kN2, 100000, 1, 8);
  EXPECT_EQ(h.count(ViolationKind::kCommittedChanged), 1u);
}

// --- stories ----------------------------------------------------------------

TEST(Story, OverlapStoryHoldsBothBeliefsOldestFirst) {
  History h;
  h.leader(milliseconds(100), kN1, 1);
  h.begin(seconds(1), kAlice, kDb, 1, seconds(5));
  h.begin(seconds(3), kBob, kDb, 2, seconds(8));
  h.at(seconds(3) + nanoseconds(1));  // the instant is over
  ASSERT_EQ(h.violations().size(), 1u);
  const std::vector<Record>& s = h.violations()[0].story;
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].kind, obs::kRole);
  EXPECT_EQ(s[1].node, kAlice);
  EXPECT_EQ(s[2].node, kBob);
  EXPECT_TRUE(std::is_sorted(s.begin(), s.end(),
                             [](const Record& a, const Record& b) { return a.time < b.time; }));
}

// A stretch judged when a later fault is noted tells the story up to its
// own instant, not the fault that came after it.
TEST(Story, EndsAtTheInstantOfTheStretch) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(5));
  h.begin(seconds(3), kBob, kDb, 2, seconds(8));
  // The host notes a fault (a crash at 4 s) before it reports what it does.
  Record fault = encode_record(obs::LeaderReady{2});
  fault.time = At(seconds(4));
  fault.node = kN1;
  h.checker().note(fault);
  ASSERT_EQ(h.violations().size(), 1u);
  for (const Record& r : h.violations()[0].story) EXPECT_LE(r.time, At(seconds(3)));
}

TEST(Story, KeepsOnlyTheLastRecords) {
  History h;
  for (int i = 0; i < 30; ++i) h.write_accepted(milliseconds(500 + i), kDb, 0, testing::kCarol, 0);
  h.begin(seconds(1), kAlice, kDb, 1, seconds(5));
  h.begin(seconds(3), kBob, kDb, 2, seconds(8));
  h.at(seconds(3) + nanoseconds(1));  // the instant is over
  ASSERT_EQ(h.count(ViolationKind::kOverlap), 1u);
  const Violation& v = h.violations().back();
  EXPECT_EQ(v.story.size(), 12u);  // story_length
  EXPECT_EQ(v.story.back().node, kBob);
}

}  // namespace
}  // namespace checker_test
}  // namespace leasesim
