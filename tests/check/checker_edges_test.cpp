// Edges of the checker's judgement that no other test pinned: found by
// mutation testing (54 one-line mutants of sim/check/; each test here fails
// on the mutant named beside it and passes on the checker as it is). The
// verdicts, intervals, parties and summaries a researcher reads must not
// change unnoticed.
#include <gtest/gtest.h>

#include "checker_fixture.hpp"

namespace leasesim {
namespace checker_edges_test {
namespace {
using namespace testing;
size_t failures(History& h) {
  return h.checker().failure_count();
}

// (mutant M05) an extend names its lease.
TEST(CheckerEdges, ExtendAppliesToItsOwnLease) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(5));
  h.begin(seconds(3), kAlice, kDb, 2, seconds(8));
  h.extend(seconds(4), kAlice, kDb, 2, seconds(15));
  h.end(seconds(5), kAlice, kDb, 1);
  h.begin(seconds(10), kBob, kDb, 3, seconds(20));
  h.finish(seconds(30));
  ASSERT_EQ(h.count(ViolationKind::kOverlap), 1u);
  EXPECT_EQ(h.violations()[0].first_lease, 2u);
  EXPECT_EQ(h.violations()[0].from, At(seconds(10)));
  EXPECT_EQ(h.violations()[0].to, At(seconds(15)));
}
// (mutant M06) a belief_end names its lease.
TEST(CheckerEdges, EndClosesOnlyItsOwnLease) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(20));
  h.begin(seconds(2), kAlice, kDb, 2, seconds(6));
  h.end(seconds(3), kAlice, kDb, 2);
  h.begin(seconds(10), kBob, kDb, 3, seconds(30));
  h.finish(seconds(30));
  ASSERT_EQ(h.count(ViolationKind::kOverlap), 1u);
  EXPECT_EQ(h.violations()[0].first_lease, 1u);
  EXPECT_EQ(h.violations()[0].to, At(seconds(20)));
}
// (mutant M12) begun exactly at its deadline holds nothing; first = bob.
TEST(CheckerEdges, BegunExactlyAtItsDeadlineHeldNothing) {
  History h;
  h.begin(seconds(4), kAlice, kDb, 2, seconds(4), ClockKind::kWall);
  h.begin(seconds(5), kBob, kDb, 5, seconds(20));
  h.step_wall(seconds(6), kAlice, -seconds(5));  // reads 1 s: holds until true 9 s
  h.finish(seconds(30));
  ASSERT_EQ(h.count(ViolationKind::kOverlap), 1u);
  EXPECT_EQ(h.violations()[0].first, kBob);
  EXPECT_EQ(h.violations()[0].from, At(seconds(6)));
  EXPECT_EQ(h.violations()[0].to, At(seconds(9)));
}
// (mutant M16, M49) beliefs whose deadline is the run's end stopped holding there.
TEST(CheckerEdges, DeadlineAtTheRunsEndIsNotCutByIt) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(10));
  h.begin(seconds(3), kBob, kDb, 2, seconds(10));
  h.finish(seconds(10));
  ASSERT_EQ(h.violations().size(), 1u);
  const Violation& v = h.violations()[0];
  EXPECT_FALSE(v.first_at_end);
  EXPECT_FALSE(v.second_at_end);
  EXPECT_FALSE(v.cut_by_run_end);
  EXPECT_EQ(v.summary,
            "node4 (lease 1, believed 1.0s..10.0s) and node5 (lease 2, believed "
            "3.0s..10.0s) overlapped on resource0 for 7s: 3.0s..10.0s");
}
// (mutant M17) a forward wall step past the deadline ends the belief at once.
TEST(CheckerEdges, ForwardWallStepPastTheDeadlineEndsTheBelief) {
  History h;
  h.begin(Duration::zero(), kAlice, kDb, 1, seconds(10), ClockKind::kWall);
  h.step_wall(seconds(2), kAlice, seconds(10));  // reads 12 s at 2 s
  h.begin(seconds(6), kBob, kDb, 2, seconds(20));
  h.finish(seconds(30));
  EXPECT_TRUE(h.violations().empty());
  EXPECT_EQ(h.metrics().resources[kDb].held, seconds(2) + seconds(14));
}
// (mutant M21) tie on first_held: the earlier-observed begin is first.
TEST(CheckerEdges, TieOnFirstHeldNamesTheEarlierBeginFirst) {
  History h;
  h.begin(seconds(3), kAlice, kDb, 2, seconds(2));  // lapsed at its begin
  h.begin(seconds(3), kBob, kDb, 5, seconds(20));
  h.extend(seconds(3), kAlice, kDb, 2, seconds(9));
  h.at(seconds(4));
  ASSERT_EQ(h.count(ViolationKind::kOverlap), 1u);
  EXPECT_EQ(h.violations()[0].first, kAlice);
}
// (mutant M22) freed at the very instant a lapsed belief resumes.
TEST(CheckerEdges, FreedAtTheInstantALapsedBeliefResumes) {
  History h;
  h.begin(Duration::zero(), kAlice, kDb, 2, seconds(5));
  h.freed(seconds(6), kN1, kDb, 2);
  h.extend(seconds(6), kAlice, kDb, 2, seconds(9));
  h.finish(seconds(10));
  ASSERT_EQ(h.count(ViolationKind::kLatentOverlap), 1u);
  EXPECT_EQ(h.violations()[0].from, At(seconds(6)));
  EXPECT_EQ(h.violations()[0].to, At(seconds(9)));
}
// (mutant M24) the later belief begun and ended within one instant held nothing.
TEST(CheckerEdges, SecondBeliefBegunAndEndedInOneInstant) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 1, seconds(10));
  h.begin(seconds(3), kBob, kDb, 2, seconds(10));
  h.end(seconds(3), kBob, kDb, 2);
  h.at(seconds(4));
  EXPECT_EQ(failures(h), 0u);
  h.finish(seconds(20));
  EXPECT_TRUE(h.violations().empty());
}
// (mutant M26) a stretch begun twice within its instant is one violation.
TEST(CheckerEdges, StretchBegunTwiceInOneInstantIsOne) {
  History h;
  h.begin(Duration::zero(), kAlice, kDb, 1, seconds(10), ClockKind::kWall);
  h.begin(seconds(3), kBob, kDb, 2, seconds(20));
  h.step_wall(seconds(3), kAlice, seconds(8));   // reads 11 s: stops
  h.step_wall(seconds(3), kAlice, -seconds(8));  // reads 3 s: holds again
  h.finish(seconds(30));
  EXPECT_EQ(h.count(ViolationKind::kOverlap), 1u);
  EXPECT_EQ(failures(h), 1u);
}
// (mutant M32) token order is against the highest accepted, not the last.
TEST(CheckerEdges, TokenOrderAgainstTheHighestNotTheLast) {
  History h;
  h.begin_token(seconds(1), kBob, kDb, 9, 9, seconds(9));
  h.write_accepted(seconds(2), kDb, 9, kBob, 9);
  h.write_accepted(seconds(3), kDb, 3, kBob, 9);
  h.write_accepted(seconds(4), kDb, 5, kBob, 9);
  EXPECT_EQ(h.count(ViolationKind::kStaleWrite), 2u);
  EXPECT_EQ(h.checker().stale_writes(), 2u);
}
// (mutant M33) a same-instant begin rejudges only that instant's writes.
TEST(CheckerEdges, SameInstantBeginDoesNotReachEarlierWrites) {
  History h;
  h.begin_token(seconds(1), kAlice, kDb, 2, 2, seconds(9));
  h.write_accepted(seconds(2), kDb, 2, kAlice, 2);
  h.write_accepted(seconds(3), kDb, 2, kAlice, 2);
  h.begin_token(seconds(3), kBob, kDb, 5, 5, seconds(9));  // recorded after the 3 s write
  EXPECT_EQ(h.count(ViolationKind::kStaleWrite), 1u);
  EXPECT_EQ(h.checker().stale_writes(), 1u);
}
// (mutant M35) a begin recorded BEFORE a write at the same instant counts.
TEST(CheckerEdges, BeginRecordedBeforeTheWriteAtTheSameInstant) {
  History h;
  h.begin_token(seconds(1), kAlice, kDb, 2, 2, seconds(9));
  h.begin_token(seconds(3), kBob, kDb, 5, 5, seconds(9));
  h.write_accepted(seconds(3), kDb, 2, kAlice, 2);
  EXPECT_EQ(h.count(ViolationKind::kStaleWrite), 1u);
}
// (mutant M36, M37) a token-order stale write made stale also by a begin at
// its instant, recorded after it, names that belief.
TEST(CheckerEdges, TokenOrderWriteCompletedByASameInstantBegin) {
  History h;
  h.begin_token(milliseconds(500), kAlice, kDb, 9, 9, seconds(9));
  h.begin_token(seconds(1), kAlice, kDb, 3, 3, seconds(9));
  h.write_accepted(seconds(2), kDb, 9, kAlice, 9);
  h.write_accepted(seconds(3), kDb, 3, kAlice, 3);  // token order only
  h.begin_token(seconds(3), kCarol, kDb, 11, 11, seconds(9));
  ASSERT_EQ(h.count(ViolationKind::kStaleWrite), 1u);
  EXPECT_EQ(h.violations()[0].second, kCarol);
  EXPECT_EQ(h.violations()[0].second_lease, 11u);
}
// (mutant M43) the earliest-begin index is keyed by resource too (db
// indexed first, then cache).
TEST(CheckerEdges, LeaseBeganIsPerResourceWhicheverIsIndexedFirst) {
  History h;
  h.begin_token(milliseconds(500), kCarol, kDb, 1, 1, seconds(9));
  h.begin_token(seconds(1), kAlice, kDb, 7, 7, seconds(9));
  h.write_accepted(milliseconds(1500), kDb, 7, kAlice, 7);  // indexes db
  h.begin_token(seconds(2), kAlice, kCache, 7, 7, seconds(9));
  h.begin_token(seconds(3), kBob, kCache, 5, 5, seconds(9));
  h.write_accepted(seconds(4), kCache, 7, kAlice, 7);  // bob began on cache after 2 s
  ASSERT_EQ(h.count(ViolationKind::kStaleWrite), 1u);
  EXPECT_EQ(h.violations().back().second, kBob);
}
// (mutant M46) a digest of 0 is a digest.
TEST(CheckerEdges, ZeroDigestIsADigest) {
  History h;
  h.committed(seconds(1), kN1, 5, 1, 0);
  h.committed(seconds(2), kN2, 5, 1, 7);
  EXPECT_EQ(h.count(ViolationKind::kCommittedChanged), 1u);
}

// (mutant M43) many resources under one (holder, lease): the earliest-begin
// index must keep them apart whatever the hash does.
TEST(CheckerEdges, OneLeaseNumberOnManyResources) {
  constexpr uint32_t kRes = 100;
  History h(kRes);
  size_t expected = 0;
  for (uint32_t r = 0; r < kRes; ++r) {
    const Duration t = seconds(10 * r);
    if (r % 2 == 0) {  // alice's lease 7 first, then bob: stale
      h.begin_token(t, kAlice, r, 7, 7, t + seconds(1));
      h.begin_token(t + seconds(2), kBob, r, 5, 5, t + seconds(3));
      ++expected;
    } else {  // bob, carol, then alice's lease 7: not stale
      h.begin_token(t, kBob, r, 5, 5, t + seconds(1));
      h.begin_token(t + milliseconds(1500), kCarol, r, 6, 6, t + seconds(2));
      h.begin_token(t + seconds(2), kAlice, r, 7, 7, t + seconds(3));
    }
    h.write_accepted(t + seconds(4), r, 7, kAlice, 7);
    EXPECT_EQ(h.count(ViolationKind::kStaleWrite), expected) << "resource " << r;
  }
}

// M51: a repeated free (same index) must not mark a belief of the same lease
// number begun after the first free.
TEST(CheckerEdges, RepeatedFreeDoesNotMarkALaterBelief) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 2, seconds(4));
  h.end(seconds(4), kAlice, kDb, 2, BeliefEndReason::kExpired);
  h.record(seconds(5), kN1, obs::LeaseFreed{kDb, 2, FreeReason::kExpired, 5});
  h.begin(seconds(6), kAlice, kDb, 2, seconds(20));  // a late duplicate GRANTED
  h.record(seconds(7), kN2, obs::LeaseFreed{kDb, 2, FreeReason::kExpired, 5});  // applied again
  h.finish(seconds(10));
  EXPECT_EQ(h.count(ViolationKind::kLatentOverlap), 0u);
}
// M20: an unsettled stretch's interval follows an extend at the deadline.
TEST(CheckerEdges, ExtendAtTheDeadlineUpdatesTheOpenStretchAtOnce) {
  History h;
  h.begin(Duration::zero(), kAlice, kDb, 2, seconds(5));
  h.begin(seconds(3), kBob, kDb, 5, seconds(20));
  h.extend(seconds(5), kAlice, kDb, 2, seconds(9));
  h.at(seconds(6));
  ASSERT_EQ(h.violations().size(), 1u);
  EXPECT_EQ(h.violations()[0].to, At(seconds(9)));
}

// Found by an adversarial audit of the checker (2026-12-07): each test fails
// on the one-line mutant named beside it and passes on the checker as it is.

// (mutant: finish() drops every pending stretch when the run was cut, not
// only one begun at the cut's instant) A run cut by an event budget inside a
// LATER instant has seen all of the stretch's instant: the stretch is judged
// and cut where the run stopped.
TEST(CheckerEdges, ARunCutInsideALaterInstantJudgesAnEarlierStretch) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 2, seconds(11));
  h.begin(seconds(3), kBob, kDb, 5, seconds(20));  // both hold from 3 s
  // Nothing the checker reads until the budget cuts the run inside 4 s.
  h.checker().finish(At(seconds(4)), /*instant_complete=*/false);
  ASSERT_EQ(failures(h), 1u);
  const Violation& v = h.violations()[0];
  EXPECT_EQ(v.from, At(seconds(3)));
  EXPECT_EQ(v.to, At(seconds(4)));
  EXPECT_TRUE(v.cut_by_run_end);
}
// (mutant: open_pending() does not compare the beliefs' observation numbers)
// A stretch pending with a belief that ended within its instant must not be
// judged on whatever belief reuses that id in the same instant: here bob's
// own second lease, which can never overlap bob.
TEST(CheckerEdges, APendingStretchIsNotJudgedOnABeliefThatReusedTheId) {
  History h;
  h.begin(seconds(1), kBob, kDb, 5, seconds(20));
  h.begin(seconds(3), kAlice, kDb, 2, seconds(11));  // a stretch with bob begins ...
  h.end(seconds(3), kAlice, kDb, 2);                 // ... but alice held no instant
  h.begin(seconds(3), kBob, kDb, 6, seconds(20));    // takes alice's freed belief id
  h.at(seconds(4));
  EXPECT_EQ(failures(h), 0u);
  h.finish(seconds(30));
  EXPECT_TRUE(h.violations().empty());
}
// (mutant: on_crash() does not judge the instants before it first) A crash
// that is the first thing the checker hears after a stretch began must not
// close the belief before the stretch is judged: the overlap ran until it.
TEST(CheckerEdges, ACrashJudgesTheStretchBegunBeforeIt) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 2, seconds(11));
  h.begin(seconds(3), kBob, kDb, 5, seconds(20));
  h.crash(seconds(5), kAlice);
  h.finish(seconds(10));
  ASSERT_EQ(h.count(ViolationKind::kOverlap), 1u);
  EXPECT_EQ(h.violations()[0].from, At(seconds(3)));
  EXPECT_EQ(h.violations()[0].to, At(seconds(5)));
  EXPECT_EQ(failures(h), 1u);
}
// (mutant: a write under a lease its writer was never seen believing is not
// stale) The checker's half of the audit fixture writer-begins-later: a write
// is judged on the begins recorded before it, so the writer's lease beginning
// only after the write does not excuse it, and does make its later write
// under that lease fresh.
TEST(CheckerEdges, AWriteIsJudgedOnWhatHadBegunByThen) {
  History h;
  h.begin_token(seconds(1), kBob, kDb, 5, 5, milliseconds(1500));
  h.write_accepted(seconds(2), kDb, 7, kAlice, 7);  // alice never believed lease 7
  h.begin_token(seconds(3), kAlice, kDb, 7, 7, seconds(6));
  h.write_accepted(seconds(4), kDb, 7, kAlice, 7);  // bob began before her lease did
  h.end(seconds(5), kAlice, kDb, 7);
  h.finish(seconds(6));
  ASSERT_EQ(h.count(ViolationKind::kStaleWrite), 1u);
  EXPECT_EQ(h.violations()[0].from, At(seconds(2)));
  EXPECT_EQ(h.violations()[0].first, kAlice);
  EXPECT_EQ(h.violations()[0].second, kBob);
  EXPECT_EQ(h.checker().stale_writes(), 1u);
}
}  // namespace
}  // namespace checker_edges_test
}  // namespace leasesim
