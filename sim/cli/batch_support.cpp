#include "batch_support.hpp"

#include <atomic>

namespace leasesim::cli {

namespace {

std::atomic<BatchRunner*> g_runner{nullptr};
volatile std::sig_atomic_t g_signals = 0;

extern "C" void on_stop_signal(int sig) {
  g_signals = g_signals + 1;
  if (g_signals >= 2) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  // request_stop() only stores an atomic flag: safe in a signal handler.
  if (BatchRunner* r = g_runner.load()) r->request_stop();
}

}  // namespace

StopSignals::StopSignals(BatchRunner* runner) {
  g_signals = 0;
  g_runner.store(runner);
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
}

bool StopSignals::fired() const {
  return g_signals > 0;
}

}  // namespace leasesim::cli
