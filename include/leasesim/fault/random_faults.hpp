// Random fault schedules for exploration (swarm testing).
//
// An ExploreSpec is the `explore` block of a scenario: which kinds of fault
// exploration may inject, how many and how severe. generate_faults(spec,
// layout, seed) turns it into a concrete fault list for one seed:
//
//   1. swarm: each allowed kind is switched on for this seed with
//      probability 1/2 (at least one always is) and given a weight 1..4
//      ("how often" relative to the other kinds on);
//   2. a fault count n uniform in [min_faults, max_faults];
//   3. n faults, each of a kind drawn by weight, at a time uniform in
//      [start_after, duration - quiet_after), with its parameters drawn
//      within the spec's bounds.
//
// Invariants of the result (tests check them):
//   - deterministic: a function of (spec, layout, seed) only; every draw
//     comes from Rng::for_stream(seed, "explore");
//   - sorted by `at` (stable), every `at` inside the fault window;
//   - everything that ends ends by duration - quiet_after: crashes restart,
//     pauses resume, network windows close, and every partition, cut or
//     isolation is followed by a heal at or before that time. Clock steps
//     and drift changes persist (they have no end), within their bounds;
//   - every fault is valid scenario input: scenario_to_json writes it and
//     the loader reads it back unchanged (so a failing seed can be saved as
//     a self-contained scenario).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "leasesim/core/ids.hpp"
#include "leasesim/core/time.hpp"
#include "leasesim/fault/fault.hpp"

namespace leasesim {

// The kinds exploration chooses among. Network windows are split into
// their three ingredients so a seed can switch each on or off.
enum class ExploreKind : uint8_t {
  kCrash,      // a target crashes and restarts after up to max_down
  kPause,      // a target pauses for up to max_pause
  kPartition,  // the nodes split into groups (several shapes), healed after up to max_partition
  kCut,        // one or more one-way link cuts (also symmetric pairs), healed likewise
  kIsolate,    // a target is cut off from everyone, healed likewise
  kClockStep,  // a target's wall clock steps by up to +-max_step
  kDrift,      // a target's drift is set to a value within +-drift_ppm
  kLoss,       // a network window with extra loss up to max_loss
  kDuplicate,  // a network window with extra duplication up to max_duplicate
  kLatency,    // a network window with a latency spike up to max_latency
  kCount,
};
const char* to_string(ExploreKind k);
bool parse_explore_kind(std::string_view name, ExploreKind* out);
inline constexpr uint32_t kAllExploreKinds = (1u << static_cast<unsigned>(ExploreKind::kCount)) - 1;
inline constexpr uint32_t explore_bit(ExploreKind k) {
  return 1u << static_cast<unsigned>(k);
}

struct ExploreSpec {
  uint32_t kinds = kAllExploreKinds;  // bit i: ExploreKind i may be chosen
  uint32_t min_faults = 1;
  uint32_t max_faults = 8;
  // Who crash, pause, isolate, cut, clock and drift faults (and partition
  // groups) may name. Empty: every server and requestor, "leader", and
  // "holder:R" for the first kMaxDefaultHolders resources.
  std::vector<FaultTarget> targets;
  Duration start_after = seconds(1);  // no generated fault earlier
  Duration quiet_after = seconds(5);  // the last stretch of the run is fault-free
  Duration max_down = seconds(10);    // crash downtime
  Duration max_pause = seconds(2);
  Duration max_partition = seconds(10);  // partitions, cuts, isolations
  int64_t drift_ppb = 500'000;           // |drift| bound (500 ppm)
  Duration max_step = seconds(1);        // |clock step| bound
  double max_loss = 0.3;
  double max_duplicate = 0.2;
  Duration max_window = seconds(5);          // loss / duplicate / latency windows
  Duration max_latency = milliseconds(200);  // latency spike upper bound

  static constexpr size_t kMaxDefaultHolders = 8;
};

// What the generator may name, from the scenario (the fault layer does not
// see Scenario). Node ids follow the scenario's numbering.
struct ExploreLayout {
  uint32_t servers = 0;            // ids 0..servers-1
  std::vector<NodeId> requestors;  // their ids
  uint32_t resources = 0;
  Duration duration;
};

// The faults exploration adds for `seed` (on top of the scenario's own
// script). Empty if the fault window is empty.
std::vector<Fault> generate_faults(const ExploreSpec& spec, const ExploreLayout& layout,
                                   uint64_t seed);

// The targets the generator uses: spec.targets, or the default list.
std::vector<FaultTarget> explore_targets(const ExploreSpec& spec, const ExploreLayout& layout);

}  // namespace leasesim
