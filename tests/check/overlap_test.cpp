// The overlap judgement on hand-built histories: exact intervals, the
// half-open boundary rule, and belief ends projected through the holder's
// clock (drift, pauses, clock changes, crashes).
#include <gtest/gtest.h>

#include "checker_fixture.hpp"

namespace leasesim {
namespace overlap_test {
namespace {

using testing::At;
using testing::History;
using testing::kAlice;
using testing::kBob;
using testing::kCache;
using testing::kCarol;
using testing::kDb;
using testing::kN1;

TEST(Overlap, TwoHoldersOverlapOnTheExactInterval) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(5));
  h.begin(seconds(3), kBob, kDb, 2, seconds(8));
  // Judged once the instant is over: a record later in the same instant
  // could still end alice's belief at 3 s (then the two only touch).
  EXPECT_TRUE(h.violations().empty());
  EXPECT_EQ(h.checker().failure_count(), 0u);
  h.at(seconds(3) + nanoseconds(1));  // the instant is over
  ASSERT_EQ(h.violations().size(), 1u);
  const Violation& v = h.violations()[0];
  EXPECT_EQ(v.kind, ViolationKind::kOverlap);
  EXPECT_EQ(v.resource, kDb);
  EXPECT_EQ(v.first, kAlice);
  EXPECT_EQ(v.second, kBob);
  EXPECT_EQ(v.first_lease, 1u);
  EXPECT_EQ(v.second_lease, 2u);
  EXPECT_EQ(v.detected, At(seconds(3)));
  EXPECT_EQ(v.from, At(seconds(3)));
  EXPECT_EQ(v.to, At(seconds(5)));  // alice's deadline, the earlier end
  EXPECT_EQ(h.checker().failure_count(), 1u);
  EXPECT_FALSE(v.story.empty());
}

// news() is how the host learns, after every event, whether the checker
// has anything to report: it must grow with every violation, every
// settlement and every closed segment. Nothing is drained here, so it
// equals the three lists' lengths at every step.
TEST(Overlap, NewsCountsEveryViolationSettlementAndClosedSegment) {
  History h;
  auto listed = [&] {
    return h.violations().size() + h.checker().settled().size() + h.checker().closed().size();
  };
  EXPECT_EQ(h.checker().news(), 0u);
  h.begin(seconds(1), kAlice, kDb, 1, seconds(5));
  EXPECT_EQ(h.checker().news(), listed());
  h.begin(seconds(3), kBob, kDb, 2, seconds(8));
  h.at(seconds(3) + nanoseconds(1));  // the instant is over
  ASSERT_EQ(h.violations().size(), 1u);
  EXPECT_EQ(h.checker().news(), listed());
  const uint64_t before_end = h.checker().news();
  h.finish(seconds(10));
  EXPECT_EQ(h.checker().news(), listed());
  EXPECT_FALSE(h.checker().settled().empty());
  EXPECT_FALSE(h.checker().closed().empty());
  EXPECT_GT(h.checker().news(), before_end);
}

TEST(Overlap, LaterHolderEndingFirstBoundsTheInterval) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(9));
  h.begin(seconds(3), kBob, kDb, 2, seconds(4));
  h.at(seconds(3) + nanoseconds(1));  // the instant is over
  ASSERT_EQ(h.violations().size(), 1u);
  EXPECT_EQ(h.violations()[0].to, At(seconds(4)));
}

// Intervals are half-open, [begin, end): a belief that ends at t and one
// that begins at t touch but do not overlap, whichever way the first ended.
TEST(Overlap, TouchingIntervalsAreNotAnOverlap_EndedByRelease) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(5));
  h.end(seconds(3), kAlice, kDb, 1, BeliefEndReason::kReleased);
  h.begin(seconds(3), kBob, kDb, 2, seconds(8));
  h.finish(seconds(10));
  EXPECT_TRUE(h.violations().empty());
}

TEST(Overlap, TouchingIntervalsAreNotAnOverlap_EndedByDeadline) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(5));
  h.begin(seconds(5), kBob, kDb, 2, seconds(8));  // alice's clock reads 5 s now
  h.finish(seconds(10));
  EXPECT_TRUE(h.violations().empty());
}

// Touching at one instant, whatever order the instant's records come in:
// the later holder's begin can be processed before the earlier one's end
// at the same true time (a grant and a release timer due together). Before
// the fix the begin opened an overlap that the end then cut to [T, T], and
// a 0 s "overlap" failed the run (found by a checker audit).
TEST(Overlap, TouchingIntervalsAreNotAnOverlap_EndRecordedAfterTheBegin) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(5));
  h.begin(seconds(3), kBob, kDb, 2, seconds(8));
  h.end(seconds(3), kAlice, kDb, 1, BeliefEndReason::kReleased);
  h.at(seconds(4));  // the instant is over
  EXPECT_EQ(h.checker().failure_count(), 0u);
  h.finish(seconds(10));
  EXPECT_TRUE(h.violations().empty());
}

TEST(Overlap, TouchingIntervalsAreNotAnOverlap_CrashRecordedAfterTheBegin) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(5));
  h.begin(seconds(3), kBob, kDb, 2, seconds(8));
  h.crash(seconds(3), kAlice);
  h.finish(seconds(10));
  EXPECT_TRUE(h.violations().empty());
}

// The same, for a latent overlap: the core frees bob's lease at the instant
// bob lets go.
TEST(Overlap, TouchingAFreeIsNotALatentOverlap) {
  History h;
  h.begin(seconds(1), kBob, kDb, 2, seconds(8));
  h.freed(seconds(3), testing::kN1, kDb, 2);
  h.end(seconds(3), kBob, kDb, 2, BeliefEndReason::kReleased);
  h.finish(seconds(10));
  EXPECT_TRUE(h.violations().empty());
}

// A stretch that does hold past its instant is an overlap, found once the
// instant is over, with the instant it began as its start.
TEST(Overlap, AnOverlapIsFoundWhenItsInstantIsOver) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(5));
  h.begin(seconds(3), kBob, kDb, 2, seconds(8));
  h.end(seconds(3) + nanoseconds(1), kAlice, kDb, 1, BeliefEndReason::kReleased);
  h.finish(seconds(10));
  ASSERT_EQ(h.violations().size(), 1u);
  EXPECT_EQ(h.violations()[0].detected, At(seconds(3)));
  EXPECT_EQ(h.violations()[0].from, At(seconds(3)));
  EXPECT_EQ(h.violations()[0].to, At(seconds(3) + nanoseconds(1)));
  EXPECT_EQ(h.checker().failure_count(), 1u);
}

TEST(Overlap, OneNanosecondIsAnOverlap) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(5));
  h.begin(seconds(5) - nanoseconds(1), kBob, kDb, 2, seconds(8));
  h.at(seconds(5));  // the instant is over
  ASSERT_EQ(h.violations().size(), 1u);
  EXPECT_EQ(h.violations()[0].from, At(seconds(5) - nanoseconds(1)));
  EXPECT_EQ(h.violations()[0].to, At(seconds(5)));
}

TEST(Overlap, SameHolderReacquiringIsNotAnOverlap) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(5));
  h.begin(seconds(3), kAlice, kDb, 2, seconds(8));  // a new lease before the old one ran out
  h.finish(seconds(10));
  EXPECT_TRUE(h.violations().empty());
}

TEST(Overlap, DifferentResourcesNeverOverlap) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(5));
  h.begin(seconds(2), kBob, kCache, 2, seconds(6));
  h.finish(seconds(10));
  EXPECT_TRUE(h.violations().empty());
}

TEST(Overlap, EveryOtherBelieverIsReported) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(9));
  h.begin(seconds(2), kBob, kDb, 2, seconds(9));
  h.begin(seconds(3), kCarol, kDb, 3, seconds(9));
  h.at(seconds(3) + nanoseconds(1));     // the instant is over
  ASSERT_EQ(h.violations().size(), 3u);  // bob-alice, carol-alice, carol-bob
  EXPECT_EQ(h.violations()[1].first, kAlice);
  EXPECT_EQ(h.violations()[1].second, kCarol);
  EXPECT_EQ(h.violations()[2].first, kBob);
  EXPECT_EQ(h.violations()[2].second, kCarol);
}

// A holder whose clock runs slow believes longer in true time. Its deadline
// 5 s (monotonic) is reached at ceil(5e9 / 0.97) ns = 5154639176 ns.
TEST(Overlap, DeadlineOnADriftingClockEndsAtTheProjectedTrueTime) {
  constexpr int64_t kEnd = 5'154'639'176;
  {
    History h;
    h.clock(kAlice) = NodeClock(Duration::zero(), -30'000'000);  // -3%
    h.begin(Duration::zero(), kAlice, kDb, 1, seconds(5));
    h.begin(nanoseconds(kEnd - 1), kBob, kDb, 2, seconds(9));
    h.at(nanoseconds(kEnd - 1) + nanoseconds(1));  // the instant is over
    ASSERT_EQ(h.violations().size(), 1u);
    EXPECT_EQ(h.violations()[0].from, TimePoint(kEnd - 1));
    EXPECT_EQ(h.violations()[0].to, TimePoint(kEnd));
  }
  {
    History h;
    h.clock(kAlice) = NodeClock(Duration::zero(), -30'000'000);
    h.begin(Duration::zero(), kAlice, kDb, 1, seconds(5));
    h.begin(nanoseconds(kEnd), kBob, kDb, 2, seconds(9));
    h.finish(seconds(10));
    EXPECT_TRUE(h.violations().empty());
    EXPECT_EQ(h.metrics().resources[kDb].held, seconds(9));  // [0, kEnd) + [kEnd, 9 s)
  }
}

TEST(Overlap, WallClockDeadlineUsesTheWallOffset) {
  History h;
  h.clock(kAlice) = NodeClock(seconds(2), 0);  // wall clock 2 s ahead of true time
  // alice believes until her wall clock reads 5 s: true time 3 s.
  h.begin(seconds(1), kAlice, kDb, 1, seconds(5), ClockKind::kWall);
  h.begin(seconds(3), kBob, kDb, 2, seconds(8));
  h.finish(seconds(10));
  EXPECT_TRUE(h.violations().empty());
}

// A paused holder emits nothing; its belief still ends when its clock
// reaches the deadline, not when it wakes and notices.
TEST(Overlap, PausedHolderStopsBelievingAtItsDeadline) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(4));
  // (alice paused from 2 s to 10 s: no records)
  h.begin(seconds(6), kBob, kDb, 2, seconds(12));
  h.end(seconds(10), kAlice, kDb, 1, BeliefEndReason::kExpired);  // noticed on waking
  h.finish(seconds(12));
  EXPECT_TRUE(h.violations().empty());
  EXPECT_EQ(h.metrics().resources[kDb].held, seconds(3) + seconds(6));
}

TEST(Overlap, ExtendedBeliefOverlapsAHolderThatBeganAfterTheOldDeadline) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(4));
  h.extend(seconds(3), kAlice, kDb, 1, seconds(7));
  h.begin(seconds(5), kBob, kDb, 2, seconds(9));
  h.at(seconds(5) + nanoseconds(1));  // the instant is over
  ASSERT_EQ(h.violations().size(), 1u);
  EXPECT_EQ(h.violations()[0].from, At(seconds(5)));
  EXPECT_EQ(h.violations()[0].to, At(seconds(7)));
}

// The reported interval follows the beliefs after detection: a renewal of
// the earlier holder lengthens it, a revocation shortens it.
TEST(Overlap, IntervalFollowsRenewalAndRevocationAfterDetection) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(5));
  h.begin(seconds(3), kBob, kDb, 2, seconds(9));
  h.at(seconds(3) + nanoseconds(1));  // the instant is over
  ASSERT_EQ(h.violations().size(), 1u);
  EXPECT_EQ(h.violations()[0].to, At(seconds(5)));
  h.extend(seconds(4), kAlice, kDb, 1, seconds(8));
  EXPECT_EQ(h.violations()[0].to, At(seconds(8)));
  h.end(seconds(6), kAlice, kDb, 1, BeliefEndReason::kRevoked);
  EXPECT_EQ(h.violations()[0].to, At(seconds(6)));
  // Final: bob renewing later changes nothing.
  h.extend(seconds(7), kBob, kDb, 2, seconds(20));
  h.finish(seconds(30));
  EXPECT_EQ(h.violations()[0].to, At(seconds(6)));
  EXPECT_EQ(h.checker().failure_count(), 1u);
}

TEST(Overlap, IntervalEndsWhenTheLaterHolderLetsGo) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(9));
  h.begin(seconds(3), kBob, kDb, 2, seconds(8));
  h.end(seconds(4), kBob, kDb, 2, BeliefEndReason::kReleased);
  h.finish(seconds(10));
  EXPECT_EQ(h.violations()[0].to, At(seconds(4)));
}

TEST(Overlap, IntervalIsCutAtTheEndOfTheRun) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(50));
  h.begin(seconds(3), kBob, kDb, 2, seconds(60));
  h.finish(seconds(10));
  EXPECT_EQ(h.violations()[0].to, At(seconds(10)));
}

// The host changes a clock: open beliefs are re-projected from then on.
TEST(Overlap, DriftChangeReprojectsAnOpenBelief) {
  History h;
  h.begin(Duration::zero(), kAlice, kDb, 1, seconds(10));
  // At 2 s alice's clock starts running 10% slow: the 8 s of her clock still
  // to go take ceil(8e9 / 0.9) ns = 8888888889 ns of true time.
  h.set_drift(seconds(2), kAlice, -100'000'000);
  const TimePoint end = At(seconds(2) + nanoseconds(8'888'888'889));
  h.begin(seconds(10), kBob, kDb, 2, seconds(20));
  h.at(seconds(10) + nanoseconds(1));  // the instant is over
  ASSERT_EQ(h.violations().size(), 1u);
  EXPECT_EQ(h.violations()[0].to, end);
}

TEST(Overlap, WallStepReprojectsOnlyWallClockBeliefs) {
  History h;
  h.begin(Duration::zero(), kAlice, kDb, 1, seconds(10), ClockKind::kWall);
  h.begin(Duration::zero(), kAlice, kCache, 2, seconds(10), ClockKind::kMonotonic);
  h.step_wall(seconds(2), kAlice, seconds(5));        // wall clock jumps ahead: reads 10 s at 5 s
  h.begin(seconds(6), kBob, kDb, 3, seconds(20));     // after the wall belief ended
  h.begin(seconds(6), kBob, kCache, 4, seconds(20));  // while the monotonic one holds
  h.at(seconds(6) + nanoseconds(1));                  // the instant is over
  ASSERT_EQ(h.violations().size(), 1u);
  EXPECT_EQ(h.violations()[0].resource, kCache);
  EXPECT_EQ(h.violations()[0].to, At(seconds(10)));
}

TEST(Overlap, BackwardWallStepLengthensAWallClockBelief) {
  History h;
  h.begin(Duration::zero(), kAlice, kDb, 1, seconds(10), ClockKind::kWall);
  h.step_wall(seconds(2), kAlice, -seconds(3));  // reads 10 s only at 13 s
  h.begin(seconds(12), kBob, kDb, 2, seconds(20));
  h.at(seconds(12) + nanoseconds(1));  // the instant is over
  ASSERT_EQ(h.violations().size(), 1u);
  EXPECT_EQ(h.violations()[0].to, At(seconds(13)));
}

TEST(Overlap, CrashEndsEveryBeliefOfTheNode) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(10));
  h.begin(seconds(1), kAlice, kCache, 2, seconds(10));
  h.crash(seconds(3), kAlice);
  h.begin(seconds(3), kBob, kDb, 3, seconds(20));
  h.begin(seconds(4), kBob, kCache, 4, seconds(20));
  h.finish(seconds(10));
  EXPECT_TRUE(h.violations().empty());
  EXPECT_EQ(h.metrics().resources[kDb].held, seconds(2) + seconds(7));
}

// Nodes emit only the resources they were configured with: a record about
// another one is a programmer error, stopped at once (observers_test.cpp
// has every kind).
TEST(OverlapDeathTest, ARecordForAnUnknownResourceIsAnAssertionFailure) {
  History h(1);
  EXPECT_DEATH(h.begin(seconds(1), kAlice, 5, 1, seconds(10)), "unknown resource");
}

TEST(Overlap, ServerRecordsDoNotEndBeliefs) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(10));
  h.end(seconds(2), kN1, kDb, 1);  // not alice's record: no effect
  h.begin(seconds(3), kBob, kDb, 2, seconds(20));
  h.at(seconds(3) + nanoseconds(1));  // the instant is over
  EXPECT_EQ(h.count(ViolationKind::kOverlap), 1u);
}

}  // namespace
}  // namespace overlap_test
}  // namespace leasesim
