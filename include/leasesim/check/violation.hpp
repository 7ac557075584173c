// What the checker reports.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "leasesim/core/ids.hpp"
#include "leasesim/core/time.hpp"
#include "leasesim/core/trace.hpp"
#include "leasesim/protocol/types.hpp"

namespace leasesim {

enum class ViolationKind : uint8_t {
  kOverlap,           // two requestors believed they held one resource at once
  kStaleWrite,        // storage accepted a write from a superseded holder / out of token order
  kLatentOverlap,     // (warning) a holder believed longer than the core's record allowed
  kElectionSafety,    // two leaders in one term
  kCommittedChanged,  // a committed log index applied with different content
  kCount,
};
const char* to_string(ViolationKind k);
// Parses a kind name ("overlap", "stale_write", ...). Returns false if unknown.
bool parse_violation_kind(std::string_view name, ViolationKind* out);

// An instant for violation summaries: seconds, to the microsecond (floored,
// like format_time), trailing zeros trimmed but one decimal kept: "3.0s",
// "10.2s", "11.025312s". scripts/leasesim_trace.py mirrors it exactly.
std::string format_instant(TimePoint t);

// Warnings are reported but do not make a run fail.
inline bool is_warning(ViolationKind k) {
  return k == ViolationKind::kLatentOverlap;
}

// A belief's union of holding segments, [from, to) each, in time order.
using Segments = std::vector<std::pair<TimePoint, TimePoint>>;

struct Violation {
  ViolationKind kind = ViolationKind::kOverlap;
  TimePoint detected;  // true time the checker noticed
  TimePoint from, to;  // the offending interval in true time (from == to: an instant)
  ResourceId resource = kNoResource;
  // overlap: first = the belief that began holding first; stale_write:
  // first = the writer, second = the earliest-begun belief that made the
  // write stale (none for token order only); election_safety: the leaders.
  NodeId first = kInvalidNode;
  NodeId second = kInvalidNode;
  uint64_t first_lease = 0;  // lease ids, or terms, or log index, per kind
  uint64_t second_lease = 0;
  uint64_t token = 0;  // stale_write: the write's token
  // overlap / latent_overlap: each party's belief union (clipped to the
  // run's end), and whether that belief still held when the run ended.
  Segments first_belief, second_belief;
  bool first_at_end = false, second_at_end = false;
  // The stretch was still going on when the run ended: it lasted at least
  // to - from. (Then both parties were at_end; for a run stopped at its
  // first violation, from == to.)
  bool cut_by_run_end = false;
  bool settled = false;       // interval, unions and summary are final
  std::string summary;        // one line, names resolved (final once settled)
  std::vector<Record> story;  // the records that led there, oldest first
};

}  // namespace leasesim
