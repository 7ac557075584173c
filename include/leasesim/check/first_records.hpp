// Keeps the first record of each committed lease change. A change may be
// recorded more than once (a leader applies and records it, then dies
// before anyone else learns it committed, and the next leader applies it
// again); per resource the log index of a first record is above every
// index recorded before, so a record whose index is not above the highest
// seen on its resource is a repeat (protocol/observations.hpp). Index 0 is
// a change that is not a committed entry: always a first record.
//
// Used by every reader that counts or draws lease changes (the checker,
// the Perfetto export), so they agree on what happened once.
#pragma once

#include <cstddef>
#include <vector>

#include "leasesim/protocol/types.hpp"

namespace leasesim {

class FirstRecords {
 public:
  explicit FirstRecords(size_t resources = 0) : last_(resources, 0) {}

  // True for the first record of its change (and notes its index).
  bool first(ResourceId res, LogIndex index) {
    if (index == 0) return true;
    if (res >= last_.size()) last_.resize(static_cast<size_t>(res) + 1, 0);
    if (index <= last_[res]) return false;
    last_[res] = index;
    return true;
  }

 private:
  std::vector<LogIndex> last_;  // per resource: highest index kept
};

}  // namespace leasesim
