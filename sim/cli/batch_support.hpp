// Stopping a campaign (explore, sweep) cleanly on Ctrl-C or SIGTERM.
#pragma once

#include <atomic>
#include <csignal>

#include "leasesim/campaign/batch.hpp"

namespace leasesim::cli {

// While alive, SIGINT and SIGTERM ask `runner` to stop: runs finished so far
// are kept (in order) and the command writes them out and says how to
// resume. A second signal kills the process the default way, for a user who
// does not want to wait, unless it comes within 250 ms of the first: that is
// the first delivered twice (`timeout` signals the command and its process
// group), and is ignored. One instance at a time (process-wide handlers).
class StopSignals {
 public:
  explicit StopSignals(BatchRunner* runner);
  // The same for one run (`leasesim run`): a signal sets *cancel, which the
  // run reads as RunOptions::cancel.
  explicit StopSignals(std::atomic<bool>* cancel);
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  // True once a signal arrived.
  bool fired() const;

 private:
  void install();
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace leasesim::cli
