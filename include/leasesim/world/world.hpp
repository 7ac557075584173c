// The world: hosts a scenario's nodes on the event engine, the network
// model and the clock models, applies faults, feeds every record to the
// checker, the trace hash and (if tracing) the trace sink.
//
// One World is one run: construct, run() once, read the result. Runs are
// deterministic: the same Scenario (seed included) gives the same record
// stream and trace hash on every platform. Nothing here reads the wall
// clock except RunOptions::max_wall_seconds, which can only cut a run
// short (and says so in the result).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "leasesim/check/metrics.hpp"
#include "leasesim/check/violation.hpp"
#include "leasesim/core/scheduler.hpp"
#include "leasesim/core/trace.hpp"
#include "leasesim/scenario/scenario.hpp"
#include "leasesim/world/load_stats.hpp"
#include "leasesim/world/records.hpp"

namespace leasesim {

// The most events a run holds pending at once (messages in flight, timers,
// faults) before it stops (EndReason::kPendingLimit): below what the event
// queue can hold (about 16.7 million), with room for what one stretch of
// events between two looks can add. About 3.4 GB of memory at the limit.
inline constexpr size_t kMaxPendingEvents = 15'000'000;

struct RunOptions {
  std::optional<TimePoint> until;    // default: the scenario's duration
  uint64_t max_events = UINT64_MAX;  // engine events handled at most
  // Events pending at once at most (kMaxPendingEvents; tests lower it).
  // Looked at every 65,536 events, every 256 once past half of it.
  size_t max_pending = kMaxPendingEvents;
  // Not owned; set (by another thread) to abandon the run: it stops at its
  // next look, as often as max_pending's, with EndReason::kCancelled. A
  // cancelled run's result is no verdict (BatchRunner drops it).
  const std::atomic<bool>* cancel = nullptr;
  double max_wall_seconds = 0.0;  // 0: no limit
  bool stop_on_first_violation = false;
  TraceSink* trace = nullptr;  // not owned; nullptr: tracing off
  // How the event queue drains due buckets (core/event_queue.hpp); only
  // speed differs, never what runs. Unset: chosen by the world's size
  // (World::kSortedRunsNodes).
  std::optional<Drain> event_queue;
};

struct NetStats {
  uint64_t sent = 0;
  uint64_t delivered = 0;
  uint64_t duplicated = 0;
  uint64_t dropped_partition = 0;
  uint64_t dropped_loss = 0;
  uint64_t dropped_crashed = 0;
};

// The fault script's outcome: every scheduled fault whose time came was
// either applied or skipped (with a fault_skipped record saying why).
// Automatic restarts after a crash with a duration are part of the crash.
struct FaultStats {
  uint64_t scheduled = 0;  // faults in the script (explore's generated ones included)
  uint64_t fired = 0;      // whose time came before the run ended
  std::array<uint64_t, world_rec::kSkipReasons> skipped{};  // by SkipReason
  uint64_t skipped_total() const {
    uint64_t n = 0;
    for (const uint64_t k : skipped) n += k;
    return n;
  }
  uint64_t applied() const { return fired - skipped_total(); }
};

enum class EndReason : uint8_t {
  kCompleted,     // reached the scenario's end (or --until)
  kQuiescent,     // nothing left to happen before the end
  kViolation,     // stopped at the first violation, as asked
  kEventBudget,   // --max-events reached
  kWallTimeout,   // --timeout reached
  kPendingLimit,  // more than RunOptions::max_pending events pending at once
  kCancelled,     // RunOptions::cancel was set (an interrupted campaign)
};
const char* to_string(EndReason r);

struct RunResult {
  std::string scenario;
  uint64_t seed = 0;
  TimePoint end;  // virtual time reached
  EndReason reason = EndReason::kCompleted;
  uint64_t events = 0;   // engine events handled
  uint64_t records = 0;  // trace records emitted
  uint64_t trace_hash = 0;
  double wall_seconds = 0.0;
  std::vector<Violation> violations;  // warnings included
  size_t failures = 0;                // violations that are not warnings
  Metrics metrics;
  NetStats net;
  FaultStats faults;
  LoadStats load;
};

class World {
 public:
  World(const Scenario& scenario, const RunOptions& options);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  RunResult run();
  // The schema of this run's records (kinds and node/resource names).
  const TraceSchema& schema() const;

  // Worlds with at least this many nodes drain their event queue by sorted
  // runs, smaller ones by the heap, unless RunOptions::event_queue says
  // otherwise. Measured (docs/performance.md, rounds four and five): with
  // a few nodes a bucket holds a handful of events and the heap is cheaper
  // (scenarios/explore.json was 3.4% slower by sorted runs); from hundreds
  // of nodes buckets hold hundreds and sorting them once wins. W1's shape
  // breaks even at about 100 requestors (instructions, sorted runs vs
  // heap: 20 +1.4%, 100 +0.1%, 150 -0.7%, 300 -2.4%, 1,000 -4.3%). Since
  // the heap's buckets are wider (round six) sorted runs take fewer
  // instructions from about 100 requestors, but the heap is still as fast
  // or faster in time up to 250 (0.92x at 150, 1.00x at 250).
  static constexpr uint32_t kSortedRunsNodes = 256;
  // From this many nodes on, sorted runs also stage far keys
  // (EventQueue::set_staging): W1 at C = 10,000 about 7% less time; at
  // C = 1,000 3% more instructions for the same time.
  static constexpr uint32_t kStagingNodes = 4096;
  static Drain event_queue_for(const Scenario& scenario, const RunOptions& options);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Builds the schema for a scenario without running it (for converters).
TraceSchema make_trace_schema(const Scenario& scenario);

}  // namespace leasesim
