// A run's verdict and how it ended, as every summary names them: the
// text and JSON reports, check's result lines, and the run lines of
// results files (campaign/record.hpp). The one place these words live.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "leasesim/world/world.hpp"

namespace leasesim {

enum class Verdict : uint8_t {
  kHolds,       // ran to its end (or quiescence) without a failing violation
  kViolation,   // a failing violation (wins over a run cut short: it is real)
  kIncomplete,  // cut short by --max-events, --timeout or the pending limit, no failure
};
const char* to_string(Verdict v);  // "holds", "violation", "incomplete"
bool parse_verdict(std::string_view name, Verdict* out);

// Stopped by a guard (--max-events, --timeout, the pending-event limit)
// before the scenario's end: the run says nothing about the rest of it.
inline bool cut_short(EndReason r) {
  return r == EndReason::kEventBudget || r == EndReason::kWallTimeout ||
         r == EndReason::kPendingLimit || r == EndReason::kCancelled;
}
Verdict verdict_of(uint64_t failures, EndReason end);

// What a run stopped by the pending limit says about its scenario, for
// every command's message: "more than 15,000,000 events pending at once
// (...)".
std::string pending_limit_text();
inline Verdict verdict_of(const RunResult& r) {
  return verdict_of(r.failures, r.reason);
}

// The token results files use for an end reason ("completed", "quiescent",
// "violation", "event_budget", "timeout", "pending_limit"; "cancelled" is
// named for completeness and never written: a cancelled run is not
// delivered). world's to_string(EndReason) is the phrase reports print.
const char* end_name(EndReason r);
bool parse_end_name(std::string_view name, EndReason* out);

}  // namespace leasesim
