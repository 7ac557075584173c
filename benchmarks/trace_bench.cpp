// Micro-benchmarks of the trace path: hashing every record (always on) and
// formatting + writing JSONL (tracing on). The target (docs/performance.md):
// at least one million records per second written to a JSONL file.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "leasesim/core/jsonl_writer.hpp"
#include "leasesim/core/trace.hpp"

namespace leasesim {
namespace {

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
