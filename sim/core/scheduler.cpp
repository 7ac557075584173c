#include "leasesim/core/scheduler.hpp"

namespace leasesim {

const char* to_string(StopReason r) {
  // These strings appear in reports and JSON output; keep them stable.
  switch (r) {
    case StopReason::kReachedTime:
      return "reached-time";
    case StopReason::kQuiescent:
      return "quiescent";
    case StopReason::kRequested:
      return "stopped";
    case StopReason::kEventBudget:
      return "event-budget";
  }
  LEASESIM_UNREACHABLE("invalid StopReason");
}

}  // namespace leasesim
