// Faults: what can go wrong in a run, and when. A scenario scripts a list
// of them; exploration generates them at random. The world applies them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "leasesim/core/ids.hpp"
#include "leasesim/core/time.hpp"
#include "leasesim/net/latency.hpp"
#include "leasesim/protocol/types.hpp"

namespace leasesim {

// Who a fault applies to: a node by name, or a role resolved when the
// fault fires.
struct FaultTarget {
  enum class Kind : uint8_t {
    kNode,      // `node`
    kLeader,    // the current leader (the live server that last became leader, highest term)
    kHolderOf,  // the requestor currently believing it holds `resource`
  };
  Kind kind = Kind::kNode;
  NodeId node = kInvalidNode;
  ResourceId resource = kNoResource;
};

enum class FaultKind : uint8_t {
  kCrash,      // target crashes; with `duration`, restarts after it
  kRestart,    // target restarts (must be crashed)
  kPause,      // target pauses for `duration`
  kPartition,  // split into `groups` (symmetric)
  kCut,        // cut the link `from` -> `to` (one direction)
  kIsolate,    // target can neither send nor receive
  kHeal,       // remove every partition, cut and isolation
  kClockStep,  // step target's wall clock by `step`
  kDrift,      // set target's clock drift to `drift_ppb`
  kNetwork,    // for `duration`: extra loss/duplication and/or a latency model on every link
  kCount,
};
const char* to_string(FaultKind k);

struct Fault {
  TimePoint at;
  // With a range (`"at": {"min", "max"}`), `at` is its min and the world
  // draws the time per seed, uniformly in [at, at_max]; likewise duration.
  std::optional<TimePoint> at_max;
  std::optional<Duration> duration_max;
  FaultKind kind = FaultKind::kCrash;
  FaultTarget target;
  Duration duration = Duration::zero();          // pause, crash-restart, network window
  std::vector<std::vector<FaultTarget>> groups;  // partition
  FaultTarget from, to;                          // cut
  Duration step = Duration::zero();              // clock step
  int64_t drift_ppb = 0;                         // drift
  double loss = 0.0, duplicate = 0.0;            // network window
  std::optional<LatencyModel> latency;           // network window
  std::string origin;  // JSON path of the fault in its file ("/faults/3"), for messages
};

}  // namespace leasesim
