#include "leasesim/core/event_queue.hpp"

namespace leasesim {

const char* to_string(Drain d) {
  // The CLI's --event-queue values; keep them stable.
  switch (d) {
    case Drain::kHeap:
      return "heap";
    case Drain::kSortedRuns:
      return "sorted-runs";
  }
  LEASESIM_UNREACHABLE("invalid Drain");
}

}  // namespace leasesim
