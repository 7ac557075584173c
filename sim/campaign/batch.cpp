#include "leasesim/campaign/batch.hpp"

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "leasesim/core/allocator.hpp"
#include "leasesim/core/assert.hpp"

namespace leasesim {

BatchRunner::BatchRunner(unsigned threads)
    : threads_(threads ? threads : std::max(1u, std::thread::hardware_concurrency())) {}

size_t BatchRunner::run(size_t count, const std::function<Scenario(size_t)>& make,
                        const RunOptions& options,
                        const std::function<bool(size_t, RunResult&&)>& on_result) {
  LEASESIM_ASSERT(options.trace == nullptr, "batch runs cannot share a trace sink");
  // Each worker's next seed reuses what its previous seed freed.
  keep_freed_memory();
  std::mutex mu;
  std::condition_variable ready;  // a result arrived
  std::condition_variable room;   // delivery caught up
  // Workers may run at most this far ahead of in-order delivery, so a slow
  // job cannot make finished results pile up without bound.
  const size_t window = 4 * static_cast<size_t>(threads_);
  size_t next = 0;                   // the next job to deliver, in order
  size_t delivered = 0;              // results delivered (jobs before next, less the ones skipped)
  std::map<size_t, RunResult> done;  // finished, not yet delivered
  size_t next_job = 0;
  size_t running = 0;
  bool stop = false;
  cancel_.store(stop_requested());
  // Runs in progress watch cancel_ (set on a stop of either kind) and end
  // early; their results are dropped, not delivered: a cut run is no
  // verdict, and a resumed campaign runs it again.
  RunOptions run_options = options;
  run_options.cancel = &cancel_;

  auto worker = [&] {
    for (;;) {
      size_t job;
      {
        std::unique_lock<std::mutex> lock(mu);
        room.wait(lock, [&] {
          return stop || stop_requested() || next_job >= count || next_job < next + window;
        });
        if (stop || stop_requested() || next_job >= count) {
          // The delivering thread may be waiting for this worker to go idle
          // after a stop (request_stop() itself notifies no one, being
          // signal-safe): wake it, or it sleeps forever.
          ready.notify_all();
          return;
        }
        job = next_job++;
        ++running;
      }
      Scenario sc = make(job);
      World world(sc, run_options);
      RunResult r = world.run();
      {
        std::lock_guard<std::mutex> lock(mu);
        if (r.reason != EndReason::kCancelled) done.emplace(job, std::move(r));
        --running;
      }
      ready.notify_one();
    }
  };

  std::vector<std::thread> pool;
  const unsigned n = static_cast<unsigned>(std::min<size_t>(threads_, count ? count : 1));
  for (unsigned i = 0; i < n; ++i) pool.emplace_back(worker);

  while (next < count) {
    std::optional<RunResult> r;
    size_t index = next;
    {
      std::unique_lock<std::mutex> lock(mu);
      ready.wait(lock, [&] {
        return done.count(next) > 0 ||
               ((stop || stop_requested() || cancel_.load()) && running == 0) ||
               (next_job >= count && running == 0 && done.count(next) == 0);
      });
      auto it = done.find(next);
      if (it == done.end()) {
        // Stopped: nothing more will arrive in order. Past the gap, what
        // finished is delivered if asked (a stop by signal only: a stop
        // that on_result asked for delivers nothing more).
        if (!finished_past_a_stop_ || !stop_requested() || done.empty()) break;
        it = done.begin();  // the map is ordered: the next finished job
      }
      index = it->first;
      r = std::move(it->second);
      done.erase(it);
    }
    const bool go_on = on_result(index, std::move(*r));
    {
      std::lock_guard<std::mutex> lock(mu);
      ++delivered;
      next = index + 1;
      if (!go_on) stop = true;
    }
    if (!go_on) cancel_.store(true);
    room.notify_all();
    if (!go_on) break;
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
  }
  room.notify_all();
  for (std::thread& t : pool) t.join();
  return delivered;
}

}  // namespace leasesim
