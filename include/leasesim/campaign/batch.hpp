// Many independent runs on a pool of threads, for explore and sweep.
//
// Each run is single-threaded and deterministic, so a job's result never
// depends on the number of threads; results are handed back in job order
// on the calling thread, so outputs (result files, progress) are identical
// whatever --jobs is.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>

#include "leasesim/scenario/scenario.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim {

class BatchRunner {
 public:
  // threads == 0: one per hardware thread.
  explicit BatchRunner(unsigned threads);

  // Builds job i with make(i) and runs it with `options` (which must not
  // carry a trace sink: sinks are per run). Calls on_result(i, result) for
  // i = 0, 1, ... in order, on the calling thread; it returns false to stop
  // early. request_stop() (e.g. from a SIGINT handler) also stops: jobs not
  // yet started are skipped, jobs running are abandoned within a few
  // milliseconds (RunOptions::cancel) and count as not run, and every
  // result before the first missing one is still delivered; with
  // set_finished_past_a_stop(true), every finished one, in order, the
  // missing ones skipped (on_result's i then skips too). Returns the number
  // of results delivered.
  size_t run(size_t count, const std::function<Scenario(size_t)>& make, const RunOptions& options,
             const std::function<bool(size_t, RunResult&&)>& on_result);

  // After request_stop(), deliver what finished past the first missing
  // result too (each result stands alone: check); off by default (a results
  // file must be a prefix of the plan to resume: explore, sweep).
  void set_finished_past_a_stop(bool on) { finished_past_a_stop_ = on; }

  // Async-signal-safe: only sets lock-free atomic flags (sequentially
  // consistent, so that a worker that saw its run cancelled and the
  // delivering thread agree that a stop was asked for).
  void request_stop() {
    stop_.store(true);
    cancel_.store(true);
  }
  bool stop_requested() const { return stop_.load(); }
  unsigned threads() const { return threads_; }

 private:
  unsigned threads_;
  std::atomic<bool> stop_{false};    // request_stop()
  std::atomic<bool> cancel_{false};  // stop_, or on_result() said stop: runs abandon
  bool finished_past_a_stop_ = false;
  static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");
};

}  // namespace leasesim
