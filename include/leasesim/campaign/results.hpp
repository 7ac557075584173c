// Results files of `leasesim explore` and `leasesim sweep`: one format, one
// reader, one merge (docs/exploration.md, "The results file"). JSON Lines,
// each line written whole and flushed:
//
//   {"format":"leasesim-results","version":2,...}   the plan (plan.hpp)
//   {"type":"run",...}       one line per run, in job order (record.hpp)
//   {"type":"cell",...}      after each cell's last run (unsharded files only)
//   {"type":"summary",...}   last; absent after a hard kill
//
// Everything in a file is a function of the plan and the runs (never of
// --jobs or the wall clock, except runs cut short by --timeout), and every
// line but the runs' is computed from the run lines before it, so a file
// cut short is a valid prefix, a resumed run writes exactly what an
// uninterrupted one would have, and the merge of a plan's shards is
// byte-identical to the unsharded run.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "leasesim/campaign/aggregate.hpp"
#include "leasesim/campaign/plan.hpp"
#include "leasesim/campaign/record.hpp"

namespace leasesim {

// A results file as read back: the longest prefix that is exactly what
// leasesim writes (header, whole lines in order).
struct ResultsFile {
  std::string path;
  Plan plan;
  std::vector<RunRecord> records;
  bool has_summary = false;          // the summary line is present
  uint64_t good_bytes = 0;           // bytes of the prefix a resumed run keeps (no summary)
  bool partial_tail = false;         // a cut-off last line was dropped
  std::vector<std::string> pending;  // cell lines a resumed run must write first
  // The status its runs give: "complete", "stopped-on-first" or "interrupted".
  std::string status;
};

// Reads and checks a results file. Returns false with *error naming the file
// and line (older formats: the version found and the one expected).
bool read_results(const std::string& path, ResultsFile* out, std::string* error);

// The text of the unsharded file from the shards 1..N of one plan (each
// exactly once, each complete or stopped on its first violation), or of a
// single unsharded file. Returns false with *error set.
bool merge_results(const std::vector<ResultsFile>& inputs, std::string* text, std::string* error);

// Appends whole lines and flushes each, so readers and crashes only ever
// see whole lines (plus at most one cut-off last line after a hard kill).
class ResultsWriter {
 public:
  ResultsWriter() = default;
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;
  ~ResultsWriter();
  // Creates/truncates `path`, or (keep_bytes > 0) keeps its first
  // keep_bytes and appends after them.
  bool open(const std::string& path, uint64_t keep_bytes, std::string* error);
  bool write_line(std::string_view line, std::string* error);  // adds '\n'
  bool close(std::string* error);
  bool is_open() const { return fp_ != nullptr; }

 private:
  std::FILE* fp_ = nullptr;
  std::string path_;
};

}  // namespace leasesim
