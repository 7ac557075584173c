// One run of a campaign as a results file records it: which run, its
// verdict, how many violations of each kind, its trace hash and metrics.
// The same record for explore and sweep; its line is JSON with a fixed key
// order (docs/exploration.md, "Run lines"):
//
//   {"type":"run","cell_index":0,"seed":7,"verdict":"violation",
//    "violations":{"overlap":2},"failures":2,"warnings":0,"end":"completed",
//    "trace_hash":"…","events":12000,"faults":9,"grants":20,"elections":3,
//    "availability":0.97…,"acquire_p50_ns":…,"acquire_p99_ns":…,
//    "handoff_p50_ns":…,"handoff_p99_ns":…,"failover_p50_ns":…,"failover_p99_ns":…,
//    "write_p50_ns":…,"write_p99_ns":…,"messages":…,"held_ns":…}
//
// Doubles are written in their shortest round-trip form, so parse(format())
// gives back exactly the record: records computed in a run and records read
// from its file are equal, and so is everything computed from them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "leasesim/check/violation.hpp"
#include "leasesim/report/verdict.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim {

inline constexpr size_t kViolationKinds = static_cast<size_t>(ViolationKind::kCount);

struct RunRecord {
  uint64_t cell = 0;
  uint64_t seed = 0;
  Verdict verdict = Verdict::kHolds;
  std::array<uint64_t, kViolationKinds> kinds{};  // violations of each kind, warnings included
  uint64_t failures = 0;                          // violations of failing kinds
  uint64_t warnings = 0;                          // violations of warning kinds
  EndReason end = EndReason::kCompleted;
  uint64_t trace_hash = 0;
  uint64_t events = 0;
  uint64_t faults = 0;  // random faults added for this seed (heals included)
  uint64_t grants = 0;
  uint64_t elections = 0;
  double availability = 1.0;
  std::optional<int64_t> acquire_p50, acquire_p99, handoff_p50, handoff_p99, failover_p50,
      failover_p99;
  // Holder's write send -> storage's acceptance (absent from files written
  // before the metric existed: read as no sample).
  std::optional<int64_t> write_p50, write_p99;
  // Messages sent in the run (NetStats::sent) and the time the resources
  // were held (the sum over resources of their beliefs' union), so a cell
  // can give messages per holder-second. Absent from lines written before
  // they existed (results format 2): such lines are read, and written back,
  // without them.
  std::optional<uint64_t> messages;
  std::optional<int64_t> held_ns;
  // The `load` object (docs/exploration.md, "Run lines"): written only for
  // runs with a timing model or a leader crash (LoadStats::worth_recording).
  struct Load {
    std::optional<int64_t> election, election_heard;  // first leader crash's
    uint64_t elections_unfinished = 0;
    double leader_handled_per_s = 0, leader_sent_per_s = 0;
    std::optional<int64_t> leader_queue_p50, leader_queue_p99;
    std::vector<std::pair<std::string, uint64_t>> sent_by_type;  // types sent at least once
    bool operator==(const Load&) const = default;
  };
  std::optional<Load> load;

  static RunRecord from_run(uint64_t cell, uint64_t seed, const RunResult& r, uint64_t faults);
  // Whether the run shows a failing violation of kind k.
  bool shows(ViolationKind k) const { return !is_warning(k) && kinds[static_cast<size_t>(k)] > 0; }
  // "overlap, stale_write": the failing kinds it shows, in kind order.
  std::string failing_kinds() const;

  std::string format() const;  // one line, no newline
  static bool parse(std::string_view line, RunRecord* out, std::string* error);
};

}  // namespace leasesim
