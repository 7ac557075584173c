#include "batch_support.hpp"

#include <time.h>

#include <atomic>
#include <cstdint>

namespace leasesim::cli {

namespace {

std::atomic<BatchRunner*> g_runner{nullptr};
std::atomic<std::atomic<bool>*> g_cancel{nullptr};
volatile std::sig_atomic_t g_signals = 0;
// When the first stop signal arrived (CLOCK_MONOTONIC, ns); lock-free, so
// safe to touch from the handler.
std::atomic<int64_t> g_first_signal_ns{0};
static_assert(std::atomic<int64_t>::is_always_lock_free);
static_assert(std::atomic<std::atomic<bool>*>::is_always_lock_free);
static_assert(std::atomic<bool>::is_always_lock_free);

// A signal this soon after the first is the same request delivered twice,
// not a user asking to be killed: `timeout` signals the command and then its
// process group, so the command receives two SIGTERMs microseconds apart.
constexpr int64_t kEchoWindowNs = 250'000'000;

int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);  // async-signal-safe (POSIX)
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

extern "C" void on_stop_signal(int sig) {
  const int64_t now = monotonic_ns();
  if (g_signals == 0) {
    g_first_signal_ns.store(now);
  } else if (now - g_first_signal_ns.load() < kEchoWindowNs) {
    return;  // the echo of the first: already stopping
  } else {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_signals = 1;
  // request_stop() only stores an atomic flag: safe in a signal handler.
  if (BatchRunner* r = g_runner.load()) r->request_stop();
  if (std::atomic<bool>* c = g_cancel.load()) c->store(true);
}

}  // namespace

StopSignals::StopSignals(BatchRunner* runner) {
  g_runner.store(runner);
  install();
}

StopSignals::StopSignals(std::atomic<bool>* cancel) {
  g_cancel.store(cancel);
  install();
}

void StopSignals::install() {
  g_signals = 0;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
  g_runner.store(nullptr);
  g_cancel.store(nullptr);
}

bool StopSignals::fired() const {
  return g_signals > 0;
}

}  // namespace leasesim::cli
