#include "leasesim/fault/fault.hpp"

namespace leasesim {

const char* to_string(FaultKind k) {
  switch (k) {
    case FaultKind::kCrash: return "crash";
    case FaultKind::kRestart: return "restart";
    case FaultKind::kPause: return "pause";
    case FaultKind::kPartition: return "partition";
    case FaultKind::kCut: return "cut";
    case FaultKind::kIsolate: return "isolate";
    case FaultKind::kHeal: return "heal";
    case FaultKind::kClockStep: return "clock_step";
    case FaultKind::kDrift: return "drift";
    case FaultKind::kNetwork: return "network";
    case FaultKind::kCount: break;
  }
  return "?";
}

}  // namespace leasesim
