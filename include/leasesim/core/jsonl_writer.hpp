// Streams trace records to a JSON Lines file, one object per record:
//   {"t":1500000000,"lt":1500000000,"n":"n1","k":"send","to":"n2",...}
// (schema: docs/trace-format.md). Records are formatted into a large
// buffer with std::to_chars and written in blocks, so a run's trace is never
// held in memory. The file is written to "<path>.tmp-<pid>" and renamed
// onto <path> by finish(), so readers never see a half-written trace.
#pragma once

#include <string>

#include "leasesim/core/atomic_file.hpp"
#include "leasesim/core/trace.hpp"

namespace leasesim {

class JsonlTraceWriter final : public TraceSink {
 public:
  // The schema must outlive the writer.
  JsonlTraceWriter(const TraceSchema& schema, AtomicFile file);
  void write(const Record& r) override;
  bool finish(std::string* error) override;

 private:
  void append_name(uint8_t table, uint64_t index);
  const TraceSchema& schema_;
  AtomicFile file_;
  std::string line_;
};

}  // namespace leasesim
