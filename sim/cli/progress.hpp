// Progress of a many-run command (explore, sweep) on stderr: a one-line bar
// redrawn in place on a terminal, plain periodic lines otherwise (logs, CI,
// Slurm output files). Only ever called from one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace leasesim::cli {

class Progress {
 public:
  enum class Mode { kAuto, kBar, kLines, kNone };
  // `what` names the unit ("seeds"); total is the number planned.
  Progress(std::string what, uint64_t total, Mode mode);
  ~Progress();

  // done so far (including any resumed), failures so far. Cheap when
  // called for every run: it redraws at most ~10 times a second (bar) or
  // every `line_every` (lines).
  void update(uint64_t done, uint64_t failures);
  // Prints a message on its own line without garbling the bar.
  void message(const std::string& line);
  // Final state; clears the bar line.
  void finish(uint64_t done, uint64_t failures);

  // Runs per second since construction, counting only this session's runs.
  double rate(uint64_t done) const;
  double elapsed_seconds() const;

  static Mode parse_mode(const std::string& text, bool* ok);

 private:
  void draw(uint64_t done, uint64_t failures, bool final);
  std::string status(uint64_t done, uint64_t failures) const;

  std::string what_;
  uint64_t total_;
  uint64_t start_done_ = UINT64_MAX;  // `done` at the first update (resumed runs)
  Mode mode_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::chrono::milliseconds every_;
  bool drawn_ = false;  // the bar is on screen
};

// "1h02m", "3m05s", "42s".
std::string format_eta(double seconds);

}  // namespace leasesim::cli
