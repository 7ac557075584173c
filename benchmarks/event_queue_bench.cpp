// Micro-benchmarks of the core hot paths: the event queue against a minimal
// hand-written heap (to show what the slot table, FIFO sequence numbers and
// lazy cancellation cost), trace hashing, and JSONL trace formatting.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "leasesim/core/event_queue.hpp"
#include "leasesim/core/jsonl_writer.hpp"
#include "leasesim/core/rng.hpp"
#include "leasesim/core/trace.hpp"

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

Record sample_record(uint64_t i) {
  Record r;
  r.time = TimePoint(static_cast<int64_t>(i) * 1000);
  r.local = TimePoint(static_cast<int64_t>(i) * 1000 + 17);
  r.node = static_cast<uint32_t>(i % 5);
  r.kind = kind_range::kNet;
  r.f = {(i + 1) % 5, 512 + i % 100, 1'500'000 + i % 777, i & 1, i % 3, 0};
  return r;
}

void BM_TraceHash(benchmark::State& state) {
  TraceHasher h;
  uint64_t i = 0;
  for (auto _ : state) {
    const Record r = sample_record(i++);
    h.add(r);
  }
  benchmark::DoNotOptimize(h.value());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TraceHash);

const char* const kVerdicts[] = {"grant", "deny", "timeout"};

TraceSchema bench_schema() {
  TraceSchema s;
  KindDesc k;
  k.kind = kind_range::kNet;
  k.name = "send";
  k.field_count = 5;
  k.fields[0] = {"to", FieldType::kName, name_table::kNodes, nullptr, 0};
  k.fields[1] = {"bytes", FieldType::kUint, 0, nullptr, 0};
  k.fields[2] = {"delay", FieldType::kDuration, 0, nullptr, 0};
  k.fields[3] = {"dup", FieldType::kBool, 0, nullptr, 0};
  k.fields[4] = {"verdict", FieldType::kEnum, 0, kVerdicts, 3};
  s.add(k);
  s.names(name_table::kNodes) = {"server", "n1", "n2", "n3", "storage"};
  return s;
}

// Formatting plus writing to a real file (through the page cache).
void BM_JsonlWrite(benchmark::State& state) {
  const TraceSchema schema = bench_schema();
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("leasesim-bench-" + std::to_string(::getpid()) + ".jsonl"))
                               .string();
  AtomicFile file;
  std::string error;
  if (!file.open(path, &error)) {
    state.SkipWithError(error.c_str());
    return;
  }
  JsonlTraceWriter w(schema, std::move(file));
  uint64_t i = 0;
  for (auto _ : state) w.write(sample_record(i++));
  if (!w.finish(&error)) state.SkipWithError(error.c_str());
  state.SetItemsProcessed(state.iterations());
  std::error_code ec;
  state.counters["bytes_per_record"] = static_cast<double>(std::filesystem::file_size(path, ec)) /
                                       static_cast<double>(state.iterations());
  std::filesystem::remove(path, ec);
}
BENCHMARK(BM_JsonlWrite);

}  // namespace
}  // namespace leasesim
