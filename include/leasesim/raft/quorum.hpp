// The value a quorum agrees on: the k-th largest of a few numbers (one
// per server), as Raft's commit index (the majority-th largest match) and
// a leadership's latest majority contact need it.
#pragma once

#include <cstddef>

#include "leasesim/core/assert.hpp"

namespace leasesim::raft {

// The k-th largest (k from 1) of values[0..n), reordering `values`.
// Precondition: 1 <= k <= n. Servers number at most kMaxServers (16), so
// an insertion sort, descending, is the cheapest way: std::sort and
// std::nth_element cost a few times more at these sizes (they are called
// on every acknowledgement and quorum check: docs/performance.md).
template <typename T>
T kth_largest(T* values, size_t n, size_t k) {
  LEASESIM_ASSERT(k >= 1 && k <= n, "kth_largest: k out of range");
  for (size_t i = 1; i < n; ++i) {
    const T v = values[i];
    size_t j = i;
    for (; j > 0 && values[j - 1] < v; --j) values[j] = values[j - 1];
    values[j] = v;
  }
  return values[k - 1];
}

}  // namespace leasesim::raft
