// Micro-benchmarks of the event queue against plain heaps of the same
// events (to show what the slot table, FIFO sequence numbers, lazy
// cancellation and the time buckets cost or save). The target
// (docs/performance.md): schedule+pop at 10k pending within 1.5x of a plain
// binary heap.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <queue>
#include <vector>

#include "leasesim/core/event_queue.hpp"
#include "leasesim/core/rng.hpp"

namespace leasesim {
namespace {

struct Payload32 {
  uint64_t a = 0, b = 0, c = 0, d = 0;
};
static_assert(sizeof(Payload32) == 32);

constexpr int64_t kMs = 1'000'000;

// Steady-state hold model: P pending events; each step pops the earliest and
// schedules a successor 1..10ms later.
void BM_EventQueueSchedulePop(benchmark::State& state) {
  const auto pending = static_cast<size_t>(state.range(0));
  EventQueue<Payload32> q;
  q.reserve(pending + 1);
  Rng rng(1);
  for (size_t i = 0; i < pending; ++i) {
    q.schedule(TimePoint(rng.uniform_int(0, 10 * kMs)), Payload32{i, 0, 0, 0});
  }
  TimePoint at;
  Payload32 p;
  for (auto _ : state) {
    q.pop(&at, &p);
    ++p.b;
    q.schedule(at + Duration(rng.uniform_int(kMs, 10 * kMs)), p);
  }
  benchmark::DoNotOptimize(p);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventQueueSchedulePop)->Arg(1000)->Arg(10000)->Arg(100000);

// Baseline: the smallest reasonable 4-ary heap of whole 32-byte events, no
// slot table, no cancellation, 32-bit sequence numbers.
struct PlainEvent {
  int64_t t;
  uint32_t seq;
  uint32_t x;
  uint64_t a, b;
};
static_assert(sizeof(PlainEvent) == 32);

class PlainHeap {
 public:
  void reserve(size_t n) { h_.reserve(n); }
  void push(PlainEvent e) {
    size_t i = h_.size();
    h_.push_back(e);
    while (i > 0) {
      const size_t parent = (i - 1) / 4;
      if (!less(e, h_[parent])) break;
      h_[i] = h_[parent];
      i = parent;
    }
    h_[i] = e;
  }
  PlainEvent pop() {
    const PlainEvent top = h_[0];
    const PlainEvent last = h_.back();
    h_.pop_back();
    const size_t n = h_.size();
    if (n == 0) return top;
    size_t i = 0;
    for (;;) {
      const size_t first = 4 * i + 1;
      if (first >= n) break;
      size_t best = first;
      const size_t end = first + 4 < n ? first + 4 : n;
      for (size_t c = first + 1; c < end; ++c)
        if (less(h_[c], h_[best])) best = c;
      if (!less(h_[best], last)) break;
      h_[i] = h_[best];
      i = best;
    }
    h_[i] = last;
    return top;
  }

 private:
  static bool less(const PlainEvent& a, const PlainEvent& b) {
    return a.t < b.t || (a.t == b.t && a.seq < b.seq);
  }
  std::vector<PlainEvent> h_;
};

void BM_PlainHeap(benchmark::State& state) {
  const auto pending = static_cast<size_t>(state.range(0));
  PlainHeap h;
  h.reserve(pending + 1);
  Rng rng(1);
  uint32_t seq = 0;
  for (size_t i = 0; i < pending; ++i) {
    h.push(PlainEvent{rng.uniform_int(0, 10 * kMs), seq++, 0, i, 0});
  }
  PlainEvent e{};
  for (auto _ : state) {
    e = h.pop();
    ++e.b;
    e.t += rng.uniform_int(kMs, 10 * kMs);
    e.seq = seq++;
    h.push(e);
  }
  benchmark::DoNotOptimize(e);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PlainHeap)->Arg(1000)->Arg(10000)->Arg(100000);

// Baseline: a plain binary heap (std::priority_queue) of the same events.
struct PlainLater {
  bool operator()(const PlainEvent& a, const PlainEvent& b) const {
    return b.t < a.t || (b.t == a.t && b.seq < a.seq);
  }
};

void BM_StdPriorityQueue(benchmark::State& state) {
  const auto pending = static_cast<size_t>(state.range(0));
  std::vector<PlainEvent> storage;
  storage.reserve(pending + 1);
  std::priority_queue<PlainEvent, std::vector<PlainEvent>, PlainLater> h(PlainLater{},
                                                                         std::move(storage));
  Rng rng(1);
  uint32_t seq = 0;
  for (size_t i = 0; i < pending; ++i) h.push(PlainEvent{rng.uniform_int(0, 10 * kMs), seq++, 0, i, 0});
  PlainEvent e{};
  for (auto _ : state) {
    e = h.top();
    h.pop();
    ++e.b;
    e.t += rng.uniform_int(kMs, 10 * kMs);
    e.seq = seq++;
    h.push(e);
  }
  benchmark::DoNotOptimize(e);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StdPriorityQueue)->Arg(1000)->Arg(10000)->Arg(100000);

// A simulator's mix: one event in four is a message (1..10 ms ahead), the
// rest are timers 0.5..10 s ahead, as in workload W1. Most pending events are
// then far-off timers, which the event queue keeps out of its heap.
int64_t mixed_delay(Rng& rng) {
  return rng.below(4) == 0 ? rng.uniform_int(kMs, 10 * kMs) : rng.uniform_int(500 * kMs, 10'000 * kMs);
}

void BM_EventQueueMixed(benchmark::State& state) {
  const auto pending = static_cast<size_t>(state.range(0));
  EventQueue<Payload32> q;
  q.reserve(pending + 1);
  Rng rng(1);
  for (size_t i = 0; i < pending; ++i) q.schedule(TimePoint(mixed_delay(rng)), Payload32{i, 0, 0, 0});
  TimePoint at;
  Payload32 p;
  for (auto _ : state) {
    q.pop(&at, &p);
    ++p.b;
    q.schedule(at + Duration(mixed_delay(rng)), p);
  }
  benchmark::DoNotOptimize(p);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventQueueMixed)->Arg(1000)->Arg(10000)->Arg(100000);

void BM_PlainHeapMixed(benchmark::State& state) {
  const auto pending = static_cast<size_t>(state.range(0));
  PlainHeap h;
  h.reserve(pending + 1);
  Rng rng(1);
  uint32_t seq = 0;
  for (size_t i = 0; i < pending; ++i) h.push(PlainEvent{mixed_delay(rng), seq++, 0, i, 0});
  PlainEvent e{};
  for (auto _ : state) {
    e = h.pop();
    ++e.b;
    e.t += mixed_delay(rng);
    e.seq = seq++;
    h.push(e);
  }
  benchmark::DoNotOptimize(e);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PlainHeapMixed)->Arg(1000)->Arg(10000)->Arg(100000);

}  // namespace
}  // namespace leasesim
