// A validated experiment: everything a run needs, with names resolved to
// dense ids and durations parsed. Built by the loader (loader.hpp) from a
// JSON scenario file (docs/scenario-format.md); the world builds a run from
// it without further checks.
//
// Node numbering: servers are 0..S-1 (in `servers` order), then the
// storage node (if any), then requestors in file order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "leasesim/core/ids.hpp"
#include "leasesim/core/time.hpp"
#include "leasesim/fault/fault.hpp"
#include "leasesim/fault/random_faults.hpp"
#include "leasesim/net/network.hpp"
#include "leasesim/protocol/options.hpp"
#include "leasesim/protocol/requestor.hpp"
#include "leasesim/protocol/types.hpp"

namespace leasesim {

struct ClockSpec {
  Duration offset = Duration::zero();
  int64_t drift_ppb = 0;
};

struct RequestorSpec {
  std::string name;
  RequestorConfig config;  // servers/storage/self filled in by the world
};

// What the scenario claims about its own outcome; `leasesim check`
// compares it with the run.
struct Expectation {
  enum class Safety : uint8_t { kUnspecified, kHolds, kViolation };
  Safety safety = Safety::kUnspecified;
  std::vector<std::string> violation_kinds;  // with kViolation: each must occur
  std::optional<double> min_availability;    // fraction of wanted time held, per run
  std::optional<uint64_t> min_grants;
  std::optional<uint64_t> max_elections;
};

struct Scenario {
  std::string file;  // where it came from ("" if built in code)
  std::string name;
  std::string description;
  uint64_t seed = 1;
  Duration duration = seconds(60);

  std::string protocol = "raft-lease";
  std::string preset = "seed";
  LeaseOptions options;

  // The core.
  std::vector<std::string> servers;
  Duration election_min = milliseconds(150);
  Duration election_max = milliseconds(300);
  Duration heartbeat = milliseconds(50);
  uint32_t snapshot_threshold = 4096;
  uint32_t max_append_entries = 64;

  // Leases.
  Duration ttl = seconds(5);
  Duration max_ttl = seconds(5);

  std::vector<std::string> resources;
  std::vector<RequestorSpec> requestors;
  bool storage = false;  // a storage node exists (some requestor writes)

  NetworkConfig network;          // node_count and fifo_nodes filled by the loader
  std::vector<ClockSpec> clocks;  // per node id
  std::vector<Fault> faults;      // sorted by `at`, stable
  Expectation expect;
  // The `explore` block: limits for random faults (leasesim explore); unset
  // when the file has none (explore then uses ExploreSpec's defaults).
  std::optional<ExploreSpec> explore;

  // Derived layout.
  uint32_t node_count() const {
    return static_cast<uint32_t>(servers.size() + (storage ? 1 : 0) + requestors.size());
  }
  NodeId storage_id() const { return storage ? static_cast<NodeId>(servers.size()) : kInvalidNode; }
  NodeId requestor_id(size_t i) const {
    return static_cast<NodeId>(servers.size() + (storage ? 1 : 0) + i);
  }
  std::vector<std::string> node_names() const;
};

}  // namespace leasesim
