#include "bench.hpp"

#include "leasesim/cli/huge_pages.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "leasesim/cli/huge_pages.hpp"
#include "leasesim/core/assert.hpp"
#include "leasesim/report/verdict.hpp"

#ifdef __linux__
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace leasesim::cli {
namespace {

// The processor's retired-instruction counter for this process, user space
// only, where the kernel offers one (not in most virtual machines: then
// valid() is false and callgrind gives the figure, scripts/callgrind.sh).
class InstructionCounter {
 public:
  InstructionCounter() {
#ifdef __linux__
    perf_event_attr attr{};
    attr.type = PERF_TYPE_HARDWARE;
    attr.size = sizeof attr;
    attr.config = PERF_COUNT_HW_INSTRUCTIONS;
    attr.disabled = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    fd_ = static_cast<int>(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
#endif
  }
  ~InstructionCounter() {
#ifdef __linux__
    if (fd_ >= 0) close(fd_);
#endif
  }
  InstructionCounter(const InstructionCounter&) = delete;
  InstructionCounter& operator=(const InstructionCounter&) = delete;

  bool valid() const {
    return fd_ >= 0;
  }
  void start() {
#ifdef __linux__
    if (fd_ < 0) return;
    ioctl(fd_, PERF_EVENT_IOC_RESET, 0);
    ioctl(fd_, PERF_EVENT_IOC_ENABLE, 0);
#endif
  }
  std::optional<uint64_t> stop() {
#ifdef __linux__
    if (fd_ < 0) return std::nullopt;
    ioctl(fd_, PERF_EVENT_IOC_DISABLE, 0);
    uint64_t count = 0;
    if (read(fd_, &count, sizeof count) != static_cast<ssize_t>(sizeof count)) return std::nullopt;
    return count;
#else
    return std::nullopt;
#endif
  }

 private:
  int fd_ = -1;
};

struct Repetition {
  double setup_seconds = 0;
  double run_seconds = 0;
  uint64_t events = 0;
  std::optional<uint64_t> instructions;  // of the run, not the set-up
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

std::string rate(double events_per_second) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f M/s", events_per_second / 1e6);
  return buf;
}

}  // namespace

int run_bench(const Scenario& sc, const RunOptions& options, uint64_t repetitions, bool json) {
  LEASESIM_ASSERT(repetitions >= 1, "a benchmark needs a repetition");
  RunOptions ro = options;
  ro.trace = nullptr;
  InstructionCounter counter;
  std::vector<Repetition> reps;
  uint64_t hash = 0;
  RunResult last;
  for (uint64_t i = 0; i < repetitions; ++i) {
    using Clock = std::chrono::steady_clock;
    const Clock::time_point t0 = Clock::now();
    World world(sc, ro);
    const Clock::time_point t1 = Clock::now();
    counter.start();
    last = world.run();
    Repetition r;
    r.instructions = counter.stop();
    const Clock::time_point t2 = Clock::now();
    r.setup_seconds = std::chrono::duration<double>(t1 - t0).count();
    r.run_seconds = std::chrono::duration<double>(t2 - t1).count();
    r.events = last.events;
    if (i == 0) hash = last.trace_hash;
    LEASESIM_ASSERT(last.trace_hash == hash, "a repeated run gave another trace hash");
    reps.push_back(r);
  }
  std::vector<double> setup, run, eps, ipe;
  for (const Repetition& r : reps) {
    setup.push_back(r.setup_seconds);
    run.push_back(r.run_seconds);
    eps.push_back(r.run_seconds > 0 ? static_cast<double>(r.events) / r.run_seconds : 0);
    if (r.instructions && r.events > 0)
      ipe.push_back(static_cast<double>(*r.instructions) / static_cast<double>(r.events));
  }
  const double rss = peak_rss_mib();
  char hash_text[32];
  std::snprintf(hash_text, sizeof hash_text, "%016llx", static_cast<unsigned long long>(hash));
  if (json) {
    nlohmann::json j;
    j["scenario"] = sc.name;
    j["seed"] = sc.seed;
    j["repetitions"] = repetitions;
    j["events"] = last.events;
    j["end_reason"] = end_name(last.reason);  // as run --json and results files
    j["end_reason_text"] = to_string(last.reason);
    j["trace_hash"] = hash_text;
    j["setup_seconds_median"] = median(setup);
    j["run_seconds_median"] = median(run);
    j["events_per_second_median"] = median(eps);
    j["instructions_per_event_median"] =
        ipe.empty() ? nlohmann::json(nullptr) : nlohmann::json(median(ipe));
    j["peak_rss_mib"] = rss;
    j["huge_pages"] = huge_pages_status();
    j["event_queue"] = to_string(World::event_queue_for(sc, ro));
    nlohmann::json per = nlohmann::json::array();
    for (size_t i = 0; i < reps.size(); ++i)
      per.push_back(
          {{"setup_seconds", setup[i]}, {"run_seconds", run[i]}, {"events_per_second", eps[i]}});
    j["runs"] = per;
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  std::printf("bench: %s, seed %llu, %llu repetition(s), tracing off\n", sc.name.c_str(),
              static_cast<unsigned long long>(sc.seed),
              static_cast<unsigned long long>(repetitions));
  std::printf("  %4s %10s %9s %12s %12s %12s\n", "rep", "setup ms", "run s", "events", "events/s",
              "instr/event");
  for (size_t i = 0; i < reps.size(); ++i) {
    char ipe_text[32] = "n/a";
    if (reps[i].instructions && reps[i].events > 0)
      std::snprintf(
          ipe_text, sizeof ipe_text, "%.0f",
          static_cast<double>(*reps[i].instructions) / static_cast<double>(reps[i].events));
    std::printf("  %4zu %10.2f %9.3f %12llu %12s %12s\n", i + 1, setup[i] * 1e3, run[i],
                static_cast<unsigned long long>(reps[i].events), rate(eps[i]).c_str(), ipe_text);
  }
  std::printf("median: set-up %.2f ms, run %.3f s, %s", median(setup) * 1e3, median(run),
              rate(median(eps)).c_str());
  if (!ipe.empty()) std::printf(", %.0f instructions/event", median(ipe));
  std::printf("\npeak resident memory %.1f MiB; trace hash %s in every repetition; ended: %s\n",
              rss, hash_text, to_string(last.reason));
  std::printf("huge pages for the heap: %s; event queue: %s\n", huge_pages_status().c_str(),
              to_string(World::event_queue_for(sc, ro)));
  if (ipe.empty())
    std::printf(
        "instructions/event: n/a (no hardware instruction counter here; "
        "scripts/callgrind.sh measures them)\n");
  return kExitOk;
}

}  // namespace leasesim::cli
