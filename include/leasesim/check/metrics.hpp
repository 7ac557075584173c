// Liveness and quality of a run: measured, never judged as violations.
#pragma once

#include <cstdint>
#include <vector>

#include "leasesim/core/time.hpp"

namespace leasesim {

// Exact percentiles of a sample (nearest-rank), in nanoseconds.
struct Distribution {
  uint64_t count = 0;
  Duration min, p50, p90, p99, max, mean;
  static Distribution of(std::vector<int64_t> samples);
};

struct ResourceMetrics {
  Duration held;                // sum over beliefs of their union's length
  Duration wanted_free;         // time nobody held it while a requestor wanted it
  uint64_t grants = 0;          // beliefs begun
  double availability() const;  // held / (held + wanted_free); 1 if neither
};

struct Metrics {
  uint64_t grants = 0;     // leases granted on the core's record, each once
  uint64_t beliefs = 0;    // holds begun by requestors
  uint64_t elections = 0;  // times a server became leader
  uint64_t leader_crashes = 0;
  uint64_t writes_accepted = 0;
  uint64_t writes_rejected = 0;
  uint64_t stale_writes = 0;     // accepted writes from superseded holders
  Distribution acquire_latency;  // want -> belief begins
  // latest segment end -> another holder's belief begins (it was waiting)
  Distribution handoff_gap;
  Distribution failover;       // leader crash -> a new leader is ready
  Distribution write_latency;  // holder sends a write -> storage accepts it
  std::vector<ResourceMetrics> resources;
  double availability = 1.0;  // over all resources: sum held / (sum held + sum wanted_free)
};

}  // namespace leasesim
