// Micro-benchmarks of clock conversion: reading a node's clocks at a true
// time (every event does, for the node it runs) and the inverse, the true
// time at which a local deadline falls due (every timer). A perfect
// oscillator takes a fast path; a drifting one needs 128-bit arithmetic.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "leasesim/clock/node_clock.hpp"

namespace leasesim {
namespace {

NodeClock make_clock(int64_t drift_ppb) { return NodeClock(milliseconds(-20), drift_ppb); }

void BM_ClockRead(benchmark::State& state) {
  const NodeClock c = make_clock(state.range(0));
  int64_t t = 1'000'000'000;
  int64_t sum = 0;
  for (auto _ : state) {
    const LocalClocks l = c.read(TimePoint(t));
    sum += l.wall.ns() ^ l.mono.ns();
    t += 1'234'567;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClockRead)->Arg(0)->Arg(150'500);  // drift in ppb: none, 150.5 ppm

void BM_ClockTimerDue(benchmark::State& state) {
  const NodeClock c = make_clock(state.range(0));
  int64_t t = 1'000'000'000;
  int64_t sum = 0;
  for (auto _ : state) {
    const TimePoint now(t);
    const TimePoint deadline = c.read(now).mono + milliseconds(1666);
    sum += c.true_time_when(ClockKind::kMonotonic, deadline, now).ns();
    t += 1'234'567;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClockTimerDue)->Arg(0)->Arg(150'500);

}  // namespace
}  // namespace leasesim
