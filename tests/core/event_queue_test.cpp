#include "leasesim/core/event_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <new>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "leasesim/core/rng.hpp"

// Counts every allocation of the test binary so the steady-state test can
// prove that scheduling and popping allocate nothing. Replacing the global
// operator new is the only way to see allocations inside std::vector.
//
// Every non-aligned form is replaced, not just the basic pair: otherwise a
// runtime that defines the others itself (AddressSanitizer does) would pair
// its nothrow or array new with our free.
//
// noinline: once inlined, GCC pairs the free() below with the `new`
// expression at the call site and warns (-Wmismatched-new-delete), although
// replacing both sides with malloc/free is exactly what the standard allows.
namespace leasesim::event_queue_test {
namespace {
std::atomic<uint64_t> g_allocations{0};

__attribute__((noinline)) void* counted_alloc(std::size_t n) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}
}  // namespace
}  // namespace leasesim::event_queue_test

__attribute__((noinline)) void* operator new(std::size_t n) {
  if (void* p = leasesim::event_queue_test::counted_alloc(n)) return p;
  throw std::bad_alloc();
}
__attribute__((noinline)) void* operator new[](std::size_t n) {
  if (void* p = leasesim::event_queue_test::counted_alloc(n)) return p;
  throw std::bad_alloc();
}
__attribute__((noinline)) void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return leasesim::event_queue_test::counted_alloc(n);
}
__attribute__((noinline)) void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return leasesim::event_queue_test::counted_alloc(n);
}
__attribute__((noinline)) void operator delete(void* p) noexcept {
  std::free(p);
}
__attribute__((noinline)) void operator delete[](void* p) noexcept {
  std::free(p);
}
__attribute__((noinline)) void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
__attribute__((noinline)) void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
__attribute__((noinline)) void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
__attribute__((noinline)) void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}

namespace leasesim {
namespace event_queue_test {
namespace {

struct Ev {
  int id = -1;
};

using Queue = EventQueue<Ev>;

// A queue's configuration: its drain and, for sorted runs, how far ahead
// keys are staged (EventQueue::set_staging; 0: not at all). Converts to
// its drain, for the tests that need only that.
struct QueueKind {
  Drain drain = Drain::kHeap;
  uint32_t stage_ahead = 0;
  operator Drain() const { return drain; }  // NOLINT(google-explicit-constructor)
};

// How gtest names a failing configuration.
void PrintTo(const QueueKind& kind, std::ostream* os) {
  *os << to_string(kind.drain) << ", staged " << kind.stage_ahead << " buckets ahead";
}

template <class P>
void Configure(EventQueue<P>& q, QueueKind kind) {
  q.set_drain(kind.drain);
  q.set_staging(kind.stage_ahead);
}

// Every behaviour below holds for both drains, with and without staging:
// they pop the same events in the same order and differ only in cost.
class EventQueueByDrain : public ::testing::TestWithParam<QueueKind> {};

std::vector<std::pair<int64_t, int>> drain(Queue& q) {
  std::vector<std::pair<int64_t, int>> out;
  TimePoint at;
  Ev ev;
  while (q.pop(&at, &ev)) out.emplace_back(at.ns(), ev.id);
  return out;
}

TEST_P(EventQueueByDrain, EmptyQueue) {
  Queue q;
  Configure(q, GetParam());
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(0u, q.size());
  TimePoint at(5);
  Ev ev{3};
  EXPECT_FALSE(q.pop(&at, &ev));
  EXPECT_EQ(TimePoint(5), at);
  EXPECT_EQ(3, ev.id);
}

// next_hint() names the event the next pop will most likely return, once
// the near heap holds it (after the first pop has settled the queue), and
// nothing when nothing is near.
TEST_P(EventQueueByDrain, NextHintIsTheNextPoppedEventOnceSettled) {
  Queue q;
  Configure(q, GetParam());
  EXPECT_EQ(nullptr, q.next_hint());
  for (int i = 0; i < 50; ++i) q.schedule(TimePoint(1000 + 7 * ((i * 13) % 50)), Ev{i});
  TimePoint at;
  Ev ev;
  ASSERT_TRUE(q.pop(&at, &ev));
  while (!q.empty()) {
    const Ev* hint = q.next_hint();
    ASSERT_NE(nullptr, hint);
    const int expected = hint->id;
    ASSERT_TRUE(q.pop(&at, &ev));
    EXPECT_EQ(expected, ev.id);
  }
  EXPECT_EQ(nullptr, q.next_hint());
}

TEST_P(EventQueueByDrain, FifoAmongEqualTimes) {
  Queue q;
  Configure(q, GetParam());
  for (int i = 0; i < 1000; ++i) q.schedule(TimePoint(42), Ev{i});
  EXPECT_EQ(1000u, q.size());
  EXPECT_EQ(1000u, q.scheduled_count());
  const auto out = drain(q);
  ASSERT_EQ(1000u, out.size());
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(42, out[static_cast<size_t>(i)].first);
    EXPECT_EQ(i, out[static_cast<size_t>(i)].second);
  }
}

TEST_P(EventQueueByDrain, TotalOrderMatchesStableSort) {
  Queue q;
  Configure(q, GetParam());
  Rng rng(1);
  std::vector<std::pair<int64_t, int>> expected;
  for (int i = 0; i < 20000; ++i) {
    // Few distinct times, so ties are common.
    const int64_t t = rng.uniform_int(0, 500);
    q.schedule(TimePoint(t), Ev{i});
    expected.emplace_back(t, i);
  }
  std::stable_sort(expected.begin(), expected.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  EXPECT_EQ(expected, drain(q));
}

TEST_P(EventQueueByDrain, NextTime) {
  Queue q;
  Configure(q, GetParam());
  q.schedule(TimePoint(30), Ev{0});
  const auto h = q.schedule(TimePoint(10), Ev{1});
  q.schedule(TimePoint(20), Ev{2});
  EXPECT_EQ(TimePoint(10), q.next_time());
  q.cancel(h);
  EXPECT_EQ(TimePoint(20), q.next_time());
}

TEST_P(EventQueueByDrain, PopUntilPopsOnlyWhatIsDueAndSkipsCancelled) {
  using R = Queue::PopResult;
  Queue q;
  Configure(q, GetParam());
  TimePoint at;
  Ev ev{};
  EXPECT_EQ(R::kEmpty, q.pop_until(TimePoint(100), &at, &ev));
  const auto h = q.schedule(TimePoint(10), Ev{1});
  q.schedule(TimePoint(20), Ev{2});
  q.schedule(TimePoint(20), Ev{3});
  q.cancel(h);
  EXPECT_EQ(R::kLater, q.pop_until(TimePoint(19), &at, &ev));   // the cancelled 10 is not due
  ASSERT_EQ(R::kPopped, q.pop_until(TimePoint(20), &at, &ev));  // `until` is inclusive
  EXPECT_EQ(TimePoint(20), at);
  EXPECT_EQ(2, ev.id);
  ASSERT_EQ(R::kPopped, q.pop_until(TimePoint(20), &at, &ev));
  EXPECT_EQ(3, ev.id);
  EXPECT_EQ(R::kEmpty, q.pop_until(TimePoint::max(), &at, &ev));
  EXPECT_TRUE(q.empty());
}

TEST_P(EventQueueByDrain, Cancel) {
  Queue q;
  Configure(q, GetParam());
  const auto a = q.schedule(TimePoint(10), Ev{1});
  const auto b = q.schedule(TimePoint(20), Ev{2});
  const auto c = q.schedule(TimePoint(30), Ev{3});
  EXPECT_EQ(3u, q.size());

  EXPECT_TRUE(q.cancel(b));
  EXPECT_EQ(2u, q.size());
  EXPECT_FALSE(q.cancel(b)) << "cancelling twice";
  EXPECT_EQ(2u, q.size());

  TimePoint at;
  Ev ev;
  ASSERT_TRUE(q.pop(&at, &ev));
  EXPECT_EQ(1, ev.id);
  EXPECT_FALSE(q.cancel(a)) << "cancelling after pop";

  ASSERT_TRUE(q.pop(&at, &ev));
  EXPECT_EQ(3, ev.id) << "cancelled events are never returned";
  EXPECT_EQ(TimePoint(30), at);
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.pop(&at, &ev));
  EXPECT_FALSE(q.cancel(c));
  EXPECT_FALSE(q.cancel(Queue::Handle{})) << "default handle";
  EXPECT_FALSE(q.cancel(Queue::Handle{12345, 0})) << "slot out of range";
}

TEST_P(EventQueueByDrain, StaleHandleAfterSlotReuse) {
  Queue q;
  Configure(q, GetParam());
  const auto old = q.schedule(TimePoint(1), Ev{1});
  TimePoint at;
  Ev ev;
  ASSERT_TRUE(q.pop(&at, &ev));
  // The freed slot is reused by the next schedule.
  const auto fresh = q.schedule(TimePoint(2), Ev{2});
  ASSERT_EQ(old.slot, fresh.slot);
  EXPECT_FALSE(q.cancel(old)) << "a stale handle must not cancel the slot's new event";
  EXPECT_EQ(1u, q.size());

  // Same after cancellation: once the cancelled entry has been discarded
  // and its slot reused, the old handle is stale.
  EXPECT_TRUE(q.cancel(fresh));
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.pop(&at, &ev));  // discards the cancelled entry
  const auto third = q.schedule(TimePoint(3), Ev{3});
  ASSERT_EQ(fresh.slot, third.slot);
  EXPECT_FALSE(q.cancel(fresh));
  ASSERT_TRUE(q.pop(&at, &ev));
  EXPECT_EQ(3, ev.id);
}

TEST_P(EventQueueByDrain, SizeCountsLiveEventsOnly) {
  Queue q;
  Configure(q, GetParam());
  std::vector<Queue::Handle> hs;
  for (int i = 0; i < 100; ++i) hs.push_back(q.schedule(TimePoint(i), Ev{i}));
  for (int i = 0; i < 100; i += 2) EXPECT_TRUE(q.cancel(hs[static_cast<size_t>(i)]));
  EXPECT_EQ(50u, q.size());
  int seen = 0;
  q.for_each([&](TimePoint, const Ev& e) {
    EXPECT_EQ(1, e.id % 2);
    ++seen;
  });
  EXPECT_EQ(50, seen);
  const auto out = drain(q);
  ASSERT_EQ(50u, out.size());
  for (const auto& [t, id] : out) EXPECT_EQ(1, id % 2);
}

TEST_P(EventQueueByDrain, Retime) {
  Queue q;
  Configure(q, GetParam());
  for (int i = 0; i < 10; ++i) q.schedule(TimePoint(i * 10), Ev{i});
  const auto cancelled = q.schedule(TimePoint(55), Ev{99});
  q.cancel(cancelled);
  // Move odd events 100 later and collapse events 2, 4 and 6 onto time 35:
  // the collapsed ones must keep their scheduling order, and 8 (scheduled
  // later) lands on 35 too, after them.
  q.retime([](TimePoint at, const Ev& e) {
    if (e.id % 2 == 1) return at + Duration(100);
    if (e.id >= 2) return TimePoint(35);
    return at;
  });
  EXPECT_EQ(10u, q.size());
  const std::vector<std::pair<int64_t, int>> expected = {
      {0, 0}, {35, 2}, {35, 4}, {35, 6}, {35, 8}, {110, 1}, {130, 3}, {150, 5}, {170, 7}, {190, 9},
  };
  EXPECT_EQ(expected, drain(q));
}

TEST_P(EventQueueByDrain, RetimeRandomMatchesResort) {
  Queue q;
  Configure(q, GetParam());
  Rng rng(5);
  std::vector<std::pair<int64_t, int>> model;
  for (int i = 0; i < 5000; ++i) {
    const int64_t t = rng.uniform_int(0, 1000);
    q.schedule(TimePoint(t), Ev{i});
    model.emplace_back(t, i);
  }
  // New time depends on the event only, so the model can apply it too.
  auto shift = [](int64_t t, int id) { return id % 3 == 0 ? t / 7 : t + id % 5; };
  q.retime([&](TimePoint at, const Ev& e) { return TimePoint(shift(at.ns(), e.id)); });
  for (auto& [t, id] : model) t = shift(t, id);
  std::stable_sort(model.begin(), model.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  EXPECT_EQ(model, drain(q));
}

// The heap drain's buckets are wider than sorted runs' (bucket_shift()):
// tests that aim at bucket sizes, the ring's reach and far keys multiply
// their times by this, so each drain sees the same spread in buckets.
int64_t BucketScale(Drain d) {
  return int64_t{1} << (Queue::bucket_shift(d) - Queue::bucket_shift(Drain::kSortedRuns));
}

// What the random operations below draw (in sorted-run buckets' units of
// time: scaled by BucketScale for the drain).
struct ModelRun {
  int64_t grain = 1;  // times are multiples of this many ns ahead of now,
  int64_t steps = 0;  // up to this many of them
  bool lookahead = false;
  bool retimes = false;   // now and then (1 op in 2,000) retime every event
  bool replaces = false;  // half the cancels are replace() instead
  QueueKind drain;
};

// Random schedules, pops and cancels (and retimes and replaces, if asked),
// checked against an ordered map at every step. The model knows replace()
// only as its definition: a schedule, then a cancel of the old handle.
void CheckAgainstReferenceModel(const ModelRun& run, uint64_t seed, int ops) {
  Queue q;
  Configure(q, run.drain);
  q.set_lookahead(run.lookahead);
  // Reference: ordered by (time, sequence); live events' times by sequence.
  std::map<std::pair<int64_t, uint64_t>, int> model;
  std::map<uint64_t, int64_t> time_of;
  std::vector<std::pair<uint64_t, Queue::Handle>> issued;
  Rng rng(seed);
  int64_t now = 0;
  int next_id = 0;
  uint64_t seq = 0;
  for (int op = 0; op < ops; ++op) {
    const uint64_t r = rng.below(10);
    if (r < 5) {
      const int64_t t = now + rng.uniform_int(0, run.steps) * run.grain * BucketScale(run.drain);
      issued.emplace_back(seq, q.schedule(TimePoint(t), Ev{next_id}));
      model.emplace(std::make_pair(t, seq), next_id);
      time_of.emplace(seq, t);
      ++seq;
      ++next_id;
    } else if (r < 8) {
      TimePoint at;
      Ev ev;
      const bool got = q.pop(&at, &ev);
      ASSERT_EQ(!model.empty(), got);
      if (got) {
        const auto it = model.begin();
        ASSERT_EQ(it->first.first, at.ns());
        ASSERT_EQ(it->second, ev.id);
        now = at.ns();
        time_of.erase(it->first.second);
        model.erase(it);
      }
    } else if (run.retimes && rng.below(400) == 0) {
      // Every third event moves a grain later: new ties form, between
      // keys that came from different places.
      const int64_t grain = run.grain;
      auto later = [grain](int64_t t, int id) { return id % 3 == 0 ? t + grain : t; };
      q.retime([&](TimePoint at, const Ev& e) { return TimePoint(later(at.ns(), e.id)); });
      std::map<std::pair<int64_t, uint64_t>, int> moved;
      for (const auto& [key, id] : model) {
        const int64_t t = later(key.first, id);
        moved.emplace(std::make_pair(t, key.second), id);
        time_of[key.second] = t;
      }
      model.swap(moved);
    } else if (run.replaces && !issued.empty() && rng.below(2) == 0) {
      // Replace a handle: one of the last few issued (most often live, as
      // a re-armed timer's is) or any ever issued. The new time is most
      // often at or after the old one's (the in-place case), sometimes
      // before it (the fallback), sometimes equal to other events' times.
      const size_t pick = rng.below(2) == 0
                              ? issued.size() - 1 - rng.below(std::min<size_t>(issued.size(), 4))
                              : rng.below(issued.size());
      const auto [s, h] = issued[pick];
      const auto old = time_of.find(s);
      const int64_t base = old != time_of.end() && rng.below(4) != 0 ? old->second : now;
      const int64_t t = base + rng.uniform_int(0, run.steps) * run.grain * BucketScale(run.drain);
      const Queue::Handle fresh = q.replace(h, TimePoint(t), Ev{next_id});
      issued[pick] = {seq, fresh};
      issued.emplace_back(s, h);  // the old handle, kept to try cancelling it later
      model.emplace(std::make_pair(t, seq), next_id);
      time_of.emplace(seq, t);
      if (old != time_of.end()) {
        model.erase({old->second, s});
        time_of.erase(old);
      }
      ++seq;
      ++next_id;
    } else if (!issued.empty()) {
      // Cancel a random handle ever issued: live, already run, or cancelled.
      const auto& [s, h] = issued[rng.below(issued.size())];
      const auto live = time_of.find(s);
      ASSERT_EQ(live != time_of.end(), q.cancel(h));
      if (live != time_of.end()) {
        model.erase({live->second, s});
        time_of.erase(live);
      }
    }
    ASSERT_EQ(model.size(), q.size());
  }
  std::vector<int> rest;
  for (const auto& kv : model) rest.push_back(kv.second);
  std::vector<int> got;
  for (const auto& p : drain(q)) got.push_back(p.second);
  EXPECT_EQ(rest, got);
}

// for_each visits every live event once, at its time, wherever its key
// waits: the near heap, a ring bucket, the staging array or far_ (times
// over 40 s of sorted-run buckets, so each place holds some).
TEST_P(EventQueueByDrain, ForEachSeesEveryLiveEventWhereverItWaits) {
  Queue q;
  Configure(q, GetParam());
  Rng rng(6);
  const int64_t span = int64_t{40'000'000'000} * BucketScale(GetParam());
  std::multiset<std::pair<int64_t, int>> expected;
  int next_id = 0;
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 200; ++i) {
      const int64_t t = rng.uniform_int(span / 20 * round, span);
      const auto h = q.schedule(TimePoint(t), Ev{next_id});
      if (rng.below(5) == 0)
        q.cancel(h);
      else
        expected.emplace(t, next_id);
      ++next_id;
    }
    auto check = [&](const char* when) {
      std::multiset<std::pair<int64_t, int>> seen;
      q.for_each([&](TimePoint t, const Ev& e) { seen.emplace(t.ns(), e.id); });
      ASSERT_EQ(expected, seen) << when << " round " << round;
    };
    check("scheduled");  // with staging, the new far keys are staged
    // Pop up to the next twentieth of the span: the cursor moves, and
    // staged keys are moved into the ring along the way.
    TimePoint at;
    Ev ev;
    while (q.pop_until(TimePoint(span / 20 * (round + 1)), &at, &ev) == Queue::PopResult::kPopped)
      ASSERT_EQ(1u, expected.erase({at.ns(), ev.id}));
    check("popped");
  }
}

TEST_P(EventQueueByDrain, RandomOperationsMatchReferenceModel) {
  CheckAgainstReferenceModel({.steps = 1000, .drain = GetParam()}, 77, 100'000);
}

// replace() as the model defines it (a schedule, then a cancel), in small
// heaps, full buckets, far keys, on a coarse grid of equal times, and with
// retimes among the moved slots.
TEST_P(EventQueueByDrain, RandomReplacesMatchReferenceModel) {
  CheckAgainstReferenceModel({.steps = 1000, .replaces = true, .drain = GetParam()}, 82, 100'000);
  CheckAgainstReferenceModel({.steps = 400'000'000, .replaces = true, .drain = GetParam()}, 83,
                             100'000);
  CheckAgainstReferenceModel({.steps = 3, .lookahead = true, .replaces = true, .drain = GetParam()},
                             84, 20'000);
  CheckAgainstReferenceModel(
      {.grain = 1'000'000, .steps = 40'000, .retimes = true, .replaces = true, .drain = GetParam()},
      85, 100'000);
  CheckAgainstReferenceModel(
      {.grain = 100'000, .steps = 2'000, .retimes = true, .replaces = true, .drain = GetParam()},
      86, 100'000);
}

// A timer re-armed again and again before it fires, as a Raft follower's
// election timer is at every AppendEntries: each replace() draws the new
// event's sequence number when it is called, so of the events at one time
// it pops after those scheduled before the replace and before those
// scheduled after it, wherever its key was kept meanwhile.
TEST_P(EventQueueByDrain, ReplacedEventTakesItsPlaceAmongEqualTimes) {
  Queue q;
  Configure(q, GetParam());
  const int64_t width = int64_t{1} << Queue::bucket_shift(GetParam());
  auto h = q.schedule(TimePoint(10), Ev{0});
  q.schedule(TimePoint(3 * width), Ev{1});
  for (int i = 0; i < 5; ++i) h = q.replace(h, TimePoint(10 + width / 2 * i), Ev{10 + i});
  h = q.replace(h, TimePoint(3 * width), Ev{2});
  q.schedule(TimePoint(3 * width), Ev{3});
  EXPECT_EQ(3u, q.size());
  const std::vector<std::pair<int64_t, int>> expected = {
      {3 * width, 1}, {3 * width, 2}, {3 * width, 3}};
  EXPECT_EQ(expected, drain(q));
}

TEST_P(EventQueueByDrain, ReplaceLeavesTheOldHandleCancellingNothing) {
  Queue q;
  Configure(q, GetParam());
  const auto old = q.schedule(TimePoint(10), Ev{1});
  const auto fresh = q.replace(old, TimePoint(20), Ev{2});
  EXPECT_EQ(1u, q.size());
  EXPECT_FALSE(q.cancel(old)) << "the replaced event is gone";
  EXPECT_EQ(1u, q.size());
  int seen = 0;
  q.for_each([&](TimePoint at, const Ev& e) {
    EXPECT_EQ(TimePoint(20), at);
    EXPECT_EQ(2, e.id);
    ++seen;
  });
  EXPECT_EQ(1, seen);
  EXPECT_TRUE(q.cancel(fresh));
  EXPECT_TRUE(q.empty());
  TimePoint at;
  Ev ev;
  EXPECT_FALSE(q.pop(&at, &ev));
  // A handle that names nothing pending: replace() is a plain schedule.
  const auto third = q.replace(fresh, TimePoint(30), Ev{3});
  EXPECT_FALSE(q.cancel(fresh));
  EXPECT_EQ(1u, q.size());
  // Earlier than the event it replaces (not in place on either drain).
  const auto fourth = q.replace(third, TimePoint(25), Ev{4});
  EXPECT_FALSE(q.cancel(third));
  EXPECT_EQ((std::vector<std::pair<int64_t, int>>{{25, 4}}), drain(q));
  EXPECT_FALSE(q.cancel(fourth));
}

// retime() moves a replaced event by its new time, not by the time of the
// event it replaced.
TEST_P(EventQueueByDrain, RetimeSeesReplacedEventsAtTheirNewTimes) {
  Queue q;
  Configure(q, GetParam());
  const auto a = q.schedule(TimePoint(10), Ev{1});
  q.schedule(TimePoint(50), Ev{2});
  q.replace(a, TimePoint(100), Ev{3});
  q.retime([](TimePoint at, const Ev& e) { return e.id == 3 ? at - Duration(60) : at; });
  EXPECT_EQ((std::vector<std::pair<int64_t, int>>{{40, 3}, {50, 2}}), drain(q));
}

// Times spread over about 100 buckets, so buckets hold hundreds of keys
// (some cancelled) when they move into the near heap: the refill path that
// prefetches and discards cancelled keys in bulk.
TEST_P(EventQueueByDrain, RandomOperationsAcrossFullBucketsMatchReferenceModel) {
  CheckAgainstReferenceModel({.steps = 400'000'000, .drain = GetParam()}, 78, 200'000);
}

// Look-ahead only prefetches: the same operations pop the same events, in
// small heaps (one or two keys) and full ones alike.
TEST_P(EventQueueByDrain, LookaheadPopsTheSameEvents) {
  CheckAgainstReferenceModel({.steps = 1000, .lookahead = true, .drain = GetParam()}, 79, 100'000);
  CheckAgainstReferenceModel({.steps = 400'000'000, .lookahead = true, .drain = GetParam()}, 80,
                             200'000);
  CheckAgainstReferenceModel({.steps = 3, .lookahead = true, .drain = GetParam()}, 81, 20'000);
}

// Times on a coarse grid, so that many events share a time, spread over
// hundreds of buckets (the ring's 17 s and beyond: far keys too), with
// buckets of hundreds of keys, cancellations, and now and then a retime:
// events at equal times must still pop in the order they were scheduled,
// however their keys reached the heap that pops them (an exact total
// order is what makes runs reproducible; Drain::kSortedRuns radix-sorts a
// bucket by time alone and relies on equal times already being in
// sequence order in the bucket, retimes included).
TEST_P(EventQueueByDrain, EqualTimesInLargeBucketsPopInScheduleOrder) {
  // 1 ms grain over 40 s: four grid times per bucket, and more than half
  // of the keys beyond the ring's 17 s, so that buckets fill from far_.
  CheckAgainstReferenceModel(
      {.grain = 1'000'000, .steps = 40'000, .retimes = true, .drain = GetParam()}, 91, 100'000);
  // 100 us grain over 0.2 s: about 50 buckets of hundreds of keys once
  // thousands are pending, several of them at each grid time.
  CheckAgainstReferenceModel(
      {.grain = 100'000, .steps = 2'000, .retimes = true, .drain = GetParam()}, 92, 100'000);
  // 10 ms grain over 5 s: keys a second and more ahead (staged at the
  // world's staging distance), ties at every grid time, replaces too.
  CheckAgainstReferenceModel(
      {.grain = 10'000'000, .steps = 500, .retimes = true, .replaces = true, .drain = GetParam()},
      94, 100'000);
}

// Staging's one ordering hazard: a bucket that receives staged keys and,
// after they were moved in, keys scheduled straight into it. Events at one
// time scheduled before and after the move must pop in schedule order.
TEST_P(EventQueueByDrain, EqualTimesStagedAndNotPopInScheduleOrder) {
  Queue q;
  Configure(q, GetParam());
  const int64_t width = int64_t{1} << Queue::bucket_shift(GetParam());
  const int64_t at = width * 300 + width / 2;  // past the world's staging distance
  std::vector<std::pair<int64_t, int>> expected;
  int next_id = 0;
  for (int64_t step = 0; step < 300; ++step) {
    // A clock event per bucket walks the cursor towards `at`; after each,
    // one more event at `at` (staged while it is far enough ahead, then
    // scheduled straight into its bucket) and a cancelled one.
    q.schedule(TimePoint(step * width), Ev{-1});
    TimePoint popped;
    Ev ev;
    ASSERT_TRUE(q.pop(&popped, &ev));
    ASSERT_EQ(-1, ev.id);
    q.schedule(TimePoint(at), Ev{next_id});
    expected.emplace_back(at, next_id++);
    q.cancel(q.schedule(TimePoint(at), Ev{next_id++}));
  }
  EXPECT_EQ(expected, drain(q));
}

// Staged keys stay in the staging array until their bucket is within one
// staging distance of the cursor: only that stretch of the ring holds keys
// (and the storage a bucket takes from drained runs), however far ahead the
// events are. Keys over about 3,000 buckets, then popped; every event pops,
// in order.
TEST(EventQueueStaging, OnlyTheStretchBeforeTheStagingLineHoldsKeys) {
  for (const uint32_t ahead : {1u, 4u, 64u}) {
    Queue q;
    q.set_drain(Drain::kSortedRuns);
    q.set_staging(ahead);
    Rng rng(ahead);
    const int64_t width = int64_t{1} << Queue::bucket_shift(Drain::kSortedRuns);
    constexpr int kEvents = 20'000;
    for (int i = 0; i < kEvents; ++i)
      q.schedule(TimePoint(static_cast<int64_t>(rng.below(uint64_t{3000} * width))), Ev{i});
    EXPECT_LE(q.buckets_holding_keys(), ahead);
    TimePoint at;
    TimePoint last;
    Ev ev;
    int popped = 0;
    while (q.pop(&at, &ev)) {
      ASSERT_LE(last, at);
      last = at;
      if (++popped % 50 == 0) {
        ASSERT_LE(q.buckets_holding_keys(), ahead) << "after " << popped;
      }
    }
    EXPECT_EQ(kEvents, popped);
  }
}

// A due bucket of the sorted-runs drain is sorted by rank below 64 keys
// (EventQueue::rank_sort) and by radix from 64: every size from 1 to 80
// keys, with four distinct times a bucket (so most keys tie), cancelled
// keys among them, and the first half of each bucket's keys arriving from
// far_ (scheduled beyond the ring's window) before the second half is
// scheduled straight into it. Equal times must pop in schedule order.
TEST_P(EventQueueByDrain, EqualTimesInBucketsOfEverySizePopInScheduleOrder) {
  Queue q;
  Configure(q, GetParam());
  Rng rng(93);
  const int64_t width = int64_t{1} << Queue::bucket_shift(GetParam());
  int64_t now = 0;
  int next_id = 0;
  for (int n = 1; n <= 80; ++n) {
    // Far beyond the ring (4,096 buckets): when the queue runs dry, the
    // ring restarts at `step`'s bucket and pulls the bucket at `at` in.
    const int64_t step = now + width * 5000;
    const int64_t at = step + width * 100;
    std::vector<std::pair<int64_t, int>> expected;
    auto schedule_some = [&](int count) {
      for (int i = 0; i < count; ++i) {
        const int64_t t = at + (width / 4) * static_cast<int64_t>(rng.below(4));
        const auto h = q.schedule(TimePoint(t), Ev{next_id});
        if (rng.below(8) == 0)
          ASSERT_TRUE(q.cancel(h));
        else
          expected.emplace_back(t, next_id);
        ++next_id;
      }
    };
    q.schedule(TimePoint(step), Ev{-1});
    schedule_some(n / 2);  // into far_
    TimePoint popped;
    Ev ev;
    ASSERT_TRUE(q.pop(&popped, &ev));
    ASSERT_EQ(-1, ev.id);
    schedule_some(n - n / 2);  // straight into the bucket, now in the window
    std::stable_sort(expected.begin(), expected.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    ASSERT_EQ(expected, drain(q)) << "bucket of " << n << " keys";
    now = at + width;
  }
}

struct Payload32 {
  uint64_t a = 0, b = 0, c = 0, d = 0;
};

TEST_P(EventQueueByDrain, SteadyStateDoesNotAllocate) {
  EventQueue<Payload32> q;
  Configure(q, GetParam());
  Rng rng(3);
  for (int i = 0; i < 10000; ++i) {
    q.schedule(TimePoint(rng.uniform_int(0, 1'000'000)), Payload32{});
  }
  TimePoint at;
  Payload32 p;
  auto step = [&] {
    q.pop(&at, &p);
    const auto h = q.schedule(at + Duration(rng.uniform_int(1, 1'000'000)), p);
    // Cancellation churn too: cancel and replace some events.
    if (rng.below(8) == 0) {
      q.cancel(h);
      q.schedule(at + Duration(rng.uniform_int(1, 1'000'000)), p);
    }
  };
  // Warm-up: cancelled entries linger in the heap, so capacity can still
  // grow a little until their number has stabilised. Time moves about
  // 0.1 us a step, a bucket every 40,000 steps: 400,000 steps take staging
  // (one and four buckets ahead) through a few batches, so that its array
  // has grown to the most keys it holds.
  for (int i = 0; i < 400'000; ++i) step();
  const uint64_t before = g_allocations.load();
  for (int i = 0; i < 200'000; ++i) step();
  const uint64_t after = g_allocations.load();
  EXPECT_EQ(before, after) << "allocations in steady state";
  EXPECT_EQ(10000u, q.size());
}

// The same with pending events spread over many buckets of hundreds of
// keys each. Their sizes fluctuate, so a bucket larger than every one
// before still grows a vector now and then, ever more rarely: a handful
// in a million events after warm-up (measured: 4, then 2, then 0 per
// million), never one per event or per bucket (about 4,000 buckets drain
// per million events here).
TEST_P(EventQueueByDrain, SteadyStateWithLargeBucketsAllocatesAlmostNothing) {
  EventQueue<Payload32> q;
  Configure(q, GetParam());
  Rng rng(4);
  const int64_t kSpread = 1'000'000'000 * BucketScale(GetParam());  // about 240 buckets
  for (int i = 0; i < 100'000; ++i) q.schedule(TimePoint(rng.uniform_int(0, kSpread)), Payload32{});
  TimePoint at;
  Payload32 p;
  auto step = [&] {
    q.pop(&at, &p);
    const auto h = q.schedule(at + Duration(rng.uniform_int(1, kSpread)), p);
    if (rng.below(8) == 0) {
      q.cancel(h);
      q.schedule(at + Duration(rng.uniform_int(1, kSpread)), p);
    }
  };
  for (int i = 0; i < 1'000'000; ++i) step();
  const uint64_t before = g_allocations.load();
  for (int i = 0; i < 1'000'000; ++i) step();
  const uint64_t after = g_allocations.load();
  EXPECT_LE(after - before, 10u) << "allocations in a million events after warm-up";
  EXPECT_EQ(100'000u, q.size());
}

// The drain is fixed before the first event: keys placed for one drain are
// never popped by the other.
TEST(EventQueueDeathTest, DrainIsChosenBeforeSchedulingOnly) {
  Queue q;
  EXPECT_EQ(Drain::kHeap, q.drain());
  q.set_drain(Drain::kSortedRuns);
  EXPECT_EQ(Drain::kSortedRuns, q.drain());
  q.schedule(TimePoint(1), Ev{1});
  EXPECT_DEATH(q.set_drain(Drain::kHeap), "drain chosen after scheduling");
  EXPECT_STREQ("heap", to_string(Drain::kHeap));
  EXPECT_STREQ("sorted-runs", to_string(Drain::kSortedRuns));
}

// Staging one bucket ahead stages nearly every key for the ring and moves
// them at nearly every refill; four buckets ahead, batches of several
// buckets' keys; the world's distance (about a second) matters only to the
// tests whose times spread over seconds.
// Staging is for sorted runs, chosen before the first event, as the drain is.
TEST(EventQueueDeathTest, StagingNeedsSortedRunsAndIsChosenBeforeScheduling) {
  Queue heap;
  heap.set_staging(0);
  EXPECT_DEATH(heap.set_staging(4), "staging needs sorted runs");
  Queue runs;
  runs.set_drain(Drain::kSortedRuns);
  runs.set_staging(4);
  runs.schedule(TimePoint(1), Ev{1});
  EXPECT_DEATH(runs.set_staging(0), "staging chosen after scheduling");
}

INSTANTIATE_TEST_SUITE_P(Drains, EventQueueByDrain,
                         ::testing::Values(QueueKind{Drain::kHeap, 0},
                                           QueueKind{Drain::kSortedRuns, 0},
                                           QueueKind{Drain::kSortedRuns, 1},
                                           QueueKind{Drain::kSortedRuns, 4},
                                           QueueKind{Drain::kSortedRuns, Queue::kStageBuckets}),
                         [](const ::testing::TestParamInfo<QueueKind>& kind_info) {
                           if (kind_info.param.drain == Drain::kHeap) return std::string("Heap");
                           if (kind_info.param.stage_ahead == 0) return std::string("SortedRuns");
                           return "SortedRunsStaged" + std::to_string(kind_info.param.stage_ahead);
                         });

// The key heap compares whole groups of four children, relying on every
// position after its last key to hold a sentinel. A cleared heap that kept
// its old keys beyond the new last one would pop them again: here the
// stale keys 7 and 8 sit where the second level's children are compared.
TEST(KeyHeap, ClearForgetsEveryKey) {
  using event_queue_detail::Key;
  using event_queue_detail::KeyHeap;
  KeyHeap heap;
  for (uint64_t t = 0; t < 20; ++t) heap.push(Key{t, t});
  heap.clear();
  EXPECT_TRUE(heap.empty());
  for (uint64_t t = 100; t < 107; ++t) heap.push(Key{t, t});
  std::vector<uint64_t> popped;
  while (!heap.empty()) {
    popped.push_back(heap.top().at);
    heap.pop();
  }
  EXPECT_EQ((std::vector<uint64_t>{100, 101, 102, 103, 104, 105, 106}), popped);
}

// Popping down to empty and growing again keeps the order (the positions
// freed by pops hold sentinels again).
TEST(KeyHeap, RefillAfterEmptyingPopsInOrder) {
  using event_queue_detail::Key;
  using event_queue_detail::KeyHeap;
  KeyHeap heap;
  Rng rng(11);
  for (int round = 0; round < 5; ++round) {
    std::vector<uint64_t> times;
    const int n = 1 + static_cast<int>(rng.below(300));
    for (int i = 0; i < n; ++i) {
      const uint64_t t = rng.below(1000);
      times.push_back(t);
      heap.push(Key{t, static_cast<uint64_t>(round * 1000 + i)});
    }
    std::sort(times.begin(), times.end());
    std::vector<uint64_t> popped;
    while (!heap.empty()) {
      popped.push_back(heap.top().at);
      heap.pop();
    }
    EXPECT_EQ(times, popped);
  }
}

TEST(EventQueueAllocations, CounterWorks) {
  // Guards the test above against a counter that never counts.
  const uint64_t before = g_allocations.load();
  std::vector<int> v(100);
  v[7] = 3;
  EXPECT_EQ(3, v[7]);
  EXPECT_GE(g_allocations.load(), before + 1);
}

}  // namespace
}  // namespace event_queue_test
}  // namespace leasesim
