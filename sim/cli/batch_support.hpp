// What the many-run commands (explore, sweep) share: stopping cleanly on
// Ctrl-C, and printing commands a user can paste back into a shell.
#pragma once

#include <csignal>
#include <string>

#include "leasesim/world/batch.hpp"

namespace leasesim::cli {

// While alive, SIGINT and SIGTERM ask `runner` to stop: runs finished so far
// are kept (in order) and the command writes them out and says how to
// resume. A second signal kills the process the default way, for a user who
// does not want to wait. One instance at a time (process-wide handlers).
class StopSignals {
 public:
  explicit StopSignals(BatchRunner* runner);
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  // True once a signal arrived.
  bool fired() const;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// `s` quoted for a POSIX shell when it needs it (letters, digits and
// _-./:=+, pass as they are).
std::string shell_quote(const std::string& s);

}  // namespace leasesim::cli
