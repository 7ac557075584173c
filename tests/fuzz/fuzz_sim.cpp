// Fuzz target: a scenario from fuzzed bytes, if it loads, is simulated for
// a bounded number of engine events, so the world, the protocol nodes,
// the network, the fault injector and the checker are fuzzed, not only
// the parser. Checks, beyond "no crash, no sanitizer report, no
// LEASESIM_ASSERT":
//   * determinism: a second run of the same scenario, with tracing off and
//     the event queue's other drain (core/event_queue.hpp: the first run,
//     at most 32 nodes, drains by the heap; the second by sorted runs),
//     ends at the same place with the same trace hash;
//   * every traced record can be described (trace_text) and the report
//     (text and JSON) can be formatted.
// Scenarios too big to say anything in the event budget (many nodes,
// resources or faults) are rejected (-1) so the corpus stays small and fast.
#include <cstdio>
#include <cstdlib>

#include "fuzz_common.hpp"
#include "leasesim/core/trace_text.hpp"
#include "leasesim/report/run_report.hpp"
#include "leasesim/world/world.hpp"

using namespace leasesim;

namespace {

constexpr uint64_t kMaxEvents = 20000;

class DescribingSink : public TraceSink {
 public:
  explicit DescribingSink(const TraceSchema& schema) : schema_(schema) {}
  void write(const Record& r) override {
    chars_ += describe_record(schema_, r).size();
    ++records_;
  }
  bool finish(std::string*) override { return true; }
  uint64_t records() const { return records_; }

 private:
  const TraceSchema& schema_;
  uint64_t records_ = 0;
  uint64_t chars_ = 0;
};

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  return fuzz::structured_mutate(data, size, max_size, seed);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  LoadResult loaded = load_scenario_text(text, "fuzz.json");
  fuzz::check_diagnostics(loaded);
  if (!loaded.ok()) return 0;
  const Scenario& sc = *loaded.scenario;
  if (sc.node_count() > 32 || sc.resources.size() > 64 || sc.faults.size() > 128 ||
      sc.network.overrides.size() > 128)
    return -1;

  const TraceSchema schema = make_trace_schema(sc);
  DescribingSink sink(schema);
  RunOptions traced;
  traced.max_events = kMaxEvents;
  traced.trace = &sink;
  World first(sc, traced);
  const RunResult a = first.run();

  RunOptions quiet;
  quiet.max_events = kMaxEvents;
  quiet.event_queue =
      World::event_queue_for(sc, traced) == Drain::kHeap ? Drain::kSortedRuns : Drain::kHeap;
  World second(sc, quiet);
  const RunResult b = second.run();

  if (a.trace_hash != b.trace_hash || a.events != b.events || a.records != b.records ||
      a.end != b.end || a.reason != b.reason || a.failures != b.failures) {
    std::fprintf(
        stderr,
        "fuzz: two runs of one scenario differ: hash %s/%s events %llu/%llu "
        "records %llu/%llu\n",
        format_hash(a.trace_hash).c_str(), format_hash(b.trace_hash).c_str(),
        static_cast<unsigned long long>(a.events), static_cast<unsigned long long>(b.events),
        static_cast<unsigned long long>(a.records), static_cast<unsigned long long>(b.records));
    std::abort();
  }
  if (sink.records() != a.records) {
    std::fprintf(stderr, "fuzz: the sink saw %llu records, the result says %llu\n",
                 static_cast<unsigned long long>(sink.records()),
                 static_cast<unsigned long long>(a.records));
    std::abort();
  }
  const std::string report = format_report(sc, a, schema);
  const std::string json = report_json(sc, a, schema).dump();
  if (report.empty() || json.empty()) std::abort();
  return 0;
}
