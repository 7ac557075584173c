// `leasesim run --plot FILE`: runs the plot_timeline script on the run's
// JSONL trace with a Python that has matplotlib (docs/visualization.md):
// --python PATH, else $LEASESIM_PYTHON, else Debian's /usr/bin/python3.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "leasesim/core/trace.hpp"

namespace leasesim::cli {

// The default Python: Debian's (it has python3-matplotlib), whatever is
// first on PATH.
inline constexpr const char* kPython = "/usr/bin/python3";

// The interpreter that draws, and where the choice came from (for messages).
struct PlotPython {
  std::string path;    // a path, or a name looked up on PATH
  std::string source;  // "--python", "LEASESIM_PYTHON" or "the default"
};
// `option` (from --python) if given, else $LEASESIM_PYTHON if set and not
// empty, else kPython.
PlotPython choose_python(const std::string& option);

// Checks, before a possibly long run, that the plot can be drawn: FILE ends
// in .png/.svg/.pdf, the script exists, the Python runs and imports
// matplotlib. Returns false with *error saying what is missing and both
// remedies (install python3-matplotlib, or choose another Python).
bool plot_ready(const std::string& out_file, const PlotPython& python, std::string* script,
                std::string* error);

// Runs the script: TRACE (JSONL) -> OUT, its window from 0 to `end` (the
// run's end); the picture titles itself from the trace's header record.
// Returns false with *error set if it could not run
// or failed (its own message is on stderr).
bool run_plot(const PlotPython& python, const std::string& script, const std::string& trace,
              const std::string& out, TimePoint end, std::string* error);

// Sends every record to several sinks (e.g. the JSONL file and a Chrome
// trace). finish() finishes all of them and reports the first error.
class TeeSink final : public TraceSink {
 public:
  void add(TraceSink* sink) { sinks_.push_back(sink); }
  bool empty() const { return sinks_.empty(); }
  void write(const Record& r) override {
    for (TraceSink* s : sinks_) s->write(r);
  }
  bool finish(std::string* error) override;

 private:
  std::vector<TraceSink*> sinks_;  // not owned
};

// A temporary file path (removed by the destructor), for a trace that only
// the plot needs.
class TempPath {
 public:
  explicit TempPath(const std::string& suffix);
  ~TempPath();
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace leasesim::cli
