// `leasesim run --plot FILE`: runs scripts/plot_timeline.py on the run's
// JSONL trace with Debian's /usr/bin/python3 (docs/visualization.md).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "leasesim/core/trace.hpp"

namespace leasesim::cli {

// The Python that runs the scripts: Debian's, whatever is first on PATH.
inline constexpr const char* kPython = "/usr/bin/python3";

// Checks, before a possibly long run, that the plot can be drawn: FILE ends
// in .png/.svg/.pdf, the script exists, python3 and matplotlib import.
// Returns false with *error saying what is missing and how to get it.
bool plot_ready(const std::string& out_file, std::string* script, std::string* error);

// Runs the script: TRACE (JSONL) -> OUT with `title`. Returns false with
// *error set if it could not run or failed (its own message is on stderr).
bool run_plot(const std::string& script, const std::string& trace, const std::string& out,
              const std::string& title, std::string* error);

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
