#include "leasesim/report/verdict.hpp"

#include <iterator>

#include "leasesim/core/assert.hpp"
#include "leasesim/world/records.hpp"

namespace leasesim {
namespace {

constexpr EndReason kEndReasons[] = {EndReason::kCompleted,   EndReason::kQuiescent,
                                     EndReason::kViolation,   EndReason::kEventBudget,
                                     EndReason::kWallTimeout, EndReason::kPendingLimit,
                                     EndReason::kCancelled};
// In EndReason's order (kEndReasons): the trace's run_end record's names.
constexpr const auto& kEndNames = world_rec::kEndReasonNames;
static_assert(std::size(kEndNames) == std::size(kEndReasons));
constexpr Verdict kVerdicts[] = {Verdict::kHolds, Verdict::kViolation, Verdict::kIncomplete};
constexpr const char* kVerdictNames[] = {"holds", "violation", "incomplete"};
static_assert(std::size(kVerdictNames) == std::size(kVerdicts));

}  // namespace

const char* to_string(Verdict v) {
  return kVerdictNames[static_cast<size_t>(v)];
}

bool parse_verdict(std::string_view name, Verdict* out) {
  for (size_t i = 0; i < std::size(kVerdicts); ++i) {
    if (name != kVerdictNames[i]) continue;
    *out = kVerdicts[i];
    return true;
  }
  return false;
}

Verdict verdict_of(uint64_t failures, EndReason end) {
  if (failures > 0) return Verdict::kViolation;
  if (cut_short(end)) return Verdict::kIncomplete;
  return Verdict::kHolds;
}

std::string pending_limit_text() {
  static_assert(kMaxPendingEvents == 15'000'000, "the text below names the limit");
  return "more than 15,000,000"
         " events pending at once (messages in flight, timers): the scenario schedules events "
         "faster than they fall due (a latency or timeout far longer than the time between "
         "sends?)";
}

const char* end_name(EndReason r) {
  const size_t i = static_cast<size_t>(r);
  LEASESIM_ASSERT(i < std::size(kEndNames) && kEndReasons[i] == r, "EndReason out of kEndReasons");
  return kEndNames[i];
}

bool parse_end_name(std::string_view name, EndReason* out) {
  for (size_t i = 0; i < std::size(kEndReasons); ++i) {
    if (name != kEndNames[i]) continue;
    *out = kEndReasons[i];
    return true;
  }
  return false;
}

}  // namespace leasesim
