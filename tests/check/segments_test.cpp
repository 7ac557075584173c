// Beliefs as unions of holding segments (checker.hpp): a belief holds at
// every instant its holder's clock reads below its deadline, between its
// begin and its end, crash or the end of the run; it may lapse and resume.
// Overlaps, latent overlaps, held time and the closed-segment records all
// follow the unions; violation texts state intervals and lengths.
#include <gtest/gtest.h>

#include "checker_fixture.hpp"

namespace leasesim {
namespace segments_test {
namespace {

using testing::At;
using testing::History;
using testing::kAlice;
using testing::kBob;
using testing::kCache;
using testing::kCarol;
using testing::kDb;
using testing::kN1;

Segments Segs(std::initializer_list<std::pair<Duration, Duration>> s) {
  Segments out;
  for (const auto& [a, b] : s) out.emplace_back(At(a), At(b));
  return out;
}

std::vector<const Violation*> Of(const History& h, ViolationKind kind) {
  std::vector<const Violation*> out;
  for (const Violation& v : h.violations())
    if (v.kind == kind) out.push_back(&v);
  return out;
}

// alice believes db until her wall clock reads 5 s (true 5 s); bob holds
// from 6 s to 20 s (monotonic). At 8 s alice's wall clock is stepped back
// 4 s: it reads 4 s, below her deadline, so her belief (never ended: she
// was paused, say) holds again until her wall clock reads 5 s, at true 9 s.
void LapseThenResume(History& h) {
  h.begin(Duration::zero(), kAlice, kDb, 2, seconds(5), ClockKind::kWall);
  h.begin(seconds(6), kBob, kDb, 5, seconds(20));
  h.step_wall(seconds(8), kAlice, -seconds(4));
}

// The old checker closed alice's belief at its first lapse (5 s) and
// reported nothing.
TEST(Segments, LapseThenResumeAfterAWallStepBackIsAnOverlap) {
  History h;
  LapseThenResume(h);
  h.at(seconds(8) + nanoseconds(1));  // the instant is over
  auto overlaps = Of(h, ViolationKind::kOverlap);
  ASSERT_EQ(overlaps.size(), 1u);
  const Violation& v = *overlaps[0];
  EXPECT_EQ(v.detected, At(seconds(8)));
  EXPECT_EQ(v.from, At(seconds(8)));
  EXPECT_EQ(v.to, At(seconds(9)));
  // first = the belief that began holding first.
  EXPECT_EQ(v.first, kAlice);
  EXPECT_EQ(v.first_lease, 2u);
  EXPECT_EQ(v.second, kBob);
  EXPECT_EQ(v.second_lease, 5u);
  EXPECT_FALSE(v.settled);  // both beliefs still open
  h.end(seconds(12), kAlice, kDb, 2, BeliefEndReason::kRevoked);
  h.finish(seconds(30));
  EXPECT_TRUE(h.violations()[0].settled);
  EXPECT_EQ(v.to, At(seconds(9)));
  EXPECT_EQ(v.first_belief, Segs({{seconds(0), seconds(5)}, {seconds(8), seconds(9)}}));
  EXPECT_EQ(v.second_belief, Segs({{seconds(6), seconds(20)}}));
  EXPECT_FALSE(v.first_at_end);
  EXPECT_FALSE(v.second_at_end);
  EXPECT_FALSE(v.cut_by_run_end);
  EXPECT_EQ(v.summary,
            "node4 (lease 2, believed 0.0s..5.0s, 8.0s..9.0s) and node5 (lease 5, believed "
            "6.0s..20.0s) overlapped on resource0 for 1s: 8.0s..9.0s");
  // Held time is the union's length, not the span.
  EXPECT_EQ(h.metrics().resources[kDb].held, seconds(5) + seconds(1) + seconds(14));
}

TEST(Segments, LapseWithNoResume) {
  History h;
  h.begin(Duration::zero(), kAlice, kDb, 2, seconds(5), ClockKind::kWall);
  h.begin(seconds(6), kBob, kDb, 5, seconds(20));
  // Stepped back, but not far enough: her clock reads 6 s > 5 s.
  h.step_wall(seconds(8), kAlice, -seconds(2));
  // A monotonic belief never resumes: drift changes cannot turn it back.
  h.begin(Duration::zero(), kAlice, kCache, 3, seconds(5));
  h.set_drift(seconds(7), kAlice, -100'000'000);
  h.begin(seconds(7), kBob, kCache, 6, seconds(20));
  h.finish(seconds(30));
  EXPECT_TRUE(h.violations().empty());
  EXPECT_EQ(h.metrics().resources[kDb].held, seconds(5) + seconds(14));
  EXPECT_EQ(h.metrics().resources[kCache].held, seconds(5) + seconds(13));
}

// A renewal that arrives after the deadline passed (the holder was paused
// and its extend went through on waking) makes the belief hold again. (The
// old checker ignored extends of a lapsed belief.)
TEST(Segments, ExtendAfterLapseResumes) {
  History h;
  h.begin(Duration::zero(), kAlice, kDb, 2, seconds(5));
  h.begin(seconds(6), kBob, kDb, 5, seconds(20));
  h.extend(seconds(7), kAlice, kDb, 2, seconds(10));
  h.at(seconds(7) + nanoseconds(1));  // the instant is over
  auto overlaps = Of(h, ViolationKind::kOverlap);
  ASSERT_EQ(overlaps.size(), 1u);
  EXPECT_EQ(overlaps[0]->from, At(seconds(7)));
  EXPECT_EQ(overlaps[0]->to, At(seconds(10)));
  h.finish(seconds(30));
  EXPECT_EQ(overlaps[0]->first_belief, Segs({{seconds(0), seconds(5)}, {seconds(7), seconds(10)}}));
}

// An extend at the very instant the deadline is reached continues the
// segment: touching pieces are one segment of the union, and an overlap
// stretch that reached that instant continues rather than restarting.
TEST(Segments, ExtendAtTheDeadlineContinuesTheSegmentAndTheStretch) {
  History h;
  h.begin(Duration::zero(), kAlice, kDb, 2, seconds(5));
  h.begin(seconds(3), kBob, kDb, 5, seconds(20));
  h.extend(seconds(5), kAlice, kDb, 2, seconds(9));
  h.finish(seconds(30));
  auto overlaps = Of(h, ViolationKind::kOverlap);
  ASSERT_EQ(overlaps.size(), 1u);
  EXPECT_EQ(overlaps[0]->from, At(seconds(3)));
  EXPECT_EQ(overlaps[0]->to, At(seconds(9)));
  EXPECT_EQ(overlaps[0]->first_belief, Segs({{seconds(0), seconds(9)}}));
}

// ... and a belief that begins at the instant another's deadline is reached
// touches it; if that other then extends at the same instant (recorded
// after the begin), it holds on without a gap: an overlap from that instant.
TEST(Segments, TouchingThenContinuedAtTheSameInstantOverlaps) {
  History h;
  h.begin(Duration::zero(), kAlice, kDb, 2, seconds(5));
  h.begin(seconds(5), kBob, kDb, 5, seconds(20));
  EXPECT_TRUE(h.violations().empty());
  h.extend(seconds(5), kAlice, kDb, 2, seconds(9));
  h.at(seconds(5) + nanoseconds(1));  // the instant is over
  auto overlaps = Of(h, ViolationKind::kOverlap);
  ASSERT_EQ(overlaps.size(), 1u);
  EXPECT_EQ(overlaps[0]->first, kAlice);
  EXPECT_EQ(overlaps[0]->from, At(seconds(5)));
  EXPECT_EQ(overlaps[0]->to, At(seconds(9)));
}

// Half-open unions: a segment that resumes exactly when the other belief
// ends does not overlap it, nor one that ends exactly when the other begins.
TEST(Segments, TouchingSegmentsDoNotOverlap) {
  History h;
  h.begin(Duration::zero(), kAlice, kDb, 2, seconds(5), ClockKind::kWall);
  h.begin(seconds(5), kBob, kDb, 5, seconds(20));
  h.end(seconds(8), kBob, kDb, 5);
  h.step_wall(seconds(8), kAlice, -seconds(4));  // alice holds again [8 s, 9 s)
  h.begin(seconds(9), kCarol, kDb, 7, seconds(20));
  h.finish(seconds(30));
  EXPECT_TRUE(h.violations().empty());
  EXPECT_EQ(h.metrics().resources[kDb].held, seconds(5) + seconds(3) + seconds(1) + seconds(11));
}

// Drift that changes mid-belief re-projects the segment exactly; a clock
// that runs fast ends the belief before the next holder begins.
TEST(Segments, DriftChangesMidBelief) {
  History h;
  h.begin(Duration::zero(), kAlice, kDb, 2, seconds(10));
  // From 2 s on alice's clock runs 10% fast: the 8 s left take 8/1.1 s,
  // ceil(8e9 / 1.1) = 7272727273 ns.
  h.set_drift(seconds(2), kAlice, 100'000'000);
  const Duration end = seconds(2) + nanoseconds(7'272'727'273);
  h.begin(end, kBob, kDb, 5, seconds(20));
  EXPECT_TRUE(h.violations().empty());
  h.begin(end - nanoseconds(1), kCarol, kCache, 6, seconds(20));  // (another resource)
  h.finish(seconds(30));
  EXPECT_TRUE(h.violations().empty());
  ASSERT_FALSE(h.checker().closed().empty());
  EXPECT_EQ(h.checker().closed()[0].to, At(end));
}

// A crash ends a belief for good: a later step back does not revive it.
TEST(Segments, CrashEndsABeliefForGood) {
  History h;
  h.begin(Duration::zero(), kAlice, kDb, 2, seconds(5), ClockKind::kWall);
  h.crash(seconds(4), kAlice);
  h.begin(seconds(6), kBob, kDb, 5, seconds(20));
  h.step_wall(seconds(8), kAlice, -seconds(4));
  h.finish(seconds(30));
  EXPECT_TRUE(h.violations().empty());
  EXPECT_EQ(h.metrics().resources[kDb].held, seconds(4) + seconds(14));
}

// Two disjoint stretches of the same pair are two violations. (The old
// checker reported the first only, its belief being closed at its lapse.)
TEST(Segments, TwoDisjointStretchesOfThePairAreTwoViolations) {
  History h;
  h.begin(Duration::zero(), kAlice, kDb, 2, seconds(5), ClockKind::kWall);
  h.begin(seconds(3), kBob, kDb, 5, seconds(40));
  h.step_wall(seconds(8), kAlice, -seconds(4));
  h.finish(seconds(30));
  auto overlaps = Of(h, ViolationKind::kOverlap);
  ASSERT_EQ(overlaps.size(), 2u);
  EXPECT_EQ(overlaps[0]->from, At(seconds(3)));
  EXPECT_EQ(overlaps[0]->to, At(seconds(5)));
  EXPECT_EQ(overlaps[1]->from, At(seconds(8)));
  EXPECT_EQ(overlaps[1]->to, At(seconds(9)));
  for (const Violation* v : overlaps) {
    EXPECT_EQ(v->first, kAlice);
    EXPECT_EQ(v->second, kBob);
    EXPECT_EQ(v->first_belief, Segs({{seconds(0), seconds(5)}, {seconds(8), seconds(9)}}));
    EXPECT_EQ(v->second_belief, Segs({{seconds(3), seconds(30)}}));
    EXPECT_TRUE(v->second_at_end);
  }
  EXPECT_EQ(overlaps[0]->summary,
            "node4 (lease 2, believed 0.0s..5.0s, 8.0s..9.0s) and node5 (lease 5, believed "
            "3.0s..) overlapped on resource0 for 2s: 3.0s..5.0s");
  EXPECT_EQ(h.checker().failure_count(), 2u);
}

// A run cut at the very instant a stretch began (`run --until` there)
// judges it at the run's end: cut to nothing, and the text says it was
// still going on.
TEST(Segments, ARunCutAtTheInstantOfAStretchReportsItForAtLeastZero) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 2, seconds(11));
  h.begin(milliseconds(10200), kBob, kDb, 5, seconds(20));
  h.finish(milliseconds(10200));
  ASSERT_EQ(h.checker().failure_count(), 1u);
  const Violation& v = h.violations()[0];
  EXPECT_EQ(v.from, At(milliseconds(10200)));
  EXPECT_EQ(v.to, At(milliseconds(10200)));
  EXPECT_TRUE(v.cut_by_run_end);
  EXPECT_TRUE(v.first_at_end);
  EXPECT_TRUE(v.second_at_end);
  EXPECT_EQ(v.first_belief, Segs({{seconds(1), milliseconds(10200)}}));
  EXPECT_EQ(v.second_belief, Segs({{milliseconds(10200), milliseconds(10200)}}));
  EXPECT_EQ(v.summary,
            "node4 (lease 2, believed 1.0s..) and node5 (lease 5, believed 10.2s..) overlapped on "
            "resource0 for at least 0s: 10.2s.. (the run ended at 10.2s)");
}

// A run cut inside an instant (an event budget, a wall-clock timeout, a stop
// at the first violation) has not seen the rest of it: a stretch begun at
// that instant is not judged (a record still due could end the other belief
// there), and the run's verdict says it is incomplete.
TEST(Segments, ARunCutInsideTheInstantOfAStretchDoesNotJudgeIt) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 2, seconds(11));
  h.begin(milliseconds(10200), kBob, kDb, 5, seconds(20));
  h.checker().finish(At(milliseconds(10200)), /*instant_complete=*/false);
  EXPECT_EQ(h.checker().failure_count(), 0u);
  EXPECT_TRUE(h.violations().empty());
}

// A run stopped at its first violation stops once the checker knows of it:
// at the first record after the instant the stretch began (before it, a
// record of the same instant could still have ended one belief there). The
// stretch is cut at that stop.
TEST(Segments, StopAtFirstViolationClipsTheStretchWhereTheRunStopped) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 2, seconds(11));
  h.begin(milliseconds(10200), kBob, kDb, 5, seconds(20));
  EXPECT_EQ(h.checker().failure_count(), 0u);
  h.extend(milliseconds(10300), kAlice, kDb, 2, seconds(11));  // a record the checker reads
  ASSERT_EQ(h.checker().failure_count(), 1u);
  h.finish(milliseconds(10300));
  const Violation& v = h.violations()[0];
  EXPECT_EQ(v.from, At(milliseconds(10200)));
  EXPECT_EQ(v.to, At(milliseconds(10300)));
  EXPECT_TRUE(v.cut_by_run_end);
  EXPECT_EQ(v.summary,
            "node4 (lease 2, believed 1.0s..) and node5 (lease 5, believed 10.2s..) overlapped on "
            "resource0 for at least 100ms: 10.2s.. (the run ended at 10.3s)");
}

// The example, as the report words it.
TEST(Segments, OverlapTextStatesIntervalLengthLeasesAndBeliefs) {
  History h;
  h.begin(seconds(3), kAlice, kDb, 2, seconds(11));
  h.begin(milliseconds(10200), kBob, kDb, 5, seconds(20));
  h.end(seconds(12), kAlice, kDb, 2, BeliefEndReason::kExpired);
  h.finish(seconds(15));
  const Violation& v = h.violations()[0];
  EXPECT_EQ(v.summary,
            "node4 (lease 2, believed 3.0s..11.0s) and node5 (lease 5, believed 10.2s..) "
            "overlapped on resource0 for 800ms: 10.2s..11.0s");
  EXPECT_FALSE(v.cut_by_run_end);
}

// Latent overlaps follow the union too: a lease freed while its belief had
// lapsed warns only when the belief holds again.
TEST(Segments, LatentOverlapWhenALapsedBeliefResumesAfterTheFree) {
  History h;
  h.begin(Duration::zero(), kAlice, kDb, 2, seconds(5), ClockKind::kWall);
  h.freed(seconds(6), kN1, kDb, 2);
  EXPECT_TRUE(h.violations().empty());
  h.step_wall(seconds(8), kAlice, -seconds(4));
  h.at(seconds(8) + nanoseconds(1));  // the instant is over
  auto latent = Of(h, ViolationKind::kLatentOverlap);
  ASSERT_EQ(latent.size(), 1u);
  EXPECT_EQ(latent[0]->from, At(seconds(8)));
  EXPECT_EQ(latent[0]->to, At(seconds(9)));
  h.end(seconds(10), kAlice, kDb, 2, BeliefEndReason::kExpired);
  EXPECT_TRUE(latent[0]->settled);
  EXPECT_EQ(latent[0]->summary,
            "node4 (lease 2, believed 0.0s..5.0s, 8.0s..9.0s) still held resource0 after the core "
            "had freed its lease, for 1s: 8.0s..9.0s");
  EXPECT_EQ(h.checker().failure_count(), 0u);
}

// One closed-segment record per segment, so plots draw the union.
TEST(Segments, OneClosedRecordPerSegment) {
  History h;
  LapseThenResume(h);
  h.end(seconds(12), kAlice, kDb, 2, BeliefEndReason::kRevoked);
  h.finish(seconds(30));
  std::vector<std::pair<TimePoint, TimePoint>> alice;
  for (const ClosedBelief& c : h.checker().closed())
    if (c.holder == kAlice) alice.emplace_back(c.from, c.to);
  EXPECT_EQ(alice, Segs({{seconds(0), seconds(5)}, {seconds(8), seconds(9)}}));
}

// A belief that begins with its deadline already behind the holder's clock
// holds nothing until its clock is turned back.
TEST(Segments, ABeliefBegunLapsedHoldsNothingUntilItResumes) {
  History h;
  h.begin(seconds(3), kBob, kDb, 5, seconds(20));
  h.begin(seconds(4), kAlice, kDb, 2, seconds(2), ClockKind::kWall);
  EXPECT_TRUE(h.violations().empty());
  h.step_wall(seconds(6), kAlice, -seconds(5));  // reads 1 s: holds until true 7 s
  h.at(seconds(6) + nanoseconds(1));             // the instant is over
  auto overlaps = Of(h, ViolationKind::kOverlap);
  ASSERT_EQ(overlaps.size(), 1u);
  EXPECT_EQ(overlaps[0]->first, kBob);  // bob held first
  EXPECT_EQ(overlaps[0]->from, At(seconds(6)));
  EXPECT_EQ(overlaps[0]->to, At(seconds(7)));
}

// A second belief_begin of a belief still open (a duplicate grant) restates
// it: still one belief, one union.
TEST(Segments, ARepeatedBeginRestatesTheOpenBelief) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 2, seconds(5));
  h.begin(seconds(2), kAlice, kDb, 2, seconds(7));
  h.end(seconds(6), kAlice, kDb, 2);
  h.begin(seconds(6), kBob, kDb, 5, seconds(9));
  h.finish(seconds(10));
  EXPECT_TRUE(h.violations().empty());
  EXPECT_EQ(h.metrics().beliefs, 3u);
  EXPECT_EQ(h.metrics().resources[kDb].held, seconds(5) + seconds(3));
}

// tests/scripts/data/audit/restated.jsonl as the checker reads it (the
// independent audit split a restated belief in two and found [2 s, 3 s) and
// [3 s, 7 s)): a repeated begin changes the open belief's deadline and clock
// kind, so the overlap across it is one stretch; and another requestor's
// repeated begin is a begin for the stale-write rule.
TEST(Segments, AnOverlapAcrossARepeatedBeginIsOneStretch) {
  History h;
  h.clock(kAlice).step_wall(seconds(1));  // alice's wall clock reads 1 s ahead
  h.begin(seconds(1), kAlice, kDb, 2, seconds(5));
  h.begin(seconds(1), kBob, kCache, 5, seconds(2));
  h.begin(seconds(2), kBob, kDb, 5, seconds(9));
  h.begin(seconds(3), kAlice, kDb, 2, seconds(8), ClockKind::kWall);  // wall 8 s: true 7 s
  h.begin(seconds(3), kAlice, kCache, 6, seconds(4));
  h.end(seconds(4), kAlice, kCache, 6);
  h.begin(milliseconds(4500), kBob, kCache, 5, seconds(5));  // bob's lapsed lease 5 again
  h.write_accepted(milliseconds(4800), kCache, 6, kAlice, 6);
  h.end(seconds(8), kAlice, kDb, 2, BeliefEndReason::kExpired);
  h.end(seconds(9), kBob, kDb, 5, BeliefEndReason::kExpired);
  h.finish(seconds(10));
  auto overlaps = Of(h, ViolationKind::kOverlap);
  ASSERT_EQ(overlaps.size(), 1u);
  EXPECT_EQ(overlaps[0]->from, At(seconds(2)));
  EXPECT_EQ(overlaps[0]->to, At(seconds(7)));
  auto stale = Of(h, ViolationKind::kStaleWrite);
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0]->first, kAlice);
  EXPECT_EQ(stale[0]->second, kBob);
  EXPECT_EQ(stale[0]->from, At(milliseconds(4800)));
}

// Time free while wanted is exactly the time nobody held the resource while
// someone wanted it, whoever ends the wait. (The old checker counted a
// wait's free time only when the waiter itself acquired the resource.)
TEST(Segments, FreeWhileWantedCountsWaitsThatEndWithoutAcquiring) {
  History h;
  h.begin(seconds(1), kAlice, kDb, 2, seconds(3));
  h.want(seconds(2), kBob, kDb);     // waits for db ...
  h.want(seconds(5), kBob, kCache);  // ... and gives up for cache at 5 s
  h.begin(seconds(5), kBob, kCache, 5, seconds(9));
  h.finish(seconds(10));
  EXPECT_EQ(h.metrics().resources[kDb].wanted_free, seconds(2));  // [3 s, 5 s)
  // A lapse while someone waits is free time too.
  History g;
  g.begin(Duration::zero(), kAlice, kDb, 2, seconds(5), ClockKind::kWall);
  g.want(seconds(1), kBob, kDb);
  g.step_wall(seconds(8), kAlice, -seconds(4));  // holds again [8 s, 9 s)
  g.begin(seconds(10), kBob, kDb, 5, seconds(20));
  g.finish(seconds(20));
  EXPECT_EQ(g.metrics().resources[kDb].wanted_free, seconds(3) + seconds(1));
}

}  // namespace
}  // namespace segments_test
}  // namespace leasesim
